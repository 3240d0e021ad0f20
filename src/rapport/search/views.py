"""The agents' search: a results page with filters, and the top bar's quick results."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.search.forms import SearchForm
from rapport.search.models import Kind, SearchLog
from rapport.search.services import SearchQuery, search

QUICK_LIMIT = 8
QUICK_ARTICLES = 2
ARTICLE_BLOCK = 3
OTHER_KINDS = (Kind.TICKET, Kind.MESSAGE, Kind.CUSTOMER)


@require_GET
@agent_required
def results(request: AgentRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    page = articles = None
    if form.is_valid() and form.cleaned_data.get("q"):
        query = form.search_query(source=SearchLog.Source.AGENT)
        if not query.kinds:
            # Procedures first: the best articles in their own block, the rest below.
            articles = search(request.user, replace(query, kinds=(Kind.ARTICLE,),
                                                    limit=ARTICLE_BLOCK, offset=0, source=""))
            query = replace(query, kinds=OTHER_KINDS)
        page = search(request.user, query)
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "search/results.html", {
        "form": form, "page": page, "articles": articles,
        "search_text": request.GET.get("q", ""),
        "page_number": (form.cleaned_data.get("page") or 1) if form.is_valid() else 1,
        "base_query": params.urlencode(),
    })


@require_GET
@agent_required
def quick(request: AgentRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    query = SearchQuery(text=text, limit=QUICK_LIMIT, prefix_last=True)
    articles = search(request.user, replace(query, kinds=(Kind.ARTICLE,), limit=QUICK_ARTICLES))
    page = search(request.user, replace(
        query, kinds=OTHER_KINDS, limit=QUICK_LIMIT - len(articles.hits)
    ))
    return render(request, "search/_quick.html", {
        "page": page, "hits": articles.hits + page.hits, "total": articles.total + page.total,
        "text": text,
    })
