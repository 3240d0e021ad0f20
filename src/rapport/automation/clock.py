"""Each ticket's clocks for the time rules (TicketClock), kept in the change's transaction.

The ticket row knows its status but not since when. Our hook listener writes that here
from the ticket the verb just saved, in the same transaction, so the clock can never
disagree with the ticket it describes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Case, F, OuterRef, Subquery, Value, When

from rapport.automation.models import TicketClock
from rapport.tickets.models import EventKind, Ticket, TicketEvent

BATCH = 2_000


def sync_clock(ticket: Ticket, at: datetime) -> None:
    """Mirror the ticket; the status period starts at `at` only if the status moved."""
    updated = TicketClock.objects.filter(ticket_id=ticket.pk).update(
        status_since=Case(When(status=ticket.status, then=F("status_since")), default=Value(at)),
        status=ticket.status,
        customer_at=ticket.last_customer_message_at,
        agent_at=ticket.last_agent_message_at,
    )
    if not updated:
        TicketClock.objects.create(
            ticket_id=ticket.pk, status=ticket.status, status_since=at,
            created_at=ticket.created_at, customer_at=ticket.last_customer_message_at,
            agent_at=ticket.last_agent_message_at,
        )


def rebuild_clocks(ticket_ids: Iterable[int] | None = None) -> int:
    """(Re)write the clocks from the tickets and their status events; returns how many.

    For tickets written without the verbs' announcements (bulk imports, benchmarks) or
    whose history was rewritten afterwards (the demo's backdating). The status period
    starts at the latest status change on the timeline, else when the ticket was made.
    """
    latest_status = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), kind=EventKind.STATUS)
        .order_by("-seq").values("created_at")[:1]
    )
    tickets = Ticket.objects.order_by("pk").annotate(changed_at=Subquery(latest_status))
    if ticket_ids is not None:
        tickets = tickets.filter(pk__in=list(ticket_ids))
    fields = ("pk", "status", "created_at", "last_customer_message_at",
              "last_agent_message_at", "changed_at")
    done, after = 0, 0
    while True:
        rows = list(tickets.filter(pk__gt=after).values_list(*fields)[:BATCH])
        if not rows:
            return done
        clocks = [
            TicketClock(ticket_id=pk, status=status, status_since=changed or created,
                        created_at=created, customer_at=customer, agent_at=agent)
            for pk, status, created, customer, agent, changed in rows
        ]
        TicketClock.objects.filter(ticket_id__in=[c.ticket_id for c in clocks]).delete()
        TicketClock.objects.bulk_create(clocks)
        done += len(clocks)
        after = rows[-1][0]
