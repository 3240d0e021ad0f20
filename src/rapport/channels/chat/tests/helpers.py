"""A chat site and a visitor's websocket for the chat tests."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator

from rapport.asgi import websockets

ORIGIN = "https://shop.example.com"


async def visitor_socket(site: Any, origin: str = ORIGIN) -> WebsocketCommunicator:
    headers = [(b"origin", origin.encode()), (b"host", b"help.example.com")]
    return WebsocketCommunicator(websockets, f"/ws/chat/{site.key}/", headers=headers)


async def hello(
    socket: WebsocketCommunicator, token: str | None = None, last_seq: int = 0, identity: Any = None
) -> dict[str, Any]:
    await socket.send_json_to(
        {"type": "hello", "token": token, "last_seq": last_seq, "identity": identity}
    )
    return await socket.receive_json_from(timeout=5)


async def next_of(socket: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    """The next frame of a kind, skipping others (status, read, typing…)."""
    for _ in range(20):
        frame = await socket.receive_json_from(timeout=5)
        if frame["type"] == kind:
            return frame
    raise AssertionError(f"no {kind} frame")
