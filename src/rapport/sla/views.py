"""The SLA panel of the ticket page, and its live refresh."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from rapport.accounts.decorators import AgentRequest, agent_required, is_agent
from rapport.sla.display import panel_row
from rapport.sla.queries import ticket_clocks
from rapport.tickets.models import Ticket
from rapport.tickets.queries import visible_tickets

PANEL = "sla/_partials/ticket_panel.html"


def panel_context(ticket: Ticket) -> dict[str, Any]:
    state, clocks = ticket_clocks(ticket)
    now = timezone.now()
    return {
        "ticket": ticket,
        "policy": state.policy if state is not None else None,
        "rows": [panel_row(clock, now) for clock in clocks],
    }


def ticket_panel(request: Any, ticket: Ticket) -> SafeString | None:
    """The panel on the ticket page (registered with tickets.panels): only for a ticket
    that has SLA clocks."""
    if not is_agent(request.user):
        return None
    context = panel_context(ticket)
    if not context["rows"]:
        return None
    html = render_to_string(PANEL, context, request=request)
    return mark_safe(html)  # noqa: S308 (rendered by our own autoescaping template)


@require_GET
@agent_required
def panel(request: AgentRequest, pk: int) -> HttpResponse:
    """The panel again for the live refresh, with the page head's badge out of band."""
    ticket = get_object_or_404(visible_tickets(request.user), pk=pk)
    return render(request, PANEL, {**panel_context(ticket), "refresh": True})
