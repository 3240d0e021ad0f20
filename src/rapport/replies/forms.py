"""The reply form (every language's text on one form) and the folder form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from rapport.accounts.models import User
from rapport.replies import rendering
from rapport.replies.languages import (
    LANGUAGE_CODE,
    form_languages,
    language_name,
    normalise,
)
from rapport.replies.models import CannedReply, ReplyFolder
from rapport.replies.queries import manages_shared, visible_folders
from rapport.replies.services import ReplyDraft

SHORTCUT = RegexValidator(
    r"^/?[\w-]+$", _("Letters, digits, “-” and “_” only, without spaces.")
)


def checked_placeholders(text: str) -> None:
    """A text's placeholders, checked as rendering will (the error names the culprit)."""
    if text.strip():
        try:
            rendering.validate(text)
        except rendering.TemplateRefused as exc:
            raise ValidationError(exc.message, code=exc.code) from exc


@dataclass(frozen=True)
class LanguageField:
    code: str
    name: str
    field: forms.BoundField


class ReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    shortcut = forms.CharField(
        label=_("Shortcut"), max_length=40, required=False, validators=[SHORTCUT],
        help_text=_("Optional. Type “/” and the shortcut in the reply box to find it fast."),
    )
    folder = forms.ModelChoiceField(
        label=_("Folder"), queryset=ReplyFolder.objects.none(), required=False,
        empty_label=_("No folder"),
    )
    shared = forms.BooleanField(
        label=_("Shared with every agent"), required=False,
        help_text=_("Off: only you see and use this reply."),
    )
    default_language = forms.ChoiceField(
        label=_("Default language"),
        help_text=_("Used when the customer's language has no text of its own."),
    )
    other_language = forms.CharField(
        label=_("Another language (code)"), max_length=16, required=False,
        help_text=_("E.g. de or pt-br; write its text below."),
    )
    other_text = forms.CharField(
        label=_("Text in that language"), required=False, max_length=rendering.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "data-reply-text": ""}),
        validators=[checked_placeholders],
    )

    def __init__(self, data: Any = None, *, user: User, reply: CannedReply | None = None,
                 used_languages: Iterable[str] = (), initial: dict[str, Any] | None = None,
                 **kwargs: Any) -> None:
        self.user = user
        existing = {v.language: v.body for v in reply.variants.all()} if reply else {}
        initial = dict(initial or {})
        if reply is not None:
            initial.update({
                "title": reply.title, "shortcut": reply.shortcut, "folder": reply.folder_id,
                "shared": reply.is_shared, "default_language": reply.default_language,
                **{self.text_name(code): body for code, body in existing.items()},
            })
        super().__init__(data, initial=initial, **kwargs)
        self.languages = form_languages([*used_languages, *existing])
        for code in self.languages:
            self.fields[self.text_name(code)] = forms.CharField(
                label=language_name(code), required=False, strip=False,
                max_length=rendering.MAX_TEXT_LENGTH, validators=[checked_placeholders],
                widget=forms.Textarea(attrs={"rows": 6, "lang": code, "data-reply-text": ""}),
            )
        default = self.fields["default_language"]
        assert isinstance(default, forms.ChoiceField)
        default.choices = [(code, language_name(code)) for code in self.languages]
        folder = self.fields["folder"]
        assert isinstance(folder, forms.ModelChoiceField)
        folder.queryset = visible_folders(user)
        if not manages_shared(user):
            del self.fields["shared"]

    @staticmethod
    def text_name(code: str) -> str:
        return f"text_{code}"

    def language_fields(self) -> list[LanguageField]:
        return [LanguageField(code, language_name(code), self[self.text_name(code)])
                for code in self.languages]

    def clean_other_language(self) -> str:
        code = normalise(self.cleaned_data.get("other_language") or "")
        if code and not LANGUAGE_CODE.match(code):
            raise ValidationError(_("Use a language code such as de, pt-br or sr-latn."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other = data.get("other_language") or ""
        if (data.get("other_text") or "").strip() and not other:
            self.add_error("other_language", _("Which language is this text in?"))
        if other in self.languages:
            self.add_error("other_language", _("This language has its own box above."))
        if any(name.startswith("text_") or name == "other_text" for name in self.errors):
            return data  # the texts' own errors say enough
        texts = self.texts()
        if not texts:
            raise ValidationError(_("Write the reply in at least one language."))
        default = data.get("default_language")
        if default and default not in texts:
            self.add_error("default_language", _(
                "Write the text in the default language too, or choose another one."))
        folder = data.get("folder")
        if data.get("shared") and folder is not None and not folder.is_shared:
            self.add_error("folder", _("A shared reply belongs in a shared folder."))
        return data

    def texts(self) -> dict[str, str]:
        data = self.cleaned_data
        texts = {code: data.get(self.text_name(code)) or "" for code in self.languages}
        other = data.get("other_language") or ""
        if other and (data.get("other_text") or "").strip():
            texts[other] = data["other_text"]
        return {code: text for code, text in texts.items() if text.strip()}

    def draft(self) -> ReplyDraft:
        data = self.cleaned_data
        return ReplyDraft(
            title=data["title"], shortcut=data.get("shortcut") or "", folder=data.get("folder"),
            shared=bool(data.get("shared")), default_language=data["default_language"],
            texts=self.texts(),
        )


class FolderForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    position = forms.IntegerField(
        label=_("Position"), min_value=0, initial=0, required=False,
        help_text=_("Folders are listed by position, then by name."),
    )
    shared = forms.BooleanField(
        label=_("Shared with every agent"), required=False,
        help_text=_("Off: a folder for your own replies."),
    )

    def __init__(self, data: Any = None, *, user: User, folder: ReplyFolder | None = None,
                 initial: dict[str, Any] | None = None, **kwargs: Any) -> None:
        initial = dict(initial or {})
        if folder is not None:
            initial.update(
                {"name": folder.name, "position": folder.position, "shared": folder.is_shared})
        super().__init__(data, initial=initial, **kwargs)
        if not manages_shared(user):
            del self.fields["shared"]
