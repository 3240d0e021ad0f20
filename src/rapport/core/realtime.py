"""Group names for realtime fan-out, and the embedded mode's relay between processes.

The channel layer carries events across processes when it is channels-redis. In the
embedded mode (no ``RAPPORT_REDIS_URL``) the layer is in memory, one per process, so an
event published by ``rapport worker`` (a ticket made from an email) would never reach
the browsers connected to ``rapport serve``. The relay closes that gap:

* Every process with an in-memory layer (except a sole web server, which has nobody to
  tell) also drops each event, after commit, as one small JSON file into
  ``<RAPPORT_DATA_DIR>/realtime/`` (written aside, then renamed, so a reader never sees
  half a file). The name starts with the time in nanoseconds and
  ends with the writing process's origin token.
* A process that serves agent websockets polls that folder every second while at least
  one socket is open, and hands the files of *other* origins to its in-memory layer
  (its own events already went out directly). Files seen once are remembered for the
  look-back window, so one that appears late (renamed after a newer one) still counts.
* Files older than a minute are deleted by readers and writers alike, so the folder
  holds at most a minute of events even while no web server runs.

Events are hints ("ticket 42 changed"): a page reload always shows the truth. So the
relay may drop events — the web server is down, the disk is full, a file shows up more
than ``LOOKBACK`` late — and that is acceptable; it never blocks or fails the sender. It
does not touch the database, so it costs SQLite's single writer nothing and works the
same on PostgreSQL. Several ``rapport serve`` processes without Redis relay to each
other the same way.
"""

import asyncio
import contextlib
import json
import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

ALL_TICKETS_GROUP = "tickets.all"

POLL_SECONDS = 1.0
LOOKBACK_NS = 10 * 10**9  # a file renamed this much later than its name says still counts
KEEP_NS = 60 * 10**9  # files older than this are deleted
PRUNE_EVERY_NS = 10 * 10**9  # a writer looks for old files at most this often
ORIGIN = f"{os.getpid()}x{secrets.token_hex(4)}"  # this process (a fork makes a new one)


def agent_group(user_id: int) -> str:
    return f"agent.{user_id}"


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


def presence_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}.presence"


def ticket_groups(ticket: Any) -> list[str]:
    groups = [ALL_TICKETS_GROUP]
    if ticket.team_id:
        groups.append(team_group(ticket.team_id))
    if ticket.assignee_id:
        groups.append(agent_group(ticket.assignee_id))
    return groups


# --- the embedded relay -----------------------------------------------------------------
def relay_dir() -> Path:
    configured = getattr(settings, "RAPPORT_REALTIME_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "realtime"


_last_prune_ns = 0


SOLE_WEB_SERVER_ENV = "RAPPORT_SOLE_WEB_SERVER"


def relay_wanted() -> bool:
    """Whether this process must leave its events for others. The only web server (set by
    `rapport serve` with one process) need not: the worker, smtpd and mail poller hold
    no sockets, and writing a file per event costs a busy server dearly."""
    return os.environ.get(SOLE_WEB_SERVER_ENV) != "1"


def relay_event(groups: list[str], event: dict[str, Any]) -> None:
    """Leave the event for the other processes of this data folder; best effort."""
    global _last_prune_ns
    folder = relay_dir()
    now = time.time_ns()
    name = f"{now:020d}-{secrets.token_hex(3)}-{ORIGIN}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{name}"
        temporary.write_text(json.dumps({"groups": groups, "event": event}), encoding="utf-8")
        os.replace(temporary, folder / name)
    except OSError:
        logger.warning("realtime relay: could not write to %s", folder, exc_info=True)
        return
    if now - _last_prune_ns > PRUNE_EVERY_NS:
        _last_prune_ns = now
        prune(folder, now)


def _stamp(name: str) -> int | None:
    head = name.split("-", 1)[0]
    return int(head) if head.isdigit() and not name.startswith(".") else None


def prune(folder: Path, now: int) -> None:
    """Delete files (and stray temporaries) older than KEEP_NS."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        stamp = _stamp(entry.name.lstrip("."))
        if stamp is not None and now - stamp > KEEP_NS:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


class RelayReader:
    """Reads the relay folder for one process; `poll` returns the new foreign events."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.origin = ORIGIN
        self.seen: dict[str, int] = {}
        self.last_prune_ns = 0
        for name, stamp in self._listing():  # what is already there is history
            self.seen[name] = stamp

    def _listing(self) -> list[tuple[str, int]]:
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        stamped = ((name, _stamp(name)) for name in names if name.endswith(".json"))
        return sorted((name, stamp) for name, stamp in stamped if stamp is not None)

    def poll(self) -> list[tuple[list[str], dict[str, Any]]]:
        now = time.time_ns()
        found = []
        for name, stamp in self._listing():
            if name in self.seen or now - stamp > LOOKBACK_NS:
                continue
            self.seen[name] = stamp
            if name.endswith(f"-{self.origin}.json"):
                continue  # this process already sent it directly
            try:
                data = json.loads((self.folder / name).read_text(encoding="utf-8"))
                found.append((list(data["groups"]), dict(data["event"])))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # pruned meanwhile, or not ours: a hint lost, nothing more
        self.seen = {n: s for n, s in self.seen.items() if now - s <= LOOKBACK_NS}
        if now - self.last_prune_ns > PRUNE_EVERY_NS:
            self.last_prune_ns = now
            prune(self.folder, now)
        return found


async def _relay_forever(layer: Any) -> None:
    reader = await asyncio.to_thread(RelayReader, relay_dir())
    while True:
        await asyncio.sleep(POLL_SECONDS)
        try:
            events = await asyncio.to_thread(reader.poll)
            for groups, event in events:
                for group in groups:
                    await layer.group_send(group, event)
        except Exception:  # keep relaying; one bad event must not stop the rest
            logger.exception("realtime relay failed")


_relays: dict[asyncio.AbstractEventLoop, tuple[asyncio.Task[None], int]] = {}


def relay_acquire(layer: Any) -> None:
    """A socket opened in this event loop: make sure the relay runs here."""
    loop = asyncio.get_running_loop()
    task, users = _relays.get(loop, (None, 0))
    if task is None or task.done():
        task, users = loop.create_task(_relay_forever(layer)), 0
    _relays[loop] = (task, users + 1)


def relay_release() -> None:
    """A socket closed; the last one stops the relay (tests run many loops in turn)."""
    loop = asyncio.get_running_loop()
    task, users = _relays.get(loop, (None, 0))
    if task is None:
        return
    if users <= 1:
        task.cancel()
        del _relays[loop]
    else:
        _relays[loop] = (task, users - 1)
