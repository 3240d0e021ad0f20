"""`rapport mailpoll`: poll every active IMAP mailbox, round after round.

Each mailbox is polled under its lease (lease.py), so any number of pollers — threads,
processes, machines, on SQLite or PostgreSQL — can run side by side; a mailbox leased by
another poller is skipped for this round. Every poll ends by writing last_polled_at and
last_error (empty when all went well) while giving the lease back.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from types import FrameType
from typing import Any

from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _
from imapclient.exceptions import IMAPClientError

from rapport.channels.email.imap import lease
from rapport.channels.email.imap.importer import FolderImport
from rapport.channels.email.imap.session import describe_error, open_imap, redact
from rapport.channels.email.models import InboundKind, Mailbox

logger = logging.getLogger(__name__)

IMAP_TIMEOUT = 60.0
MAX_ERROR_CHARS = 4000
SLEEP_SLICE = 0.5  # how quickly a sleeping poller notices SIGTERM


@dataclass
class PollResult:
    mailbox_id: int
    skipped: bool = False  # leased by another poller, or no longer an active IMAP mailbox
    lease_lost: bool = False
    imported: int = 0
    already_stored: int = 0
    errors: list[str] = field(default_factory=list)


def _never() -> bool:
    return False


def poll_mailbox(
    mailbox_id: int, *, owner: str, should_stop: Callable[[], bool] = _never,
    lease_seconds: float = lease.LEASE_SECONDS, timeout: float = IMAP_TIMEOUT,
) -> PollResult:
    """Import one mailbox's new mail if its lease can be had; never raises for IMAP trouble."""
    result = PollResult(mailbox_id)
    if not lease.acquire(mailbox_id, owner, seconds=lease_seconds):
        result.skipped = True
        return result
    status: dict[str, Any] = {}
    try:
        mailbox = Mailbox.objects.get(pk=mailbox_id)
        if not mailbox.active or mailbox.inbound != InboundKind.IMAP:
            result.skipped = True
            return result
        _import(mailbox, owner, result, should_stop, lease_seconds, timeout)
        status = {"last_polled_at": timezone.now(),
                  "last_error": "\n".join(result.errors)[:MAX_ERROR_CHARS]}
    except lease.LeaseLost:
        logger.warning("mailbox %s: lease lost to another poller; stopped", mailbox_id)
        result.lease_lost = True
    finally:
        lease.release(mailbox_id, owner, **status)
    return result


def _import(mailbox: Mailbox, owner: str, result: PollResult, should_stop: Callable[[], bool],
            lease_seconds: float, timeout: float) -> None:
    describe = partial(describe_error, host=mailbox.imap_host, port=mailbox.imap_port,
                       secrets=(mailbox.imap_password,))
    job = FolderImport(partial(open_imap, mailbox, timeout=timeout), mailbox, owner,
                       lease_seconds=lease_seconds, should_stop=should_stop)
    try:
        job.run()
    except (IMAPClientError, OSError) as exc:
        # What was stored is committed and below the watermark; the rest waits for next poll.
        job.report.errors.append(describe(exc))
        logger.warning("mailbox %s: %s", mailbox.pk, job.report.errors[-1])
    except lease.LeaseLost:
        raise
    except Exception as exc:
        logger.exception("mailbox %s: poll failed", mailbox.pk)
        job.report.errors.append(redact(_("Unexpected error: %(error)s") % {"error": exc},
                                        (mailbox.imap_password,)))
    finally:
        job.close()
    result.imported = job.report.imported
    result.already_stored = job.report.already_stored
    result.errors.extend(job.report.errors)


def poll_all(*, owner: str, should_stop: Callable[[], bool] = _never) -> list[PollResult]:
    """One round over every active IMAP mailbox; one mailbox's failure never stops the round."""
    ids = list(Mailbox.objects.filter(active=True, inbound=InboundKind.IMAP)
               .order_by("pk").values_list("pk", flat=True))
    results = []
    for mailbox_id in ids:
        if should_stop():
            break
        try:
            results.append(poll_mailbox(mailbox_id, owner=owner, should_stop=should_stop))
        except Exception:  # e.g. the database went away; the next round tries again
            logger.exception("mailbox %s: poll failed", mailbox_id)
    return results


def poll_forever(interval: float = 30.0, once: bool = False) -> int:
    """Poll every `interval` seconds until SIGTERM or SIGINT (or once); returns 0."""
    stop = threading.Event()
    restore = _stop_on_signals(stop)
    owner = lease.new_owner()
    logger.info("mail poller %s started (every %ss)", owner, interval)
    try:
        while not stop.is_set():
            close_old_connections()
            results = poll_all(owner=owner, should_stop=stop.is_set)
            _queue_mail_housekeeping()
            close_old_connections()
            imported = sum(r.imported for r in results)
            logger.log(logging.INFO if imported else logging.DEBUG,
                       "mail poller: %s mailbox(es) polled, %s new mail(s)",
                       len(results), imported)
            if once:
                break
            _sleep(interval, stop)
    finally:
        restore()
    logger.info("mail poller %s stopped", owner)
    return 0


def _queue_mail_housekeeping() -> None:
    """Each round also queues the jobs that no event triggers: outbound mail whose
    retry is due (or whose sender died), and stored mail whose processing job was lost."""
    from rapport.channels.email.outbound.tasks import send_due_outbound
    from rapport.channels.email.tasks import queue_leftover_mail

    try:
        send_due_outbound.enqueue()
        queue_leftover_mail()
    except DatabaseError:
        logger.warning("mail poller: could not queue housekeeping jobs", exc_info=True)


def _sleep(seconds: float, stop: threading.Event) -> None:
    # Sliced sleep rather than stop.wait(): setting an Event from a signal handler can
    # deadlock when the signal lands while the main thread holds the Event's own lock.
    deadline = time.monotonic() + max(seconds, 0.0)
    while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
        time.sleep(min(left, SLEEP_SLICE))


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """SIGTERM and SIGINT: finish the mail at hand, give the lease back, then return."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may install handlers

    def handler(signum: int, frame: FrameType | None) -> None:
        logger.info("mail poller: signal %s, stopping after the mail at hand", signum)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
