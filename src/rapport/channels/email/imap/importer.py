"""Importing one IMAP folder's new mail into InboundEmail, while holding the mailbox's lease.

How far the import got — `mailbox.imap_last_uid`, the watermark:
    Every message at or below it is settled: its bytes are committed as an
    InboundEmail, or it is byte-identical to one already stored, or it was rejected on
    purpose (over RAPPORT_EMAIL_MAX_BYTES), or it was no longer on the server. The
    watermark is written in the same transaction as the stored mail (together with a
    check that we still hold the lease), so no crash can leave an unstored mail below
    it, and no second poller can store the same UID.

A message that fails (the server will not return it, the database will not take it):
    It holds the watermark, not the poll. The messages behind it are still stored, each
    with source_ref "uidvalidity:uid", and the watermark stays just below the failed one,
    so the next poll tries it again and steps over the later ones already stored
    (recognised by source_ref, without downloading them again). A transient failure
    therefore heals by itself and no mail is ever skipped silently; every failure is
    written to mailbox.last_error. The one exception is a message over the size limit:
    it would fail identically forever, so it is reported once, stepped over, and left
    on the server untouched (not marked read, not moved) for a person to deal with.

UIDVALIDITY changed (or was never seen):
    The old UIDs mean nothing any more. The new UIDVALIDITY is stored with watermark 0 and
    the whole folder is walked. A message whose sha256 is already stored for this mailbox
    is not stored again (only marked read or moved). That check runs on every import,
    not only during a resync, so a resync interrupted halfway simply goes on at the next
    poll. Two genuinely different deliveries are never byte-identical (their Received
    headers differ), and processing deduplicates by Message-ID anyway.

After import:
    \\Seen or MOVE happens only after the transaction committed. A crash in between leaves
    a stored message unread (harmless) or, in move mode, in the folder, where the sweep
    at the start of the next poll moves it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from imapclient import DELETED, SEEN, IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError

from rapport.channels.email.imap import lease
from rapport.channels.email.imap.session import close_quietly, server_text
from rapport.channels.email.inbound.store import store_inbound
from rapport.channels.email.models import AfterImport, InboundEmail, Mailbox

logger = logging.getLogger(__name__)

SIZE = b"RFC822.SIZE"
BODY = b"BODY[]"
BATCH_SIZE = 50
CHUNK_BYTES = 8 * 2**20  # bodies fetched per command: keeps memory bounded, not per message
SWEEP_LIMIT = 500
MAX_RECONNECTS = 5  # per poll; past that the poll ends and the next one starts over


@dataclass
class ImportReport:
    imported: int = 0
    already_stored: int = 0
    errors: list[str] = field(default_factory=list)
    resynced: bool = False


class FolderChanged(IMAPClientError):
    """The folder's UIDVALIDITY changed while we were reconnecting: stop, resync next poll."""


class FolderImport:
    """One poll of one folder. `connect` returns a logged-in client; it is called again
    when the server drops the connection over one message (Dovecot answers an unreadable
    message with BYE), so that message can be isolated and the others still imported.
    """

    def __init__(
        self, connect: Callable[[], IMAPClient], mailbox: Mailbox, owner: str, *,
        batch_size: int = BATCH_SIZE, lease_seconds: float = lease.LEASE_SECONDS,
        should_stop: Callable[[], bool] = lambda: False,
    ):
        self.connect = connect
        self.client: IMAPClient | None = None
        self.mailbox = mailbox
        self.owner = owner
        self.batch_size = batch_size
        self.lease_seconds = lease_seconds
        self.should_stop = should_stop
        self.max_bytes: int = settings.RAPPORT_EMAIL_MAX_BYTES
        self.report = ImportReport()
        self.uidvalidity = 0
        self.watermark = mailbox.imap_last_uid
        self.blocked = False  # a message failed in this run: the watermark stays below it
        self.move_to: str | None = None
        self.reconnects = 0

    def run(self) -> ImportReport:
        self.uidvalidity = self._open()
        if self.mailbox.imap_uidvalidity != self.uidvalidity:
            self._start_resync()
        self.move_to = self._move_target()
        if self.move_to:
            self._sweep()
        uids = sorted(u for u in self._imap.search(["UID", f"{self.watermark + 1}:*"])
                      if u > self.watermark)  # "N:*" also matches the last UID when N > it
        for start in range(0, len(uids), self.batch_size):
            if self.should_stop():
                break
            lease.renew(self.mailbox.pk, self.owner, seconds=self.lease_seconds)
            self._batch(uids[start:start + self.batch_size])
        return self.report

    def close(self) -> None:
        if self.client is not None:
            close_quietly(self.client)
            self.client = None

    @property
    def _imap(self) -> IMAPClient:
        assert self.client is not None, "run() opens the connection"
        return self.client

    def _open(self) -> int:
        self.client = self.connect()
        status = self.client.select_folder(self.mailbox.imap_folder)
        return int(status[b"UIDVALIDITY"])

    def _reopen(self, exc: Exception) -> None:
        """A new connection after the server dropped ours; gives up after MAX_RECONNECTS."""
        self.close()
        self.reconnects += 1
        if self.reconnects > MAX_RECONNECTS:
            raise exc
        if self._open() != self.uidvalidity:
            raise FolderChanged(_("the folder changed (new UIDVALIDITY) during the import"))

    # --- one batch ----------------------------------------------------------------------
    def _batch(self, uids: list[int]) -> None:
        sizes = self._imap.fetch(uids, [SIZE])
        known = set(InboundEmail.objects.filter(
            mailbox=self.mailbox, source_ref__in=[self._ref(u) for u in uids]
        ).values_list("source_ref", flat=True))
        to_fetch: list[int] = []
        again: list[int] = []
        for uid in uids:
            if uid not in sizes:
                continue  # expunged since the search: nothing left to import
            if self._ref(uid) in known:
                again.append(uid)
            elif sizes[uid].get(SIZE, 0) > self.max_bytes:
                self._too_large(uid, sizes[uid][SIZE])
            else:
                to_fetch.append(uid)
        self.report.already_stored += len(again)
        self._after_import(again)
        for chunk in _chunks_by_size(to_fetch, {u: sizes[u].get(SIZE, 0) for u in to_fetch}):
            if self.should_stop():
                return  # the rest of the batch waits for the next poll, below the watermark
            self._after_import(self._store_chunk(chunk))
        if not self.blocked and uids[-1] > self.watermark:
            self._advance(uids[-1])

    def _store_chunk(self, chunk: list[int]) -> list[int]:
        """Store each fetched message in its own transaction; the UIDs now settled."""
        bodies = self._fetch_bodies(chunk)
        hashes = {uid: hashlib.sha256(raw).hexdigest()
                  for uid, raw in bodies.items() if isinstance(raw, bytes)}
        seen = set(InboundEmail.objects.filter(
            mailbox=self.mailbox, sha256__in=set(hashes.values())
        ).values_list("sha256", flat=True))
        settled: list[int] = []
        for uid in chunk:
            raw = bodies.get(uid)
            if not isinstance(raw, bytes):
                self._fail(uid, raw or _("the server returned no content for it"))
            elif len(raw) > self.max_bytes:  # the server understated its size
                self._too_large(uid, len(raw))
            elif hashes[uid] in seen:
                self.report.already_stored += 1
                settled.append(uid)
            elif self._store(uid, raw):
                seen.add(hashes[uid])
                settled.append(uid)
        return settled

    def _fetch_bodies(self, chunk: list[int]) -> dict[int, bytes | str]:
        """BODY.PEEK[] so fetching never sets \\Seen; a refused chunk is retried one by one."""
        try:
            response = self._imap.fetch(chunk, ["BODY.PEEK[]"])
        except (IMAPClientAbortError, OSError) as exc:  # the server hung up on us
            self._reopen(exc)
            return self._fetch_singly(chunk, server_text(exc))
        except IMAPClientError as exc:
            return self._fetch_singly(chunk, server_text(exc))
        return {uid: data[BODY] for uid, data in response.items()
                if uid in chunk and isinstance(data.get(BODY), bytes)}

    def _fetch_singly(self, chunk: list[int], reason: str) -> dict[int, bytes | str]:
        if len(chunk) == 1:
            return {chunk[0]: _("the server could not send it: %(reason)s") % {"reason": reason}}
        found: dict[int, bytes | str] = {}
        for uid in chunk:
            found.update(self._fetch_bodies([uid]))
        return found

    def _store(self, uid: int, raw: bytes) -> bool:
        try:
            with transaction.atomic():
                self._claim(uid if not self.blocked else self.watermark)
                store_inbound(raw, source="imap", mailbox=self.mailbox,
                              source_ref=self._ref(uid))
        except lease.LeaseLost:
            raise
        except Exception as exc:  # the mail stays on the server and is retried next poll
            logger.exception("mailbox %s: storing UID %s failed", self.mailbox.pk, uid)
            self._fail(uid, _("it could not be stored: %(reason)s") % {"reason": exc})
            return False
        if not self.blocked:
            self.watermark = uid
        self.report.imported += 1
        return True

    # --- watermark, lease, resync -------------------------------------------------------
    def _claim(self, last_uid: int) -> None:
        """Write the watermark only if the lease is still ours (inside the store's transaction)."""
        claimed = Mailbox.objects.filter(
            pk=self.mailbox.pk, lease_owner=self.owner, imap_uidvalidity=self.uidvalidity
        ).update(imap_last_uid=last_uid,
                 lease_expires_at=timezone.now() + timedelta(seconds=self.lease_seconds))
        if not claimed:
            raise lease.LeaseLost(self.mailbox.pk)

    def _advance(self, uid: int) -> None:
        self._claim(uid)
        self.watermark = uid

    def _start_resync(self) -> None:
        logger.info("mailbox %s: UIDVALIDITY %s -> %s, walking the whole folder",
                    self.mailbox.pk, self.mailbox.imap_uidvalidity, self.uidvalidity)
        if not Mailbox.objects.filter(pk=self.mailbox.pk, lease_owner=self.owner).update(
            imap_uidvalidity=self.uidvalidity, imap_last_uid=0
        ):
            raise lease.LeaseLost(self.mailbox.pk)
        self.watermark = 0
        self.report.resynced = True

    def _too_large(self, uid: int, size: int) -> None:
        """Stepped over, not retried: it would fail the same way at every poll."""
        self._error(_("UID %(uid)s is %(size)s bytes, over the limit of %(limit)s; it was "
                      "left on the server and not imported.")
                    % {"uid": uid, "size": size, "limit": self.max_bytes})

    def _fail(self, uid: int, reason: str) -> None:
        self.blocked = True
        self._error(_("UID %(uid)s was not imported and will be retried: %(reason)s")
                    % {"uid": uid, "reason": reason})

    def _error(self, text: str) -> None:
        logger.warning("mailbox %s: %s", self.mailbox.pk, text)
        self.report.errors.append(text)

    def _ref(self, uid: int) -> str:
        return f"{self.uidvalidity}:{uid}"

    # --- after import ---------------------------------------------------------------------
    def _move_target(self) -> str | None:
        if self.mailbox.imap_after_import != AfterImport.MOVE:
            return None
        target = self.mailbox.imap_move_to
        if not target or not self._imap.folder_exists(target):
            self._error(_("The folder %(folder)s to move imported mail to does not exist; "
                          "imported mail stays in %(source)s.")
                        % {"folder": target or '""', "source": self.mailbox.imap_folder})
            return None
        return target

    def _sweep(self) -> None:
        """Move what an earlier poll stored but could not move (crash, missing folder)."""
        if not self.watermark:
            return
        present = [u for u in self._imap.search(["UID", f"1:{self.watermark}"])
                   if u <= self.watermark][:SWEEP_LIMIT]
        refs = {self._ref(u): u for u in present}
        stored = InboundEmail.objects.filter(
            mailbox=self.mailbox, source_ref__in=list(refs)
        ).values_list("source_ref", flat=True)
        self._after_import(sorted(refs[ref] for ref in stored))

    def _after_import(self, uids: list[int]) -> None:
        if not uids:
            return
        try:
            if self.move_to:
                move_messages(self._imap, uids, self.move_to)
            elif self.mailbox.imap_after_import == AfterImport.MARK_SEEN:
                self._imap.add_flags(uids, [SEEN], silent=True)
        except IMAPClientAbortError:
            raise
        except IMAPClientError as exc:  # stored already; only the server-side tidy-up failed
            self._error(_("Imported mail could not be marked or moved: %(reason)s")
                        % {"reason": server_text(exc)})


def move_messages(client: IMAPClient, uids: list[int], folder: str, *,
                  allow_move: bool = True) -> None:
    """MOVE where the server has it; otherwise COPY, flag \\Deleted, expunge just these UIDs.

    Without UIDPLUS there is no way to expunge only our UIDs, and a plain EXPUNGE would
    also remove what someone else flagged \\Deleted: the copies stay flagged instead.
    """
    if allow_move and client.has_capability("MOVE"):
        client.move(uids, folder)
        return
    client.copy(uids, folder)
    client.add_flags(uids, [DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)


def _chunks_by_size(uids: list[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    total = 0
    for uid in uids:
        if chunk and total + sizes[uid] > CHUNK_BYTES:
            yield chunk
            chunk, total = [], 0
        chunk.append(uid)
        total += sizes[uid]
    if chunk:
        yield chunk
