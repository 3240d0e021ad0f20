"""Webhook verbs: record events in the outbox, send one-off events, replay, rotate secrets.

Deliveries are rows written in the caller's transaction (the ticket verb's, when a
change is announced); the job that sends them is enqueued after commit. A rolled-back
change therefore sends nothing, and a committed one is sent even if the process dies
right after the commit (the periodic sweep finds it).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core.effects import effects_are_suppressed, enqueue_on_commit
from rapport.core.errors import InvalidInput
from rapport.tickets.hooks import TicketChange
from rapport.tickets.models import Ticket
from rapport.webhooks import queries
from rapport.webhooks.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    generate_secret,
)
from rapport.webhooks.payloads import envelope
from rapport.webhooks.policy import MAX_AGE
from rapport.webhooks.tasks import deliver_endpoint

logger = logging.getLogger(__name__)

EVENT_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
PING = "webhook.ping"
# Receivers may keep accepting the old secret's signature this long after a rotation.
ROTATION_GRACE = timedelta(days=1)


def _queue(endpoints: Iterable[WebhookEndpoint], *, event_id: uuid.UUID, event: str,
           ticket_id: int | None, body: str, at: datetime) -> list[WebhookDelivery]:
    deliveries = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(endpoint=endpoint, event_id=event_id, event=event, ticket_id=ticket_id,
                        body=body, created_at=at, next_attempt_at=at,
                        expires_at=at + MAX_AGE)
        for endpoint in endpoints
    ])
    for endpoint_id in sorted({d.endpoint_id for d in deliveries}):
        enqueue_on_commit(deliver_endpoint, endpoint_id)
    return deliveries


def record_change(change: TicketChange) -> None:
    """The tickets hook listener: one delivery per active endpoint that hears this change."""
    if effects_are_suppressed():
        return
    event = str(change.change)
    endpoints = queries.subscribed_endpoints(event, change.ticket, change.data)
    if not endpoints:
        return
    event_id = uuid.uuid4()
    body = envelope(event_id=event_id, event=event, at=change.at, ticket=change.ticket,
                    message=change.message, actor=change.actor, data=change.data,
                    causes=change.causes)
    _queue(endpoints, event_id=event_id, event=event, ticket_id=change.ticket.pk, body=body,
           at=change.at)


@transaction.atomic
def send_event(
    endpoint: WebhookEndpoint, *, event: str, ticket: Ticket | None = None,
    data: dict[str, Any] | None = None, actor: Any = None,
) -> WebhookDelivery | None:
    """Send one signed event to one endpoint, whatever it subscribes to (automations, pings).

    Same envelope, signature, retries and dead-letter list as ticket events; sent after
    the caller's transaction commits. Returns None (and sends nothing) when the endpoint
    is inactive or side effects are suppressed. `data` must be JSON-serialisable (rows
    become their ids).
    """
    if not EVENT_NAME.match(event) or len(event) > 64:
        raise InvalidInput(
            _("An event name is lower-case words joined by dots, such as “order.synced”."),
            code="invalid_event_name", details={"event": event},
        )
    if effects_are_suppressed() or not endpoint.is_active:
        return None
    at = timezone.now()
    event_id = uuid.uuid4()
    body = envelope(event_id=event_id, event=event, at=at, ticket=ticket, actor=actor,
                    data=data)
    [delivery] = _queue([endpoint], event_id=event_id, event=event,
                        ticket_id=ticket.pk if ticket is not None else None, body=body, at=at)
    return delivery


def ping(endpoint: WebhookEndpoint, *, actor: Any = None) -> WebhookDelivery | None:
    return send_event(endpoint, event=PING, actor=actor, data={"endpoint_id": endpoint.pk})


@transaction.atomic
def replay(deliveries: Iterable[WebhookDelivery], *, now: datetime | None = None) -> int:
    """Send again, as new, with a full set of attempts; the event id stays (receivers dedupe)."""
    now = now or timezone.now()
    ids = [d.pk for d in deliveries]
    replayed = WebhookDelivery.objects.filter(pk__in=ids).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=now, delivered_at=None,
        last_error="", expires_at=now + MAX_AGE,
    )
    endpoint_ids = (WebhookDelivery.objects.filter(pk__in=ids).order_by()
                    .values_list("endpoint_id", flat=True).distinct())
    for endpoint_id in sorted(endpoint_ids):
        enqueue_on_commit(deliver_endpoint, endpoint_id)
    return replayed


@transaction.atomic
def rotate_secret(endpoint: WebhookEndpoint, *, now: datetime | None = None) -> str:
    """A new secret; the old one keeps signing alongside for ROTATION_GRACE."""
    now = now or timezone.now()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_GRACE
    endpoint.secret = generate_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at",
                                 "updated_at"])
    return endpoint.secret


@transaction.atomic
def close_circuit(endpoint: WebhookEndpoint) -> None:
    """An admin fixed the receiver: try again now instead of after the cool-down."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        consecutive_failures=0, circuit_open_until=None, circuit_trips=0, hold_until=None,
    )
    enqueue_on_commit(deliver_endpoint, endpoint.pk)
