"""GET /api/v1/search: the same permission-scoped search as the agent UI."""

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rapport.api.auth import agent, check_scopes, requires
from rapport.api.models import Scope
from rapport.api.schemas.common import ERRORS
from rapport.search.models import Kind
from rapport.search.services import MAX_QUERY_CHARS, SearchQuery, search

router = Router(tags=["search"])


class SearchFilters(Schema):
    q: str = Field(..., min_length=1, max_length=MAX_QUERY_CHARS)
    kind: Literal["ticket", "message", "customer", "article"] | None = None
    status: list[str] = Field(default_factory=list)
    team_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=1000)


class HitOut(Schema):
    kind: str
    id: int
    ticket_id: int | None
    title: str = Field(description="HTML: escaped text with <mark> around the matches")
    snippet: str = Field(description="HTML: escaped text with <mark> around the matches")
    url: str
    score: float
    language: str
    locale: str


class SearchOut(Schema):
    items: list[HitOut]
    total: int


@router.get("", response={200: SearchOut, **ERRORS})
@requires(Scope.TICKETS_READ)
def search_everything(request: HttpRequest, filters: Query[SearchFilters]) -> SearchOut:
    """Tickets, messages, customers and articles the caller may open, best match first.

    Customers are included only for tokens that also have ``customers:read``.
    """
    may_read_customers = Scope.CUSTOMERS_READ in getattr(request, "api_scopes", frozenset())
    if filters.kind == Kind.CUSTOMER:
        check_scopes(request, (Scope.CUSTOMERS_READ,))
    kinds = (filters.kind,) if filters.kind else tuple(
        k for k in Kind.values if k != Kind.CUSTOMER or may_read_customers
    )
    page = search(agent(request), SearchQuery(
        text=filters.q, kinds=kinds, statuses=tuple(filters.status), team_id=filters.team_id,
        since=filters.since, until=filters.until, limit=filters.limit, offset=filters.offset,
    ))
    return SearchOut(total=page.total, items=[
        HitOut(kind=h.kind, id=h.object_id, ticket_id=h.ticket_id, title=str(h.title),
               snippet=str(h.snippet), url=request.build_absolute_uri(h.url), score=h.score,
               language=h.language, locale=h.locale)
        for h in page.hits
    ])
