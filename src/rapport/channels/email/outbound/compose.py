"""OutboundEmail row → the mail itself. Pure: the same row always composes the same mail.

Nothing here is decided at send time: addresses, subject, Message-ID and threading
were fixed when the mail was queued, and Date is the moment the agent sent the reply,
so a retry an hour later is byte-for-byte the mail the first attempt tried to send.
"""

from __future__ import annotations

from email.utils import format_datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape, linebreaks

from rapport.channels.email.models import OutboundEmail, OutboundKindOfMail
from rapport.tickets.models import Message

SIGNATURE_SEPARATOR = "\n\n-- \n"  # the standard delimiter mail clients recognise (RFC 3676)

# RFC 3834 auto-submission marker, plus Exchange's own switch: robots must not answer.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}


def _angle(message_id: str) -> str:
    return f"<{message_id}>"


def headers_for(outbound: OutboundEmail) -> dict[str, str]:
    headers = {
        "Message-ID": _angle(outbound.message_id),
        "Date": format_datetime(outbound.created_at),
        # Inbound loop detection drops mail carrying our instance id.
        "X-Rapport-Loop": settings.RAPPORT_INSTANCE_ID,
    }
    if outbound.in_reply_to:
        headers["In-Reply-To"] = _angle(outbound.in_reply_to)
    if outbound.references:
        headers["References"] = " ".join(_angle(r) for r in outbound.references.split())
    if outbound.kind == OutboundKindOfMail.ACKNOWLEDGEMENT or _written_by_rapport(outbound):
        headers.update(AUTOMATIC_HEADERS)
    return headers


def _written_by_rapport(outbound: OutboundEmail) -> bool:
    """A reply no agent wrote (a trigger's email, an escalation notice): auto-responders
    must not answer it."""
    message = outbound.ticket_message
    return message is not None and message.author_user_id is None


def _signature(message: Message) -> str:
    author = message.author_user
    return author.email_signature.strip() if author is not None else ""


def _bodies(outbound: OutboundEmail) -> tuple[str, str]:
    """(text, html). An acknowledgement has text only; its html is made from that text."""
    message = outbound.ticket_message
    if message is None:
        return outbound.body_text, linebreaks(outbound.body_text, autoescape=True)
    text, html = message.body_text, message.body_html  # body_html is sanitised when stored
    signature = _signature(message)
    if signature:
        text = f"{text.rstrip()}{SIGNATURE_SEPARATOR}{signature}"
        signature_html = linebreaks(signature, autoescape=True)
        html = f'{html}\n<div class="signature">-- <br>{signature_html}</div>'
    return text, html


def _html_document(fragment: str, language: str) -> str:
    lang = escape(language or settings.LANGUAGE_CODE)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8"></head>'
        f"<body>\n{fragment}\n</body></html>\n"
    )


def compose(outbound: OutboundEmail) -> EmailMultiAlternatives:
    """The mail for this row, attachments included; reads the attachment files."""
    text, html = _bodies(outbound)
    mail = EmailMultiAlternatives(
        subject=outbound.subject,
        body=text,
        from_email=outbound.from_address,
        to=list(outbound.to),
        cc=list(outbound.cc),
        reply_to=[outbound.reply_to] if outbound.reply_to else None,
        headers=headers_for(outbound),
    )
    mail.attach_alternative(_html_document(html, outbound.language), "text/html")
    if outbound.ticket_message is not None:
        for attachment in outbound.ticket_message.attachments.order_by("pk"):
            with attachment.file.open("rb") as handle:
                mail.attach(attachment.filename, handle.read(), attachment.content_type)
    return mail
