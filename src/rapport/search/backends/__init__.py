"""The two index backends: FTS5 (SQLite, BM25) and tsvector + GIN (PostgreSQL).

Both receive terms already analysed in Python (`rapport.search.analysis`), so they
agree on what matches; they differ only in storage and in the ranking function. `match`
returns the requested page of (document id, score), best first, and the number of
candidates (at most CANDIDATES).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.db import connection

from rapport.search.analysis import QueryGroup

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


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from rapport.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from rapport.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
