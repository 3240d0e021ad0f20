"""Portal forms. Public ones carry a honeypot and a signed render time against bots."""

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rapport.core.errors import InvalidInput
from rapport.tickets.attachments import IncomingFile, validate_files

FORM_SALT = "rapport.portal.form-rendered"
# A person needs longer than this to fill in a form; a script does not.
MIN_FILL_SECONDS = 3
MAX_FORM_AGE_SECONDS = 24 * 3600
MAX_MESSAGE_CHARS = 20_000


def form_token(issued_at: float | None = None) -> str:
    """Signed time at which the form was shown."""
    return signing.dumps({"t": time.time() if issued_at is None else issued_at}, salt=FORM_SALT)


def _check_form_token(value: str) -> None:
    try:
        issued_at = float(signing.loads(value, salt=FORM_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            _("The form could not be verified. Please send it again."), code="form_invalid"
        ) from exc
    age = time.time() - issued_at
    if age > MAX_FORM_AGE_SECONDS:
        raise ValidationError(
            _("This form was open for too long. Please send it again."), code="form_expired"
        )
    if age < MIN_FILL_SECONDS:
        raise ValidationError(
            _("That was very fast. Please check your message and send it again."),
            code="form_too_fast",
        )


class BotCheckForm(forms.Form):
    """The honeypot is hidden by CSS; people leave it empty, form-filling robots do not."""

    website = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def started_token(self) -> str:
        # Always fresh: a form shown again after an error restarts the clock.
        return form_token()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("website"):
            raise ValidationError(
                _("Your message could not be sent. Please try again."), code="honeypot"
            )
        _check_form_token(str(self.data.get("started", "")))
        return cleaned


def _attachments_help() -> str:
    count = settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE
    megabytes = max(1, settings.RAPPORT_MAX_ATTACHMENT_BYTES // 2**20)
    return ngettext(
        "Optional. Up to %(count)d file of at most %(mb)d MB.",
        "Optional. Up to %(count)d files, each at most %(mb)d MB.",
        count,
    ) % {"count": count, "mb": megabytes}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files, checked against the installation's limits by the tickets domain."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Attachments"))
        # Lazy: the limits are settings, read when the form is shown.
        kwargs.setdefault("help_text", lazy(_attachments_help, str)())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[IncomingFile]:  # type: ignore[override]
        uploads = [u for u in (data if isinstance(data, list | tuple) else [data]) if u]
        # One past each limit is enough for validate_files to refuse, and keeps memory bounded.
        uploads = uploads[: settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE + 1]
        files = [_read(super(AttachmentsField, self).clean(u, initial)) for u in uploads]
        try:
            validate_files(files)
        except InvalidInput as exc:
            raise ValidationError(exc.message, code=exc.code) from exc
        return files


def _read(upload: UploadedFile) -> IncomingFile:
    content = upload.read(settings.RAPPORT_MAX_ATTACHMENT_BYTES + 1)
    return IncomingFile(
        filename=upload.name or "file",
        content=content,
        declared_type=upload.content_type or "application/octet-stream",
    )


class ContactForm(BotCheckForm):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    # data-suggest-from: help-center articles are suggested from what is typed here.
    subject = forms.CharField(
        label=_("Subject"), max_length=250,
        widget=forms.TextInput(attrs={"data-suggest-from": ""}),
    )
    message = forms.CharField(
        label=_("How can we help?"), max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "data-suggest-from": ""}),
    )
    attachments = AttachmentsField()

    field_order = ["name", "email", "subject", "message", "attachments", "website"]


class RequestLinkForm(BotCheckForm):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class ReplyForm(forms.Form):
    message = forms.CharField(
        label=_("Your reply"), max_length=MAX_MESSAGE_CHARS, required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = AttachmentsField()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        empty = not (cleaned.get("message") or "").strip() and not cleaned.get("attachments")
        if empty and "attachments" not in self.errors:
            raise ValidationError(_("Write a reply or attach a file."), code="empty_message")
        return cleaned
