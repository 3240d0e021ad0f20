"""An agent with an agent page open (its event stream connected) makes the chat online."""

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from rapport.accounts.availability import available
from rapport.core.routing import websocket_urlpatterns

pytestmark = pytest.mark.django_db(transaction=True)


async def test_an_open_agent_page_makes_the_agent_available(agent, other_agent):
    cache.clear()
    assert available([agent.pk]) == []
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/agent/")
    socket.scope["user"] = agent
    connected, _ = await socket.connect()
    assert connected
    assert available([agent.pk, other_agent.pk]) == [agent.pk]
    cache.clear()  # the heartbeat expired…
    await socket.send_json_to({"type": "here"})  # …and the page's next heartbeat renews it
    for _ in range(50):
        if available([agent.pk]):
            break
        await socket.receive_nothing(timeout=0.05)
    assert available([agent.pk]) == [agent.pk]
    await socket.disconnect()
