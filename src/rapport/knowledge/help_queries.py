"""Reads for the public help center: published public articles only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from rapport.knowledge import queries
from rapport.knowledge.models import (
    FALLBACK_LOCALE,
    ArticleTranslation,
    Category,
    HelpfulVote,
    KnowledgeLocale,
)

POPULAR_COUNT = 5
_LANGUAGE_RANGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")


# --- Which language --------------------------------------------------------------------

def accepted_languages(header: str) -> list[str]:
    """Accept-Language's languages, most wanted first, lower-case ("*" and q=0 left out)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:30]):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                continue
        if quality > 0 and _LANGUAGE_RANGE.match(tag.strip()):
            weighted.append((-quality, position, tag.strip().lower()))
    return [tag for _q, _p, tag in sorted(weighted)]


def best_locale(header: str, codes: list[str]) -> str:
    """The first accepted language with a help center: the exact code, else the same
    language in another form (zh-CN → zh-hans, sr-Latn → sr); else English."""
    available = {code.lower(): code for code in codes}
    for tag in accepted_languages(header):
        if tag in available:
            return available[tag]
        base = tag.split("-")[0]
        for code_lower, code in available.items():
            if code_lower.split("-")[0] == base:
                return code
    if FALLBACK_LOCALE in available:
        return available[FALLBACK_LOCALE]
    return codes[0] if codes else FALLBACK_LOCALE


@dataclass(frozen=True)
class SwitchLink:
    locale: KnowledgeLocale
    url: str


def switch_links(locales: list[KnowledgeLocale], alternates: dict[str, str]) -> list[SwitchLink]:
    """The language menu: this page in each language when it exists, else its home."""
    return [SwitchLink(loc, alternates.get(loc.code) or reverse("help:home", args=[loc.code]))
            for loc in locales]


def alternates(shown: ArticleTranslation) -> dict[str, str]:
    """The same article in every language it is published in, this one included."""
    enabled = {loc.code for loc in queries.enabled_locales()}
    return {t.locale: queries.public_article_url(t)
            for t in queries.public_translations().filter(article_id=shown.article_id)
            if t.locale in enabled}


# --- What to list -----------------------------------------------------------------------

def help_tree(locale: str, *, category: Category | None = None) -> list[queries.CategoryGroup]:
    """Categories → sections → articles in this language, or in English when an article
    has no translation here yet."""
    translations = queries.public_translations().filter(
        locale__in={locale, FALLBACK_LOCALE}).select_related("article__section__category")
    if category is not None:
        translations = translations.filter(article__section__category=category)
    by_article: dict[int, list[ArticleTranslation]] = {}
    for t in translations.order_by("article_id", "locale"):
        by_article.setdefault(t.article_id, []).append(t)
    return queries.group_articles(by_article, locale)


def popular(locale: str) -> list[ArticleTranslation]:
    return list(queries.public_translations().filter(locale=locale, views__gt=0)
                .order_by("-views", "pk")[:POPULAR_COUNT])


# --- This browser's vote ----------------------------------------------------------------

def voter_key(request: HttpRequest, *, create: bool = False) -> str:
    """A hash of the browser's session key: the same browser always gets the same key,
    and the key tells nothing about the session. create: start a session if needed."""
    session: Any = request.session
    if create and not session.session_key:
        session["help_center"] = True  # a session with content is saved and sent back
        session.save()
    key = session.session_key
    if not key:
        return ""
    return salted_hmac("rapport.knowledge.vote", key, algorithm="sha256").hexdigest()


def vote_of(shown: ArticleTranslation, request: HttpRequest) -> HelpfulVote | None:
    key = voter_key(request)
    if not key:
        return None
    return HelpfulVote.objects.filter(translation=shown, voter_key=key).first()
