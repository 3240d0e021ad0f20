"""From calendar rows to the pure arithmetic's CalendarSpec, and which calendar applies."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from rapport.sla.hours import CalendarError, CalendarSpec, parse_week, supported_countries
from rapport.sla.models import BusinessCalendar


def parse_dates(value: Any) -> frozenset[date]:
    """["2025-12-24", …] -> dates; raises CalendarError naming the first bad one."""
    if value in (None, ""):
        return frozenset()
    if not isinstance(value, list):
        raise CalendarError(_('Extra closed days are a list like ["2025-12-24"].'))
    found = set()
    for item in value:
        try:
            found.add(date.fromisoformat(str(item)))
        except ValueError:
            raise CalendarError(_("%(value)s is not a date like 2025-12-24.")
                                % {"value": item}) from None
    return frozenset(found)


def check_country(country: str, subdivision: str) -> None:
    if not country:
        if subdivision:
            raise CalendarError(_("Choose the country of the region first."))
        return
    known = supported_countries()
    if country not in known:
        raise CalendarError(_("No public holidays are known for %(country)s; use an ISO code "
                              "such as RS, RU, CN, US, GB or DE.") % {"country": country})
    if subdivision and subdivision not in known[country]:
        raise CalendarError(_("%(country)s has no region %(region)s; known regions: "
                              "%(known)s.") % {"country": country, "region": subdivision,
                                               "known": ", ".join(known[country][:40])})


def calendar_spec(calendar: BusinessCalendar) -> CalendarSpec:
    """The calendar as the arithmetic needs it; raises CalendarError if it is malformed."""
    check_country(calendar.holiday_country, calendar.holiday_subdivision)
    return CalendarSpec(
        time_zone=calendar.time_zone,
        week=parse_week(calendar.weekly_hours),
        holiday_country=calendar.holiday_country,
        holiday_subdivision=calendar.holiday_subdivision,
        closed_dates=parse_dates(calendar.closed_dates),
    )


def calendar_for_team(team_id: int | None) -> BusinessCalendar | None:
    """The team's own calendar, else the default one, else None (around the clock)."""
    if team_id is None:
        return BusinessCalendar.objects.filter(is_default=True).first()
    # One query: the team's calendar sorts before the default one.
    return (
        BusinessCalendar.objects.filter(Q(team_links__team_id=team_id) | Q(is_default=True))
        .annotate(own=Case(When(team_links__team_id=team_id, then=Value(1)), default=Value(0),
                           output_field=IntegerField()))
        .order_by("-own").first()
    )
