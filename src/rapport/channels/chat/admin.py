from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rapport.channels.chat.models import ChatInvitation, ChatSite


class InvitationInline(admin.TabularInline):
    model = ChatInvitation
    extra = 0


@admin.register(ChatSite)
class ChatSiteAdmin(admin.ModelAdmin):
    inlines = [InvitationInline]
    list_display = ("name", "key", "team", "language", "active")
    list_filter = ("active", "team")
    readonly_fields = ("key", "embed_code")
    fields = ("name", "active", "team", "language", "allowed_origins", "color", "position",
              "greeting", "prechat", "time_zone", "opening_hours", "key", "embed_code")

    @admin.display(description=_("Embed code"))
    def embed_code(self, obj: ChatSite) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<code>&lt;script src="…/chat/widget.js" data-site="{}" async&gt;'
            "&lt;/script&gt;</code>", obj.key,
        )
