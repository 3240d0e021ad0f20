"""Rapport's ASGI application under uvicorn, in a thread of the test process.

pytest-django's live_server speaks WSGI only; the browser tests need the project's ASGI
application (HTTP and websockets, rapport.asgi). It runs here under uvicorn in a thread
of this process, so it shares the test database (SQLite's in-memory one too) and, in the
embedded mode, the in-memory channel layer.

Shared by every browser test module that needs a live server. Several real server
processes (the scale-out mode) are started by rapport.channels.chat.tests.nodes.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from channels.db import database_sync_to_async
from channels.layers import channel_layers

START_SECONDS = 20.0
STOP_SECONDS = 20.0


def listening_socket(port: int = 0) -> socket.socket:
    """A bound socket handed to the server: no window in which a parallel test could take
    a port that was only probed. A restart rebinds the same port (the old one closed)."""
    deadline = time.monotonic() + 5
    while True:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class ThreadedAsgiServer:
    """rapport.asgi under uvicorn, in a thread with an event loop of its own, on a free
    port of 127.0.0.1. It can be stopped and started again on the same port, as a deploy
    or a crash would."""

    def __init__(self) -> None:
        self._socket: socket.socket | None = listening_socket()
        self.port = int(self._socket.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        from rapport.asgi import application

        if self.running:
            raise RuntimeError("the server is already running")
        sock = self._socket or listening_socket(self.port)
        self._socket = None  # uvicorn closes it when it stops
        server = uvicorn.Server(uvicorn.Config(
            application, lifespan="off", log_level="warning", ws="websockets-sansio",
        ))

        def run() -> None:
            with asyncio.Runner() as runner:  # a fresh loop per start, closed after it
                self._loop = runner.get_loop()  # set before the server says it started
                runner.run(server.serve(sockets=[sock]))

        self._server = server
        self._thread = threading.Thread(target=run, name=f"uvicorn-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + START_SECONDS
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise AssertionError(f"uvicorn did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=STOP_SECONDS)
        if self._thread.is_alive():
            raise AssertionError(f"uvicorn on port {self.port} did not stop")
        self._server, self._thread, self._loop = None, None, None

    def call(self, fn: Callable[[], Any]) -> Any:
        """Run fn as the server would run a view: in its sync thread, from its loop, so
        what fn publishes after commit reaches the sockets the way it does in production
        (Playwright's sync API forbids async_to_sync in the test's thread)."""
        if self._loop is None or not self.running:
            raise RuntimeError("the server is not running")
        future = asyncio.run_coroutine_threadsafe(database_sync_to_async(fn)(), self._loop)
        return future.result(timeout=30)


@contextmanager
def serving() -> Iterator[ThreadedAsgiServer]:
    """A started server, stopped afterwards. The channel layer is made afresh around it,
    as a server process has one per event loop: channels-redis keeps per-channel locks
    that a closed loop of an earlier test could leave bound to itself."""
    channel_layers.backends.clear()
    server = ThreadedAsgiServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        channel_layers.backends.clear()
