"""The inbox: named views, filters, sorting and keyset (cursor) pagination.

Shared by the agent UI and the REST API so both list exactly the same tickets.
"""

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rapport.accounts.models import User
from rapport.core.errors import InvalidInput
from rapport.tickets.models import DONE_STATUSES, Status, Ticket, fold
from rapport.tickets.queries import team_ids, visible_tickets

VIEWS = {
    "my_open": _("My open"),
    "unassigned": _("Unassigned"),
    "my_teams": _("My teams"),
    "all": _("All"),
    "pending": _("Pending"),
    "solved": _("Solved"),
}
# Each sort is a list of (field, type) read in descending order; id breaks ties.
SORTS: dict[str, list[str]] = {
    "updated": ["updated_at", "id"],
    "created": ["created_at", "id"],
    "priority": ["priority", "updated_at", "id"],
}
MAX_LIMIT = 100


@dataclass
class InboxQuery:
    view: str = "all"
    status: list[str] = field(default_factory=list)
    priority: list[int] = field(default_factory=list)
    team: int | None = None
    assignee: str = ""  # "me", "none" or an agent id
    tag: str = ""
    channel: str = ""
    language: str = ""
    requester: int | None = None
    search: str = ""
    sort: str = "updated"


@dataclass
class Page:
    items: list[Ticket]
    next_cursor: str | None


# "is_open IN (true)", not "is_open": SQLite uses an index column for a comparison but
# not for a bare truth test (measured at 1M tickets: 41 ms → 1 ms for "my open").
OPEN = {"is_open__in": [True]}


def _apply_view(qs: QuerySet[Ticket], user: User, view: str) -> QuerySet[Ticket]:
    if view == "my_open":
        return qs.filter(assignee=user, **OPEN)
    if view == "unassigned":
        return qs.filter(assignee__isnull=True, **OPEN)
    if view == "my_teams":
        return qs.filter(team__in=team_ids(user), **OPEN)
    if view == "pending":
        return qs.filter(status=Status.PENDING)
    if view == "solved":
        return qs.filter(status__in=DONE_STATUSES)
    if view == "all":
        return qs
    raise InvalidInput(str(_("Unknown view.")), code="invalid_view", details={"view": view})


def filtered_tickets(actor: Any, query: InboxQuery) -> QuerySet[Ticket]:
    qs = _apply_view(visible_tickets(actor), actor, query.view)
    if query.status:
        qs = qs.filter(status__in=query.status)
    if query.priority:
        qs = qs.filter(priority__in=query.priority)
    if query.team:
        qs = qs.filter(team_id=query.team)
    if query.assignee == "me":
        qs = qs.filter(assignee=actor)
    elif query.assignee == "none":
        qs = qs.filter(assignee__isnull=True)
    elif query.assignee.isdigit():
        qs = qs.filter(assignee_id=int(query.assignee))
    if query.tag:
        qs = qs.filter(tags__name=query.tag.lower())
    if query.channel:
        qs = qs.filter(channel=query.channel)
    if query.language:
        qs = qs.filter(language=query.language)
    if query.requester:
        qs = qs.filter(requester_id=query.requester)
    if query.search:
        term = query.search.strip()
        by_number = Q(pk=int(term.lstrip("#"))) if term.lstrip("#").isdigit() else Q()
        qs = qs.filter(Q(subject_folded__contains=fold(term)) | by_number)
    return qs


def encode_cursor(values: list[Any]) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, dt.datetime) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, fields: list[str]) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list) or len(values) != len(fields):
            raise ValueError
        return [
            dt.datetime.fromisoformat(v) if f.endswith("_at") else int(v)
            for f, v in zip(fields, values, strict=True)
        ]
    except (ValueError, TypeError, json.JSONDecodeError):
        raise InvalidInput(str(_("The cursor is not valid.")), code="invalid_cursor") from None


def _after(fields: list[str], values: list[Any]) -> Q:
    """Rows strictly after the cursor in descending lexicographic order.

    The leading ``first <= value`` is implied by the rest, but it gives both SQLite and
    PostgreSQL a range on the index instead of a filter applied row by row.
    """
    condition = Q()
    for i in range(len(fields) - 1, -1, -1):
        here = Q(**{f"{fields[i]}__lt": values[i]})
        if i < len(fields) - 1:
            here |= Q(**{fields[i]: values[i]}) & condition
        condition = here
    return Q(**{f"{fields[0]}__lte": values[0]}) & condition


def page(
    actor: Any, query: InboxQuery, *, cursor: str | None = None, limit: int = 25
) -> Page:
    fields = SORTS.get(query.sort)
    if fields is None:
        raise InvalidInput(str(_("Unknown sort.")), code="invalid_sort")
    limit = max(1, min(limit, MAX_LIMIT))
    qs = filtered_tickets(actor, query)
    if cursor:
        qs = qs.filter(_after(fields, _decode_cursor(cursor, fields)))
    qs = qs.order_by(*[f"-{f}" for f in fields]).select_related(
        "requester", "assignee", "team"
    ).prefetch_related("tags")
    rows = list(qs[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([getattr(last, f) for f in fields])
    return Page(items=items, next_cursor=next_cursor)
