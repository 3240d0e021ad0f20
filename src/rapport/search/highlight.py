"""Marking the words of a hit that the query found, and cutting a snippet around them."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rapport.search.analysis import (
    QueryGroup,
    group_prefixes,
    group_terms,
    script_of,
    stem,
    words,
)

SNIPPET_CHARS = 220


def _matches(word: str, terms: set[str], prefixes: set[str]) -> bool:
    languages = ("ru", "sr") if script_of(word) == "cyrillic" else ("en", "sr", "de", "fr", "es")
    variants = {stem(word, language) for language in languages}
    variants.add(word.casefold())
    if variants & terms:
        return True
    return any(v.startswith(p) for v in variants for p in prefixes)


def spans(text: str, groups: list[QueryGroup]) -> list[tuple[int, int]]:
    """Character spans of `text` that the query matched."""
    terms, prefixes = group_terms(groups), group_prefixes(groups)
    han = sorted((t for t in terms | prefixes if script_of(t) == "han"), key=len, reverse=True)
    found: list[tuple[int, int]] = []
    for match in words(text):
        word = match.group()
        if script_of(word[0]) == "han" or any(script_of(ch) == "han" for ch in word):
            found.extend(_han_spans(word, match.start(), han))
        elif _matches(word, terms, prefixes):
            found.append((match.start(), match.end()))
    return _merged(found)


def _han_spans(word: str, offset: int, han_terms: list[str]) -> list[tuple[int, int]]:
    found = []
    for term in han_terms:
        start = word.find(term)
        while start != -1:
            found.append((offset + start, offset + start + len(term)))
            start = word.find(term, start + 1)
    return found


def _merged(found: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def marked(text: str, groups: list[QueryGroup]) -> SafeString:
    """The whole text, escaped, with the matches in <mark>."""
    return _render(text, spans(text, groups), 0, len(text))


def snippet(text: str, groups: list[QueryGroup], size: int = SNIPPET_CHARS) -> SafeString:
    """A window of the text around its first match (or its start), matches marked."""
    text = " ".join(text.split())
    found = spans(text, groups)
    if len(text) <= size:
        return _render(text, found, 0, len(text))
    first = found[0][0] if found else 0
    start = max(0, first - size // 4)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space > start - 20 else start
    end = min(len(text), start + size)
    return _render(text, found, start, end)


def _render(text: str, found: list[tuple[int, int]], start: int, end: int) -> SafeString:
    parts = ["…" if start > 0 else ""]
    position = start
    for s, e in found:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(escape(text[position:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        position = e
    parts.append(escape(text[position:end]))
    if end < len(text):
        parts.append("…")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped
