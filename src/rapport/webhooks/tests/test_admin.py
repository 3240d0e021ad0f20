"""The admin: endpoints with a secret shown once, rotation, health; the dead-letter list
and its replay, driven through the Django test client as an admin."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from rapport.accounts.models import Role
from rapport.accounts.tests.factories import UserFactory
from rapport.webhooks import services
from rapport.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from rapport.webhooks.tests.receiver import Reply

ENDPOINTS = "/admin/webhooks/webhookendpoint/"
DELIVERIES = "/admin/webhooks/webhookdelivery/"


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def form(url, **extra):
    return {"url": url, "description": "CRM", "events": ["ticket.created", "ticket.status"],
            "team": "", "is_active": "on", **extra}


def test_a_new_endpoint_shows_its_secret_once(admin_client, receiver, allow_loopback):
    response = admin_client.post(f"{ENDPOINTS}add/", form(receiver.url()))
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert len(endpoint.secret) > 40
    assert endpoint.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert endpoint.events == ["ticket.created", "ticket.status"]
    page = admin_client.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()
    assert endpoint.secret[:10] in page
    assert endpoint.secret not in page


@pytest.mark.parametrize(("url", "message"), [
    ("http://169.254.169.254/latest/", "cloud metadata address"),
    ("https://bob:secret@hooks.example.com/", "user name or password"),
    ("ftp://hooks.example.com/", "https:// or http://"),
    ("http://localhost:8000/", "loopback"),
])
def test_a_bad_url_is_refused_with_a_reason(admin_client, settings, url, message):
    settings.RAPPORT_WEBHOOK_ALLOWED_HOSTS = []
    response = admin_client.post(f"{ENDPOINTS}add/", form(url))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_all_events_and_unknown_events(admin_client, allow_loopback, receiver):
    admin_client.post(f"{ENDPOINTS}add/", form(receiver.url(), events=["*", "ticket.tags"]))
    assert WebhookEndpoint.objects.get().events == ["*"]
    response = admin_client.post(f"{ENDPOINTS}add/", form(receiver.url(), events=["ticket.nope"]))
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError, match="Unknown events: ticket.nope"):
        WebhookEndpoint(url="https://hooks.example.com/", events=["ticket.nope"]).full_clean()


def test_rotating_shows_the_new_secret_and_keeps_the_old_for_a_day(admin_client, endpoint):
    old = endpoint.secret
    response = admin_client.post(ENDPOINTS, {"action": "rotate_secrets",
                                             "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()
    assert endpoint.previous_secret == old
    assert endpoint.signing_secrets(timezone.now()) == [endpoint.secret, old]
    assert endpoint.signing_secrets(timezone.now() + timedelta(days=1, seconds=1)) == [
        endpoint.secret]
    assert LogEntry.objects.filter(change_message="Rotated the signing secret.").exists()


def test_dead_letters_are_listed_and_replayed_from_the_admin(
    admin_client, endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.reply(Reply(410, body=b"gone for now"))
    with django_capture_on_commit_callbacks(execute=True):
        dead = services.send_event(endpoint, event="test.first", data={})
    with django_capture_on_commit_callbacks(execute=True):
        fine = services.send_event(endpoint, event="test.second", data={})
    dead.refresh_from_db()
    assert dead.status == DeliveryStatus.DEAD

    def listed(**query):
        response = admin_client.get(DELIVERIES, query)
        assert response.status_code == 200
        return [d.pk for d in response.context["cl"].result_list]

    assert listed(status__exact="dead") == [dead.pk]
    assert listed(endpoint__id__exact=endpoint.pk) == [fine.pk, dead.pk]
    assert listed(event="test.second") == [fine.pk]
    assert listed(q=str(dead.event_id)) == [dead.pk]
    detail = admin_client.get(f"{DELIVERIES}{dead.pk}/change/").content.decode()
    assert "gone for now" in detail
    assert "HTTP 410" in detail

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(DELIVERIES, {"action": "replay_selected",
                                                  "_selected_action": [dead.pk]})
    assert response.status_code == 302
    dead.refresh_from_db()
    assert (dead.status, dead.attempts, dead.last_error) == (DeliveryStatus.DELIVERED, 1, "")
    assert list(dead.attempt_log.values_list("status_code", flat=True)) == [410, 200]
    replays = [r for r in receiver.requests if r.headers["Rapport-Webhook-Event"] == "test.first"]
    assert len(replays) == 2
    assert {r.headers["Rapport-Webhook-Id"] for r in replays} == {str(dead.event_id)}
    assert LogEntry.objects.filter(object_id=str(dead.pk), change_message="Replayed.").exists()
    assert WebhookDelivery.objects.get(pk=fine.pk).attempts == 1


def test_the_endpoint_page_shows_the_breaker_and_recent_failures(
    admin_client, endpoint, receiver, queued_jobs
):
    from rapport.webhooks.delivery import drain

    receiver.default = Reply(503, body=b"maintenance")
    services.send_event(endpoint, event="test.a", data={})
    for _ in range(5):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        drain(endpoint.pk)
    page = admin_client.get(f"{ENDPOINTS}{endpoint.pk}/change/").content.decode()
    assert "Open" in page
    assert "5 consecutive failures" in page
    assert "HTTP 503" in page
    assert "test.a" in page

    admin_client.post(ENDPOINTS, {"action": "close_circuits", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.circuit_open_until is None
    assert endpoint.consecutive_failures == 0


def test_editing_an_endpoint_keeps_what_the_worker_wrote(admin_client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=3)
    data = form(endpoint.url, description="Renamed")
    response = admin_client.post(f"{ENDPOINTS}{endpoint.pk}/change/", data)
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.description, endpoint.consecutive_failures) == ("Renamed", 3)


def test_the_ping_action_queues_a_test_event(admin_client, endpoint, queued_jobs):
    admin_client.post(ENDPOINTS, {"action": "send_ping", "_selected_action": [endpoint.pk]})
    assert WebhookDelivery.objects.get().event == "webhook.ping"


@pytest.mark.parametrize("role", [Role.AGENT, Role.SUPERVISOR])
def test_only_admins_see_webhooks(client, db, role):
    client.force_login(UserFactory(role=role, is_staff=True))
    assert client.get(ENDPOINTS).status_code == 403
    assert client.get(DELIVERIES).status_code == 403
