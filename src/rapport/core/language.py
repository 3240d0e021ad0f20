"""Which language a customer's text is written in, detected offline.

Lingua (a statistical n-gram detector, Rust inside, no network) chooses among the
languages our customers write; its models load lazily, per script, on first use in a
process. Croatian and Bosnian are reported as Serbian: the same agents read them and
Rapport's Serbian locale answers them. When Lingua is not sure (a word or two, mixed
text) a script-based guess decides.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

SAMPLE_CHARS = 2_000
MIN_WORDS = 3
MIN_MARGIN = 0.1  # between the two likeliest languages' confidence

# Lingua's language name -> the code Rapport stores (agents' languages use the same).
_CODES = {
    "ENGLISH": "en",
    "RUSSIAN": "ru",
    "CHINESE": "zh-hans",
    "SERBIAN": "sr",
    "CROATIAN": "sr",
    "BOSNIAN": "sr",
    "UKRAINIAN": "uk",
    "GERMAN": "de",
    "FRENCH": "fr",
    "SPANISH": "es",
}

_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SERBIAN_CYRILLIC = re.compile(r"[ђјљњћџЂЈЉЊЋЏ]")
_SERBIAN_LATIN = re.compile(r"[čćđšžČĆĐŠŽ]")
_LATIN = re.compile(r"[A-Za-z]")
# An address is only looked for from the start of a word: tried at every position, a long
# run without spaces (Chinese) made the search quadratic.
_NOISE = re.compile(r"https?://\S+|(?<!\S)\S+@\S+|[\d_#*>=-]+")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in _CODES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str) -> str:
    """A language code ('en', 'ru', 'zh-hans', 'sr', 'uk', 'de', 'fr', 'es') or ''."""
    sample = _NOISE.sub(" ", text[:SAMPLE_CHARS]).strip()
    if not sample:
        return ""
    if _HAN.search(sample) and guess_language(sample) == "zh-hans":
        return "zh-hans"  # no model needed, and none is better at it than the script
    if len(sample.split()) < MIN_WORDS:
        # "Hello", "ok", "Thanks!": too little to tell Latin-script languages apart.
        return "" if guess_language(sample) == "en" else guess_language(sample)
    return _most_likely(sample) or guess_language(sample)


def _most_likely(sample: str) -> str:
    """Lingua's choice, with Croatian, Bosnian and Serbian counted as one language.

    Apart they are often too close to call ("Usisivač je prestao da radi…" is half
    Bosnian, half Croatian), which would leave a plainly Serbian-family text unknown.
    """
    totals: dict[str, float] = {}
    for candidate in _detector().compute_language_confidence_values(sample):
        code = _CODES[candidate.language.name]
        totals[code] = totals.get(code, 0.0) + candidate.value
    ranked = sorted(totals.values(), reverse=True)
    if not ranked or ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0) < MIN_MARGIN:
        return ""
    return max(totals, key=lambda code: totals[code])


def guess_language(text: str) -> str:
    """By script alone: 'zh-hans', 'ru', 'sr' or 'en'; '' when there are no letters."""
    sample = text[:SAMPLE_CHARS]
    han = len(_HAN.findall(sample))
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    if not (han or cyrillic or latin):
        return ""
    if han * 3 >= max(cyrillic, latin):  # one Han character carries a word's meaning
        return "zh-hans"
    if cyrillic > latin:
        return "sr" if _SERBIAN_CYRILLIC.search(sample) else "ru"
    if len(_SERBIAN_LATIN.findall(sample)) >= 2:
        return "sr"
    return "en"
