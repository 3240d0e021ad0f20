"""The canned-replies tool in a ticket's reply box: its HTML, the "/" picker's list and
the insertion (the reply rendered server-side for that ticket). Thin: scoped reads, a verb.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required, is_agent
from rapport.core.errors import DomainError
from rapport.replies import services
from rapport.replies.languages import choose_variant, language_name, wanted_languages
from rapport.replies.models import CannedReply
from rapport.replies.queries import suggestions, usable_replies
from rapport.tickets.models import Ticket
from rapport.tickets.queries import visible_tickets

SNIPPET_LENGTH = 140
MAX_QUERY_LENGTH = 100


def composer_tool(request: Any, ticket: Ticket) -> SafeString | None:
    """The "Canned replies" button and the picker (registered with tickets.panels)."""
    if not is_agent(request.user) or ticket.merged_into_id is not None:
        return None
    html = render_to_string("replies/_partials/composer_tool.html", {"ticket": ticket},
                            request=request)
    return mark_safe(html)  # noqa: S308 (rendered by our own autoescaping template)


def _ticket_or_404(request: AgentRequest, ticket_id: int) -> Ticket:
    return get_object_or_404(
        visible_tickets(request.user).select_related("requester"), pk=ticket_id
    )


def _json(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _snippet(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SNIPPET_LENGTH else flat[:SNIPPET_LENGTH - 1] + "…"


def _describe(reply: CannedReply, wanted: list[str]) -> dict[str, Any]:
    variants = list(reply.variants.all())
    chosen = choose_variant(reply, variants, wanted)
    return {
        "id": reply.pk,
        "title": reply.title,
        "shortcut": reply.shortcut,
        "folder": reply.folder.name if reply.folder else "",
        "shared": reply.is_shared,
        "language": chosen.language if chosen else "",
        "variants": [
            {"language": v.language, "name": language_name(v.language),
             "snippet": _snippet(v.body)}
            for v in variants
        ],
    }


@require_GET
@agent_required
def suggest(request: AgentRequest, ticket_id: int) -> JsonResponse:
    """The replies this agent may use that match ?q=, each with the language it would
    be inserted in for this ticket."""
    ticket = _ticket_or_404(request, ticket_id)
    query = request.GET.get("q", "")[:MAX_QUERY_LENGTH]
    wanted = wanted_languages(ticket, request.user)
    return _json({"replies": [_describe(r, wanted) for r in suggestions(request.user, query)]})


@require_POST
@agent_required
def insert(request: AgentRequest, ticket_id: int) -> JsonResponse:
    """The reply's text rendered for this ticket, as {text, language}; counts one use."""
    ticket = _ticket_or_404(request, ticket_id)
    try:
        reply_id = int(request.POST.get("reply", ""))
    except ValueError:
        raise Http404 from None
    reply = get_object_or_404(usable_replies(request.user), pk=reply_id)
    try:
        inserted = services.insert_reply(
            reply, ticket=ticket, agent=request.user,
            language=request.POST.get("language", "")[:16],
        )
    except DomainError as exc:
        return _json({"code": exc.code, "message": str(exc.message)}, status=exc.status)
    return _json({"text": inserted.text, "language": inserted.language})
