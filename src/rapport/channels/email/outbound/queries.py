"""Reads of outbound mail: for the agent UI, the inbound rate limit and the due-mail sweep."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from rapport.channels.email.models import OutboundEmail, OutboundKindOfMail, OutboundStatus
from rapport.core.emailaddr import normalise_email
from rapport.tickets.queries import visible_tickets

# A queued row this old has lost its job (worker restarted, enqueue failed): sweep it.
QUEUED_GRACE = timedelta(minutes=5)


def visible_outbound(actor: Any, pk: int) -> OutboundEmail | None:
    """The outbound mail if the actor may see its ticket, else None (a 404 for the caller)."""
    outbound = OutboundEmail.objects.select_related("ticket").filter(pk=pk).first()
    if outbound is None or not visible_tickets(actor).filter(pk=outbound.ticket_id).exists():
        return None
    return outbound


def recent_acknowledgements(address: str, *, hours: int = 1) -> int:
    """Acknowledgements queued to this address in the last `hours`, whatever became of them."""
    since = timezone.now() - timedelta(hours=hours)
    # Acknowledgements go to exactly one, normalised address (services.queue_acknowledgement),
    # so an exact JSON match counts them on SQLite and PostgreSQL alike.
    return OutboundEmail.objects.filter(
        kind=OutboundKindOfMail.ACKNOWLEDGEMENT, created_at__gte=since,
        to=[normalise_email(address)],
    ).count()


def claimable(now: datetime) -> Q:
    """Rows a sender may take now: queued, failed and due, or sending with an expired lease.

    While a row is sending, next_attempt_at holds the end of the sender's lease.
    """
    due = Q(next_attempt_at__isnull=False, next_attempt_at__lte=now)
    return (
        Q(status=OutboundStatus.QUEUED)
        | (Q(status=OutboundStatus.FAILED) & due)
        | (Q(status=OutboundStatus.SENDING) & due)
    )


def due_outbound_ids(now: datetime, *, limit: int = 100) -> list[int]:
    """Mail the periodic sweep should send: due retries, expired leases, orphaned queued rows."""
    orphaned = Q(status=OutboundStatus.QUEUED, created_at__lte=now - QUEUED_GRACE)
    due = claimable(now) & ~Q(status=OutboundStatus.QUEUED)
    return list(
        OutboundEmail.objects.filter(due | orphaned).order_by("pk").values_list("pk", flat=True)[
            :limit
        ]
    )
