"""Template helpers of the knowledge base and the help center."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone, translation

from rapport.knowledge import queries

register = template.Library()


@register.filter
def local_name(obj: Any, locale: str = "") -> str:
    """A category's or section's name in that language (the page's by default)."""
    return str(obj.name_in(locale or translation.get_language() or "en"))


@register.filter
def local_description(obj: Any, locale: str = "") -> str:
    return str(obj.description_in(locale or translation.get_language() or "en"))


@register.filter
def public_url(translation_row: Any) -> str:
    return queries.public_article_url(translation_row)


@register.filter
def agent_url(translation_row: Any) -> str:
    return queries.agent_article_url(translation_row)


@register.filter
def overdue(article: Any) -> bool:
    return bool(article.review_by and article.review_by < timezone.localdate())
