"""Loading the Northwind Parcel demo: people, configuration, then 300 ticket stories.

Loading is one transaction: it either completes and leaves a ``DemoDataset`` row, or
leaves nothing. With that row present, loading again does nothing. The demo holds
staff accounts with a published password, so it loads only in demo mode
(RAPPORT_DEMO=1, which ``rapport demo`` sets).
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.audit.services import record_audit
from rapport.automation.demo import install_demo_automation
from rapport.channels.chat.models import ChatSite
from rapport.core.effects import effects_suppressed
from rapport.core.errors import DomainError
from rapport.demo.backdating import backdate_people
from rapport.demo.catalogue import ensure_catalogue
from rapport.demo.chats import seed_live_chats
from rapport.demo.chatsite import DEMO_SITE_NAME, ensure_chat_site
from rapport.demo.mailboxes import ensure_mailboxes
from rapport.demo.models import DemoDataset
from rapport.demo.people import create_cast, remove_cast
from rapport.demo.plans import TICKET_COUNT, plan_tickets
from rapport.demo.playback import Player
from rapport.demo.roster import DEMO_PASSWORD, SEED, Roster, build_roster, seeded_random
from rapport.knowledge.demo import install_demo_knowledge
from rapport.replies.demo import install_demo_replies
from rapport.routing.demo import install_demo_routing
from rapport.sla.demo import install_demo_sla
from rapport.tickets.models import Attachment, Message
from rapport.webhooks.demo import install_demo_webhook

DATASET_NAME = "northwind-parcel"
DATASET_VERSION = 1
# The demo's replies are history, not news: while loading, no jobs (the "you have a
# reply" emails) are enqueued and no realtime events are published.


class DemoModeRequired(DomainError):
    code = "demo_mode_required"


@dataclass
class LoadResult:
    created: bool
    dataset: DemoDataset
    removed: dict[str, int] = field(default_factory=dict)


def load_demo(*, reset: bool = False, seed: int = SEED, now: datetime | None = None,
              ticket_count: int = TICKET_COUNT) -> LoadResult:
    """Load the demo unless it is already there; with reset, remove it and load afresh."""
    if not settings.DEMO_MODE:
        raise DemoModeRequired(
            "The demo creates staff accounts with a published password, so it loads only "
            "in demo mode: run `rapport demo`, or set RAPPORT_DEMO=1 on a throwaway "
            "installation."
        )
    roster = build_roster(seed)
    with effects_suppressed(), transaction.atomic():
        removed = {}
        if reset:
            removed = remove_cast(roster)
            DemoDataset.objects.filter(name=DATASET_NAME).delete()
        existing = DemoDataset.objects.filter(name=DATASET_NAME).first()
        if existing is not None:
            return LoadResult(created=False, dataset=existing)
        dataset = _load(roster, seed=seed, now=now or timezone.now(), ticket_count=ticket_count)
    return LoadResult(created=True, dataset=dataset, removed=removed)


def _load(roster: Roster, *, seed: int, now: datetime, ticket_count: int) -> DemoDataset:
    now = now.replace(second=0, microsecond=0)
    configured = ensure_catalogue()
    cast = create_cast(roster)
    plans = plan_tickets(roster, now=now, seed=seed, count=ticket_count)
    player = Player(cast, seed=seed)
    tickets = [player.play(plan) for plan in plans]
    start = plans[0].created_at if plans else now
    backdate_people(
        customers=list(cast.customers.values()), users=list(cast.agents.values()),
        teams=list(cast.teams.values()), rng=seeded_random(seed), start=start - timedelta(days=1),
    )
    routing_rules = install_demo_routing(cast.teams)
    sla_policies = install_demo_sla()["policies"]
    automation = install_demo_automation()
    webhooks = install_demo_webhook()
    knowledge_articles = install_demo_knowledge()
    canned_replies = install_demo_replies()
    mailboxes = ensure_mailboxes(cast.teams)
    chat_sites = ensure_chat_site(cast.teams)
    live_chats = seed_live_chats(
        ChatSite.objects.get(name=DEMO_SITE_NAME),
        agents=[a for a in cast.agents.values() if a.teams.filter(name="Deliveries").exists()],
        customers=list(cast.customers.values())[:8], now=now, rng=seeded_random(seed + 1),
    )
    ticket_ids = [t.pk for t in tickets]
    counts = {
        "agents": len(cast.agents), "teams": len(cast.teams), "mailboxes": mailboxes,
        "chat_sites": chat_sites, "live_chats": live_chats, "routing_rules": routing_rules,
        "sla_policies": sla_policies, **automation, "webhook_endpoints": webhooks,
        "canned_replies": canned_replies, "knowledge_articles": knowledge_articles,
        "customers": len(cast.customers), "tickets": len(tickets),
        "messages": Message.objects.filter(ticket_id__in=ticket_ids).count(),
        "attachments": Attachment.objects.filter(message__ticket_id__in=ticket_ids).count(),
        **configured,
    }
    dataset = DemoDataset.objects.create(
        name=DATASET_NAME, version=DATASET_VERSION, seed=seed, counts=counts
    )
    record_audit("demo.loaded", target=dataset, data=counts)
    return dataset


def demo_logins(roster: Roster | None = None) -> list[dict[str, str]]:
    """The demo's staff sign-ins, for printing: all share the demo-only password."""
    roster = roster or build_roster()
    return [
        {
            "username": a.username, "password": DEMO_PASSWORD, "name": a.display_name,
            "role": a.role, "teams": ", ".join(a.teams), "languages": ", ".join(a.languages),
        }
        for a in roster.agents
    ]


def _width(text: str) -> int:
    """Columns the text takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_logins(rows: list[dict[str, str]]) -> str:
    header = ("username", "name", "role", "teams", "languages")
    widths = {key: max(_width(key), *(_width(r[key]) for r in rows)) for key in header}
    lines = ["  " + "  ".join(_pad(key, widths[key]) for key in header).rstrip()]
    lines += ["  " + "  ".join(_pad(r[key], widths[key]) for key in header).rstrip()
              for r in rows]
    password = rows[0]["password"] if rows else DEMO_PASSWORD
    lines.append(f"  password for every demo account: {password}  (demo only)")
    return "\n".join(lines)
