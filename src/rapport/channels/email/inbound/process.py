"""Processing stored mail: in batches, one at a time, idempotently, never stuck.

One processor runs at a time (a database lock), because threading depends on what
was processed before: two replies of one thread handled in parallel could each
miss the other and open two tickets. Each mail is handled in its own savepoint; a
mail that fails is quarantined with its error and the batch goes on, so a poison
message never blocks the ones behind it. If the process dies mid-batch, the batch's
transaction rolls back and every mail in it is still pending for the next run.
"""

from __future__ import annotations

import logging
import traceback

from django.db import connection, transaction
from django.utils import timezone

from rapport.channels.email.inbound.handle import (
    Handled,
    Parsed,
    Unprocessable,
    handle,
    parse_stored,
)
from rapport.channels.email.limits import MessageTooLarge
from rapport.channels.email.models import InboundEmail, InboundStatus, Mailbox
from rapport.core.emailaddr import normalise_email
from rapport.core.errors import DomainError

logger = logging.getLogger(__name__)
BATCH_SIZE = 50
MAX_ERROR_CHARS = 4_000
_LOCK_KEY = 0x52415050  # "RAPP": PostgreSQL advisory lock for the inbound processor


def process_pending(batch_size: int = BATCH_SIZE) -> int:
    """Process pending mail until none is left; returns how many were handled."""
    total = 0
    while True:
        handled = _process_batch(batch_size)
        total += handled
        if handled < batch_size:
            return total


def _process_batch(batch_size: int) -> int:
    pending = InboundEmail.objects.filter(status=InboundStatus.PENDING).order_by("id")
    ids = list(pending.values_list("id", flat=True)[:batch_size])
    # Parse before taking the write lock: parsing needs only the CPU, and on SQLite
    # the same lock holds back the SMTP server's stores.
    parsed = {row.pk: parse_stored(row) for row in InboundEmail.objects.filter(pk__in=ids)}
    with transaction.atomic():
        _take_processor_lock()
        batch = pending.filter(pk__in=ids).select_related("mailbox").defer("raw")
        own = _own_addresses()
        for inbound in batch:  # still pending: another processor may have taken some
            _process_one(inbound, own, parsed[inbound.pk])
    return len(ids)


def _take_processor_lock() -> None:
    # SQLite needs nothing: every write transaction begins IMMEDIATE, one at a time.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def _own_addresses() -> frozenset[str]:
    return frozenset(normalise_email(a) for a in Mailbox.objects.values_list("address", flat=True))


def _process_one(inbound: InboundEmail, own: frozenset[str], parsed: Parsed) -> None:
    inbound.attempts += 1
    try:
        with transaction.atomic():
            result = handle(inbound, own, parsed)
    except (Unprocessable, MessageTooLarge, DomainError) as exc:
        _quarantine(inbound, str(exc))
        return
    except Exception as exc:  # any bug or bad input: quarantine this one, go on
        logger.exception("inbound mail %s could not be processed", inbound.pk)
        _quarantine(inbound, _describe(exc))
        return
    _finish(inbound, result)


def _finish(inbound: InboundEmail, result: Handled) -> None:
    inbound.status = result.status
    inbound.ticket = result.ticket
    inbound.message = result.message
    inbound.outcome = result.outcome or {}
    inbound.error = ""
    inbound.processed_at = timezone.now()
    inbound.save(
        update_fields=[
            "status",
            "ticket",
            "message",
            "outcome",
            "error",
            "processed_at",
            "attempts",
        ]
    )


def _quarantine(inbound: InboundEmail, error: str) -> None:
    inbound.status = InboundStatus.QUARANTINED
    inbound.error = error[:MAX_ERROR_CHARS]
    inbound.processed_at = timezone.now()
    inbound.save(update_fields=["status", "error", "processed_at", "attempts"])


def _describe(exc: Exception) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    return "".join(lines).strip()


@transaction.atomic
def reprocess(inbound: InboundEmail) -> None:
    """Put a quarantined mail back in line (after a fix); the processor picks it up."""
    InboundEmail.objects.filter(pk=inbound.pk, status=InboundStatus.QUARANTINED).update(
        status=InboundStatus.PENDING, error=""
    )
    from rapport.channels.email.inbound.store import queue_processing

    transaction.on_commit(queue_processing, robust=True)
