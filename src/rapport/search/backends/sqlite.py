"""SQLite: an FTS5 table keyed by the document's id, ranked by BM25 (title weighs 4×)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from rapport.search.analysis import QueryGroup
from rapport.search.backends import CANDIDATES, boolean_query

# search_fts (title, body) is created by migration search 0002, with a trigger that drops
# a document's terms when its row is deleted.


def _term(term: str, prefix: bool) -> str:
    return f'"{term}"*' if prefix else f'"{term}"'


def match_expression(groups: list[QueryGroup], match_any: bool = False) -> str:
    return boolean_query(groups, term=_term, both=" AND ", either=" OR ", match_any=match_any)


class SqliteBackend:
    def write(self, rows: list[tuple[int, list[str], list[str]]], *, fresh: bool = False) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if not fresh:
                cursor.executemany(
                    "DELETE FROM search_fts WHERE rowid = %s", [(r[0],) for r in rows]
                )
            cursor.executemany(
                "INSERT INTO search_fts (rowid, title, body) VALUES (%s, %s, %s)",
                [(doc_id, " ".join(title), " ".join(body)) for doc_id, title, body in rows],
            )

    def delete(self, doc_ids: list[int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(i,) for i in doc_ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def match(
        self, groups: list[QueryGroup], where: str, params: list[Any], *,
        limit: int, offset: int, newest_first: bool = False, match_any: bool = False,
    ) -> tuple[list[tuple[int, float]], int]:
        if not groups:
            return [], 0
        order = "created_at DESC, id DESC" if newest_first else "score, id DESC"
        # FTS5 walks the matches newest first and stops at CANDIDATES (see backends).
        # `where` is built by the search service from fixed column names; values are params.
        sql = (
            "WITH m AS MATERIALIZED ("  # noqa: S608
            "SELECT d.id AS id, d.created_at AS created_at, "
            "bm25(search_fts, 4.0, 1.0) AS score "
            "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND ({where}) "
            "ORDER BY search_fts.rowid DESC LIMIT %s) "
            f"SELECT id, score, (SELECT COUNT(*) FROM m) FROM m ORDER BY {order} "
            "LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [
                match_expression(groups, match_any), *params, CANDIDATES, limit, offset,
            ])
            found = cursor.fetchall()
        total = found[0][2] if found else 0
        return [(doc_id, -score) for doc_id, score, _count in found], total
