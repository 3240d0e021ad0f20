"""The "call a webhook" action, through the real webhooks outbox to a real receiver.

Skipped only while rapport.webhooks.services (built separately) cannot be imported.
"""

import json

import pytest

from rapport.automation.tests.helpers import make_trigger
from rapport.core.errors import InvalidInput
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
webhooks = pytest.importorskip("rapport.webhooks.services")


@pytest.fixture
def receiver(settings):
    from rapport.webhooks.tests.receiver import Receiver

    settings.RAPPORT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as server:
        yield server


@pytest.fixture
def endpoint(receiver):
    from rapport.webhooks.models import WebhookEndpoint

    # Subscribed to nothing: only what the action sends arrives.
    return WebhookEndpoint.objects.create(url=receiver.url(), events=[], description="CRM")


def test_a_trigger_calls_the_webhook_after_commit(run_commit_hooks, receiver, endpoint,
                                                  customer, team):
    trigger = make_trigger("tell the CRM", events=["ticket.created"],
                           actions_=[{"type": "webhook", "endpoint": endpoint.pk}])
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=team)
        assert receiver.requests == []
    [request] = receiver.requests
    payload = json.loads(request.body)
    assert payload["event"] == "automation.trigger"
    assert payload["ticket"]["id"] == ticket.pk
    assert payload["actor"]["type"] == "system"
    assert payload["data"] == {"source": trigger.label, "trigger": trigger.pk,
                               "trigger_name": "tell the CRM", "change": "ticket.created"}


def test_a_named_event_and_a_vanished_endpoint(run_commit_hooks, receiver, endpoint, agent,
                                               ticket):
    from rapport.automation.services import apply_macro
    from rapport.automation.tests.helpers import make_macro

    macro = make_macro("Sync", actions=[{"type": "webhook", "endpoint": endpoint.pk,
                                         "event": "crm.sync"}])
    with run_commit_hooks():
        apply_macro(ticket, macro, agent=agent)
    assert [json.loads(r.body)["event"] for r in receiver.requests] == ["crm.sync"]
    endpoint.delete()
    with pytest.raises(InvalidInput):
        apply_macro(ticket, macro, agent=agent)


def test_the_action_is_checked_against_the_endpoints(endpoint):
    from django.core.exceptions import ValidationError

    from rapport.automation.actions import validate

    assert validate([{"type": "webhook", "endpoint": endpoint.pk, "event": "crm.sync"}]) == [
        {"type": "webhook", "endpoint": endpoint.pk, "event": "crm.sync"}]
    for bad, says in (({"endpoint": endpoint.pk + 1}, "no webhook endpoint"),
                      ({"endpoint": endpoint.pk, "event": "CRM sync"}, "joined by dots")):
        with pytest.raises(ValidationError, match=says):
            validate([{"type": "webhook", **bad}])
