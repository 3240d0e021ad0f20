"""Business-time arithmetic: a weekly schedule, holidays and a time zone. Pure Python.

What "open" means: an instant is open when its local wall-clock time in the calendar's
zone lies in one of the intervals of that local date, and the date is not closed (a
public holiday of the calendar's country, or one of its extra closed days).

How it stays right across DST: time is walked in pieces of constant UTC offset (the
zone's transitions are found once per year and cached). Inside a piece the wall clock
is the instant plus a constant, so each local day's intervals become instants by one
subtraction. A wall time skipped in spring is therefore never open, and one repeated in
autumn is open twice: it really happens twice. A week without holidays that lies
wholly inside one piece is counted as the schedule's weekly total without looking at
its days, so long durations cost a few steps per month, not per minute.

Instants are handled as integer microseconds since the epoch: exact, and fast.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, cached_property, lru_cache, partial
from zoneinfo import ZoneInfo

import holidays

US = 1_000_000
MINUTE_US = 60 * US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
WEEK_DAYS = 7
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
EPOCH_WEEKDAY = date(1970, 1, 1).weekday()  # a Thursday
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Offsets are sampled this often when a year's transitions are first looked for; two
# transitions closer together than this would be missed (no zone has them today).
SCAN_STEP_US = 6 * HOUR_US
# add_business_time gives up past this horizon: the calendar (nearly) never opens.
HORIZON_DAYS = 366 * 10

Interval = tuple[int, int]  # minutes after local midnight, [start, end), end up to 1440
Week = tuple[tuple[Interval, ...], ...]  # seven days, Monday first

ALWAYS_OPEN_WEEK: Week = tuple(((0, 1440),) for _ in range(WEEK_DAYS))


class CalendarError(ValueError):
    """The calendar cannot be used as given (bad interval, unknown zone or country)."""


def _check_day(day: tuple[Interval, ...]) -> None:
    previous_end = -1
    for start, end in day:
        if not (0 <= start < end <= 1440):
            raise CalendarError("Each interval starts before it ends, within the day.")
        if start < previous_end:
            raise CalendarError("Intervals of a day are in order and do not overlap.")
        previous_end = end


@dataclass(frozen=True)
class CalendarSpec:
    """Everything the arithmetic needs to know about a business calendar."""

    time_zone: str = "UTC"
    week: Week = ALWAYS_OPEN_WEEK
    holiday_country: str = ""
    holiday_subdivision: str = ""
    closed_dates: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if len(self.week) != WEEK_DAYS:
            raise CalendarError("A week has seven days.")
        for day in self.week:
            _check_day(day)
        zone(self.time_zone)

    @cached_property
    def week_total_us(self) -> int:
        return sum((end - start) * MINUTE_US for day in self.week for start, end in day)

    @cached_property
    def workday_hours(self) -> tuple[Interval, ...]:
        """The hours of an official working weekend (China and Russia move days off):
        the first day of the week that has hours at all."""
        return next((day for day in self.week if day), ())

    def hours_on(self, day: date) -> tuple[Interval, ...]:
        if day in self.closed_dates:
            return ()
        closed, working_weekends = holiday_dates(
            self.holiday_country, self.holiday_subdivision, day.year
        )
        if day in closed:
            return ()
        hours = self.week[day.weekday()]
        if not hours and day in working_weekends:
            return self.workday_hours
        return hours

    def is_special(self, day: date) -> bool:
        """Whether the date departs from the weekly schedule."""
        if day in self.closed_dates:
            return True
        closed, working_weekends = holiday_dates(
            self.holiday_country, self.holiday_subdivision, day.year
        )
        return day in closed or day in working_weekends



# --- Holidays -------------------------------------------------------------------------

@cache
def supported_countries() -> dict[str, list[str]]:
    """ISO country code -> its subdivision codes, as the holidays package knows them
    (cached: building it takes a third of a millisecond; do not change the result)."""
    return holidays.list_supported_countries()


@lru_cache(maxsize=512)
def holiday_dates(country: str, subdivision: str, year: int) -> tuple[frozenset[date],
                                                                      frozenset[date]]:
    """(public holidays, weekend days made working days) of one country for one year."""
    if not country:
        return frozenset(), frozenset()
    try:
        found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    except NotImplementedError as exc:
        raise CalendarError(f"Unknown country or region: {country} {subdivision}") from exc
    working = {d for d in getattr(found, "weekend_workdays", ()) if d.year == year}
    return frozenset(found.keys()), frozenset(working)


# --- Zones and their transitions --------------------------------------------------------

def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise CalendarError(f"Unknown time zone: {name}") from exc


def to_us(moment: datetime) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Business-time arithmetic needs aware datetimes.")
    return (moment - EPOCH) // timedelta(microseconds=1)


def from_us(value: int) -> datetime:
    return EPOCH + timedelta(microseconds=value)


def _offset_us(tz: ZoneInfo, instant_us: int) -> int:
    offset = from_us(instant_us).astimezone(tz).utcoffset()
    return (offset or timedelta(0)) // timedelta(microseconds=1)


def _year_start_us(year: int) -> int:
    return to_us(datetime(year, 1, 1, tzinfo=UTC))


@lru_cache(maxsize=256)
def _transitions(zone_name: str, year: int) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
    """(offset at the UTC start of the year, transition instants, offsets after each)."""
    tz = zone(zone_name)
    start, end = _year_start_us(year), _year_start_us(year + 1)
    first = current = _offset_us(tz, start)
    instants: list[int] = []
    offsets: list[int] = []
    at = start
    while at < end:
        step_end = min(at + SCAN_STEP_US, end)
        after = _offset_us(tz, step_end)
        if after != current:
            instants.append(_first_second_with(tz, at, step_end, after))
            offsets.append(after)
            current = after
        at = step_end
    return first, tuple(instants), tuple(offsets)


def _first_second_with(tz: ZoneInfo, low_us: int, high_us: int, offset: int) -> int:
    """The first whole second in (low, high] at which the zone has `offset`."""
    low, high = low_us // US, high_us // US
    while high - low > 1:
        middle = (low + high) // 2
        if _offset_us(tz, middle * US) == offset:
            high = middle
        else:
            low = middle
    return high * US


def _pieces(zone_name: str, start: int, end: int | None) -> Iterator[tuple[int, int, int]]:
    """(from, to, offset) pieces of constant offset covering [start, end); end None: forever."""
    year = from_us(start).year
    at = start
    while end is None or at < end:
        first, instants, offsets = _transitions(zone_name, year)
        index = bisect.bisect_right(instants, at)
        offset = offsets[index - 1] if index else first
        year_end = _year_start_us(year + 1)
        for instant, after in zip(instants[index:], offsets[index:], strict=True):
            stop = instant if end is None else min(instant, end)
            if at < stop:
                yield at, stop, offset
            at, offset = max(at, stop), after
            if end is not None and at >= end:
                return
        stop = year_end if end is None else min(year_end, end)
        if at < stop:
            yield at, stop, offset
        at = max(at, stop)
        year += 1


# --- Walking open time ------------------------------------------------------------------

@dataclass(frozen=True)
class _Block:
    """A stretch of time, in order: its open microseconds, and the open spans on demand."""

    open_us: int
    spans: Callable[[], list[tuple[int, int]]]


def _day_date(day_index: int) -> date:
    return date.fromordinal(EPOCH_ORDINAL + day_index)


def _day_spans(
    spec: CalendarSpec, day_index: int, wall_from: int, wall_to: int, offset: int
) -> list[tuple[int, int]]:
    base = day_index * DAY_US
    spans = []
    for start, end in spec.hours_on(_day_date(day_index)):
        low = max(base + start * MINUTE_US, wall_from)
        high = min(base + end * MINUTE_US, wall_to)
        if low < high:
            spans.append((low - offset, high - offset))
    return spans


def _week_spans(spec: CalendarSpec, monday: int, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for day_index in range(monday, monday + WEEK_DAYS):
        spans += _day_spans(spec, day_index, day_index * DAY_US, (day_index + 1) * DAY_US,
                            offset)
    return spans


def _plain_week(spec: CalendarSpec, monday: int) -> bool:
    return not any(spec.is_special(_day_date(i)) for i in range(monday, monday + WEEK_DAYS))


def _blocks(spec: CalendarSpec, start: int, end: int | None) -> Iterator[_Block]:
    """Open time from start to end (None: forever) as days, or whole plain weeks."""
    for piece_from, piece_to, offset in _pieces(spec.time_zone, start, end):
        wall_from, wall_to = piece_from + offset, piece_to + offset
        day_index = wall_from // DAY_US
        while day_index * DAY_US < wall_to:
            monday = (day_index + EPOCH_WEEKDAY) % WEEK_DAYS == 0
            if (monday and day_index * DAY_US >= wall_from
                    and (day_index + WEEK_DAYS) * DAY_US <= wall_to
                    and _plain_week(spec, day_index)):
                yield _Block(spec.week_total_us, partial(_week_spans, spec, day_index, offset))
                day_index += WEEK_DAYS
                continue
            spans = _day_spans(spec, day_index, wall_from, wall_to, offset)
            yield _Block(sum(b - a for a, b in spans), partial(list, spans))
            day_index += 1


def add_business_time(start: datetime, duration: timedelta, spec: CalendarSpec) -> datetime:
    """The instant at which `duration` of open time has passed since `start` (in UTC).

    A deadline that is used up exactly when an interval closes is that closing time.
    """
    remaining = duration // timedelta(microseconds=1)
    if remaining <= 0:
        return start
    start_us = to_us(start)
    give_up = start_us + HORIZON_DAYS * DAY_US
    if not spec.week_total_us and not spec.holiday_country:
        raise CalendarError("This calendar has no open hours.")
    for block in _blocks(spec, start_us, give_up):
        if block.open_us < remaining:
            remaining -= block.open_us
            continue
        for span_from, span_to in block.spans():
            if span_to - span_from >= remaining:
                return from_us(span_from + remaining)
            remaining -= span_to - span_from
    raise CalendarError("This calendar does not open within ten years.")


def business_time_between(a: datetime, b: datetime, spec: CalendarSpec) -> timedelta:
    """Open time from a to b (negative when b is before a)."""
    if b < a:
        return -business_time_between(b, a, spec)
    total = sum(block.open_us for block in _blocks(spec, to_us(a), to_us(b)))
    return timedelta(microseconds=total)


# --- Reading schedules written by people ------------------------------------------------

def parse_clock(text: str) -> int:
    """"09:30" -> 570 minutes; "24:00" is the end of the day."""
    hours, sep, minutes = str(text).strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        raise CalendarError(f"{text!r} is not a time like 09:30.")
    value = int(hours) * 60 + int(minutes)
    if int(minutes) > 59 or value > 1440:
        raise CalendarError(f"{text!r} is not a time of day (00:00 to 24:00).")
    return value


def parse_week(data: object) -> Week:
    """{"mon": [["09:00", "13:00"], ["14:00", "18:00"]], …} -> a Week; missing days are
    closed. Raises CalendarError naming the day and the problem."""
    if not isinstance(data, dict):
        raise CalendarError('The hours are an object like {"mon": [["09:00", "18:00"]]}.')
    unknown = set(data) - set(DAY_NAMES)
    if unknown:
        raise CalendarError(f"Unknown day {sorted(unknown)[0]!r}: use {', '.join(DAY_NAMES)}.")
    week = []
    for name in DAY_NAMES:
        ranges = data.get(name) or []
        if not isinstance(ranges, list):
            raise CalendarError(f"{name}: a list of [start, end] pairs.")
        day = []
        for item in ranges:
            if not isinstance(item, list | tuple) or len(item) != 2:
                raise CalendarError(f"{name}: each interval is a pair like [\"09:00\", \"13:00\"].")
            day.append((parse_clock(item[0]), parse_clock(item[1])))
        day.sort()
        try:
            _check_day(tuple(day))
        except CalendarError as exc:
            raise CalendarError(f"{name}: {exc}") from None
        week.append(tuple(day))
    return tuple(week)


def format_week(week: Week) -> dict[str, list[list[str]]]:
    def clock(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    return {name: [[clock(s), clock(e)] for s, e in day]
            for name, day in zip(DAY_NAMES, week, strict=True) if day}


# Every minute of every day, in UTC: what calendar-hours targets are measured with.
ALWAYS_OPEN = CalendarSpec()
