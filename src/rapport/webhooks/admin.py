"""Admin for outgoing webhooks: endpoints (secret shown once, rotation, breaker, recent
failures) and the delivery log with its dead-letter list and replay.

Only Rapport admins see these pages. A secret is shown on a page of its own, never in a
flash message (those travel in a cookie), and only right after it is made.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rapport.webhooks import queries, services
from rapport.webhooks.forms import EndpointForm
from rapport.webhooks.models import (
    CircuitState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)

ATTEMPT_FIELDS = ("number", "started_at", "duration_ms", "status_code", "outcome", "error",
                  "response_body", "url")
DELIVERY_FIELDS = ("endpoint", "event", "event_id", "ticket_id", "status", "attempts",
                   "next_attempt_at", "created_at", "expires_at", "delivered_at",
                   "last_status_code", "last_error", "pretty_body")
EDITABLE = ("url", "description", "events", "team", "is_active", "allow_private_addresses")


class AdminsOnly(admin.ModelAdmin):
    def _is_admin(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and (user.is_superuser or getattr(user, "is_rapport_admin",
                                                                        False)))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)


def _secrets_page(request: HttpRequest, admin_site: admin.AdminSite,
                  endpoints: Sequence[WebhookEndpoint], title: str) -> HttpResponse:
    context = {**admin_site.each_context(request), "title": title, "endpoints": endpoints,
               "opts": WebhookEndpoint._meta}
    response = TemplateResponse(request, "webhooks/admin/secrets.html", context)
    add_never_cache_headers(response)
    return response


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdminsOnly):
    form = EndpointForm
    list_display = ["__str__", "url", "is_active", "team", "event_list", "breaker"]
    list_filter = ["is_active", "team"]
    search_fields = ["url", "description"]
    list_select_related = ["team"]
    readonly_fields = ["masked_secret", "breaker", "recent_failures", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": EDITABLE}),
        (_("Signing"), {"fields": ["masked_secret"]}),
        (_("Health"), {"fields": ["breaker", "recent_failures", "created_at", "updated_at"]}),
    ]
    actions = ["rotate_secrets", "send_ping", "close_circuits"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    @admin.display(description=_("events"))
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.events)

    @admin.display(description=_("secret"))
    def masked_secret(self, obj: WebhookEndpoint) -> str:
        if not obj.pk:
            return str(_("Made when the endpoint is saved, and shown once."))
        return f"{obj.secret[:10]}…  " + str(_("(shown once; use “Rotate secret” for a new one)"))

    @admin.display(description=_("circuit"))
    def breaker(self, obj: WebhookEndpoint) -> str:
        if not obj.pk:
            return "-"
        state = obj.circuit_state(timezone.now())
        text = f"{state.label} · " + str(_("%(n)d consecutive failures")) % {
            "n": obj.consecutive_failures}
        if state == CircuitState.OPEN:
            text += " · " + str(_("until %(time)s")) % {"time": obj.circuit_open_until}
        return text

    @admin.display(description=_("recent failures"))
    def recent_failures(self, obj: WebhookEndpoint) -> str:
        failures = queries.recent_failures(obj) if obj.pk else []
        if not failures:
            return str(_("None"))
        rows = format_html_join(
            "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((a.started_at, a.delivery.event, a.delivery_id, a.status_code or "-", a.error)
             for a in failures),
        )
        return format_html("<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
                           "</tr>{}</table>", _("when"), _("event"), _("delivery"),
                           _("status"), _("error"), rows)

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any,
                   change: bool) -> None:
        if not change:
            obj.save()
            return
        # Only what the form edits: the worker writes the breaker and lease meanwhile.
        obj.save(update_fields=[*(f for f in EDITABLE if f in form.changed_data), "updated_at"])

    def response_add(self, request: HttpRequest, obj: WebhookEndpoint,
                     post_url_continue: str | None = None) -> HttpResponse:
        return _secrets_page(request, self.admin_site, [obj], str(_("Endpoint created")))

    @admin.action(description=_("Rotate secret (the old one signs for one more day)"),
                  permissions=["change"])
    def rotate_secrets(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]
                       ) -> HttpResponse:
        rotated = []
        for endpoint in queryset:
            endpoint.secret = services.rotate_secret(endpoint)
            self.log_change(request, endpoint, "Rotated the signing secret.")
            rotated.append(endpoint)
        return _secrets_page(request, self.admin_site, rotated, str(_("New secrets")))

    @admin.action(description=_("Send a test event (webhook.ping)"), permissions=["change"])
    def send_ping(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        sent = sum(services.ping(e, actor=request.user) is not None for e in queryset)
        self.message_user(request, ngettext("%(n)d test event queued.",
                                            "%(n)d test events queued.", sent) % {"n": sent})

    @admin.action(description=_("Close the circuit (try again now)"), permissions=["change"])
    def close_circuits(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        for endpoint in queryset:
            services.close_circuit(endpoint)
            self.log_change(request, endpoint, "Closed the circuit breaker.")
        self.message_user(request, _("Circuits closed."), messages.SUCCESS)


class AttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = readonly_fields = ATTEMPT_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdminsOnly):
    list_display = ["id", "event", "endpoint", "ticket_id", "status", "attempts",
                    "last_status_code", "next_attempt_at", "created_at"]
    list_filter = ["status", "endpoint", "event"]
    search_fields = ["=event_id"]
    list_select_related = ["endpoint"]
    show_full_result_count = False
    fields = readonly_fields = DELIVERY_FIELDS
    inlines = [AttemptInline]
    actions = ["replay_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("body"))
    def pretty_body(self, obj: WebhookDelivery) -> str:
        try:
            text = json.dumps(json.loads(obj.body), indent=2, ensure_ascii=False)
        except ValueError:
            text = obj.body
        return format_html("<pre style='white-space: pre-wrap'>{}</pre>", text)

    @admin.action(description=_("Replay selected (send again with fresh attempts)"),
                  permissions=["view"])
    def replay_selected(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        deliveries = list(queryset.select_related("endpoint"))
        replayed = services.replay(deliveries)
        for delivery in deliveries:
            self.log_change(request, delivery, "Replayed.")
        self.message_user(
            request,
            ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.",
                     replayed) % {"n": replayed},
            messages.SUCCESS,
        )
