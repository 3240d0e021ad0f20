"""PostgreSQL: a `tsvector` column with a GIN index, ranked by ts_rank (title weight A).

Vectors and queries are written as tsvector/tsquery literals, never through a text
search configuration, so the database's locale and parser cannot change what matches.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection

from rapport.search.analysis import QueryGroup
from rapport.search.backends import CANDIDATES, boolean_query

MAX_POSITION = 16383
MAX_POSITIONS_PER_TERM = 256


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title: list[str], body: list[str]) -> str:
    positions: dict[str, list[str]] = defaultdict(list)
    for offset, (terms, weight) in enumerate(((title, "A"), (body, "B"))):
        start = 1 if offset == 0 else len(title) + 2
        for index, term in enumerate(terms):
            slots = positions[term]
            if len(slots) < MAX_POSITIONS_PER_TERM:
                slots.append(f"{min(start + index, MAX_POSITION)}{weight}")
    return " ".join(f"{_lexeme(term)}:{','.join(slots)}" for term, slots in positions.items())


def _query_term(term: str, prefix: bool) -> str:
    return _lexeme(term) + (":*" if prefix else "")


def tsquery_literal(groups: list[QueryGroup], match_any: bool = False) -> str:
    return boolean_query(groups, term=_query_term, both=" & ", either=" | ",
                         match_any=match_any)


class PostgresBackend:
    def write(self, rows: list[tuple[int, list[str], list[str]]], *, fresh: bool = False) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE search_searchdocument SET vector = %s::tsvector WHERE id = %s",
                [(tsvector_literal(title, body), doc_id) for doc_id, title, body in rows],
            )

    def delete(self, doc_ids: list[int]) -> None:
        """The vector goes with its row."""

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE search_searchdocument SET vector = NULL")

    def match(
        self, groups: list[QueryGroup], where: str, params: list[Any], *,
        limit: int, offset: int, newest_first: bool = False, match_any: bool = False,
    ) -> tuple[list[tuple[int, float]], int]:
        if not groups:
            return [], 0
        query = tsquery_literal(groups, match_any)
        order = "created_at DESC, id DESC" if newest_first else "score DESC, id DESC"
        # `where` is built by the search service from fixed column names; values are params.
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608
            "SELECT d.id, d.created_at, d.vector FROM search_searchdocument d "
            f"WHERE d.vector @@ %s::tsquery AND ({where}) ORDER BY d.id DESC LIMIT %s) "
            "SELECT id, ts_rank(vector, %s::tsquery) AS score, (SELECT COUNT(*) FROM m) "
            f"FROM m ORDER BY {order} LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query, *params, CANDIDATES, query, limit, offset])
            found = cursor.fetchall()
        total = found[0][2] if found else 0
        return [(doc_id, float(score)) for doc_id, score, _count in found], total
