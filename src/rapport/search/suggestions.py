"""Articles suggested from a text: the ticket being answered, or what a customer types.

The text's words are searched as alternatives (any word, not all), so BM25 / ts_rank
puts the articles sharing the most and rarest words first.
"""

from __future__ import annotations

from typing import Any

from rapport.search.analysis import STOP_WORDS, script_of, words
from rapport.search.models import Kind
from rapport.search.services import Hit, SearchQuery, search

MAX_WORDS = 16
SAMPLE_CHARS = 600


def suggest_articles(actor: Any, text: str, *, locale: str = "", limit: int = 5) -> list[Hit]:
    """Published articles the actor may read that fit the text; the locale's first."""
    words = " ".join(_key_words(text))
    if not words:
        return []
    query = SearchQuery(text=words, kinds=(Kind.ARTICLE,), locale=locale, limit=limit,
                        match_any=True)
    hits = search(actor, query).hits if locale else []
    if len(hits) < limit:
        seen = {h.object_id for h in hits}
        more = search(actor, SearchQuery(text=words, kinds=(Kind.ARTICLE,), limit=limit,
                                         match_any=True)).hits
        hits += [h for h in more if h.object_id not in seen][: limit - len(hits)]
    return hits


def _key_words(text: str) -> list[str]:
    """The text's first distinct content words (stop words dropped), at most MAX_WORDS."""
    kept: dict[str, str] = {}
    for match in words(text[:SAMPLE_CHARS]):
        word = match.group()
        folded = word.casefold()
        if folded not in STOP_WORDS and (len(word) > 1 or script_of(word) == "han"):
            kept.setdefault(folded, word)
    return list(kept.values())[:MAX_WORDS]


def ticket_text(ticket: Any) -> str:
    """The subject and the customer's latest message: what the agent is answering."""
    from rapport.tickets.models import Direction

    latest = (
        ticket.messages.filter(direction=Direction.INBOUND, is_public=True)
        .order_by("-seq").values_list("body_text", flat=True).first()
    )
    return f"{ticket.subject}\n{latest or ''}"
