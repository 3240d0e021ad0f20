"""TicketClock follows the ticket through the verbs, and can be rebuilt from history."""

from datetime import timedelta

import pytest

from rapport.automation.clock import rebuild_clocks
from rapport.automation.models import TicketClock
from rapport.tickets import services
from rapport.tickets.merging import merge_tickets
from rapport.tickets.models import Status, TicketEvent
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def clock_of(ticket):
    return TicketClock.objects.get(ticket=ticket)


def test_the_clock_follows_status_and_messages(ticket, agent, customer):
    clock = clock_of(ticket)
    assert (clock.status, clock.status_since, clock.created_at) == (
        Status.NEW, ticket.created_at, ticket.created_at)
    assert clock.customer_at == ticket.created_at
    assert clock.agent_at is None

    services.post_reply(ticket, actor=agent, body=Body(text="Looking"))
    ticket.refresh_from_db()
    clock = clock_of(ticket)
    assert clock.status == Status.OPEN
    assert clock.status_since > ticket.created_at
    assert clock.agent_at == ticket.last_agent_message_at
    opened = clock.status_since

    services.add_note(ticket, actor=agent, body=Body(text="internal"))
    services.post_reply(ticket, actor=customer, body=Body(text="Thanks"))
    ticket.refresh_from_db()
    clock = clock_of(ticket)
    assert clock.status_since == opened  # still open: the period goes on
    assert clock.customer_at == ticket.last_customer_message_at

    services.set_status(ticket, actor=agent, status=Status.PENDING)
    assert clock_of(ticket).status == Status.PENDING
    assert clock_of(ticket).status_since > opened


def test_a_merged_ticket_is_closed_on_its_clock(agent, customer, team):
    source = make_ticket(requester=customer, team=team)
    target = make_ticket(requester=customer, team=team)
    merge_tickets(source, target, actor=agent)
    assert clock_of(source).status == Status.CLOSED


def test_rebuild_uses_the_latest_status_change(ticket, agent):
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    changed = TicketEvent.objects.get(ticket=ticket, kind="status")
    changed.created_at -= timedelta(days=5)  # e.g. the demo's backdating
    changed.save()
    other = make_ticket()
    TicketClock.objects.filter(ticket=other).delete()  # e.g. a bulk import
    assert rebuild_clocks() == 2
    assert clock_of(ticket).status_since == changed.created_at
    assert clock_of(other).status_since == other.created_at
    assert rebuild_clocks([other.pk]) == 1
