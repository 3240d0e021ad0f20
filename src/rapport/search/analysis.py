"""Text analysis shared by the search index, its queries and the writing assistant.

A document is analysed in its own (detected) language: Russian words by the Russian
Snowball stemmer, Serbian words transliterated to Latin and stemmed by the Serbian one
(so Cyrillic and Latin spellings meet), English and other Latin words by their language's
stemmer, Chinese runs segmented by jieba plus every pair of adjacent characters (so a
two-character query finds any text containing it, however jieba split that text).
Latin-script terms are folded (case, diacritics, đ→dj); Cyrillic keeps й and folds ё.

A query does not know its language: each word becomes the set of terms it could have in
any of the languages (`query_groups`), and a document matches a word if it holds any of
them. Every term is made of letters and digits only, so both index backends store and
parse them the same way.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import Stemmer

MAX_TERM_LENGTH = 60

STEMMERS = {
    "en": "english", "ru": "russian", "sr": "serbian", "de": "german", "fr": "french",
    "es": "spanish",
}
LATIN_QUERY_STEMMERS = ("en", "sr", "de", "fr", "es")

_WORD = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")

_SERBIAN_TO_LATIN = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž",
    "з": "z", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n",
    "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u",
    "ф": "f", "х": "h", "ц": "c", "ч": "č", "џ": "dž", "ш": "š",
})

STOP_WORDS = frozenset("""
a an and are as at be but by can do for from has have how i if in is it its me my no not
of on or our so that the their them there these they this to was we what when where which
who why will with you your please hi hello dear thanks
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только её
мне было вот от меня ещё нет о из ему теперь когда даже ну ли если уже или ни быть был
него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо
ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто
этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее были куда
зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти
нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда
лучше чуть том нельзя такой им более всегда конечно всю между здравствуйте пожалуйста
i u je da se na za od su sa ne li ili kao što sam smo ste ga mu ih im bi bio bila bilo
ja ti on ona mi vi oni ovo to taj ta te tog tom koji koja koje kad kada gde ali pa već
и у је да се на за од су са не ли или као што сам смо сте га му их им би био била било
ја ти он она ми ви они ово то тај та те тог том који која које кад када где али па већ
的 了 吗 呢 吧 啊 是 我 你 他 她 在 和 与 及 或 也 都 就 请 您 这 那 有 个
""".split())


@dataclass(frozen=True)
class Analysis:
    """Index terms of a text, in order (positions matter for ranking)."""

    terms: list[str]


def script_of(word: str) -> str:
    if _HAN.fullmatch(word):
        return "han"
    if _CYRILLIC.search(word):
        return "cyrillic"
    return "latin"


def fold_latin(word: str) -> str:
    word = word.replace("đ", "dj").replace("Đ", "dj")
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_cyrillic(word: str) -> str:
    return word.casefold().replace("ё", "е")


def to_serbian_latin(word: str) -> str:
    return word.casefold().translate(_SERBIAN_TO_LATIN)


_local = threading.local()


def _stemmer(language: str) -> Any:
    cache = getattr(_local, "stemmers", None)
    if cache is None:
        cache = _local.stemmers = {}
    if language not in cache:
        cache[language] = Stemmer.Stemmer(STEMMERS[language])
    return cache[language]


def stem(word: str, language: str) -> str:
    """The word's term in one language's analysis (a stem, folded)."""
    if language == "sr":
        return fold_latin(_stemmer("sr").stemWord(to_serbian_latin(word)))
    if language == "ru":
        return _stemmer("ru").stemWord(fold_cyrillic(word))
    if language in STEMMERS:
        return fold_latin(_stemmer(language).stemWord(word.casefold()))
    return fold_latin(word) if script_of(word) == "latin" else fold_cyrillic(word)


def base_language(language: str) -> str:
    """'zh-hans' → 'zh', 'sr-latn' → 'sr', 'hr'/'bs' → 'sr' (one analysis for the three)."""
    base = (language or "").lower().split("-")[0]
    return "sr" if base in {"hr", "bs", "sh"} else base


def word_term(word: str, language: str) -> str:
    """How a non-Chinese word of a document in `language` is indexed."""
    script = script_of(word)
    language = base_language(language)
    if script == "cyrillic":
        return stem(word, "sr" if language == "sr" else "ru")
    if language in STEMMERS and language != "ru":
        return stem(word, language)
    return stem(word, "en")


def words(text: str) -> Iterator[re.Match[str]]:
    """Word-like runs: letters and digits, Chinese runs kept whole."""
    return _WORD.finditer(text)


def _split_han(word: str) -> Iterator[tuple[str, bool]]:
    """Pieces of a word: (piece, is_han). 'abc退款' → ('abc', False), ('退款', True)."""
    position = 0
    for match in _HAN.finditer(word):
        if match.start() > position:
            yield word[position:match.start()], False
        yield match.group(), True
        position = match.end()
    if position < len(word):
        yield word[position:], False


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def han_document_terms(run: str) -> list[str]:
    """jieba's search-mode words of a Chinese run plus its character bigrams."""
    if len(run) == 1:
        return [run]
    segmented = [w for w in _jieba().cut_for_search(run, HMM=False) if len(w) > 1]
    bigrams = [run[i:i + 2] for i in range(len(run) - 1)]
    return segmented + bigrams


def han_query_words(run: str) -> list[str]:
    return [w for w in _jieba().cut(run, HMM=False) if w.strip()]


def analyse(text: str, language: str = "") -> list[str]:
    """Index terms of a document written in `language` (may be '' when unknown)."""
    terms: list[str] = []
    for match in words(text):
        for piece, is_han in _split_han(match.group()):
            if is_han:
                terms.extend(han_document_terms(piece))
            else:
                terms.extend(_latin_or_cyrillic_terms(piece, language))
    return [t[:MAX_TERM_LENGTH] for t in terms if t]


@lru_cache(maxsize=200_000)
def _latin_or_cyrillic_terms(word: str, language: str) -> tuple[str, ...]:
    if script_of(word) == "cyrillic" and base_language(language) not in {"ru", "sr", "uk"}:
        # A Cyrillic word in a text of unknown language: Russian or Serbian, index both.
        return tuple(dict.fromkeys([stem(word, "ru"), stem(word, "sr")]))
    return (word_term(word, language),)


@dataclass(frozen=True)
class Alternative:
    """One way a query word can be found: a term, or all of a run's bigrams."""

    terms: tuple[str, ...]
    prefix: bool = False


QueryGroup = tuple[Alternative, ...]


def query_groups(text: str, *, prefix_last: bool = False) -> list[QueryGroup]:
    """The query as AND-ed groups of OR-ed alternatives, stop words left out.

    A group's alternatives are the word's terms in every language it could be in; a
    Chinese word of three or more characters matches as bigrams covering it (documents
    index every bigram); a single Chinese character matches as a prefix. `prefix_last`
    (search as you type) also lets the last word match terms that begin with it.
    """
    pieces = [
        (piece, is_han)
        for match in words(text)
        for piece, is_han in _split_han(match.group())
    ]
    groups: list[QueryGroup] = []
    for index, (piece, is_han) in enumerate(pieces):
        last = index == len(pieces) - 1
        if is_han:
            groups.extend(_han_groups(piece))
        elif piece.casefold() not in STOP_WORDS or len(pieces) == 1:
            groups.append(_word_group(piece, prefix=prefix_last and last))
    return [g for g in groups if g]


def _word_group(word: str, *, prefix: bool) -> QueryGroup:
    script = script_of(word)
    if script == "cyrillic":
        languages: tuple[str, ...] = ("ru", "sr")
    else:
        languages = LATIN_QUERY_STEMMERS
    terms = dict.fromkeys(stem(word, language)[:MAX_TERM_LENGTH] for language in languages)
    alternatives = [Alternative((term,)) for term in terms if term]
    if prefix and len(word) >= 3:
        folded = fold_cyrillic(word) if script == "cyrillic" else fold_latin(word)
        alternatives.append(Alternative((folded[:MAX_TERM_LENGTH],), prefix=True))
        if script == "cyrillic":
            alternatives.append(Alternative((fold_latin(to_serbian_latin(word)),), prefix=True))
    return tuple(dict.fromkeys(alternatives))


def _han_groups(run: str) -> list[QueryGroup]:
    groups: list[QueryGroup] = []
    for word in han_query_words(run):
        if word in STOP_WORDS and len(run) > 1:
            continue
        if len(word) == 1:
            groups.append((Alternative((word,), prefix=True),))
        elif len(word) == 2:
            groups.append((Alternative((word,)),))
        else:
            groups.append((Alternative(covering_bigrams(word)),))
    return groups


def covering_bigrams(word: str) -> tuple[str, ...]:
    """Bigrams that together cover the word: 'ABCDE' → AB, CD, DE (every text containing
    the word has them all; fewer terms than every overlapping pair, so a faster query)."""
    pairs = [word[i:i + 2] for i in range(0, len(word) - 1, 2)]
    if len(word) % 2:
        pairs.append(word[-2:])
    return tuple(dict.fromkeys(pairs))


def group_terms(groups: list[QueryGroup]) -> set[str]:
    """Every exact term of a query (for highlighting)."""
    return {term for group in groups for alt in group if not alt.prefix for term in alt.terms}


def group_prefixes(groups: list[QueryGroup]) -> set[str]:
    return {term for group in groups for alt in group if alt.prefix for term in alt.terms}
