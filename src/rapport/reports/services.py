"""Writing reporting events: append-only, in the same transaction as the change."""

from datetime import datetime
from typing import Any

from rapport.reports.models import ReportingEvent, ReportingEventName


def record_event(
    name: ReportingEventName,
    *,
    ticket: Any,
    at: datetime,
    since: datetime | None = None,
    agent_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> ReportingEvent:
    duration = (at - since).total_seconds() if since else None
    return ReportingEvent.objects.create(
        name=name,
        ticket_id=ticket.pk,
        team_id=ticket.team_id,
        agent_id=agent_id,
        customer_id=ticket.requester_id,
        channel=ticket.channel,
        occurred_at=at,
        duration_seconds=duration,
        data=data or {},
    )
