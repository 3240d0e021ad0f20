"""Reads of the webhooks domain: who hears an event, and what is due to be sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from rapport.tickets.hooks import Change
from rapport.tickets.models import Ticket
from rapport.webhooks.models import (
    AttemptOutcome,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

ALL_EVENTS = "*"


def receives(endpoint: WebhookEndpoint, event: str) -> bool:
    return ALL_EVENTS in endpoint.events or event in endpoint.events


def concerns_team(endpoint: WebhookEndpoint, ticket: Ticket, event: str,
                  data: dict[str, Any]) -> bool:
    """A team endpoint hears its team's tickets, and a ticket leaving the team."""
    if endpoint.team_id is None or ticket.team_id == endpoint.team_id:
        return True
    return event == Change.TEAM_CHANGED and data.get("old") == endpoint.team_id


def subscribed_endpoints(event: str, ticket: Ticket, data: dict[str, Any]) -> list[WebhookEndpoint]:
    return [
        endpoint for endpoint in WebhookEndpoint.objects.filter(is_active=True)
        if receives(endpoint, event) and concerns_team(endpoint, ticket, event, data)
    ]


def _due(now: datetime) -> Q:
    return Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


def next_due(endpoint_id: int, now: datetime) -> WebhookDelivery | None:
    """The oldest delivery that may go now: deliveries leave in the order they were made."""
    return WebhookDelivery.objects.filter(_due(now), endpoint_id=endpoint_id).order_by("id").first()


def has_due(endpoint_id: int, now: datetime) -> bool:
    return WebhookDelivery.objects.filter(_due(now), endpoint_id=endpoint_id).exists()


def earliest_pending(endpoint_id: int) -> datetime | None:
    return (WebhookDelivery.objects
            .filter(endpoint_id=endpoint_id, status=DeliveryStatus.PENDING)
            .order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first())


def endpoints_with_due_deliveries(now: datetime) -> list[int]:
    """Active endpoints with something due that are neither held nor behind an open circuit."""
    open_now = Q(endpoint__circuit_open_until__gt=now) | Q(endpoint__hold_until__gt=now)
    return list(
        WebhookDelivery.objects.filter(_due(now), endpoint__is_active=True)
        .exclude(open_now)
        .order_by().values_list("endpoint_id", flat=True).distinct()
    )


def recent_failures(endpoint: WebhookEndpoint, limit: int = 10) -> list[WebhookAttempt]:
    return list(
        WebhookAttempt.objects.filter(delivery__endpoint=endpoint)
        .exclude(outcome=AttemptOutcome.DELIVERED)
        .select_related("delivery").order_by("-id")[:limit]
    )
