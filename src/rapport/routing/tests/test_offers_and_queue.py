"""Chats are offered and must be accepted in time; queued tickets go out when agents free up;
"next ticket" gives the most urgent one an agent may take."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.availability import mark_available
from rapport.channels.chat import services as chat
from rapport.channels.chat.models import ChatSite, ChatVisitor, ConversationStatus
from rapport.channels.chat.tests.helpers import ORIGIN
from rapport.core.errors import InvalidInput
from rapport.reports.models import ReportingEvent
from rapport.routing import services
from rapport.routing.models import ChatOffer, OfferState, RoutingRule, TeamRouting
from rapport.routing.watch import watch_routing
from rapport.tickets.models import Priority, Ticket
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(team):
    return ChatSite.objects.create(name="Shop", allowed_origins=[ORIGIN], team=team)


def open_chat(site, text="Where is my parcel? It has been a week."):
    visitor = ChatVisitor.objects.create(site=site)
    conversation, _ = chat.open_conversation(site, visitor, text=text, client_id="c1")
    return conversation


def offer_of(ticket_id):
    return ChatOffer.objects.get(ticket_id=ticket_id, state=OfferState.PENDING)


def expire(offer):
    ChatOffer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(seconds=1))


def test_a_chat_is_offered_not_assigned_and_accepting_takes_it(site, make_agent):
    agent = make_agent()
    conversation = open_chat(site)
    ticket = Ticket.objects.get(pk=conversation.ticket_id)
    assert ticket.assignee is None
    offer = offer_of(ticket.pk)
    assert offer.agent == agent
    services.accept_offer(offer.pk, agent=agent)
    ticket.refresh_from_db()
    conversation.refresh_from_db()
    assert ticket.assignee == agent
    assert conversation.status == ConversationStatus.ACTIVE
    offer.refresh_from_db()
    assert offer.state == OfferState.ACCEPTED


def test_an_offer_not_accepted_in_time_goes_to_the_next_agent(site, make_agent):
    first, second = make_agent(), make_agent()
    conversation = open_chat(site)
    offer = offer_of(conversation.ticket_id)
    expire(offer)
    assert watch_routing()["offers_expired"] == 1
    offer.refresh_from_db()
    assert offer.state == OfferState.EXPIRED
    following = offer_of(conversation.ticket_id)
    assert {offer.agent_id, following.agent_id} == {first.pk, second.pk}
    with pytest.raises(InvalidInput):
        services.accept_offer(offer.pk, agent=offer.agent)  # too late
    assert ReportingEvent.objects.filter(name="chat_offer_missed").count() == 1


def test_declining_offers_the_chat_to_the_next_and_then_it_waits(site, make_agent):
    make_agent(), make_agent()
    conversation = open_chat(site)
    for _ in range(2):
        offer = offer_of(conversation.ticket_id)
        services.decline_offer(offer.pk, agent=offer.agent)
    assert not ChatOffer.objects.filter(state=OfferState.PENDING).exists()  # nobody left
    assert Ticket.objects.get(pk=conversation.ticket_id).assignee is None


def test_taking_a_chat_from_the_queue_withdraws_the_offer(site, make_agent):
    from rapport.channels.chat.handling import take_chat

    offered, other = make_agent(), make_agent()
    conversation = open_chat(site)
    offer = offer_of(conversation.ticket_id)
    taker = other if offer.agent == offered else offered
    take_chat(conversation, agent=taker)
    offer.refresh_from_db()
    assert offer.state == OfferState.WITHDRAWN


def test_the_offer_shows_on_the_ticket_page_and_can_be_accepted(site, make_agent, client):
    agent = make_agent()
    conversation = open_chat(site)
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[conversation.ticket_id]))
    assert b"This chat is offered to you" in page.content
    offer = offer_of(conversation.ticket_id)
    client.post(reverse("routing:accept", args=[conversation.ticket_id, offer.pk]))
    assert Ticket.objects.get(pk=conversation.ticket_id).assignee == agent


def test_queued_tickets_go_out_when_an_agent_comes_online(team, customer, make_agent):
    waiting = [make_ticket(requester=customer, team=team) for _ in range(3)]
    assert all(t.assignee_id is None for t in waiting)
    agent = make_agent()
    assert watch_routing()["dispatched"] == 3
    assert set(Ticket.objects.filter(pk__in=[t.pk for t in waiting]).values_list(
        "assignee_id", flat=True)) == {agent.pk}


def test_next_ticket_is_the_most_urgent_one_the_agent_may_take(team, other_team, customer,
                                                               make_agent):
    TeamRouting.objects.create(team=team, auto_assign=False)
    now = timezone.now()
    low = make_ticket(requester=customer, team=team, priority=Priority.LOW)
    urgent = make_ticket(requester=customer, team=team, priority=Priority.URGENT)
    due_soon = make_ticket(requester=customer, team=team, priority=Priority.LOW)
    Ticket.objects.filter(pk=due_soon.pk).update(sla_due_at=now + timedelta(minutes=5))
    Ticket.objects.filter(pk=urgent.pk).update(sla_due_at=now + timedelta(hours=2))
    chinese = make_ticket(requester=customer, team=team, priority=Priority.URGENT,
                          text="我的包裹还没有到，请帮我查一下")
    Ticket.objects.filter(pk=chinese.pk).update(sla_due_at=now)
    make_ticket(requester=customer, team=other_team, priority=Priority.URGENT)
    agent = make_agent(languages=["en"])
    taken = [services.take_next_ticket(agent) for _ in range(3)]
    assert [t.pk for t in taken] == [due_soon.pk, urgent.pk, low.pk]
    assert services.take_next_ticket(agent) is None  # Chinese and the other team's are not his


def test_two_agents_pressing_next_get_different_tickets(team, customer, make_agent):
    TeamRouting.objects.create(team=team, auto_assign=False)
    first = make_ticket(requester=customer, team=team)
    a, b = make_agent(), make_agent()
    got_a = services.take_next_ticket(a)
    got_b = services.take_next_ticket(b)
    assert got_a.pk == first.pk
    assert got_b is None


def test_next_ticket_button(team, customer, make_agent, client):
    TeamRouting.objects.create(team=team, auto_assign=False)
    ticket = make_ticket(requester=customer, team=team)
    agent = make_agent()
    client.force_login(agent)
    response = client.post(reverse("routing:next"))
    assert response.url == reverse("tickets:detail", args=[ticket.pk])
    again = client.post(reverse("routing:next"), follow=True)
    assert "Nothing is waiting for you right now." in again.content.decode()


def test_offline_agent_is_marked_then_loses_open_tickets_after_the_limit(
    team, customer, make_agent
):
    from django.core.cache import cache

    TeamRouting.objects.create(team=team, reassign_offline_minutes=10)
    leaver = make_agent()
    ticket = make_ticket(requester=customer, team=team)
    pending = make_ticket(requester=customer, team=team)
    pending.status = "pending"
    pending.save()
    assert ticket.assignee == leaver
    cache.clear()  # the agent's page is gone: no heartbeat
    watch_routing()  # first sight of them offline
    ticket.refresh_from_db()
    assert ticket.assignee == leaver
    from rapport.routing.models import AgentRouting

    AgentRouting.objects.filter(user=leaver).update(
        offline_since=timezone.now() - timedelta(minutes=11))
    stand_in = make_agent()
    assert watch_routing()["released"] == 1
    ticket.refresh_from_db()
    assert ticket.assignee == stand_in  # back to the queue, then handed out again
    note = ticket.events.filter(kind="transferred").get()
    assert "offline" in note.data["note"]
    pending.refresh_from_db()
    assert pending.assignee == leaver  # waiting on the customer: left alone


def test_coming_back_clears_offline_since(team, customer, make_agent):
    from rapport.routing.models import AgentRouting

    agent = make_agent()
    make_ticket(requester=customer, team=team)
    AgentRouting.objects.filter(user=agent).update(offline_since=timezone.now())
    mark_available(agent.pk)
    watch_routing()
    assert AgentRouting.objects.get(user=agent).offline_since is None


def test_rules_can_route_by_chat_site(site, other_team, make_agent):
    RoutingRule.objects.create(name="Shop chats", team=other_team, conditions={
        "all": [{"field": "chat_site", "op": "is", "value": site.pk}]})
    conversation = open_chat(site)
    assert Ticket.objects.get(pk=conversation.ticket_id).team == other_team
