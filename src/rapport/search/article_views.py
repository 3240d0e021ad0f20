"""Articles where they are needed: beside a ticket, in the contact form, in the widget.

Agents get suggestions for the ticket they answer and insert an article's link or text
into the reply; customers get public articles while they write, linked through the
deflection counter.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.search import deflection
from rapport.search.models import Deflection, Kind, SearchLog
from rapport.search.services import MAX_QUERY_CHARS, Hit, SearchQuery, search
from rapport.search.suggestions import suggest_articles, ticket_text
from rapport.tickets.models import Ticket
from rapport.tickets.views.detail import visible_ticket_or_404

logger = logging.getLogger(__name__)

PANEL_LIMIT = 5
PUBLIC_LIMIT = 3


def knowledge_locale(language: str | None = None) -> str:
    """The knowledge locale of a UI language ('zh-hans', 'sr', 'ru', 'en')."""
    code = (language or translation.get_language() or "en").lower()
    return "zh-hans" if code.startswith("zh") else code.split("-")[0]


def ticket_panel(request: Any, ticket: Ticket) -> SafeString:
    """The ticket page's side panel: articles that fit this ticket, and a search box."""
    try:
        hits = suggest_articles(request.user, ticket_text(ticket),
                                locale=knowledge_locale(ticket.language), limit=PANEL_LIMIT)
    except DatabaseError:  # a side panel never takes the ticket page down with it
        logger.exception("article suggestions for ticket %s failed", ticket.pk)
        hits = []
    return render_to_string("search/_ticket_articles.html", {
        "ticket": ticket, "hits": hits, "suggested": True,
    }, request=request)


@require_GET
@agent_required
def ticket_articles(request: AgentRequest, pk: int) -> HttpResponse:
    ticket = visible_ticket_or_404(request.user, pk)
    text = request.GET.get("q", "").strip()[:MAX_QUERY_CHARS]
    if text:
        hits = search(request.user, SearchQuery(
            text=text, kinds=(Kind.ARTICLE,), limit=PANEL_LIMIT, prefix_last=True,
            source=SearchLog.Source.AGENT,
        )).hits
    else:
        hits = suggest_articles(request.user, ticket_text(ticket),
                                locale=knowledge_locale(ticket.language), limit=PANEL_LIMIT)
    return render(request, "search/_article_list.html", {
        "ticket": ticket, "hits": hits, "suggested": not text, "text": text,
    })


@require_GET
@agent_required
def article_insert(request: AgentRequest, translation_id: int) -> JsonResponse:
    """What the composer inserts: the article's title, public link and plain text."""
    from rapport.knowledge.markdown import plain_text
    from rapport.knowledge.queries import public_article_url, readable_translations

    article = readable_translations(request.user).filter(pk=translation_id).first()
    if article is None:
        raise Http404
    public = article.article.audience == "public" and article.status == "published"
    return JsonResponse({
        "title": article.title,
        "url": settings.SITE_URL + public_article_url(article) if public else "",
        "text": plain_text(article.body_markdown) if public else "",
    })


@require_GET
def public_suggestions(request: HttpRequest) -> HttpResponse:
    """Public articles for what a customer is typing in the contact form (a fragment)."""
    text = request.GET.get("q", "")[:2000]
    hits = public_hits(text, translation.get_language() or "en")
    return render(request, "search/_public_suggestions.html", {
        "hits": hits, "source": Deflection.Source.PORTAL, "query": " ".join(text.split())[:200],
    })


def public_hits(text: str, language: str) -> list[Hit]:
    """Suggestions for a customer who is writing to us: optional help, so a failure to
    read the index (logged) shows none rather than breaking the form or the widget."""
    try:
        return suggest_articles(None, text, locale=knowledge_locale(language),
                                limit=PUBLIC_LIMIT)
    except DatabaseError:
        logger.exception("article suggestions failed")
        return []


@require_GET
def open_suggestion(request: HttpRequest, translation_id: int) -> HttpResponse:
    """Count that a suggested article was opened, then show it in the help center."""
    from rapport.knowledge.help_queries import voter_key
    from rapport.knowledge.queries import public_article_url, public_translations

    article = public_translations().filter(pk=translation_id).first()
    if article is None:
        raise Http404
    source = request.GET.get("source", "")
    if source in Deflection.Source.values:
        deflection.record_view(
            article.pk, source=source, query=request.GET.get("q", ""),
            voter_key=voter_key(request, create=True),
        )
    return redirect(public_article_url(article))
