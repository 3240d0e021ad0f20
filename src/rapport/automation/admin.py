"""Admin for triggers, time rules and macros, with forms that check the JSON; and the
read-only history of what fired."""

from typing import Any

from django.contrib import admin

from rapport.automation.forms import MacroForm, TimeRuleForm, TriggerForm
from rapport.automation.models import Macro, TimeRule, TimeRuleRun, Trigger, TriggerFiring


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    form = TriggerForm
    list_display = ["name", "position", "active", "event_list", "updated_at"]
    list_editable = ["position", "active"]
    list_filter = ["active"]
    search_fields = ["name", "description"]

    @admin.display(description="events")
    def event_list(self, obj: Trigger) -> str:
        return ", ".join(obj.events or [])


@admin.register(TimeRule)
class TimeRuleAdmin(admin.ModelAdmin):
    form = TimeRuleForm
    list_display = ["name", "position", "active", "status", "clock", "hours", "updated_at"]
    list_editable = ["position", "active"]
    list_filter = ["active", "status"]
    search_fields = ["name"]

    def save_model(self, request: Any, obj: TimeRule, form: Any, change: bool) -> None:
        obj.scan_after_at = obj.scan_after_ticket = None  # a changed rule scans afresh
        super().save_model(request, obj, form, change)


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    form = MacroForm
    list_display = ["name", "position", "active", "team", "updated_at"]
    list_editable = ["position", "active"]
    list_filter = ["active", "team"]
    search_fields = ["name", "note"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(TriggerFiring)
class TriggerFiringAdmin(_ReadOnly):
    list_display = ["fired_at", "trigger", "ticket_id", "change", "causes", "errors"]
    list_filter = ["trigger"]
    search_fields = ["=ticket__id"]
    list_select_related = ["trigger"]
    date_hierarchy = "fired_at"
    show_full_result_count = False


@admin.register(TimeRuleRun)
class TimeRuleRunAdmin(_ReadOnly):
    list_display = ["fired_at", "rule", "ticket_id", "status_since", "errors"]
    list_filter = ["rule"]
    search_fields = ["=ticket__id"]
    list_select_related = ["rule"]
    date_hierarchy = "fired_at"
    show_full_result_count = False
