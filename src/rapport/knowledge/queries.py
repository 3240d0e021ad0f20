"""Reads of the knowledge base, each starting from what the asker may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from rapport.knowledge import permissions
from rapport.knowledge.models import (
    FALLBACK_LOCALE,
    Article,
    ArticleTranslation,
    Audience,
    Category,
    KnowledgeLocale,
    Section,
    TranslationStatus,
)

PUBLISHED = Q(status=TranslationStatus.PUBLISHED)


# --- Links ------------------------------------------------------------------------------

def public_article_url(translation: ArticleTranslation) -> str:
    """The help-center page of the translation (an absolute path)."""
    return reverse("help:article", kwargs={
        "locale": translation.locale, "article_id": translation.article_id,
        "slug": translation.slug,
    })


def agent_article_url(translation: ArticleTranslation) -> str:
    """The translation's page in the agents' knowledge base."""
    return reverse("knowledge:translation", kwargs={
        "article_id": translation.article_id, "locale": translation.locale,
    })


# --- Who reads what ---------------------------------------------------------------------

def readable_translations(actor: Any) -> QuerySet[ArticleTranslation]:
    """Agents: every published translation, and drafts too for editors. Everyone else
    (customers, anonymous visitors): published translations of public articles."""
    translations = ArticleTranslation.objects.select_related("article")
    if permissions.can_edit(actor):
        return translations.all()
    if permissions.can_read_internal(actor):
        return translations.filter(PUBLISHED)
    return public_translations()


def public_translations() -> QuerySet[ArticleTranslation]:
    return ArticleTranslation.objects.select_related("article").filter(
        PUBLISHED, article__audience=Audience.PUBLIC
    )


def readable_articles(actor: Any) -> QuerySet[Article]:
    ids = readable_translations(actor).values("article_id")
    return Article.objects.filter(pk__in=ids)


def translation_for(
    article: Article, locale: str, *, among: QuerySet[ArticleTranslation] | None = None
) -> ArticleTranslation | None:
    """The article in that language, else in English, else in any language; published
    ones only, unless `among` (e.g. readable_translations(editor)) says otherwise."""
    candidates = list((among if among is not None else ArticleTranslation.objects.filter(
        PUBLISHED)).filter(article=article))
    return pick_translation(candidates, locale)


def pick_translation(
    candidates: list[ArticleTranslation], locale: str
) -> ArticleTranslation | None:
    by_locale = {t.locale: t for t in candidates}
    for code in (locale, FALLBACK_LOCALE):
        if code in by_locale:
            return by_locale[code]
    return min(candidates, key=lambda t: t.pk, default=None)


def enabled_locales() -> list[KnowledgeLocale]:
    return list(KnowledgeLocale.objects.filter(enabled=True))


def all_locales() -> list[KnowledgeLocale]:
    return list(KnowledgeLocale.objects.all())


# --- The agents' list -------------------------------------------------------------------

@dataclass
class ArticleRow:
    article: Article
    shown: ArticleTranslation  # the translation the list links to
    translations: list[ArticleTranslation]


@dataclass
class SectionGroup:
    section: Section
    rows: list[ArticleRow] = field(default_factory=list)


@dataclass
class CategoryGroup:
    category: Category
    sections: list[SectionGroup] = field(default_factory=list)


def knowledge_tree(
    actor: Any, *, locale: str, only_locale: bool = False, audience: str = "",
    status: str = "",
) -> list[CategoryGroup]:
    """Category → section → article for the agents' list. only_locale: just the articles
    written in that language; otherwise each article in the best language there is."""
    translations = readable_translations(actor).select_related(
        "article__section__category", "article__owner")
    if audience:
        translations = translations.filter(article__audience=audience)
    if status:
        translations = translations.filter(status=status)
    if only_locale:
        translations = translations.filter(locale=locale)
    by_article: dict[int, list[ArticleTranslation]] = {}
    for t in translations.order_by("article_id", "locale"):
        by_article.setdefault(t.article_id, []).append(t)
    return group_articles(by_article, locale)


def group_articles(
    by_article: dict[int, list[ArticleTranslation]], locale: str
) -> list[CategoryGroup]:
    """Articles (each with its translations) under their sections and categories."""
    categories: dict[int, CategoryGroup] = {}
    sections: dict[int, SectionGroup] = {}
    rows = [(ts[0].article, ts) for ts in by_article.values()]
    rows.sort(key=lambda r: (r[0].section.category.position, r[0].section.category.slug,
                             r[0].section.position, r[0].section.slug, r[0].position, r[0].pk))
    for article, ts in rows:
        section = article.section
        category_group = categories.setdefault(
            section.category_id, CategoryGroup(section.category))
        if section.pk not in sections:
            sections[section.pk] = SectionGroup(section)
            category_group.sections.append(sections[section.pk])
        shown = pick_translation(ts, locale)
        assert shown is not None
        sections[section.pk].rows.append(ArticleRow(article, shown, ts))
    return list(categories.values())


# --- Needing review ---------------------------------------------------------------------

def needing_review(actor: Any) -> QuerySet[Article]:
    """Articles past their review date, or that nobody owns; the most overdue first.
    Their prefetched translations are only those the actor may read."""
    today = timezone.localdate()
    return (
        readable_articles(actor)
        .filter(Q(review_by__lt=today) | Q(owner__isnull=True))
        .select_related("owner", "section__category")
        .prefetch_related(Prefetch("translations", queryset=readable_translations(actor)))
        # No review date at all first: nobody ever planned to look at those.
        .order_by(F("review_by").asc(nulls_first=True), "created_at", "pk")
    )


def count_needing_review(actor: Any) -> int:
    return needing_review(actor).count()
