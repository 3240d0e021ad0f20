"""Admin for mailboxes: settings with write-only passwords, and a connection test."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rapport.audit.services import record_audit
from rapport.channels.email.connection_test import check_mailbox
from rapport.channels.email.forms import MailboxForm
from rapport.channels.email.models import Mailbox

TEST_BUTTON = "_test_connection"


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["address", "name", "team", "inbound", "outbound", "active",
                    "last_polled_at", "poll_ok"]
    list_filter = ["active", "inbound", "outbound", "team"]
    search_fields = ["address", "name"]
    list_select_related = ["team"]
    actions = ["test_connection"]
    readonly_fields = [
        "imap_password_state", "smtp_password_state", "connection_test",
        "last_polled_at", "last_error", "imap_uidvalidity", "imap_last_uid",
        "lease_owner", "lease_expires_at", "created_at",
    ]
    fieldsets = (
        (None, {"fields": ("name", "address", "team", "language", "sender_name", "active",
                           "trusted", "acknowledge_new")}),
        (_("Receiving"), {"fields": (
            "inbound", "imap_host", "imap_port", "imap_security", "imap_username",
            "imap_password_state", "imap_password", "clear_imap_password", "imap_folder",
            "imap_after_import", "imap_move_to")}),
        (_("Sending"), {"fields": (
            "outbound", "smtp_host", "smtp_port", "smtp_security", "smtp_username",
            "smtp_password_state", "smtp_password", "clear_smtp_password")}),
        (_("Connection test"), {"fields": ("connection_test",)}),
        (_("Polling state"), {"fields": (
            "last_polled_at", "last_error", "imap_uidvalidity", "imap_last_uid",
            "lease_owner", "lease_expires_at", "created_at")}),
    )

    @admin.display(description=_("Stored IMAP password"))
    def imap_password_state(self, obj: Mailbox | None) -> str:
        return _password_state(obj.imap_password if obj else "")

    @admin.display(description=_("Stored SMTP password"))
    def smtp_password_state(self, obj: Mailbox | None) -> str:
        return _password_state(obj.smtp_password if obj else "")

    @admin.display(description=_("last poll OK"), boolean=True)
    def poll_ok(self, obj: Mailbox) -> bool | None:
        return None if obj.last_polled_at is None else not obj.last_error

    @admin.display(description=_("Test connection"))
    def connection_test(self, obj: Mailbox | None) -> str:
        # A submit button of the change form itself: the settings are saved, then tried.
        return format_html('<input type="submit" name="{}" value="{}">',
                           TEST_BUTTON, _("Save and test connection"))

    @admin.action(description=_("Test connection"), permissions=["change"])
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        for mailbox in queryset:
            self._report_connection(request, mailbox)

    def _report_connection(self, request: HttpRequest, mailbox: Mailbox) -> None:
        for result in check_mailbox(mailbox):
            level = messages.SUCCESS if result.ok else messages.ERROR
            self.message_user(request, f"{mailbox.address}: {result.message}", level)

    def save_model(self, request: HttpRequest, obj: Mailbox, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record_audit(
            "email.mailbox_changed" if change else "email.mailbox_created",
            actor=request.user, target=obj, data={"fields": form.changed_fields()},
            ip_address=request.META.get("REMOTE_ADDR"),
        )

    def response_change(self, request: HttpRequest, obj: Mailbox) -> HttpResponse:
        if TEST_BUTTON in request.POST:
            return self._tested(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request: HttpRequest, obj: Mailbox,
                     post_url_continue: str | None = None) -> HttpResponse:
        if TEST_BUTTON in request.POST:
            return self._tested(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _tested(self, request: HttpRequest, obj: Mailbox) -> HttpResponse:
        self.message_user(request, _("The mailbox was saved."), messages.INFO)
        self._report_connection(request, obj)
        return HttpResponseRedirect(reverse(
            f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk],
            current_app=self.admin_site.name))


def _password_state(value: str) -> str:
    return str(_("set") if value else _("not set"))


# Stored inbound mail and its quarantine live with the inbound code.
from rapport.channels.email.inbound import admin as _inbound_admin  # noqa: E402, F401
