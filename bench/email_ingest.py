"""Inbound email benchmark: generated mail pushed through Rapport's SMTP server (and
through IMAP), measured end to end until every mail is a ticket message.

    python bench/email_ingest.py --db sqlite|postgres [--messages 10000] [--path smtp|imap|both]

Prints throughput, then checks: no mail lost, no duplicate message, every reply in
its original's ticket (replies sometimes arrive before their originals).
"""

from __future__ import annotations

import argparse
import os
import shutil
import smtplib
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench.mailgen import GeneratedMail, generate  # noqa: E402

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_bench_email"
DATA_DIR = "/tmp/rbench_email"
MAILBOX = "support@example.com"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--path", choices=["smtp", "imap", "both"], default="both")
    parser.add_argument("--clients", type=int, default=4, help="concurrent SMTP clients")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def cpu_seconds(pid: int) -> float:
    """User + system CPU a child process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_env(args: argparse.Namespace) -> dict[str, str]:
    if Path(DATA_DIR).exists():
        shutil.rmtree(DATA_DIR)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_DATA_DIR": DATA_DIR,
        "RAPPORT_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("RAPPORT_REDIS_URL", None)
    env.pop("RAPPORT_DATABASE_URL", None)
    if args.db == "postgres":
        import psycopg

        base, _, name = args.pg_url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["RAPPORT_DATABASE_URL"] = args.pg_url
    return env


def rapport(env: dict[str, str], *command: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    out = log.open("wb") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "rapport.cli", *command],
        env=env,
        cwd=ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def prepare(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "rapport.cli", "migrate", "-v0"], env=env, check=True)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("RAPPORT_", "DJANGO_"))})
    import django

    django.setup()
    from rapport.channels.email.models import Mailbox

    Mailbox.objects.create(name="Support", address=MAILBOX, acknowledge_new=False)


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def send_all(mails: list[GeneratedMail], port: int, clients: int) -> float:
    """Send every mail over SMTP from `clients` connections; returns seconds taken."""
    chunks = [mails[i::clients] for i in range(clients)]
    errors: list[str] = []

    def client(chunk: list[GeneratedMail]) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=60) as smtp:
            for mail in chunk:
                try:
                    smtp.sendmail("bench@customer.example", [MAILBOX], mail.raw)
                except smtplib.SMTPException as exc:
                    errors.append(str(exc))

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} SMTP errors, first: {errors[0]}")
    return time.perf_counter() - started


def wait_processed(expected: int, timeout: float = 1800) -> float:
    from rapport.channels.email.models import InboundEmail, InboundStatus

    started = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = InboundEmail.objects.exclude(status=InboundStatus.PENDING).count()
        if done >= expected:
            return time.perf_counter() - started
        time.sleep(0.25)
    raise RuntimeError("processing did not finish in time")


def verify(mails: list[GeneratedMail]) -> dict[str, int]:
    from rapport.channels.email.models import InboundEmail, InboundStatus
    from rapport.tickets.models import Message

    ticket_of: dict[str, int] = {}
    duplicates = 0
    for external_id, ticket_id in Message.objects.filter(channel="email").values_list(
        "external_id", "ticket_id"
    ):
        duplicates += external_id in ticket_of
        ticket_of[external_id] = ticket_id
    replies = [m for m in mails if m.original_id]
    misthreaded = sum(
        1 for m in replies if ticket_of.get(m.message_id) != ticket_of.get(m.original_id)
    )
    return {
        "mails": len(mails),
        "ticket_messages": len(ticket_of),
        "lost": sum(1 for m in mails if m.message_id not in ticket_of),
        "duplicates": duplicates,
        "replies": len(replies),
        "misthreaded": misthreaded,
        "quarantined": InboundEmail.objects.filter(status=InboundStatus.QUARANTINED).count(),
    }


def run_smtp(args: argparse.Namespace, mails: list[GeneratedMail]) -> dict[str, float | int]:
    env = fresh_env(args)
    prepare(env)
    logs = Path(DATA_DIR) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    processes = [
        rapport(env, "smtpd", "--port", str(port), log=logs / "smtpd.log"),
        rapport(env, "worker", log=logs / "worker.log"),
    ]
    try:
        wait_for_port(port)
        started = time.perf_counter()
        client_started = time.process_time()
        sent = send_all(mails, port, args.clients)
        client_cpu = time.process_time() - client_started
        wait_processed(len(mails))
        total = time.perf_counter() - started
        names = ("smtpd", "worker")
        cpu = {name: cpu_seconds(p.pid) for name, p in zip(names, processes, strict=True)}
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    return {
        "accepted_per_s": len(mails) / sent,
        "end_to_end_per_s": len(mails) / total,
        "seconds": total,
        **{f"cpu_ms_per_mail_{name}": 1000 * seconds / len(mails) for name, seconds in cpu.items()},
        "cpu_ms_per_mail_client": 1000 * client_cpu / len(mails),
        **verify(mails),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.path == "both":  # each path in a fresh process: Django is set up once per process
        for path in ("smtp", "imap"):
            command = [sys.executable, __file__, *(argv or sys.argv[1:]), "--path", path]
            subprocess.run(command, check=True)
        return 0
    print(f"generating {args.messages} mails…", flush=True)
    mails = generate(args.messages, to=MAILBOX, seed=args.seed)
    results = {}
    if args.path in ("smtp", "both"):
        results["smtp"] = run_smtp(args, mails)
    if args.path in ("imap", "both"):
        from bench.imap_ingest import run_imap

        results["imap"] = run_imap(
            args,
            mails,
            cpu_seconds=cpu_seconds,
            fresh_env=fresh_env,
            prepare=prepare,
            rapport=rapport,
            wait_processed=wait_processed,
            verify=verify,
        )
    for path, numbers in results.items():
        print(f"\n== {path} on {args.db} ==")
        for key, value in numbers.items():
            print(f"  {key:18} {value:.1f}" if isinstance(value, float) else f"  {key:18} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
