"""Sending an endpoint's deliveries: one drainer at a time, oldest first, breaker-aware.

`drain()` takes the endpoint's lease (a conditional UPDATE, so of two workers only one
drains it), then sends its due deliveries in the order they were made until none is
due, the receiver fails (the rest wait for the next pass: a failing receiver is not
hammered), the circuit is open, or the run's budget is spent. Other endpoints have
their own jobs: one slow receiver never holds up another's deliveries.

Each attempt claims its delivery (attempts + 1, next_attempt_at pushed past the lease)
and commits that before the network is touched; the outcome is written afterwards. A
worker that dies mid-send leaves the delivery due again when the lease runs out.

Circuit breaker: BREAKER_THRESHOLD consecutive failures open the circuit for a
cool-down that doubles at each re-opening (policy.breaker_cooldown). While open,
deliveries wait: they are not attempted and use up none of their attempts. Once the
cool-down has passed the next attempt is the probe: success closes the circuit,
failure opens it again for longer.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from rapport.webhooks import client, queries
from rapport.webhooks.addresses import AddressPolicy, host_of
from rapport.webhooks.models import (
    AttemptOutcome,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from rapport.webhooks.policy import BREAKER_THRESHOLD, Verdict, breaker_cooldown, judge
from rapport.webhooks.signing import signed_headers

logger = logging.getLogger(__name__)

# Longer than one send can take (client.Limits.total plus connecting): only a crashed
# drainer's lease runs out.
LEASE = timedelta(minutes=2)
MAX_PER_RUN = 50
RUN_SECONDS = 20.0
_ERROR_MAX = 2000
_jitter = random.Random()  # noqa: S311  (spreading retries, not a secret)


@dataclass
class DrainResult:
    attempted: int = 0
    delivered: int = 0
    skipped: bool = False  # another worker holds the endpoint, or it is inactive
    more: bool = False  # the budget ran out with work left: run again now
    resume_at: datetime | None = None  # when something becomes due again


def _clock(now: datetime | None) -> datetime:
    return now or timezone.now()


def _acquire(endpoint_id: int, now: datetime) -> str | None:
    token = uuid.uuid4().hex
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    won = WebhookEndpoint.objects.filter(free, pk=endpoint_id, is_active=True).update(
        lease_token=token, lease_until=now + LEASE
    )
    return token if won else None


def _renew(endpoint_id: int, token: str, now: datetime) -> bool:
    return bool(WebhookEndpoint.objects.filter(pk=endpoint_id, lease_token=token)
                .update(lease_until=now + LEASE))


def _release(endpoint_id: int, token: str) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id, lease_token=token).update(
        lease_token="", lease_until=None
    )


def _gate(endpoint: WebhookEndpoint, now: datetime) -> datetime | None:
    """Until when nothing may be sent (open circuit, receiver's Retry-After), if at all."""
    gates = [t for t in (endpoint.circuit_open_until, endpoint.hold_until) if t and t > now]
    return max(gates) if gates else None


def _clean(text: str, limit: int) -> str:
    return text.replace("\x00", "\ufffd")[:limit]  # PostgreSQL text refuses NUL


def _claim(delivery: WebhookDelivery, now: datetime) -> bool:
    return bool(WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE))


def _record_breaker(endpoint_id: int, verdict: Verdict, now: datetime) -> None:
    endpoint = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint_id).first()
    if endpoint is None:
        return
    if verdict.hold_until is not None:
        endpoint.hold_until = max(verdict.hold_until, endpoint.hold_until or verdict.hold_until)
    if verdict.endpoint_answered:
        endpoint.consecutive_failures, endpoint.circuit_trips = 0, 0
        endpoint.circuit_open_until = None
    elif verdict.endpoint_failed:
        endpoint.consecutive_failures += 1
        probe_failed = endpoint.circuit_open_until is not None
        if probe_failed or endpoint.consecutive_failures >= BREAKER_THRESHOLD:
            endpoint.circuit_open_until = now + breaker_cooldown(endpoint.circuit_trips)
            endpoint.circuit_trips += 1
            logger.warning("webhook endpoint %s: circuit open until %s after %s failures",
                           endpoint.pk, endpoint.circuit_open_until,
                           endpoint.consecutive_failures)
    endpoint.save(update_fields=["hold_until", "consecutive_failures", "circuit_trips",
                                 "circuit_open_until"])


def _record(delivery: WebhookDelivery, number: int, started: datetime, finished: datetime,
            response: client.Response, verdict: Verdict) -> None:
    delivered = verdict.outcome == AttemptOutcome.DELIVERED
    error = response.error or ("" if delivered else f"HTTP {response.status}")
    changes: dict[str, object] = {"last_status_code": response.status,
                                  "last_error": _clean(error, _ERROR_MAX)}
    if delivered:
        changes.update(status=DeliveryStatus.DELIVERED, delivered_at=finished,
                       next_attempt_at=None)
    elif verdict.outcome == AttemptOutcome.RETRY:
        changes.update(next_attempt_at=verdict.next_attempt_at)
    else:
        changes.update(status=DeliveryStatus.DEAD, next_attempt_at=None)
    if not WebhookDelivery.objects.filter(pk=delivery.pk).exists():
        return  # an admin deleted the endpoint (and its deliveries) meanwhile
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery, number=number, started_at=started, url=response.url[:2000],
            duration_ms=response.duration_ms, status_code=response.status,
            outcome=verdict.outcome, error=_clean(error, _ERROR_MAX),
            response_body=_clean(response.body.decode("utf-8", "replace"), client.BODY_LIMIT),
        )
        # A replay meanwhile reset the delivery: this outcome no longer applies to it.
        WebhookDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=number
        ).update(**changes)
        _record_breaker(delivery.endpoint_id, verdict, finished)


def attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery, *, now: datetime | None = None,
            limits: client.Limits | None = None) -> Verdict | None:
    """One signed POST of one delivery; None when it was not ours to send."""
    started = _clock(now)
    if not _claim(delivery, started):
        return None
    number = delivery.attempts + 1
    body = delivery.body.encode()
    headers = signed_headers(
        endpoint.signing_secrets(started), event_id=str(delivery.event_id), event=delivery.event,
        # The receiver checks this against its own clock: always the real time.
        timestamp=int(time.time()), body=body, attempt=number,
    )
    private = host_of(endpoint.url) if endpoint.allow_private_addresses else ""
    response = client.post(endpoint.url, body, headers, limits=limits,
                           policy=AddressPolicy.from_settings(private_host=private))
    finished = _clock(now)
    verdict = judge(response, attempt=number, now=finished, rand=_jitter.random())
    if response.error or verdict.outcome != AttemptOutcome.DELIVERED:
        logger.info("webhook %s to endpoint %s, attempt %s: %s", delivery.event_id, endpoint.pk,
                    number, response.error or f"HTTP {response.status}")
    _record(delivery, number, started, finished, response, verdict)
    return verdict


def _drain_leased(endpoint_id: int, token: str, now: datetime | None,
                  limits: client.Limits | None, result: DrainResult) -> str:
    """Send due deliveries oldest first; returns why it stopped."""
    began = time.monotonic()
    for _ in range(MAX_PER_RUN):
        clock = _clock(now)
        endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id, is_active=True).first()
        if endpoint is None or _gate(endpoint, clock) is not None:
            return "waiting"
        delivery = queries.next_due(endpoint_id, clock)
        if delivery is None:
            return "empty"
        if not _renew(endpoint_id, token, clock):
            return "lost lease"
        verdict = attempt(endpoint, delivery, now=now, limits=limits)
        if verdict is None:
            continue
        result.attempted += 1
        result.delivered += verdict.outcome == AttemptOutcome.DELIVERED
        if verdict.endpoint_failed or verdict.hold_until is not None:
            return "receiver failed"
        if time.monotonic() - began > RUN_SECONDS:
            break
    result.more = True
    return "budget"


def _resume_at(endpoint_id: int, now: datetime) -> datetime | None:
    earliest = queries.earliest_pending(endpoint_id)
    endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
    if earliest is None or endpoint is None:
        return None
    gate = _gate(endpoint, now)
    return max(earliest, gate) if gate else earliest


def drain(endpoint_id: int, *, now: datetime | None = None,
          limits: client.Limits | None = None) -> DrainResult:
    """Send what is due for one endpoint. `now` decides what is due (tests pass a clock)."""
    result = DrainResult()
    while True:
        token = _acquire(endpoint_id, _clock(now))
        if token is None:
            result.skipped = result.attempted == 0
            return result
        try:
            stopped = _drain_leased(endpoint_id, token, now, limits, result)
        finally:
            _release(endpoint_id, token)
        # A delivery committed while we held the lease had its job turned away: look again.
        if stopped != "empty" or not queries.has_due(endpoint_id, _clock(now)):
            if not result.more:
                result.resume_at = _resume_at(endpoint_id, _clock(now))
            return result
