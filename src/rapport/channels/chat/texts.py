"""The widget's words, translated on the server so the widget carries none of its own."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def wait_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return _("less than a minute")
    minutes = round(seconds / 60)
    return ngettext("about %(n)d minute", "about %(n)d minutes", minutes) % {"n": minutes}


def widget_texts() -> dict[str, str]:
    return {
        "open": _("Chat with us"),
        "close": _("Close the chat"),
        "title": _("Chat"),
        "name": _("Your name"),
        "email": _("Your email"),
        "question": _("How can we help?"),
        "start": _("Start the chat"),
        "send": _("Send"),
        "placeholder": _("Write a message…"),
        "waiting": _("Waiting for an agent"),
        "expected_wait": _("Expected wait: %(wait)s"),
        "connected": _("%(name)s joined the chat"),
        "typing": _("%(name)s is typing…"),
        "read": _("Read"),
        "sending": _("Sending…"),
        "reconnecting": _("Reconnecting…"),
        "end": _("End the chat"),
        "ended": _("The chat has ended."),
        "rate": _("How was this chat?"),
        "comment": _("Anything to add? (optional)"),
        "rate_send": _("Send rating"),
        "thanks": _("Thank you!"),
        "transcript": _("Email me the transcript"),
        "offline_title": _("Leave us a message"),
        "offline_intro": _("Nobody is available right now. We will answer by email."),
        "message": _("Message"),
        "offline_send": _("Send message"),
        "offline_sent": _("Thank you! We will answer by email."),
        "articles": _("These articles may help:"),
        "rate_limited": _("Please wait a moment before sending more."),
        "error": _("Something went wrong. Please try again."),
        "invitation_accept": _("Chat now"),
        "invitation_dismiss": _("No, thanks"),
        "required": _("Required"),
        "agent": _("Agent"),
        "attach": _("Attach a file"),
        "uploading": _("Uploading %(name)s…"),
        # The same limit as every attachment, known before a byte is sent.
        "file_too_large": _("The file is larger than %(mb)d MB.")
        % {"mb": settings.RAPPORT_MAX_ATTACHMENT_BYTES // 2**20},
        "expected_reply": _("Expected reply: %(when)s"),
        "log": _("Conversation"),
        "new_chat": _("Start a new chat"),
        "next_open": _("Back online: %(when)s"),
        "not_sent": _("Not sent. Tap to try again."),
        "reference": _("Your reference: #%(ticket)s"),
        "star": _("%(n)s of 5"),
        "too_long": _("The message is too long."),
        "transcript_sent": _("The transcript is on its way to %(email)s."),
        "transferred": _("Transferring you to %(name)s…"),
        "unavailable": _("The chat is not available right now."),
        "unread": _("%(n)s new"),
        "you": _("You"),
    }
