"""Sending outbound mail: claim the row, send it, record what happened.

A row is claimed with one conditional UPDATE, so of two workers racing for it only
one sends. The claim is committed before the network is touched and the outcome is
written afterwards: no transaction is held open while a mail server answers.

Retries: a failed attempt records last_error and, unless the error is permanent or
the attempts are used up, next_attempt_at from BACKOFF. A backend that can defer
jobs (the database backend) gets the retry enqueued for that moment; the periodic
`send_due_outbound` job sends whatever is due either way, so a lost job only delays
a mail. After MAX_ATTEMPTS the row stays failed until an agent retries it.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from typing import Any

from anymail.exceptions import AnymailRecipientsRefused
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from rapport.channels.email.models import Mailbox, OutboundEmail, OutboundKind, OutboundStatus
from rapport.channels.email.models import Security as SmtpSecurity
from rapport.channels.email.outbound.compose import compose
from rapport.channels.email.outbound.queries import claimable, due_outbound_ids
from rapport.core.effects import enqueue_on_commit, publish_on_commit
from rapport.core.realtime import ticket_groups

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SMTP_TIMEOUT = 30  # seconds per socket operation
# Longer than any send can take with SMTP_TIMEOUT: only a crashed sender's row expires.
LEASE = timedelta(minutes=10)
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 30, 120, 360))
MAX_ATTEMPTS = len(BACKOFF) + 1
_ERROR_MAX = 2000


def connection_for(mailbox: Mailbox | None) -> BaseEmailBackend:
    """The mailbox's own SMTP server, or Rapport's default backend (SMTP or an ESP)."""
    if mailbox is None or mailbox.outbound != OutboundKind.SMTP:
        return get_connection(fail_silently=False)
    # Empty strings, never None: None would fall back to the global EMAIL_HOST_USER
    # and send Rapport's own credentials to this mailbox's server.
    return get_connection(
        SMTP_BACKEND, fail_silently=False, host=mailbox.smtp_host, port=mailbox.smtp_port,
        username=mailbox.smtp_username or "", password=mailbox.smtp_password or "",
        use_tls=mailbox.smtp_security == SmtpSecurity.STARTTLS,
        use_ssl=mailbox.smtp_security == SmtpSecurity.SSL, timeout=SMTP_TIMEOUT,
    )


def claim(outbound_id: int, now: datetime) -> bool:
    updated = OutboundEmail.objects.filter(claimable(now), pk=outbound_id).update(
        status=OutboundStatus.SENDING, next_attempt_at=now + LEASE, attempts=F("attempts") + 1
    )
    return updated == 1


def is_permanent(exc: BaseException) -> bool:
    """A refusal that retrying cannot fix (5xx): wait for an agent instead."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return isinstance(exc, AnymailRecipientsRefused)


def next_attempt(attempts: int, now: datetime, exc: BaseException) -> datetime | None:
    if is_permanent(exc) or attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[max(attempts, 1) - 1]


def _deliver(outbound: OutboundEmail) -> None:
    mail = compose(outbound)
    with connection_for(outbound.mailbox) as connection:
        sent = connection.send_messages([mail])
    if not sent:
        raise RuntimeError("the mail backend accepted no message")


def _record(outbound: OutboundEmail, changes: dict[str, Any]) -> None:
    with transaction.atomic():
        # Only our own claim is finished: a sender whose lease expired must not
        # overwrite what the sender that took the row over recorded.
        OutboundEmail.objects.filter(pk=outbound.pk, status=OutboundStatus.SENDING).update(
            **changes
        )
        ticket = outbound.ticket
        publish_on_commit(
            ticket_groups(ticket),
            {"type": "ticket.changed", "ticket": {"id": ticket.pk, "status": ticket.status}},
        )
        retry_at = changes.get("next_attempt_at")
        if retry_at is not None and send_outbound.get_backend().supports_defer:
            enqueue_on_commit(send_outbound.using(run_after=retry_at), outbound.pk)


def send_outbound_now(outbound_id: int, *, now: datetime | None = None) -> str:
    """One attempt at one mail: 'sent', 'failed', or 'skipped' when it is not ours to send.

    `now` decides what is due (the sweep passes its own clock); outcomes are stamped
    with the real time.
    """
    if not claim(outbound_id, now or timezone.now()):
        return "skipped"
    outbound = OutboundEmail.objects.select_related(
        "ticket", "mailbox", "ticket_message__author_user"
    ).get(pk=outbound_id)
    try:
        _deliver(outbound)
    except Exception as exc:  # any failure must end in a recorded, retryable state
        failed_at = timezone.now()
        logger.warning("sending %s failed: %s", outbound.message_id, exc)
        _record(outbound, {
            "status": OutboundStatus.FAILED,
            "last_error": f"{type(exc).__name__}: {exc}"[:_ERROR_MAX],
            "next_attempt_at": next_attempt(outbound.attempts, failed_at, exc),
        })
        return "failed"
    _record(outbound, {
        "status": OutboundStatus.SENT, "sent_at": timezone.now(), "next_attempt_at": None,
    })
    return "sent"


def send_due(now: datetime | None = None) -> int:
    """Send every mail that is due; returns how many were sent."""
    now = now or timezone.now()
    return sum(send_outbound_now(pk, now=now) == "sent" for pk in due_outbound_ids(now))


@task()
def send_outbound(outbound_id: int) -> str:
    return send_outbound_now(outbound_id)


@task()
def send_due_outbound() -> int:
    """For a periodic runner: due retries, expired leases and queued mail whose job was lost."""
    return send_due()
