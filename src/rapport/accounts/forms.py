import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from rapport.api.models import Scope


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself, so anyone can find their own in the list."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class SignInForm(AuthenticationForm):
    """Django's sign-in form with browser hints for password managers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class PreferencesForm(forms.Form):
    ui_language = forms.ChoiceField(
        label=_("Interface language"),
        choices=[("", _("Same as my browser"))],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ui_language"].choices = [("", _("Same as my browser")), *language_choices()]


SCOPE_LABELS: dict[str, Any] = {
    Scope.TICKETS_READ: _("Read tickets"),
    Scope.TICKETS_WRITE: _("Create and change tickets"),
    Scope.CUSTOMERS_READ: _("Read customers"),
    Scope.CUSTOMERS_WRITE: _("Create and change customers"),
    Scope.USERS_READ: _("Read agents and teams"),
}


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the token is for, e.g. “CRM sync”."))
    scopes = forms.MultipleChoiceField(
        label=_("Allowed to"), widget=forms.CheckboxSelectMultiple,
        choices=[(value, SCOPE_LABELS.get(value, value)) for value in Scope.values],
    )
    expires_on = forms.DateField(
        label=_("Valid until (optional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_expires_on(self) -> dt.date | None:
        value = self.cleaned_data["expires_on"]
        if value is not None and value < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return value

    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen day in the installation's time zone."""
        day = self.cleaned_data["expires_on"]
        if day is None:
            return None
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
        return timezone.make_aware(midnight)
