"""The built-in SMTP server, spoken to by a real SMTP client (smtplib) over loopback.

The server runs in a thread of the test process (aiosmtpd's Controller) with its own
database connections, which is why every test commits (transaction=True). Database
outages are real ones: a lock held by another connection (SQLite, PostgreSQL) and, on
PostgreSQL, the server's connection killed while it waits, as in a restart.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.db.models import Model

from rapport.channels.email.models import InboundEmail, Mailbox
from rapport.channels.email.smtpd import RapportSMTP, server_options
from rapport.channels.email.smtpd_handler import MAX_RECIPIENTS, InboundHandler
from rapport.channels.email.tests.smtp_sink import free_port

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(__file__).resolve().parents[4]

# 8-bit KOI8-R body, CRLF line ends, backslashes, lines the client dot-stuffs, a bare
# LF and a bare CR inside lines, trailing blanks: any rewriting shows in the bytes.
RAW = b"\r\n".join([
    b"From: Ivan Petrov <ivan@example.test>",
    b"To: support@example.com",
    b"Subject: =?koi8-r?b?0NLP18XSy8E=?=",
    b"Message-ID: <smtpd-test-1@example.test>",
    b"MIME-Version: 1.0",
    b"Content-Type: text/plain; charset=koi8-r",
    b"Content-Transfer-Encoding: 8bit",
    b"",
    "Здравствуйте! Заказ 42 так и не пришёл.".encode("koi8-r"),
    b"Path: C:\\Users\\ivan\\invoice.pdf, and \\r\\n is not a line end",
    b".a line starting with a dot",
    b"..two dots",
    b".",
    b"bare LF\nand bare CR\rinside a line",
    b"trailing blanks \t ",
    b"",
])


class _Controller(Controller):
    def factory(self) -> RapportSMTP:
        return RapportSMTP(self.handler, **self.SMTP_kwargs)


@contextmanager
def running_server(**overrides: Any) -> Iterator[int]:
    """Rapport's SMTP server on 127.0.0.1, with the current settings; yields its port.

    One database thread, so a retry runs where the failure happened: on the connection
    the failure left behind, unless the server replaced it.
    """
    options = {**server_options(), **overrides}
    options["server_hostname"] = options.pop("hostname")  # Controller's hostname: bind address
    handler = InboundHandler(db_threads=1)
    controller = _Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()
        handler.close()


@pytest.fixture
def port() -> Iterator[int]:
    with running_server() as port:
        yield port


@contextmanager
def client(port: int) -> Iterator[smtplib.SMTP]:
    with smtplib.SMTP("127.0.0.1", port, local_hostname="client.test", timeout=5) as smtp:
        smtp.ehlo()
        yield smtp


@pytest.fixture
def support(team: Any) -> Mailbox:
    return Mailbox.objects.create(
        name="Support", address="support@example.com", team=team, acknowledge_new=False
    )


def deliver(smtp: smtplib.SMTP, *recipients: str, raw: bytes = RAW,
            sender: str = "ivan@example.test") -> tuple[int, bytes]:
    """One mail transaction whose recipients must all be accepted; returns DATA's reply."""
    assert smtp.mail(sender)[0] == 250
    for recipient in recipients:
        assert smtp.rcpt(recipient)[0] == 250, recipient
    return smtp.data(raw)


def stored() -> InboundEmail:
    (inbound,) = InboundEmail.objects.all()
    return inbound


# --- accepting and storing -------------------------------------------------------------


def test_mail_for_a_mailbox_is_stored_byte_for_byte_then_acknowledged(port, support):
    with client(port) as smtp:
        code, reply = deliver(smtp, "support@example.com")
    inbound = stored()
    assert (code, reply) == (250, f"2.0.0 Queued as {inbound.pk}".encode())
    assert bytes(inbound.raw) == RAW
    assert inbound.size == len(RAW)
    assert inbound.source == "smtp"
    assert inbound.mailbox == support
    assert inbound.envelope_from == "ivan@example.test"
    assert inbound.envelope_to == ["support@example.com"]


def test_ehlo_offers_size_8bit_and_utf8(port):
    with client(port) as smtp:
        assert smtp.esmtp_features["size"] == str(25 * 2**20)
        assert smtp.has_extn("8bitmime")
        assert smtp.has_extn("smtputf8")


def test_plus_addressed_recipient_belongs_to_its_mailbox(port, support):
    with client(port) as smtp:
        code, _ = deliver(smtp, "Support+t42-0123456789@Example.com")
    assert code == 250
    assert stored().mailbox == support
    assert stored().envelope_to == ["Support+t42-0123456789@Example.com"]


def test_utf8_addresses_are_accepted_with_smtputf8(port, team):
    box = Mailbox.objects.create(name="Поддержка", address="поддержка@пример.рф", team=team,
                                 acknowledge_new=False)
    with client(port) as smtp:
        assert smtp.mail("иван@пример.рф", ["SMTPUTF8"])[0] == 250
        assert smtp.rcpt("Поддержка@пример.рф")[0] == 250
        assert smtp.data(RAW)[0] == 250
    assert stored().mailbox == box
    assert stored().envelope_from == "иван@пример.рф"
    assert stored().envelope_to == ["Поддержка@пример.рф"]


def test_bounce_with_null_sender_is_stored_with_an_empty_envelope_from(port, support):
    with client(port) as smtp:
        assert smtp.docmd("MAIL", "FROM:<>")[0] == 250
        assert smtp.rcpt("support@example.com")[0] == 250
        assert smtp.data(RAW)[0] == 250
    assert stored().envelope_from == ""


def test_several_recipients_make_one_stored_mail(port, support, team):
    billing = Mailbox.objects.create(name="Billing", address="billing@example.com", team=team,
                                     acknowledge_new=False)
    with client(port) as smtp:
        assert smtp.mail("ivan@example.test")[0] == 250
        assert smtp.rcpt("billing@example.com")[0] == 250
        assert smtp.rcpt("nobody@example.com")[0] == 550
        assert smtp.rcpt("support+t1-0000000000@example.com")[0] == 250
        assert smtp.rcpt("BILLING@example.com")[0] == 250  # the same recipient again
        code, reply = smtp.data(RAW)
    inbound = stored()
    assert (code, reply) == (250, f"2.0.0 Queued as {inbound.pk}".encode())
    assert inbound.mailbox == billing  # the first recipient's
    assert inbound.envelope_to == ["billing@example.com", "support+t1-0000000000@example.com"]


def test_recipients_beyond_the_limit_are_deferred_not_lost(port, support):
    with client(port) as smtp:
        smtp.mail("ivan@example.test")
        replies = [smtp.rcpt(f"support+{n}@example.com")[0] for n in range(MAX_RECIPIENTS + 1)]
        assert smtp.data(RAW)[0] == 250
    assert replies == [250] * MAX_RECIPIENTS + [452]
    assert len(stored().envelope_to) == MAX_RECIPIENTS


# --- refusing --------------------------------------------------------------------------


def test_unknown_recipient_is_refused_permanently(port, support):
    with client(port) as smtp:
        assert smtp.mail("ivan@example.test")[0] == 250
        assert smtp.rcpt("sales@example.com") == (550, b"5.1.1 No such mailbox here")
        assert smtp.rcpt("support@other.example")[0] == 550
        assert smtp.docmd("DATA")[0] == 503  # no recipient was accepted
    assert not InboundEmail.objects.exists()


def test_inactive_mailbox_is_an_unknown_recipient(port, team):
    Mailbox.objects.create(name="Old", address="old@example.com", team=team, active=False)
    with client(port) as smtp, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        smtp.sendmail("ivan@example.test", ["old@example.com", "old+t1-x@example.com"], RAW)
    assert {code for code, _ in refused.value.recipients.values()} == {550}
    assert not InboundEmail.objects.exists()


def test_address_that_is_not_utf8_is_refused_at_once(port, support, caplog):
    # aiosmtpd logs the address as it came; pytest-xdist cannot ship such text back.
    caplog.set_level(logging.WARNING, logger="mail.log")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw_socket:
        lines = raw_socket.makefile("rb")
        lines.readline()  # greeting
        for command in (b"EHLO client.test", b"MAIL FROM:<\xff\xfe@example.test>"):
            raw_socket.sendall(command + b"\r\n")
            while (reply := lines.readline())[3:4] == b"-":
                pass
    assert reply.startswith(b"553 5.1.3 ")


# --- size ------------------------------------------------------------------------------


LIMIT = 2000


def sized(size: int) -> bytes:
    """A mail of exactly `size` bytes, with no line the client has to dot-stuff."""
    mail = b"Subject: size\r\n\r\n" + b"x" * 76 + b"\r\n"
    while len(mail) + 78 <= size:
        mail += b"x" * 76 + b"\r\n"
    return mail + b"y" * (size - len(mail) - 2) + b"\r\n"


@pytest.fixture
def small_server(settings) -> Iterator[int]:
    settings.RAPPORT_EMAIL_MAX_BYTES = LIMIT
    with running_server() as port:
        yield port


def test_message_of_exactly_the_limit_is_accepted(small_server, support):
    with client(small_server) as smtp:
        assert smtp.esmtp_features["size"] == str(LIMIT)
        assert deliver(smtp, "support@example.com", raw=sized(LIMIT))[0] == 250
    assert stored().size == LIMIT


def test_message_over_the_declared_size_limit_is_refused_at_mail(small_server, support):
    with client(small_server) as smtp, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        smtp.sendmail("ivan@example.test", ["support@example.com"], sized(LIMIT + 1))
    assert refused.value.smtp_code == 552
    assert refused.value.smtp_error == f"5.3.4 Message too big, the limit is {LIMIT} bytes".encode()
    assert not InboundEmail.objects.exists()


def test_message_growing_past_the_limit_in_data_is_refused_and_not_stored(small_server, support):
    with client(small_server) as smtp:
        # No SIZE= on MAIL: the server finds out while the data arrives.
        code, reply = deliver(smtp, "support@example.com", raw=sized(LIMIT + 1))
        assert (code, reply[:6]) == (552, b"5.3.4 ")
        assert not InboundEmail.objects.exists()
        # The session goes on: the next message, within the limit, is taken.
        assert deliver(smtp, "support@example.com")[0] == 250
    assert bytes(stored().raw) == RAW


# --- idle clients ------------------------------------------------------------------------


def test_idle_client_is_dropped_but_a_slow_steady_upload_is_not(support):
    mail = sized(1200)
    with running_server(timeout=0.3) as port:
        with client(port) as smtp:
            smtp.mail("ivan@example.test")
            smtp.rcpt("support@example.com")
            smtp.putcmd("data")
            assert smtp.getreply()[0] == 354
            for start in range(0, len(mail), 150):  # 0.8 s in all, never 0.3 s silent
                smtp.send(mail[start:start + 150])
                time.sleep(0.1)
            smtp.send(b".\r\n")
            assert smtp.getreply()[0] == 250
        with socket.create_connection(("127.0.0.1", port), timeout=3) as idle:
            assert idle.recv(1024).startswith(b"220 ")
            assert idle.recv(1024) == b""  # the server hung up
    assert bytes(stored().raw) == mail


# --- the database is unavailable -------------------------------------------------------


def test_recipient_check_without_database_is_deferred_then_succeeds(port, support):
    with client(port) as smtp:
        assert smtp.mail("ivan@example.test")[0] == 250
        with database_unavailable(Mailbox):
            assert smtp.rcpt("support@example.com") == (
                451, b"4.3.0 Temporarily unable to check the recipient, try again later")
        assert smtp.rcpt("support@example.com")[0] == 250
        assert smtp.data(RAW)[0] == 250
    assert stored().envelope_to == ["support@example.com"]


def test_storing_without_database_is_deferred_then_the_retry_is_stored_once(port, support):
    with client(port) as smtp:
        with database_unavailable(InboundEmail):
            assert deliver(smtp, "support@example.com") == (
                451, b"4.3.0 Temporarily unable to store the message, try again later")
        assert not InboundEmail.objects.exists()
        code, reply = deliver(smtp, "support@example.com")  # the client's retry
    inbound = stored()
    assert (code, reply) == (250, f"2.0.0 Queued as {inbound.pk}".encode())
    assert bytes(inbound.raw) == RAW


@contextmanager
def database_unavailable(model: type[Model]) -> Iterator[None]:
    """Make `model`'s table fail for the server's connections, for real, until the end."""
    table = model._meta.db_table
    if connection.vendor == "sqlite":
        with _sqlite_locked(table):
            yield
    else:
        with _postgresql_locked(table):
            yield


@contextmanager
def _sqlite_locked(table: str) -> Iterator[None]:
    # The test database is SQLite's shared in-memory cache: while another connection
    # holds a write lock on a table, reading it, or writing anything, fails at once
    # ("database table is locked") instead of waiting for busy_timeout.
    name = connection.settings_dict["NAME"]
    assert "mode=memory" in name, "a file database would wait for busy_timeout instead"
    holder = sqlite3.connect(name, uri=True, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        holder.execute(f'UPDATE "{table}" SET id = id')
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@contextmanager
def _postgresql_locked(table: str) -> Iterator[None]:
    # The lock alone would make the server wait; killing the waiting backend, as a
    # database restart does, makes its query fail the way an outage does.
    import psycopg

    settings = connection.settings_dict
    holder = psycopg.connect(
        dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
        host=settings["HOST"], port=settings["PORT"] or None,
    )
    stop = threading.Event()
    killer = threading.Thread(target=_kill_waiting_backends, args=(holder, stop))
    try:
        holder.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        killer.start()
        yield
    finally:
        stop.set()
        if killer.is_alive():
            killer.join()
        holder.rollback()
        holder.close()


def _kill_waiting_backends(holder: Any, stop: threading.Event) -> None:
    while not stop.wait(0.02):
        holder.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
            " current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )


# --- the command -----------------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_command_listens_defers_without_database_and_stops_on_signal(tmp_path, signum):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rapport.settings",
           "RAPPORT_DATA_DIR": str(tmp_path), "RAPPORT_SECRET_KEY": "smtpd-test-" * 5,
           # A database file in a folder that does not exist: it cannot be opened.
           "RAPPORT_SQLITE_PATH": str(tmp_path / "missing" / "rapport.sqlite3"),
           "PYTHONPATH": str(SRC)}
    env.pop("RAPPORT_DATABASE_URL", None)
    command = [sys.executable, "-m", "rapport.cli", "smtpd", "--host", "127.0.0.1", "--port", "0"]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True) as server:
        try:
            assert server.stdout is not None
            assert select.select([server.stdout], [], [], 15)[0], "it never said where it listens"
            line = server.stdout.readline()
            assert line.startswith("rapport smtpd: listening on 127.0.0.1:"), line
            port = int(line.split("127.0.0.1:")[1].split()[0])
            with client(port) as smtp:
                assert smtp.mail("ivan@example.test")[0] == 250
                assert smtp.rcpt("support@example.com")[0] == 451
                server.send_signal(signum)
                assert server.wait(timeout=10) == 0
                assert smtp.getreply()[0] == 421  # told to come back, not left hanging
        finally:
            server.kill()
        assert "database unavailable" in server.stderr.read()

