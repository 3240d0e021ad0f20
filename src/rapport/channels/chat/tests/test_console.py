"""The chat console, the chat panel on a chat ticket, and the agent's online/away switch."""

import pytest
from django.urls import reverse

from rapport.accounts.availability import mark_available
from rapport.accounts.tests.factories import UserFactory
from rapport.channels.chat import handling, queries, services
from rapport.channels.chat.models import ChatSite, ChatVisitor
from rapport.channels.chat.tests.helpers import ORIGIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(team):
    return ChatSite.objects.create(name="Shop", allowed_origins=[ORIGIN], team=team)


def open_chat(site, text):
    visitor = ChatVisitor.objects.create(site=site)
    return services.open_conversation(site, visitor, text=text, client_id="c1")[0]


def test_console_shows_the_queue_and_my_chats_with_unread_counts(site, agent, client):
    waiting = open_chat(site, "Waiting for someone")
    mine = open_chat(site, "Mine already")
    handling.take_chat(mine, agent=agent)
    services.post_visitor_message(mine, client_id="c2", text="Two unread now")
    client.force_login(agent)
    html = client.get(reverse("chat_console:console")).content.decode()
    queue = html[html.index('id="queue-heading"'):]
    assert f"#{waiting.ticket_id} " in queue
    assert f"#{mine.ticket_id} " not in queue
    my_part = html[html.index('id="my-chats-heading"'):html.index('id="queue-heading"')]
    assert "Two unread now" in my_part
    assert '<span class="badge badge-unread"' in my_part
    assert "My chats (1 of 3)" in my_part


def test_taking_from_the_console_and_the_limit_message(site, agent, client):
    agent.max_chats = 1
    agent.save()
    handling.take_chat(open_chat(site, "first"), agent=agent)
    second = open_chat(site, "second")
    client.force_login(agent)
    response = client.post(reverse("chat_console:take", args=[second.ticket_id]),
                           {"from": "console"}, follow=True)
    assert "You already have 1 chat open, your limit." in response.content.decode()
    second.refresh_from_db()
    assert second.ticket.assignee is None


def test_chat_ticket_page_has_the_chat_panel_and_transfer_form(site, agent, client):
    conversation = open_chat(site, "Panel please")
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[conversation.ticket_id])).content.decode()
    assert 'id="chat-panel"' in html
    assert "Take this chat" in html
    assert reverse("chat_console:transfer", args=[conversation.ticket_id]) in html


def test_transfer_through_the_form(site, agent, team, client):
    colleague = UserFactory(teams=[team], first_name="Olga")
    conversation = open_chat(site, "Transfer me")
    handling.take_chat(conversation, agent=agent)
    client.force_login(agent)
    url = reverse("chat_console:transfer", args=[conversation.ticket_id])
    assert client.post(url, {"target": "agent:999999", "note": "x"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.ticket.assignee == agent  # an unknown target changes nothing
    client.post(url, {"target": f"agent:{colleague.pk}", "note": "VIP customer"})
    conversation.refresh_from_db()
    assert conversation.ticket.assignee == colleague


def test_away_agents_are_not_counted_as_available(site, agent, client):
    mark_available(agent.pk)
    assert queries.agents_available(site) == [agent.pk]
    client.force_login(agent)
    client.post(reverse("accounts:presence"), {"presence": "away", "next": "/chats/"})
    agent.refresh_from_db()
    assert agent.presence == "away"
    assert queries.agents_available(site) == []
    response = client.post(reverse("accounts:presence"),
                           {"presence": "online", "next": "https://evil.example/"})
    assert response["Location"] == reverse("tickets:inbox")  # no open redirect
    assert queries.agents_available(site) == [agent.pk]
