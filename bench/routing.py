"""Routing benchmark: new tickets routed across agents, through the real ticket verbs.

    python bench/routing.py --db sqlite|postgres [--tickets 10000] [--agents 50] [--teams 5]
    python bench/routing.py --db sqlite|postgres --time-rules 1000000

The first form creates each ticket with `create_ticket` (one transaction: the ticket, its
message, the routing rules, the eligibility decision and the assignment) from one process,
with all agents online; agents solve their oldest tickets as they go, so capacity is a real
constraint. It prints tickets routed per second, the p50/p95/p99 of the decision (choosing
the agent: eligibility, load, strategy) and of the whole routing step (rules + decision +
assignment), and checks fairness and capacity. The second form times one pass of the
time-based rules over that many tickets (see automation).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_bench_routing"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
DATA_DIR = "/tmp/rbench_routing"
LANGUAGES = ["en", "ru", "zh-hans", "sr"]
TEXTS = {
    "en": "Hello, my parcel {n} has not arrived yet and the tracking page shows nothing.",
    "ru": "Здравствуйте, моя посылка {n} до сих пор не пришла, а трекинг ничего не показывает.",
    "zh-hans": "你好，我的包裹{n}还没有到，物流页面也没有任何信息。",
    "sr": "Здраво, мој пакет {n} још није стигао, а страница за праћење ништа не показује.",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--teams", type=int, default=5)
    parser.add_argument("--time-rules", type=int, default=0, metavar="TICKETS")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def setup_django(args: argparse.Namespace) -> None:
    data_dir = f"{DATA_DIR}_{'rules' if args.time_rules else 'routing'}"
    if Path(data_dir).exists():
        shutil.rmtree(data_dir)
    os.environ["RAPPORT_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    if args.db == "postgres":
        import psycopg

        base, name = args.pg_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["RAPPORT_DATABASE_URL"] = args.pg_url
        os.environ["RAPPORT_REDIS_URL"] = DEFAULT_REDIS_URL
    else:
        os.environ.pop("RAPPORT_DATABASE_URL", None)
        os.environ.pop("RAPPORT_REDIS_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.core.cache import cache

    cache.clear()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def build_world(args: argparse.Namespace, rng: random.Random) -> tuple[list, list]:
    from rapport.accounts.availability import mark_available
    from rapport.accounts.models import Membership, Team, User
    from rapport.routing.models import AgentCapacity, RoutingRule, Strategy, TeamRouting

    teams = [Team.objects.create(name=f"Team {i}") for i in range(args.teams)]
    for i, team in enumerate(teams):
        strategy = Strategy.ROUND_ROBIN if i % 2 == 0 else Strategy.LEAST_LOADED
        TeamRouting.objects.create(team=team, strategy=strategy)
    agents = []
    for i in range(args.agents):
        agent = User.objects.create(username=f"agent{i}", languages=rng.sample(LANGUAGES, 2))
        Membership.objects.create(user=agent, team=teams[i % len(teams)])
        AgentCapacity.objects.create(user=agent, channel_limits={"email": 20, "web": 20},
                                     overall_limit=25)
        agents.append(agent)
    for i, team in enumerate(teams):
        RoutingRule.objects.create(
            name=f"Keyword {i}", position=i, team=team,
            conditions={"all": [{"field": "keywords", "op": "contains_any",
                                 "value": [f"topic{i}", f"тема{i}"]}]},
        )
    for i, language in enumerate(LANGUAGES):
        RoutingRule.objects.create(
            name=f"Language {language}", position=10 + i, team=teams[i % len(teams)],
            conditions={"all": [{"field": "language", "op": "is", "value": language}]},
        )
    for agent in agents:
        mark_available(agent.pk)
    return teams, agents


def solve_oldest(agents: list, share: int) -> None:
    """Agents close some of their work, as they would during a shift."""
    from rapport.tickets.models import Status, Ticket

    oldest = list(Ticket.objects.filter(is_open=True, status__in=[Status.NEW, Status.OPEN],
                                        assignee__isnull=False)
                  .order_by("created_at").values_list("pk", flat=True)[:share])
    Ticket.objects.filter(pk__in=oldest).update(status=Status.SOLVED, is_open=False)


def run_routing(args: argparse.Namespace) -> None:
    from rapport.accounts.availability import mark_available
    from rapport.contacts.models import Customer
    from rapport.reports.models import ReportingEvent
    from rapport.routing import listeners
    from rapport.tickets.services import Body, create_ticket

    rng = random.Random(args.seed)
    teams, agents = build_world(args, rng)
    customers = [Customer.objects.create(name=f"Customer {i}", email=f"c{i}@example.test")
                 for i in range(500)]
    step_ms: list[float] = []
    route = listeners.services.route_new_ticket

    def timed_route(ticket, message):  # the whole routing step, inside create_ticket
        started = time.perf_counter()
        try:
            return route(ticket, message)
        finally:
            step_ms.append((time.perf_counter() - started) * 1000)

    listeners.services.route_new_ticket = timed_route
    started = time.perf_counter()
    for n in range(args.tickets):
        language = rng.choice(LANGUAGES)
        topic = f" topic{rng.randrange(args.teams)}" if rng.random() < 0.5 else ""
        create_ticket(actor=(c := rng.choice(customers)), requester=c, channel="email",
                      subject=f"Parcel {n}{topic}",
                      body=Body(text=TEXTS[language].format(n=n) + topic))
        if n % 10 == 9:
            solve_oldest(agents, 8)
        if n % 2_000 == 1_999:
            for agent in agents:  # the agents' pages keep their heartbeat
                mark_available(agent.pk)
    elapsed = time.perf_counter() - started
    listeners.services.route_new_ticket = route

    events = ReportingEvent.objects.filter(name="auto_assigned")
    decisions = [e["decision_ms"] for e in events.values_list("data", flat=True)]
    per_agent = Counter(events.values_list("agent_id", flat=True))
    print(f"database: {args.db}; {args.tickets} tickets, {args.agents} agents, "
          f"{args.teams} teams, 9 routing rules")
    print(f"tickets created and routed: {args.tickets / elapsed:,.0f}/s "
          f"({elapsed:.1f} s, one process)")
    print(f"assigned automatically: {len(decisions):,} "
          f"({len(decisions) / elapsed:,.0f} assignments/s); the rest waited in queues")
    print(f"decision (choose the agent) ms: p50 {percentile(decisions, .5):.2f}  "
          f"p95 {percentile(decisions, .95):.2f}  p99 {percentile(decisions, .99):.2f}")
    print(f"routing step (rules + decision + assignment) ms: p50 "
          f"{percentile(step_ms, .5):.2f}  p95 {percentile(step_ms, .95):.2f}  "
          f"p99 {percentile(step_ms, .99):.2f}")
    check_fairness(agents, per_agent)


def check_fairness(agents: list, per_agent: Counter) -> None:
    from rapport.routing.eligibility import loads

    counts = [per_agent.get(a.pk, 0) for a in agents]
    starved = [a.username for a in agents if per_agent.get(a.pk, 0) == 0]
    print(f"assignments per agent: min {min(counts)}  median {statistics.median(counts):.0f}  "
          f"max {max(counts)}; agents with none: {len(starved)}")
    over = [a.username for a, load in ((a, loads([a.pk])[a.pk]) for a in agents)
            if load.total > 25 or load.by_channel["email"] > 20]
    print(f"agents over capacity: {len(over)}")
    if over:
        sys.exit("FAILED: capacity exceeded")


def run_time_rules(args: argparse.Namespace) -> None:
    from bench.time_rules import run

    run(args.time_rules, rng=random.Random(args.seed), database=args.db)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup_django(args)
    if args.time_rules:
        run_time_rules(args)
    else:
        run_routing(args)


if __name__ == "__main__":
    main()
