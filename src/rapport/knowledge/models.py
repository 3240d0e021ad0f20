"""The knowledge base: categories, sections, articles in several languages, their history
and the help center's "was this helpful?" votes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

FALLBACK_LOCALE = "en"


class KnowledgeLocale(models.Model):
    """A language articles may be written in; enabled ones have a help center."""

    code = models.CharField(
        _("code"), max_length=16, unique=True, help_text=_("e.g. en, ru, zh-hans, sr")
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("In the language itself."))
    enabled = models.BooleanField(_("enabled"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("knowledge base language")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def pick_localized(values: dict[str, Any] | None, locale: str) -> str:
    """The value for locale, else English, else any non-empty one, else ""."""
    values = values or {}
    for code in (locale, FALLBACK_LOCALE):
        if values.get(code):
            return str(values[code])
    return next((str(v) for v in values.values() if v), "")


class LocalizedNames(models.Model):
    """Names and descriptions kept per language as {locale_code: text}."""

    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    names = models.JSONField(
        _("names"), default=dict, help_text=_('{"en": "Billing", "ru": "Оплата"}')
    )
    descriptions = models.JSONField(_("descriptions"), default=dict, blank=True)

    class Meta:
        abstract = True

    def name_in(self, locale: str) -> str:
        return pick_localized(self.names, locale) or self.slug

    def description_in(self, locale: str) -> str:
        return pick_localized(self.descriptions, locale)

    def __str__(self) -> str:
        return self.name_in(FALLBACK_LOCALE)


class Category(LocalizedNames):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class Section(LocalizedNames):
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="sections", verbose_name=_("category")
    )

    class Meta:
        ordering = ["category__position", "position", "slug"]
        verbose_name = _("section")
        constraints = [
            models.UniqueConstraint(fields=["category", "slug"], name="uniq_section_slug"),
        ]


class Audience(models.TextChoices):
    INTERNAL = "internal", _("Internal (agents only)")
    PUBLIC = "public", _("Public (help center)")


class Article(models.Model):
    """One subject; its text lives in one translation per language."""

    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("section")
    )
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="owned_articles", verbose_name=_("owner"),
        help_text=_("Keeps the article correct and reviews it."),
    )
    review_by = models.DateField(_("review by"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Demo content and imports recognise their own articles by it; blank otherwise.
    import_key = models.CharField(max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section__category__position", "section__position", "position", "id"]
        verbose_name = _("article")
        constraints = [
            models.UniqueConstraint(
                fields=["import_key"], condition=~Q(import_key=""), name="uniq_article_import_key"
            ),
        ]
        indexes = [models.Index(fields=["review_by"], name="knowledge_review_by")]

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC

    def __str__(self) -> str:
        first = self.translations.order_by("id").first()
        return first.title if first else f"#{self.pk}"


class TranslationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ArticleTranslation(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="translations", verbose_name=_("article")
    )
    locale = models.CharField(_("language"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=120, allow_unicode=True)
    body_markdown = models.TextField(_("text (Markdown)"), blank=True)
    body_html = models.TextField(editable=False, blank=True)  # rendered and sanitised
    status = models.CharField(
        _("status"), max_length=10, choices=TranslationStatus.choices,
        default=TranslationStatus.DRAFT,
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["article_id", "locale"]
        verbose_name = _("article translation")
        constraints = [
            models.UniqueConstraint(fields=["article", "locale"], name="uniq_article_locale"),
        ]
        indexes = [models.Index(fields=["locale", "status"], name="knowledge_locale_status")]

    @property
    def is_published(self) -> bool:
        return self.status == TranslationStatus.PUBLISHED

    def __str__(self) -> str:
        return f"{self.title} [{self.locale}]"


class ArticleVersion(models.Model):
    """One saved text of a translation; history is only ever appended to."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body_markdown = models.TextField(_("text (Markdown)"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("author"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # Set when this version brought an older one back; shown in each reader's language.
    restored_from = models.PositiveIntegerField(_("restored from version"), null=True, blank=True)

    class Meta:
        ordering = ["translation_id", "-number"]
        verbose_name = _("article version")
        constraints = [
            models.UniqueConstraint(fields=["translation", "number"], name="uniq_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.translation} v{self.number}"


class HelpfulVote(models.Model):
    """One browser's answer to "Was this article helpful?"; a second click changes it."""

    translation = models.ForeignKey(
        ArticleTranslation, on_delete=models.CASCADE, related_name="votes"
    )
    helpful = models.BooleanField()
    voter_key = models.CharField(max_length=64)  # a hash of the browser's session key
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("helpful vote")
        constraints = [
            models.UniqueConstraint(fields=["translation", "voter_key"], name="uniq_vote"),
        ]

    def __str__(self) -> str:
        return f"{self.translation_id}: {'yes' if self.helpful else 'no'}"
