"""Scale-out: two real server processes sharing events through Redis. A visitor on
node A and an agent on node B talk in real time (raw websockets; the same in a real
browser: test_widget_browser.py)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.test import Client

from rapport.channels.chat.models import ChatSite
from rapport.channels.chat.tests.helpers import ORIGIN
from rapport.channels.chat.tests.nodes import Node, running_nodes, two_nodes_only

pytestmark = [pytest.mark.django_db(transaction=True), two_nodes_only]


@pytest.fixture
def nodes(tmp_path) -> Iterator[list[Node]]:
    with running_nodes(tmp_path) as running:
        yield running


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _frame_of(ws, kind: str, author: str | None = None) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
        if frame["type"] == kind and (author is None or frame.get("author") == author):
            return frame


def _reply_over_http(node: Node, cookie: str, ticket_id: int, text: str) -> None:
    base = node.url
    with httpx.Client(base_url=base, cookies={settings.SESSION_COOKIE_NAME: cookie}) as http:
        page = http.get(f"/tickets/{ticket_id}/")
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        response = http.post(
            f"/tickets/{ticket_id}/reply/", headers={"Referer": f"{base}/tickets/{ticket_id}/"},
            data={"csrfmiddlewaretoken": token, "kind": "reply", "body": text, "status": ""},
        )
        assert response.status_code in (200, 302), response.text[:500]


async def test_visitor_on_one_node_and_agent_on_the_other(nodes, team, agent):
    node_a, node_b = nodes
    site = await database_sync_to_async(ChatSite.objects.create)(
        name="Shop", allowed_origins=[ORIGIN], team=team
    )
    cookie = await database_sync_to_async(_session_cookie)(agent)
    agent_ws = await websockets.connect(
        f"{node_b.ws_url}/ws/agent/", origin=node_b.url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        ping_interval=None,
    )
    visitor = await websockets.connect(f"{node_a.ws_url}/ws/chat/{site.key}/",
                                       origin=ORIGIN, ping_interval=None)
    await visitor.send(json.dumps({"type": "hello", "token": None, "last_seq": 0}))
    await _frame_of(visitor, "welcome")
    await visitor.send(json.dumps({"type": "message", "client_id": "v1", "text": "Hello?"}))
    await _frame_of(visitor, "ack")
    changed = json.loads(await asyncio.wait_for(agent_ws.recv(), timeout=30))
    assert changed["type"] == "ticket.changed"  # node A's event reached node B
    ticket_id = changed["ticket"]["id"]
    await asyncio.to_thread(_reply_over_http, node_b, cookie, ticket_id, "Hi from node B")
    reply = await _frame_of(visitor, "message", author="agent")
    assert reply["text"] == "Hi from node B"
    await visitor.close()
    await agent_ws.close()
