"""Business-time arithmetic, checked against a slow reference that steps minute by minute.

The reference knows nothing of pieces, offsets or weeks: for each UTC minute it asks
zoneinfo for the local wall time and looks it up in the schedule. Schedules, zones and
starts are drawn by hypothesis, many of them around DST transitions.
"""

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rapport.sla.hours import (
    ALWAYS_OPEN,
    CalendarError,
    CalendarSpec,
    add_business_time,
    business_time_between,
    format_week,
    parse_week,
)

MINUTE = timedelta(minutes=1)
ZONES = ["Europe/Berlin", "America/New_York", "America/Santiago", "Australia/Lord_Howe",
         "Asia/Shanghai", "Europe/Moscow", "UTC"]
COUNTRIES = ["", "DE", "US", "RU", "CN", "GB", "RS"]
PROPERTY = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


# --- The reference ----------------------------------------------------------------------

@cache
def ref_holidays(country, year):
    if not country:
        return frozenset(), frozenset()
    found = holidays.country_holidays(country, years=year)
    working = {d for d in getattr(found, "weekend_workdays", ()) if d.year == year}
    return frozenset(found), frozenset(working)


def ref_is_open(spec, instant):
    local = instant.astimezone(ZoneInfo(spec.time_zone))
    day, minute = local.date(), local.hour * 60 + local.minute
    closed, working = ref_holidays(spec.holiday_country, day.year)
    if day in spec.closed_dates or day in closed:
        return False
    hours = spec.week[day.weekday()]
    if not hours and day in working:
        hours = next((h for h in spec.week if h), ())
    return any(start <= minute < end for start, end in hours)


def ref_add(start, minutes, spec):
    if minutes == 0:
        return start
    counted, at = 0, start
    for _ in range(60 * 24 * 120):
        if ref_is_open(spec, at):
            counted += 1
            if counted == minutes:
                return at + MINUTE
        at += MINUTE
    raise AssertionError("the reference gave up")


def ref_between(a, b, spec):
    minutes, at = 0, a
    while at < b:
        minutes += ref_is_open(spec, at)
        at += MINUTE
    return minutes * MINUTE


# --- Strategies ---------------------------------------------------------------------------

def transitions(zone_name, years=(2024, 2025, 2026)):
    """UTC instants at which the zone's offset changes, found by hourly stepping."""
    tz, found = ZoneInfo(zone_name), []
    at = datetime(years[0], 1, 1, tzinfo=UTC)
    end = datetime(years[-1] + 1, 1, 1, tzinfo=UTC)
    previous = at.astimezone(tz).utcoffset()
    while at < end:
        at += timedelta(minutes=30)
        offset = at.astimezone(tz).utcoffset()
        if offset != previous:
            found.append(at)
            previous = offset
    return found


TRANSITIONS = {name: transitions(name) for name in ZONES}


@st.composite
def days(draw):
    """One day's intervals: sorted boundaries on a 30-minute grid, paired up."""
    points = sorted(draw(st.sets(st.integers(0, 48), max_size=6)))
    if len(points) % 2:
        points = points[:-1]
    return tuple((points[i] * 30, points[i + 1] * 30) for i in range(0, len(points), 2))


@st.composite
def specs(draw):
    week = tuple(draw(days()) for _ in range(7))
    if not any(week):
        week = (((0, 1440),),) + week[1:]
    start_day = date(2024, 1, 1)
    closed = draw(st.frozensets(
        st.integers(0, 3 * 365).map(lambda n: start_day + timedelta(days=n)), max_size=4))
    return CalendarSpec(time_zone=draw(st.sampled_from(ZONES)), week=week,
                        holiday_country=draw(st.sampled_from(COUNTRIES)), closed_dates=closed)


@st.composite
def starts(draw, spec):
    """A minute-aligned instant, half of the time within a few days of a DST change."""
    near = TRANSITIONS[spec.time_zone]
    if near and draw(st.booleans()):
        base = draw(st.sampled_from(near))
        return base + timedelta(minutes=draw(st.integers(-4 * 24 * 60, 2 * 24 * 60)))
    return datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
        minutes=draw(st.integers(0, 3 * 365 * 24 * 60)))


def weekly_minutes(spec):
    return sum(end - start for day in spec.week for start, end in day)


# --- Properties ---------------------------------------------------------------------------

@PROPERTY
@given(data=st.data())
def test_add_business_time_matches_the_reference(data):
    spec = data.draw(specs())
    start = data.draw(starts(spec))
    # Up to two weeks' worth of open time keeps the reference's walk short.
    minutes = data.draw(st.integers(0, min(2 * weekly_minutes(spec), 3000)))
    assert add_business_time(start, minutes * MINUTE, spec) == ref_add(start, minutes, spec)


@PROPERTY
@given(data=st.data())
def test_business_time_between_matches_the_reference(data):
    spec = data.draw(specs())
    a = data.draw(starts(spec))
    b = a + timedelta(minutes=data.draw(st.integers(0, 9 * 24 * 60)))
    assert business_time_between(a, b, spec) == ref_between(a, b, spec)
    assert business_time_between(b, a, spec) == -ref_between(a, b, spec)


@PROPERTY
@given(data=st.data())
def test_adding_then_measuring_gives_the_duration_back(data):
    spec = data.draw(specs())
    start = data.draw(starts(spec))
    duration = timedelta(seconds=data.draw(st.integers(0, 200 * 3600)))
    deadline = add_business_time(start, duration, spec)
    assert deadline >= start
    assert business_time_between(start, deadline, spec) == duration


@PROPERTY
@given(start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1),
                          timezones=st.just(UTC)),
       seconds=st.integers(0, 10**8))
def test_calendar_hours_are_plain_addition(start, seconds):
    assert add_business_time(start, timedelta(seconds=seconds), ALWAYS_OPEN) == (
        start + timedelta(seconds=seconds))


def test_long_durations_skip_whole_weeks_and_stay_exact():
    spec = CalendarSpec("Europe/Berlin", OFFICE, "DE")
    start = datetime(2025, 1, 6, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    deadline = add_business_time(start, timedelta(hours=2000), spec)
    assert business_time_between(start, deadline, spec) == timedelta(hours=2000)
    year = business_time_between(datetime(2025, 1, 1, tzinfo=UTC),
                                 datetime(2026, 1, 1, tzinfo=UTC), spec)
    # 2025 in Berlin: 261 weekdays, 9 nationwide public holidays on weekdays, 9 h each.
    assert year == timedelta(hours=9 * (261 - 9))


# --- Fixed examples -------------------------------------------------------------------------

OFFICE = parse_week({day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")})
LUNCH = parse_week({day: [["09:00", "13:00"], ["14:00", "18:00"]]
                    for day in ("mon", "tue", "wed", "thu", "fri")})


def local(zone_name, *args):
    return datetime(*args, tzinfo=ZoneInfo(zone_name))


def test_a_friday_evening_ticket_is_due_on_monday():
    spec = CalendarSpec("Europe/Belgrade", OFFICE)
    friday_evening = local("Europe/Belgrade", 2025, 6, 13, 19, 30)
    due = add_business_time(friday_evening, timedelta(hours=2), spec)
    assert due == local("Europe/Belgrade", 2025, 6, 16, 11, 0)


def test_the_lunch_break_pauses_the_clock():
    spec = CalendarSpec("Europe/Moscow", LUNCH)
    due = add_business_time(local("Europe/Moscow", 2025, 6, 10, 12, 0), timedelta(hours=2), spec)
    assert due == local("Europe/Moscow", 2025, 6, 10, 15, 0)
    assert business_time_between(local("Europe/Moscow", 2025, 6, 10, 12, 30),
                                 local("Europe/Moscow", 2025, 6, 10, 14, 30), spec) == (
        timedelta(hours=1))


def test_russian_new_year_holidays_close_the_first_week_of_january():
    spec = CalendarSpec("Europe/Moscow", OFFICE, "RU")
    due = add_business_time(local("Europe/Moscow", 2025, 12, 30, 17, 0), timedelta(hours=2), spec)
    # 31 December 2025 is a day off, 1–8 January 2026 are holidays, the 9th is moved
    # from the 3rd: after one hour on the 30th, work resumes on Monday the 12th.
    assert due == local("Europe/Moscow", 2026, 1, 12, 10, 0)


def test_chinese_spring_festival_and_its_working_sunday():
    spec = CalendarSpec("Asia/Shanghai", OFFICE, "CN")
    # 2025: 28 January to 4 February off; Sunday 26 January and Saturday 8 February work.
    due = add_business_time(local("Asia/Shanghai", 2025, 1, 27, 17, 0), timedelta(hours=2), spec)
    assert due == local("Asia/Shanghai", 2025, 2, 5, 10, 0)
    sunday = business_time_between(local("Asia/Shanghai", 2025, 1, 26, 0, 0),
                                   local("Asia/Shanghai", 2025, 1, 27, 0, 0), spec)
    assert sunday == timedelta(hours=9)


def test_us_thanksgiving_is_closed():
    spec = CalendarSpec("America/New_York", OFFICE, "US")
    due = add_business_time(local("America/New_York", 2025, 11, 26, 17, 0), timedelta(hours=3),
                            spec)
    assert due == local("America/New_York", 2025, 11, 28, 11, 0)


def test_extra_closed_days():
    spec = CalendarSpec("Europe/Belgrade", OFFICE, closed_dates=frozenset({date(2025, 6, 16)}))
    due = add_business_time(local("Europe/Belgrade", 2025, 6, 13, 17, 0), timedelta(hours=2),
                            spec)
    assert due == local("Europe/Belgrade", 2025, 6, 17, 10, 0)


def test_spring_forward_shortens_a_night_shift_and_fall_back_lengthens_it():
    night = parse_week({day: [["00:00", "06:00"]] for day in
                        ("mon", "tue", "wed", "thu", "fri", "sat", "sun")})
    spec = CalendarSpec("Europe/Berlin", night)
    march = business_time_between(local("Europe/Berlin", 2025, 3, 30, 0, 0),
                                  local("Europe/Berlin", 2025, 3, 30, 12, 0), spec)
    october = business_time_between(local("Europe/Berlin", 2025, 10, 26, 0, 0),
                                    local("Europe/Berlin", 2025, 10, 26, 12, 0), spec)
    assert (march, october) == (timedelta(hours=5), timedelta(hours=7))


def test_an_hour_across_new_york_spring_forward():
    spec = CalendarSpec("America/New_York")  # open all day, in local time
    due = add_business_time(local("America/New_York", 2025, 3, 9, 1, 30), timedelta(hours=1),
                            spec)
    assert due == local("America/New_York", 2025, 3, 9, 3, 30)  # 02:00–03:00 never happened


def test_schedules_are_read_with_helpful_errors():
    assert format_week(LUNCH)["mon"] == [["09:00", "13:00"], ["14:00", "18:00"]]
    assert parse_week({"sat": [["10:00", "24:00"]]})[5] == ((600, 1440),)
    for bad, words in [
        ({"mon": [["18:00", "09:00"]]}, "mon"),
        ({"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}, "overlap"),
        ({"funday": []}, "funday"),
        ({"mon": [["9", "18:00"]]}, "09:30"),
        ({"mon": [["09:00", "25:00"]]}, "24:00"),
        ([], "object"),
    ]:
        with pytest.raises(CalendarError, match=words):
            parse_week(bad)


def test_unknown_zones_and_countries_are_refused():
    with pytest.raises(CalendarError):
        CalendarSpec("Mars/Olympus_Mons")
    with pytest.raises(CalendarError):
        add_business_time(datetime(2025, 1, 1, tzinfo=UTC), timedelta(hours=1),
                          CalendarSpec(holiday_country="XX"))


def test_a_calendar_without_hours_is_refused():
    with pytest.raises(CalendarError):
        add_business_time(datetime(2025, 1, 1, tzinfo=UTC), timedelta(hours=1),
                          CalendarSpec(week=((),) * 7))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_business_time(datetime(2025, 1, 1), timedelta(hours=1), ALWAYS_OPEN)
