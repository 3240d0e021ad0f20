"""The public help center (/help/): published public articles, for anyone, no sign-in.

Anything else (internal articles, drafts, languages that are switched off) answers 404
whatever the id, exactly as if it did not exist. Pages speak the URL's language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from rapport.core.errors import DomainError
from rapport.knowledge import help_queries, queries, services
from rapport.knowledge.forms import VoteForm
from rapport.knowledge.help_queries import voter_key
from rapport.knowledge.models import ArticleTranslation, Category, KnowledgeLocale

SEARCH_PAGE_SIZE = 20
SEARCH_MAX_PAGE = 50


def _locale_or_404(code: str) -> KnowledgeLocale:
    return get_object_or_404(KnowledgeLocale, code=code, enabled=True)


def _render(request: HttpRequest, locale: KnowledgeLocale, template: str,
            context: dict[str, Any], *, alternates: dict[str, str] | None = None
            ) -> HttpResponse:
    """The page in the URL's language, whatever the visitor's session says."""
    locales = queries.enabled_locales()
    with translation.override(locale.code):
        response = render(request, template, {
            "locale": locale, "locales": locales, "alternates": alternates or {},
            "company_name": settings.RAPPORT_COMPANY_NAME,
            "switch_links": help_queries.switch_links(locales, alternates or {}),
            **context,
        })
    response["Content-Language"] = locale.code
    return response


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    codes = [loc.code for loc in queries.enabled_locales()]
    best = help_queries.best_locale(request.headers.get("Accept-Language", ""), codes)
    response = redirect("help:home", locale=best)
    response["Vary"] = "Accept-Language"
    return response


@require_GET
def home(request: HttpRequest, locale: str) -> HttpResponse:
    language = _locale_or_404(locale)
    return _render(request, language, "knowledge/help/home.html", {
        "tree": help_queries.help_tree(language.code),
        "popular": help_queries.popular(language.code),
    }, alternates={loc.code: reverse("help:home", args=[loc.code])
                   for loc in queries.enabled_locales()})


@require_GET
def category(request: HttpRequest, locale: str, category_slug: str) -> HttpResponse:
    language = _locale_or_404(locale)
    found = get_object_or_404(Category, slug=category_slug)
    tree = help_queries.help_tree(language.code, category=found)
    if not tree:
        raise Http404
    return _render(request, language, "knowledge/help/category.html", {
        "category": found, "group": tree[0],
    })


def _public_translation_or_404(locale: str, article_id: int) -> ArticleTranslation:
    return get_object_or_404(
        queries.public_translations().select_related("article__section__category"),
        article_id=article_id, locale=locale,
    )


@require_GET
def article(request: HttpRequest, locale: str, article_id: int, slug: str) -> HttpResponse:
    language = _locale_or_404(locale)
    shown = _public_translation_or_404(locale, article_id)
    if slug != shown.slug:
        return redirect(queries.public_article_url(shown), permanent=True)
    services.record_view(shown)
    return _render(request, language, "knowledge/help/article.html", {
        "translation": shown, "article": shown.article,
        "section": shown.article.section, "category": shown.article.section.category,
        "vote": help_queries.vote_of(shown, request), "vote_form": VoteForm(),
    }, alternates=help_queries.alternates(shown))


@require_POST
def vote(request: HttpRequest, locale: str, article_id: int, slug: str) -> HttpResponse:
    language = _locale_or_404(locale)
    shown = _public_translation_or_404(locale, article_id)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        ballot = services.vote(shown, voter_key(request, create=True),
                               form.cleaned_data["helpful"])
    except DomainError as exc:
        return HttpResponse(exc.message, status=exc.status)
    if request.headers.get("X-Help-Fragment") == "feedback":
        with translation.override(language.code):
            return render(request, "knowledge/help/_partials/feedback.html", {
                "translation": shown, "vote": ballot, "vote_form": VoteForm(),
                "locale": language,
            })
    return redirect(queries.public_article_url(shown) + "#feedback")


@require_GET
def search(request: HttpRequest, locale: str) -> HttpResponse:
    language = _locale_or_404(locale)
    text = request.GET.get("q", "").strip()[:200]
    number = _page_number(request.GET.get("page"))
    page = _run_search(text, language.code, number) if text else None
    has_next = page is not None and number * SEARCH_PAGE_SIZE < page.total
    return _render(request, language, "knowledge/help/search.html", {
        "q": text, "page": page, "number": number, "has_next": has_next,
        "next_number": number + 1, "previous_number": number - 1,
        "page_start": (number - 1) * SEARCH_PAGE_SIZE + 1,
    }, alternates={loc.code: reverse("help:search", args=[loc.code])
                   for loc in queries.enabled_locales()})


def _page_number(raw: str | None) -> int:
    try:
        number = int(raw or 1)
    except ValueError as exc:
        raise Http404 from exc
    if not 1 <= number <= SEARCH_MAX_PAGE:
        raise Http404
    return number


def _run_search(text: str, locale: str, number: int) -> Any:
    # The search app's entry point; anonymous (None): public articles only.
    from rapport.search.services import SearchQuery, search

    return search(None, SearchQuery(
        text=text, kinds=("article",), locale=locale, limit=SEARCH_PAGE_SIZE,
        offset=(number - 1) * SEARCH_PAGE_SIZE, source="helpcenter",
    ))
