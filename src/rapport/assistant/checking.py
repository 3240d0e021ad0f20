"""Checking a reply against the phrase rules of its language: pure functions, no database.

The rules arrive compiled (`rulebook.rules_for`); a check only tokenises the text once
and walks it. Offsets are Python string indices (code points) into the text as given.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext

from rapport.assistant.matching import PhraseMatcher, Text, analyse
from rapport.core.language import detect_language, guess_language
from rapport.search.analysis import base_language


@dataclass(frozen=True)
class RuleInfo:
    """What a check needs of a rule, detached from the database row."""

    id: int
    phrase: str
    alternatives: tuple[str, ...]
    category: str
    explanation: str
    is_builtin: bool = False

    @property
    def shown_explanation(self) -> str:
        # Built-in explanations are English msgids; an admin's own text is shown as written.
        if self.is_builtin and self.explanation:
            return gettext(self.explanation)
        return self.explanation


@dataclass(frozen=True)
class Finding:
    rule_id: int
    start: int
    end: int
    phrase: str  # as written in the text
    alternatives: tuple[str, ...]
    category: str
    explanation: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["alternatives"] = list(self.alternatives)
        return data


RuleMatcher = PhraseMatcher[RuleInfo]


def rule_language(code: str) -> str:
    """The language whose rules apply: 'zh-hans' for any Chinese, 'sr' for hr/bs/sr-latn."""
    base = base_language(code)
    return "zh-hans" if base == "zh" else base


def reply_language(text: str, *fallbacks: str) -> str:
    """The reply's language; too short to tell: the first known fallback (ticket, agent)."""
    # Script decides Chinese at once: detect_language's URL/email stripping is slow on
    # long runs without spaces (~30 ms for 2,000 Chinese characters) and says the same.
    if guess_language(text) == "zh-hans":
        return "zh-hans"
    found = detect_language(text)
    if found:
        return found
    return next((rule_language(code) for code in fallbacks if code), "")


def find_phrases(text: Text | str, rules: RuleMatcher) -> list[Finding]:
    """The rules' phrases in the text, in order, never overlapping."""
    analysed = text if isinstance(text, Text) else analyse(text, rules.language)
    findings = []
    for match in rules.find(analysed):
        rule = match.payload
        written = analysed.raw[match.start:match.end]
        opens = starts_sentence(analysed.raw, match.start)
        findings.append(Finding(
            rule_id=rule.id, start=match.start, end=match.end, phrase=written,
            alternatives=tuple(
                fit_case(in_script_of(alt, written, rules.language), opens)
                for alt in rule.alternatives
            ),
            category=rule.category, explanation=rule.shown_explanation,
        ))
    return findings


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SERBIAN_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š",
}


def in_script_of(alternative: str, written: str, language: str) -> str:
    """Serbian is written in both scripts: answer «Nažalost» with «Trenutno»."""
    if language != "sr" or _CYRILLIC.search(written) or not _CYRILLIC.search(alternative):
        return alternative
    return "".join(_latin_letter(ch) for ch in alternative)


def _latin_letter(ch: str) -> str:
    latin = _SERBIAN_LATIN.get(ch.lower())
    if latin is None:
        return ch
    return latin[0].upper() + latin[1:] if ch.isupper() else latin


_SENTENCE_OPENERS = "\"'«„“‘(["
_SENTENCE_ENDS = ".!?…\n。！？"


def starts_sentence(text: str, position: int) -> bool:
    if position == 0:
        return True
    before = text[max(0, position - 40):position].rstrip(" \t" + _SENTENCE_OPENERS)
    return not before or before[-1] in _SENTENCE_ENDS


def fit_case(alternative: str, opens_sentence: bool) -> str:
    """Capitalised at a sentence's start, lower case inside one (English "I" stays)."""
    if not alternative:
        return alternative
    if opens_sentence:
        return alternative[0].upper() + alternative[1:]
    first_word = alternative.split(" ", 1)[0]
    if first_word == "I" or first_word.startswith(("I'", "I’")):
        return alternative
    return alternative[0].lower() + alternative[1:]
