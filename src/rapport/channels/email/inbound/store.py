"""store_inbound: the one way raw mail enters Rapport, whatever carried it.

Every receiver (SMTP server, IMAP poller, provider webhook) calls this and
acknowledges the mail to its sender only after it returns: by then the bytes are
committed. Processing is a separate, idempotent job enqueued on commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.channels.email.models import InboundEmail, Mailbox
from rapport.channels.email.replyaddress import split_plus


def mailbox_for(address: str) -> Mailbox | None:
    """The active mailbox an address belongs to, plus-addressed forms included."""
    base, _ = split_plus(address)
    return Mailbox.objects.filter(address=base, active=True).first()


def store_inbound(
    raw: bytes,
    *,
    source: str,
    mailbox: Mailbox | None = None,
    envelope_from: str = "",
    envelope_to: Iterable[str] = (),
    source_ref: str = "",
) -> InboundEmail:
    """Commit the raw mail and queue its processing; raises if the database is unavailable."""
    with transaction.atomic():
        inbound = InboundEmail.objects.create(
            mailbox=mailbox,
            source=source,
            source_ref=source_ref[:200],
            envelope_from=envelope_from[:320],
            envelope_to=list(envelope_to),
            raw=raw,
            sha256=hashlib.sha256(raw).hexdigest(),
            size=len(raw),
            received_at=timezone.now(),
        )
        # Robust: the mail is already committed; if queueing fails, the worker's
        # start-up sweep (and the next stored mail) picks it up.
        transaction.on_commit(queue_processing, robust=True)
    return inbound


def queue_processing() -> None:
    """Queue the processing job, unless one is already queued and not yet started.

    A queued job processes every mail pending when it runs, so under a burst one
    job serves many mails; a job already running may have read its last batch,
    so a new one is queued then. This saves a write (and an fsync) per mail.
    """
    from rapport.channels.email.tasks import process_inbound

    if _already_queued(process_inbound):
        return
    process_inbound.enqueue()


def _already_queued(task: Any) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.ready().filter(task_path=task.module_path).exists()
