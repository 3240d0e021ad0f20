"""Admin forms that refuse a calendar or policy the SLA clocks could not use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rapport.sla.calendars import check_country, parse_dates
from rapport.sla.hours import CalendarError, format_week, parse_week, supported_countries, zone
from rapport.sla.models import BusinessCalendar, Reassign, SlaPolicy
from rapport.tickets import conditions


class BusinessCalendarForm(forms.ModelForm):
    class Meta:
        model = BusinessCalendar
        fields = ["name", "time_zone", "weekly_hours", "holiday_country", "holiday_subdivision",
                  "closed_dates", "is_default"]

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        try:
            zone(name)
        except CalendarError:
            raise ValidationError(_("Unknown time zone %(name)s: use an IANA name such as "
                                    "Europe/Belgrade, Europe/Moscow or Asia/Shanghai.")
                                  % {"name": name}) from None
        return name

    def clean_weekly_hours(self) -> dict[str, Any]:
        try:
            week = parse_week(self.cleaned_data["weekly_hours"])
        except CalendarError as exc:
            raise ValidationError(_("Weekly hours: %(problem)s") % {"problem": exc}) from None
        if not any(week):
            raise ValidationError(_("Open at least one interval in the week."))
        return format_week(week)

    def clean_holiday_country(self) -> str:
        return self.cleaned_data["holiday_country"].strip().upper()

    def clean_holiday_subdivision(self) -> str:
        return self.cleaned_data["holiday_subdivision"].strip().upper()

    def clean_closed_dates(self) -> list[str]:
        try:
            found = parse_dates(self.cleaned_data["closed_dates"])
        except CalendarError as exc:
            raise ValidationError(str(exc)) from None
        return [day.isoformat() for day in sorted(found)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            check_country(cleaned.get("holiday_country", ""),
                          cleaned.get("holiday_subdivision", ""))
        except CalendarError as exc:
            known = cleaned.get("holiday_country") in supported_countries()
            self.add_error("holiday_subdivision" if known else "holiday_country", str(exc))
        return cleaned


class SlaPolicyForm(forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = "__all__"

    def clean_conditions(self) -> dict[str, Any]:
        return conditions.validate(self.cleaned_data.get("conditions"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        targets = ("first_response_minutes", "next_response_minutes", "resolution_minutes")
        if not any(cleaned.get(name) for name in targets):
            raise ValidationError(_("Set at least one target: first reply, next reply or "
                                    "resolution."))
        for moment in ("warn", "breach"):
            reassign, team = cleaned.get(f"{moment}_reassign"), cleaned.get(f"{moment}_team")
            if reassign == Reassign.TEAM and team is None:
                self.add_error(f"{moment}_team", _("Choose the team to send the ticket to."))
            if team is not None and reassign != Reassign.TEAM:
                self.add_error(f"{moment}_reassign",
                               _("A team is chosen: pick “To the queue of another team”, or "
                                 "clear the team."))
        return cleaned
