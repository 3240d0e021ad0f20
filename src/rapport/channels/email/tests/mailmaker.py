"""Build raw test mails and push them through storage and processing."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from django.utils import timezone

from rapport.channels.email.inbound.process import process_pending
from rapport.channels.email.inbound.store import store_inbound
from rapport.channels.email.models import InboundEmail, Mailbox


def make_mail(
    *,
    sender: str = "ivan@example.test",
    to: str = "support@example.com",
    subject: str = "Help",
    body: str = "Hello",
    message_id: str | None = "m1@example.test",
    in_reply_to: str | None = None,
    references: tuple[str, ...] = (),
    cc: str | None = None,
    headers: dict[str, str] | None = None,
    name: str = "",
) -> bytes:
    mail = EmailMessage()
    mail["From"] = f"{name} <{sender}>" if name else sender
    mail["To"] = to
    if cc:
        mail["Cc"] = cc
    mail["Subject"] = subject
    mail["Date"] = format_datetime(timezone.now())
    if message_id:
        mail["Message-ID"] = f"<{message_id}>"
    if in_reply_to:
        mail["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        mail["References"] = " ".join(f"<{r}>" for r in references)
    for key, value in (headers or {}).items():
        mail[key] = value
    mail.set_content(body)
    return mail.as_bytes()


def deliver(raw: bytes, mailbox: Mailbox | None, *, process: bool = True) -> InboundEmail:
    inbound = store_inbound(
        raw, source="test", mailbox=mailbox, envelope_to=[mailbox.address] if mailbox else []
    )
    if process:
        process_pending()
    inbound.refresh_from_db()
    return inbound
