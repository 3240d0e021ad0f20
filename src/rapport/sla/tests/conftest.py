"""A clock the tests move by hand, a Belgrade office calendar and policies."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from rapport.sla.models import BusinessCalendar, ClockState, SlaClock, SlaPolicy, TeamCalendar
from rapport.tickets import hooks
from rapport.tickets.models import Ticket

BELGRADE = ZoneInfo("Europe/Belgrade")
LUNCH_BREAK = {day: [["09:00", "13:00"], ["14:00", "18:00"]]
               for day in ("mon", "tue", "wed", "thu", "fri")}


def belgrade(*args):
    return datetime(*args, tzinfo=BELGRADE)


class Clock:
    """What timezone.now() answers everywhere while the fixture is active."""

    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now

    def set(self, moment):
        self.now = moment.astimezone(UTC)

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    # Tuesday 10 June 2025, 09:00 in Belgrade: an ordinary working morning.
    frozen = Clock(belgrade(2025, 6, 10, 9, 0).astimezone(UTC))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def office(db, team):
    calendar = BusinessCalendar.objects.create(
        name="Belgrade office", time_zone="Europe/Belgrade", weekly_hours=LUNCH_BREAK,
        holiday_country="RS", is_default=True,
    )
    TeamCalendar.objects.create(team=team, calendar=calendar)
    return calendar


def make_policy(name="Standard", position=10, **fields):
    values = {"first_response_minutes": 60, "next_response_minutes": 120,
              "resolution_minutes": 480, "warning_share": 0.5}
    values.update(fields)
    return SlaPolicy.objects.create(name=name, position=position, **values)


@pytest.fixture
def policy(office):
    return make_policy()


@pytest.fixture
def announced():
    """Every change announced through tickets.hooks while the test runs."""
    seen = []
    hooks.listen(seen.append, name="test-sla-announced")
    yield seen
    hooks._listeners[:] = [(n, f) for n, f in hooks._listeners if n != "test-sla-announced"]


def clocks(ticket):
    return {c.target: c for c in SlaClock.objects.filter(ticket=ticket)}


def assert_due_date_kept(ticket):
    """Ticket.sla_due_at is the earliest deadline of a running clock, else None."""
    running = [c.due_at for c in SlaClock.objects.filter(ticket=ticket,
                                                         state=ClockState.RUNNING)]
    stored = Ticket.objects.values_list("sla_due_at", flat=True).get(pk=ticket.pk)
    assert stored == min(running, default=None)
    return stored
