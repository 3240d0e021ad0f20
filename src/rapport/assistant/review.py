"""One look at a reply: its language, the phrases to rephrase, the customer's mood, LATTE
and the closing. The composer asks for it while the agent types; the hook listener
stores it when the reply is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rapport.assistant import rulebook
from rapport.assistant.checking import Finding, find_phrases, reply_language
from rapport.assistant.latte import Latte, check_latte, invites_back, suggest_closing
from rapport.assistant.matching import Text, analyse
from rapport.assistant.tone import Tone

CLOSING_AFTER_CHARS = 30  # no closing is suggested for a reply hardly begun


@dataclass(frozen=True)
class Review:
    language: str
    findings: list[Finding]
    tone: Tone
    latte: Latte | None
    closing: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "findings": [finding.as_dict() for finding in self.findings],
            "upset": self.tone.is_upset,
            "latte": self.latte.as_dict() if self.latte is not None else None,
            "closing": self.closing,
        }


def review_text(text: str, *, tone: Tone, fallback_languages: tuple[str, ...] = (),
                seed: int = 0) -> Review:
    """Pure: everything but the customer's mood, which the caller has read."""
    language = reply_language(text, *fallback_languages)
    rules = rulebook.rules_for(language)
    analysed = analyse(text, rules.language)
    latte = check_latte(analysed, language) if tone.is_upset else None
    return Review(
        language=language,
        findings=find_phrases(analysed, rules),
        tone=tone,
        latte=latte,
        closing=_closing(analysed, language, latte, seed),
    )


def _closing(text: Text, language: str, latte: Latte | None, seed: int) -> str | None:
    if len(text.raw.strip()) < CLOSING_AFTER_CHARS:
        return None
    invited = latte.invites_back if latte is not None else invites_back(text, language)
    return None if invited else suggest_closing(language, seed)
