"""The outbox: ticket changes become delivery rows in the same transaction, sent after
commit, in the REST API's shapes; a rollback sends nothing."""

import json

import pytest
from django.db import transaction
from django.test import Client

from rapport.accounts.tests.factories import TeamFactory
from rapport.api.services import create_token
from rapport.core.effects import effects_suppressed
from rapport.core.errors import InvalidInput
from rapport.tickets import services as tickets
from rapport.tickets.services import SYSTEM, Body
from rapport.tickets.tests.factories import make_ticket
from rapport.webhooks import services
from rapport.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint


def payloads(receiver):
    return [json.loads(r.body) for r in receiver.requests]


def test_a_reply_is_sent_after_commit_in_the_apis_shapes(
    endpoint, receiver, ticket, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = tickets.post_reply(ticket, actor=agent, body=Body(text="Refund sent."))
        assert receiver.requests == []  # nothing leaves before the commit
    # The ticket's creation was still queued (its commit is the test's): it goes first.
    assert [p["event"] for p in payloads(receiver)] == [
        "ticket.created", "message.agent", "ticket.assigned", "ticket.status"]
    events = {p["event"]: p for p in payloads(receiver)}
    reply = events["message.agent"]
    assert reply["actor"] == {"type": "agent", "id": agent.pk, "name": str(agent)}
    assert events["ticket.status"]["data"] == {"old": "new", "new": "open"}
    assert events["ticket.assigned"]["data"] == {"old": None, "new": agent.pk}

    api = Client(headers={"Authorization": "Bearer "
                          + create_token(agent, "t", ["tickets:read"])[1]})
    assert reply["ticket"] == api.get(f"/api/v1/tickets/{ticket.pk}").json()
    timeline = api.get(f"/api/v1/tickets/{ticket.pk}/timeline").json()["items"]
    assert reply["message"] == next(i for i in timeline if i.get("id") == message.pk
                                     and i["type"] == "message")
    delivery = WebhookDelivery.objects.get(event="message.agent")
    assert (delivery.status, delivery.attempts, delivery.ticket_id) == (
        DeliveryStatus.DELIVERED, 1, ticket.pk)
    assert str(delivery.event_id) == reply["id"]


def test_a_rolled_back_change_writes_and_sends_nothing(
    endpoint, receiver, ticket, agent, django_capture_on_commit_callbacks
):
    def note_then_fail():
        with transaction.atomic():
            tickets.add_note(ticket, actor=agent, body=Body(text="Internal"))
            assert WebhookDelivery.objects.filter(event="message.note").exists()
            raise RuntimeError("something later in the request failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        note_then_fail()
    assert not WebhookDelivery.objects.filter(event="message.note").exists()
    assert receiver.requests == []


def test_only_active_subscribed_endpoints_hear_an_event(
    endpoint, receiver, ticket, agent, queued_jobs
):
    endpoint.events = ["ticket.priority"]
    endpoint.save()
    off = WebhookEndpoint.objects.create(url=receiver.url("/off"), events=["*"], is_active=False)
    tickets.add_note(ticket, actor=agent, body=Body(text="Checking"))
    tickets.set_priority(ticket, actor=agent, priority=3)
    later = WebhookDelivery.objects.exclude(event="ticket.created")
    assert list(later.values_list("endpoint_id", "event")) == [(endpoint.pk, "ticket.priority")]
    assert not off.deliveries.exists()


def test_a_team_endpoint_hears_its_tickets_and_one_leaving_it(
    receiver, allow_loopback, customer, team, other_team, agent, queued_jobs
):
    billing = WebhookEndpoint.objects.create(url=receiver.url(), events=["*"], team=team)
    ticket = make_ticket(requester=customer, team=team)
    elsewhere = make_ticket(requester=customer, team=TeamFactory(name="Sales"))
    tickets.set_team(ticket, actor=SYSTEM, team=other_team)
    tickets.set_priority(ticket, actor=SYSTEM, priority=3)  # no longer Billing's
    heard = list(billing.deliveries.order_by("id").values_list("ticket_id", "event"))
    assert heard == [(ticket.pk, "ticket.created"), (ticket.pk, "ticket.team")]
    assert not WebhookDelivery.objects.filter(ticket_id=elsewhere.pk).exists()


def test_a_system_change_names_the_system_and_its_causes(endpoint, ticket, queued_jobs):
    from rapport.tickets.hooks import caused_by

    with caused_by("trigger:12"):
        tickets.set_priority(ticket, actor=SYSTEM, priority=3)
    body = json.loads(WebhookDelivery.objects.get(event="ticket.priority").body)
    assert body["actor"] == {"type": "system", "id": None, "name": "Rapport"}
    assert body["causes"] == ["trigger:12"]
    assert body["data"] == {"old": "normal", "new": "high"}
    assert body["message"] is None


def test_an_import_with_effects_suppressed_queues_no_webhooks(endpoint, customer, queued_jobs):
    with effects_suppressed():
        make_ticket(requester=customer)
    assert not WebhookDelivery.objects.exists()


def test_one_event_for_two_endpoints_shares_its_id_and_body(
    endpoint, receiver, customer, queued_jobs
):
    second = WebhookEndpoint.objects.create(url=receiver.url("/2"), events=["ticket.created"])
    make_ticket(requester=customer)
    first, other = WebhookDelivery.objects.filter(event="ticket.created").order_by("endpoint_id")
    assert (first.endpoint_id, other.endpoint_id) == (endpoint.pk, second.pk)
    assert first.event_id == other.event_id
    assert first.body == other.body


def test_send_event_is_the_public_one_off_api(
    endpoint, receiver, ticket, agent, django_capture_on_commit_callbacks
):
    endpoint.events = ["ticket.status"]  # a one-off goes whatever the endpoint subscribes
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.send_event(endpoint, event="automation.order_synced", ticket=ticket,
                                       data={"rule": 4, "who": agent}, actor=SYSTEM)
    [body] = [p for p in payloads(receiver) if p["event"] == "automation.order_synced"]
    assert body["ticket"]["id"] == ticket.pk
    assert body["data"] == {"rule": 4, "who": agent.pk}
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED

    with pytest.raises(InvalidInput):
        services.send_event(endpoint, event="Not An Event", data={})
    endpoint.is_active = False
    endpoint.save()
    assert services.send_event(endpoint, event="automation.x", data={}) is None
