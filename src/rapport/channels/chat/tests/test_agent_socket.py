"""The chat between the agent's ticket page and the visitor's widget: typing both ways,
read receipts, and the waiting alert reaching the agent's page."""

import pytest
from asgiref.sync import sync_to_async

from rapport.channels.chat import watch
from rapport.channels.chat.models import ChatConversation, ChatSite
from rapport.channels.chat.tests.helpers import ORIGIN, hello, next_of, visitor_socket
from rapport.core.tests.sockets import agent_communicator

pytestmark = [
    pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")
]




@pytest.fixture
def site(team):
    return ChatSite.objects.create(name="Shop", allowed_origins=[ORIGIN], team=team,
                                   alert_after_seconds=0)


async def _agent_socket(user):
    socket, connected = await agent_communicator(user)
    assert connected
    return socket


async def _agent_frame(socket, kind):
    for _ in range(30):
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame for the agent")


async def _visitor_with_chat(site):
    visitor = await visitor_socket(site)
    connected, _ = await visitor.connect()
    assert connected
    await hello(visitor)
    await visitor.send_json_to({"type": "message", "client_id": "c1", "text": "Hello there"})
    ack = await next_of(visitor, "ack")
    conversation = await sync_to_async(ChatConversation.objects.get)()
    return visitor, conversation, ack


async def test_agent_and_visitor_see_each_other_typing_and_reading(site, agent):
    visitor, conversation, ack = await _visitor_with_chat(site)
    page = await _agent_socket(agent)
    await page.send_json_to({"type": "viewing", "ticket": conversation.ticket_id})
    # Opening the chat ticket reads the visitor's message: the widget gets a receipt.
    receipt = await next_of(visitor, "read")
    assert receipt == {"type": "read", "author": "agent", "seq": ack["seq"]}
    await visitor.send_json_to({"type": "typing", "typing": True})
    typing = await _agent_frame(page, "chat.typing")
    assert typing == {"type": "chat.typing", "ticket": conversation.ticket_id, "typing": True}
    await page.send_json_to({"type": "typing", "ticket": conversation.ticket_id, "typing": True})
    agent_typing = await next_of(visitor, "typing")
    assert agent_typing["author"] == "agent"
    assert agent_typing["typing"] is True
    # A new visitor message, with the agent looking at the chat, is read at once.
    await visitor.send_json_to({"type": "message", "client_id": "c2", "text": "Still there?"})
    second = await next_of(visitor, "ack")
    receipt = await next_of(visitor, "read")
    assert receipt["seq"] == second["seq"]
    await visitor.send_json_to({"type": "read", "seq": second["seq"]})
    read = await _agent_frame(page, "chat.read")
    assert read["seq"] == second["seq"]
    # Leaving the page while typing tells the visitor the agent stopped.
    await page.send_json_to({"type": "leave", "ticket": conversation.ticket_id})
    stopped = await next_of(visitor, "typing")
    assert stopped["typing"] is False
    await page.disconnect()
    await visitor.disconnect()


async def test_an_agent_opening_the_chat_while_the_visitor_types_sees_it_at_once(site, agent):
    # The widget says "typing" once per burst; an agent who opens the ticket after that
    # frame went out must still see it, not wait for the visitor's next burst.
    visitor, conversation, _ = await _visitor_with_chat(site)
    await visitor.send_json_to({"type": "typing", "typing": True})
    page = await _agent_socket(agent)
    await page.send_json_to({"type": "viewing", "ticket": conversation.ticket_id})
    typing = await _agent_frame(page, "chat.typing")
    assert typing == {"type": "chat.typing", "ticket": conversation.ticket_id, "typing": True}
    await visitor.send_json_to({"type": "typing", "typing": False})
    assert (await _agent_frame(page, "chat.typing"))["typing"] is False
    # A visitor who stopped is not replayed to the next agent who opens the chat.
    second = await _agent_socket(agent)
    await second.send_json_to({"type": "viewing", "ticket": conversation.ticket_id})
    await _agent_frame(second, "presence")
    assert await second.receive_nothing(timeout=0.3)
    await page.disconnect()
    await second.disconnect()
    await visitor.disconnect()


async def test_an_agent_who_may_not_see_the_chat_gets_nothing_of_it(site, other_agent):
    visitor, conversation, _ = await _visitor_with_chat(site)
    page = await _agent_socket(other_agent)  # another team: the chat is not theirs
    await page.send_json_to({"type": "viewing", "ticket": conversation.ticket_id})
    await visitor.send_json_to({"type": "typing", "typing": True})
    assert await page.receive_nothing(timeout=0.5)
    assert await visitor.receive_nothing(timeout=0.3)  # and no read receipt from them
    await page.disconnect()
    await visitor.disconnect()


async def test_a_chat_waiting_too_long_alerts_the_team_page(site, agent, other_agent):
    visitor, conversation, _ = await _visitor_with_chat(site)
    page = await _agent_socket(agent)
    outsider = await _agent_socket(other_agent)
    assert await sync_to_async(watch.alert_waiting_chats)() == [conversation.ticket_id]
    alert = await _agent_frame(page, "chat.waiting")
    assert alert["ticket"]["id"] == conversation.ticket_id
    assert await outsider.receive_nothing(timeout=0.5)
    await page.disconnect()
    await outsider.disconnect()
    await visitor.disconnect()
