"""Jobs are durable rows, enqueued only on commit, and run by the database worker."""

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from rapport.tickets import services
from rapport.tickets.models import Channel
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DB_TASKS)
def test_reply_notification_is_a_durable_job_run_by_the_worker(customer, team, agent, mailoutbox):
    ticket = make_ticket(requester=customer, team=team, channel=Channel.WEB)
    services.post_reply(ticket, actor=agent, body=Body(text="Your parcel left the warehouse."))
    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("notify_customer_of_reply")
    assert mailoutbox == []  # nothing sent until a worker runs it
    call_command("db_worker", batch=True, startup_delay=False, queue_name="*", verbosity=0)
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL", job.traceback
    assert len(mailoutbox) == 1
    assert "warehouse" in mailoutbox[0].body


@override_settings(TASKS=DB_TASKS)
def test_rolled_back_reply_enqueues_nothing(ticket, agent):
    from django.db import transaction

    def reply_then_fail():
        with transaction.atomic():
            services.post_reply(ticket, actor=agent, body=Body(text="never sent"))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        reply_then_fail()
    assert not DBTaskResult.objects.exists()


@override_settings(TASKS=DB_TASKS)
def test_suppressed_effects_record_history_without_jobs(ticket, agent):
    from rapport.core.effects import effects_suppressed

    with effects_suppressed():
        services.post_reply(ticket, actor=agent, body=Body(text="imported history"))
    assert ticket.messages.filter(body_text="imported history").exists()
    assert not DBTaskResult.objects.exists()
    services.post_reply(ticket, actor=agent, body=Body(text="live again"))
    assert DBTaskResult.objects.count() == 1
