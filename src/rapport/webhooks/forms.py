"""The endpoint form of the admin: events as checkboxes, the URL checked on save."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.webhooks.models import WebhookEndpoint, event_names
from rapport.webhooks.queries import ALL_EVENTS


def event_choices() -> list[tuple[str, Any]]:
    return [(ALL_EVENTS, _("All events (*), including those added later")),
            *[(name, name) for name in event_names()]]


class EndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        label=_("events"), choices=event_choices, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "team", "is_active", "allow_private_addresses"]
        widgets = {"url": forms.URLInput(attrs={"size": 80})}

    def clean_events(self) -> list[str]:
        chosen = self.cleaned_data["events"]
        if ALL_EVENTS in chosen:
            return [ALL_EVENTS]
        return [name for name in event_names() if name in chosen]
