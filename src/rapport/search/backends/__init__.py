"""The two index backends: FTS5 (SQLite, BM25) and tsvector + GIN (PostgreSQL).

Both receive terms already analysed in Python (`rapport.search.analysis`), so they
agree on what matches; they differ only in storage and in the ranking function. `match`
returns the requested page of (document id, score), best first, and the number of
candidates (at most CANDIDATES).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.db import connection

from rapport.search.analysis import Alternative, QueryGroup

# Ranking looks at the newest CANDIDATES matches the actor may see: a word found in a
# hundred thousand messages is ranked among its five thousand most recent ones (recent
# tickets are the ones looked for), which keeps every query within the latency target.
# Fewer matches than that (nearly every query of two words or more) are ranked whole.
CANDIDATES = 5000


class Backend(Protocol):
    def write(self, rows: list[tuple[int, list[str], list[str]]], *, fresh: bool = False) -> None:
        """(doc id, title terms, body terms); fresh: documents never written before."""

    def delete(self, doc_ids: list[int]) -> None: ...

    def clear(self) -> None: ...

    def match(
        self, groups: list[QueryGroup], where: str, params: list[Any], *,
        limit: int, offset: int, newest_first: bool = False, match_any: bool = False,
    ) -> tuple[list[tuple[int, float]], int]: ...


def boolean_query(
    groups: list[QueryGroup], *, term: Callable[[str, bool], str], both: str, either: str,
    match_any: bool = False,
) -> str:
    """The query in a backend's syntax: within a group, any alternative; an alternative,
    all its terms (a Chinese word's bigrams); then every group, or any with match_any.
    `term` writes one quoted term (a prefix when asked); `both`/`either`: AND and OR."""

    def alternative(alt: Alternative) -> str:
        parts = [term(t, alt.prefix) for t in alt.terms]
        return parts[0] if len(parts) == 1 else "(" + both.join(parts) + ")"

    groups_sql = ["(" + either.join(alternative(a) for a in g) + ")" for g in groups]
    return (either if match_any else both).join(groups_sql)


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from rapport.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from rapport.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
