"""`rapport smtpd`: the built-in SMTP server for mail routed to Rapport (aiosmtpd).

It sits behind the organisation's MX or a forwarding rule: it accepts mail for
configured, active mailboxes only, stores each message byte for byte, and answers
"250" only once the message is committed (the answers are in smtpd_handler.py).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP
from django.conf import settings

from rapport.channels.email.smtpd_handler import InboundHandler

# RFC 5321 §4.5.3.2.7: a server waits at least 5 minutes for the client's next move.
IDLE_TIMEOUT = 300.0
# How long a stopping server lets messages being stored finish and be acknowledged.
STOP_GRACE_SECONDS = 30.0
SHUTTING_DOWN = b"421 4.3.2 Service shutting down, try again later\r\n"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class RapportSMTP(SMTP):
    """aiosmtpd's SMTP session, with RFC 3463 codes on its size refusals and an idle
    timeout that measures silence rather than the length of an upload.

    RFC 5321 line limits are aiosmtpd's own: 512 octets a command, 1000 a text line.
    """

    def __init__(
        self, handler: Any, *, sessions: set[RapportSMTP] | None = None, **options: Any
    ) -> None:
        super().__init__(handler, **options)
        self._sessions = sessions if sessions is not None else set()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._sessions.add(self)

    def connection_lost(self, error: Exception | None) -> None:
        self._sessions.discard(self)
        super().connection_lost(error)

    def data_received(self, data: bytes) -> None:
        # aiosmtpd re-arms its timer per command only: a large message arriving slowly
        # but steadily would be cut off IDLE_TIMEOUT after its DATA command.
        self._reset_timeout()
        super().data_received(data)

    async def push(self, status: AnyStr) -> None:
        # Only aiosmtpd itself answers 552 (MAIL … SIZE= over the limit, or DATA that
        # grew past it), and without the enhanced code senders' bounces report.
        if isinstance(status, str) and status.startswith("552 Error:"):
            limit = self.data_size_limit
            await super().push(f"552 5.3.4 Message too big, the limit is {limit} bytes")
        else:
            await super().push(status)

    def shut_down(self) -> None:
        """Tell the client to come back later, and hang up (nothing unacknowledged is kept)."""
        transport = self.transport
        if isinstance(transport, asyncio.WriteTransport) and not transport.is_closing():
            transport.write(SHUTTING_DOWN)
            transport.close()


def server_options() -> dict[str, Any]:
    """Keyword arguments for RapportSMTP, from the settings."""
    return {
        "data_size_limit": settings.RAPPORT_EMAIL_MAX_BYTES,  # advertised as SIZE in EHLO
        "decode_data": False,  # bytes, never text: 8-bit mail is stored exactly as it came
        "enable_SMTPUTF8": True,
        "hostname": settings.RAPPORT_EMAIL_DOMAIN,  # else a reverse DNS lookup per client
        "ident": "Rapport",  # not aiosmtpd's name and version
        "timeout": IDLE_TIMEOUT,
    }


def serve_forever(host: str = "127.0.0.1", port: int = 2525) -> int:
    """Serve until SIGTERM or SIGINT: 0 after a clean stop, 1 if it cannot listen."""
    return asyncio.run(_serve(host, port))


async def _serve(host: str, port: int) -> int:
    loop = asyncio.get_running_loop()
    handler = InboundHandler()
    sessions: set[RapportSMTP] = set()
    options = server_options()

    def new_session() -> RapportSMTP:
        return RapportSMTP(handler, sessions=sessions, loop=loop, **options)

    try:
        server = await loop.create_server(new_session, host, port)
    except OSError as exc:
        print(f"rapport smtpd: cannot listen on {host}:{port}: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    stop = asyncio.Event()
    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop.set)
    print(f"rapport smtpd: listening on {_addresses(server)} (SIGTERM or Ctrl-C stops it)",  # noqa: T201
          flush=True)
    try:
        await stop.wait()
    finally:
        server.close()
        await _finish(handler, sessions)
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)
        handler.close()
    return 0


async def _finish(handler: InboundHandler, sessions: set[RapportSMTP]) -> None:
    # A message being stored may already be committed: let its "250" go out, or the
    # sender would retry and we would store it twice.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STOP_GRACE_SECONDS
    while handler.in_flight and loop.time() < deadline:
        await asyncio.sleep(0.05)
    for session in list(sessions):
        session.shut_down()
    await asyncio.sleep(0)  # let the transports flush the 421 and close


def _addresses(server: asyncio.Server) -> str:
    names = []
    for sock in server.sockets:
        host, port = sock.getsockname()[:2]
        names.append(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    return ", ".join(names)
