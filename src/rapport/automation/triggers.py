"""Triggers: a change is recorded in its transaction, evaluated by a job after commit.

In the change's transaction `record_change` only writes a PendingTriggerRun and
enqueues `run_triggers` on commit: a rolled-back change leaves nothing, and a job lost
after commit leaves the row for `recover_pending_runs`. The job locks the ticket and
runs one cycle: it evaluates the active triggers in order against the fresh ticket,
applying the actions of each that matches as SYSTEM inside ``caused_by("trigger:<id>")``;
the changes those actions make are queued in the same cycle and evaluated in turn.

Loop protection:
- a trigger fires at most once per cycle, and never for a change whose chain of causes
  already holds it (a change made by a time rule or macro carries its chain too);
- a change whose chain is MAX_CHAIN_DEPTH long is not evaluated (logged);
- a trigger fires at most MAX_FIRES_PER_HOUR times per ticket per hour, which stops
  ping-pong that leaves the chain (e.g. through a customer's auto-responder).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rapport.automation import actions
from rapport.automation.models import PendingTriggerRun, Trigger, TriggerFiring
from rapport.automation.tasks import run_triggers
from rapport.contacts.models import Customer
from rapport.core.effects import enqueue_on_commit
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets.conditions import Facts, matches
from rapport.tickets.hooks import Change, TicketChange, caused_by, current_causes
from rapport.tickets.models import Message, Ticket
from rapport.tickets.services import SYSTEM, is_system

logger = logging.getLogger(__name__)

MAX_CHAIN_DEPTH = 5
MAX_FIRES_PER_HOUR = 10
MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=5)
RECOVER_AFTER = timedelta(minutes=2)
RECOVER_BATCH = 200


@dataclass(frozen=True)
class Recorded:
    """A change as the triggers see it."""

    change: str
    causes: tuple[str, ...]
    message_id: int | None
    actor: str  # conditions.ACTOR_KINDS
    data: dict[str, Any]


@dataclass
class _Cycle:
    ticket_id: int
    queue: list[Recorded]
    fired: set[int] = field(default_factory=set)


_cycle: ContextVar[_Cycle | None] = ContextVar("rapport_trigger_cycle", default=None)


def actor_kind(actor: Any) -> str:
    if isinstance(actor, Customer):
        return "customer"
    return "system" if is_system(actor) else "agent"


def _listened_events() -> set[str]:
    events: set[str] = set()
    for listed in Trigger.objects.filter(active=True).values_list("events", flat=True):
        events.update(listed or [])
    return events


def record_change(event: TicketChange) -> PendingTriggerRun | None:
    """In the change's transaction: remember it for the triggers that listen to it."""
    if event.change not in _listened_events():
        return None
    if len(event.causes) >= MAX_CHAIN_DEPTH:
        logger.warning("automation chain too deep on ticket #%s, %s not evaluated: %s",
                       event.ticket.pk, event.change, " → ".join(event.causes))
        return None
    recorded = Recorded(
        change=str(event.change), causes=tuple(event.causes),
        message_id=event.message.pk if event.message is not None else None,
        actor=actor_kind(event.actor),
        data=json.loads(json.dumps(event.data, cls=DjangoJSONEncoder)),
    )
    cycle = _cycle.get()
    if cycle is not None and cycle.ticket_id == event.ticket.pk:
        cycle.queue.append(recorded)  # made by this cycle's own triggers
        return None
    run = PendingTriggerRun.objects.create(
        ticket_id=event.ticket.pk, change=recorded.change, causes=list(recorded.causes),
        message_id=recorded.message_id, actor=recorded.actor, data=recorded.data,
        created_at=event.at,
    )
    enqueue_on_commit(run_triggers, run.pk)
    return run


@contextmanager
def within_chain(chain: tuple[str, ...]) -> Iterator[None]:
    """Act as part of the recorded chain (the job runs outside the original context)."""
    current = current_causes()
    start = len(current) if chain[:len(current)] == current else 0
    with ExitStack() as stack:
        for label in chain[start:]:
            stack.enter_context(caused_by(label))
        yield


def _claim(run_id: int, now: datetime) -> PendingTriggerRun | None:
    claimed = PendingTriggerRun.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now), pk=run_id
    ).update(claimed_until=now + LEASE, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return PendingTriggerRun.objects.filter(pk=run_id).first()


def evaluate_run(run_id: int) -> list[int]:
    """Run the triggers for one recorded change; returns the ids of those that fired."""
    now = timezone.now()
    run = _claim(run_id, now)
    if run is None:
        return []
    if run.attempts > MAX_ATTEMPTS:
        logger.error("giving up the triggers of %s after %s attempts", run, run.attempts - 1)
        run.delete()
        return []
    with transaction.atomic():
        fired = _run_cycle(run, now)
        run.delete()
    return fired


def _run_cycle(run: PendingTriggerRun, now: datetime) -> list[int]:
    # Locked for the whole cycle: two changes of one ticket are evaluated in turn.
    ticket = Ticket.objects.select_for_update().filter(pk=run.ticket_id).first()
    if ticket is None or ticket.merged_into_id is not None:
        return []
    first = Recorded(run.change, tuple(run.causes), run.message_id, run.actor, run.data)
    cycle = _Cycle(ticket.pk, [first])
    token = _cycle.set(cycle)
    fired: list[int] = []
    try:
        while cycle.queue:
            fired += _evaluate(ticket.pk, cycle.queue.pop(0), cycle, now)
    finally:
        _cycle.reset(token)
    return fired


def _facts(ticket_id: int, recorded: Recorded, message: Message | None) -> Facts:
    ticket = Ticket.objects.get(pk=ticket_id)
    previous = recorded.data.get("old", "") if recorded.change == Change.STATUS_CHANGED else ""
    return Facts(ticket=ticket, message=message, change=recorded.change,
                 previous_status=str(previous or ""), actor=recorded.actor)


def _evaluate(ticket_id: int, recorded: Recorded, cycle: _Cycle, now: datetime) -> list[int]:
    """The triggers for one change, in order, each against the ticket as the last left it."""
    message = Message.objects.filter(pk=recorded.message_id).first() if (
        recorded.message_id) else None
    facts = _facts(ticket_id, recorded, message)
    fired = []
    for trigger in Trigger.objects.filter(active=True):
        if (recorded.change not in (trigger.events or []) or trigger.pk in cycle.fired
                or trigger.label in recorded.causes):
            continue
        if not matches(trigger.conditions, facts) or _over_limit(trigger, facts.ticket, now):
            continue
        cycle.fired.add(trigger.pk)
        _fire(trigger, facts.ticket, recorded, now)
        fired.append(trigger.pk)
        facts = _facts(ticket_id, recorded, message)
    return fired


def _over_limit(trigger: Trigger, ticket: Ticket, now: datetime) -> bool:
    recent = TriggerFiring.objects.filter(
        trigger=trigger, ticket=ticket, fired_at__gt=now - timedelta(hours=1)
    ).count()
    if recent < MAX_FIRES_PER_HOUR:
        return False
    logger.warning("trigger %s suppressed on ticket #%s: fired %s times in the last hour",
                   trigger.pk, ticket.pk, recent)
    return True


def _fire(trigger: Trigger, ticket: Ticket, recorded: Recorded, now: datetime) -> None:
    ctx = actions.Context(
        actor=SYSTEM, source=trigger.label, event="automation.trigger",
        data={"trigger": trigger.pk, "trigger_name": trigger.name, "change": recorded.change},
    )
    with within_chain(recorded.causes), caused_by(trigger.label):
        errors = actions.run(ticket, trigger.actions, ctx, best_effort=True)
    TriggerFiring.objects.create(trigger=trigger, ticket=ticket, change=recorded.change,
                                 causes=list(recorded.causes), errors=errors, fired_at=now)
    ticket.refresh_from_db(fields=["team"])
    record_event(RE.TRIGGER_FIRED, ticket=ticket, at=now, data={
        "trigger": trigger.pk, "name": trigger.name, "change": recorded.change,
        "errors": errors,
    })


def recover_pending_runs(now: datetime | None = None) -> int:
    """Evaluate changes whose job never came (lost after commit, or a crashed worker)."""
    now = now or timezone.now()
    stale = list(
        PendingTriggerRun.objects.filter(created_at__lt=now - RECOVER_AFTER)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at", "pk").values_list("pk", flat=True)[:RECOVER_BATCH]
    )
    for run_id in stale:
        evaluate_run(run_id)
    return len(stale)
