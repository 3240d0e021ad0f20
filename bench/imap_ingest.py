"""The IMAP half of the ingest benchmark: mail appended to a private Dovecot, fetched by
`rapport mailpoll`, processed by `rapport worker`; timed from the first poll to the
last ticket message."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

APPEND_CHUNK = 200


def run_imap(
    args: Any,
    mails: list,
    *,
    fresh_env: Any,
    prepare: Any,
    rapport: Any,
    wait_processed: Any,
    verify: Any,
    cpu_seconds: Any,
) -> dict[str, float | int]:
    from imapclient import IMAPClient

    from rapport.channels.email.tests.dovecot import USERS, start_dovecot

    server = start_dovecot()
    try:
        user, password = next(iter(USERS.items()))
        with IMAPClient(server.host, port=server.port, ssl=False) as client:
            client.login(user, password)
            for start in range(0, len(mails), APPEND_CHUNK):
                for mail in mails[start : start + APPEND_CHUNK]:
                    client.append("INBOX", mail.raw)
        env = fresh_env(args)
        prepare(env)
        _make_imap_mailbox(server, user, password)
        logs = Path(env["RAPPORT_DATA_DIR"]) / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        processes = [
            rapport(env, "mailpoll", "--interval", "1", log=logs / "mailpoll.log"),
            rapport(env, "worker", log=logs / "worker.log"),
        ]
        try:
            wait_processed(len(mails))
            total = time.perf_counter() - started
            cpu = {
                n: cpu_seconds(p.pid)
                for n, p in zip(("mailpoll", "worker"), processes, strict=True)
            }
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=60)
    finally:
        server.stop()
    return {
        "end_to_end_per_s": len(mails) / total,
        "seconds": total,
        **{f"cpu_ms_per_mail_{name}": 1000 * s / len(mails) for name, s in cpu.items()},
        **verify(mails),
    }


def _make_imap_mailbox(server: Any, user: str, password: str) -> None:
    from rapport.channels.email.models import InboundKind, Mailbox, Security

    Mailbox.objects.update(
        inbound=InboundKind.IMAP,
        imap_host=server.host,
        imap_port=server.port,
        imap_security=Security.NONE,
        imap_username=user,
        imap_password=password,
        imap_folder="INBOX",
    )
