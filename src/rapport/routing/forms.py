from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.accounts.models import Team
from rapport.routing.models import EscalationReason

SUPERVISOR = "supervisor"


class EscalationForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=EscalationReason.choices)
    target = forms.ChoiceField(label=_("Escalate to"))
    note = forms.CharField(
        label=_("Note for the next person"), max_length=1_000, widget=forms.Textarea(
            attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [
            ("", _("The team's escalation path")), (SUPERVISOR, _("A supervisor")),
            *((f"team:{t.pk}", t.name) for t in Team.objects.order_by("name")),
        ]
        target.required = False

    def target_team(self) -> Team | None:
        value = self.cleaned_data.get("target") or ""
        if value.startswith("team:"):
            return Team.objects.filter(pk=int(value[5:])).first()
        return None

    def to_supervisor(self) -> bool:
        return self.cleaned_data.get("target") == SUPERVISOR
