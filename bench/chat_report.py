"""The chat benchmark's numbers: raw client timestamps matched up, and the printed table."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from typing import Any

from bench.chat_clients import ACK_TIMEOUT, Agent, Reply, VisitorLog, reply_token
from bench.measure import percentile

ACK_P99_TARGET_MS = 100.0
TARGET_VISITORS = 1_000


def latency(values_s: Iterable[float]) -> dict[str, Any]:
    values = sorted(v * 1000 for v in values_s)
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "p99": percentile(values, 99),
        "max": values[-1],
    }


def match_in_order(sends: list[float], arrivals: list[float]) -> tuple[list[float], int, int]:
    """Pairs each send with the first later arrival not yet taken.

    Returns (delays, sends without an arrival, arrivals without a send). One ticket gets
    one `ticket.changed` per stored visitor message and visitors wait for each ack, so
    the k-th event after the measurement starts belongs to the k-th message.
    """
    delays, j = [], 0
    for sent in sends:
        while j < len(arrivals) and arrivals[j] < sent:
            j += 1
        if j == len(arrivals):
            break
        delays.append(arrivals[j] - sent)
        j += 1
    return delays, len(sends) - len(delays), len(arrivals) - len(delays)


def visitor_to_agents(
    logs: list[VisitorLog], tickets: dict[int, int], answered: set[int], agents: list[Agent]
) -> dict[str, Any]:
    """Visitor message sent -> each agent's `ticket.changed`, on chats no agent answers
    (an agent's reply changes the ticket too, and its event could not be told apart)."""
    each, last, missing, extra = [], [], 0, 0
    for log in logs:
        ticket = tickets.get(log.index)
        if ticket is None or log.index in answered:
            continue
        sends = [s.sent for s in log.sends if s.acked is not None]
        per_agent = []
        for agent in agents:
            delays, lost, stray = match_in_order(sends, agent.arrivals.get(ticket, []))
            each.extend(delays)
            missing, extra = missing + lost, extra + stray
            per_agent.append(delays)
        for k in range(len(sends)):
            if all(len(d) > k for d in per_agent):
                last.append(max(d[k] for d in per_agent))
    return {"each": latency(each), "last": latency(last), "missing": missing, "extra": extra}


def agent_to_visitors(
    logs: list[VisitorLog],
    replies: list[Reply],
    node_of_agent: dict[int, int],
    node_of_ticket: dict[int, int],
) -> dict[str, Any]:
    """Agent's reply POST started -> the visitor's websocket has the agent's message."""
    received: dict[str, list[float]] = {}
    for log in logs:
        for text, at, _seq in log.agent_frames:
            token = reply_token(text)
            if token is not None:
                received.setdefault(token, []).append(at)
    ok = [r for r in replies if r.status == 302]
    delays, cross, missing, duplicates = [], [], 0, 0
    for reply in ok:
        times = received.get(reply.token, [])
        missing += not times
        duplicates += len(times) > 1
        if times:
            delays.append(times[0] - reply.posted)
            if node_of_agent[reply.agent] != node_of_ticket.get(reply.ticket):
                cross.append(times[0] - reply.posted)
    known = {r.token for r in ok}
    return {
        "delivered": latency(delays),
        "cross_node": latency(cross),
        "post": latency(r.answered - r.posted for r in ok),
        "reload": latency(r.reloaded - r.posted for r in ok if r.reloaded),
        "posted": len(replies),
        "post_errors": Counter(r.status for r in replies if r.status != 302),
        "missing": missing,
        "duplicates": duplicates,
        "unexpected": sum(1 for token in received if token not in known),
    }


def visitor_summary(logs: list[VisitorLog]) -> dict[str, Any]:
    sends = [s for log in logs for s in log.sends]
    errors: Counter[str] = Counter()
    for log in logs:
        errors.update(log.errors)
    openings = [log.opening for log in logs if log.opening is not None]
    return {
        "visitors": len(logs),
        "connected": sum(log.connected for log in logs),
        "connect_errors": Counter(log.connect_error for log in logs if log.connect_error),
        "hello": latency(log.hello_s for log in logs if log.hello_s is not None),
        "opened": sum(1 for o in openings if o.acked is not None),
        "open": latency(o.acked - o.sent for o in openings if o.acked is not None),
        "sent": len(sends),
        "ack": latency(s.acked - s.sent for s in sends if s.acked is not None),
        "errors": errors,
        "out_of_order": sum(log.out_of_order for log in logs),
        "closed": Counter(
            f"{log.closed_code} {log.closed_reason}".strip() for log in logs if log.closed_code
        ),
    }


# --- the table ------------------------------------------------------------------------
def _ms(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:,.1f}"


def _row(label: str, stats: dict[str, Any], note: str = "") -> str:
    if not stats.get("n"):
        return f"  {label:<40} {'—':>7}"
    cells = " ".join(f"{_ms(stats[k]):>8}" for k in ("p50", "p95", "p99", "max"))
    return f"  {label:<40} {stats['n']:>7,} {cells}  {note}".rstrip()


def _counts(counter: dict[Any, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counter.items(), key=str)) or "none"


def _verdict(result: dict[str, Any]) -> str:
    ack = result["visitors"]["ack"]
    if not ack.get("n"):
        return "no data"
    passed = ack["p99"] <= ACK_P99_TARGET_MS
    scale = "" if result["config"]["visitors"] >= TARGET_VISITORS else " (below 1,000 visitors)"
    return f"target p99 ≤ {ACK_P99_TARGET_MS:.0f} ms: {'PASS' if passed else 'FAIL'}{scale}"


def render(result: dict[str, Any]) -> str:
    cfg, v, va, av = result["config"], result["visitors"], result["to_agents"], result["replies"]
    lines = [
        f"=== {result['label']} ===",
        f"  {cfg['visitors']:,} visitors on {cfg['nodes']} node(s), {cfg['agents']} agents; "
        f"{cfg['rate']:g} visitor msg/s for {cfg['seconds']:g} s; each agent replies every "
        f"~{cfg['reply_every']:g} s to {cfg['answered']:.0%} of the chats"
        f"{' (then reloads the ticket page)' if cfg['reload'] else ''}"
        f"{'' if cfg['deflate'] else '; visitors without permessage-deflate'}; {cfg['cpus']} CPUs "
        f"shared by server(s), load generator, {cfg['backends']}"
        + (f"; server environment {' '.join(cfg['server_env'])}" if cfg["server_env"] else ""),
        f"  connections: {v['connected']:,} / {v['visitors']:,} open, connect errors "
        f"{_counts(v['connect_errors'])} (ramp {result['ramp_s']:.1f} s at {cfg['ramp']:g}/s);"
        f" chats opened {v['opened']:,} ({result['open_s']:.1f} s at {cfg['open_rate']:g}/s)",
        f"  {'latency (ms)':<40} {'n':>7} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}",
        _row("visitor hello -> welcome (ramp)", v["hello"]),
        _row("open chat: 1st message -> ack", v["open"]),
        _row("visitor message -> ack", v["ack"], _verdict(result)),
        _row("visitor message -> each agent's event", va["each"]),
        _row("visitor message -> all agents have it", va["last"]),
        _row("agent reply POST (HTTP 302)", av["post"]),
        _row("agent reply POST + ticket page reload", av["reload"]),
        _row("agent reply POST -> visitor has it", av["delivered"]),
    ]
    if cfg["nodes"] > 1:
        lines.append(_row("  of which agent and visitor on 2 nodes", av["cross_node"]))
    check = result["verify"]
    lines += [
        f"  messages: sent {v['sent']:,}, acked {check['acked']:,} (incl. openings); lost "
        f"{check['lost']}, stored twice {check['duplicates']}, seq differs {check['seq_mismatch']}"
        f"; not acked in {ACK_TIMEOUT:.0f} s but stored {check['unacked_stored']}"
        f"; visitor errors {_counts(v['errors'])}",
        f"  agent events not received by the end (3 s after): {va['missing']:,}, unmatched "
        f"{va['extra']:,}; replies posted "
        f"{av['posted']:,} (errors {_counts(av['post_errors'])}), stored once "
        f"{check['replies_stored']:,}, missing at visitor {av['missing']}, twice "
        f"{av['duplicates']}; frames out of seq order {v['out_of_order']}",
        f"  sockets closed by the server: visitors {_counts(v['closed'])}, agents "
        f"{result['agents_closed']}",
        _memory_line(result["memory"]),
        _cpu_line(result["cpu"], v["sent"], cfg["seconds"]),
    ]
    return "\n".join(lines)


def _memory_line(memory: dict[str, Any]) -> str:
    mib = {k: memory[f"{k}_kib"] / 1024 for k in ("before", "connected", "idle", "after")}
    return (
        f"  server RSS: {mib['before']:,.1f} MiB with the agents; {mib['connected']:,.1f} MiB "
        f"with {memory['connections']:,} visitors connected and idle = "
        f"{memory['connected_per_connection_kib']:,.1f} KiB per connection; {mib['idle']:,.1f}"
        f" MiB once each has a chat = {memory['idle_per_connection_kib']:,.1f} KiB per "
        f"connection; {mib['after']:,.1f} MiB after the measurement"
    )


def _cpu_line(cpu: dict[str, Any], sent: int, seconds: float) -> str:
    servers = " + ".join(f"{c:.0%}" for c in cpu["servers"])
    shards = " + ".join(f"{c:.0%}" for c in cpu["shards"])
    ours = sum(cpu["servers"]) + cpu["agents"] + sum(cpu["shards"])
    # What neither the servers nor the load generator used: the database, Redis, and
    # anything else running on the machine (a busy machine shows in every number).
    others = max(0.0, cpu["machine_cores"] - ours)
    before = cpu["busy_before"]
    return (
        f"  machine busy before (other processes): {before['ramp']:.0%} before the ramp, "
        f"{before['measure']:.0%} before the measurement\n"
        f"  CPU while measuring (100% = one core): server {servers}; load generator: "
        f"agents {cpu['agents']:.0%}, visitors {shards}; everything else {others:.0%} "
        f"(database, Redis, other processes); machine {cpu['machine']:.0%} busy of "
        f"{cpu['cpus']} cores\n"
        f"  server CPU per visitor message (its share of replies and fan-out included): "
        f"{sum(cpu['servers']) * seconds * 1000 / max(sent, 1):.1f} ms\n"
        f"  load generator event-loop lag: p99 {cpu['lag_p99_ms']:.1f} ms, "
        f"max {cpu['lag_max_ms']:.1f} ms"
    )
