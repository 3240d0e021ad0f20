"""Knowledge-base verbs: the only place articles, their translations, history and votes
change. Each verb is one transaction and tells the search index what it changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rapport.accounts.decorators import is_agent
from rapport.accounts.models import User
from rapport.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from rapport.knowledge import permissions
from rapport.knowledge.markdown import render_markdown
from rapport.knowledge.models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    Audience,
    HelpfulVote,
    KnowledgeLocale,
    Section,
    TranslationStatus,
)

SEARCH_KIND = "article"
TITLE_MAX = 200


class _Importer:
    """Demo content and imports: may write, and is recorded as no author."""

    def __str__(self) -> str:
        return "importer"


IMPORTER = _Importer()
Actor = User | _Importer


@dataclass(frozen=True)
class ArticleSettings:
    """What belongs to the article itself, shared by all its translations."""

    section: Section
    audience: str = Audience.INTERNAL
    owner: User | None = None
    review_by: date | None = None


# --- Checks ---------------------------------------------------------------------------

def _require_editor(actor: Any) -> User | None:
    """The author to record (None for the importer); refuses everyone but editors."""
    if actor is IMPORTER:
        return None
    if not permissions.can_edit(actor):
        raise PermissionDenied(_("Only supervisors and admins can change the knowledge base."))
    return actor  # type: ignore[no-any-return]


def _check_settings(settings: ArticleSettings) -> None:
    if settings.audience not in Audience.values:
        raise InvalidInput(_("Choose who the article is for."))
    if settings.owner is not None and not is_agent(settings.owner):
        raise InvalidInput(_("The owner must be an active agent."))


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise InvalidInput(_("Give the article a title."))
    if len(title) > TITLE_MAX:
        raise InvalidInput(_("The title is too long (at most %(max)s characters).")
                           % {"max": TITLE_MAX})
    return title


def _slug_for(title: str) -> str:
    return slugify(title, allow_unicode=True)[:120].strip("-") or "article"


# --- The search index -------------------------------------------------------------------

def _touch(*translation_ids: int) -> None:
    # Imported when used: the search app reads knowledge's models, so knowledge must
    # not import it while models load.
    from rapport.search import index

    if translation_ids:
        index.touch(SEARCH_KIND, list(translation_ids))


def _forget(*translation_ids: int) -> None:
    from rapport.search import index

    if translation_ids:
        index.forget(SEARCH_KIND, list(translation_ids))


# --- Articles ---------------------------------------------------------------------------

@transaction.atomic
def create_article(
    settings: ArticleSettings, *, locale: str, title: str, body_markdown: str, actor: Actor,
    note: str = "", import_key: str = "",
) -> ArticleTranslation:
    """A new article with its first translation (a draft, version 1)."""
    _require_editor(actor)
    _check_settings(settings)
    article = Article.objects.create(
        section=settings.section, audience=settings.audience, owner=settings.owner,
        review_by=settings.review_by, import_key=import_key,
    )
    new = ArticleTranslation(article=article, locale=locale)
    return save_translation(new, title=title, body_markdown=body_markdown, author=actor,
                            note=note)


@transaction.atomic
def change_article(article: Article, settings: ArticleSettings, *, actor: Actor) -> Article:
    """Section, audience, owner and review date. A new audience reaches the index at once:
    an article made internal must leave the public search with this change."""
    _require_editor(actor)
    _check_settings(settings)
    locked = Article.objects.select_for_update().get(pk=article.pk)
    audience_changed = locked.audience != settings.audience
    locked.section = settings.section
    locked.audience = settings.audience
    locked.owner = settings.owner
    locked.review_by = settings.review_by
    locked.save()
    if audience_changed:
        _touch(*locked.translations.values_list("pk", flat=True))
    return locked


@transaction.atomic
def set_review(
    article: Article, owner: User | None, review_by: date | None, actor: Actor
) -> Article:
    _require_editor(actor)
    if owner is not None and not is_agent(owner):
        raise InvalidInput(_("The owner must be an active agent."))
    Article.objects.filter(pk=article.pk).update(
        owner=owner, review_by=review_by, updated_at=timezone.now()
    )
    article.owner, article.review_by = owner, review_by
    return article


@transaction.atomic
def delete_article(article: Article, actor: Actor) -> None:
    """The article, all its translations and their history."""
    _require_editor(actor)
    ids = list(ArticleTranslation.objects.filter(article=article).values_list("pk", flat=True))
    _forget(*ids)
    Article.objects.filter(pk=article.pk).delete()


# --- Translations and their history -----------------------------------------------------

@transaction.atomic
def save_translation(
    translation_or_new: ArticleTranslation, *, title: str, body_markdown: str, author: Actor,
    note: str = "", restored_from: int | None = None,
) -> ArticleTranslation:
    """Write a translation's text (a new one when it has no pk yet); every save is a new
    version. Its status does not change: a published text stays published."""
    user = _require_editor(author)
    title = _clean_title(title)
    translation = _locked_or_new(translation_or_new)
    translation.title = title
    translation.slug = _slug_for(title)
    translation.body_markdown = body_markdown or ""
    translation.body_html = render_markdown(translation.body_markdown)
    translation.updated_by = user
    translation.save()
    _append_version(translation, author=user, note=note, restored_from=restored_from)
    _touch(translation.pk)
    return translation


def save_edit(
    translation_or_new: ArticleTranslation, settings: ArticleSettings, *, title: str,
    body_markdown: str, author: Actor, note: str = "",
) -> ArticleTranslation:
    """The editor's form: the text and the article's settings, both or neither."""
    with transaction.atomic():
        change_article(translation_or_new.article, settings, actor=author)
        return save_translation(translation_or_new, title=title, body_markdown=body_markdown,
                                author=author, note=note)


def _locked_or_new(translation: ArticleTranslation) -> ArticleTranslation:
    if translation.pk is not None:
        return ArticleTranslation.objects.select_for_update().get(pk=translation.pk)
    if not KnowledgeLocale.objects.filter(code=translation.locale).exists():
        raise InvalidInput(_("Unknown language: %(code)s.") % {"code": translation.locale})
    # The article row is locked, so two first translations in one language cannot race.
    Article.objects.select_for_update().filter(pk=translation.article_id).first()
    exists = ArticleTranslation.objects.filter(
        article_id=translation.article_id, locale=translation.locale
    ).exists()
    if exists:
        raise Conflict(_("This article already has a translation in that language."))
    return translation


def _append_version(
    translation: ArticleTranslation, *, author: User | None, note: str,
    restored_from: int | None = None,
) -> ArticleVersion:
    last = translation.versions.aggregate(n=Max("number"))["n"] or 0
    return ArticleVersion.objects.create(
        translation=translation, number=last + 1, title=translation.title,
        body_markdown=translation.body_markdown, author=author, note=(note or "")[:200],
        restored_from=restored_from,
    )


@transaction.atomic
def restore_version(version: ArticleVersion, actor: Actor) -> ArticleTranslation:
    """Bring an old text back as a new version; the history in between stays."""
    return save_translation(
        version.translation, title=version.title, body_markdown=version.body_markdown,
        author=actor, restored_from=version.number,
    )


@transaction.atomic
def publish(translation: ArticleTranslation, actor: Actor) -> ArticleTranslation:
    _require_editor(actor)
    locked = ArticleTranslation.objects.select_for_update().get(pk=translation.pk)
    if not locked.body_markdown.strip():
        raise InvalidInput(_("Write the article's text before publishing it."))
    if locked.status != TranslationStatus.PUBLISHED:
        locked.status = TranslationStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        _touch(locked.pk)
    return locked


@transaction.atomic
def unpublish(translation: ArticleTranslation, actor: Actor) -> ArticleTranslation:
    _require_editor(actor)
    locked = ArticleTranslation.objects.select_for_update().get(pk=translation.pk)
    if locked.status != TranslationStatus.DRAFT:
        locked.status = TranslationStatus.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        _touch(locked.pk)
    return locked


# --- The help center --------------------------------------------------------------------

@transaction.atomic
def vote(translation: ArticleTranslation, voter_key: str, helpful: bool) -> HelpfulVote:
    """One answer per browser: a second click changes it. The translation row is locked
    and the counters are counted again from the votes, so they always match."""
    locked = (
        ArticleTranslation.objects.select_for_update(of=("self",))
        .filter(pk=translation.pk, status=TranslationStatus.PUBLISHED,
                article__audience=Audience.PUBLIC)
        .first()
    )
    if locked is None:
        raise NotFound(_("This article is not available."))
    if not voter_key:
        raise InvalidInput(_("Your vote could not be recorded."))
    ballot, created = HelpfulVote.objects.get_or_create(
        translation=locked, voter_key=voter_key, defaults={"helpful": helpful}
    )
    if not created and ballot.helpful != helpful:
        ballot.helpful = helpful
        ballot.save(update_fields=["helpful"])
    counts = locked.votes.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    ArticleTranslation.objects.filter(pk=locked.pk).update(
        helpful_yes=counts["yes"], helpful_no=counts["no"]
    )
    return ballot


def record_view(translation: ArticleTranslation) -> None:
    """One more reader; a single UPDATE, so concurrent readers all count."""
    ArticleTranslation.objects.filter(pk=translation.pk).update(views=F("views") + 1)
