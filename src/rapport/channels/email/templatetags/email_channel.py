"""What the timeline says about an inbound email: its addresses, why it landed in
this ticket, and the warnings the filters raised."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def _thread_reason(thread: dict[str, Any]) -> str:
    reasons = {
        "reply_address": _("Joined this ticket: sent to the ticket's reply address."),
        "in_reply_to": _("Joined this ticket: a reply to an email in this ticket (In-Reply-To)."),
        "references": _("Joined this ticket: its References name an email in this ticket."),
        "referenced_by_ticket": _(
            "Joined this ticket: an email already in this ticket answered it, or the same email."
        ),
        "subject_tag": _("Joined this ticket: the ticket number is in the subject."),
        "follow_up": _("New ticket: a follow-up to a closed ticket."),
        "new_ticket": _("New ticket: no earlier conversation found."),
    }
    return reasons.get(thread.get("rule", ""), "")


def _refusals(thread: dict[str, Any]) -> list[str]:
    return [
        _("Not added to ticket #%(ticket)s: the sender does not take part in it.")
        % {"ticket": refused.get("ticket")}
        for refused in thread.get("refused", [])
    ]


def _warnings(email: dict[str, Any]) -> list[str]:
    flags = set(email.get("flags", []))
    warnings = []
    if "spoofing_suspected" in flags:
        warnings.append(_("Possibly forged sender: the sender's domain failed DMARC or SPF."))
    if "auto_reply" in flags:
        warnings.append(_("Automatic reply: it did not reopen the ticket."))
    if "mailing_list" in flags:
        warnings.append(_("Sent by a mailing list or in bulk."))
    if email.get("ignored_headers"):
        warnings.append(
            _("Ignored headers (this mailbox is not trusted): %(names)s")
            % {"names": ", ".join(email["ignored_headers"])}
        )
    if email.get("attachments_not_kept"):
        warnings.append(
            _("%(count)s attachments were too many or too large to keep; see the original.")
            % {"count": email["attachments_not_kept"]}
        )
    return warnings


@register.simple_tag
def inbound_email_details(message: Any) -> dict[str, Any] | None:
    email = (message.channel_metadata or {}).get("email")
    if not email or message.direction != "inbound" or not email.get("inbound_id"):
        return None
    thread = email.get("thread") or {}
    return {
        "from": email.get("from", ""),
        "to": ", ".join(email.get("to", [])),
        "cc": ", ".join(email.get("cc", [])),
        "reason": _thread_reason(thread),
        "refusals": _refusals(thread),
        "warnings": _warnings(email),
        "quoted": bool(email.get("quote_rule")),
        "remote_images": "data-remote-src" in (message.body_html or ""),
    }
