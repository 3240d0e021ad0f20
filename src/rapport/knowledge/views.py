"""The agents' knowledge base (/knowledge/): read for every agent, write for editors.
Thin: a scoped read, one verb, a page or a redirect."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.core.feedback import attempt, report_form_errors
from rapport.knowledge import permissions, queries, services
from rapport.knowledge.diffs import has_changes, line_diff
from rapport.knowledge.forms import ArticleForm, ListFilterForm, ReviewForm
from rapport.knowledge.markdown import render_markdown
from rapport.knowledge.models import (
    Article,
    ArticleTranslation,
    ArticleVersion,
    KnowledgeLocale,
)

View = Callable[..., HttpResponseBase]
PREVIEW_MAX_CHARS = 200_000


def editor_required(view: View) -> View:
    """Writing pages: supervisors and admins; other agents get 403."""

    @wraps(view)
    def wrapped(request: AgentRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not permissions.can_edit(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return agent_required(wrapped)


def _ui_locale() -> str:
    return translation.get_language() or "en"


def _translation_or_404(user: Any, article_id: int, locale: str) -> ArticleTranslation:
    return get_object_or_404(
        queries.readable_translations(user).select_related("article__section__category",
                                                           "article__owner", "updated_by"),
        article_id=article_id, locale=locale,
    )


def _article_or_404(user: Any, article_id: int) -> Article:
    return get_object_or_404(queries.readable_articles(user), pk=article_id)


def _page(request: AgentRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {
        "section": "knowledge", "can_edit": permissions.can_edit(request.user),
        "review_count": queries.count_needing_review(request.user), **context,
    })


# --- Reading ----------------------------------------------------------------------------

@require_GET
@agent_required
def home(request: AgentRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or {"locale": _ui_locale()})
    locale = form.value("locale", _ui_locale())
    tree = queries.knowledge_tree(
        request.user, locale=locale, only_locale=form.value("only_locale", False),
        audience=form.value("audience"), status=form.value("status"),
    )
    return _page(request, "knowledge/home.html", {"form": form, "tree": tree,
                                                  "locale": locale})


@require_GET
@agent_required
def needs_review(request: AgentRequest) -> HttpResponse:
    articles = list(queries.needing_review(request.user)[:500])
    for article in articles:
        article.shown = queries.pick_translation(  # type: ignore[attr-defined]
            list(article.translations.all()), _ui_locale())
    return _page(request, "knowledge/needs_review.html", {"articles": articles})


@require_GET
@agent_required
def article(request: AgentRequest, article_id: int) -> HttpResponse:
    found = _article_or_404(request.user, article_id)
    shown = queries.translation_for(
        found, _ui_locale(), among=queries.readable_translations(request.user))
    if shown is None:
        raise Http404
    return _translation_page(request, _translation_or_404(request.user, article_id,
                                                          shown.locale))


@require_GET
@agent_required
def translation_page(request: AgentRequest, article_id: int, locale: str) -> HttpResponse:
    return _translation_page(request, _translation_or_404(request.user, article_id, locale))


def _translation_page(request: AgentRequest, shown: ArticleTranslation) -> HttpResponse:
    siblings = list(queries.readable_translations(request.user).filter(article=shown.article))
    taken = {t.locale for t in siblings}
    public_url = ""
    if shown.article.is_public and shown.is_published:
        public_url = request.build_absolute_uri(queries.public_article_url(shown))
    return _page(request, "knowledge/translation.html", {
        "translation": shown, "article": shown.article, "siblings": siblings,
        "missing_locales": [loc for loc in queries.all_locales() if loc.code not in taken],
        "public_url": public_url,
        "review_form": ReviewForm(initial={"owner": shown.article.owner_id,
                                           "review_by": shown.article.review_by}),
    })


@require_GET
@agent_required
def history(request: AgentRequest, article_id: int, locale: str) -> HttpResponse:
    shown = _translation_or_404(request.user, article_id, locale)
    versions = shown.versions.select_related("author").order_by("-number")
    return _page(request, "knowledge/history.html", {
        "translation": shown, "article": shown.article, "versions": versions,
    })


@require_GET
@agent_required
def version(request: AgentRequest, article_id: int, locale: str,
            version_number: int) -> HttpResponse:
    shown = _translation_or_404(request.user, article_id, locale)
    current = get_object_or_404(shown.versions.select_related("author"), number=version_number)
    previous = shown.versions.filter(number__lt=current.number).order_by("-number").first()
    lines = line_diff(previous.body_markdown if previous else "", current.body_markdown)
    return _page(request, "knowledge/version.html", {
        "translation": shown, "article": shown.article, "version": current,
        "previous": previous, "lines": lines, "changed": has_changes(lines),
        "title_changed": previous is not None and previous.title != current.title,
        "is_latest": not shown.versions.filter(number__gt=current.number).exists(),
    })


# --- Writing ----------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@editor_required
def create(request: AgentRequest) -> HttpResponse:
    form = ArticleForm(request.POST or None, choose_locale=True,
                       initial={"locale": _ui_locale(), "owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[ArticleTranslation] = []
        if attempt(request, lambda: created.append(services.create_article(
            form.article_settings(), locale=data["locale"], title=data["title"],
            body_markdown=data["body_markdown"], actor=request.user, note=data["note"],
        ))):
            messages.success(request, _("The article was saved as a draft."))
            return redirect(queries.agent_article_url(created[0]))
    return _page(request, "knowledge/editor.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@editor_required
def edit(request: AgentRequest, article_id: int, locale: str) -> HttpResponse:
    found = get_object_or_404(Article.objects.select_related("section"), pk=article_id)
    language = get_object_or_404(KnowledgeLocale, code=locale)
    existing = found.translations.filter(locale=locale).first()
    target = existing or ArticleTranslation(article=found, locale=locale)
    form = ArticleForm(request.POST or None, initial=_editor_initial(found, existing))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.save_edit(
            target, form.article_settings(), title=data["title"],
            body_markdown=data["body_markdown"], author=request.user, note=data["note"],
        )):
            messages.success(request, _("Saved."))
            return redirect("knowledge:translation", article_id=found.pk, locale=locale)
    source = None if existing else queries.translation_for(
        found, _ui_locale(), among=found.translations.all())
    return _page(request, "knowledge/editor.html", {
        "form": form, "article": found, "translation": existing, "language": language,
        "source": source,
    })


def _editor_initial(found: Article, existing: ArticleTranslation | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "section": found.section_id, "audience": found.audience, "owner": found.owner_id,
        "review_by": found.review_by,
    }
    if existing is not None:
        initial |= {"title": existing.title, "body_markdown": existing.body_markdown}
    return initial


@require_POST
@editor_required
def publish(request: AgentRequest, article_id: int, locale: str) -> HttpResponse:
    shown = _translation_or_404(request.user, article_id, locale)
    if attempt(request, lambda: services.publish(shown, actor=request.user)):
        messages.success(request, _("Published."))
    return redirect(queries.agent_article_url(shown))


@require_POST
@editor_required
def unpublish(request: AgentRequest, article_id: int, locale: str) -> HttpResponse:
    shown = _translation_or_404(request.user, article_id, locale)
    if attempt(request, lambda: services.unpublish(shown, actor=request.user)):
        messages.success(request, _("Back to draft: no longer shown to readers."))
    return redirect(queries.agent_article_url(shown))


@require_POST
@editor_required
def restore(request: AgentRequest, article_id: int, locale: str,
            version_number: int) -> HttpResponse:
    shown = _translation_or_404(request.user, article_id, locale)
    old: ArticleVersion = get_object_or_404(shown.versions, number=version_number)
    if attempt(request, lambda: services.restore_version(old, actor=request.user)):
        messages.success(request, _("Version %(number)s is the current text again.")
                         % {"number": old.number})
    return redirect("knowledge:history", article_id=article_id, locale=locale)


@require_http_methods(["GET", "POST"])
@editor_required
def delete(request: AgentRequest, article_id: int) -> HttpResponse:
    found = _article_or_404(request.user, article_id)
    if request.method == "POST":
        if attempt(request, lambda: services.delete_article(found, actor=request.user)):
            messages.success(request, _("The article was deleted."))
            return redirect("knowledge:home")
    shown = queries.translation_for(found, _ui_locale(), among=found.translations.all())
    return _page(request, "knowledge/delete.html", {"article": found, "translation": shown})


@require_POST
@editor_required
def review(request: AgentRequest, article_id: int) -> HttpResponse:
    found = _article_or_404(request.user, article_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
    elif attempt(request, lambda: services.set_review(
        found, form.cleaned_data["owner"], form.cleaned_data["review_by"], actor=request.user
    )):
        messages.success(request, _("Review planned."))
    fallback = queries.translation_for(found, _ui_locale(), among=found.translations.all())
    if request.POST.get("next") == "needs_review" or fallback is None:
        return redirect("knowledge:needs_review")
    return redirect(queries.agent_article_url(fallback))


@require_POST
@agent_required
def preview(request: AgentRequest) -> HttpResponse:
    """The editor's live preview: the posted Markdown as the readers will see it."""
    text = request.POST.get("body_markdown", "")[:PREVIEW_MAX_CHARS]
    return HttpResponse(render_markdown(text) or "")
