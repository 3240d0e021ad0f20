"""The SLA verbs: clocks start, pause, resume, are met and stop as the ticket changes.

`on_ticket_change` is registered with tickets.hooks: it runs inside the ticket verb's
transaction, with the ticket row locked, so the clocks and `Ticket.sla_due_at` change
in the same commit as the ticket (and roll back with it).

Two ways in. Replies and status changes move the clocks one step (`_replied`,
`_status_changed`). Creation, and any change that may pick another policy (priority,
team, tags, fields), rebuild the clocks from the ticket's own facts (`rebuild`): the
first reply is due since creation, resolution since creation, the next reply since the
customer's first unanswered message; thresholds already reached stay reached, so no
warning or breach is announced twice. Rebuilding is idempotent: the same ticket gives
the same clocks.
"""

from __future__ import annotations

import copy
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rapport.accounts.models import User
from rapport.sla import clocks as arithmetic
from rapport.sla.calendars import calendar_for_team
from rapport.sla.models import BusinessCalendar, ClockState, SlaClock, SlaPolicy, Target, TicketSla
from rapport.sla.policies import Goal, choose_policy, goals, warning_share
from rapport.tickets.hooks import Change, TicketChange
from rapport.tickets.models import (
    DONE_STATUSES,
    Direction,
    EventKind,
    Message,
    Status,
    Ticket,
    TicketEvent,
)

ACTIVE_STATUSES = (Status.NEW, Status.OPEN)
UNDECIDED = (ClockState.RUNNING, ClockState.PAUSED)
POLICY_CHANGES = (Change.PRIORITY_CHANGED, Change.TEAM_CHANGED, Change.TAGS_CHANGED,
                  Change.FIELDS_CHANGED)
CLOCK_FIELDS = ["state", "policy", "minutes", "business", "calendar", "started_at", "warn_at",
                "due_at", "paused_seconds", "warned_at", "breached_at", "met_at",
                "stopped_at", "check_at"]

Clocks = dict[str, SlaClock]


def on_ticket_change(change: TicketChange) -> None:
    """The tickets.hooks listener (registered as "sla")."""
    kind = change.change
    if kind == Change.CREATED:
        rebuild(change.ticket, now=change.at, message=change.message)
    elif kind in POLICY_CHANGES:
        rebuild(change.ticket, now=change.at)
    elif kind in (Change.AGENT_REPLIED, Change.CUSTOMER_REPLIED):
        _replied(change)
    elif kind == Change.STATUS_CHANGED:
        _status_changed(change.ticket, change.data.get("old", ""), change.at)
    elif kind == Change.MERGED:  # the source was closed without a status announcement
        _status_changed(change.ticket, "", change.at)


# --- Loading and storing --------------------------------------------------------------

def _load(ticket: Ticket) -> tuple[TicketSla | None, Clocks]:
    state = TicketSla.objects.filter(ticket_id=ticket.pk).select_related("policy").first()
    if state is None:
        return None, {}
    _remember(state)
    return state, _clocks_of(ticket)


def _clocks_of(ticket: Ticket) -> Clocks:
    rows = SlaClock.objects.filter(ticket_id=ticket.pk).select_related("policy", "calendar")
    for row in rows:
        _remember(row)
    return {row.target: row for row in rows}


# Rows are written only when a column changed: most replies move no clock at all.
_SNAPSHOT = "_sla_as_loaded"


def _columns(row: TicketSla | SlaClock) -> tuple[object, ...]:
    return tuple(copy.copy(getattr(row, f.attname)) for f in row._meta.concrete_fields)


def _remember(row: TicketSla | SlaClock) -> None:
    setattr(row, _SNAPSHOT, _columns(row))


def _changed(row: TicketSla | SlaClock) -> bool:
    return getattr(row, _SNAPSHOT, None) != _columns(row)


def _store(ticket: Ticket, state: TicketSla, clocks: Clocks, *, now: datetime,
           quiet_past: bool = False) -> None:
    pauses = arithmetic.ended_pauses(state)
    for clock in clocks.values():
        if clock.state == ClockState.RUNNING:
            spec = arithmetic.spec_of(clock.calendar) if clock.business else None
            arithmetic.schedule(clock, pauses, spec, warning_share(clock.policy))
            if quiet_past:
                arithmetic.pass_quietly(clock, now)
        elif clock.state == ClockState.PAUSED:
            clock.warn_at = clock.due_at = None
        clock.check_at = arithmetic.next_check(clock)
    if state._state.adding:
        state.save(force_insert=True)
    elif _changed(state):
        state.save()
    new = [c for c in clocks.values() if c.pk is None]
    stored = [c for c in clocks.values() if c.pk is not None and _changed(c)]
    if new:
        SlaClock.objects.bulk_create(new)
    if stored:
        SlaClock.objects.bulk_update(stored, CLOCK_FIELDS)
    _keep_due_date(ticket, clocks, clocks_written=bool(new or stored))


def _keep_due_date(ticket: Ticket, clocks: Clocks, *, clocks_written: bool) -> None:
    """Ticket.sla_due_at: the earliest deadline still running (None when none runs).

    Written whenever a clock was: the instance's own value may be behind the row (see
    `_current`), and a stale deadline would misorder "next ticket" and the inbox."""
    running = [c.due_at for c in clocks.values()
               if c.state == ClockState.RUNNING and c.due_at is not None]
    due = min(running, default=None)
    if clocks_written or ticket.sla_due_at != due:
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
        ticket.sla_due_at = due


# --- Steps: replies and status changes -------------------------------------------------

def _meet(clock: SlaClock, at: datetime) -> None:
    clock.state, clock.met_at = ClockState.MET, at


def _stop(clock: SlaClock, at: datetime) -> None:
    clock.state, clock.stopped_at = ClockState.STOPPED, at


def _replied(change: TicketChange) -> None:
    ticket, message = change.ticket, change.message
    state, clocks = _load(ticket)
    if state is None or message is None or not message.is_public:
        return
    if change.change == Change.AGENT_REPLIED:
        if not isinstance(change.actor, User):
            return  # an automatic message answers nobody
        answered = [clocks[t] for t in (Target.FIRST_RESPONSE, Target.NEXT_RESPONSE)
                    if t in clocks and clocks[t].state in UNDECIDED]
        if not answered:
            return
        for clock in answered:
            _meet(clock, change.at)
    elif not _start_next_response(ticket, state, clocks, change.at):
        return
    _store(ticket, state, clocks, now=change.at)


def _start_next_response(ticket: Ticket, state: TicketSla, clocks: Clocks,
                         at: datetime) -> bool:
    """A customer's message waits for an answer, unless an earlier one already does or
    the first reply is still owed (its own clock covers it)."""
    goal = goals(state.policy).get(Target.NEXT_RESPONSE)
    first = clocks.get(Target.FIRST_RESPONSE)
    current = clocks.get(Target.NEXT_RESPONSE)
    if goal is None or ticket.status not in ACTIVE_STATUSES:
        return False
    if first is not None and first.state in UNDECIDED:
        return False
    if current is not None and current.state in UNDECIDED:
        return False
    clocks[Target.NEXT_RESPONSE] = _fresh(ticket, current, Target.NEXT_RESPONSE, at)
    _aim(clocks[Target.NEXT_RESPONSE], state.policy, goal, _calendar(ticket, [goal]))
    return True


def _status_changed(ticket: Ticket, old: str, at: datetime) -> None:
    state, clocks = _load(ticket)
    if state is None:
        return
    new = ticket.status
    if new in ACTIVE_STATUSES:
        arithmetic.end_pause(state, at)
    else:
        arithmetic.begin_pause(state, at)
    reopened = old in DONE_STATUSES and new not in DONE_STATUSES
    resolution = clocks.get(Target.RESOLUTION)
    if reopened and resolution is not None and resolution.state == ClockState.MET:
        resolution.state, resolution.met_at = ClockState.PAUSED, None
    for clock in clocks.values():
        if new in ACTIVE_STATUSES and clock.state == ClockState.PAUSED:
            clock.state = ClockState.RUNNING
        elif new not in ACTIVE_STATUSES:
            _settle(clock, new, at)
    _store(ticket, state, clocks, now=at)


def _settle(clock: SlaClock, status: str, at: datetime) -> None:
    """What a clock does when the ticket stops waiting on the team."""
    if clock.state not in UNDECIDED:
        return
    if status in DONE_STATUSES and clock.target == Target.RESOLUTION:
        _meet(clock, at)
    elif status == Status.CLOSED or (status == Status.SOLVED
                                      and clock.target == Target.NEXT_RESPONSE):
        _stop(clock, at)  # a new customer message starts a new next-reply clock
    else:
        clock.state = ClockState.PAUSED


# --- Rebuilding from the ticket's facts ------------------------------------------------

def rebuild(ticket: Ticket, *, now: datetime, message: Message | None = None,
            quiet_past: bool = False) -> TicketSla | None:
    """Choose the policy again and set every clock from its start (see the module doc).

    quiet_past marks thresholds already behind as reached without announcing them.
    """
    given, ticket = ticket, _current(ticket)
    policy = choose_policy(ticket, message)
    state = TicketSla.objects.filter(ticket_id=ticket.pk).first()
    if state is None and policy is None:
        return None
    if state is not None:
        _remember(state)
    clocks = _clocks_of(ticket) if state is not None else {}
    if state is None:
        state = _state_from_history(ticket, fresh=message is not None)
    state.policy = policy
    wanted = goals(policy)
    calendar = _calendar(ticket, list(wanted.values()))
    for target in Target.values:
        clock, goal = clocks.get(target), wanted.get(target)
        start = _start_of(ticket, target, clock, message) if goal is not None else None
        if goal is None or start is None:
            if clock is not None and clock.state in UNDECIDED:
                _stop(clock, now)
            continue
        if clock is None or clock.started_at != start:
            clock = _fresh(ticket, clock, target, start)
        _aim(clock, policy, goal, calendar)
        _decide(ticket, state, clock)
        clocks[target] = clock
    _store(ticket, state, clocks, now=now, quiet_past=quiet_past)
    given.sla_due_at = ticket.sla_due_at
    return state


def _current(ticket: Ticket) -> Ticket:
    """The ticket's row as it is now. A listener that ran before this one (routing, on
    creation) may have changed the team or priority through another verb, which left
    the instance this change came with behind."""
    return Ticket.objects.get(pk=ticket.pk)


def _fresh(ticket: Ticket, clock: SlaClock | None, target: str, start: datetime) -> SlaClock:
    """A clock starting anew, reusing the target's row (one per ticket and target)."""
    clock = clock or SlaClock(ticket_id=ticket.pk, target=target)
    clock.started_at, clock.state = start, ClockState.RUNNING
    clock.warned_at = clock.breached_at = clock.met_at = clock.stopped_at = None
    return clock


def _aim(clock: SlaClock, policy: SlaPolicy | None, goal: Goal,
         calendar: BusinessCalendar | None) -> None:
    clock.policy, clock.minutes, clock.business = policy, goal.minutes, goal.business
    clock.calendar = calendar if goal.business else None


def _calendar(ticket: Ticket, wanted: list[Goal]) -> BusinessCalendar | None:
    if not any(goal.business for goal in wanted):
        return None
    return calendar_for_team(ticket.team_id)


def _decide(ticket: Ticket, state: TicketSla, clock: SlaClock) -> None:
    """The state of a rebuilt clock, from the ticket as it is now."""
    met_at = _met_at(ticket, clock)
    if met_at is not None:
        clock.state, clock.met_at = ClockState.MET, met_at
    elif clock.state == ClockState.STOPPED and clock.target == Target.NEXT_RESPONSE:
        return  # a next-reply cycle that ended stays ended
    elif ticket.status == Status.CLOSED:
        _stop(clock, ticket.closed_at or ticket.updated_at)
    elif state.paused_since is not None:
        clock.state, clock.met_at, clock.stopped_at = ClockState.PAUSED, None, None
    else:
        clock.state, clock.met_at, clock.stopped_at = ClockState.RUNNING, None, None


def _met_at(ticket: Ticket, clock: SlaClock) -> datetime | None:
    if clock.target == Target.FIRST_RESPONSE:
        return ticket.first_response_at
    if clock.target == Target.RESOLUTION:
        return (ticket.solved_at or ticket.closed_at) if ticket.status in DONE_STATUSES else None
    return clock.met_at if clock.state == ClockState.MET else None


def _start_of(ticket: Ticket, target: str, clock: SlaClock | None,
              message: Message | None) -> datetime | None:
    if target == Target.RESOLUTION:
        return ticket.created_at
    if target == Target.FIRST_RESPONSE:
        opened_by_customer = clock is not None or _opened_by_customer(ticket, message)
        return ticket.created_at if opened_by_customer else None
    if clock is not None:
        return clock.started_at
    return _unanswered_since(ticket, message)


def _opened_by_customer(ticket: Ticket, message: Message | None) -> bool:
    if message is None:
        message = Message.objects.filter(ticket_id=ticket.pk).order_by("seq").first()
    return message is not None and message.direction == Direction.INBOUND


def _unanswered_since(ticket: Ticket, message: Message | None) -> datetime | None:
    """The customer's first message since the last agent reply, when the first reply
    is done (else the first-reply clock covers it) and the ticket is unsolved."""
    if message is not None or ticket.status in DONE_STATUSES:
        return None  # a new ticket has no next reply due yet
    last_customer, last_agent = ticket.last_customer_message_at, ticket.last_agent_message_at
    if last_customer is None or (last_agent is not None and last_agent >= last_customer):
        return None
    if ticket.first_response_at is None and _opened_by_customer(ticket, None):
        return None
    since = Q(created_at__gt=last_agent) if last_agent is not None else Q()
    return (
        Message.objects.filter(since, ticket_id=ticket.pk, direction=Direction.INBOUND,
                               is_public=True)
        .order_by("created_at").values_list("created_at", flat=True).first()
    )


def _state_from_history(ticket: Ticket, *, fresh: bool) -> TicketSla:
    """A ticket's SLA state, its pauses read back from its status changes."""
    state = TicketSla(ticket=ticket, pauses=[])
    if fresh:
        return state
    changes = TicketEvent.objects.filter(ticket_id=ticket.pk, kind=EventKind.STATUS)
    for at, data in changes.order_by("seq").values_list("created_at", "data"):
        if (data or {}).get("new") in ACTIVE_STATUSES:
            arithmetic.end_pause(state, at)
        else:
            arithmetic.begin_pause(state, at)
    return state


# --- For admins and the demo -----------------------------------------------------------

def recompute_for_open_tickets(*, quiet_past: bool = False, batch: int = 200) -> int:
    """Rebuild the SLA of every unsolved ticket, e.g. after a policy or calendar changed.

    Each ticket is its own short transaction with the ticket locked, like a verb.
    Returns how many tickets have an SLA afterwards.
    """
    with_sla, last = 0, 0
    while True:
        ids = list(Ticket.objects.filter(is_open__in=[True], pk__gt=last).order_by("pk")
                   .values_list("pk", flat=True)[:batch])
        if not ids:
            return with_sla
        for pk in ids:
            with_sla += _rebuild_one(pk, quiet_past=quiet_past)
        last = ids[-1]


@transaction.atomic
def _rebuild_one(pk: int, *, quiet_past: bool) -> bool:
    ticket = Ticket.objects.select_for_update().filter(pk=pk).first()
    if ticket is None:
        return False
    return rebuild(ticket, now=timezone.now(), quiet_past=quiet_past) is not None

