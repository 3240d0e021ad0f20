"""The periodic watch over SLA clocks: warnings and breaches, each announced once.

Every clock stores when it must be looked at next (`check_at`: its warning time, then
its deadline; None once both passed or while it does not run). The watch reads one
range of that index, so its cost follows the clocks that fell due, never the number
of tickets or policies. Each clock is handled in its own transaction with the ticket
locked, like a ticket verb, and claimed with a conditional UPDATE, so two workers never
announce the same threshold twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rapport.core.effects import publish_on_commit
from rapport.core.realtime import ticket_groups
from rapport.reports.models import ReportingEvent
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.sla.clocks import ended_pauses, measure, next_check, paused_within, spec_of
from rapport.sla.escalation import BREACH, WARNING, Threshold, escalate
from rapport.sla.models import ClockState, SlaClock, TicketSla
from rapport.tickets.hooks import Change, announce
from rapport.tickets.models import Ticket
from rapport.tickets.services import SYSTEM

logger = logging.getLogger(__name__)

BATCH = 200
_CHANGES = {WARNING: Change.SLA_WARNING, BREACH: Change.SLA_BREACHED}
_EVENTS = {WARNING: RE.SLA_WARNING, BREACH: RE.SLA_BREACHED}


def check_deadlines(*, now: datetime | None = None, limit: int = BATCH) -> list[dict[str, object]]:
    """Announce every warning and breach due by now; returns what was announced."""
    now = now or timezone.now()
    due = list(
        SlaClock.objects.filter(check_at__lte=now).order_by("check_at")
        .values_list("pk", "ticket_id")[:limit]
    )
    reached = []
    for clock_pk, ticket_id in due:
        try:
            reached += _handle(clock_pk, ticket_id, now)
        except Exception:  # one broken ticket must not hold up every other deadline
            logger.exception("SLA watch failed on clock %s of ticket %s", clock_pk, ticket_id)
    return reached


@transaction.atomic
def _handle(clock_pk: int, ticket_id: int, now: datetime) -> list[dict[str, object]]:
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    clock = SlaClock.objects.select_related("policy", "calendar").filter(pk=clock_pk).first()
    if ticket is None or clock is None:
        return []
    thresholds = _reached(clock, now) if clock.state == ClockState.RUNNING else []
    if not thresholds:  # check_at was behind the clock: put it right, or it comes back
        SlaClock.objects.filter(pk=clock.pk).update(check_at=next_check(clock))
        return []
    claimed = _claim(clock, thresholds[-1], now)
    if not claimed:
        return []  # another worker was first, or the ticket moved on meanwhile
    # When both passed at once (the worker was down) only the breach is news.
    threshold = thresholds[-1]
    _record(ticket, clock, threshold, now)
    publish_on_commit(ticket_groups(ticket), {
        "type": "ticket.changed", "ticket": {"id": ticket.pk, "status": ticket.status},
    })
    announce(_CHANGES[threshold], ticket, actor=SYSTEM, at=now, target=clock.target,
             due_at=clock.due_at.isoformat() if clock.due_at else None,
             policy=clock.policy_id)
    escalate(ticket, clock, threshold, now)
    return [{"ticket": ticket.pk, "target": clock.target, "threshold": threshold}]


def _reached(clock: SlaClock, now: datetime) -> list[Threshold]:
    found: list[Threshold] = []
    if clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= now:
        found.append(WARNING)
    if clock.breached_at is None and clock.due_at is not None and clock.due_at <= now:
        found.append(BREACH)
    return found


def _claim(clock: SlaClock, threshold: Threshold, now: datetime) -> bool:
    """Mark the threshold reached, only if nobody did: the UPDATE is the lock."""
    if threshold == BREACH:
        clock.breached_at = now
        clock.warned_at = clock.warned_at or now
        unclaimed = {"breached_at__isnull": True}
        changes = {"breached_at": now, "warned_at": clock.warned_at, "check_at": None}
    else:
        clock.warned_at = now
        unclaimed = {"warned_at__isnull": True}
        changes = {"warned_at": now, "check_at": clock.due_at}
    return bool(SlaClock.objects.filter(
        pk=clock.pk, state=ClockState.RUNNING, started_at=clock.started_at, **unclaimed,
    ).update(**changes))


def _record(ticket: Ticket, clock: SlaClock, threshold: Threshold, now: datetime) -> None:
    """The reporting event, with the wall-clock time since the start and, for a
    business-hours target, the business time counted (pauses left out)."""
    state = TicketSla.objects.filter(ticket_id=ticket.pk).first()
    pauses = ended_pauses(state) if state is not None else []
    spec = spec_of(clock.calendar) if clock.business else None
    counted = measure(clock.started_at, now, spec) - paused_within(clock.started_at, pauses, spec)
    event = record_event(_EVENTS[threshold], ticket=ticket, at=now, since=clock.started_at, data={
        "target": clock.target, "policy": clock.policy_id, "minutes": clock.minutes,
        "business_hours": clock.business, "counted_seconds": counted.total_seconds(),
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
    })
    if clock.business:
        ReportingEvent.objects.filter(pk=event.pk).update(
            business_duration_seconds=counted.total_seconds())
