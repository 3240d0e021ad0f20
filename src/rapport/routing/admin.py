"""Admin for routing: rules, each team's routing settings, each agent's capacity."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rapport.routing.models import (
    AgentCapacity,
    Escalation,
    OwnershipAlarm,
    RoutingRule,
    TeamRouting,
)
from rapport.tickets import conditions
from rapport.tickets.models import Channel

CONDITIONS_HELP = _(
    'JSON, e.g. {"all": [{"field": "language", "op": "is", "value": "zh-hans"}, '
    '{"field": "keywords", "op": "contains_any", "value": ["refund", "возврат"]}]}. '
    "Fields: channel, source, mailbox, chat_site, language, status, priority, team, "
    "assignee, tags, company, tier, keywords, field:KEY (a custom field)."
)


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = ["name", "position", "active", "conditions", "team", "priority", "add_tags",
                  "required_skills"]
        help_texts = {"conditions": CONDITIONS_HELP,
                      "add_tags": _('A JSON list, e.g. ["vip", "refund"]')}

    def clean_conditions(self) -> dict[str, Any]:
        return conditions.validate(self.cleaned_data.get("conditions"))

    def clean_add_tags(self) -> list[str]:
        tags = self.cleaned_data.get("add_tags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise ValidationError(_("A list of tag names."))
        return [t.strip().lower()[:64] for t in tags if t.strip()]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = ["name", "position", "active", "team", "priority"]
    list_editable = ["position", "active"]
    list_filter = ["active", "team"]
    filter_horizontal = ["required_skills"]


@admin.register(TeamRouting)
class TeamRoutingAdmin(admin.ModelAdmin):
    list_display = ["team", "auto_assign", "strategy", "chat_offer_seconds",
                    "reassign_offline_minutes", "unassigned_alarm_minutes",
                    "unanswered_alarm_minutes", "escalation_team"]
    list_editable = ["auto_assign", "strategy"]


class AgentCapacityForm(forms.ModelForm):
    class Meta:
        model = AgentCapacity
        fields = ["user", "channel_limits", "overall_limit"]

    def clean_channel_limits(self) -> dict[str, int]:
        limits = self.cleaned_data.get("channel_limits") or {}
        if not isinstance(limits, dict):
            raise ValidationError(_('An object, e.g. {"email": 20, "phone": 3}.'))
        unknown = set(limits) - set(Channel.values)
        if unknown:
            raise ValidationError(_("Unknown channel: %(name)s") % {"name": sorted(unknown)[0]})
        if not all(isinstance(v, int) and v >= 0 for v in limits.values()):
            raise ValidationError(_("Limits are whole numbers, 0 or more."))
        return limits


@admin.register(AgentCapacity)
class AgentCapacityAdmin(admin.ModelAdmin):
    form = AgentCapacityForm
    list_display = ["user", "channel_limits", "overall_limit"]
    autocomplete_fields = ["user"]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["ticket", "reason", "by", "to_user", "to_team", "created_at"]
    list_filter = ["reason", "to_team"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(OwnershipAlarm)
class OwnershipAlarmAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "team", "since", "raised_at"]
    list_filter = ["kind", "team"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
