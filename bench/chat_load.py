"""Live chat load: 1,000 visitor websockets and 20 agents on one node, then on two nodes
sharing PostgreSQL and Redis; message round trips and the server's memory per connection.

    python bench/chat_load.py [--visitors 1000] [--agents 20] [--rate 100] [--seconds 60]
                              [--mode one|two|both] [--quick]

See bench/README.md ("Live chat") for what is measured and the target.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from bench import chat_nodes, chat_report  # noqa: E402
from bench.chat_clients import (  # noqa: E402
    ORIGIN,
    Agent,
    LagMonitor,
    ShardConfig,
    cpu_now,
    run_loop,
    run_shard,
    ws_url,
)

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/postgres"  # to create bench_chat_<pid>
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
IDLE_SETTLE_S = 5.0  # after the ramp, before the memory is read
DRAIN_S = 3.0  # after the measurement, for events and replies still on their way
PIPE_TIMEOUT_S = 900.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visitors", type=int, default=1_000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument(
        "--rate",
        type=float,
        help="visitor messages/s in all (default: visitors / 10, one per visitor every ~10 s)",
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="measurement length")
    parser.add_argument("--mode", choices=["one", "two", "both"], default="both")
    parser.add_argument("--ramp", type=float, default=100.0, help="new connections per second")
    parser.add_argument(
        "--open-rate", type=float, default=20.0, help="chats opened per second after the ramp"
    )
    parser.add_argument(
        "--reply-every", type=float, default=3.0, help="mean seconds between one agent's replies"
    )
    parser.add_argument(
        "--answered", type=float, default=0.2, help="share of the chats the agents answer"
    )
    parser.add_argument(
        "--no-reload",
        action="store_true",
        help="agents do not load the ticket page the reply redirects to (a browser does)",
    )
    parser.add_argument(
        "--no-deflate",
        action="store_true",
        help="visitors do not offer permessage-deflate (browsers do): its share of the memory",
    )
    parser.add_argument("--procs", type=int, default=1, help="visitor load processes")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 50 visitors, 4 agents, 10 s"
    )
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (node logs)")
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the servers (to try a setting); repeatable",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        help="wait up to S seconds for an idle machine before the ramp and the measurement",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.visitors, args.agents, args.seconds = 50, 4, 10.0
    if args.rate is None:
        args.rate = args.visitors / 10
    return args


# --- one scenario ---------------------------------------------------------------------
@dataclass
class Scenario:
    args: argparse.Namespace
    storage: chat_nodes.Storage
    nodes: list[chat_nodes.Node]
    setup: dict[str, Any]
    pipes: list[Connection] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)

    def visitor_node(self, index: int) -> int:
        return index % len(self.nodes)


def start_shards(scenario: Scenario) -> list[multiprocessing.process.BaseProcess]:
    args, key = scenario.args, scenario.setup["site_key"]
    context = multiprocessing.get_context("spawn")  # no copy of this process's state
    processes: list[multiprocessing.process.BaseProcess] = []
    for number in range(args.procs):
        visitors = [
            (
                i,
                scenario.visitor_node(i),
                ws_url(scenario.nodes[scenario.visitor_node(i)].base_url, f"/ws/chat/{key}/"),
            )
            for i in range(number, args.visitors, args.procs)
        ]
        config = ShardConfig(
            number,
            visitors,
            args.ramp / args.procs,
            args.open_rate / args.procs,
            args.seed,
            deflate=not args.no_deflate,
        )
        mine, theirs = context.Pipe()
        process = context.Process(target=run_shard, args=(theirs, config), daemon=True)
        process.start()
        scenario.pipes.append(mine)
        processes.append(process)
    return processes


async def receive(pipe: Connection) -> tuple[Any, ...]:
    def wait() -> tuple[Any, ...]:
        if not pipe.poll(PIPE_TIMEOUT_S):
            raise TimeoutError("a visitor shard did not answer")
        message: tuple[Any, ...] = pipe.recv()
        return message

    return await asyncio.to_thread(wait)


def server_rss(scenario: Scenario) -> int:
    return sum(chat_nodes.rss_kib(node.pid) for node in scenario.nodes)


def assign_chats(scenario: Scenario, tickets: dict[int, int]) -> dict[int, list[int]]:
    """The answered chats, shuffled over the agents (on two nodes: about half cross)."""
    step = max(1, round(1 / scenario.args.answered)) if scenario.args.answered > 0 else 0
    answered = (
        [tickets[i] for i in range(0, scenario.args.visitors, step or 1) if i in tickets]
        if step
        else []
    )
    random.Random(scenario.args.seed).shuffle(answered)
    count = len(scenario.agents)
    return {agent.number: answered[n::count] for n, agent in enumerate(scenario.agents)}


async def phase(scenario: Scenario, command: str) -> list[tuple[Any, ...]]:
    """Every shard does `command`; their answers once all are done."""
    for pipe in scenario.pipes:
        pipe.send((command,))
    return [await receive(pipe) for pipe in scenario.pipes]


async def idle_rss(scenario: Scenario) -> int:
    await asyncio.sleep(IDLE_SETTLE_S)
    return server_rss(scenario)


async def opened_tickets(scenario: Scenario) -> dict[int, int]:
    """visitor index -> ticket id, through the opening messages' client ids."""
    client_ids = [f"v{i}-0" for i in range(scenario.args.visitors)]
    found = await asyncio.to_thread(
        chat_nodes.database, scenario.storage, "tickets", {"client_ids": client_ids}
    )
    return {int(cid[1:].split("-")[0]): ticket for cid, ticket in found["tickets"].items()}


@dataclass
class Clock:
    """CPU counters read at the start and the end of the measurement."""

    servers: list[float]
    agents: float
    machine: tuple[float, float]
    at: float

    @classmethod
    def read(cls, scenario: Scenario) -> Clock:
        return cls(
            [chat_nodes.cpu_seconds(n.pid) for n in scenario.nodes],
            cpu_now(),
            chat_nodes.machine_busy(),
            time.monotonic(),
        )


async def measure(
    scenario: Scenario, chats: dict[int, list[int]], lag: LagMonitor
) -> tuple[Clock, Clock]:
    args = scenario.args
    start = time.monotonic() + 1.0
    end = start + args.seconds
    for pipe in scenario.pipes:
        pipe.send(("measure", start, end, args.rate / args.visitors))
    await asyncio.sleep(start - time.monotonic())
    first = Clock.read(scenario)
    for agent in scenario.agents:
        agent.recording = True
    lag.recording = True
    answering = [
        asyncio.ensure_future(a.answer(chats[a.number], end, args.reply_every, not args.no_reload))
        for a in scenario.agents
    ]
    await asyncio.sleep(end - time.monotonic())
    last = Clock.read(scenario)
    lag.recording = False
    await asyncio.gather(*answering)
    await asyncio.sleep(DRAIN_S)
    for agent in scenario.agents:
        agent.recording = False
    return first, last


def cpu_use(first: Clock, last: Clock, shard_cpu: list[float], lags: list[float]) -> dict[str, Any]:
    seconds = last.at - first.at
    busy, total = (b - a for a, b in zip(first.machine, last.machine, strict=True))
    lags_ms = sorted(v * 1000 for v in lags)
    return {
        "servers": [(b - a) / seconds for a, b in zip(first.servers, last.servers, strict=True)],
        "agents": (last.agents - first.agents) / seconds,
        "shards": [c / seconds for c in shard_cpu],
        "machine": busy / total if total else 0.0,
        "machine_cores": busy / seconds,
        "cpus": os.cpu_count(),
        "lag_p99_ms": chat_report.percentile(lags_ms, 99) if lags_ms else 0.0,
        "lag_max_ms": lags_ms[-1] if lags_ms else 0.0,
    }


async def connect_agents(scenario: Scenario) -> None:
    nodes = scenario.nodes
    scenario.agents = [
        Agent(
            n + 1, n % len(nodes), nodes[n % len(nodes)].base_url, a["cookie"], scenario.args.seed
        )
        for n, a in enumerate(scenario.setup["agents"])
    ]
    await asyncio.gather(*(agent.connect() for agent in scenario.agents))
    await asyncio.sleep(2.0)


async def ramp_up(scenario: Scenario) -> tuple[dict[str, Any], float, float]:
    """Visitors connect, then open their chats; the servers' memory before and after each."""
    args = scenario.args
    memory: dict[str, Any] = {"before_kib": server_rss(scenario)}
    print(
        f"  {len(scenario.agents)} agents connected; ramping up {args.visitors:,} visitors "
        f"at {args.ramp:g}/s …",
        flush=True,
    )
    answers = await phase(scenario, "connect")
    ramp_s, connected = max(a[1] for a in answers), sum(a[2] for a in answers)
    memory.update(connected_kib=await idle_rss(scenario), connections=connected)
    print(f"  {connected:,} connected; opening chats at {args.open_rate:g}/s …", flush=True)
    open_s = max(a[1] for a in await phase(scenario, "open"))
    memory["idle_kib"] = await idle_rss(scenario)
    for key in ("connected", "idle"):
        grown = memory[f"{key}_kib"] - memory["before_kib"]
        memory[f"{key}_per_connection_kib"] = grown / max(connected, 1)
    return memory, ramp_s, open_s


async def prepare_agents(scenario: Scenario, tickets: dict[int, int]) -> dict[int, list[int]]:
    """Each agent's chats to answer, and its composer's CSRF token from a ticket page."""
    if not tickets:
        raise RuntimeError("no chat was opened; see the node logs")
    chats = assign_chats(scenario, tickets)
    fallback = next(iter(tickets.values()))
    await asyncio.gather(
        *(a.open_ticket_page((chats[a.number] or [fallback])[0]) for a in scenario.agents)
    )
    return chats


async def quiet(scenario: Scenario) -> float:
    return await asyncio.to_thread(chat_nodes.wait_for_quiet, scenario.args.quiet_wait)


async def drive(scenario: Scenario) -> dict[str, Any]:
    """Agents connect; visitors ramp up and open chats; idle memory; the measurement."""
    args = scenario.args
    lag = LagMonitor()
    lag.start()
    await connect_agents(scenario)
    busy = {"ramp": await quiet(scenario)}
    memory, ramp_s, open_s = await ramp_up(scenario)
    tickets = await opened_tickets(scenario)
    chats = await prepare_agents(scenario, tickets)
    busy["measure"] = await quiet(scenario)
    print(
        f"  {memory['connections']:,} connected, {len(tickets):,} chats open; measuring "
        f"{args.seconds:g} s at {args.rate:g} msg/s …",
        flush=True,
    )
    first, last = await measure(scenario, chats, lag)
    shards = await phase(scenario, "stop")  # each answers with its visitors' logs
    memory["after_kib"] = server_rss(scenario)
    await asyncio.gather(*(agent.close() for agent in scenario.agents))
    lags = lag.samples + [s for shard in shards for s in shard[3]]
    return {
        "logs": [log for shard in shards for log in shard[1]],
        "tickets": tickets,
        "chats": chats,
        "ramp_s": ramp_s,
        "open_s": open_s,
        "memory": memory,
        "cpu": {**cpu_use(first, last, [s[2] for s in shards], lags), "busy_before": busy},
    }


def analyse(scenario: Scenario, raw: dict[str, Any]) -> dict[str, Any]:
    args, logs, tickets = scenario.args, raw["logs"], raw["tickets"]
    answered = {i for i, t in tickets.items() if any(t in c for c in raw["chats"].values())}
    replies = [r for agent in scenario.agents for r in agent.replies]
    node_of_ticket = {t: scenario.visitor_node(i) for i, t in tickets.items()}
    sends = [s for log in logs for s in [log.opening, *log.sends] if s is not None]
    verify = chat_nodes.database(
        scenario.storage,
        "verify",
        {
            "acked": {s.client_id: s.seq for s in sends if s.acked is not None},
            "unacked": [s.client_id for s in sends if s.acked is None],
            "replies": [r.text for r in replies if r.status == 302],
        },
    )
    return {
        "label": scenario.storage.label,
        "config": {
            "visitors": args.visitors,
            "agents": args.agents,
            "rate": args.rate,
            "seconds": args.seconds,
            "nodes": len(scenario.nodes),
            "ramp": args.ramp,
            "open_rate": args.open_rate,
            "reply_every": args.reply_every,
            "answered": args.answered,
            "cpus": os.cpu_count(),
            "procs": args.procs,
            "server_env": args.server_env,
            "reload": not args.no_reload,
            "deflate": not args.no_deflate,
            "backends": "Redis, PostgreSQL" if len(scenario.nodes) > 1 else "SQLite",
        },
        "ramp_s": raw["ramp_s"],
        "open_s": raw["open_s"],
        "visitors": chat_report.visitor_summary(logs),
        "to_agents": chat_report.visitor_to_agents(logs, tickets, answered, scenario.agents),
        "replies": chat_report.agent_to_visitors(
            logs, replies, {a.number: a.node for a in scenario.agents}, node_of_ticket
        ),
        "agents_closed": sum(1 for a in scenario.agents if a.closed_code),
        "memory": raw["memory"],
        "cpu": raw["cpu"],
        "verify": verify,
    }


def run_scenario(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    storage = (
        chat_nodes.sqlite_storage()
        if mode == "one"
        else chat_nodes.postgres_storage(args.pg_url, args.redis_url)
    )
    storage.keep = args.keep
    storage.env.update(dict(item.partition("=")[::2] for item in args.server_env))
    nodes: list[chat_nodes.Node] = []
    shards: list[multiprocessing.process.BaseProcess] = []
    failed, interrupted = True, False
    print(f"\n{storage.label}: migrating {storage.workdir} …", flush=True)
    try:
        chat_nodes.migrate(storage)
        setup = chat_nodes.database(storage, "setup", {"agents": args.agents, "origin": ORIGIN})
        chat_nodes.start_nodes(storage, 1 if mode == "one" else 2, nodes)
        scenario = Scenario(args, storage, nodes, setup)
        shards = start_shards(scenario)
        raw = run_loop(drive(scenario))
        dead = [n.port for n in nodes if not n.alive()]
        if dead:
            raise RuntimeError(f"node(s) on port {dead} died during the run")
        result = analyse(scenario, raw)
        failed = False
        return result
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        for process in shards:
            if process.is_alive():
                process.terminate()
            process.join(timeout=10)
        if failed and not interrupted:
            for node in nodes:
                print(f"--- {node.log_path.name}\n{node.log_tail()}", file=sys.stderr)
        for node in nodes:
            node.stop()
        storage.keep = storage.keep or (failed and not interrupted)  # the logs tell why
        storage.close()
        if storage.keep:
            print(f"  logs kept in {storage.workdir}", file=sys.stderr)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # the same clean-up as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # asyncio would turn Ctrl-C into a cancellation that a phase in progress may absorb.
    signal.signal(signal.SIGINT, _terminate)
    signal.signal(signal.SIGTERM, _terminate)
    modes = ["one", "two"] if args.mode == "both" else [args.mode]
    for mode in modes:
        try:
            result = run_scenario(mode, args)
        except KeyboardInterrupt:
            print("\ninterrupted; servers stopped, temporary storage removed", file=sys.stderr)
            return 130
        print()
        print(chat_report.render(result), flush=True)
        variant = "-env" if args.server_env else ""  # a tried setting: keep the plain result
        path = ROOT / "bench" / "results" / f"chat-{mode}-{args.visitors}{variant}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
