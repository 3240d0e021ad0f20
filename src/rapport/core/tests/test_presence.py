"""Collision detection: who else views or types on a ticket, only among those who may see it."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from rapport.core import consumers
from rapport.core.realtime import presence_group
from rapport.core.tests.sockets import agent_communicator
from rapport.tickets import services

pytestmark = [
    pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_channel_layer")
]




async def _connect(user):
    socket, connected = await agent_communicator(user)
    assert connected
    return socket


async def _presence(socket, timeout: float = 5) -> list[dict]:
    """The next presence frame's list of others (ticket events in between are skipped)."""
    while True:
        frame = await socket.receive_json_from(timeout=timeout)
        if frame["type"] == "presence":
            return frame["others"]


def _person(user, typing=False) -> dict:
    return {"id": user.pk, "name": str(user), "typing": typing}


async def _view(socket, ticket) -> list[dict]:
    await socket.send_json_to({"type": "viewing", "ticket": ticket.pk})
    return await _presence(socket)


async def test_two_agents_see_each_other_typing_and_leaving(ticket, agent, supervisor):
    anna = await _connect(agent)
    sofia = await _connect(supervisor)
    assert await _view(anna, ticket) == []
    assert await _view(sofia, ticket) == []
    assert await _presence(sofia) == [_person(agent)]  # Anna answered the newcomer
    assert await _presence(anna) == [_person(supervisor)]

    await sofia.send_json_to({"type": "typing", "ticket": ticket.pk, "typing": True})
    assert await _presence(anna) == [_person(supervisor, typing=True)]
    await sofia.send_json_to({"type": "typing", "ticket": ticket.pk, "typing": False})
    assert await _presence(anna) == [_person(supervisor)]

    await sofia.disconnect()
    assert await _presence(anna) == []
    await anna.disconnect()


async def test_agent_who_may_not_see_the_ticket_is_refused_and_learns_nothing(
    ticket, agent, other_agent,
):
    anna = await _connect(agent)
    boris = await _connect(other_agent)  # Technical support; the ticket is Billing's
    assert await _view(anna, ticket) == []
    await boris.send_json_to({"type": "viewing", "ticket": ticket.pk})
    await boris.send_json_to({"type": "typing", "ticket": ticket.pk, "typing": True})
    await boris.send_json_to({"type": "viewing", "ticket": 999_999})  # no such ticket
    assert await boris.receive_nothing(timeout=0.5)  # not even a refusal to tell them apart
    assert await anna.receive_nothing(timeout=0.2)  # and Anna is not told about Boris
    for socket in (anna, boris):
        await socket.disconnect()


async def test_ticket_moved_out_of_view_ends_presence_on_the_next_heartbeat(
    ticket, agent, supervisor, other_team,
):
    anna = await _connect(agent)
    sofia = await _connect(supervisor)
    assert await _view(sofia, ticket) == []
    assert await _view(anna, ticket) == []
    assert await _presence(anna) == [_person(supervisor)]
    assert await _presence(sofia) == [_person(agent)]
    await sync_to_async(services.set_team)(ticket, actor=supervisor, team=other_team)
    await anna.send_json_to({"type": "viewing", "ticket": ticket.pk})  # the heartbeat
    assert await _presence(sofia) == []
    for socket in (anna, sofia):
        await socket.disconnect()


async def test_peer_that_vanished_without_goodbye_expires(ticket, agent, monkeypatch):
    monkeypatch.setattr(consumers, "EXPIRY_SECONDS", 0.3)
    anna = await _connect(agent)
    assert await _view(anna, ticket) == []
    # A socket on a server process that then died: it said hello, and nothing ever again.
    await get_channel_layer().group_send(presence_group(ticket.pk), {
        "type": "presence.state", "ticket": ticket.pk, "channel": "gone!1", "user": 10_000,
        "name": "Ghost", "typing": True,
    })
    assert await _presence(anna) == [{"id": 10_000, "name": "Ghost", "typing": True}]
    await asyncio.sleep(0.4)
    await anna.send_json_to({"type": "viewing", "ticket": ticket.pk})  # Anna's heartbeat
    assert await _presence(anna) == []
    await anna.disconnect()


async def test_same_agent_in_two_tabs_is_no_collision_and_nonsense_is_ignored(ticket, agent):
    first = await _connect(agent)
    second = await _connect(agent)
    assert await _view(first, ticket) == []
    assert await _view(second, ticket) == []
    for nonsense in ({"type": "viewing", "ticket": True}, {"type": "viewing", "ticket": "1"},
                     {"type": "typing", "ticket": ticket.pk + 1, "typing": True}, [1, 2]):
        await second.send_json_to(nonsense)
    assert await first.receive_nothing(timeout=0.3)
    assert await second.receive_nothing(timeout=0.1)
    for socket in (first, second):
        await socket.disconnect()
