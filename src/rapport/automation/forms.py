"""Admin forms that refuse a rule the automation could not run, saying why."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rapport.automation import actions
from rapport.automation.models import Macro, TimeRule, Trigger
from rapport.automation.texts import PLACEHOLDERS, unknown_placeholders
from rapport.tickets import conditions
from rapport.tickets.hooks import Change

EVENT_LABELS = {
    Change.CREATED: _("a ticket is created"),
    Change.CUSTOMER_REPLIED: _("the customer writes"),
    Change.AGENT_REPLIED: _("a public reply is sent"),
    Change.NOTE_ADDED: _("an internal note is added"),
    Change.STATUS_CHANGED: _("the status changes"),
    Change.PRIORITY_CHANGED: _("the priority changes"),
    Change.ASSIGNED: _("the assignee changes"),
    Change.TEAM_CHANGED: _("the team changes"),
    Change.TAGS_CHANGED: _("tags change"),
    Change.FIELDS_CHANGED: _("custom fields change"),
    Change.SUBJECT_CHANGED: _("the subject changes"),
    Change.TRANSFERRED: _("the ticket is transferred"),
    Change.MERGED: _("the ticket is merged into another"),
    Change.ESCALATED: _("the ticket is escalated"),
    Change.SLA_WARNING: _("an SLA target is about to be missed"),
    Change.SLA_BREACHED: _("an SLA target is missed"),
}
EVENT_CHOICES = [(change.value, f"{change.value}: {EVENT_LABELS.get(change, '')}")
                 for change in Change]


class _RuleForm(forms.ModelForm):
    def clean_conditions(self) -> dict[str, Any]:
        return conditions.validate(self.cleaned_data.get("conditions"))

    def clean_actions(self) -> list[dict[str, Any]]:
        return actions.validate(self.cleaned_data.get("actions"))


class TriggerForm(_RuleForm):
    events = forms.MultipleChoiceField(
        label=_("when"), choices=EVENT_CHOICES, widget=forms.CheckboxSelectMultiple,
        help_text=_("The trigger is evaluated after any of these changes is saved."),
    )

    class Meta:
        model = Trigger
        fields = ["name", "description", "position", "active", "events", "conditions",
                  "actions"]


class TimeRuleForm(_RuleForm):
    class Meta:
        model = TimeRule
        fields = ["name", "position", "active", "status", "clock", "hours", "conditions",
                  "actions"]


class MacroForm(forms.ModelForm):
    class Meta:
        model = Macro
        fields = ["name", "position", "active", "team", "reply", "note", "actions"]

    def clean_reply(self) -> dict[str, str]:
        value = self.cleaned_data.get("reply")
        if value in (None, "", {}):
            return {}
        try:
            return actions.check_localised(value, with_subject=False)
        except actions.ActionProblem as problem:
            raise ValidationError(str(problem)) from None

    def clean_note(self) -> str:
        note = self.cleaned_data.get("note", "")
        unknown = unknown_placeholders(note)
        if unknown:
            raise ValidationError(
                _("Unknown placeholder {{%(name)s}}; known: %(known)s.")
                % {"name": unknown[0], "known": ", ".join(PLACEHOLDERS)})
        return note

    def clean_actions(self) -> list[dict[str, Any]]:
        return actions.validate(self.cleaned_data.get("actions"), allow_empty=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("reply") or (cleaned.get("note") or "").strip()
                or cleaned.get("actions")) and not self.errors:
            raise ValidationError(_("A macro needs a reply, a note or at least one action."))
        return cleaned
