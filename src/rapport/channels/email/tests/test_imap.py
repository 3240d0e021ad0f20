"""The IMAP poller against a real Dovecot (tests/dovecot.py): mail goes in with APPEND.

Assertions are on InboundEmail rows and on the server's state; turning mail into
tickets is tested with the processing code.
"""

import os
import signal
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from imapclient import DELETED, SEEN, IMAPClient

from rapport.channels.email.imap import lease
from rapport.channels.email.imap.importer import FolderImport, move_messages
from rapport.channels.email.imap.poller import poll_forever, poll_mailbox
from rapport.channels.email.imap.session import open_imap
from rapport.channels.email.models import InboundEmail, Mailbox
from rapport.channels.email.tests.dovecot import append, server_state

# Transactions are real (transaction=True) only where threads or poll_forever's
# close_old_connections need them: each flush costs a second or more on PostgreSQL.
pytestmark = pytest.mark.django_db

EML = Path(__file__).parent / "fixtures" / "eml"
CYRILLIC_8BIT = (EML / "ru_koi8r_8bit.eml").read_bytes()
BACKSLASHES_CRLF = (EML / "ru_8bit_no_cte_backslashes.eml").read_bytes()


def plain(n: int, body: str = "Hello") -> bytes:
    return (f"From: Ivan <ivan@example.test>\r\nTo: support@example.test\r\n"
            f"Subject: Test {n}\r\nMessage-ID: <{n}.{uuid.uuid4().hex}@example.test>\r\n"
            f"\r\n{body} {n}\r\n").encode()


@pytest.fixture
def imap(dovecot):
    client = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
    client.login("support", dovecot.password("support"))
    yield client
    client.logout()


@pytest.fixture
def folder(imap):
    name = f"t-{uuid.uuid4().hex[:12]}"  # one folder per test on the shared server
    imap.create_folder(name)
    return name


@pytest.fixture
def mailbox(dovecot, folder):
    return Mailbox.objects.create(
        name="Support", address="support@example.test", inbound="imap",
        imap_host=dovecot.host, imap_port=dovecot.port, imap_security="none",
        imap_username="support", imap_password=dovecot.password("support"),
        imap_folder=folder,
    )


@pytest.fixture
def offline_mailbox(db):
    """For lease tests, which need no server."""
    return Mailbox.objects.create(name="Lease", address="lease@example.test", inbound="imap",
                                  imap_host="127.0.0.1", imap_port=1, imap_username="x")


def stored_raw() -> list[bytes]:
    return [bytes(raw) for raw in InboundEmail.objects.order_by("pk").values_list("raw", flat=True)]


def poll(mailbox: Mailbox, owner: str = "test-poller", **kwargs):
    result = poll_mailbox(mailbox.pk, owner=owner, **kwargs)
    mailbox.refresh_from_db()
    return result


def test_imports_each_message_once_with_identical_bytes_then_marks_seen(imap, folder, mailbox):
    messages = [plain(1), CYRILLIC_8BIT, BACKSLASHES_CRLF]
    append(imap, folder, *messages)
    uidvalidity = imap.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"]

    result = poll(mailbox)

    assert (result.imported, result.errors) == (3, [])
    assert stored_raw() == messages
    rows = InboundEmail.objects.order_by("pk")
    assert [r.source_ref for r in rows] == [f"{uidvalidity}:{uid}" for uid in (1, 2, 3)]
    assert {(r.source, r.mailbox_id) for r in rows} == {("imap", mailbox.pk)}
    assert all(SEEN in flags for flags, _ in server_state(imap, folder).values())
    assert (mailbox.imap_uidvalidity, mailbox.imap_last_uid) == (uidvalidity, 3)
    assert (mailbox.lease_owner, mailbox.lease_expires_at, mailbox.last_error) == ("", None, "")
    assert mailbox.last_polled_at is not None


def test_second_poll_imports_nothing_and_later_mail_arrives_next_poll(imap, folder, mailbox):
    append(imap, folder, plain(1), plain(2))
    assert poll(mailbox).imported == 2
    assert poll(mailbox).imported == 0
    later = [plain(3), plain(4)]
    append(imap, folder, *later)

    assert poll(mailbox).imported == 2
    assert InboundEmail.objects.count() == 4
    assert stored_raw()[2:] == later
    assert mailbox.imap_last_uid == 4


def test_move_after_import_leaves_the_folder_empty(imap, folder, mailbox):
    imap.create_folder(f"{folder}-done")
    mailbox.imap_after_import, mailbox.imap_move_to = "move", f"{folder}-done"
    mailbox.save()
    messages = [plain(1), CYRILLIC_8BIT]
    append(imap, folder, *messages)

    assert poll(mailbox).imported == 2
    assert server_state(imap, folder) == {}
    moved = server_state(imap, f"{folder}-done")
    assert sorted(raw for _, raw in moved.values()) == sorted(messages)
    assert poll(mailbox).imported == 0
    assert InboundEmail.objects.count() == 2


def test_missing_move_folder_keeps_mail_imported_once_and_moves_it_when_it_exists(
    imap, folder, mailbox
):
    mailbox.imap_after_import, mailbox.imap_move_to = "move", f"{folder}-later"
    mailbox.save()
    append(imap, folder, plain(1), plain(2))

    assert poll(mailbox).imported == 2
    assert f"{folder}-later" in mailbox.last_error
    state = server_state(imap, folder)
    assert len(state) == 2
    assert all(SEEN not in flags for flags, _ in state.values())  # fetched with BODY.PEEK[]
    imap.create_folder(f"{folder}-later")

    assert poll(mailbox).imported == 0  # the sweep moves what was stored, nothing is re-stored
    assert server_state(imap, folder) == {}
    assert len(server_state(imap, f"{folder}-later")) == 2
    assert (InboundEmail.objects.count(), mailbox.last_error) == (2, "")


def test_move_without_the_move_extension_copies_deletes_and_expunges(dovecot, imap, folder):
    imap.create_folder(f"{folder}-done")
    append(imap, folder, plain(1), plain(2), plain(3))
    imap.select_folder(folder)
    imap.add_flags([3], [DELETED])  # someone else's deletion: not ours to expunge

    move_messages(imap, [1, 2], f"{folder}-done", allow_move=False)

    assert len(server_state(imap, f"{folder}-done")) == 2
    assert list(server_state(imap, folder)) == [3]


def test_uidvalidity_change_resyncs_storing_only_new_mail(imap, folder, mailbox):
    old = [plain(1), CYRILLIC_8BIT]
    append(imap, folder, *old)
    assert poll(mailbox).imported == 2
    first_validity = mailbox.imap_uidvalidity
    imap.delete_folder(folder)
    imap.create_folder(folder)
    new = plain(3)
    append(imap, folder, *old, new)

    result = poll(mailbox)

    assert mailbox.imap_uidvalidity != first_validity
    assert (result.imported, result.already_stored) == (1, 2)
    assert stored_raw() == [*old, new]
    assert InboundEmail.objects.last().source_ref == f"{mailbox.imap_uidvalidity}:3"
    assert mailbox.imap_last_uid == 3
    assert all(SEEN in flags for flags, _ in server_state(imap, folder).values())
    assert poll(mailbox).imported == 0


def test_lease_held_by_another_poller_skips_the_mailbox(imap, folder, mailbox):
    append(imap, folder, plain(1))
    Mailbox.objects.filter(pk=mailbox.pk).update(
        lease_owner="other-host:42", lease_expires_at=timezone.now() + timedelta(minutes=1))

    assert poll(mailbox).skipped
    assert InboundEmail.objects.count() == 0
    assert mailbox.lease_owner == "other-host:42"
    assert all(SEEN not in flags for flags, _ in server_state(imap, folder).values())

    Mailbox.objects.filter(pk=mailbox.pk).update(lease_expires_at=timezone.now())  # expired
    assert poll(mailbox).imported == 1


def test_a_poller_that_lost_its_lease_stores_nothing(dovecot, imap, folder, mailbox):
    append(imap, folder, plain(1))
    assert lease.acquire(mailbox.pk, "slow-poller")
    # Its lease expired and another poller took the mailbox over mid-import.
    Mailbox.objects.filter(pk=mailbox.pk).update(lease_owner="new-poller")
    job = FolderImport(lambda: open_imap(mailbox, timeout=5), mailbox, "slow-poller")
    try:
        with pytest.raises(lease.LeaseLost):
            job.run()
    finally:
        job.close()
    assert InboundEmail.objects.count() == 0
    assert all(SEEN not in flags for flags, _ in server_state(imap, folder).values())
    # The check also guards each stored mail: it runs in the mail's own transaction.
    Mailbox.objects.filter(pk=mailbox.pk).update(imap_uidvalidity=job.uidvalidity)
    with pytest.raises(lease.LeaseLost):
        job._store(1, plain(1))
    assert InboundEmail.objects.count() == 0


def test_stopping_between_batches_keeps_a_consistent_watermark(imap, folder, mailbox):
    messages = [plain(n) for n in range(5)]
    append(imap, folder, *messages)
    assert lease.acquire(mailbox.pk, "stopping-poller")
    calls = iter([False, False, True])  # batch 1, its only chunk, then "SIGTERM"
    job = FolderImport(lambda: open_imap(mailbox, timeout=5), mailbox, "stopping-poller",
                       batch_size=2, should_stop=lambda: next(calls, True))
    try:
        assert job.run().imported == 2
    finally:
        job.close()
    lease.release(mailbox.pk, "stopping-poller")
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 2
    state = server_state(imap, folder)
    assert [SEEN in state[uid][0] for uid in sorted(state)] == [True, True, False, False, False]

    assert poll(mailbox).imported == 3
    assert stored_raw() == messages


@pytest.mark.django_db(transaction=True)
def test_racing_pollers_never_import_a_message_twice(imap, folder, mailbox):
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database's shared cache answers 'table is locked' "
                    "to concurrent writers instead of waiting; the lease is tested below")
    messages = [plain(n) for n in range(30)]
    append(imap, folder, *messages)
    start, results, crashed = threading.Barrier(3), [], []

    def poller(owner: str) -> None:
        try:
            start.wait(10)
            for _ in range(3):
                results.append(poll_mailbox(mailbox.pk, owner=owner))
        except Exception as exc:
            crashed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=poller, args=(f"poller-{i}",)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert crashed == []
    assert sum(r.imported for r in results) == 30
    assert sum(r.skipped for r in results) >= 1
    assert sorted(stored_raw()) == sorted(messages)
    assert len(set(InboundEmail.objects.values_list("source_ref", flat=True))) == 30


@pytest.mark.django_db(transaction=True)
def test_only_one_of_many_racing_pollers_gets_the_lease(offline_mailbox):
    mailbox = offline_mailbox
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory test database's shared cache cannot take concurrent writers")
    start, won, crashed = threading.Barrier(6), [], []

    def contender(owner: str) -> None:
        try:
            start.wait(10)
            if lease.acquire(mailbox.pk, owner):
                won.append(owner)
        except Exception as exc:
            crashed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=contender, args=(f"p{i}",)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    mailbox.refresh_from_db()
    assert crashed == []
    assert won == [mailbox.lease_owner]


def test_lease_is_exclusive_renewable_and_released(offline_mailbox):
    mailbox = offline_mailbox
    assert lease.acquire(mailbox.pk, "a")
    assert not lease.acquire(mailbox.pk, "b")
    assert lease.acquire(mailbox.pk, "a")  # re-entrant for its owner
    lease.renew(mailbox.pk, "a")
    with pytest.raises(lease.LeaseLost):
        lease.renew(mailbox.pk, "b")
    assert not lease.release(mailbox.pk, "b")
    assert lease.release(mailbox.pk, "a")
    assert lease.acquire(mailbox.pk, "b")


def test_oversized_message_is_reported_skipped_and_not_retried(imap, folder, mailbox, settings):
    settings.RAPPORT_EMAIL_MAX_BYTES = 2000
    small = [plain(1), plain(3)]
    append(imap, folder, small[0], plain(2, body="x" * 5000), small[1])

    result = poll(mailbox)

    assert result.imported == 2
    assert stored_raw() == small
    assert "UID 2" in mailbox.last_error
    assert "2000" in mailbox.last_error
    assert mailbox.imap_last_uid == 3  # stepped over on purpose
    state = server_state(imap, folder)
    assert SEEN not in state[2][0]  # left for a person, untouched
    assert poll(mailbox).imported == 0
    assert mailbox.last_error == ""


def test_unreadable_message_does_not_block_later_ones_and_is_retried(
    dovecot, imap, folder, mailbox
):
    messages = [plain(1), plain(2, body="BROKEN"), plain(3), plain(4)]
    append(imap, folder, *messages)
    broken = next(p for p in (dovecot.root / "mail").rglob(f"Maildir/.{folder}/*/*")
                  if b"BROKEN" in p.read_bytes())
    broken.chmod(0)  # Dovecot cannot read it and drops the connection on FETCH
    try:
        result = poll(mailbox)
    finally:  # Dovecot renames maildir files (new/ to cur/, flags in the name)
        for path in broken.parent.parent.glob(f"*/{broken.name.split(':')[0]}*"):
            path.chmod(0o600)

    assert result.imported == 3
    assert stored_raw() == [messages[0], messages[2], messages[3]]
    assert "UID 2" in mailbox.last_error
    assert mailbox.imap_last_uid == 1  # never past mail whose bytes are not stored

    result = poll(mailbox)  # the server can read it again

    assert (result.imported, result.already_stored, result.errors) == (1, 2, [])
    assert sorted(stored_raw()) == sorted(messages)
    assert mailbox.imap_last_uid == 4
    assert all(SEEN in flags for flags, _ in server_state(imap, folder).values())


@pytest.mark.parametrize("change", [{"imap_password": "wrong-password"}, {"imap_port": 1}])
def test_login_or_connection_failure_is_recorded(imap, folder, mailbox, change):
    append(imap, folder, plain(1))
    Mailbox.objects.filter(pk=mailbox.pk).update(**change)

    result = poll(mailbox)

    assert result.imported == 0
    assert result.errors
    assert ("Authentication failed" in mailbox.last_error if "imap_password" in change
            else "refused" in mailbox.last_error)
    assert "wrong-password" not in mailbox.last_error
    assert mailbox.last_polled_at is not None
    assert mailbox.lease_owner == ""
    assert InboundEmail.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_poll_forever_polls_active_imap_mailboxes_and_stops_on_sigterm(
    dovecot, imap, folder, mailbox
):
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers need the main thread")
    Mailbox.objects.create(name="Push", address="push@example.test", inbound="push")
    Mailbox.objects.create(name="Off", address="off@example.test", inbound="imap",
                           imap_host="127.0.0.1", imap_port=1, active=False)
    append(imap, folder, plain(1))
    assert poll_forever(interval=0, once=True) == 0
    assert InboundEmail.objects.count() == 1
    append(imap, folder, plain(2))
    before = signal.getsignal(signal.SIGTERM)
    finished, sent_at = threading.Event(), []

    def terminate_once_imported() -> None:
        # Signal only once the round has imported the mail, so the test cannot race it.
        watcher = IMAPClient(dovecot.host, port=dovecot.port, ssl=False, timeout=10)
        watcher.login("support", dovecot.password("support"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not finished.is_set() and watcher.folder_status(
                folder, [b"UNSEEN"])[b"UNSEEN"]:
            time.sleep(0.05)
        watcher.logout()
        if not finished.is_set():  # never signal a process whose handler is gone
            sent_at.append(time.monotonic())
            os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_once_imported)
    killer.start()
    try:
        assert poll_forever(interval=60) == 0
    finally:
        finished.set()
        killer.join(10)

    assert time.monotonic() - sent_at[0] < 5
    assert signal.getsignal(signal.SIGTERM) == before
    assert InboundEmail.objects.count() == 2
    mailbox.refresh_from_db()
    assert mailbox.lease_owner == ""
    assert mailbox.last_polled_at is not None
    assert Mailbox.objects.get(address="off@example.test").last_polled_at is None
