"""Latency measurements: real HTTP requests to the server, and the inbox query in-process."""

import random
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import httpx

BUDGET_S = 90.0
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


@dataclass
class Stats:
    n: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float
    errors: int = 0
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(pct / 100 * len(sorted_values) + 0.5 - 1e-9))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summarise(latencies_s: list[float], errors: int = 0, note: str = "") -> Stats:
    values = sorted(v * 1000 for v in latencies_s)
    if not values:
        return Stats(0, float("nan"), float("nan"), float("nan"), float("nan"), errors, note)
    return Stats(
        n=len(values), p50_ms=round(percentile(values, 50), 2),
        p95_ms=round(percentile(values, 95), 2), max_ms=round(values[-1], 2),
        mean_ms=round(sum(values) / len(values), 2), errors=errors, note=note,
    )


def time_calls(call: Callable[[int], bool], *, warmup: int, n: int,
               budget_s: float = BUDGET_S) -> Stats:
    """Runs call(i) warm-up + n times; call returns False for an error response.

    A series stops early once it has spent budget_s seconds, so a pathological case at
    a million tickets costs minutes, not hours; the note says so.
    """
    deadline = time.perf_counter() + budget_s
    for i in range(warmup):
        call(i)
        if time.perf_counter() > deadline:
            break
    latencies, errors = [], 0
    for i in range(n):
        started = time.perf_counter()
        ok = call(i)
        latencies.append(time.perf_counter() - started)
        errors += 0 if ok else 1
        if started > deadline:
            break
    note = f"stopped after {budget_s:.0f} s" if len(latencies) < n else ""
    return summarise(latencies, errors, note)


def login(client: httpx.Client, username: str, password: str) -> str:
    """Signs in through the real login form (CSRF cookie + hidden field); returns how."""
    form = client.get("/accounts/login/")
    match = CSRF_INPUT.search(form.text)
    if form.status_code != 200 or not match:
        raise RuntimeError(f"login form not usable: HTTP {form.status_code}")
    response = client.post(
        "/accounts/login/",
        data={"username": username, "password": password,
              "csrfmiddlewaretoken": match.group(1)},
        headers={"Referer": f"{client.base_url}/accounts/login/"},
    )
    if response.status_code != 302 or "sessionid" not in client.cookies:
        raise RuntimeError(f"login failed: HTTP {response.status_code}")
    return "login form"


def http_series(
    client: httpx.Client, paths: Iterable[str], *, warmup: int, n: int,
    headers: dict[str, str] | None = None,
) -> Stats:
    """GETs the paths in turn (cycling) and times each full response."""
    path_list = list(paths)

    def call(i: int) -> bool:
        response = client.get(path_list[i % len(path_list)], headers=headers)
        return response.status_code == 200

    return time_calls(call, warmup=warmup, n=n)


def probe(client: httpx.Client, path: str, headers: dict[str, str] | None = None) -> int:
    """The status of one GET: tells whether a route exists yet."""
    return client.get(path, headers=headers).status_code


def sample_ticket_ids(max_id: int, count: int, seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(1, max_id) for _ in range(count)]


# --- In-process ------------------------------------------------------------------------


def count_statements(call: Callable[[], Any]) -> tuple[Any, int]:
    """call()'s result and the SQL statements it ran on the default connection."""
    from django.db import connection

    count = 0

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        return call(), count


def inbox_inprocess(
    user: Any, query: Any, *, cursor: str | None, warmup: int, n: int, limit: int = 50,
    budget_s: float = BUDGET_S,
) -> Stats:
    """rapport.tickets.inbox.page() timed in this process: the query without HTTP."""
    from rapport.tickets import inbox

    def call(_: int) -> bool:
        inbox.page(user, query, cursor=cursor, limit=limit)
        return True

    return time_calls(call, warmup=warmup, n=n, budget_s=budget_s)


def cursor_at_offset(offset: int) -> str:
    """The keyset cursor after the first `offset` tickets of the All view, newest first.

    Following next_cursor 50 times at 50 a page ends on this same cursor; building it
    with one OFFSET query avoids paying 50 slow pages when the cursor query is slow.
    """
    from rapport.tickets import inbox
    from rapport.tickets.models import Ticket

    rows = Ticket.objects.order_by("-updated_at", "-id").values("updated_at", "id")
    row = rows[max(offset - 1, 0)]
    return inbox.encode_cursor([row["updated_at"], row["id"]])


def cursor_at_fraction(fraction: float) -> str:
    """A cursor pointing into the table (e.g. 0.5: half the tickets, half a year back)."""
    from rapport.tickets.models import Ticket

    return cursor_at_offset(int(Ticket.objects.count() * fraction))
