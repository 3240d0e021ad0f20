"""A first guess at which of Rapport's languages a text is written in.

Good enough to pick the language of a new customer's acknowledgement and of
their ticket; an agent can correct it. Script first (Han, Cyrillic), then the
letters that only Serbian uses among our languages.
"""

import re

_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_SERBIAN_CYRILLIC = re.compile(r"[ђјљњћџЂЈЉЊЋЏ]")
_SERBIAN_LATIN = re.compile(r"[čćđšžČĆĐŠŽ]")
_LATIN = re.compile(r"[A-Za-z]")
SAMPLE_CHARS = 4_000


def guess_language(text: str) -> str:
    """'zh-hans', 'ru', 'sr' or 'en'; '' when the text has no letters to go by."""
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
