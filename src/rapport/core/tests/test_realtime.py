"""The agent event stream delivers ticket changes only to those who may see the ticket."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from rapport.core.routing import websocket_urlpatterns
from rapport.tickets import services
from rapport.tickets.models import Priority

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(user):
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/agent/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    return communicator, connected


async def test_anonymous_is_refused():
    from django.contrib.auth.models import AnonymousUser

    communicator, connected = await _connect(AnonymousUser())
    assert not connected


async def test_changes_reach_team_and_supervisor_not_others(ticket, agent, other_agent, supervisor):
    team_socket, ok1 = await _connect(agent)
    boss_socket, ok2 = await _connect(supervisor)
    other_socket, ok3 = await _connect(other_agent)
    assert ok1
    assert ok2
    assert ok3
    await sync_to_async(services.set_priority)(ticket, actor=agent, priority=Priority.URGENT)
    for socket in (team_socket, boss_socket):
        event = await socket.receive_json_from(timeout=5)
        assert event == {"type": "ticket.changed", "ticket": {"id": ticket.pk, "status": "new"}}
    assert await other_socket.receive_nothing(timeout=0.3)
    for socket in (team_socket, boss_socket, other_socket):
        await socket.disconnect()


async def test_rolled_back_change_sends_nothing(ticket, agent):
    from django.db import transaction

    socket, ok = await _connect(agent)
    assert ok

    def change_then_fail():
        with transaction.atomic():
            services.set_priority(ticket, actor=agent, priority=Priority.LOW)
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await sync_to_async(change_then_fail)()
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()
    await asyncio.sleep(0)
