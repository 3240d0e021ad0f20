"""When a clock warns and falls due: its start, its target, and the time it stood still.

Pauses are the ticket's (pending, on hold, solved): each clock skips those after its
own start. A business-hours clock counts only the open time of its calendar, and so
does the pause it skips; a calendar-hours clock counts every second.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from rapport.sla.calendars import calendar_spec
from rapport.sla.hours import CalendarError, CalendarSpec, add_business_time
from rapport.sla.hours import business_time_between as open_time
from rapport.sla.models import BusinessCalendar, ClockState, SlaClock, TicketSla

logger = logging.getLogger(__name__)

Pause = tuple[datetime, datetime]


def ended_pauses(state: TicketSla) -> list[Pause]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in state.pauses]


def begin_pause(state: TicketSla, at: datetime) -> None:
    if state.paused_since is None:
        state.paused_since = at


def end_pause(state: TicketSla, at: datetime) -> None:
    since = state.paused_since
    if since is None:
        return
    if at > since:
        state.pauses = [*state.pauses, [since.isoformat(), at.isoformat()]]
    state.paused_since = None


def spec_of(calendar: BusinessCalendar | None) -> CalendarSpec | None:
    """None counts every second; so does a calendar that cannot be read (logged)."""
    if calendar is None:
        return None
    try:
        return calendar_spec(calendar)
    except CalendarError:
        logger.warning("SLA calendar %s is malformed; counting around the clock", calendar.pk,
                       exc_info=True)
        return None


def measure(a: datetime, b: datetime, spec: CalendarSpec | None) -> timedelta:
    if b <= a:
        return timedelta(0)
    return b - a if spec is None else open_time(a, b, spec)


def _add(start: datetime, amount: timedelta, spec: CalendarSpec | None) -> datetime:
    return start + amount if spec is None else add_business_time(start, amount, spec)


def advance(start: datetime, amount: timedelta, pauses: list[Pause],
            spec: CalendarSpec | None) -> datetime:
    """The moment `amount` of counted time has passed since start, pauses left out."""
    cursor, remaining = start, amount
    for pause_from, pause_to in sorted(pauses):
        if pause_to <= cursor:
            continue
        if pause_from > cursor:
            available = measure(cursor, pause_from, spec)
            if remaining <= available:
                return _add(cursor, remaining, spec)
            remaining -= available
        cursor = pause_to
    return _add(cursor, remaining, spec)


def paused_within(start: datetime, pauses: list[Pause], spec: CalendarSpec | None) -> timedelta:
    return sum((measure(max(a, start), b, spec) for a, b in pauses), timedelta(0))


def schedule(clock: SlaClock, pauses: list[Pause], spec: CalendarSpec | None,
             share: float) -> None:
    """Set a running clock's warning and due times from its start and the pauses.

    A calendar that never opens counts around the clock instead (logged): a ticket
    verb must not fail because of a calendar."""
    target = timedelta(minutes=clock.minutes)
    try:
        clock.due_at = advance(clock.started_at, target, pauses, spec)
        clock.warn_at = advance(clock.started_at, target * share, pauses, spec)
    except CalendarError:
        logger.warning("SLA calendar of clock %s never opens; counting around the clock",
                       clock.pk, exc_info=True)
        spec = None
        clock.due_at = advance(clock.started_at, target, pauses, spec)
        clock.warn_at = advance(clock.started_at, target * share, pauses, spec)
    clock.paused_seconds = paused_within(clock.started_at, pauses, spec).total_seconds()


def next_check(clock: SlaClock) -> datetime | None:
    """When the watch must look at the clock again: its warning, then its deadline."""
    if clock.state != ClockState.RUNNING:
        return None
    if clock.warned_at is None and clock.warn_at is not None:
        return clock.warn_at
    if clock.breached_at is None:
        return clock.due_at
    return None


def pass_quietly(clock: SlaClock, now: datetime) -> None:
    """Mark thresholds already behind as reached, without telling anyone (for history
    loaded after the fact: a demo, an import)."""
    if clock.state != ClockState.RUNNING:
        return
    if clock.warned_at is None and clock.warn_at is not None and clock.warn_at <= now:
        clock.warned_at = clock.warn_at
    if clock.breached_at is None and clock.due_at is not None and clock.due_at <= now:
        clock.breached_at = clock.due_at
