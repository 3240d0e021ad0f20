"""Routing's reactions to ticket changes (tickets.hooks), inside the change's transaction."""

from __future__ import annotations

from django.utils import timezone

from rapport.routing import services
from rapport.routing.models import TicketRouting
from rapport.tickets.hooks import Change, TicketChange
from rapport.tickets.models import Ticket


def on_ticket_change(change: TicketChange) -> None:
    if change.change == Change.CREATED:
        services.route_new_ticket(change.ticket, change.message)
    elif change.change == Change.ASSIGNED:
        _assigned(change)
    elif change.change == Change.TEAM_CHANGED:
        _moved(change)


def _assigned(change: TicketChange) -> None:
    ticket = change.ticket
    assignee = Ticket.objects.filter(pk=ticket.pk).values_list("assignee_id", flat=True).get()
    TicketRouting.objects.filter(ticket_id=ticket.pk).update(
        unassigned_since=None if assignee else timezone.now()
    )
    services.withdraw_offers(ticket, keep_agent=assignee)


def _moved(change: TicketChange) -> None:
    """Moved to another team without an agent: that team's routing hands it out."""
    if services.ROUTING in change.causes or change.ticket.assignee_id is not None:
        return
    services.withdraw_offers(change.ticket, keep_agent=None)
    services.dispatch(change.ticket)
