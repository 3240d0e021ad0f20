"""Scale-out: two real server processes sharing events through Redis. A visitor on
node A and an agent on node B talk in real time."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connection
from django.test import Client

from rapport.channels.chat.models import ChatSite
from rapport.channels.chat.tests.helpers import ORIGIN

ROOT = Path(__file__).resolve().parents[5]
REDIS_URL = os.environ.get("RAPPORT_REDIS_URL", "")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (settings.DATABASES["default"]["ENGINE"].endswith("postgresql") and REDIS_URL),
        reason="two nodes share one PostgreSQL database and Redis (the PostgreSQL run)",
    ),
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _redis_url() -> str:
    """A Redis database of the nodes' own: nothing the test workers do (they clear their
    caches) can touch the queues the two nodes share."""
    from urllib.parse import urlsplit, urlunsplit

    return urlunsplit(urlsplit(REDIS_URL)._replace(path="/15"))


@pytest.fixture
def nodes(tmp_path):
    env = {**os.environ, "RAPPORT_DATABASE_URL": _database_url(), "RAPPORT_REDIS_URL": _redis_url(),
           "RAPPORT_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "rapport.settings",
           "RAPPORT_ALLOWED_HOSTS": "127.0.0.1", "PYTHONPATH": str(ROOT / "src")}
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "rapport.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning",
             # A loaded CI machine must not turn a slow pong into a dropped socket.
             "--ws-ping-interval", "600", "--ws-ping-timeout", "600"],
            env=env, cwd=ROOT, stdout=(tmp_path / f"node-{port}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        for port in ports:
            _wait_ready(port)
        yield ports
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        for log in sorted(tmp_path.glob("node-*.log")):  # shown by pytest on a failure
            print(f"--- {log.name}\n{log.read_text(errors='replace')[-5000:]}")  # noqa: T201


def _wait_ready(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError(f"node on {port} did not start")


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def _frame_of(ws, kind: str, author: str | None = None) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout=30))
        if frame["type"] == kind and (author is None or frame.get("author") == author):
            return frame


def _reply_over_http(port: int, cookie: str, ticket_id: int, text: str) -> None:
    base = f"http://127.0.0.1:{port}"
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
        f"ws://127.0.0.1:{node_b}/ws/agent/", origin=f"http://127.0.0.1:{node_b}",
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        ping_interval=None,
    )
    visitor = await websockets.connect(f"ws://127.0.0.1:{node_a}/ws/chat/{site.key}/",
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
