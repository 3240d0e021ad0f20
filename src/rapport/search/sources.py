"""What each kind of searchable thing puts in the index, and how a hit is shown.

One `Source` per kind: `entries(ids)` reads the things and returns what to index (text
plus the scope columns results are filtered by); `all_ids()` walks every id for
`rapport reindex`; `shown(ids, for_agents)` returns what a hit displays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.urls import reverse

from rapport.search.models import Kind

CHUNK = 2000


@dataclass
class Entry:
    kind: str
    object_id: int
    title: str
    body: str
    language: str
    created_at: datetime
    ticket_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    requester_id: int | None = None
    company_id: int | None = None
    status: str = ""
    is_public: bool = True
    locale: str = ""


@dataclass
class Shown:
    title: str
    text: str
    url: str
    language: str = ""
    locale: str = ""
    ticket_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


class Source(Protocol):
    @property
    def kind(self) -> str: ...

    def entries(self, ids: list[int]) -> list[Entry]: ...

    def all_ids(self) -> Iterator[list[int]]: ...

    def shown(self, ids: list[int], *, for_agents: bool) -> dict[int, Shown]: ...


def _chunks(queryset: Any) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return
        yield ids
        last = ids[-1]


def ticket_scope(ticket: Any) -> dict[str, Any]:
    requester = ticket.requester
    return {
        "ticket_id": ticket.pk, "team_id": ticket.team_id, "assignee_id": ticket.assignee_id,
        "requester_id": ticket.requester_id,
        "company_id": requester.company_id if requester is not None else None,
        "status": ticket.status,
    }


class TicketSource:
    kind = Kind.TICKET

    def entries(self, ids: list[int]) -> list[Entry]:
        from rapport.tickets.models import Ticket

        tickets = Ticket.objects.filter(pk__in=ids).select_related("requester").prefetch_related(
            "tags"
        )
        return [
            Entry(
                kind=self.kind, object_id=t.pk, title=f"{t.pk} {t.subject}",
                body=" ".join(tag.name for tag in t.tags.all()), language=t.language,
                created_at=t.created_at, **ticket_scope(t),
            )
            for t in tickets
        ]

    def all_ids(self) -> Iterator[list[int]]:
        from rapport.tickets.models import Ticket

        return _chunks(Ticket.objects.all())

    def shown(self, ids: list[int], *, for_agents: bool) -> dict[int, Shown]:
        from rapport.tickets.models import Ticket

        found = {}
        for ticket in Ticket.objects.filter(pk__in=ids).select_related("requester", "team"):
            found[ticket.pk] = Shown(
                title=f"#{ticket.pk} {ticket.subject}", text=ticket.subject,
                url=_ticket_url(ticket.pk, for_agents), language=ticket.language,
                ticket_id=ticket.pk, details=_ticket_details(ticket),
            )
        return found


def _ticket_url(ticket_id: int, for_agents: bool, anchor: str = "") -> str:
    if for_agents:
        return reverse("tickets:detail", args=[ticket_id]) + anchor
    return reverse("portal:ticket", args=[ticket_id]) + anchor


def _ticket_details(ticket: Any) -> dict[str, Any]:
    return {
        "status": ticket.get_status_display(), "status_code": ticket.status,
        "team": ticket.team.name if ticket.team else "",
        "requester": str(ticket.requester) if ticket.requester else "",
        "date": ticket.created_at,
    }


class MessageSource:
    kind = Kind.MESSAGE

    def entries(self, ids: list[int]) -> list[Entry]:
        from rapport.tickets.models import Message

        messages = Message.objects.filter(pk__in=ids).select_related("ticket__requester")
        return [
            Entry(
                kind=self.kind, object_id=m.pk, title="", body=m.body_text,
                language=m.language or m.ticket.language, created_at=m.created_at,
                is_public=m.is_public, **ticket_scope(m.ticket),
            )
            for m in messages
        ]

    def all_ids(self) -> Iterator[list[int]]:
        from rapport.tickets.models import Message

        return _chunks(Message.objects.all())

    def shown(self, ids: list[int], *, for_agents: bool) -> dict[int, Shown]:
        from rapport.tickets.models import Message

        found = {}
        messages = Message.objects.filter(pk__in=ids).select_related(
            "ticket__requester", "ticket__team", "author_user", "author_customer"
        )
        for message in messages:
            ticket = message.ticket
            author = message.author_user or message.author_customer
            found[message.pk] = Shown(
                title=f"#{ticket.pk} {ticket.subject}", text=message.body_text,
                url=_ticket_url(ticket.pk, for_agents, f"#message-{message.pk}"),
                language=message.language or ticket.language, ticket_id=ticket.pk,
                details={
                    **_ticket_details(ticket), "date": message.created_at,
                    "author": str(author) if author else "",
                    "note": not message.is_public,
                },
            )
        return found


class CustomerSource:
    kind = Kind.CUSTOMER

    def entries(self, ids: list[int]) -> list[Entry]:
        from rapport.contacts.models import Customer

        customers = (
            Customer.objects.filter(pk__in=ids, merged_into__isnull=True)
            .select_related("company").prefetch_related("identities")
        )
        return [
            Entry(
                kind=self.kind, object_id=c.pk, title=c.name,
                body=" ".join([
                    c.email, c.phone, c.company.name if c.company else "",
                    *(i.value for i in c.identities.all()),
                ]),
                language=c.language, created_at=c.created_at, requester_id=c.pk,
                company_id=c.company_id,
            )
            for c in customers
        ]

    def all_ids(self) -> Iterator[list[int]]:
        from rapport.contacts.models import Customer

        return _chunks(Customer.objects.filter(merged_into__isnull=True))

    def shown(self, ids: list[int], *, for_agents: bool) -> dict[int, Shown]:
        from rapport.contacts.models import Customer

        found = {}
        for customer in Customer.objects.filter(pk__in=ids).select_related("company"):
            found[customer.pk] = Shown(
                title=str(customer),
                text=" · ".join(v for v in (customer.email, customer.phone) if v),
                url=reverse("contacts:detail", args=[customer.pk]),
                details={
                    "company": customer.company.name if customer.company else "",
                    "date": customer.created_at,
                },
            )
        return found


class ArticleSource:
    kind = Kind.ARTICLE

    def entries(self, ids: list[int]) -> list[Entry]:
        from rapport.knowledge.markdown import plain_text
        from rapport.knowledge.models import ArticleTranslation

        translations = ArticleTranslation.objects.filter(pk__in=ids).select_related("article")
        return [
            Entry(
                kind=self.kind, object_id=t.pk, title=t.title,
                body=plain_text(t.body_markdown), language=t.locale, locale=t.locale,
                created_at=t.article.created_at, status=t.status,
                is_public=t.article.audience == "public",
            )
            for t in translations
        ]

    def all_ids(self) -> Iterator[list[int]]:
        from rapport.knowledge.models import ArticleTranslation

        return _chunks(ArticleTranslation.objects.all())

    def shown(self, ids: list[int], *, for_agents: bool) -> dict[int, Shown]:
        from rapport.knowledge.markdown import plain_text
        from rapport.knowledge.models import ArticleTranslation
        from rapport.knowledge.queries import agent_article_url, public_article_url

        found = {}
        translations = ArticleTranslation.objects.filter(pk__in=ids).select_related(
            "article"
        )
        for t in translations:
            public = t.article.audience == "public"
            found[t.pk] = Shown(
                title=t.title, text=plain_text(t.body_markdown),
                url=agent_article_url(t) if for_agents else public_article_url(t),
                language=t.locale, locale=t.locale,
                details={
                    "audience": t.article.audience, "public": public,
                    "public_url": public_article_url(t) if public else "",
                    "date": t.updated_at,
                },
            )
        return found


SOURCES: dict[str, Source] = {
    source.kind: source
    for source in (TicketSource(), MessageSource(), CustomerSource(), ArticleSource())
}
