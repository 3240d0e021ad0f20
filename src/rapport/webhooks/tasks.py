"""Webhook jobs: drain one endpoint, and the periodic sweep that nothing falls through.

A drain that leaves work for later (a retry, an open circuit, a receiver's
Retry-After) enqueues itself for that moment when the task backend can defer jobs
(the database backend). The sweep, every SWEEP_EVERY, queues a drain for every
endpoint with something due anyway, so a lost job only delays a delivery; it also
gives up on deliveries older than policy.MAX_AGE. `prune_webhooks` removes finished
deliveries after RETENTION.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from rapport.webhooks import queries
from rapport.webhooks.delivery import DrainResult, drain
from rapport.webhooks.models import DeliveryStatus, WebhookDelivery
from rapport.webhooks.policy import MAX_AGE

SWEEP_EVERY = timedelta(seconds=30)
RETENTION = timedelta(days=30)


def _follow_up(endpoint_id: int, result: DrainResult) -> None:
    if result.more:
        deliver_endpoint.enqueue(endpoint_id)
    elif result.attempted and result.resume_at is not None:
        if deliver_endpoint.get_backend().supports_defer:
            deliver_endpoint.using(run_after=result.resume_at).enqueue(endpoint_id)


@task()
def deliver_endpoint(endpoint_id: int) -> int:
    """Send the endpoint's due deliveries; returns how many were attempted."""
    result = drain(endpoint_id)
    _follow_up(endpoint_id, result)
    return result.attempted


def expire_stale(now: datetime) -> int:
    return WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, expires_at__lt=now
    ).update(status=DeliveryStatus.DEAD, next_attempt_at=None,
             last_error=f"expired: still undelivered after {MAX_AGE.days} days")


def sweep(now: datetime | None = None) -> list[int]:
    """Queue a drain for every endpoint with a due delivery; returns their ids."""
    now = now or timezone.now()
    expire_stale(now)
    endpoint_ids = queries.endpoints_with_due_deliveries(now)
    for endpoint_id in endpoint_ids:
        deliver_endpoint.enqueue(endpoint_id)
    return endpoint_ids


@task()
def sweep_webhooks() -> int:
    return len(sweep())


@task()
def prune_webhooks() -> int:
    """Forget delivered and dead deliveries (and their attempts) after RETENTION."""
    cutoff = timezone.now() - RETENTION
    finished = Q(status=DeliveryStatus.DELIVERED) | Q(status=DeliveryStatus.DEAD)
    deleted, _ = WebhookDelivery.objects.filter(finished, created_at__lt=cutoff).delete()
    return deleted
