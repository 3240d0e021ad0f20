"""Sending, retrying, the circuit breaker and dead letters, against a real receiver.

Time is driven by passing `now` to drain(): nothing sleeps, except a hanging receiver
held for longer than the (shortened) read timeout.
"""

from datetime import timedelta

import pytest

from rapport.webhooks import delivery as engine
from rapport.webhooks import policy, services, tasks
from rapport.webhooks.delivery import drain
from rapport.webhooks.models import (
    AttemptOutcome,
    CircuitState,
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
)
from rapport.webhooks.tests.conftest import FAST
from rapport.webhooks.tests.receiver import Reply

pytestmark = pytest.mark.usefixtures("queued_jobs")


def queue(endpoint, n=1, at=None):
    made = [services.send_event(endpoint, event=f"test.event_{i}", data={"n": i})
            for i in range(n)]
    if at is not None:
        WebhookDelivery.objects.filter(pk__in=[d.pk for d in made]).update(
            created_at=at, next_attempt_at=at, expires_at=at + policy.MAX_AGE)
    for d in made:
        d.refresh_from_db()
    return made


def fresh(obj):
    obj.refresh_from_db()
    return obj


def test_success_is_recorded_with_its_attempt(endpoint, receiver, t0):
    [d] = queue(endpoint, at=t0)
    result = drain(endpoint.pk, now=t0)
    assert (result.attempted, result.delivered) == (1, 1)
    d = fresh(d)
    assert (d.status, d.attempts, d.last_status_code, d.delivered_at) == (
        DeliveryStatus.DELIVERED, 1, 200, t0)
    [attempt] = d.attempt_log.all()
    assert (attempt.number, attempt.status_code, attempt.outcome, attempt.response_body) == (
        1, 200, AttemptOutcome.DELIVERED, "thanks")
    assert attempt.url == receiver.url()


def test_failures_back_off_with_full_jitter_until_dead(endpoint, receiver, t0):
    """Every retry lands between now and the backoff ceiling; after MAX_ATTEMPTS: dead.

    The circuit opens on the way (5 failures in a row); the clock jumps past each
    cool-down, and while it is open no attempt is spent."""
    receiver.default = Reply(500, body=b"database down")
    [d] = queue(endpoint, at=t0)
    now = t0
    for number in range(1, policy.MAX_ATTEMPTS + 1):
        assert drain(endpoint.pk, now=now).attempted == 1
        d = fresh(d)
        assert d.attempts == number
        if number == policy.MAX_ATTEMPTS:
            break
        assert d.status == DeliveryStatus.PENDING
        assert now <= d.next_attempt_at <= now + policy.backoff_ceiling(number)
        assert drain(endpoint.pk, now=d.next_attempt_at - timedelta(seconds=1)).attempted == 0
        gate = fresh(endpoint).circuit_open_until
        now = max(d.next_attempt_at, gate) if gate else d.next_attempt_at
    assert (d.status, d.next_attempt_at, d.last_status_code) == (DeliveryStatus.DEAD, None, 500)
    assert d.last_error == "HTTP 500"
    outcomes = list(d.attempt_log.values_list("outcome", flat=True))
    assert outcomes == [AttemptOutcome.RETRY] * 9 + [AttemptOutcome.FAILED]
    assert [r.headers["Rapport-Webhook-Attempt"] for r in receiver.requests] == [
        str(n) for n in range(1, 11)]
    assert {r.headers["Rapport-Webhook-Id"] for r in receiver.requests} == {str(d.event_id)}


def test_the_backoff_ceilings_and_jitter_bounds():
    ceilings = [policy.backoff_ceiling(n) for n in range(1, policy.MAX_ATTEMPTS)]
    assert [c.total_seconds() for c in ceilings] == [
        60, 180, 540, 1620, 4860, 14580, 21600, 21600, 21600]
    assert timedelta(hours=20) < sum(ceilings, timedelta()) <= timedelta(hours=25)
    assert policy.retry_delay(3, 0.0) == timedelta(0)
    assert policy.retry_delay(3, 0.5) == timedelta(seconds=270)


def test_retry_after_is_obeyed_and_holds_the_whole_endpoint(endpoint, receiver, t0):
    receiver.reply(Reply(429, {"Retry-After": "120"}))
    first, second = queue(endpoint, 2, at=t0)
    result = drain(endpoint.pk, now=t0)
    assert result.attempted == 1  # the second waits too: the receiver asked for a pause
    first, endpoint = fresh(first), fresh(endpoint)
    assert first.next_attempt_at == t0 + timedelta(seconds=120) == endpoint.hold_until
    assert endpoint.consecutive_failures == 0  # asking for a pause is not failing
    assert drain(endpoint.pk, now=t0 + timedelta(seconds=119)).attempted == 0
    assert drain(endpoint.pk, now=t0 + timedelta(seconds=120)).delivered == 2
    assert [r.headers["Rapport-Webhook-Id"] for r in receiver.requests] == [
        str(first.event_id), str(first.event_id), str(second.event_id)]


def test_retry_after_as_an_http_date_on_503(endpoint, receiver, t0):
    receiver.reply(Reply(503, {"Retry-After": "Tue, 01 Jan 2030 12:10:00 GMT"}))
    [d] = queue(endpoint, at=t0)
    drain(endpoint.pk, now=t0)
    assert fresh(d).next_attempt_at == t0 + timedelta(minutes=10)


@pytest.mark.parametrize(("value", "seconds"), [
    ("0", 0), ("30", 30), ("999999", 6 * 3600), ("Tue, 01 Jan 2030 11:00:00 GMT", 0),
])
def test_retry_after_values(t0, value, seconds):
    assert policy.parse_retry_after(value, t0) == timedelta(seconds=seconds)


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "Tue, 99 Foo 2030"])
def test_unreadable_retry_after_falls_back_to_backoff(t0, value):
    assert policy.parse_retry_after(value, t0) is None


def test_the_breaker_opens_after_five_failures_and_a_good_probe_closes_it(
    endpoint, receiver, t0
):
    receiver.default = Reply(502)
    deliveries = queue(endpoint, 7, at=t0)
    for _ in range(policy.BREAKER_THRESHOLD):
        # Each pass stops at its first failure: a failing receiver is not hammered.
        assert drain(endpoint.pk, now=t0).attempted == 1
    endpoint = fresh(endpoint)
    assert endpoint.circuit_state(t0) == CircuitState.OPEN
    assert endpoint.circuit_open_until == t0 + timedelta(minutes=5)
    assert drain(endpoint.pk, now=t0 + timedelta(minutes=4)).attempted == 0
    assert [fresh(d).attempts for d in deliveries] == [1, 1, 1, 1, 1, 0, 0]

    receiver.default = Reply(200)
    probe_time = t0 + timedelta(minutes=5)
    assert fresh(endpoint).circuit_state(probe_time) == CircuitState.HALF_OPEN
    result = drain(endpoint.pk, now=probe_time + timedelta(hours=1))
    assert result.delivered == 7
    endpoint = fresh(endpoint)
    assert endpoint.circuit_state(probe_time) == CircuitState.CLOSED
    assert (endpoint.consecutive_failures, endpoint.circuit_trips) == (0, 0)
    sent_in_order = [r.headers["Rapport-Webhook-Id"] for r in receiver.requests[5:]]
    assert sent_in_order == [str(d.event_id) for d in deliveries]


def test_a_failed_probe_reopens_the_circuit_for_twice_as_long(endpoint, receiver, t0):
    receiver.default = Reply(500)
    queue(endpoint, 6, at=t0)
    for _ in range(policy.BREAKER_THRESHOLD):
        drain(endpoint.pk, now=t0)
    probe = t0 + timedelta(hours=1)  # every retry is due by then
    assert drain(endpoint.pk, now=probe).attempted == 1  # one probe only
    endpoint = fresh(endpoint)
    assert endpoint.circuit_open_until == probe + timedelta(minutes=10)
    assert endpoint.circuit_trips == 2
    assert policy.breaker_cooldown(10) == timedelta(hours=1)


def test_a_hanging_receiver_times_out_and_the_retry_succeeds(endpoint, receiver, t0):
    receiver.reply(Reply(delay=5))
    [d] = queue(endpoint, at=t0)
    assert drain(endpoint.pk, now=t0, limits=FAST).attempted == 1
    d = fresh(d)
    [timeout] = d.attempt_log.all()
    assert timeout.outcome == AttemptOutcome.RETRY
    assert timeout.status_code is None
    assert "timed out" in timeout.error
    assert timeout.duration_ms < 2000
    assert d.status == DeliveryStatus.PENDING
    assert drain(endpoint.pk, now=d.next_attempt_at, limits=FAST).delivered == 1
    assert fresh(d).status == DeliveryStatus.DELIVERED


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
def test_a_permanent_client_error_is_dead_at_once(endpoint, receiver, t0, status):
    receiver.reply(Reply(status, body=b"no such hook " + b"x" * 3000))
    first, second = queue(endpoint, 2, at=t0)
    result = drain(endpoint.pk, now=t0)
    assert (result.attempted, result.delivered) == (2, 1)  # the receiver is up: go on
    first = fresh(first)
    assert (first.status, first.attempts, first.last_status_code) == (
        DeliveryStatus.DEAD, 1, status)
    [attempt] = first.attempt_log.all()
    assert attempt.outcome == AttemptOutcome.FAILED
    assert attempt.response_body.startswith("no such hook")
    assert len(attempt.response_body) == 1024
    assert fresh(endpoint).consecutive_failures == 0


@pytest.mark.parametrize("status", [408, 409, 425, 429, 500, 503, 504])
def test_retryable_statuses_are_retried(endpoint, receiver, t0, status):
    receiver.reply(Reply(status))
    [d] = queue(endpoint, at=t0)
    drain(endpoint.pk, now=t0)
    d = fresh(d)
    assert (d.status, d.attempts) == (DeliveryStatus.PENDING, 1)
    assert d.next_attempt_at <= t0 + policy.backoff_ceiling(1)


def test_a_redirect_to_a_private_address_kills_the_delivery(endpoint, receiver, t0):
    receiver.reply(Reply(302, {"Location": "http://10.0.0.1/steal"}))
    [d] = queue(endpoint, at=t0)
    drain(endpoint.pk, now=t0, limits=FAST)
    d = fresh(d)
    assert d.status == DeliveryStatus.DEAD
    assert "refused: 10.0.0.1 resolves to 10.0.0.1, a private address" in d.last_error


def test_an_endpoint_on_loopback_is_refused_without_the_allow_list(db, receiver, settings, t0):
    settings.RAPPORT_WEBHOOK_ALLOWED_HOSTS = []
    endpoint = WebhookEndpoint.objects.create(url=f"http://localhost:{receiver.port}/",
                                              events=["*"])
    [d] = queue(endpoint, at=t0)
    drain(endpoint.pk, now=t0)
    assert fresh(d).status == DeliveryStatus.DEAD
    assert "loopback" in fresh(d).last_error
    assert receiver.requests == []
    endpoint.allow_private_addresses = True  # an admin's explicit choice for this host
    endpoint.save()
    services.replay([d], now=t0)
    drain(endpoint.pk, now=t0)
    assert fresh(d).status == DeliveryStatus.DELIVERED


def test_deliveries_leave_in_the_order_they_were_made(endpoint, receiver, t0):
    made = queue(endpoint, 5, at=t0)
    drain(endpoint.pk, now=t0)
    assert [r.headers["Rapport-Webhook-Id"] for r in receiver.requests] == [
        str(d.event_id) for d in made]


def test_one_drainer_per_endpoint(endpoint, receiver, t0):
    queue(endpoint, at=t0)
    token = engine._acquire(endpoint.pk, t0)
    assert drain(endpoint.pk, now=t0).skipped  # another worker is draining it
    engine._release(endpoint.pk, token)
    assert drain(endpoint.pk, now=t0).delivered == 1
    assert len(receiver.requests) == 1


def test_a_crashed_senders_claim_expires_and_the_delivery_goes_again(endpoint, receiver, t0):
    [d] = queue(endpoint, at=t0)
    assert engine._claim(d, t0)  # …and the worker died before recording anything
    assert drain(endpoint.pk, now=t0).attempted == 0
    assert drain(endpoint.pk, now=t0 + engine.LEASE).delivered == 1
    assert fresh(d).attempts == 2


def test_a_failed_run_defers_its_follow_up_job_to_the_retry(endpoint, receiver):
    from django_tasks_db.models import DBTaskResult

    receiver.default = Reply(500)
    [d] = queue(endpoint)
    DBTaskResult.objects.all().delete()
    assert tasks.deliver_endpoint.call(endpoint.pk) == 1
    [job] = DBTaskResult.objects.all()
    assert job.task_path == "rapport.webhooks.tasks.deliver_endpoint"
    assert job.args_kwargs["args"] == [endpoint.pk]
    assert job.run_after == fresh(d).next_attempt_at


def test_the_sweep_queues_due_endpoints_and_expires_old_deliveries(
    endpoint, receiver, t0, allow_loopback
):
    from django_tasks_db.models import DBTaskResult

    broken = WebhookEndpoint.objects.create(url=receiver.url("/b"), events=["*"],
                                            circuit_open_until=t0 + timedelta(minutes=5))
    [due] = queue(endpoint, at=t0)
    queue(broken, at=t0)
    [old] = queue(endpoint, at=t0 - policy.MAX_AGE - timedelta(seconds=1))
    DBTaskResult.objects.all().delete()
    assert tasks.sweep(now=t0) == [endpoint.pk]  # not the one behind an open circuit
    assert DBTaskResult.objects.get().args_kwargs["args"] == [endpoint.pk]
    old = fresh(old)
    assert old.status == DeliveryStatus.DEAD
    assert old.last_error.startswith("expired")
    assert fresh(due).status == DeliveryStatus.PENDING


def test_an_inactive_endpoint_is_not_drained(endpoint, receiver, t0):
    [d] = queue(endpoint, at=t0)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
    assert drain(endpoint.pk, now=t0).skipped
    assert fresh(d).status == DeliveryStatus.PENDING
    assert receiver.requests == []


def test_an_endpoint_deleted_while_sending_is_no_error(endpoint, receiver, t0):
    from rapport.webhooks.client import Response
    from rapport.webhooks.models import WebhookAttempt

    [d] = queue(endpoint, at=t0)
    assert engine._claim(d, t0)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
    verdict = policy.Verdict(AttemptOutcome.DELIVERED, endpoint_answered=True)
    engine._record(d, 1, t0, t0, Response(endpoint.url, 200), verdict)
    assert not WebhookAttempt.objects.exists()
