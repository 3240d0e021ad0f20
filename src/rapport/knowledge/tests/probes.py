"""What the permission matrix (core/tests/test_permission_matrix.py) needs of the
knowledge base: a public published article, an internal draft, and their state."""

from __future__ import annotations

from typing import Any

from rapport.knowledge import services
from rapport.knowledge.models import Article, ArticleTranslation, ArticleVersion
from rapport.knowledge.services import IMPORTER, ArticleSettings
from rapport.knowledge.tests.factories import make_section

PUBLIC_KEY = "probe:public"
DRAFT_KEY = "probe:draft"


def probe_article(*, public: bool) -> Article:
    """public: a published help-center article; else an internal draft. English only."""
    key = PUBLIC_KEY if public else DRAFT_KEY
    found = Article.objects.filter(import_key=key).first()
    if found is not None:
        return found
    translation = services.create_article(
        ArticleSettings(section=make_section(), audience="public" if public else "internal"),
        locale="en", title="Probe help article" if public else "Probe internal draft",
        body_markdown="Probe text.", actor=IMPORTER, import_key=key,
    )
    if public:
        services.publish(translation, actor=IMPORTER)
    return translation.article


def knowledge_state(w: Any) -> Any:
    """Every article, translation and version; both probes exist before the request."""
    probe_article(public=True)
    probe_article(public=False)
    return (
        list(Article.objects.order_by("pk").values_list(
            "pk", "audience", "owner_id", "review_by", "section_id")),
        list(ArticleTranslation.objects.order_by("pk").values_list("pk", "status", "title")),
        ArticleVersion.objects.count(),
    )


def edit_data(w: Any) -> dict[str, Any]:
    article = probe_article(public=True)
    return {"title": "Probe help article, edited", "body_markdown": "Edited.",
            "section": article.section_id, "audience": "public", "owner": "", "review_by": ""}


def create_data(w: Any) -> dict[str, Any]:
    return {**edit_data(w), "locale": "en", "title": "Probe new article"}
