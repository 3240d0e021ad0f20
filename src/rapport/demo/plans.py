"""Planning the demo tickets: who writes what, when, and how each story ends.

Planning touches no database: it turns the roster, the templates and a seeded random
generator into a list of ``TicketPlan``s whose steps ``rapport.demo.playback`` then
plays through the service verbs. The same seed gives the same plans (only the dates
move with the day the demo is loaded).
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rapport.demo.roster import AgentSpec, CustomerSpec, Roster, seeded_random
from rapport.demo.scenarios import SCENARIOS, Scenario, build_context
from rapport.demo.stories import StoryBuilder
from rapport.demo.texts import catalog, fill
from rapport.tickets.models import Priority

TICKET_COUNT = 300
SPAN = timedelta(days=60)
CHANNELS = {"email": 40, "web": 22, "chat": 16, "phone": 12, "api": 10}
# Recent tickets are more numerous (age = SPAN * u ** 1.6), so the inbox has live work.
AGE_SKEW = 1.6
_STATUS_BY_AGE = (
    (timedelta(days=1), {"new": 30, "open": 25, "pending": 20, "on_hold": 5, "solved": 20}),
    (timedelta(days=5), {"new": 5, "open": 15, "pending": 20, "on_hold": 10, "solved": 35,
                         "closed": 15}),
    (SPAN, {"open": 4, "pending": 6, "on_hold": 5, "solved": 30, "closed": 55}),
)


@dataclass
class Step:
    at: datetime
    verb: str  # open, call_log, triage, note, reply, customer, tags, priority, fields, status
    actor: str  # "customer" or an agent's username
    text: str = ""
    status: str = ""
    channel: str = ""
    files: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class TicketPlan:
    customer: CustomerSpec
    scenario: str
    channel: str
    subject: str
    created_at: datetime
    team: str
    assignee: str
    priority: int
    target_status: str
    fields_at_open: dict[str, Any]
    metadata: dict[str, Any]
    context: dict[str, str]
    steps: list[Step]
    priority_at_open: int = Priority.NORMAL
    team_at_open: bool = True

    @property
    def language(self) -> str:
        return self.customer.language


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class Planner:
    def __init__(self, roster: Roster, *, now: datetime, seed: int) -> None:
        self.roster = roster
        self.now = now
        self.rng = seeded_random(seed)
        # Some customers write often: companies and a few regulars.
        self.customer_weights = [
            (3 if c.company else 1) * self.rng.choice((1, 1, 1, 2, 3, 5))
            for c in roster.customers
        ]

    def plan_all(self, count: int = TICKET_COUNT) -> list[TicketPlan]:
        plans = [self.plan_one() for _ in range(count)]
        plans.sort(key=lambda plan: plan.created_at)
        return plans

    def plan_one(self) -> TicketPlan:
        rng = self.rng
        customer = rng.choices(self.roster.customers, weights=self.customer_weights)[0]
        key = _weighted(rng, {k: s.weight for k, s in SCENARIOS.items()})
        scenario = SCENARIOS[key]
        age = max(SPAN * rng.random() ** AGE_SKEW, timedelta(minutes=12))
        created = self.now - age
        status = self._status(age)
        channel = _weighted(rng, CHANNELS)
        if channel == "phone" and status == "new":
            channel = "email"  # a logged call is already being worked on
        agent = self.pick_agent(scenario.team, customer.language)
        cat = catalog(customer.language)
        ctx = build_context(rng, cat, self.roster, scenario=scenario, customer=customer,
                            agent=agent, created=created)
        plan = TicketPlan(
            customer=customer, scenario=key, channel=channel,
            subject=fill(rng.choice(cat.scenario(key)["subjects"]), ctx),
            created_at=created, team=scenario.team, assignee=agent.username,
            priority=self._priority(scenario), target_status=status,
            fields_at_open={}, metadata=self._metadata(channel, customer), context=ctx, steps=[],
        )
        builder = StoryBuilder(rng, cat, self.roster, plan, scenario, now=self.now)
        plan.steps = builder.build()
        return plan

    def _status(self, age: timedelta) -> str:
        for limit, weights in _STATUS_BY_AGE:
            if age <= limit:
                return _weighted(self.rng, weights)
        return _weighted(self.rng, _STATUS_BY_AGE[-1][1])

    def _priority(self, scenario: Scenario) -> int:
        weights = {"low": 15, "normal": 60, "high": 20, "urgent": 5}
        if scenario.urgent:
            weights = {"low": 5, "normal": 45, "high": 38, "urgent": 12}
        return int(Priority.from_name(_weighted(self.rng, weights)))

    def pick_agent(self, team: str, language: str) -> AgentSpec:
        """A front-line member of the team who speaks the customer's language."""
        members = self.roster.team_members(team)
        speakers = [a for a in members if language in a.languages]
        front = [a for a in speakers if a.role in ("agent", "engineer")]
        pool = front or speakers or [a for a in self.roster.agents if language in a.languages]
        # Native speakers of the customer's language take most of those tickets.
        weights = [3 if a.native == language else 1 for a in pool]
        return self.rng.choices(pool, weights=weights)[0]

    def _metadata(self, channel: str, customer: CustomerSpec) -> dict[str, Any]:
        if channel == "email":
            return {"from": customer.email}
        if channel == "phone":
            return {"caller": customer.phone or "withheld",
                    "duration_seconds": self.rng.randint(90, 900)}
        if channel == "chat":
            return {"widget": "website", "page": "/orders"}
        if channel == "api":
            return {"source": "marketplace-connector"}
        return {"form": "contact"}


def plan_tickets(roster: Roster, *, now: datetime, seed: int,
                 count: int = TICKET_COUNT) -> list[TicketPlan]:
    return Planner(roster, now=now, seed=seed).plan_all(count)
