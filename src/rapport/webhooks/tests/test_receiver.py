"""The built-in test receiver keeps only deliveries signed by an endpoint pointed at it."""

import json
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from rapport.webhooks.models import WebhookEndpoint
from rapport.webhooks.signing import signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def endpoint():
    return WebhookEndpoint.objects.create(
        url="http://127.0.0.1:8000" + reverse("webhooks:test_receiver"), events=["*"],
        allow_private_addresses=True)


def post(client, body, headers):
    return client.post(reverse("webhooks:test_receiver"), data=body,
                       content_type="application/json", headers=headers)


def signed(secret, body, *, at=None, event_id="evt_1"):
    at = at or int(time.time())
    return {"Rapport-Webhook-Id": event_id, "Rapport-Webhook-Event": "ticket.created",
            "Rapport-Webhook-Timestamp": str(at),
            "Rapport-Webhook-Signature": signature(secret, at, event_id, body)}


def test_a_signed_delivery_is_kept_and_shown_to_admins(client, endpoint, admin_user, agent):
    body = json.dumps({"event": "ticket.created", "ticket": {"id": 7}}).encode()
    assert post(client, body, signed(endpoint.secret, body)).status_code == 204
    client.force_login(agent)
    assert client.get(reverse("webhooks:test_receiver_events")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("webhooks:test_receiver_events")).content.decode()
    assert "ticket.created" in page
    assert "signature verified" in page


@pytest.mark.parametrize("tamper", ["secret", "body", "stale", "missing"])
def test_anything_else_is_refused_and_not_kept(client, endpoint, admin_user, tamper):
    body = b'{"event": "ticket.created"}'
    headers = signed("whsec_wrong" if tamper == "secret" else endpoint.secret, body,
                     at=int(time.time()) - 600 if tamper == "stale" else None)
    if tamper == "missing":
        headers.pop("Rapport-Webhook-Signature")
    sent = body.replace(b"created", b"deleted") if tamper == "body" else body
    assert post(client, sent, headers).status_code == 401
    assert cache.get("rapport:webhooks:test-receiver") is None
