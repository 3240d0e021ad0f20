"""The agent's chat verbs: take within the limit, warm transfer with a note, end."""

import pytest
from django.urls import reverse

from rapport.accounts.tests.factories import UserFactory
from rapport.channels.chat import handling, services
from rapport.channels.chat.models import ChatConversation, ChatSite, ChatVisitor, EndReason
from rapport.channels.chat.tests.helpers import ORIGIN
from rapport.channels.email.models import OutboundEmail
from rapport.core.errors import InvalidInput
from rapport.reports.models import ReportingEvent
from rapport.tickets import services as tickets
from rapport.tickets.models import EventKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(team):
    return ChatSite.objects.create(name="Shop", allowed_origins=[ORIGIN], team=team)


def open_chat(site, text="Where is my parcel?", email=""):
    visitor = ChatVisitor.objects.create(site=site)
    conversation, _ = services.open_conversation(site, visitor, text=text, client_id="c1",
                                                 email=email)
    return conversation


@pytest.fixture
def frames(monkeypatch):
    """The frames each verb publishes to the visitor's conversation."""
    sent = []
    monkeypatch.setattr(services, "publish", lambda conversation, frame: sent.append(frame))
    return sent


def test_taking_a_chat_assigns_it_and_tells_the_visitor(site, agent, frames):
    agent.first_name = "Anna"
    agent.save()
    conversation = open_chat(site, text="Где моя посылка? Её нет уже неделю")
    handling.take_chat(conversation, agent=agent)
    conversation.refresh_from_db()
    assert conversation.ticket.assignee == agent
    assert conversation.status == "active"
    assert frames[-1]["status"] == "active"
    assert frames[-1]["agent"] == "Anna"
    assert "Anna" in frames[-1]["text"]


def test_the_chat_limit_is_respected(site, agent):
    agent.max_chats = 2
    agent.save()
    for _ in range(2):
        handling.take_chat(open_chat(site), agent=agent)
    third = open_chat(site)
    with pytest.raises(InvalidInput) as refused:
        handling.take_chat(third, agent=agent)
    assert refused.value.code == "chat_limit"
    third.refresh_from_db()
    assert third.ticket.assignee is None
    # An ended chat frees a place.
    first = ChatConversation.objects.filter(ticket__assignee=agent).first()
    handling.end_chat(first, agent=agent)
    handling.take_chat(third, agent=agent)
    assert handling.open_chats_of(agent) == 2


def test_a_chat_someone_else_has_cannot_be_taken(site, agent, team):
    colleague = UserFactory(teams=[team])
    conversation = open_chat(site)
    handling.take_chat(conversation, agent=agent)
    with pytest.raises(InvalidInput) as refused:
        handling.take_chat(conversation, agent=colleague)
    assert refused.value.code == "taken"


def test_warm_transfer_keeps_the_chat_and_puts_the_note_first(site, agent, team, client, frames):
    colleague = UserFactory(teams=[team], first_name="Olga")
    conversation = open_chat(site)
    handling.take_chat(conversation, agent=agent)
    handling.transfer_chat(conversation, actor=agent, to_agent=colleague,
                           note="Wants a refund for order 4471; address already checked.")
    conversation.refresh_from_db()
    ticket = conversation.ticket
    assert ticket.assignee == colleague
    assert conversation.status == "active"  # the same conversation: nobody starts over
    event = ticket.events.get(kind=EventKind.TRANSFERRED)
    assert event.data["note"].startswith("Wants a refund")
    assert ReportingEvent.objects.filter(name="chat_transferred", ticket_id=ticket.pk).exists()
    told = frames[-1]
    assert told["status"] == "transferred"
    assert told["agent"] == "Olga"
    assert "Olga" in told["text"]
    client.force_login(colleague)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert html.index("Wants a refund") < html.index('id="timeline"')  # read first
    client.force_login(agent)  # the note heads the page only for its receiver's holding
    handling.transfer_chat(conversation, actor=colleague, to_team=team, note="Back to queue")
    conversation.refresh_from_db()
    assert conversation.status == "waiting"
    assert conversation.ticket.assignee is None


def test_a_transfer_needs_a_note_and_respects_the_receivers_limit(site, agent, team):
    colleague = UserFactory(teams=[team], max_chats=1)
    handling.take_chat(open_chat(site), agent=colleague)
    conversation = open_chat(site)
    handling.take_chat(conversation, agent=agent)
    with pytest.raises(InvalidInput) as no_note:
        handling.transfer_chat(conversation, actor=agent, to_agent=colleague, note="  ")
    assert no_note.value.code == "note_required"
    with pytest.raises(InvalidInput) as full:
        handling.transfer_chat(conversation, actor=agent, to_agent=colleague, note="Please")
    assert full.value.code == "chat_limit"
    conversation.refresh_from_db()
    assert conversation.ticket.assignee == agent


def test_after_the_chat_ends_a_reply_follows_up_by_email(site, agent, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    conversation = open_chat(site, email="marta@example.test")
    handling.end_chat(conversation, agent=agent)
    conversation.refresh_from_db()
    assert conversation.end_reason == EndReason.AGENT
    with django_capture_on_commit_callbacks(execute=True):
        tickets.post_reply(conversation.ticket, actor=agent,
                           body=tickets.Body(text="We found your parcel."))
    queued = OutboundEmail.objects.get(ticket=conversation.ticket)
    assert queued.to == ["marta@example.test"]
    assert queued.ticket_message.body_text == "We found your parcel."


def test_while_the_chat_lives_a_reply_goes_to_the_widget_not_by_email(site, agent, frames):
    conversation = open_chat(site, email="marta@example.test")
    tickets.post_reply(conversation.ticket, actor=agent, body=tickets.Body(text="Hello!"))
    assert not OutboundEmail.objects.filter(ticket=conversation.ticket).exists()
    assert frames[-1]["type"] == "message"
    assert frames[-1]["text"] == "Hello!"
