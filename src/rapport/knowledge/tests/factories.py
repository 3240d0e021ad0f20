"""Knowledge-base objects for tests, made through the verbs (so versions and the search
index are as they would be)."""

from __future__ import annotations

from typing import Any

from rapport.knowledge import services
from rapport.knowledge.models import (
    ArticleTranslation,
    Audience,
    Category,
    KnowledgeLocale,
    Section,
)
from rapport.knowledge.services import IMPORTER, ArticleSettings


def ensure_locales() -> None:
    """The languages the data migration creates: transactional tests flush them away."""
    for position, (code, name) in enumerate(
        [("en", "English"), ("ru", "Русский"), ("zh-hans", "中文"), ("sr", "Српски")]
    ):
        KnowledgeLocale.objects.get_or_create(code=code, defaults={"name": name,
                                                                   "position": position})


def make_section(category_slug: str = "orders", slug: str = "tracking", **names: str) -> Section:
    category, _ = Category.objects.get_or_create(
        slug=category_slug, defaults={"names": {"en": category_slug.title()}})
    section, _ = Section.objects.get_or_create(
        category=category, slug=slug, defaults={"names": names or {"en": slug.title()}})
    return section


def make_article(
    title: str = "Tracking an order", body: str = "Open **My orders**.", *,
    locale: str = "en", audience: str = Audience.PUBLIC, published: bool = True,
    section: Section | None = None, actor: Any = IMPORTER, **settings: Any,
) -> ArticleTranslation:
    translation = services.create_article(
        ArticleSettings(section=section or make_section(), audience=audience, **settings),
        locale=locale, title=title, body_markdown=body, actor=actor,
    )
    if published:
        translation = services.publish(translation, actor=actor)
    return translation


def add_translation(
    article_translation: ArticleTranslation, locale: str, title: str, body: str = "Text.",
    *, published: bool = True, actor: Any = IMPORTER,
) -> ArticleTranslation:
    new = ArticleTranslation(article=article_translation.article, locale=locale)
    translation = services.save_translation(new, title=title, body_markdown=body, author=actor)
    if published:
        translation = services.publish(translation, actor=actor)
    return translation
