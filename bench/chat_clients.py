"""The chat benchmark's clients: visitors (the widget's protocol, docs/chat-protocol.md)
and agents (the agent websocket, replies through the ticket page's composer).

Clients only record raw timestamps (time.monotonic(), the same clock in every process on
Linux); chat_report.py matches them up afterwards. Visitors run in shard processes
(`run_shard`), driven through a pipe by the main process, which runs the agents.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Coroutine
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import httpx
import websockets

from bench.words import LANGUAGES, REPLIES, SENTENCES, SUBJECTS

ORIGIN = "http://shop.bench"
ACK_TIMEOUT = 30.0
OPEN_TIMEOUT = 60.0
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
REPLY_TOKEN = re.compile(r"\[(r\d+-\d+)\]$")


def run_loop(main: Coroutine[Any, Any, Any]) -> Any:
    """uvloop when it is installed (uvicorn[standard] brings it): a cheaper client."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def ws_url(base_url: str, path: str) -> str:
    return base_url.replace("http://", "ws://", 1) + path


class LagMonitor:
    """How late this process's event loop wakes up: a busy load generator shows here."""

    def __init__(self, period: float = 0.05) -> None:
        self.period = period
        self.samples: list[float] = []
        self.recording = False
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            expected = time.monotonic() + self.period
            await asyncio.sleep(self.period)
            if self.recording:
                self.samples.append(max(0.0, time.monotonic() - expected))


def cpu_now() -> float:
    times = os.times()
    return times.user + times.system


# --- visitors -------------------------------------------------------------------------
@dataclass
class Send:
    client_id: str
    sent: float
    acked: float | None = None
    seq: int | None = None


@dataclass
class VisitorLog:
    index: int
    node: int
    connected: bool = False
    connect_error: str = ""
    hello_s: float | None = None
    opening: Send | None = None  # the first message, which opens the conversation
    sends: list[Send] = field(default_factory=list)
    agent_frames: list[tuple[str, float, int]] = field(default_factory=list)  # text, at, seq
    out_of_order: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    closed_code: int | None = None
    closed_reason: str = ""


class Visitor:
    def __init__(self, index: int, node: int, url: str, seed: int, deflate: bool) -> None:
        self.log = VisitorLog(index=index, node=node)
        self.url = url
        self.compression = "deflate" if deflate else None  # browsers offer permessage-deflate
        self.language = LANGUAGES[index % len(LANGUAGES)]
        self.rng = random.Random(seed * 100_003 + index)
        self.ws: Any = None
        self.pending: dict[str, asyncio.Future[tuple[float, int]]] = {}
        self.welcome: asyncio.Future[float] | None = None
        self.last_seq = 0
        self.sent = 0
        self.reader: asyncio.Task[None] | None = None
        self.stopping = False

    async def connect(self) -> None:
        """The widget on a page view: connect, then hello."""
        try:
            self.ws = await websockets.connect(
                self.url,
                origin=ORIGIN,  # type: ignore[arg-type]
                compression=self.compression,
                ping_interval=None,
                open_timeout=OPEN_TIMEOUT,
            )
        except (TimeoutError, OSError, websockets.WebSocketException) as exc:
            self.log.connect_error = type(exc).__name__
            return
        self.log.connected = True
        self.reader = asyncio.ensure_future(self._read())
        self.welcome = asyncio.get_running_loop().create_future()
        started = time.monotonic()
        await self._send_frame(
            {
                "type": "hello",
                "token": None,
                "last_seq": 0,
                "page": {"url": f"{ORIGIN}/shop", "title": "Shop"},
            }
        )
        try:
            self.log.hello_s = await asyncio.wait_for(self.welcome, ACK_TIMEOUT) - started
        except (TimeoutError, websockets.WebSocketException):
            self.log.errors["no_welcome"] += 1

    async def start_chat(self) -> None:
        """The first message, which opens the conversation (a ticket)."""
        if self.log.hello_s is None or self.log.closed_code:
            return
        text = self.rng.choice(SUBJECTS[self.language])
        self.log.opening = await self.send_message(text)
        self.log.sends.clear()  # the opening is reported on its own

    async def send_message(self, text: str) -> Send | None:
        """Send one message and wait for its ack; None when the socket is gone."""
        client_id = f"v{self.log.index}-{self.sent}"
        self.sent += 1
        future: asyncio.Future[tuple[float, int]] = asyncio.get_running_loop().create_future()
        self.pending[client_id] = future
        send = Send(client_id, time.monotonic())
        self.log.sends.append(send)
        if not await self._send_frame({"type": "message", "client_id": client_id, "text": text}):
            return None
        try:
            send.acked, send.seq = await asyncio.wait_for(future, ACK_TIMEOUT)
        except TimeoutError:
            self.log.errors["no_ack"] += 1
        except websockets.WebSocketException:
            self.log.errors["closed_before_ack"] += 1
        self.pending.pop(client_id, None)
        return send

    async def chat(self, start: float, end: float, rate: float) -> None:
        """Messages as a Poisson process of `rate` per second, from `start` until `end`."""
        due = start + self.rng.expovariate(rate)
        while due < end and self.ws is not None and not self.log.closed_code:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            text = self.rng.choice(SENTENCES[self.language])
            if await self.send_message(text) is None:
                return
            due += self.rng.expovariate(rate)

    async def _send_frame(self, frame: dict[str, Any]) -> bool:
        try:
            await self.ws.send(json.dumps(frame, ensure_ascii=False))
        except websockets.WebSocketException:
            self.log.errors["send_failed"] += 1
            return False
        return True

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                self._on_frame(json.loads(raw), time.monotonic())
        except websockets.ConnectionClosed:
            pass
        if not self.stopping:
            self.log.closed_code = self.ws.close_code or -1
            self.log.closed_reason = str(self.ws.close_reason or "")
        for future in self.pending.values():
            if not future.done():
                future.set_exception(websockets.ConnectionClosed(None, None))

    def _on_frame(self, frame: dict[str, Any], at: float) -> None:
        kind = frame.get("type")
        if kind == "welcome" and self.welcome is not None and not self.welcome.done():
            self.welcome.set_result(at)
        elif kind == "ack":
            future = self.pending.get(frame.get("client_id", ""))
            if future is not None and not future.done():
                future.set_result((at, frame["seq"]))
        elif kind == "message":
            self._on_message(frame, at)
        elif kind == "error":
            self.log.errors[str(frame.get("code"))] += 1

    def _on_message(self, frame: dict[str, Any], at: float) -> None:
        seq = frame["seq"]
        if seq <= self.last_seq:
            self.log.out_of_order += 1  # seq must only grow: a repeat or a reordering
        self.last_seq = max(self.last_seq, seq)
        if frame.get("author") == "agent":
            self.log.agent_frames.append((frame.get("text", ""), at, seq))

    async def close(self) -> None:
        self.stopping = True
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


@dataclass
class ShardConfig:
    number: int
    visitors: list[tuple[int, int, str]]  # index, node, websocket URL
    ramp_rate: float  # new connections per second, this shard's share
    open_rate: float  # chats opened per second, this shard's share
    seed: int
    deflate: bool = True


async def _paced(coros: list[Awaitable[None]], rate: float) -> None:
    """Start one coroutine every 1/rate seconds; wait for them all."""
    started = time.monotonic()
    tasks = []
    for number, coro in enumerate(coros):
        await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
        tasks.append(asyncio.ensure_future(coro))
    await asyncio.gather(*tasks)


class Shard:
    """A process's share of the visitors; obeys ramp / measure / stop from the pipe."""

    def __init__(self, pipe: Connection, config: ShardConfig) -> None:
        self.pipe = pipe
        self.config = config
        self.visitors = [
            Visitor(i, node, url, config.seed, config.deflate) for i, node, url in config.visitors
        ]
        self.lag = LagMonitor()

    async def _command(self) -> tuple[Any, ...]:
        command: tuple[Any, ...] = await asyncio.to_thread(self.pipe.recv)
        return command

    async def run(self) -> None:
        self.lag.start()
        await self._command()  # "connect"
        started = time.monotonic()
        await _paced([v.connect() for v in self.visitors], self.config.ramp_rate)
        connected = sum(v.log.connected for v in self.visitors)
        self.pipe.send(("connected", time.monotonic() - started, connected))
        await self._command()  # "open"
        started = time.monotonic()
        await _paced([v.start_chat() for v in self.visitors], self.config.open_rate)
        self.pipe.send(("opened", time.monotonic() - started))
        _, start, end, rate = await self._command()  # "measure"
        chats = [asyncio.ensure_future(v.chat(start, end, rate)) for v in self.visitors]
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        cpu_start, self.lag.recording = cpu_now(), True
        await asyncio.sleep(max(0.0, end - time.monotonic()))
        cpu_used, self.lag.recording = cpu_now() - cpu_start, False
        await self._command()  # "stop": the agents' last replies had time to arrive
        await asyncio.gather(*chats)
        await asyncio.gather(*(v.close() for v in self.visitors))
        self.pipe.send(("done", [v.log for v in self.visitors], cpu_used, self.lag.samples))


def run_shard(pipe: Connection, config: ShardConfig) -> None:
    """Entry point of a visitor shard process."""
    try:
        run_loop(Shard(pipe, config).run())
    except KeyboardInterrupt:
        pass


# --- agents ---------------------------------------------------------------------------
@dataclass
class Reply:
    token: str
    text: str
    agent: int
    ticket: int
    posted: float
    answered: float = 0.0  # the POST's 302
    reloaded: float = 0.0  # the ticket page it redirects to, as the browser loads it
    status: int = 0


class Agent:
    """An agent with the inbox open (the websocket) who answers some chats over HTTP."""

    def __init__(self, number: int, node: int, base_url: str, cookie: str, seed: int) -> None:
        self.number = number
        self.node = node
        self.base_url = base_url
        self.cookie = cookie
        self.rng = random.Random(seed * 7_919 + number)
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None
        self.recording = False
        self.arrivals: dict[int, list[float]] = defaultdict(list)  # ticket -> event times
        self.closed_code: int | None = None
        self.stopping = False
        self.http: httpx.AsyncClient | None = None
        self.csrf = ""
        self.replies: list[Reply] = []

    async def connect(self) -> None:
        self.ws = await websockets.connect(
            ws_url(self.base_url, "/ws/agent/"),
            origin=self.base_url,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"sessionid={self.cookie}"},
            ping_interval=None,
            open_timeout=OPEN_TIMEOUT,
        )
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                at = time.monotonic()
                frame = json.loads(raw)
                if self.recording and frame.get("type") == "ticket.changed":
                    self.arrivals[frame["ticket"]["id"]].append(at)
        except websockets.ConnectionClosed:
            pass
        if not self.stopping:
            self.closed_code = self.ws.close_code or -1

    async def open_ticket_page(self, ticket: int) -> None:
        """The composer's CSRF token, as the agent's browser has it from the ticket page."""
        self.http = httpx.AsyncClient(
            base_url=self.base_url, cookies={"sessionid": self.cookie}, timeout=60
        )
        page = await self.http.get(f"/tickets/{ticket}/")
        match = CSRF_INPUT.search(page.text)
        if page.status_code != 200 or match is None:
            raise RuntimeError(f"agent {self.number}: ticket page HTTP {page.status_code}")
        self.csrf = match[1]

    async def answer(self, tickets: list[int], end: float, every: float, reload: bool) -> None:
        """Replies to its chats, one every `every` seconds on average, until `end`."""
        due = time.monotonic() + self.rng.expovariate(1 / every)
        while due < end and tickets:
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            await self.reply(self.rng.choice(tickets), reload)
            due += self.rng.expovariate(1 / every)

    async def reply(self, ticket: int, reload: bool) -> None:
        assert self.http is not None
        token = f"r{self.number}-{len(self.replies)}"
        text = f"{self.rng.choice(REPLIES['en'])} [{token}]"
        reply = Reply(token, text, self.number, ticket, time.monotonic())
        self.replies.append(reply)
        try:
            response = await self.http.post(
                f"/tickets/{ticket}/reply/",
                data={
                    "csrfmiddlewaretoken": self.csrf,
                    "kind": "reply",
                    "body": text,
                    "status": "",
                },
                headers={"Referer": f"{self.base_url}/tickets/{ticket}/"},
            )
            reply.status = response.status_code
            reply.answered = time.monotonic()
            if reload and response.status_code == 302:  # a plain form: the page reloads
                await self.http.get(response.headers["location"])
                reply.reloaded = time.monotonic()
        except httpx.HTTPError:
            reply.status = reply.status or -1

    async def close(self) -> None:
        self.stopping = True
        if self.http is not None:
            await self.http.aclose()
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


def reply_token(text: str) -> str | None:
    match = REPLY_TOKEN.search(text)
    return match[1] if match else None
