"""Sending: failures are recorded and retried as the same mail, and no mail goes out twice."""

import asyncio
import threading
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer
from django.core import mail as django_mail
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from rapport.channels.email.models import Mailbox, OutboundEmail
from rapport.channels.email.outbound.compose import compose
from rapport.channels.email.outbound.services import retry_outbound
from rapport.channels.email.outbound.tasks import (
    BACKOFF,
    MAX_ATTEMPTS,
    send_due,
    send_outbound_now,
)
from rapport.channels.email.tests.smtp_sink import SmtpSink, email_ticket, free_port, sink_mailbox
from rapport.core.errors import Conflict, PermissionDenied
from rapport.core.realtime import ALL_TICKETS_GROUP
from rapport.tickets import services
from rapport.tickets.services import Body

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _queued_reply(customer, agent, team, text="Your refund is on its way."):
    """A reply whose mail is queued but not yet attempted (its job has not run)."""
    ticket = email_ticket(customer, team=team)
    services.post_reply(ticket, actor=agent, body=Body(text=text))
    return OutboundEmail.objects.get(ticket=ticket)


def test_server_down_fails_with_backoff_and_the_retry_sends_the_same_mail_once(
    customer, agent, team
):
    port = free_port()  # nothing listens here yet
    sink_mailbox(port, team=team)
    outbound = _queued_reply(customer, agent, team)
    composed_before = compose(outbound).message()
    before = timezone.now()

    assert send_outbound_now(outbound.pk) == "failed"
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("failed", 1)
    assert "Connection refused" in outbound.last_error or "ConnectionRefused" in outbound.last_error
    assert before + BACKOFF[0] <= outbound.next_attempt_at <= timezone.now() + BACKOFF[0]
    assert outbound.sent_at is None

    with SmtpSink(port) as sink:
        assert send_outbound_now(outbound.pk) == "skipped"  # not due yet
        assert send_due(now=outbound.next_attempt_at) == 1
        assert send_outbound_now(outbound.pk) == "skipped"  # already sent
        assert send_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(sink.received) == 1
    received = sink.received[0].message
    assert received["Message-ID"] == composed_before["Message-ID"] == f"<{outbound.message_id}>"
    assert received["Date"] == composed_before["Date"]
    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts) == ("sent", 2)
    assert outbound.next_attempt_at is None


@override_settings(TASKS=DB_TASKS)
def test_with_the_durable_backend_the_retry_is_a_job_deferred_to_the_next_attempt(
    customer, agent, team, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    sink_mailbox(free_port(), team=team)
    outbound = _queued_reply(customer, agent, team)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_outbound_now(outbound.pk) == "failed"
    outbound.refresh_from_db()
    job = DBTaskResult.objects.get()
    assert job.task_path.endswith("outbound.tasks.send_outbound")
    assert job.args_kwargs["args"] == [outbound.pk]
    assert job.run_after == outbound.next_attempt_at


def test_backoff_grows_then_gives_up():
    now = timezone.now()
    error = ConnectionRefusedError()
    from rapport.channels.email.outbound.tasks import next_attempt

    delays = [next_attempt(n, now, error) for n in range(1, MAX_ATTEMPTS + 1)]
    assert [d - now for d in delays[:-1]] == list(BACKOFF)
    assert BACKOFF == tuple(timedelta(minutes=m) for m in (1, 5, 30, 120, 360))
    assert delays[-1] is None


def test_permanent_refusal_waits_for_an_agent(customer, agent, team):
    with SmtpSink(rcpt_reply="550 5.1.1 No such user here") as sink:
        sink_mailbox(sink.port, team=team)
        outbound = _queued_reply(customer, agent, team)
        assert send_outbound_now(outbound.pk) == "failed"
    outbound.refresh_from_db()
    assert outbound.status == "failed"
    assert "No such user here" in outbound.last_error
    assert outbound.next_attempt_at is None  # retrying a 5xx cannot help
    assert sink.received == []


def test_after_the_last_attempt_only_an_agent_retry_sends(
    customer, agent, team, django_capture_on_commit_callbacks
):
    port = free_port()
    sink_mailbox(port, team=team)
    outbound = _queued_reply(customer, agent, team)
    OutboundEmail.objects.filter(pk=outbound.pk).update(attempts=MAX_ATTEMPTS - 1)
    assert send_outbound_now(outbound.pk) == "failed"
    outbound.refresh_from_db()
    assert (outbound.attempts, outbound.next_attempt_at) == (MAX_ATTEMPTS, None)
    with SmtpSink(port) as sink:
        assert send_due(now=timezone.now() + timedelta(days=30)) == 0
        with django_capture_on_commit_callbacks(execute=True):
            retry_outbound(outbound, agent)
    assert len(sink.received) == 1
    assert sink.received[0].message["Message-ID"] == f"<{outbound.message_id}>"
    outbound.refresh_from_db()
    assert outbound.status == "sent"


def test_retry_is_for_agents_and_for_failed_mail_only(customer, agent, team):
    outbound = _queued_reply(customer, agent, team)
    with pytest.raises(Conflict):
        retry_outbound(outbound, agent)
    OutboundEmail.objects.filter(pk=outbound.pk).update(status="failed")
    with pytest.raises(PermissionDenied):
        retry_outbound(outbound, customer)
    assert retry_outbound(outbound, agent).status == "queued"


def test_a_crashed_senders_lease_expires_and_the_mail_is_sent(customer, agent, team):
    with SmtpSink() as sink:
        sink_mailbox(sink.port, team=team)
        outbound = _queued_reply(customer, agent, team)
        rows = OutboundEmail.objects.filter(pk=outbound.pk)
        rows.update(status="sending", next_attempt_at=timezone.now() + timedelta(minutes=5))
        assert send_outbound_now(outbound.pk) == "skipped"  # someone is sending it now
        rows.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        assert send_due() == 1
    assert len(sink.received) == 1


def test_orphaned_queued_mail_is_swept_up(customer, agent, team):
    with SmtpSink() as sink:
        sink_mailbox(sink.port, team=team)
        outbound = _queued_reply(customer, agent, team)
        assert send_due() == 0  # its own job is still expected to run
        assert send_due(now=outbound.created_at + timedelta(minutes=6)) == 1
    assert len(sink.received) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)  # the job waits in the queue: the test sends by hand
def test_an_attempt_started_while_the_mail_is_being_sent_does_not_send_it_again(
    customer, agent, team
):
    competitor: list[str] = []

    def start_competitor():
        def attempt():
            try:
                competitor.append(send_outbound_now(outbound.pk))
            finally:
                connection.close()

        thread = threading.Thread(target=attempt)
        thread.start()
        thread.join(10)

    with SmtpSink() as sink:
        sink_mailbox(sink.port, team=team)
        outbound = _queued_reply(customer, agent, team)
        sink.on_data = start_competitor  # runs while the first sender awaits "250"
        assert send_outbound_now(outbound.pk) == "sent"
    assert competitor == ["skipped"]
    assert len(sink.received) == 1


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_two_workers_racing_for_one_mail_send_it_once(customer, agent, team):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers; in-memory SQLite answers 'table is locked'")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def worker():
        try:
            barrier.wait(10)
            results.append(send_outbound_now(outbound.pk))
        finally:
            connection.close()

    with SmtpSink() as sink:
        sink_mailbox(sink.port, team=team)
        outbound = _queued_reply(customer, agent, team)
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    assert sorted(results) == ["sent", "skipped"]
    assert len(sink.received) == 1


def test_the_outcome_reaches_the_ticket_page_in_real_time(
    customer, agent, team, django_capture_on_commit_callbacks
):
    port = free_port()
    sink_mailbox(port, team=team)
    outbound = _queued_reply(customer, agent, team)
    layer = get_channel_layer()

    def send_and_commit() -> None:
        with django_capture_on_commit_callbacks(execute=True):
            send_outbound_now(outbound.pk)

    async def listen_while_sending() -> dict:
        # One event loop throughout: the Redis pub/sub layer subscribes per loop.
        channel = await layer.new_channel()
        await layer.group_add(ALL_TICKETS_GROUP, channel)
        try:
            await sync_to_async(send_and_commit)()
            return await asyncio.wait_for(layer.receive(channel), timeout=5)
        finally:
            await layer.group_discard(ALL_TICKETS_GROUP, channel)

    event = async_to_sync(listen_while_sending)()
    assert event == {
        "type": "ticket.changed", "ticket": {"id": outbound.ticket_id, "status": "open"}
    }


@override_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend")
def test_default_sender_can_be_an_esp_through_anymail(
    customer, agent, team, django_capture_on_commit_callbacks
):
    Mailbox.objects.create(name="Support", address="support@example.test", team=team)
    ticket = email_ticket(customer, team=team)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(ticket, actor=agent, body=Body(text="Здравствуйте! 您好"))
    outbound = OutboundEmail.objects.get()
    assert outbound.status == "sent"
    assert len(django_mail.outbox) == 1
    sent = django_mail.outbox[0]
    assert sent.anymail_status.status == {"sent"}
    params = sent.anymail_test_params
    assert [a.addr_spec for a in params["to"]] == ["ivan@example.test"]
    assert params["extra_headers"]["Message-ID"] == f"<{outbound.message_id}>"
    assert params["extra_headers"]["In-Reply-To"] == "<orig@example.com>"
    assert "X-Rapport-Loop" in params["extra_headers"]
    assert "Здравствуйте! 您好" in params["text_body"]
