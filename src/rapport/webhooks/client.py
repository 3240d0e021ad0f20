"""One HTTP POST that reaches only the address it checked.

The host is resolved once per hop; every address is checked (addresses.AddressPolicy)
and the socket connects to one of those very addresses, so a DNS answer that changes
between the check and the connection (rebinding) changes nothing. The request still
names the host: the Host header, TLS SNI and certificate verification all use it.

Redirects (301, 302, 307, 308) are followed by hand, at most `Limits.redirects` times,
each hop resolved and checked like the first; the same POST is repeated there.
Timeouts: `connect` per connection attempt, `read` per socket read, and `total` for the
whole exchange (a watchdog shuts the socket), so no receiver can hold a worker long.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, quote, urljoin

from rapport.webhooks.addresses import AddressPolicy, AddressRefused, parse_target

REDIRECTS = frozenset({301, 302, 307, 308})
BODY_LIMIT = 1024
_TLS = ssl.create_default_context()
_URL_SAFE = "/%:@!$&'()*+,;=?~-._"


@dataclass(frozen=True)
class Limits:
    connect: float = 5.0
    read: float = 10.0
    total: float = 30.0
    redirects: int = 3


@dataclass
class Response:
    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str = ""
    refused: bool = False  # refused before connecting (address or URL): retrying cannot help
    timed_out: bool = False
    duration_ms: int = 0


class _Unreachable(Exception):
    pass


class _PinnedConnection(http.client.HTTPConnection):
    """Connects to the checked addresses, never to whatever `host` resolves to later."""

    def __init__(self, target: _Target, limits: Limits, deadline: float,
                 tls: ssl.SSLContext | None) -> None:
        super().__init__(target.host, target.port, timeout=limits.connect)
        self.default_port = target.default_port
        self._target, self._limits, self._deadline, self._tls = target, limits, deadline, tls

    def connect(self) -> None:
        error: OSError = ConnectionError("no address to connect to")
        for family, sockaddr in self._target.addresses:
            if time.monotonic() >= self._deadline:
                break
            sock = socket.socket(family, socket.SOCK_STREAM)
            sock.settimeout(min(self._limits.connect, self._deadline - time.monotonic()))
            try:
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            sock.settimeout(self._limits.read)
            self.sock = sock
            if self._tls is not None:
                self.sock = self._tls.wrap_socket(sock, server_hostname=self._target.host)
            return
        raise error


@dataclass(frozen=True)
class _Target:
    host: str
    port: int
    default_port: int
    path: str
    addresses: Sequence[tuple[socket.AddressFamily, Any]]


def _resolve(parts: SplitResult, policy: AddressPolicy) -> _Target:
    try:
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except UnicodeError:
        raise AddressRefused(f"{parts.hostname!r} is not a valid host name") from None
    default_port = 443 if parts.scheme == "https" else 80
    port = parts.port or default_port
    policy.check_name(host)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise _Unreachable(f"cannot resolve {host}: {exc.strerror}") from None
    addresses = [(family, sockaddr) for family, _, _, _, sockaddr in infos
                 if family in (socket.AF_INET, socket.AF_INET6)]
    policy.check(host, [ipaddress.ip_address(sockaddr[0]) for _, sockaddr in addresses])
    # Already-escaped ASCII is left alone; anything else (e.g. "/ü") is percent-encoded.
    path = quote(parts.path or "/", safe=_URL_SAFE) + (
        f"?{quote(parts.query, safe=_URL_SAFE)}" if parts.query else "")
    return _Target(host, port, default_port, path, addresses)


class _Watchdog:
    """Shuts the socket when the whole exchange overruns: a slow trickle cannot hold us."""

    def __init__(self, connection: _PinnedConnection, seconds: float) -> None:
        self.fired = False
        self._connection = connection
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        sock = self._connection.sock
        if sock is not None:
            try:
                socket.socket.shutdown(sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _exchange(url: str, body: bytes, headers: dict[str, str], policy: AddressPolicy,
              limits: Limits, deadline: float, tls: ssl.SSLContext) -> Response:
    parts = parse_target(url)
    target = _resolve(parts, policy)
    connection = _PinnedConnection(target, limits, deadline,
                                   tls if parts.scheme == "https" else None)
    with _Watchdog(connection, deadline - time.monotonic()) as watchdog:
        try:
            connection.request("POST", target.path, body=body,
                               headers={**headers, "Connection": "close"})
            answer = connection.getresponse()
            prefix = answer.read(BODY_LIMIT)
            found = {name.lower(): value for name, value in answer.getheaders()}
            return Response(url, answer.status, found, prefix)
        except (OSError, http.client.HTTPException) as exc:
            if watchdog.fired:
                raise TimeoutError(f"no complete answer within {limits.total:g} s") from None
            raise exc
        finally:
            connection.close()


def post(url: str, body: bytes, headers: dict[str, str], *, policy: AddressPolicy,
         limits: Limits | None = None, tls: ssl.SSLContext | None = None) -> Response:
    """POST `body` to `url`; never raises for network trouble, the Response tells."""
    limits = limits or Limits()
    started = time.monotonic()
    deadline = started + limits.total
    current = url
    try:
        for hop in range(limits.redirects + 1):
            response = _exchange(current, body, headers, policy, limits, deadline, tls or _TLS)
            location = response.headers.get("location")
            if response.status not in REDIRECTS or not location:
                break
            if hop == limits.redirects:
                response.error = f"more than {limits.redirects} redirects"
                break
            current = urljoin(current, location)
    except AddressRefused as exc:
        response = Response(current, error=f"refused: {exc}", refused=True)
    except ValueError as exc:  # a URL http.client cannot send: retrying cannot help
        response = Response(current, error=f"refused: invalid URL: {exc}", refused=True)
    except TimeoutError as exc:
        response = Response(current, error=f"timed out: {exc}", timed_out=True)
    except (_Unreachable, OSError, http.client.HTTPException) as exc:
        response = Response(current, error=f"{type(exc).__name__}: {exc}".rstrip(": "))
    response.duration_ms = int((time.monotonic() - started) * 1000)
    return response
