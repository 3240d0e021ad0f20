"""The periodic watch: waiting chats alert once; unanswered chats of visitors who left
end as abandoned and are followed up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.channels.chat import handling, services, watch
from rapport.channels.chat.models import ChatConversation, ChatSite, ChatVisitor
from rapport.channels.chat.tests.helpers import ORIGIN
from rapport.reports.models import ReportingEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(team):
    return ChatSite.objects.create(name="Shop", allowed_origins=[ORIGIN], team=team,
                                   alert_after_seconds=120, abandon_after_seconds=300)


def chat_started(site, seconds_ago, *, seen_ago=None):
    visitor = ChatVisitor.objects.create(site=site)
    conversation, _ = services.open_conversation(site, visitor, text="Hello?", client_id="c1")
    started = timezone.now() - timedelta(seconds=seconds_ago)
    ChatConversation.objects.filter(pk=conversation.pk).update(started_at=started)
    seen = None if seen_ago is None else timezone.now() - timedelta(seconds=seen_ago)
    ChatVisitor.objects.filter(pk=visitor.pk).update(last_seen_at=seen)
    conversation.refresh_from_db()
    return conversation


def test_a_chat_waiting_too_long_alerts_its_team_once(site, django_capture_on_commit_callbacks):
    fresh = chat_started(site, 30, seen_ago=5)
    late = chat_started(site, 200, seen_ago=5)
    with django_capture_on_commit_callbacks() as callbacks:
        assert watch.alert_waiting_chats() == [late.ticket_id]
    assert callbacks, "the alert is published after commit"
    assert watch.alert_waiting_chats() == []  # once
    late.refresh_from_db()
    assert late.alerted_at is not None
    assert ReportingEvent.objects.filter(name="chat_wait_alert").count() == 1
    fresh.refresh_from_db()
    assert fresh.alerted_at is None


def test_an_answered_chat_never_alerts(site, agent):
    conversation = chat_started(site, 500, seen_ago=5)
    handling.take_chat(conversation, agent=agent)
    assert watch.alert_waiting_chats() == []


def test_an_unanswered_chat_whose_visitor_left_is_abandoned_and_tagged(site):
    gone = chat_started(site, 900, seen_ago=400)
    here = chat_started(site, 900, seen_ago=20)
    assert watch.close_abandoned_chats() == [gone.ticket_id]
    gone.refresh_from_db()
    assert gone.status == "ended"
    assert gone.end_reason == "abandoned"
    assert list(gone.ticket.tags.values_list("name", flat=True)) == [watch.ABANDONED_TAG]
    assert gone.ticket.status in ("new", "open")  # left to follow up, not closed
    assert ReportingEvent.objects.filter(name="chat_abandoned",
                                         ticket_id=gone.ticket_id).exists()
    here.refresh_from_db()
    assert here.status == "waiting"
    assert watch.close_abandoned_chats() == []


def test_a_chat_an_agent_answered_is_not_abandoned(site, agent):
    from rapport.tickets import services as tickets

    conversation = chat_started(site, 900, seen_ago=400)
    tickets.post_reply(conversation.ticket, actor=agent, body=tickets.Body(text="Hi"))
    ChatConversation.objects.filter(pk=conversation.pk).update(status="waiting")
    assert watch.close_abandoned_chats() == []
