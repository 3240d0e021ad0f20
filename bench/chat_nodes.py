"""Real `rapport serve` processes for the chat benchmark, their storage, and /proc readings.

One node: the embedded default (SQLite in a temporary RAPPORT_DATA_DIR, in-memory channel
layer). Two nodes: a fresh PostgreSQL database `bench_chat_<pid>` and one Redis database
(13 by default) shared by two server processes, as a scale-out installation runs.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.server import free_port

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024


# --- /proc ----------------------------------------------------------------------------
def process_tree(pid: int) -> list[int]:
    """pid and its descendants (a server started with --workers > 1 forks)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def rss_kib(pid: int) -> int:
    """Resident memory of the process tree, VmRSS summed, in KiB."""
    total = 0
    for member in process_tree(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pid: int) -> float:
    """User + system CPU used so far by the process tree."""
    total = 0.0
    for member in process_tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLOCK_TICKS, sum(values) / CLOCK_TICKS


def machine_share_busy(seconds: float = 2.0) -> float:
    """The share of all cores busy over the next `seconds`."""
    busy_a, total_a = machine_busy()
    time.sleep(seconds)
    busy_b, total_b = machine_busy()
    return (busy_b - busy_a) / max(total_b - total_a, 1e-9)


def wait_for_quiet(limit_s: float, threshold: float = 0.2) -> float:
    """Waits up to `limit_s` for the machine to be mostly idle; returns its busy share.

    The machine may be shared (other test runs): what they take from the two cores
    shows up in every latency, so the benchmark prefers to start on a quiet machine.
    """
    deadline = time.monotonic() + limit_s
    while True:
        share = machine_share_busy()
        if share < threshold or time.monotonic() >= deadline:
            return share


# --- storage --------------------------------------------------------------------------
@dataclass
class Storage:
    """Where the nodes keep their data; `close` removes it all."""

    label: str
    env: dict[str, str]
    workdir: Path
    pg_admin_url: str = ""
    pg_name: str = ""
    redis_url: str = ""
    keep: bool = False

    def close(self) -> None:
        if self.pg_name:
            _drop_database(self.pg_admin_url, self.pg_name)
        if self.redis_url:
            _flush_redis(self.redis_url)
        if not self.keep:
            shutil.rmtree(self.workdir, ignore_errors=True)


def base_env(workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_DATA_DIR": str(workdir / "data"),
        # Both nodes must sign and check the visitors' tokens with the same key.
        "RAPPORT_SECRET_KEY": secrets.token_urlsafe(40),
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_DEBUG": "0",
        "RAPPORT_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "PYTHONPATH": str(ROOT / "src"),
    }
    for name in ("RAPPORT_DATABASE_URL", "RAPPORT_REDIS_URL", "RAPPORT_SQLITE_PATH"):
        env.pop(name, None)
    # whitenoise warns on every start when the static root is missing; nothing is
    # served from it here.
    (workdir / "data" / "static").mkdir(parents=True, exist_ok=True)
    return env


def sqlite_storage() -> Storage:
    workdir = Path(tempfile.mkdtemp(prefix="bench_chat_one_"))
    return Storage("one node: SQLite, in-memory channel layer", base_env(workdir), workdir)


def postgres_storage(pg_admin_url: str, redis_url: str) -> Storage:
    workdir = Path(tempfile.mkdtemp(prefix="bench_chat_two_"))
    name = f"bench_chat_{os.getpid()}"
    _drop_database(pg_admin_url, name)
    _run_sql(pg_admin_url, f'CREATE DATABASE "{name}"')
    _flush_redis(redis_url)
    env = base_env(workdir)
    env["RAPPORT_DATABASE_URL"] = f"{pg_admin_url.rpartition('/')[0]}/{name}"
    env["RAPPORT_REDIS_URL"] = redis_url
    return Storage(
        "two nodes: PostgreSQL + Redis channel layer",
        env,
        workdir,
        pg_admin_url=pg_admin_url,
        pg_name=name,
        redis_url=redis_url,
    )


def _run_sql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _drop_database(admin_url: str, name: str) -> None:
    if not name.startswith("bench_chat_"):
        raise ValueError(f"refusing to drop {name}: the benchmark's databases are bench_chat_*")
    _run_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def migrate(storage: Storage) -> None:
    subprocess.run(
        [sys.executable, "-m", "rapport.cli", "migrate", "--noinput", "-v0"],
        env=storage.env,
        cwd=ROOT,
        check=True,
    )


def database(storage: Storage, command: str, params: dict[str, Any]) -> dict[str, Any]:
    """Runs bench/chat_db.py COMMAND with the nodes' environment; returns its answer."""
    path = storage.workdir / f"{command}.json"
    path.write_text(json.dumps(params))
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "chat_db.py"), command, str(path)],
        env=storage.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"chat_db.py {command} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


# --- nodes ----------------------------------------------------------------------------
@dataclass
class Node:
    """One `rapport serve` process on a free loopback port."""

    env: dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rapport.cli",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"node {self.port} exited early; see {self.log_path}")
            try:
                httpx.get(f"{self.base_url}/accounts/login/", timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        raise RuntimeError(f"node {self.port} did not answer in {timeout:.0f} s")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_nodes(storage: Storage, count: int, nodes: list[Node]) -> None:
    """Appends each node to `nodes` as it starts, so the caller can stop what started."""
    for number in range(1, count + 1):
        node = Node(storage.env, storage.workdir / f"node-{number}.log")
        node.start()
        nodes.append(node)
    for node in nodes:
        node.wait_ready()
