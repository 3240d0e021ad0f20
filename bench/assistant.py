"""Writing-assistant benchmark: how long one check of a 2,000-character reply takes.

    .venv/bin/python bench/assistant.py [--replies 200] [--chars 2000] [--seed 7]

For each of en, ru, zh-hans and sr it builds replies of about 2,000 characters from
everyday support sentences with the languages' rule phrases mixed in, compiles all the
built-in rules (as the in-process rule cache holds them) and times:

  phrases  finding the rule phrases in a reply whose language is known (the target:
           <= 20 ms);
  review   what the composer's check endpoint computes: the reply's language
           (detect_language), the phrases, LATTE for an upset customer and the closing.

No database and no server: both run on the compiled rules in this process. Prints
p50 / p95 / max in milliseconds per language.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

TARGET_MS = 20.0
SENTENCES = {
    "en": [
        "Thank you for getting in touch about order {n}.",
        "I understand how frustrating it is to wait for a parcel.",
        "I have sent a replacement today and it should arrive within three working days.",
        "The courier scanned the parcel at the depot yesterday evening.",
        "You will receive a tracking link by email as soon as it leaves the warehouse.",
        "This happened because the first parcel was damaged on the way.",
        "If anything else comes up, just reply to this message.",
    ],
    "ru": [
        "Спасибо, что написали нам о заказе {n}.",
        "Понимаю, как неприятно ждать посылку так долго.",
        "Я оформил замену сегодня, она придёт в течение трёх рабочих дней.",
        "Курьер отсканировал посылку на складе вчера вечером.",
        "Вы получите ссылку для отслеживания, как только посылка покинет склад.",
        "Это произошло потому, что первая посылка была повреждена в дороге.",
        "Если возникнут вопросы, просто ответьте на это письмо.",
    ],
    "zh-hans": [
        "感谢您就订单{n}联系我们。",
        "我理解等待包裹的心情。",
        "我们已经为您安排了补发，预计三个工作日内送达。",
        "快递员昨天晚上在仓库扫描了包裹。",
        "包裹离开仓库后，您将收到物流跟踪链接。",
        "这是因为第一个包裹在运输途中损坏了。",
        "如有任何其他问题，请直接回复此邮件。",
    ],
    "sr": [
        "Хвала што сте нам писали у вези са поруџбином {n}.",
        "Разумем колико је непријатно чекати пошиљку.",
        "Послали смо замену данас и стићи ће у наредних три радна дана.",
        "Курир је скенирао пакет у магацину јуче увече.",
        "Добићете линк за праћење чим пакет напусти магацин.",
        "То се догодило зато што је први пакет оштећен у транспорту.",
        "Ако имате још питања, само одговорите на ову поруку.",
    ],
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replies", type=int, default=200, help="timed replies per language")
    parser.add_argument("--chars", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args(argv)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.test_settings")
    import django

    django.setup()


def make_reply(language: str, phrases: list[str], chars: int, rng: random.Random) -> str:
    """Sentences of the language until `chars`, a rule phrase opening every third one."""
    parts: list[str] = []
    glue = "" if language == "zh-hans" else " "
    while len(glue.join(parts)) < chars:
        sentence = rng.choice(SENTENCES[language]).format(n=rng.randint(1000, 9999))
        if rng.random() < 0.33:
            sentence = f"{rng.choice(phrases)}{'，' if language == 'zh-hans' else ', '}{sentence}"
        parts.append(sentence)
    return glue.join(parts)[:chars]


def timed(work: Callable[[str], object], replies: list[str]) -> list[float]:
    for reply in replies[:10]:
        work(reply)  # warm-up: stemmer caches, Lingua's models
    times = []
    for reply in replies:
        started = time.perf_counter()
        work(reply)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    verdict = "ok" if p95 <= TARGET_MS else "OVER"
    return f"p50 {p50:6.2f}  p95 {p95:6.2f}  max {ordered[-1]:6.2f}  [{verdict}]"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    setup_django()
    from rapport.assistant.builtin_rules import BUILTIN_RULES
    from rapport.assistant.checking import RuleInfo, RuleMatcher, find_phrases
    from rapport.assistant.matching import PhraseMatcher
    from rapport.assistant.review import review_text
    from rapport.assistant.tone import Tone

    rng = random.Random(args.seed)
    upset = Tone(5.0, True)
    matchers: dict[str, RuleMatcher] = {}
    for language, rules in BUILTIN_RULES.items():
        infos = [RuleInfo(i, phrase, tuple(alts), category, explanation, True)
                 for i, (phrase, alts, category, explanation) in enumerate(rules, start=1)]
        matchers[language] = PhraseMatcher(((r.phrase, r) for r in infos), language)

    import rapport.assistant.rulebook as rulebook

    rulebook._cache = (time.monotonic() + 10**6, matchers)  # the cache, without a database
    print(f"{args.replies} replies of {args.chars} characters per language; "
          f"target p95 <= {TARGET_MS:.0f} ms")
    for language, rules in BUILTIN_RULES.items():
        replies = [make_reply(language, [r[0] for r in rules], args.chars, rng)
                   for _ in range(args.replies)]
        found = len(find_phrases(replies[0], matchers[language]))
        phrases = timed(partial(find_phrases, rules=matchers[language]), replies)
        reviews = timed(partial(review_text, tone=upset), replies)
        print(f"{language:8} {len(rules):3} rules, {found:2} phrases in the first reply")
        print(f"  phrases  {summary(phrases)}")
        print(f"  review   {summary(reviews)}")


if __name__ == "__main__":
    main()
