"""Bulk loader for the benchmark data set.

A benchmark fixture, not application code: rows go in with ``bulk_create`` in batches
and explicit ids, bypassing the service verbs (``create_ticket`` takes one transaction,
several inserts and a realtime publish per ticket, far too slow for a million tickets).
It writes what the verbs would leave behind — the CREATED event, the messages, a
closing STATUS event, with one ``seq`` sequence per ticket ending at ``timeline_seq``
— but no ReportingEvent rows: the inbox and the ticket page do not read them.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any

from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape

from bench import words
from rapport.accounts.models import Membership, Role, Team, User
from rapport.contacts.models import Company, Customer, Identity, IdentityKind
from rapport.tickets.models import (
    Channel,
    Direction,
    EventKind,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    fold,
)

PASSWORD = "bench-Pa55word-rapport"
SUPERVISOR = "bench-agent-1"  # sees every ticket: the "All" view
AGENT = "bench-agent-2"  # an ordinary agent in two teams: "My teams", "Unassigned"
BATCH = 2000
BODY_VARIANTS = 400  # bodies are drawn from a pool: generating each is slow

TaggedLink = Ticket.tags.through
CHANNELS = [Channel.EMAIL, Channel.WEB, Channel.CHAT, Channel.PHONE, Channel.MESSENGER,
            Channel.API]
CHANNEL_WEIGHTS = [45, 20, 15, 8, 7, 5]
PRIORITIES = [Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT]
PRIORITY_WEIGHTS = [20, 55, 18, 7]
UNSOLVED = [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD]
UNSOLVED_WEIGHTS = [20, 45, 25, 10]


@dataclass
class People:
    team_ids: list[int]
    agent_ids: list[int]
    agents_by_team: dict[int, list[int]]
    tag_ids: list[int]
    customer_langs: list[str]  # index i is customer id i + 1


@dataclass
class Batch:
    tickets: list[Ticket] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    events: list[TicketEvent] = field(default_factory=list)
    tag_links: list[Any] = field(default_factory=list)


def migrate() -> float:
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    return time.perf_counter() - started


def create_people(rng: random.Random, n_customers: int) -> People:
    teams = [Team.objects.create(name=name) for name in words.TEAMS]
    password_hash = _hashed(PASSWORD)
    agents = []
    for i, (first, last) in enumerate(words.AGENTS, start=1):
        agents.append(User.objects.create(
            username=f"bench-agent-{i}", first_name=first, last_name=last,
            email=f"agent{i}@bench.example", password=password_hash,
            role=Role.SUPERVISOR if i == 1 else Role.AGENT,
            languages=rng.sample(words.LANGUAGES, 2),
        ))
    agents_by_team: dict[int, list[int]] = {team.pk: [] for team in teams}
    for i, agent in enumerate(agents):
        # Every agent in one team, every other agent in a second one as well.
        for team in [teams[i % 3]] + ([teams[(i + 1) % 3]] if i % 2 else []):
            Membership.objects.create(user=agent, team=team, is_lead=(i < 3))
            agents_by_team[team.pk].append(agent.pk)
    tags = [Tag.objects.create(name=name) for name in words.TAGS]
    companies = [Company.objects.create(name=name, domain=f"c{i}.example")
                 for i, name in enumerate(words.COMPANIES)]
    langs = _create_customers(rng, n_customers, [c.pk for c in companies])
    return People(
        team_ids=[t.pk for t in teams], agent_ids=[a.pk for a in agents],
        agents_by_team=agents_by_team, tag_ids=[t.pk for t in tags], customer_langs=langs,
    )


def _hashed(password: str) -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(password)


def _create_customers(rng: random.Random, count: int, company_ids: list[int]) -> list[str]:
    langs = rng.choices(words.LANGUAGES, words.LANGUAGE_WEIGHTS, k=count)
    for first in range(0, count, BATCH):
        ids = range(first + 1, min(first + BATCH, count) + 1)
        customers = [
            Customer(
                id=cid, name=rng.choice(words.NAMES[langs[cid - 1]]),
                email=f"customer{cid}@bench.example", language=langs[cid - 1],
                company_id=rng.choice(company_ids) if rng.random() < 0.3 else None,
            )
            for cid in ids
        ]
        identities = [
            Identity(id=cid, customer_id=cid, kind=IdentityKind.EMAIL,
                     value=f"customer{cid}@bench.example", verified=True)
            for cid in ids
        ]
        with transaction.atomic():
            Customer.objects.bulk_create(customers, batch_size=500)
            Identity.objects.bulk_create(identities, batch_size=500)
    return langs


class Builder:
    """Makes model instances through Django's positional fast path.

    ``Model(**kwargs)`` resolves every keyword against the fields, over a tenth of the
    load time when profiled; positional values in concrete-field order skip that. Fields
    not given get their default, so a field added later still loads. A mutable default
    (``{}`` of a JSONField) is shared between instances: harmless, they are only saved.
    """

    def __init__(self, model: type[Any]):
        self.model = model
        self.defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}

    def __call__(self, **values: Any) -> Any:
        for name in values:
            if name not in self.defaults:
                raise TypeError(f"{self.model.__name__} has no field {name}")
        return self.model(*[values.get(name, default) for name, default in self.defaults.items()])


def _body(rng: random.Random, lang: str, agent: bool) -> tuple[str, str]:
    """One message body: a greeting, two to four sentences, a closing; text and HTML."""
    pool = words.REPLIES[lang] if agent else words.SENTENCES[lang]
    parts = [rng.choice(words.GREETINGS[lang])]
    parts += rng.sample(pool, rng.randint(2, min(4, len(pool))))
    parts.append(rng.choice(words.CLOSINGS[lang]))
    text = "\n\n".join([parts[0], " ".join(parts[1:-1]), parts[-1]])
    html = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))
    return text, html


class Generator:
    """Makes the rows of consecutive tickets, created evenly over the past year."""

    def __init__(self, rng: random.Random, people: People, n_tickets: int, now: dt.datetime):
        self.rng = rng
        self.people = people
        self.now = now
        self.start = now - dt.timedelta(days=365)
        self.step = 365 * 86400 / max(n_tickets, 1)
        self.message_id = 0
        self.event_id = 0
        self.link_id = 0
        self.bodies = {(lang, agent): [_body(rng, lang, agent) for _ in range(BODY_VARIANTS)]
                       for lang in words.LANGUAGES for agent in (False, True)}
        self.new_ticket = Builder(Ticket)
        self.new_message = Builder(Message)
        self.new_event = Builder(TicketEvent)

    def batch(self, first_id: int, count: int) -> Batch:
        out = Batch()
        for tid in range(first_id, first_id + count):
            self._ticket(tid, out)
        return out

    def _ticket(self, tid: int, out: Batch) -> None:
        rng = self.rng
        created = self.start + dt.timedelta(seconds=(tid - 1 + rng.random()) * self.step)
        status = self._status(self.now - created)
        done = status in (Status.SOLVED, Status.CLOSED)
        mean_hours = 36 if done else 12
        updated = min(created + dt.timedelta(hours=rng.expovariate(1 / mean_hours)), self.now)
        requester = rng.randrange(len(self.people.customer_langs)) + 1
        lang = self.people.customer_langs[requester - 1]
        team = rng.choice(self.people.team_ids) if rng.random() > 0.08 else None
        subject = self._subject(lang)
        ticket = self.new_ticket(
            id=tid, subject=subject, subject_folded=fold(subject), status=status,
            is_open=not done,
            priority=rng.choices(PRIORITIES, PRIORITY_WEIGHTS)[0],
            channel=rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0], requester_id=requester,
            team_id=team, assignee_id=self._assignee(team, status), language=lang,
            created_at=created, updated_at=updated,
            solved_at=updated if done else None,
            closed_at=updated if status == Status.CLOSED else None,
        )
        self._timeline(ticket, out)
        out.tickets.append(ticket)
        if rng.random() < 0.3:
            for tag in rng.sample(self.people.tag_ids, rng.randint(1, 2)):
                self.link_id += 1
                out.tag_links.append(TaggedLink(id=self.link_id, ticket_id=tid, tag_id=tag))

    def _status(self, age: dt.timedelta) -> str:
        unsolved_share = 0.85 if age.days < 3 else 0.4 if age.days < 30 else 0.03
        if self.rng.random() < unsolved_share:
            return self.rng.choices(UNSOLVED, UNSOLVED_WEIGHTS)[0]
        closed_share = 0.6 if age.days > 14 else 0.1
        return Status.CLOSED if self.rng.random() < closed_share else Status.SOLVED

    def _assignee(self, team: int | None, status: str) -> int | None:
        unassigned = 0.6 if status == Status.NEW else 0.1 if status in UNSOLVED else 0.03
        if self.rng.random() < unassigned:
            return None
        pool = self.people.agents_by_team[team] if team else self.people.agent_ids
        return self.rng.choice(pool)

    def _subject(self, lang: str) -> str:
        suffix = self.rng.random()
        base = self.rng.choice(words.SUBJECTS[lang])
        if suffix < 0.4:
            return f"{base} #{self.rng.randint(10000, 99999)}"
        return base

    def _body(self, lang: str, agent: bool) -> tuple[str, str]:
        return self.rng.choice(self.bodies[(lang, agent)])

    def _timeline(self, ticket: Ticket, out: Batch) -> None:
        rng = self.rng
        span = ticket.updated_at - ticket.created_at
        n = rng.choices([1, 2, 3, 4], [35, 30, 20, 15])[0]
        inbound_first = ticket.channel != Channel.PHONE or rng.random() < 0.5
        agent = ticket.assignee_id or rng.choice(self.people.agent_ids)
        self._add_event(out, ticket, 1, EventKind.CREATED, ticket.created_at,
                        {"channel": ticket.channel}, None if inbound_first else agent)
        for k in range(n):
            at = ticket.created_at + span * (k / n)
            from_customer = (k % 2 == 0) == inbound_first
            note = not from_customer and rng.random() < 0.1
            self._add_message(out, ticket, k + 2, at, from_customer, note, agent)
        ticket.timeline_seq = n + 1
        if ticket.solved_at:
            ticket.timeline_seq += 1
            self._add_event(out, ticket, ticket.timeline_seq, EventKind.STATUS,
                            ticket.updated_at, {"old": "open", "new": ticket.status}, agent)

    def _add_message(self, out: Batch, ticket: Ticket, seq: int, at: dt.datetime,
                     from_customer: bool, note: bool, agent: int) -> None:
        self.message_id += 1
        text, html = self._body(ticket.language, agent=not from_customer)
        email_in = from_customer and ticket.channel == Channel.EMAIL
        out.messages.append(self.new_message(
            id=self.message_id, ticket_id=ticket.pk, seq=seq,
            direction=Direction.INBOUND if from_customer else Direction.OUTBOUND,
            is_public=not note, author_user_id=None if from_customer else agent,
            author_customer_id=ticket.requester_id if from_customer else None,
            channel=Channel.INTERNAL if note else ticket.channel,
            body_text=text, body_html=html,
            external_id=f"<m{self.message_id}@mail.bench.example>" if email_in else "",
            created_at=at,
        ))
        if from_customer:
            ticket.last_customer_message_at = at
        elif not note:
            ticket.last_agent_message_at = at
            ticket.first_response_at = ticket.first_response_at or at

    def _add_event(self, out: Batch, ticket: Ticket, seq: int, kind: str, at: dt.datetime,
                   data: dict[str, Any], agent: int | None) -> None:
        self.event_id += 1
        out.events.append(self.new_event(
            id=self.event_id, ticket_id=ticket.pk, seq=seq, kind=kind, data=data,
            actor_user_id=agent, actor_customer_id=None if agent else ticket.requester_id,
            created_at=at,
        ))


def insert(batch: Batch) -> int:
    size = None if connection.vendor == "sqlite" else 1000  # SQLite: Django's own limit
    with transaction.atomic():
        Ticket.objects.bulk_create(batch.tickets, batch_size=size)
        TaggedLink.objects.bulk_create(batch.tag_links, batch_size=size)
        Message.objects.bulk_create(batch.messages, batch_size=size)
        TicketEvent.objects.bulk_create(batch.events, batch_size=size)
    return len(batch.tickets) + len(batch.tag_links) + len(batch.messages) + len(batch.events)


def finish() -> float:
    """Sequences past the explicit ids, statistics for the planner, a clean WAL."""
    started = time.perf_counter()
    models = [Company, Customer, Identity, Ticket, TaggedLink, Message, TicketEvent]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        if connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def load(n_tickets: int, *, seed: int = 42, progress: bool = True) -> dict[str, Any]:
    """Migrate, then load n_tickets with N/10 customers; returns timings and row counts."""
    rng = random.Random(seed)
    result: dict[str, Any] = {"migrate_s": round(migrate(), 2)}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")  # a fixture: durability not needed
    started = time.perf_counter()
    people = create_people(rng, max(n_tickets // 10, 1))
    result["customers_s"] = round(time.perf_counter() - started, 2)
    generator = Generator(rng, people, n_tickets, timezone.now())
    started = time.perf_counter()
    rows = 0
    for first in range(1, n_tickets + 1, BATCH):
        rows += insert(generator.batch(first, min(BATCH, n_tickets - first + 1)))
        if progress and (first // BATCH) % 25 == 24:
            done = first + BATCH - 1
            rate = done / (time.perf_counter() - started)
            print(f"  {done:>9,} tickets  {rate:,.0f} tickets/s", flush=True)
    tickets_s = time.perf_counter() - started
    result.update(
        tickets=n_tickets, customers=len(people.customer_langs), rows=rows,
        messages=generator.message_id, events=generator.event_id,
        tickets_load_s=round(tickets_s, 2),
        tickets_per_s=round(n_tickets / tickets_s) if tickets_s else None,
        rows_per_s=round(rows / tickets_s) if tickets_s else None,
    )
    result["finish_s"] = round(finish(), 2)
    return result
