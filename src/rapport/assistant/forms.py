"""The rule form, shared by the settings page and the Django admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rapport.assistant import queries
from rapport.assistant.matching import phrase_key
from rapport.assistant.models import PhraseRule
from rapport.assistant.services import normalise_language


class AlternativesField(forms.CharField):
    """One alternative per line in the form; a JSON list in the database."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            lines = [str(v) for v in value]
        else:
            lines = str(value or "").splitlines()
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))

    def validate(self, value: Any) -> None:
        if not value:
            raise forms.ValidationError(_("Give at least one thing to say instead."),
                                        code="required")


class PhraseRuleForm(forms.ModelForm):
    alternatives = AlternativesField(
        label=_("Say instead"), help_text=_("One phrasing per line; the first is offered first.")
    )

    class Meta:
        model = PhraseRule
        fields = ["language", "phrase", "alternatives", "category", "explanation", "enabled"]
        help_texts = {
            "phrase": _("Matched by word forms: «проблема» also finds «проблемы» and "
                        "«проблему». Chinese is matched as written."),
            "explanation": _("One short sentence the agent sees next to the suggestion."),
        }

    # Both fields are required: Django refuses blank (or only spaces) before these run.
    def clean_language(self) -> str:
        return normalise_language(self.cleaned_data.get("language") or "")

    def clean_phrase(self) -> str:
        return " ".join((self.cleaned_data.get("phrase") or "").split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        language, phrase = cleaned.get("language"), cleaned.get("phrase")
        if language and phrase:
            key = phrase_key(phrase, language)
            if not key:
                self.add_error("phrase", _("The phrase needs at least one word."))
            elif queries.duplicate_rule(language, key, exclude_pk=self.instance.pk):
                self.add_error("phrase", _("This language already has a rule for this phrase."))
            else:
                self.instance.key = key
        return cleaned
