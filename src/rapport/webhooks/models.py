"""Outgoing webhooks: endpoints an admin registers, and the outbox of deliveries to them."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rapport.accounts.models import Team

SECRET_PREFIX = "whsec_"


def generate_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def event_names() -> list[str]:
    from rapport.tickets.hooks import Change

    return [change.value for change in Change]


def unknown_events(events: object) -> list[str]:
    if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
        return [str(events)]
    known = {"*", *event_names()}
    return [e for e in events if e not in known]


class CircuitState(models.TextChoices):
    CLOSED = "closed", pgettext_lazy("circuit breaker", "Closed (sending)")
    OPEN = "open", pgettext_lazy("circuit breaker", "Open (paused after failures)")
    HALF_OPEN = "half_open", _("Half-open (next attempt is a probe)")


class WebhookEndpoint(models.Model):
    url = models.CharField(_("URL"), max_length=2000)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(
        _("events"), default=list,
        help_text=_("Event names this endpoint receives; “*” receives all of them."),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("team"), help_text=_("Only tickets of this team (empty: all tickets)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    allow_private_addresses = models.BooleanField(
        _("allow private addresses"), default=False,
        help_text=_("Let this endpoint's own host resolve to a private or loopback address "
                    "(an internal service). Cloud metadata addresses stay refused."),
    )
    secret = models.CharField(max_length=100, default=generate_secret, editable=False)
    # Kept for a day after a rotation: both signatures are sent meanwhile.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Circuit breaker: open while circuit_open_until is in the future, half-open once
    # it has passed (one probe decides), closed when it is empty.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    circuit_open_until = models.DateTimeField(null=True, blank=True, editable=False)
    circuit_trips = models.PositiveSmallIntegerField(default=0, editable=False)
    # The receiver asked us to wait (Retry-After on 429/503): nothing is sent before.
    hold_until = models.DateTimeField(null=True, blank=True, editable=False)
    # One drainer per endpoint at a time, so its deliveries leave in order.
    lease_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description or self.url

    def clean(self) -> None:
        from rapport.webhooks.addresses import AddressRefused, validate_endpoint_url

        errors: dict[str, str] = {}
        try:
            validate_endpoint_url(self.url, allow_private=self.allow_private_addresses)
        except AddressRefused as exc:
            errors["url"] = str(exc)
        unknown = unknown_events(self.events)
        if unknown:
            errors["events"] = str(_("Unknown events: %(names)s.")) % {"names": ", ".join(unknown)}
        elif not self.events:
            errors["events"] = str(_("Choose at least one event, or “*” for all of them."))
        if errors:
            raise ValidationError(errors)

    def circuit_state(self, now: datetime) -> CircuitState:
        if self.circuit_open_until is None:
            return CircuitState.CLOSED
        return CircuitState.OPEN if now < self.circuit_open_until else CircuitState.HALF_OPEN

    def signing_secrets(self, now: datetime) -> list[str]:
        expires = self.previous_secret_expires_at
        if self.previous_secret and expires is not None and now < expires:
            return [self.secret, self.previous_secret]
        return [self.secret]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead")


class WebhookDelivery(models.Model):
    """One event for one endpoint: written in the ticket's transaction, sent after commit."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    event_id = models.UUIDField(_("event id"), default=uuid.uuid4, editable=False)
    event = models.CharField(_("event"), max_length=64)
    # A plain id: the delivery log outlives the ticket it mentions.
    ticket_id = models.PositiveIntegerField(_("ticket"), null=True, blank=True)
    # The exact JSON text that is sent (and signed) on every attempt.
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    # Still pending then (endpoint off, circuit kept opening): given up as dead.
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last status"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="uniq_webhook_event")
        ]
        indexes = [
            # The drainer's "next due delivery of this endpoint, oldest first".
            models.Index(fields=["endpoint", "status", "next_attempt_at", "id"],
                         name="webhook_due_by_endpoint"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due"),
            models.Index(fields=["ticket_id"], name="webhook_by_ticket"),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"


class AttemptOutcome(models.TextChoices):
    DELIVERED = "delivered", _("Delivered")
    RETRY = "retry", _("Failed, will retry")
    FAILED = "failed", _("Failed for good")


class WebhookAttempt(models.Model):
    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    url = models.CharField(max_length=2000, help_text=_("The last URL, after redirects"))
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    error = models.TextField(blank=True)
    response_body = models.TextField(blank=True, help_text=_("The first kilobyte"))

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["delivery", "id"], name="webhook_attempts")]

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome}"
