"""The mailbox settings form: write-only passwords, a normalised address, coherent settings."""

from __future__ import annotations

import ipaddress
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from rapport.channels.email.models import AfterImport, InboundKind, Mailbox, OutboundKind, Security

PASSWORD_FIELDS = ("imap_password", "smtp_password")
KEEP_PASSWORD_HELP = _("Leave blank to keep the current password.")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _password_field(label: Any) -> forms.CharField:  # a lazy translation
    return forms.CharField(
        label=label, required=False, strip=False, max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=KEEP_PASSWORD_HELP,
    )


def is_loopback(host: str) -> bool:
    host = host.strip().lower().strip("[]")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class MailboxForm(forms.ModelForm):
    """Passwords are never sent back to the browser; a blank one keeps what is stored."""

    imap_password = _password_field(_("IMAP password"))
    clear_imap_password = forms.BooleanField(
        label=_("Remove the stored IMAP password"), required=False)
    smtp_password = _password_field(_("SMTP password"))
    clear_smtp_password = forms.BooleanField(
        label=_("Remove the stored SMTP password"), required=False)

    class Meta:
        model = Mailbox
        fields = [
            "name", "address", "team", "language", "sender_name", "trusted",
            "acknowledge_new", "active",
            "inbound", "imap_host", "imap_port", "imap_security", "imap_username",
            "imap_password", "imap_folder", "imap_after_import", "imap_move_to",
            "outbound", "smtp_host", "smtp_port", "smtp_security", "smtp_username",
            "smtp_password",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stored_passwords = {name: getattr(self.instance, name) for name in PASSWORD_FIELDS}
        for name in PASSWORD_FIELDS:
            self.initial[name] = ""  # never part of the page, not even as an initial value

    def clean_address(self) -> str:
        address = self.cleaned_data["address"].strip().lower()
        validate_email(address)
        if "+" in address.partition("@")[0]:
            # Rapport's reply addresses are support+t42-…@; a base address with "+" would clash.
            raise ValidationError(_("Use the address without a +tag."), code="plus_address")
        return address

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in PASSWORD_FIELDS:
            if cleaned.get(f"clear_{name}"):
                cleaned[name] = ""
            elif not cleaned.get(name):
                cleaned[name] = self.stored_passwords[name]
        if cleaned.get("inbound") == InboundKind.IMAP:
            self._require(cleaned, "imap_host", "imap_username", "imap_password", "imap_folder")
            self._check_clear_text(cleaned, "imap")
            self._check_move(cleaned)
        if cleaned.get("outbound") == OutboundKind.SMTP:
            self._require(cleaned, "smtp_host")
            self._check_clear_text(cleaned, "smtp")
        return cleaned

    def _require(self, cleaned: dict[str, Any], *names: str) -> None:
        for name in names:
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Required for this way of receiving or sending mail."))

    def _check_clear_text(self, cleaned: dict[str, Any], prefix: str) -> None:
        host = cleaned.get(f"{prefix}_host") or ""
        sends_password = bool(cleaned.get(f"{prefix}_username"))
        if cleaned.get(f"{prefix}_security") == Security.NONE and sends_password and host \
                and not is_loopback(host):
            self.add_error(f"{prefix}_security", _(
                "Without TLS the password would cross the network unencrypted; this is "
                "allowed only for a server on this machine (localhost)."))

    def _check_move(self, cleaned: dict[str, Any]) -> None:
        if cleaned.get("imap_after_import") != AfterImport.MOVE:
            return
        target = (cleaned.get("imap_move_to") or "").strip()
        if not target:
            self.add_error("imap_move_to", _("Name the folder to move imported mail to."))
        elif target == cleaned.get("imap_folder"):
            self.add_error("imap_move_to", _("Choose a folder other than the one polled."))

    def changed_fields(self) -> list[str]:
        """Names of changed settings; a password counts only when its stored value changed."""
        changed = [name for name in self.changed_data
                   if name not in PASSWORD_FIELDS and not name.startswith("clear_")]
        changed += [name for name in PASSWORD_FIELDS
                    if self.cleaned_data.get(name) != self.stored_passwords[name]]
        return sorted(changed)
