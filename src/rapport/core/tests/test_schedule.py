"""The clock queues each periodic job once per interval, whoever else is ticking."""

import threading
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.core import schedule
from rapport.core.models import PeriodicJob

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _watch_chats_job() -> str:
    from rapport.channels.chat.tasks import watch_chats

    return watch_chats.module_path


@override_settings(TASKS=DB_TASKS)
def test_a_due_job_is_queued_once_until_its_next_time():
    name = _watch_chats_job()
    assert name in {job.name for job in schedule.registered()}
    assert name in schedule.queue_due_jobs()
    assert name not in schedule.queue_due_jobs()  # not due again yet
    assert DBTaskResult.objects.filter(task_path=name).count() == 1
    PeriodicJob.objects.filter(name=name).update(next_run_at=timezone.now() - timedelta(hours=5))
    assert name in schedule.queue_due_jobs()  # one catch-up run, not one per missed interval
    assert DBTaskResult.objects.filter(task_path=name).count() == 2
    assert PeriodicJob.objects.get(name=name).next_run_at > timezone.now()


@override_settings(TASKS=DB_TASKS)
def test_a_clock_that_lost_the_race_queues_nothing(monkeypatch):
    """Another worker moved next_run_at between our read and our update."""
    name = _watch_chats_job()
    PeriodicJob.objects.create(name=name, next_run_at=timezone.now() - timedelta(seconds=1))
    real_filter = PeriodicJob.objects.filter

    def overtaken(*args, **kwargs):
        if "next_run_at" in kwargs:  # the claim: the other worker got there first
            PeriodicJob.objects.filter(name=name).update(
                next_run_at=timezone.now() + timedelta(seconds=15))
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(PeriodicJob.objects, "filter", overtaken)
    assert name not in schedule.queue_due_jobs()
    assert not DBTaskResult.objects.filter(task_path=name).exists()


@override_settings(TASKS=DB_TASKS)
def test_the_clock_thread_stops_when_asked():
    stop = threading.Event()
    thread = threading.Thread(target=schedule.run_clock, args=(stop,), kwargs={"seconds": 0.05})
    stop.set()
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_idempotency_records_are_pruned_on_the_clock():
    from rapport.api.tasks import prune_idempotency

    assert prune_idempotency.module_path in {job.name for job in schedule.registered()}
