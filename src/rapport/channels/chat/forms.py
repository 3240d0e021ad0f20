"""The agent's transfer form: one target (an agent or a team) and a note."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.accounts.models import Team, User
from rapport.accounts.queries import active_agents
from rapport.tickets.services import TRANSFER_NOTE_CHARS


class TransferForm(forms.Form):
    target = forms.CharField(label=_("Transfer to"), max_length=32)
    note = forms.CharField(
        label=_("Note for the next agent"), max_length=TRANSFER_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_target(self) -> User | Team:
        """"agent:<id>" or "team:<id>", and only someone who can take it."""
        kind, _sep, raw_id = str(self.cleaned_data["target"]).partition(":")
        found: Any = None
        if raw_id.isdigit():
            if kind == "agent":
                found = active_agents().filter(pk=int(raw_id)).first()
            elif kind == "team":
                found = Team.objects.filter(pk=int(raw_id)).first()
        if found is None:
            raise forms.ValidationError(_("Choose an agent or a team."))
        return found  # type: ignore[no-any-return]
