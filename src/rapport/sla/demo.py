"""SLA settings for the demo: one calendar per team, four policies, clocks for the open
tickets. The demo loader calls `install_demo_sla()` after its tickets exist."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rapport.accounts.models import Team
from rapport.sla.models import BusinessCalendar, Reassign, SlaPolicy, TeamCalendar
from rapport.sla.services import recompute_for_open_tickets
from rapport.tickets.models import Priority

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")
WITH_LUNCH = {day: [["09:00", "13:00"], ["14:00", "18:00"]] for day in WORKDAYS}
OFFICE = {day: [["09:00", "17:00"]] for day in WORKDAYS}

# (calendar name, time zone, weekly hours, holidays of, the demo team working by it)
CALENDARS: tuple[tuple[str, str, dict[str, Any], str, str | None], ...] = (
    ("Belgrade office", "Europe/Belgrade", OFFICE, "RS", "Billing"),
    ("Moscow office", "Europe/Moscow", WITH_LUNCH, "RU", "Technical support"),
    ("Shanghai office", "Asia/Shanghai", WITH_LUNCH, "CN", "Deliveries"),
)
DEFAULT_CALENDAR = "Belgrade office"
DAY, HOUR = 8 * 60, 60  # a business day is eight business hours

POLICIES: tuple[dict[str, Any], ...] = (
    {"name": "Urgent", "conditions": {"all": [{"field": "priority", "op": "is",
                                               "value": int(Priority.URGENT)}]},
     "first_response_minutes": HOUR, "first_response_business": False,
     "next_response_minutes": 2 * HOUR, "next_response_business": False,
     "resolution_minutes": 8 * HOUR, "resolution_business": False,
     "warn_notify": True, "breach_notify": True, "breach_reassign": Reassign.QUEUE},
    {"name": "Premium customers", "conditions": {"all": [{"field": "tier", "op": "in",
                                                          "value": ["premium", "enterprise"]}]},
     "first_response_minutes": 2 * HOUR, "next_response_minutes": 4 * HOUR,
     "resolution_minutes": 3 * DAY, "breach_notify": True,
     "breach_priority": int(Priority.HIGH)},
    {"name": "High priority", "conditions": {"all": [{"field": "priority", "op": "is",
                                                      "value": int(Priority.HIGH)}]},
     "first_response_minutes": 4 * HOUR, "next_response_minutes": 8 * HOUR,
     "resolution_minutes": 4 * DAY, "breach_notify": True},
    {"name": "Standard", "conditions": {},
     "first_response_minutes": 8 * HOUR, "next_response_minutes": 24 * HOUR,
     "resolution_minutes": 5 * DAY, "breach_notify": True},
)


def install_demo_sla() -> dict[str, int]:
    """Create what is missing (a second run changes nothing) and set the open tickets'
    clocks. Thresholds the demo's history already passed count as reached, silently:
    loading history must not page the supervisors."""
    with transaction.atomic():
        calendars = _ensure_calendars()
        policies = _ensure_policies()
    tickets = recompute_for_open_tickets(quiet_past=True)
    return {"calendars": calendars, "policies": policies, "tickets_with_sla": tickets}


def _ensure_calendars() -> int:
    created = 0
    has_default = BusinessCalendar.objects.filter(is_default=True).exists()
    for name, zone_name, hours, country, team_name in CALENDARS:
        calendar, made = BusinessCalendar.objects.get_or_create(name=name, defaults={
            "time_zone": zone_name, "weekly_hours": hours, "holiday_country": country,
            "is_default": name == DEFAULT_CALENDAR and not has_default,
        })
        created += made
        team = Team.objects.filter(name=team_name).first() if team_name else None
        if team is not None:
            TeamCalendar.objects.get_or_create(team=team, defaults={"calendar": calendar})
    return created


def _ensure_policies() -> int:
    created = 0
    for position, spec in enumerate(POLICIES):
        values = {k: v for k, v in spec.items() if k != "name"}
        _policy, made = SlaPolicy.objects.get_or_create(
            name=spec["name"], defaults={**values, "position": (position + 1) * 10})
        created += made
    return created
