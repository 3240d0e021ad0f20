"""The results table, the targets next to the numbers, and the JSON file."""

import json
import math
from pathlib import Path
from typing import Any

INBOX_P95_MS = {100_000: 50.0, 1_000_000: 100.0}
API_RPS = 700.0
API_P95_MS = 30.0

# (key in results["http"] or results["inprocess"], label, is an inbox list)
HTTP_ROWS = [
    ("inbox_first", "inbox first page  GET /tickets/?view=all", True),
    ("inbox_deep", "inbox 50 pages deep (keyset cursor)", True),
    ("inbox_mid", "inbox cursor half a year back", True),
    ("api_list_first", "API list first page  GET /api/v1/tickets", True),
    ("api_list_mid", "API list cursor half a year back", True),
    ("ticket_page", "ticket page  GET /tickets/<id>/", False),
]
INPROCESS_ROWS = [
    ("inbox_first", "inbox.page() first page", True),
    ("inbox_deep", "inbox.page() 50 pages deep", True),
    ("inbox_mid", "inbox.page() half a year back", True),
    ("timeline", "queries.timeline() of a ticket", False),
    ("api_create", "POST /api/v1/tickets, Django test client", False),
]


def inbox_target_ms(n_tickets: int) -> float:
    """≤ 50 ms up to 100k tickets, ≤ 100 ms at 1M (and beyond)."""
    return INBOX_P95_MS[100_000] if n_tickets <= 100_000 else INBOX_P95_MS[1_000_000]


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def _latency_line(label: str, stats: dict[str, Any] | None, target: float | None) -> str:
    if not stats or not stats.get("n"):
        note = (stats or {}).get("note") or "not measured"
        return f"  {label:<44} {note}"
    verdict = ""
    if target is not None:
        verdict = f"p95 ≤ {target:.0f} ms  {'PASS' if stats['p95_ms'] <= target else 'FAIL'}"
    note = f"  ({stats['note']})" if stats.get("note") else ""
    return (f"  {label:<44} {stats['n']:>5} {_fmt(stats['p50_ms']):>8} {_fmt(stats['p95_ms']):>8}"
            f" {_fmt(stats['max_ms']):>8} {stats['errors']:>6}  {verdict}{note}")


def _api_lines(api: dict[str, Any] | None) -> list[str]:
    if not api or "rps" not in api:
        return [f"  API create: {(api or {}).get('note', 'not measured')}"]
    ok = api["rps"] >= API_RPS and api["p95_ms"] <= API_P95_MS and api["errors"] == 0
    return [
        f"  API create  POST /api/v1/tickets  ({api['tool']}, {api['clients']} clients, "
        f"{api['seconds']:.0f} s)",
        f"    {api['rps']:,.0f} req/s   p50 {api['p50_ms']:.1f} ms   p95 {api['p95_ms']:.1f} ms"
        f"   max {api['max_ms']:.1f} ms   errors {api['errors']}   statuses {api['statuses']}",
        f"    target ≥ {API_RPS:.0f} req/s and p95 ≤ {API_P95_MS:.0f} ms, no errors: "
        f"{'PASS' if ok else 'FAIL'}   (tickets created: {api.get('created', '?')})",
    ]


def _plan_lines(plans: list[dict[str, Any]]) -> list[str]:
    lines = ["", "Query plans of the inbox (main ticket query):"]
    for p in plans:
        flags = [f for f, on in (("FULL SCAN", p["full_scan"]), ("SORTS", p["sorts"])) if on]
        if p.get("rows_filtered", 0) > 1000:
            flags.append(f"FILTERS {p['rows_filtered']:,}")
        t = p["inprocess"]
        indexes = ", ".join(p["indexes"]) or "no index"
        lines.append(f"  {p['case']:<27} {' '.join(flags) or 'ok':<24} p50 {t['p50_ms']:>6.1f}"
                     f" p95 {t['p95_ms']:>6.1f} ms  {indexes}")
    return lines


def render(results: dict[str, Any]) -> str:
    n = results["tickets_in_db"]
    target = inbox_target_ms(n)
    head = f"  {'measurement':<44} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}"
    lines = [f"Rapport benchmark — {results['db']}, {n:,} tickets "
             f"(server: {results.get('server', {}).get('workers', '?')} worker(s))"]
    load = results.get("load")
    if load:
        earlier = " (recorded by the run that loaded it)" if load.get("from_previous_run") else ""
        lines.append(f"Load{earlier}: {load['tickets']:,} tickets, {load['rows']:,} rows in "
                     f"{load['tickets_load_s']:.1f} s = {load['tickets_per_s']:,} tickets/s "
                     f"({load['rows_per_s']:,} rows/s); migrate {load['migrate_s']} s, "
                     f"customers {load['customers_s']} s, finish {load['finish_s']} s")
    lines += ["", "HTTP against the real server:", head]
    for key, label, is_inbox in HTTP_ROWS:
        lines.append(_latency_line(label, results.get("http", {}).get(key),
                                   target if is_inbox else None))
    lines += ["", "In-process (no HTTP):", head]
    for key, label, is_inbox in INPROCESS_ROWS:
        lines.append(_latency_line(label, results.get("inprocess", {}).get(key),
                                   target if is_inbox else None))
    for page in results.get("pages_inprocess", {}).values():
        label = f"{page['path']} in-process, {page['queries']} SQL"
        lines.append(_latency_line(label[:44], page, None))
    lines += [""] + _api_lines(results.get("api_create"))
    lines += _plan_lines(results.get("plans", []))
    return "\n".join(lines)


def previous_load(path: Path) -> dict[str, Any] | None:
    """With --skip-load, the load figures of the run that loaded the data, if recorded."""
    try:
        load = json.loads(path.read_text(encoding="utf-8")).get("load")
    except (OSError, ValueError):
        return None
    return {**load, "from_previous_run": True} if load else None


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
