"""Periodic jobs: work no event triggers (a chat waiting too long, a visitor who left).

Apps register a django-tasks task with an interval in their AppConfig.ready(). The clock
(`rapport worker` runs it in a thread next to the job runner) calls `queue_due_jobs`
every few seconds: for each job whose time has come it moves ``next_run_at`` forward with
a conditional UPDATE and, only if that UPDATE won, enqueues the task. Several workers on
PostgreSQL therefore queue each run once; a worker that was down catches up with one
run, not one per missed interval.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from rapport.core.models import PeriodicJob

logger = logging.getLogger(__name__)

CLOCK_SECONDS = 5.0


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Any  # a django_tasks Task
    every: timedelta


_registry: dict[str, Periodic] = {}


def register_periodic(task: Any, *, every: timedelta, name: str | None = None) -> None:
    job = Periodic(name or task.module_path, task, every)
    _registry[job.name] = job


def registered() -> list[Periodic]:
    return sorted(_registry.values(), key=lambda job: job.name)


def queue_due_jobs() -> list[str]:
    """Enqueue every job that is due; returns the names queued by this call."""
    now = timezone.now()
    queued = []
    for job in registered():
        row, _ = PeriodicJob.objects.get_or_create(name=job.name,
                                                   defaults={"next_run_at": now})
        if row.next_run_at > now:
            continue
        won = PeriodicJob.objects.filter(name=job.name, next_run_at=row.next_run_at).update(
            next_run_at=now + job.every, last_run_at=now
        )
        if won:
            job.task.enqueue()
            queued.append(job.name)
    return queued


def run_clock(stop: threading.Event, *, seconds: float = CLOCK_SECONDS) -> None:
    """The clock loop: never dies of a database hiccup, stops when `stop` is set."""
    while not stop.is_set():
        try:
            queue_due_jobs()
        except DatabaseError:
            logger.warning("clock: could not queue periodic jobs", exc_info=True)
        finally:
            close_old_connections()
        deadline = time.monotonic() + seconds
        while not stop.is_set() and time.monotonic() < deadline:
            time.sleep(0.2)


def start_clock_thread() -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_clock, args=(stop,), name="rapport-clock", daemon=True).start()
    return stop
