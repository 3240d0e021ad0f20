"""One search for tickets, messages, customers and articles, scoped to who is asking.

The permission scope is part of the index query (an agent's teams and own tickets; a
customer's own tickets — their company's when it shares them — and public articles;
anyone else public articles only), and every ticket hit is checked once more against
`visible_tickets` before it is shown, so a stale scope column can hide a hit but never
leak one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from rapport.accounts.models import User
from rapport.contacts.models import Customer
from rapport.search.analysis import QueryGroup, query_groups
from rapport.search.backends import CANDIDATES, backend
from rapport.search.highlight import marked, snippet
from rapport.search.models import Kind, SearchDocument, SearchLog
from rapport.search.sources import SOURCES, Shown

MAX_QUERY_CHARS = 200
MAX_OFFSET = 1000
TICKET_KINDS = (Kind.TICKET, Kind.MESSAGE)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    team_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    locale: str = ""
    limit: int = 20
    offset: int = 0
    prefix_last: bool = False
    newest_first: bool = False
    match_any: bool = False  # any word rather than all (suggestions from a whole text)
    source: str = ""  # a SearchLog.Source to record the search under; "" records nothing


@dataclass
class Hit:
    kind: str
    object_id: int
    title: SafeString
    snippet: SafeString
    url: str
    score: float
    language: str = ""
    locale: str = ""
    ticket_id: int | None = None
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class SearchPage:
    query: SearchQuery
    hits: list[Hit]
    total: int
    groups: list[QueryGroup]

    @property
    def capped(self) -> bool:
        """More matches than ranked: the page says "5000+" (see backends.CANDIDATES)."""
        return self.total >= CANDIDATES

    @property
    def has_next(self) -> bool:
        return self.query.offset + self.query.limit < min(self.total, MAX_OFFSET)


def search(actor: Any, query: SearchQuery) -> SearchPage:
    text = query.text.strip()[:MAX_QUERY_CHARS]
    groups = query_groups(text, prefix_last=query.prefix_last)
    if not groups:
        return SearchPage(query, [], 0, groups)
    where, params = _scope(actor)
    filters, filter_params = _filters(query)
    matched, total = backend().match(
        groups, f"({where}) AND ({filters})", [*params, *filter_params],
        limit=max(1, min(query.limit, 100)), offset=max(0, min(query.offset, MAX_OFFSET)),
        newest_first=query.newest_first, match_any=query.match_any,
    )
    hits = _hits(actor, matched, groups)
    total = total - (len(matched) - len(hits))
    if query.source and query.offset == 0:
        _record(query, text, total)
    return SearchPage(query, hits, total, groups)


def _scope(actor: Any) -> tuple[str, list[Any]]:
    """SQL over the document columns (alias d) for what the actor may find."""
    public_articles = "(d.kind = 'article' AND d.is_public AND d.status = 'published')"
    if isinstance(actor, User) and actor.is_active and actor.is_authenticated:
        articles = "(d.kind = 'article' AND d.status = 'published')"
        if actor.sees_all_tickets:
            return f"d.kind IN ('ticket', 'message', 'customer') OR {articles}", []
        teams = list(actor.teams.values_list("id", flat=True))
        team_sql = f"d.team_id IN ({', '.join(['%s'] * len(teams))}) OR " if teams else ""
        tickets = f"(d.kind IN ('ticket', 'message') AND ({team_sql}d.assignee_id = %s))"
        return f"{tickets} OR d.kind = 'customer' OR {articles}", [*teams, actor.pk]
    if isinstance(actor, Customer) and not actor.merged_into_id:
        company = actor.company
        if company is not None and company.share_tickets:
            whose, params = "d.company_id = %s", [company.pk]
        else:
            whose, params = "d.requester_id = %s", [actor.pk]
        tickets = f"(d.kind IN ('ticket', 'message') AND d.is_public AND {whose})"
        return f"{tickets} OR {public_articles}", list(params)
    return public_articles, []


def _filters(query: SearchQuery) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1 = 1"]
    params: list[Any] = []
    kinds = [k for k in query.kinds if k in SOURCES]
    if kinds:
        clauses.append(f"d.kind IN ({', '.join(['%s'] * len(kinds))})")
        params += kinds
    if query.statuses:
        clauses.append(
            f"(d.kind NOT IN ('ticket', 'message') OR d.status IN "
            f"({', '.join(['%s'] * len(query.statuses))}))"
        )
        params += list(query.statuses)
    if query.team_id is not None:
        clauses.append("(d.kind NOT IN ('ticket', 'message') OR d.team_id = %s)")
        params.append(query.team_id)
    if query.since is not None:
        clauses.append("d.created_at >= %s")
        params.append(query.since)
    if query.until is not None:
        clauses.append("d.created_at < %s")
        params.append(query.until)
    if query.locale:
        clauses.append("(d.kind <> 'article' OR d.locale = %s)")
        params.append(query.locale)
    return " AND ".join(clauses), params


def _hits(actor: Any, matched: list[tuple[int, float]], groups: list[QueryGroup]) -> list[Hit]:
    if not matched:
        return []
    docs = {
        d.pk: d for d in SearchDocument.objects.filter(pk__in=[doc_id for doc_id, _ in matched])
    }
    for_agents = isinstance(actor, User)
    shown: dict[str, dict[int, Shown]] = {}
    for kind in {d.kind for d in docs.values()}:
        ids = [d.object_id for d in docs.values() if d.kind == kind]
        shown[kind] = SOURCES[kind].shown(ids, for_agents=for_agents)
    allowed = _visible_ticket_ids(actor, shown)
    hits = []
    for doc_id, score in matched:
        doc = docs.get(doc_id)
        item = shown.get(doc.kind, {}).get(doc.object_id) if doc else None
        if doc is None or item is None:
            continue
        if doc.kind in TICKET_KINDS and item.ticket_id not in allowed:
            continue
        if not for_agents and item.details.get("note"):
            continue
        hits.append(Hit(
            kind=doc.kind, object_id=doc.object_id, title=marked(item.title, groups),
            snippet=snippet(item.text, groups), url=item.url, score=score,
            language=item.language, locale=item.locale, ticket_id=item.ticket_id,
            details=item.details,
        ))
    return hits


def _visible_ticket_ids(actor: Any, shown: dict[str, dict[int, Shown]]) -> set[int]:
    from rapport.tickets.queries import visible_tickets

    ids = {
        item.ticket_id for kind in TICKET_KINDS for item in shown.get(kind, {}).values()
        if item.ticket_id is not None
    }
    if not ids:
        return set()
    return set(visible_tickets(actor).filter(pk__in=ids).values_list("pk", flat=True))


def _record(query: SearchQuery, text: str, total: int) -> None:
    if not text:
        return
    SearchLog.objects.create(
        source=query.source, query=text, normalized=" ".join(text.casefold().split()),
        locale=query.locale, results=total, created_at=timezone.now(),
    )
