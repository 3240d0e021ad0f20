"""The `rapport` command: serve, worker, migrate, createadmin, demo, manage.

    rapport serve [--host 127.0.0.1] [--port 8000] [--workers N]
    rapport worker
    rapport migrate [migrate options]
    rapport createadmin [--username U] [--email E] [--password P]
    rapport reindex [kind ...] [--keep]
    rapport demo [--no-serve] [--reset] [--host H] [--port P]
    rapport manage <django-admin command and options>
"""

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

DEFAULT_SETTINGS = "rapport.settings"
# Sub-commands handed to django-admin as they are, so every option of the Django command
# works (e.g. `rapport migrate --plan`).
PASSTHROUGH = {
    "manage": [], "migrate": ["migrate"], "createadmin": ["createadmin"], "reindex": ["reindex"],
}
STOP_GRACE_SECONDS = 10.0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS)
    if args and args[0] in PASSTHROUGH:
        return django_admin([*PASSTHROUGH[args[0]], *args[1:]])
    parsed = build_parser().parse_args(args)
    handler: Callable[[argparse.Namespace], int] = parsed.handler
    try:
        return handler(parsed)
    except SystemExit as exc:  # Django and uvicorn exit on fatal errors
        return _exit_code(exc.code)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rapport", description="Rapport help desk.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    serve = commands.add_parser("serve", help="run the web server (HTTP and websockets)")
    _add_address(serve)
    serve.add_argument("--workers", type=int, default=1,
                       help="server processes; more than one needs PostgreSQL")
    serve.set_defaults(handler=cmd_serve)

    worker = commands.add_parser("worker", help="run the background job worker")
    worker.set_defaults(handler=cmd_worker)

    smtpd = commands.add_parser("smtpd", help="run the built-in SMTP server for inbound mail")
    smtpd.add_argument("--host", default="127.0.0.1", help="address to listen on")
    smtpd.add_argument("--port", type=int, default=2525, help="port to listen on")
    smtpd.set_defaults(handler=cmd_smtpd)

    mailpoll = commands.add_parser("mailpoll", help="fetch mail from IMAP mailboxes, repeatedly")
    mailpoll.add_argument("--interval", type=float, default=30.0, help="seconds between polls")
    mailpoll.add_argument("--once", action="store_true", help="poll every mailbox once, then exit")
    mailpoll.set_defaults(handler=cmd_mailpoll)

    demo = commands.add_parser("demo", help="migrate, load demo data, run server and worker")
    _add_address(demo)
    demo.add_argument("--no-serve", action="store_true", help="prepare the demo, then exit")
    demo.add_argument("--smtp-port", type=int, default=2525, help="port of the SMTP server")
    demo.add_argument("--reset", action="store_true", help="remove and reload the demo data")
    demo.set_defaults(handler=cmd_demo)

    # Listed for --help; main() hands these to Django before argparse sees them.
    commands.add_parser("migrate", help="apply database migrations", add_help=False)
    commands.add_parser("createadmin", help="create an administrator", add_help=False)
    commands.add_parser("reindex", help="rebuild the search index", add_help=False)
    commands.add_parser("manage", help="any django-admin command", add_help=False)
    return parser


def _add_address(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def _setup_django() -> None:
    import django

    django.setup()


def django_admin(args: list[str]) -> int:
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["rapport", *args])
    except SystemExit as exc:
        return _exit_code(exc.code)
    return 0


# --- serve ------------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    _setup_django()
    from django.conf import settings

    workers = serve_workers(args.workers, database_engine=settings.DATABASES["default"]["ENGINE"],
                            redis_url=getattr(settings, "REDIS_URL", ""))
    _warn_missing_static()
    if workers == 1:
        from rapport.core.realtime import SOLE_WEB_SERVER_ENV

        os.environ[SOLE_WEB_SERVER_ENV] = "1"  # its events need no relay files
    import uvicorn

    uvicorn.run(
        "rapport.asgi:application", host=args.host, port=args.port, workers=workers,
        lifespan="off",  # Django's ASGI handler does not speak the lifespan protocol
        # Chat frames are small; compression doubled the memory of each open socket.
        ws_per_message_deflate=False,
    )
    return 0


def serve_workers(requested: int, *, database_engine: str, redis_url: str) -> int:
    """How many server processes to run; SQLite (one writer) is served by exactly one."""
    if requested < 1:
        print("rapport serve: --workers must be at least 1; using 1.", file=sys.stderr)
        return 1
    if requested > 1 and database_engine.endswith("sqlite3"):
        print(
            f"rapport serve: SQLite mode runs one server process, not {requested}. "
            "Set RAPPORT_DATABASE_URL=postgres://... to run several.",
            file=sys.stderr,
        )
        return 1
    if requested > 1 and not redis_url:
        print(
            "rapport serve: without RAPPORT_REDIS_URL, live updates reach only the browsers "
            "connected to the same server process.",
            file=sys.stderr,
        )
    return requested


def _warn_missing_static() -> None:
    from django.conf import settings

    if not Path(settings.STATIC_ROOT).is_dir():
        print(
            f"rapport serve: static files are not collected in {settings.STATIC_ROOT}; "
            "serving them from the app folders (slower). Run "
            "`rapport manage collectstatic --noinput` to collect them.",
            file=sys.stderr,
        )


# --- worker -----------------------------------------------------------------------------
def cmd_worker(args: argparse.Namespace) -> int:
    os.environ.setdefault("RAPPORT_SQLITE_CONN_MAX_AGE", "600")  # one connection, kept
    _setup_django()
    from rapport.channels.email.outbound.tasks import send_due_outbound
    from rapport.channels.email.tasks import queue_leftover_mail

    # A worker killed mid-job leaves its job marked running; the mail it was
    # processing is still pending (or sending) in the database: queue it again.
    queue_leftover_mail()
    send_due_outbound.enqueue()
    from rapport.core.schedule import start_clock_thread

    start_clock_thread()  # periodic jobs (waiting-chat alerts, abandoned chats, …)
    return django_admin(["db_worker", "--queue-name", "*", "--no-reload"])


# --- mail -----------------------------------------------------------------------------
def cmd_smtpd(args: argparse.Namespace) -> int:
    os.environ.setdefault("RAPPORT_SQLITE_SYNCHRONOUS", "FULL")  # "250 OK" means on disk
    os.environ.setdefault("RAPPORT_SQLITE_CONN_MAX_AGE", "600")
    _setup_django()
    from rapport.channels.email.smtpd import serve_forever

    return serve_forever(host=args.host, port=args.port)


def cmd_mailpoll(args: argparse.Namespace) -> int:
    os.environ.setdefault("RAPPORT_SQLITE_SYNCHRONOUS", "FULL")  # the server's copy goes next
    os.environ.setdefault("RAPPORT_SQLITE_CONN_MAX_AGE", "600")
    _setup_django()
    from rapport.channels.email.imap.poller import poll_forever

    return poll_forever(interval=args.interval, once=args.once)


# --- demo -------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    os.environ["RAPPORT_DEMO"] = "1"  # read by the settings, and inherited by the children
    _setup_django()
    from django.core.management import CommandError, call_command

    try:
        call_command("migrate", interactive=False, verbosity=1)
        compile_translations()
        call_command("load_demo", reset=args.reset)
    except CommandError as exc:
        print(f"rapport demo: {exc}", file=sys.stderr)
        return 1
    url = f"http://{args.host}:{args.port}/"
    if args.no_serve:
        print(f"Demo ready. Start it with `rapport demo`, then open {url}")
        return 0
    print(f"Rapport demo on {url} (admin: {url}admin/). Press Ctrl-C to stop.", flush=True)
    print(f"Mail to support@northwind-parcel.example over SMTP at {args.host}:{args.smtp_port} "
          f"becomes a ticket; the chat widget runs on the demo shop at {url}chat/demo/.",
          flush=True)
    python = [sys.executable, "-m", "rapport.cli"]
    return run_together({
        "server": [*python, "serve", "--host", args.host, "--port", str(args.port)],
        "worker": [*python, "worker"],
        "smtpd": [*python, "smtpd", "--host", args.host, "--port", str(args.smtp_port)],
        "mailpoll": [*python, "mailpoll"],
    })


def compile_translations() -> list[Path]:
    """Compile the interface translations when the i18n helper is installed."""
    if importlib.util.find_spec("rapport.core.i18n") is None:
        print("Translations: rapport.core.i18n is not available; the interface stays English.")
        return []
    from rapport.core.i18n import compile_catalogs

    written = compile_catalogs()
    print(f"Translations: compiled {len(written)} catalogue(s)." if written
          else "Translations: up to date.")
    return written


# --- supervising child processes --------------------------------------------------------
def run_together(commands: dict[str, list[str]], *, poll_seconds: float = 0.2) -> int:
    """Run the commands side by side; when one stops, stop the rest.

    Returns 0 after Ctrl-C (or SIGTERM to this process), otherwise the exit code of the
    child that stopped first (1 if it stopped with 0: it was not asked to; 128 + N if a
    signal N killed it, as shells report).
    """
    # Ctrl-C must stop the demo even where SIGINT was inherited as ignored (background jobs).
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    previous_term = signal.signal(signal.SIGTERM, _interrupt)
    processes: dict[str, subprocess.Popen[bytes]] = {}
    try:
        for name, command in commands.items():
            processes[name] = subprocess.Popen(command)
        while True:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    print(f"rapport: the {name} stopped (exit code {code}); stopping the rest.",
                          file=sys.stderr)
                    stop_all(processes, already_signalled=False)
                    return 128 - code if code < 0 else (code or 1)  # -N: killed by signal N
            time.sleep(poll_seconds)
    except KeyboardInterrupt as exc:
        # Ctrl-C reached the whole process group; a SIGTERM reached only this process.
        stop_all(processes, already_signalled=not isinstance(exc, _Terminated))
        return 0
    finally:
        signal.signal(signal.SIGINT, previous_int)
        signal.signal(signal.SIGTERM, previous_term)


class _Terminated(KeyboardInterrupt):
    pass


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def stop_all(processes: dict[str, "subprocess.Popen[bytes]"], *, already_signalled: bool) -> None:
    """Stop every running child: politely first, by force after a grace period."""
    running = [p for p in processes.values() if p.poll() is None]
    if already_signalled:
        running = _wait(running, seconds=3)  # they are shutting down on their own
    for process in running:
        process.terminate()
    for process in _wait(running, seconds=STOP_GRACE_SECONDS):
        process.kill()
        process.wait()


def _wait(processes: list["subprocess.Popen[bytes]"], *, seconds: float) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(p.poll() is None for p in processes):
        time.sleep(0.05)
    return [p for p in processes if p.poll() is None]


if __name__ == "__main__":
    sys.exit(main())
