"""The time rules' pass: for each active rule, one index range of due tickets.

A rule's due tickets are those in its status whose clock is at least `hours` old and
for which it has not fired in this status period: ``TicketClock`` rows (or, counted
from the last update, ``Ticket`` rows) read along the index that starts with the
status, without those in ``TimeRuleRun`` for the period, at most `batch` of them.
The cost of a pass is therefore one query per rule (plus two to read the batch when the
rule has conditions) and the firings themselves, whatever the number of tickets; the
firings stop when the pass's time budget is spent.

A rule whose conditions turn down some due tickets would see the same ones first in
every pass; a cursor (`scan_after_*`) lets the next pass go on after the last ticket
read, and wraps to the start once the range is exhausted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from rapport.automation import actions
from rapport.automation.models import Clock, TicketClock, TimeRule, TimeRuleRun
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets.conditions import Facts, matches
from rapport.tickets.hooks import caused_by
from rapport.tickets.models import Ticket
from rapport.tickets.services import SYSTEM

logger = logging.getLogger(__name__)

BATCH = 200
BUDGET = timedelta(seconds=5)
CLOCK_FIELDS = {
    Clock.STATUS_CHANGED: "status_since",
    Clock.CUSTOMER_MESSAGE: "customer_at",
    Clock.AGENT_MESSAGE: "agent_at",
    Clock.CREATED: "created_at",
}


@dataclass(frozen=True)
class Due:
    ticket_id: int
    at: datetime  # the clock's value: the cursor's position
    status_since: datetime  # the status period it fires once in


def run_time_rules(now: datetime | None = None, *, batch: int = BATCH,
                   budget: timedelta = BUDGET) -> dict[int, int]:
    """One pass of every active rule; returns how many tickets each fired for.

    Firing is what costs (a dozen queries a ticket), so the pass stops firing once
    `budget` is spent, each rule getting a fair share of what is left; the tickets left
    over are due in the next pass.
    """
    now = now or timezone.now()
    rules = list(TimeRule.objects.filter(active=True))
    deadline = time.monotonic() + budget.total_seconds()
    fired = {}
    for left, rule in zip(range(len(rules), 0, -1), rules, strict=True):
        start = time.monotonic()
        fired[rule.pk] = run_rule(rule, now, batch=batch,
                                  until=start + max(deadline - start, 0) / left)
    return fired


def run_rule(rule: TimeRule, now: datetime, *, batch: int = BATCH, until: float | None = None,
             ticker: Callable[[], float] = time.monotonic) -> int:
    """Fire the rule for its next due tickets, until the `ticker` passes `until`."""
    cutoff = now - timedelta(hours=rule.hours)
    due = due_tickets(rule, cutoff, batch)
    accepted = {item.ticket_id for item in _matching(rule, due)}
    fired = 0
    for index, item in enumerate(due):
        if item.ticket_id not in accepted:
            continue
        if until is not None and ticker() > until:
            # Go on from here next time; the ones turned down before it wait for the wrap.
            _move_cursor(rule, due[index - 1] if index else _cursor(rule))
            return fired
        try:
            fired += _fire(rule, item, cutoff, now)
        except Exception:  # one ticket's failure must not stop the rule's other tickets
            logger.exception("time rule %s failed on ticket #%s", rule.pk, item.ticket_id)
    _move_cursor(rule, due[-1] if len(due) == batch else None)
    return fired


def _range(rule: TimeRule, cutoff: datetime) -> tuple[QuerySet[Any], str, str, str]:
    """(rows, clock column, ticket id column, status-period column) for the rule."""
    if rule.clock == Clock.UPDATED:
        tickets = Ticket.objects.filter(status=rule.status, updated_at__lte=cutoff,
                                        clock__isnull=False)
        return tickets, "updated_at", "id", "clock__status_since"
    column = CLOCK_FIELDS[Clock(rule.clock)]
    clocks = TicketClock.objects.filter(status=rule.status, **{f"{column}__lte": cutoff})
    return clocks, column, "ticket_id", "status_since"


def due_tickets(rule: TimeRule, cutoff: datetime, batch: int = BATCH) -> list[Due]:
    """The next `batch` due tickets after the rule's cursor, in clock order: one query."""
    rows, column, ticket_id, since = _range(rule, cutoff)
    fired = TimeRuleRun.objects.filter(
        rule_id=rule.pk, ticket_id=OuterRef(ticket_id), status_since=OuterRef(since)
    )
    rows = rows.filter(~Exists(fired))
    if rule.scan_after_at is not None and rule.scan_after_ticket is not None:
        at, after = rule.scan_after_at, rule.scan_after_ticket
        # The redundant >= keeps it an index range on both databases.
        later = Q(**{f"{column}__gt": at}) | Q(**{column: at, f"{ticket_id}__gt": after})
        rows = rows.filter(later, **{f"{column}__gte": at})
    found = rows.order_by(column, ticket_id).values_list(ticket_id, column, since)[:batch]
    return [Due(pk, at, status_since) for pk, at, status_since in found]


def _cursor(rule: TimeRule) -> Due | None:
    if rule.scan_after_at is None or rule.scan_after_ticket is None:
        return None
    return Due(rule.scan_after_ticket, rule.scan_after_at, rule.scan_after_at)


def _move_cursor(rule: TimeRule, last: Due | None) -> None:
    at, after = (last.at, last.ticket_id) if last else (None, None)
    if (rule.scan_after_at, rule.scan_after_ticket) != (at, after):
        TimeRule.objects.filter(pk=rule.pk).update(scan_after_at=at, scan_after_ticket=after)
        rule.scan_after_at, rule.scan_after_ticket = at, after


def _matching(rule: TimeRule, due: list[Due]) -> list[Due]:
    """The due tickets the rule's conditions accept, read in two queries for the batch."""
    if not rule.conditions or not due:
        return due
    tickets = Ticket.objects.filter(pk__in=[d.ticket_id for d in due]).select_related(
        "requester__company").prefetch_related("tags").in_bulk()
    accepted = []
    for item in due:
        ticket = tickets.get(item.ticket_id)
        if ticket is None:
            continue
        facts = Facts(ticket=ticket)
        facts.__dict__["tags"] = {tag.name for tag in ticket.tags.all()}  # prefetched
        facts.__dict__["requester"] = ticket.requester
        if matches(rule.conditions, facts):
            accepted.append(item)
    return accepted


def _still_due(rule: TimeRule, ticket: Ticket, item: Due, cutoff: datetime) -> bool:
    """Checked under the ticket's lock: the customer may have answered meanwhile."""
    clock = TicketClock.objects.filter(ticket_id=ticket.pk).first()
    if clock is None or ticket.status != rule.status or clock.status_since != item.status_since:
        return False
    if rule.clock == Clock.UPDATED:
        return ticket.updated_at <= cutoff
    value = getattr(clock, CLOCK_FIELDS[Clock(rule.clock)])
    return value is not None and value <= cutoff


def _fire(rule: TimeRule, item: Due, cutoff: datetime, now: datetime) -> int:
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(pk=item.ticket_id).first()
        if ticket is None or not _still_due(rule, ticket, item, cutoff):
            return 0
        try:
            with transaction.atomic():
                run = TimeRuleRun.objects.create(rule=rule, ticket=ticket, fired_at=now,
                                                 status_since=item.status_since)
        except IntegrityError:  # another pass got there first
            return 0
        ctx = actions.Context(actor=SYSTEM, source=rule.label, event="automation.time_rule",
                              data={"time_rule": rule.pk, "time_rule_name": rule.name})
        with caused_by(rule.label):
            errors = actions.run(ticket, rule.actions, ctx, best_effort=True)
        if errors:
            TimeRuleRun.objects.filter(pk=run.pk).update(errors=errors)
        ticket.refresh_from_db(fields=["team"])
        record_event(RE.TRIGGER_FIRED, ticket=ticket, at=now, data={
            "time_rule": rule.pk, "name": rule.name, "errors": errors,
        })
    return 1
