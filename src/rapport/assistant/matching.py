"""Finding phrases in a text by word forms: the engine under rules, tone and LATTE cues.

A phrase is compared word by word with the text, through the search app's analysis:
`words()` splits both the same way (so "can't" is "can" + "t" in the rule and in the
reply) and `stem()` reduces each word to its stem in the text's language. Chinese has no
spaces and no inflection: a Chinese phrase is found as a substring.

Russian Snowball is not always consistent within one word's forms («проблема» →
"проблем", «проблему» → "пробл"), so a word also carries its stem's own stem when that
is still long enough to mean something; two words match when their forms meet. Words whose
lengths differ by more than an ending are derivations, not inflections ("hope" is not
"hopefully"), and do not match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from rapport.search.analysis import base_language, stem, words

Payload = TypeVar("Payload")

SUBSTRING_LANGUAGES = frozenset({"zh", "ja", "ko"})
MIN_SECOND_STEM = 5
MAX_EXTRA_LETTERS = 4
MAX_GAP = 12
# Between two words of one phrase: spaces, apostrophes, hyphens, commas; never the end
# of a sentence ("No. Problem solved" is not "no problem").
_SENTENCE_END = re.compile(r"[.!?;…。！？；]|\n\s*\n")


def uses_substrings(language: str) -> bool:
    return base_language(language) in SUBSTRING_LANGUAGES


@lru_cache(maxsize=50_000)
def word_forms(word: str, language: str) -> frozenset[str]:
    """The stems a word is compared by (one, or two when Snowball stems unevenly)."""
    first = stem(word, language)
    second = stem(first, language)
    if second != first and len(second) >= MIN_SECOND_STEM:
        return frozenset((first, second))
    return frozenset((first,))


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    forms: frozenset[str]

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Text:
    """A text analysed once for one language; every matcher of that language reuses it."""

    raw: str
    language: str
    tokens: tuple[Token, ...]


def analyse(text: str, language: str) -> Text:
    language = base_language(language)
    if language in SUBSTRING_LANGUAGES:
        return Text(text, language, ())
    tokens = tuple(
        Token(m.start(), m.end(), word_forms(m.group(), language)) for m in words(text)
    )
    return Text(text, language, tokens)


def phrase_key(phrase: str, language: str) -> str:
    """What makes two phrases "the same" in one language (duplicates are refused)."""
    language = base_language(language)
    if language in SUBSTRING_LANGUAGES:
        return " ".join(phrase.split()).casefold()
    return " ".join(stem(m.group(), language) for m in words(phrase))


@dataclass(frozen=True)
class Found(Generic[Payload]):
    start: int
    end: int
    payload: Payload


@dataclass(frozen=True)
class _Pattern(Generic[Payload]):
    words: tuple[tuple[frozenset[str], int], ...]  # (forms, length) per word
    literal: str
    payload: Payload
    order: int


class PhraseMatcher(Generic[Payload]):
    """Phrases of one language, compiled once; `find` returns non-overlapping matches."""

    def __init__(self, entries: Iterable[tuple[str, Payload]], language: str) -> None:
        self.language = base_language(language)
        self.substring = self.language in SUBSTRING_LANGUAGES
        self._by_first_form: dict[str, list[_Pattern[Payload]]] = {}
        self._literals: list[_Pattern[Payload]] = []
        self._count = 0
        for order, (phrase, payload) in enumerate(entries):
            self._add(phrase, payload, order)
        for patterns in self._by_first_form.values():
            patterns.sort(key=lambda p: (-len(p.words), p.order))
        self._literals.sort(key=lambda p: (-len(p.literal), p.order))

    def _add(self, phrase: str, payload: Payload, order: int) -> None:
        phrase = phrase.strip()
        if self.substring:
            if phrase:
                self._literals.append(_Pattern((), phrase, payload, order))
                self._count += 1
            return
        pattern_words = tuple(
            (word_forms(m.group(), self.language), len(m.group())) for m in words(phrase)
        )
        if not pattern_words:
            return
        pattern = _Pattern(pattern_words, phrase, payload, order)
        self._count += 1
        for form in pattern_words[0][0]:
            self._by_first_form.setdefault(form, []).append(pattern)

    def __len__(self) -> int:
        return self._count

    def find(self, text: Text | str) -> list[Found[Payload]]:
        if isinstance(text, str):
            text = analyse(text, self.language)
        if self.substring:
            return _without_overlaps(self._find_literals(text.raw))
        return self._find_words(text)

    def _find_literals(self, raw: str) -> list[Found[Payload]]:
        found: list[Found[Payload]] = []
        for pattern in self._literals:
            start = raw.find(pattern.literal)
            while start != -1:
                found.append(Found(start, start + len(pattern.literal), pattern.payload))
                start = raw.find(pattern.literal, start + 1)
        return found

    def _find_words(self, text: Text) -> list[Found[Payload]]:
        found: list[Found[Payload]] = []
        tokens, i = text.tokens, 0
        while i < len(tokens):
            best = self._longest_at(text, i)
            if best is None:
                i += 1
                continue
            length, pattern = best
            found.append(Found(tokens[i].start, tokens[i + length - 1].end, pattern.payload))
            i += length
        return found

    def _longest_at(self, text: Text, i: int) -> tuple[int, _Pattern[Payload]] | None:
        best: tuple[int, _Pattern[Payload]] | None = None
        for form in text.tokens[i].forms:
            for pattern in self._by_first_form.get(form, ()):
                size = len(pattern.words)
                if best is not None and (size, -pattern.order) <= (best[0], -best[1].order):
                    continue
                if _matches_at(text, i, pattern.words):
                    best = (size, pattern)
        return best


def _matches_at(
    text: Text, i: int, pattern: tuple[tuple[frozenset[str], int], ...]
) -> bool:
    tokens = text.tokens
    if i + len(pattern) > len(tokens):
        return False
    for offset, (forms, length) in enumerate(pattern):
        token = tokens[i + offset]
        if token.forms.isdisjoint(forms) or abs(token.length - length) > MAX_EXTRA_LETTERS:
            return False
        if offset and not _joins(text.raw, tokens[i + offset - 1].end, token.start):
            return False
    return True


def _joins(raw: str, end: int, start: int) -> bool:
    gap = raw[end:start]
    return len(gap) <= MAX_GAP and not _SENTENCE_END.search(gap)


def _without_overlaps(found: list[Found[Payload]]) -> list[Found[Payload]]:
    """Earliest first; at one start the longest; anything overlapping a kept match goes."""
    kept: list[Found[Payload]] = []
    for match in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if not kept or match.start >= kept[-1].end:
            kept.append(match)
    return kept
