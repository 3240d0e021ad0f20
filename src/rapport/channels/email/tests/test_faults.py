"""Fault tests with real processes: a worker killed in the middle of its work and
started again loses nothing and duplicates nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[5]
MAILS = 600


@pytest.fixture
def installation(tmp_path, settings):
    """A Rapport of its own: SQLite file, or a PostgreSQL database named for this worker."""
    env = {
        **os.environ,
        "RAPPORT_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_LOG_LEVEL": "ERROR",
    }
    env.pop("RAPPORT_REDIS_URL", None)
    env.pop("RAPPORT_TASK_BACKEND", None)
    database_url = env.pop("RAPPORT_DATABASE_URL", "")
    if database_url:
        import psycopg

        base = database_url.rpartition("/")[0]
        name = f"rapport_fault_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["RAPPORT_DATABASE_URL"] = f"{base}/{name}"
    _run(env, "-m", "rapport.cli", "migrate", "-v0")
    _run(env, "-m", "rapport.channels.email.tests.fault_driver", "setup")
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _counts(env: dict[str, str]) -> dict:
    return json.loads(_run(env, "-m", "rapport.channels.email.tests.fault_driver", "counts"))


def _processed(env: dict[str, str]) -> int:
    """Read straight from the database: cheap enough to poll while the worker runs."""
    query = "SELECT count(*) FROM email_channel_inboundemail WHERE status <> 'pending'"
    if env.get("RAPPORT_DATABASE_URL"):
        import psycopg

        with psycopg.connect(
            env["RAPPORT_DATABASE_URL"].replace("postgres://", "postgresql://")
        ) as conn:
            return conn.execute(query).fetchone()[0]
    import sqlite3

    with sqlite3.connect(Path(env["RAPPORT_DATA_DIR"]) / "rapport.sqlite3", timeout=30) as conn:
        return conn.execute(query).fetchone()[0]


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "rapport.cli", "worker"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(env: dict[str, str], done: int, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        counts = _counts(env)
        if counts["status"].get("processed", 0) >= done:
            return counts
        time.sleep(0.3)
    raise AssertionError(f"processing stalled: {_counts(env)}")


def _kill_once_it_works(env: dict[str, str], above: int) -> int:
    """Start a worker, SIGKILL it as soon as it has committed more than `above` mails."""
    worker = _worker(env)
    deadline = time.monotonic() + 60
    processed = _processed(env)
    while processed <= above and time.monotonic() < deadline:
        time.sleep(0.02)
        processed = _processed(env)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    return processed


def test_killed_worker_loses_and_duplicates_nothing(installation):
    env = installation
    _run(env, "-m", "rapport.channels.email.tests.fault_driver", "store", str(MAILS), "0")
    seen = 0
    for _ in range(3):  # killed three times in the middle of its batches
        seen = _kill_once_it_works(env, seen)
    partial = _counts(env)
    assert 0 < seen < MAILS, "the kills must land while mail is still pending"
    assert partial["duplicated_ids"] == 0
    # More mail arrives while no worker runs; the restarted worker picks up everything.
    _run(env, "-m", "rapport.channels.email.tests.fault_driver", "store", "30", str(MAILS))
    worker = _worker(env)
    try:
        final = _wait(env, MAILS + 30)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert final["status"] == {"processed": MAILS + 30}
    assert final["messages"] == MAILS + 30
    assert final["duplicated_ids"] == 0
    assert final["tickets"] == (MAILS + 30) - (MAILS + 30) // 3  # every third is a reply
