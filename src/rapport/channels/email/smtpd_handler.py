"""What the built-in SMTP server answers: who may receive mail, and storing what arrives.

The rule the sender relies on: "250" only once the raw bytes are committed, a 5xx
only when retrying cannot help (unknown recipient, malformed address), and every
trouble on our side (database down or locked, a bug) a 4xx the sender retries later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar

from aiosmtpd.smtp import SMTP, Envelope, Session
from django.db import Error as DatabaseError
from django.db import close_old_connections

from rapport.channels.email.inbound.store import mailbox_for, store_inbound

logger = logging.getLogger(__name__)

SOURCE = "smtp"
# RFC 5321 §4.5.3.1.8: a server must take at least 100 recipients; beyond that the
# 452 makes the client send the rest in another transaction, so nobody is lost.
MAX_RECIPIENTS = 100
# Threads for the (synchronous) ORM, each with its own connection: enough for a few
# mails at once, well within PostgreSQL's pool, and SQLite has one writer anyway.
DB_THREADS = 4

MAIL_OK = "250 2.1.0 OK"
RCPT_OK = "250 2.1.5 OK"
UNKNOWN_RECIPIENT = "550 5.1.1 No such mailbox here"
MALFORMED_ADDRESS = "553 5.1.3 Malformed address"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients, send the rest in another message"
RCPT_UNAVAILABLE = "451 4.3.0 Temporarily unable to check the recipient, try again later"
STORE_UNAVAILABLE = "451 4.3.0 Temporarily unable to store the message, try again later"
SERVER_ERROR = "451 4.3.0 Temporary server error, try again later"

T = TypeVar("T")


class InboundHandler:
    """aiosmtpd handler: RCPT accepts active mailboxes only, DATA stores the raw mail once.

    `in_flight` counts messages being stored right now, so a stopping server can let
    them finish and answer before it closes the connections. close() when done.
    """

    def __init__(self, *, db_threads: int = DB_THREADS) -> None:
        self.in_flight = 0
        self._executor = ThreadPoolExecutor(db_threads, thread_name_prefix="smtpd-db")

    def close(self) -> None:
        self._executor.shutdown(wait=True)

    async def handle_MAIL(  # noqa: N802  (aiosmtpd's hook names)
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        mail_options: list[str],
    ) -> str:
        if not _is_valid_text(address):
            return MALFORMED_ADDRESS
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return MAIL_OK

    async def handle_RCPT(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope, address: str,
        rcpt_options: list[str],
    ) -> str:
        if not _is_valid_text(address):
            return MALFORMED_ADDRESS
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        try:
            known = await self._in_thread(_is_mailbox, address)
        except Exception as exc:
            _log_failure(exc, "cannot check recipient %s", address)
            return RCPT_UNAVAILABLE
        if not known:
            return UNKNOWN_RECIPIENT
        # The same mailbox named twice (any case) is one recipient, stored once.
        if address.lower() not in {to.lower() for to in envelope.rcpt_tos}:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
        return RCPT_OK

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        # original_content: the bytes as received, only the SMTP dot-stuffing undone.
        raw = envelope.original_content or b""
        mail_from = envelope.mail_from or ""
        recipients = list(envelope.rcpt_tos)
        self.in_flight += 1
        try:
            inbound_id = await self._in_thread(_store, raw, mail_from, recipients)
        except Exception as exc:
            _log_failure(exc, "cannot store a %s-byte mail from %r", len(raw), mail_from)
            return STORE_UNAVAILABLE
        finally:
            self.in_flight -= 1
        logger.info("stored inbound #%s: %s bytes from %r to %s",
                    inbound_id, len(raw), mail_from, ", ".join(recipients))
        return f"250 2.0.0 Queued as {inbound_id}"

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd's default answer is a permanent 500 quoting the exception text: a
        # bug of ours would bounce the sender's mail and show them our internals.
        logger.error("SMTP session error", exc_info=error)
        return SERVER_ERROR

    async def _in_thread(self, func: Callable[..., T], *args: object) -> T:
        """Run synchronous ORM code off the event loop, on a connection known to be fresh."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, partial(_with_fresh_connection, func, *args)
        )


def _is_mailbox(address: str) -> bool:
    return mailbox_for(address) is not None


def _store(raw: bytes, mail_from: str, recipients: list[str]) -> int:
    inbound = store_inbound(
        raw, source=SOURCE, mailbox=mailbox_for(recipients[0]),
        envelope_from="" if mail_from == "<>" else mail_from,  # <>: a bounce's null sender
        envelope_to=recipients,
    )
    return inbound.pk


def _with_fresh_connection(func: Callable[..., T], *args: object) -> T:
    # The server outlives database restarts: like Django around each request, drop
    # a broken or expired connection before and after, so the next mail reconnects.
    close_old_connections()
    try:
        return func(*args)
    finally:
        close_old_connections()


def _is_valid_text(address: str) -> bool:
    # aiosmtpd keeps invalid UTF-8 as surrogates; no database can store them, so such
    # an address would fail "temporarily" forever. Refusing it at once tells the sender.
    try:
        address.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _log_failure(exc: Exception, message: str, *args: object) -> None:
    if isinstance(exc, DatabaseError):  # an outage: one line per attempt is enough
        logger.warning(message + ": database unavailable: %s", *args, exc)
    else:
        logger.exception(message, *args)
