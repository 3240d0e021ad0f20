"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, keeping every mail it accepts.

Outbound tests send through Django's real SMTP backend to this server and read back
the raw bytes, so what is asserted is what a mail server would have received.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on (now): also what a 'mail server is down' test dials."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.sink.rcpt_reply:
            return self.sink.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.sink.on_data is not None:
            # Runs while the sending client waits for our answer: a test can act
            # "during" a send (e.g. start a competing attempt) deterministically.
            self.sink.on_data()
        with self.sink.lock:
            self.sink.received.append(
                Received(envelope.mail_from, tuple(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"


class SmtpSink:
    """`with SmtpSink() as sink:` … `sink.received`; `sink.port` is where it listens.

    rcpt_reply, when set, is the answer to every RCPT TO (e.g. a 550 refusal).
    """

    def __init__(self, port: int | None = None, *, rcpt_reply: str = "") -> None:
        self.port = port or free_port()
        self.rcpt_reply = rcpt_reply
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.on_data: Callable[[], None] | None = None
        self._controller = Controller(
            _Handler(self), hostname="127.0.0.1", port=self.port,
            decode_data=False, enable_SMTPUTF8=True,
        )

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]


# --- The email-channel world the outbound tests send from ---------------------------------


def sink_mailbox(port: int, **fields: Any) -> Any:
    """An active mailbox whose own SMTP server is the sink on `port` (no TLS: loopback)."""
    from rapport.channels.email.models import Mailbox, OutboundKind, Security

    values = {
        "name": "Support", "address": "support@example.test", "sender_name": "Acme Support",
        "outbound": OutboundKind.SMTP, "smtp_host": "127.0.0.1", "smtp_port": port,
        "smtp_security": Security.NONE, **fields,
    }
    return Mailbox.objects.create(**values)


def email_ticket(customer: Any, *, email: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """A ticket opened by an inbound mail, its first message carrying that mail's metadata."""
    from rapport.tickets.services import Body, create_ticket

    metadata = {
        "message_id": "orig@example.com", "from": f"{customer.name} <{customer.email}>",
        "to": ["support@example.test"], "cc": [], "subject": kwargs.get("subject", "Order"),
        **(email or {}),
    }
    return create_ticket(
        actor=customer, requester=customer, channel="email",
        subject=kwargs.pop("subject", "Order"), body=Body(text=kwargs.pop("text", "Hello")),
        metadata={"email": metadata}, **kwargs,
    )
