"""Admin pages for stored inbound mail: the quarantine, with the error, the raw
bytes to download, and a way to put a mail back in line after a fix."""

from __future__ import annotations

from email.parser import BytesHeaderParser
from email.policy import compat32

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rapport.channels.email.inbound.process import reprocess
from rapport.channels.email.models import InboundEmail, InboundStatus

HEADER_PREVIEW_BYTES = 16_384


def _header(inbound: InboundEmail, name: str) -> str:
    head = bytes(inbound.raw[:HEADER_PREVIEW_BYTES]).split(b"\r\n\r\n", 1)[0]
    value = BytesHeaderParser(policy=compat32).parsebytes(head).get(name, "")
    return str(value)[:200]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = ("id", "received_at", "source", "mailbox", "status", "sender", "size", "ticket")
    list_filter = ("status", "source", "mailbox")
    search_fields = ("envelope_from", "error", "sha256")
    readonly_fields = (
        "mailbox",
        "source",
        "source_ref",
        "envelope_from",
        "envelope_to",
        "sha256",
        "size",
        "received_at",
        "status",
        "attempts",
        "error",
        "processed_at",
        "ticket",
        "message",
        "outcome",
        "raw_download",
    )
    exclude = ("raw",)
    actions = ["reprocess_selected"]
    list_select_related = ("mailbox", "ticket")
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("From"))
    def sender(self, obj: InboundEmail) -> str:
        return _header(obj, "From") or obj.envelope_from

    @admin.display(description=_("Original"))
    def raw_download(self, obj: InboundEmail) -> str:
        url = reverse("admin:email_channel_inboundemail_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the raw mail (.eml)"))

    @admin.action(description=_("Process the selected quarantined mails again"))
    def reprocess_selected(self, request: HttpRequest, queryset: QuerySet[InboundEmail]) -> None:
        chosen = list(queryset.filter(status=InboundStatus.QUARANTINED))
        for inbound in chosen:
            reprocess(inbound)
        self.message_user(
            request,
            ngettext(
                "%d mail queued for processing.", "%d mails queued for processing.", len(chosen)
            )
            % len(chosen),
            messages.SUCCESS,
        )

    def get_urls(self) -> list:
        view = self.admin_site.admin_view(self.raw_view)
        return [
            path("<int:pk>/raw/", view, name="email_channel_inboundemail_raw"),
            *super().get_urls(),
        ]

    def raw_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        inbound = get_object_or_404(InboundEmail, pk=pk)
        response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
        response["Content-Disposition"] = f'attachment; filename="inbound-{inbound.pk}.eml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
