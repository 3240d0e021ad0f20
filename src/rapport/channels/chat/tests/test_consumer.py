"""The visitor's websocket: origin check, once-only messages, resume, agents' replies."""

import json

import pytest
from asgiref.sync import sync_to_async

from rapport.channels.chat import consumers
from rapport.channels.chat.models import ChatConversation, ChatSite
from rapport.channels.chat.tests.helpers import ORIGIN, hello, next_of, visitor_socket
from rapport.channels.chat.visitors import identity_signature
from rapport.reports.models import ReportingEvent
from rapport.tickets import services as tickets
from rapport.tickets.models import Message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(team):
    return ChatSite.objects.create(name="Shop", allowed_origins=[ORIGIN], team=team)


async def _connected(site, origin=ORIGIN):
    socket = await visitor_socket(site, origin)
    connected, code = await socket.connect()
    return socket, connected, code


async def test_a_foreign_origin_is_refused(site):
    socket, connected, code = await _connected(site, "https://evil.example")
    assert not connected
    assert code == consumers.CLOSE_FORBIDDEN


async def test_an_unknown_or_inactive_site_is_refused(site):
    site.active = False
    await sync_to_async(site.save)()
    _, connected, _ = await _connected(site)
    assert not connected


async def test_first_message_opens_a_chat_ticket_and_is_acked(site, team):
    socket, connected, _ = await _connected(site)
    assert connected
    welcome = await hello(socket)
    assert welcome["type"] == "welcome"
    assert welcome["conversation"] is None
    await socket.send_json_to({"type": "start", "name": "Ivan", "email": "ivan@example.test"})
    await socket.send_json_to({"type": "message", "client_id": "c1", "text": "Где посылка?"})
    ack = await next_of(socket, "ack")
    assert ack["client_id"] == "c1"
    assert ack["seq"] > 0
    conversation = await sync_to_async(
        ChatConversation.objects.select_related("ticket__requester").get
    )()
    assert conversation.ticket.channel == "chat"
    assert conversation.ticket.team_id == team.pk
    assert conversation.ticket.requester.email == "ivan@example.test"
    assert conversation.ticket.language == "ru"
    await socket.disconnect()


async def test_a_resent_message_is_stored_once(site):
    socket, _, _ = await _connected(site)
    await hello(socket)
    for _ in range(2):
        await socket.send_json_to({"type": "message", "client_id": "same", "text": "hi"})
    first, second = await next_of(socket, "ack"), await next_of(socket, "ack")
    assert first["seq"] == second["seq"]
    assert await sync_to_async(Message.objects.filter(body_text="hi").count)() == 1
    await socket.disconnect()


async def test_agent_reply_reaches_the_visitor_and_resume_gets_what_was_missed(site, agent):
    socket, _, _ = await _connected(site)
    welcome = await hello(socket)
    await socket.send_json_to({"type": "message", "client_id": "c1", "text": "hello"})
    ack = await next_of(socket, "ack")
    conversation = await sync_to_async(ChatConversation.objects.select_related("ticket").get)()
    await sync_to_async(tickets.post_reply)(
        conversation.ticket, actor=agent, body=tickets.Body(text="Hi, I am Anna")
    )
    reply = await next_of(socket, "message")
    while reply["author"] != "agent":
        reply = await next_of(socket, "message")
    assert reply["text"] == "Hi, I am Anna"
    assert reply["seq"] > ack["seq"]
    await socket.disconnect()
    # Offline for a while: two more agent messages, then the widget comes back.
    for text in ("Are you there?", "I found your parcel"):
        await sync_to_async(tickets.post_reply)(
            conversation.ticket, actor=agent, body=tickets.Body(text=text)
        )
    again, _, _ = await _connected(site)
    resumed = await hello(again, token=welcome["token"], last_seq=reply["seq"])
    assert [m["text"] for m in resumed["messages"]] == ["Are you there?", "I found your parcel"]
    assert resumed["conversation"]["status"] == "active"
    await again.disconnect()


async def test_a_visitor_never_sees_another_conversation(site, agent):
    alice, _, _ = await _connected(site)
    bob, _, _ = await _connected(site)
    await hello(alice)
    await hello(bob)
    await alice.send_json_to({"type": "message", "client_id": "a", "text": "alice here"})
    await next_of(alice, "ack")
    assert await bob.receive_nothing(timeout=0.3)
    conversation = await sync_to_async(ChatConversation.objects.select_related("ticket").get)()
    await sync_to_async(tickets.post_reply)(
        conversation.ticket, actor=agent, body=tickets.Body(text="for alice")
    )
    assert await bob.receive_nothing(timeout=0.3)
    # A forged token is a new, empty visitor, not Alice.
    forged = await hello(bob, token="forged:token")
    assert forged["conversation"] is None
    assert forged["messages"] == []
    await alice.disconnect()
    await bob.disconnect()


async def test_limits_answer_with_clear_errors(site, monkeypatch):
    monkeypatch.setattr(consumers, "RATE_FRAMES", 3)
    socket, _, _ = await _connected(site)
    await socket.send_json_to({"type": "message", "client_id": "x", "text": "too early"})
    assert (await socket.receive_json_from())["code"] == "invalid"
    await socket.send_to(text_data="x" * (consumers.MAX_FRAME_BYTES + 1))
    assert (await socket.receive_json_from())["code"] == "frame_too_large"
    await socket.send_to(text_data="{not json")
    assert (await socket.receive_json_from())["code"] == "invalid"
    await socket.send_to(text_data=json.dumps({"type": "typing"}))
    assert (await socket.receive_json_from())["code"] == "rate_limited"
    await socket.disconnect()


async def test_an_idle_connection_is_closed(site, monkeypatch):
    monkeypatch.setattr(consumers.VisitorChatConsumer, "idle_seconds", 0.3)
    socket, _, _ = await _connected(site)
    output = await socket.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": consumers.CLOSE_IDLE}


async def test_a_signed_identity_joins_the_customer_and_an_unsigned_one_is_ignored(site):
    signature = await sync_to_async(identity_signature)(site, "u-17")
    good = {
        "user_id": "u-17",
        "email": "known@example.test",
        "name": "Known",
        "signature": signature,
    }
    bad = {**good, "email": "victim@example.test", "signature": "0" * 64}
    for identity, email in ((good, "known@example.test"), (bad, None)):
        socket, _, _ = await _connected(site)
        await hello(socket, identity=identity)
        await socket.send_json_to({"type": "message", "client_id": "i", "text": "hi"})
        await next_of(socket, "ack")
        conversation = await sync_to_async(
            ChatConversation.objects.select_related("ticket__requester").latest
        )("started_at")
        assert conversation.ticket.requester.email == (email or "")
        await socket.disconnect()


async def test_ending_and_rating_records_csat(site):
    socket, _, _ = await _connected(site)
    await hello(socket)
    await socket.send_json_to({"type": "message", "client_id": "c", "text": "thanks"})
    await next_of(socket, "ack")
    await socket.send_json_to({"type": "end"})
    assert (await next_of(socket, "status"))["status"] == "ended"
    await socket.send_json_to({"type": "rate", "score": 5, "comment": "Быстро!"})
    await next_of(socket, "rated")
    event = await sync_to_async(ReportingEvent.objects.get)(name="csat_answered")
    assert event.data == {"score": 5, "source": "chat"}
    await socket.send_json_to({"type": "rate", "score": 9})
    assert (await next_of(socket, "error"))["code"] == "invalid_rating"
    await socket.disconnect()


async def test_transcript_goes_to_the_given_address_at_most_three_times(site, mailoutbox):
    socket, _, _ = await _connected(site)
    await hello(socket)
    await socket.send_json_to({"type": "message", "client_id": "t", "text": "Где посылка?"})
    await next_of(socket, "ack")
    for _ in range(3):
        await socket.send_json_to({"type": "transcript", "email": "me@example.test"})
        assert (await next_of(socket, "transcript"))["sent"] is True
    await socket.send_json_to({"type": "transcript", "email": "me@example.test"})
    assert (await next_of(socket, "error"))["code"] == "transcript_limit"
    assert len(mailoutbox) == 3
    assert "Где посылка?" in mailoutbox[0].body
    assert mailoutbox[0].to == ["me@example.test"]
    await socket.disconnect()
