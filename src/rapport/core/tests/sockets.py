"""The agent's websocket for tests: a communicator with the user already in its scope."""

from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from rapport.core.routing import websocket_urlpatterns


async def agent_communicator(user: Any) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(URLRouter(websocket_urlpatterns), "/ws/agent/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    return communicator, connected
