"""Admin for tags and custom fields; tickets are read-only here (change them in the app,
where every change goes through a service verb and lands on the timeline)."""

from django.contrib import admin

from rapport.tickets.models import CustomField, Tag, Ticket


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "created_at"]
    search_fields = ["name"]


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ["key", "label", "field_type", "required", "active", "position"]
    list_editable = ["active", "position"]
    list_filter = ["field_type", "active"]
    search_fields = ["key", "label"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["id", "subject", "status", "priority", "channel", "requester", "team",
                    "assignee", "updated_at"]
    list_filter = ["status", "priority", "channel", "team"]
    search_fields = ["=id", "subject", "requester__email", "requester__name"]
    list_select_related = ["requester", "team", "assignee"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
