"""Query plans of the inbox queries: which index each one uses, and where it sorts or scans.

The SQL and its parameters are captured from a real call of
``rapport.tickets.inbox.page()``, so the plan is of exactly the statement the inbox
runs, then explained on the same connection.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection

from bench.measure import inbox_inprocess

INDEX_NAME = re.compile(
    r"(?:USING (?:COVERING )?INDEX|Index (?:Only )?Scan(?: Backward)? using|Index Scan on) (\w+)"
)
FULL_SCAN = re.compile(
    r"^\s*SCAN (?:tickets_ticket|contacts_customer)\s*$|Seq Scan on tickets_ticket(?:\s|$)", re.M
)
PG_FILTERED = re.compile(r"Rows Removed by Filter: (\d+)")
SQLITE_SORT = "USE TEMP B-TREE FOR ORDER BY"
PG_SORT_NODE = re.compile(r"^(?:\s*->)?\s*Sort \(")
PG_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


@dataclass
class Case:
    name: str
    actor: str  # "supervisor" or "agent"
    query: Any
    cursor: str | None = None


def cases(team_id: int, cursors: dict[str, str | None]) -> list[Case]:
    from rapport.tickets.inbox import InboxQuery

    return [
        Case("all / updated", "supervisor", InboxQuery(view="all")),
        Case("all / updated, 50 pages", "supervisor", InboxQuery(view="all"), cursors["deep"]),
        Case("all / updated, mid cursor", "supervisor", InboxQuery(view="all"), cursors["mid"]),
        Case("all / created", "supervisor", InboxQuery(view="all", sort="created")),
        Case("all / priority", "supervisor", InboxQuery(view="all", sort="priority")),
        Case("all + status=open", "supervisor", InboxQuery(view="all", status=["open"])),
        Case("all + team", "supervisor", InboxQuery(view="all", team=team_id)),
        Case("all + tag", "supervisor", InboxQuery(view="all", tag="vip")),
        Case("all + search", "supervisor", InboxQuery(view="all", search="invoice")),
        Case("pending / updated", "supervisor", InboxQuery(view="pending")),
        Case("all (agent's visibility)", "agent", InboxQuery(view="all")),
        Case("my_teams / updated", "agent", InboxQuery(view="my_teams")),
        Case("my_teams, mid cursor", "agent", InboxQuery(view="my_teams"), cursors["mid"]),
        Case("unassigned / updated", "agent", InboxQuery(view="unassigned")),
        Case("my_open / updated", "agent", InboxQuery(view="my_open")),
    ]


def _main_sql(user: Any, case: Case, limit: int) -> tuple[str, Any]:
    """The ticket query page() runs, with its bound parameters, as the driver got it.

    Parameters matter: SQLite plans ``?`` placeholders without knowing the values, and
    can choose differently than for the same SQL with literals pasted in.
    """
    from rapport.tickets import inbox

    seen: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        inbox.page(user, case.query, cursor=case.cursor, limit=limit)
    for sql, params in seen:
        if 'FROM "tickets_ticket"' in sql and "ORDER BY" in sql:
            return sql, params
    raise RuntimeError(f"no ticket query captured for {case.name}")


def explain(sql: str, params: Any) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return [row[3] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


def _pg_sorts_tickets(plan: list[str]) -> bool:
    """A full Sort node (not an Incremental Sort) whose key is a ticket column."""
    return any(
        PG_SORT_NODE.match(line) and "Sort Key: tickets_ticket." in following
        for line, following in zip(plan, plan[1:], strict=False)
    )


def verdict(plan: list[str]) -> dict[str, Any]:
    """Ticket indexes used, a full scan of the ticket table, a sort of ticket rows."""
    text = "\n".join(plan)
    execution = PG_EXECUTION.search(text)
    return {
        "indexes": sorted({i for i in INDEX_NAME.findall(text) if i.startswith("ticket")}),
        "full_scan": bool(FULL_SCAN.search(text)),
        "sorts": SQLITE_SORT in text or _pg_sorts_tickets(plan),
        "execution_ms": float(execution.group(1)) if execution else None,
        # PostgreSQL only: rows read and thrown away, e.g. a keyset cursor that is a
        # filter rather than an index condition costs as much as the depth it skips.
        "rows_filtered": sum(int(n) for n in PG_FILTERED.findall(text)),
    }


def analyse(users: dict[str, Any], team_id: int, cursors: dict[str, str | None],
            *, limit: int, warmup: int = 3, n: int = 30) -> list[dict[str, Any]]:
    results = []
    for case in cases(team_id, cursors):
        user = users[case.actor]
        plan = explain(*_main_sql(user, case, limit))
        timing = inbox_inprocess(user, case.query, cursor=case.cursor, warmup=warmup, n=n,
                                 limit=limit, budget_s=20)
        results.append({"case": case.name, "actor": case.actor, "plan": plan,
                        **verdict(plan), "inprocess": timing.as_dict()})
    return results
