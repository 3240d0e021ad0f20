"""Reads for the routing pages, scoped by who asks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from rapport.accounts.models import User
from rapport.routing.eligibility import ACTIVE_WORK
from rapport.routing.models import AlarmKind, Escalation, EscalationReason, OwnershipAlarm
from rapport.tickets.queries import visible_tickets

REPORT_DAYS = 30


def open_alarms(user: User) -> list[OwnershipAlarm]:
    """Alarms whose ticket is still in the state that raised them, newest first."""
    visible = visible_tickets(user)
    alarms = (
        OwnershipAlarm.objects.filter(ticket__in=visible, ticket__is_open=True)
        .select_related("ticket", "ticket__team", "ticket__assignee", "team")
        .order_by("-raised_at")[:200]
    )
    return [a for a in alarms if _still_true(a)]


def _still_true(alarm: OwnershipAlarm) -> bool:
    ticket = alarm.ticket
    if alarm.kind == AlarmKind.UNASSIGNED:
        return ticket.assignee_id is None
    answered = ticket.last_agent_message_at and ticket.last_agent_message_at >= alarm.since
    return ticket.status in ACTIVE_WORK and not answered


def escalation_summary(user: User) -> dict[str, Any]:
    since = timezone.now() - timedelta(days=REPORT_DAYS)
    rows = Escalation.objects.filter(ticket__in=visible_tickets(user), created_at__gte=since)
    by_reason = rows.values("reason").annotate(n=Count("id")).order_by("-n")
    return {
        "days": REPORT_DAYS,
        "total": rows.count(),
        "by_reason": [{**row, "label": EscalationReason(row["reason"]).label}
                      for row in by_reason],
        "recent": rows.select_related("ticket", "by", "to_user", "to_team")[:50],
    }


def alarm_count(user: User) -> int:
    return OwnershipAlarm.objects.filter(
        ticket__in=visible_tickets(user), ticket__is_open=True,
        raised_at__gte=timezone.now() - timedelta(days=7),
    ).filter(Q(kind=AlarmKind.UNASSIGNED, ticket__assignee__isnull=True)
             | Q(kind=AlarmKind.UNANSWERED)).count()
