"""Keeping the index in step with the data, inside the transaction that changes it.

`touch()` (re)indexes things from their current rows; `forget()` drops them;
`refresh_ticket_scope()` copies a ticket's team, assignee, requester and status onto its
own document and its messages' (what results are scoped and filtered by). Callers run
these in the same transaction as their change, so a rollback takes the index with it
and a commit never leaves the index behind. `rapport reindex` rebuilds everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction

from rapport.search.analysis import analyse
from rapport.search.backends import backend
from rapport.search.models import Kind, SearchDocument
from rapport.search.sources import SOURCES, Entry, ticket_scope

SCOPE_FIELDS = (
    "ticket_id", "team_id", "assignee_id", "requester_id", "company_id", "status",
    "is_public", "locale", "language", "created_at",
)


def touch(kind: str, ids: int | Iterable[int]) -> None:
    """Index these things as they are now; ones that no longer exist are forgotten."""
    wanted = [ids] if isinstance(ids, int) else list(ids)
    if not wanted:
        return
    entries = SOURCES[kind].entries(wanted)
    with transaction.atomic():
        write_entries(entries)
        gone = set(wanted) - {e.object_id for e in entries}
        if gone:
            forget(kind, gone)


def write_entries(entries: list[Entry]) -> None:
    if not entries:
        return
    existing = {
        (kind, object_id): doc_id
        for doc_id, kind, object_id in SearchDocument.objects.filter(
            kind__in={e.kind for e in entries}, object_id__in={e.object_id for e in entries}
        ).values_list("id", "kind", "object_id")
    }
    pairs = [
        (SearchDocument(
            id=existing.get((entry.kind, entry.object_id)), kind=entry.kind,
            object_id=entry.object_id, **{name: getattr(entry, name) for name in SCOPE_FIELDS},
        ), entry)
        for entry in entries
    ]
    fresh = [(doc, entry) for doc, entry in pairs if doc.id is None]
    known = [(doc, entry) for doc, entry in pairs if doc.id is not None]
    SearchDocument.objects.bulk_create([doc for doc, _ in fresh])
    SearchDocument.objects.bulk_update([doc for doc, _ in known], SCOPE_FIELDS)
    backend().write(_analysed(fresh), fresh=True)
    backend().write(_analysed(known))


def _analysed(pairs: list[tuple[SearchDocument, Entry]]) -> list[tuple[int, list[str], list[str]]]:
    return [
        (doc.pk, analyse(entry.title, entry.language), analyse(entry.body, entry.language))
        for doc, entry in pairs
    ]


def forget(kind: str, ids: int | Iterable[int]) -> None:
    wanted = [ids] if isinstance(ids, int) else list(ids)
    docs = SearchDocument.objects.filter(kind=kind, object_id__in=wanted)
    doc_ids = list(docs.values_list("id", flat=True))
    if doc_ids:
        backend().delete(doc_ids)
        SearchDocument.objects.filter(pk__in=doc_ids).delete()


def refresh_ticket_scope(ticket: object) -> None:
    scope = ticket_scope(ticket)
    SearchDocument.objects.filter(
        kind__in=[Kind.TICKET, Kind.MESSAGE], ticket_id=scope.pop("ticket_id")
    ).update(**scope)


def reindex(
    kinds: Iterable[str] | None = None, *, clear: bool = True,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Rebuild the index of these kinds (all by default) from the data; counts per kind."""
    counts = {}
    for kind in kinds or SOURCES:
        source = SOURCES[kind]
        if clear:
            with transaction.atomic():
                _clear_kind(kind)
        counts[kind] = 0
        for ids in source.all_ids():
            with transaction.atomic():
                write_entries(source.entries(ids))
            counts[kind] += len(ids)
            if progress:
                progress(kind, len(ids))
    return counts


def _clear_kind(kind: str) -> None:
    doc_ids = list(SearchDocument.objects.filter(kind=kind).values_list("id", flat=True))
    for start in range(0, len(doc_ids), 5000):
        chunk = doc_ids[start:start + 5000]
        backend().delete(chunk)
        SearchDocument.objects.filter(pk__in=chunk).delete()


def count(kind: str) -> int:
    return SearchDocument.objects.filter(kind=kind).count()
