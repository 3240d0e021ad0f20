"""Scale-out in tests: real Rapport server processes ("nodes") sharing the test's
PostgreSQL database and one Redis, as two `rapport serve` machines behind a balancer do.

Each node is the ASGI application under uvicorn in a process of its own, with the
production settings (rapport.settings) and the environment a deployment gives it. Only
the PostgreSQL + Redis run can have them: SQLite and the in-memory layer live inside one
process. Test modules wrap running_nodes() in a fixture of their own.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import httpx
import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[5]
REDIS_URL = os.environ.get("RAPPORT_REDIS_URL", "")
NODES_REDIS_DB = 15  # test_settings keeps the workers' caches out of it
START_SECONDS = 30.0

two_nodes_only = pytest.mark.skipif(
    not (settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and REDIS_URL),
    reason="two nodes share one PostgreSQL database and Redis (the PostgreSQL + Redis run)",
)


@dataclass(frozen=True)
class Node:
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url() -> str:
    """The test database (not the configured one): the nodes see what the test writes."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        user += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{user}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def nodes_redis_url() -> str:
    """A Redis database of the nodes' own: nothing the test workers do (they clear their
    caches) can touch the queues and heartbeats the nodes share."""
    return urlunsplit(urlsplit(REDIS_URL)._replace(path=f"/{NODES_REDIS_DB}"))


@contextmanager
def _one_set_of_nodes_at_a_time(redis_url: str) -> Iterator[None]:
    """Nodes of parallel test workers would share that Redis database, and ids (users,
    teams, tickets, conversations) repeat across the workers' databases: one worker's
    visitor could hear another's agent. A lock across processes lets one set run at a
    time; the kernel releases it if a worker dies."""
    name = hashlib.sha256(redis_url.encode()).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"rapport-test-nodes-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _flush(redis_url: str) -> None:
    """Start clean: no heartbeat, group or queued message of an earlier set of nodes."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        client.flushdb()
    finally:
        client.close()


def _wait_ready(node: Node, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"node on {node.port} exited with {process.returncode}:\n"
                f"{log.read_text(errors='replace')[-5000:]}"
            )
        try:
            httpx.get(f"{node.url}/accounts/login/", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"node on {node.port} did not start")


@contextmanager
def running_nodes(directory: Path, count: int = 2) -> Iterator[list[Node]]:
    """count server processes on free ports, ready to serve; stopped afterwards. Their
    output is printed at the end, which pytest shows when the test failed."""
    directory.mkdir(parents=True, exist_ok=True)
    redis_url = nodes_redis_url()
    env = {**os.environ, "RAPPORT_DATABASE_URL": database_url(), "RAPPORT_REDIS_URL": redis_url,
           "RAPPORT_DATA_DIR": str(directory), "DJANGO_SETTINGS_MODULE": "rapport.settings",
           "RAPPORT_ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(ROOT / "src")}
    with _one_set_of_nodes_at_a_time(redis_url):
        _flush(redis_url)
        nodes = [Node(_free_port()) for _ in range(count)]
        logs = [directory / f"node-{node.port}.log" for node in nodes]
        processes: list[subprocess.Popen[bytes]] = []
        try:
            for node, log in zip(nodes, logs, strict=True):
                with log.open("wb") as output:
                    processes.append(subprocess.Popen(
                        # What `rapport serve` runs, plus: a loaded CI machine must not
                        # turn a slow pong into a dropped socket.
                        [sys.executable, "-m", "uvicorn", "rapport.asgi:application",
                         "--host", "127.0.0.1", "--port", str(node.port), "--lifespan", "off",
                         "--log-level", "warning",
                         "--ws-ping-interval", "600", "--ws-ping-timeout", "600"],
                        env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
                    ))
            for node, process, log in zip(nodes, processes, logs, strict=True):
                _wait_ready(node, process, log)
            yield nodes
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
            for log in logs:
                if log.exists():
                    print(f"--- {log.name}\n{log.read_text(errors='replace')[-5000:]}")  # noqa: T201
