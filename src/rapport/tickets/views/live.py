"""Fragments the live updates fetch again when a ticket changed (see core/static/.../live.js)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.tickets import inbox as inbox_query
from rapport.tickets.display import timeline_entries
from rapport.tickets.views.detail import properties_context, visible_ticket_or_404


@require_GET
@agent_required
def timeline(request: AgentRequest, pk: int) -> HttpResponse:
    """The ticket's timeline; with ?properties=1 also its side panel, out of band."""
    ticket = visible_ticket_or_404(request.user, pk)
    context = {"ticket": ticket, "entries": timeline_entries(request.user, ticket)}
    if request.GET.get("properties") == "1":
        context.update(properties_context(ticket), properties_oob=True)
    return render(request, "tickets/_partials/live_ticket.html", context)


@require_GET
@agent_required
def nav(request: AgentRequest) -> HttpResponse:
    """The sidebar with fresh counts, the current view still marked."""
    view = request.GET.get("view", "")
    context = {
        "current_view": view if view in inbox_query.VIEWS else "",
        "section": request.GET.get("section", "")[:32],
    }
    return render(request, "_partials/sidebar.html", context)
