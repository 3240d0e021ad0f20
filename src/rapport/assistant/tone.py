"""Is the customer upset? A rule-based score of their last message, in four languages.

What counts: words of anger and displeasure (weighted, tone_words.NEGATIVE), intensifiers
next to them, praise that is negated ("not happy"), exclamation marks, shouting in
capitals, and writing again without an answer. No model and no network: the score can be
explained to an agent signal by signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapport.assistant import tone_words
from rapport.assistant.checking import rule_language
from rapport.assistant.matching import Found, PhraseMatcher, Text, analyse
from rapport.core.language import guess_language
from rapport.search.analysis import words

UPSET_AT = 3.0
INTENSIFIER_WEIGHT, INTENSIFIER_CAP = 0.5, 1.5
NEGATED_PRAISE_WEIGHT, NEGATED_PRAISE_CAP = 1.5, 3.0
EXCLAMATION_WEIGHT, EXCLAMATION_CAP = 0.5, 2.0
SHOUTING_WEIGHT, LOUD_WORD_WEIGHT = 2.0, 0.5
REPEAT_WEIGHT, REPEAT_CAP = 1.0, 2.0
_NEGATION_REACH = 20  # characters between "not" and the praise it negates


@dataclass(frozen=True)
class Tone:
    score: float
    is_upset: bool
    signals: tuple[str, ...] = ()


CALM = Tone(0.0, False)


@dataclass(frozen=True)
class _Lexicon:
    negative: PhraseMatcher[float]
    intensifiers: PhraseMatcher[str]
    positive: PhraseMatcher[str]
    negators: PhraseMatcher[str]


@lru_cache(maxsize=8)
def _lexicon(language: str) -> _Lexicon:
    def plain(entries: list[str]) -> list[tuple[str, str]]:
        return [(word, word) for word in entries]

    return _Lexicon(
        negative=PhraseMatcher(tone_words.NEGATIVE[language], language),
        intensifiers=PhraseMatcher(plain(tone_words.INTENSIFIERS[language]), language),
        positive=PhraseMatcher(plain(tone_words.POSITIVE[language]), language),
        negators=PhraseMatcher(plain(tone_words.NEGATORS[language]), language),
    )


def lexicon_language(text: str, language: str) -> str:
    """The lexicon to read the text with: its language's, else one chosen by script."""
    code = rule_language(language)
    if code in tone_words.NEGATIVE:
        return code
    guessed = guess_language(text)
    return guessed if guessed in tone_words.NEGATIVE else "en"


def score_tone(text: str, language: str = "", *, repeated_contacts: int = 0) -> Tone:
    """The mood of a customer's message; `repeated_contacts`: messages sent unanswered."""
    if not text.strip() and not repeated_contacts:
        return CALM
    code = lexicon_language(text, language)
    lexicon, analysed = _lexicon(code), analyse(text, code)
    parts = [
        _negative_words(lexicon, analysed),
        _negated_praise(lexicon, analysed),
        _exclamations(text),
        _shouting(text),
        _repeats(repeated_contacts),
    ]
    score = sum(weight for weight, _signals in parts)
    signals = tuple(signal for _weight, found in parts for signal in found)
    score = round(score, 2)
    return Tone(score, score >= UPSET_AT, signals)


Part = tuple[float, list[str]]


def _negative_words(lexicon: _Lexicon, text: Text) -> Part:
    found = lexicon.negative.find(text)
    if not found:
        return 0.0, []
    weight = sum(match.payload for match in found)
    intensifiers = len(lexicon.intensifiers.find(text))
    weight += min(INTENSIFIER_CAP, INTENSIFIER_WEIGHT * intensifiers)
    return weight, [f"word:{text.raw[m.start:m.end]}" for m in found]


def _negated_praise(lexicon: _Lexicon, text: Text) -> Part:
    praise = lexicon.positive.find(text)
    if not praise:
        return 0.0, []
    negators = lexicon.negators.find(text)
    negated = [p for p in praise if any(_negates(text.raw, n, p) for n in negators)]
    weight = min(NEGATED_PRAISE_CAP, NEGATED_PRAISE_WEIGHT * len(negated))
    return weight, [f"negated:{text.raw[p.start:p.end]}" for p in negated]


def _negates(raw: str, negator: Found[str], praise: Found[str]) -> bool:
    """"not happy", "not very happy", "不满意": the negator right before, one word apart."""
    if negator.end > praise.start or praise.start - negator.end > _NEGATION_REACH:
        return False
    return sum(1 for _ in words(raw[negator.end:praise.start])) <= 1


def _exclamations(text: str) -> Part:
    count = text.count("!") + text.count("！")
    if count < 2:
        return 0.0, []
    return min(EXCLAMATION_CAP, EXCLAMATION_WEIGHT * count), [f"exclamations:{count}"]


def _shouting(text: str) -> Part:
    """Whole words in capitals; a lone acronym ("DHL", "USB") is not shouting."""
    cased = [m.group() for m in words(text) if len(m.group()) >= 3 and m.group().upper()
             != m.group().lower()]
    loud = [word for word in cased if word.isupper()]
    if len(loud) >= 3 or (len(loud) >= 2 and len(loud) * 2 >= len(cased)):
        return SHOUTING_WEIGHT, [f"shouting:{len(loud)}"]
    long_loud = [word for word in loud if len(word) >= 5]
    if long_loud:
        return LOUD_WORD_WEIGHT * len(long_loud), [f"shouting:{len(long_loud)}"]
    return 0.0, []


def _repeats(repeated_contacts: int) -> Part:
    if repeated_contacts <= 0:
        return 0.0, []
    weight = min(REPEAT_CAP, REPEAT_WEIGHT * repeated_contacts)
    return weight, [f"repeated:{repeated_contacts}"]
