"""Reads of SLA clocks, for tickets the asker was already allowed to see."""

from __future__ import annotations

from collections.abc import Iterable

from rapport.sla.models import ClockState, SlaClock, Target, TicketSla
from rapport.tickets.models import Ticket


def next_deadlines(tickets: Iterable[Ticket]) -> dict[int, SlaClock]:
    """Each ticket's running clock with the earliest deadline: one query for a whole
    inbox page, none when no ticket on it has a deadline (Ticket.sla_due_at)."""
    ids = [t.pk for t in tickets if t.sla_due_at is not None]
    if not ids:
        return {}
    rows = (
        SlaClock.objects.filter(ticket_id__in=ids, state=ClockState.RUNNING,
                                due_at__isnull=False)
        .select_related("calendar")
        .only("ticket_id", "target", "business", "warn_at", "due_at", "state",
              "calendar__name")
    )
    earliest: dict[int, SlaClock] = {}
    for clock in rows:
        known = earliest.get(clock.ticket_id)
        if known is None or (clock.due_at, clock.target) < (known.due_at, known.target):
            earliest[clock.ticket_id] = clock
    return earliest


def ticket_clocks(ticket: Ticket) -> tuple[TicketSla | None, list[SlaClock]]:
    """The ticket's SLA state and its clocks in target order, for the ticket page."""
    order = {target: i for i, target in enumerate(Target.values)}
    rows = list(SlaClock.objects.filter(ticket_id=ticket.pk).select_related("calendar"))
    if not rows:
        return None, []
    state = TicketSla.objects.filter(ticket_id=ticket.pk).select_related("policy").first()
    return state, sorted(rows, key=lambda c: order.get(c.target, len(order)))
