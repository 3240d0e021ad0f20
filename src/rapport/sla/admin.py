"""Calendars and policies in the Django admin; saving either recomputes open tickets."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from rapport.core.effects import enqueue_on_commit
from rapport.sla.calendars import check_country
from rapport.sla.forms import BusinessCalendarForm, SlaPolicyForm
from rapport.sla.hours import CalendarError, holiday_dates
from rapport.sla.models import BusinessCalendar, SlaPolicy, TeamCalendar


class RecomputeAfterChange(admin.ModelAdmin):
    """Open tickets get their clocks again, in a job, once the change is committed."""

    def _recompute(self) -> None:
        from rapport.sla.tasks import recompute_open_tickets

        enqueue_on_commit(recompute_open_tickets)

    # The job runs after commit, so a calendar's team rows (saved after it) count too.
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._recompute()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        self._recompute()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        self._recompute()


class TeamCalendarInline(admin.TabularInline):
    model = TeamCalendar
    extra = 0
    verbose_name = _("team working by this calendar")
    verbose_name_plural = _("teams working by this calendar")


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(RecomputeAfterChange):
    form = BusinessCalendarForm
    inlines = [TeamCalendarInline]
    list_display = ["name", "time_zone", "holiday_country", "holiday_subdivision", "is_default"]
    search_fields = ["name"]
    readonly_fields = ["holidays_this_year"]

    @admin.display(description=_("public holidays this year"))
    def holidays_this_year(self, obj: BusinessCalendar) -> str:
        if not obj.holiday_country:
            return "—"
        try:
            check_country(obj.holiday_country, obj.holiday_subdivision)
            closed, _working = holiday_dates(obj.holiday_country, obj.holiday_subdivision,
                                             timezone.now().year)
        except CalendarError as exc:
            return str(exc)
        return format_html_join(", ", "{}", ((day.isoformat(),) for day in sorted(closed)))


@admin.register(SlaPolicy)
class SlaPolicyAdmin(RecomputeAfterChange):
    form = SlaPolicyForm
    list_display = ["name", "position", "active", "first_response_minutes",
                    "next_response_minutes", "resolution_minutes"]
    list_editable = ["position", "active"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "position", "active", "conditions"]}),
        (_("Targets"), {"fields": [
            ("first_response_minutes", "first_response_business"),
            ("next_response_minutes", "next_response_business"),
            ("resolution_minutes", "resolution_business"),
            "warning_share",
        ]}),
        (_("When a target is at risk"), {"fields": [
            "warn_notify", "warn_priority", "warn_reassign", "warn_team"]}),
        (_("When a target is missed"), {"fields": [
            "breach_notify", "breach_priority", "breach_reassign", "breach_team"]}),
    ]
