"""LATTE for a reply to an upset customer: Listen and Acknowledge, Take action, Thank,
Explain — and a closing that invites the customer back (suggested when it is missing)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from rapport.assistant import latte_cues
from rapport.assistant.checking import rule_language
from rapport.assistant.matching import PhraseMatcher, Text, analyse
from rapport.core.language import guess_language
from rapport.search.analysis import base_language

CLOSING_MIN_CHARS = 300  # the closing is the last third of the reply, at least this much
STEPS = ("listens", "takes_action", "thanks", "explains")


@dataclass(frozen=True)
class Latte:
    listens: bool  # Listen and Acknowledge, one check
    takes_action: bool
    thanks: bool
    explains: bool
    invites_back: bool

    @property
    def complete(self) -> bool:
        return all(getattr(self, step) for step in STEPS)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "complete": self.complete}


@dataclass(frozen=True)
class _Cues:
    listens: PhraseMatcher[str]
    takes_action: PhraseMatcher[str]
    thanks: PhraseMatcher[str]
    explains: PhraseMatcher[str]
    invites_back: PhraseMatcher[str]


@lru_cache(maxsize=8)
def _cues(language: str) -> _Cues:
    def matcher(table: dict[str, list[str]]) -> PhraseMatcher[str]:
        return PhraseMatcher(((cue, cue) for cue in table[language]), language)

    return _Cues(
        listens=matcher(latte_cues.LISTENS), takes_action=matcher(latte_cues.TAKES_ACTION),
        thanks=matcher(latte_cues.THANKS), explains=matcher(latte_cues.EXPLAINS),
        invites_back=matcher(latte_cues.INVITES_BACK),
    )


def cue_language(text: str, language: str) -> str:
    code = rule_language(language)
    if code in latte_cues.CLOSINGS:
        return code
    guessed = guess_language(text)
    return guessed if guessed in latte_cues.CLOSINGS else "en"


def check_latte(text: str | Text, language: str) -> Latte:
    analysed, cues = _prepared(text, language)
    return Latte(
        listens=bool(cues.listens.find(analysed)),
        takes_action=bool(cues.takes_action.find(analysed)),
        thanks=bool(cues.thanks.find(analysed)),
        explains=bool(cues.explains.find(analysed)),
        invites_back=_closing_invites_back(analysed, cues),
    )


def invites_back(text: str | Text, language: str) -> bool:
    return _closing_invites_back(*_prepared(text, language))


def _prepared(text: str | Text, language: str) -> tuple[Text, _Cues]:
    """The text analysed for the cues' language (reusing the caller's analysis if it fits)."""
    raw = text.raw if isinstance(text, Text) else text
    code = cue_language(raw, language)
    if isinstance(text, Text) and text.language == base_language(code):
        return text, _cues(code)
    return analyse(raw, code), _cues(code)


def _closing_invites_back(text: Text, cues: _Cues) -> bool:
    closing_starts = len(text.raw) - max(CLOSING_MIN_CHARS, len(text.raw) // 3)
    return any(match.end > closing_starts for match in cues.invites_back.find(text))


def suggest_closing(language: str, seed: int = 0) -> str:
    """A closing line in the reply's language (English for a language without one)."""
    lines = latte_cues.CLOSINGS.get(rule_language(language)) or latte_cues.CLOSINGS["en"]
    return lines[seed % len(lines)]
