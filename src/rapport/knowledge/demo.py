"""The demo knowledge base: Northwind Parcel's help-center articles and internal procedures,
in English, Russian, Chinese and Serbian (fixtures/demo/)."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.accounts.models import Role, User
from rapport.knowledge import services
from rapport.knowledge.models import Article, ArticleTranslation, Category, Section
from rapport.knowledge.services import IMPORTER, ArticleSettings

DEMO_DIR = Path(__file__).resolve().parent / "fixtures" / "demo"
KEY_PREFIX = "demo:"
LOCALE_ORDER = ("en", "ru", "zh-hans", "sr")


def install_demo_knowledge(*, today: date | None = None) -> int:
    """Categories, sections and articles; what is there already is left as it is.
    Returns the number of demo articles."""
    catalogue = tomllib.loads((DEMO_DIR / "catalogue.toml").read_text("utf-8"))
    today = today or timezone.localdate()
    with transaction.atomic():
        sections = _install_places(catalogue["categories"])
        for spec in catalogue["articles"]:
            _install_article(spec, sections[spec["section"]], today)
    keys = [KEY_PREFIX + spec["key"] for spec in catalogue["articles"]]
    return Article.objects.filter(import_key__in=keys).count()


def _install_places(categories: list[dict[str, Any]]) -> dict[str, Section]:
    sections = {}
    for position, spec in enumerate(categories):
        category, _ = Category.objects.get_or_create(slug=spec["slug"], defaults={
            "position": position, "names": spec["names"],
            "descriptions": spec.get("descriptions", {}),
        })
        for section_position, section_spec in enumerate(spec["sections"]):
            section, _ = Section.objects.get_or_create(
                category=category, slug=section_spec["slug"],
                defaults={"position": section_position, "names": section_spec["names"]},
            )
            sections[f"{category.slug}/{section.slug}"] = section
    return sections


def _install_article(spec: dict[str, Any], section: Section, today: date) -> None:
    key = KEY_PREFIX + spec["key"]
    texts = demo_texts(spec["key"])
    article = Article.objects.filter(import_key=key).first()
    if article is None:
        first_locale = next(iter(texts))
        title, body = texts[first_locale]
        settings = ArticleSettings(
            section=section, audience=spec["audience"], owner=_owner(spec.get("owner")),
            review_by=today + timedelta(days=int(spec["review_in_days"])),
        )
        first = services.create_article(
            settings, locale=first_locale, title=title, body_markdown=body, actor=IMPORTER,
            note="Demo content", import_key=key,
        )
        services.publish(first, actor=IMPORTER)
        article = first.article
    have = set(article.translations.values_list("locale", flat=True))
    for locale, (title, body) in texts.items():
        if locale not in have:
            added = services.save_translation(
                ArticleTranslation(article=article, locale=locale), title=title,
                body_markdown=body, author=IMPORTER, note="Demo content",
            )
            services.publish(added, actor=IMPORTER)


def demo_texts(key: str) -> dict[str, tuple[str, str]]:
    """{locale: (title, Markdown body)} of one demo article, English first."""
    folder = DEMO_DIR / "articles" / key
    found = {}
    for locale in LOCALE_ORDER:
        path = folder / f"{locale}.md"
        if path.exists():
            heading, _newline, body = path.read_text("utf-8").partition("\n")
            found[locale] = (heading.removeprefix("# ").strip(), body.strip() + "\n")
    return found


def _owner(username: str | None) -> User | None:
    """The demo's named owner, else any supervisor or admin, else nobody."""
    editors = User.objects.filter(is_active=True, role__in=[Role.SUPERVISOR, Role.ADMIN])
    return (editors.filter(username=username).first() if username else None) or (
        editors.order_by("pk").first())
