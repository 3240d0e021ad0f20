"""Search benchmark: 1,000,000 messages and 10,000 articles in en/ru/zh-hans/sr.

    python bench/search.py --db sqlite|postgres [--messages 1000000] [--articles 10000]
                           [--queries 100] [--skip-load]

Texts are made of words drawn (Zipf-like: a few words are very common, most are rare)
from vocabularies taken from the product's source articles (Russian, Serbian, Chinese)
and from the benchmark's support phrases (English). Documents are analysed and written
in batches exactly as `rapport reindex` does (analysis in Python, then the backend's
FTS5 table or tsvector column); the load prints documents indexed per second. Then, per
language, 1-, 2- and 3-word queries run through the index query with an agent's
permission scope (two teams of ten, or their own tickets) and a supervisor's (all): p50
and p95 in milliseconds, and how many documents they matched.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_bench_search"
DATA_DIR = "/tmp/rbench_search"
SEEDS = ROOT.parent / "shared" / "seeds"
LANGUAGES = ["en", "ru", "zh-hans", "sr"]
WEIGHTS = [40, 25, 20, 15]
BATCH = 5000
TEAMS = 10


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100, help="per language and length")
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded index")
    parser.add_argument("--languages", nargs="*", default=LANGUAGES, help="query these only")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--seed", type=int, default=11)
    return parser.parse_args(argv)


def setup_django(args: argparse.Namespace) -> None:
    data_dir = f"{DATA_DIR}_{args.db}"
    if not args.skip_load and Path(data_dir).exists():
        shutil.rmtree(data_dir)
    os.environ["RAPPORT_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "rapport.settings"
    os.environ.pop("RAPPORT_REDIS_URL", None)
    if args.db == "postgres":
        os.environ["RAPPORT_DATABASE_URL"] = args.pg_url
        if not args.skip_load:
            _recreate_pg_database(args.pg_url)
    else:
        os.environ.pop("RAPPORT_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _recreate_pg_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


# --- Vocabularies ------------------------------------------------------------------------

def vocabularies() -> dict[str, list[str]]:
    from bench.words import SUBJECTS

    texts = {path.name[:3]: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    russian = texts.get("000", "") + texts.get("002", "") + texts.get("003", "")
    words = {
        "ru": _distinct(re.findall(r"[а-яё]{3,}", russian.lower())),
        "sr": _distinct(re.findall(r"[а-шђјљњћџ]{3,}", texts.get("004", "").lower())),
        "zh-hans": _han_chunks(texts.get("001", "")),
        "en": _distinct(ENGLISH + re.findall(r"[a-z]{3,}", " ".join(SUBJECTS["en"]).lower())
                        + _english_of_the_interface()),
    }
    return words


ENGLISH = """
account address agent answer app arrive billing box broken cancel card carrier charge
charged check checkout coupon courier customer damaged delay delivery discount email
error exchange express fee form freight help invoice issue item kettle label late link
lost missing mobile money mug order package packaging page parcel password payment
plan price product promise purchase receipt refund reply request reset return route
sale scan screen send shipment shipping size slot status stock store subscription
support tablet tax team ticket time track tracking update upgrade voucher wait
warehouse warranty website weekend wrong zone
""".split()


def _english_of_the_interface() -> list[str]:
    """Words of Rapport's own English interface texts (the msgids of a catalogue)."""
    catalogue = ROOT / "src" / "rapport" / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    msgids = re.findall(r'^msgid "(.*)"$', catalogue.read_text(encoding="utf-8"), re.M)
    return re.findall(r"[a-z]{3,}", " ".join(msgids).lower())


def _distinct(found: list[str]) -> list[str]:
    return list(dict.fromkeys(found))


def _han_chunks(text: str) -> list[str]:
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    chunks = []
    for run in runs:
        for i in range(0, len(run) - 1, 2):
            chunks.append(run[i:i + random.choice((2, 2, 3, 4))])
    return _distinct([c for c in chunks if len(c) >= 2])


class Writer:
    """Zipf-like word choice: rank r is chosen with weight 1 / (r + 1)."""

    def __init__(self, words: list[str], rng: random.Random) -> None:
        self.words = words
        self.rng = rng
        self.weights = [1 / (rank + 1) for rank in range(len(words))]

    def sample(self, count: int) -> list[str]:
        return self.rng.choices(self.words, weights=self.weights, k=count)

    def text(self, language: str, sentences: int) -> str:
        joiner = "" if language == "zh-hans" else " "
        stop = "。" if language == "zh-hans" else ". "
        return stop.join(joiner.join(self.sample(self.rng.randint(6, 14)))
                         for _ in range(sentences))


# --- Loading -----------------------------------------------------------------------------

def load(args: argparse.Namespace, writers: dict[str, Writer], rng: random.Random) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from rapport.search.analysis import analyse
    from rapport.search.backends import backend
    from rapport.search.models import SearchDocument

    now = timezone.now()
    started = time.perf_counter()
    analysis_seconds = 0.0
    total = args.messages + args.articles
    made = 0
    while made < total:
        size = min(BATCH, total - made)
        docs, texts = [], []
        for offset in range(size):
            number = made + offset
            language = rng.choices(LANGUAGES, weights=WEIGHTS)[0]
            article = number >= args.messages
            docs.append(SearchDocument(
                kind="article" if article else "message", object_id=number,
                ticket_id=None if article else number // 4,
                team_id=None if article else rng.randint(1, TEAMS),
                assignee_id=None if article else rng.randint(1, 200),
                requester_id=None if article else rng.randint(1, 100_000),
                status="published" if article else rng.choice(["new", "open", "solved"]),
                is_public=rng.random() < 0.5 if article else rng.random() < 0.9,
                locale=language if article else "", language=language,
                created_at=now - timedelta(minutes=total - number),
            ))
            title = writers[language].text(language, 1) if article else ""
            texts.append((title, writers[language].text(language, rng.randint(1, 4)), language))
        t0 = time.perf_counter()
        analysed = [(analyse(t, lang), analyse(b, lang)) for t, b, lang in texts]
        analysis_seconds += time.perf_counter() - t0
        with transaction.atomic():
            SearchDocument.objects.bulk_create(docs)
            backend().write(
                [(d.pk, a[0], a[1]) for d, a in zip(docs, analysed, strict=True)], fresh=True
            )
        made += size
        if made % 100_000 < BATCH:
            rate = made / (time.perf_counter() - started)
            print(f"  {made:>9,} documents, {rate:,.0f}/s", flush=True)
    elapsed = time.perf_counter() - started
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    else:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE search_searchdocument")
    print(f"indexed {total:,} documents in {elapsed:,.0f} s: {total / elapsed:,.0f} docs/s "
          f"(analysis {analysis_seconds:,.0f} s of it)")


# --- Querying ----------------------------------------------------------------------------

def measure(args: argparse.Namespace, writers: dict[str, Writer], rng: random.Random) -> None:
    from rapport.search.analysis import query_groups
    from rapport.search.backends import backend

    scopes: dict[str, tuple[str, list[Any]]] = {
        "agent": (
            "(d.kind IN ('ticket', 'message') AND (d.team_id IN (%s, %s) OR d.assignee_id = %s))"
            " OR (d.kind = 'article' AND d.status = 'published')", [1, 2, 7],
        ),
        "supervisor": ("d.kind IN ('ticket', 'message', 'customer') OR "
                       "(d.kind = 'article' AND d.status = 'published')", []),
    }
    print(f"\n{'language':<9} {'words':>5} {'scope':<10} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'max ms':>8} {'median hits':>12}")
    for language in args.languages:
        for length in (1, 2, 3):
            queries = [_query(writers[language], language, length) for _ in range(args.queries)]
            for scope_name, (where, params) in scopes.items():
                times, totals = [], []
                for text in queries:
                    groups = query_groups(text)
                    t0 = time.perf_counter()
                    _rows, total = backend().match(groups, where, params, limit=20, offset=0)
                    times.append((time.perf_counter() - t0) * 1000)
                    totals.append(total)
                times.sort()
                p95 = times[int(len(times) * 0.95) - 1]
                print(f"{language:<9} {length:>5} {scope_name:<10} "
                      f"{statistics.median(times):>8.1f} {p95:>8.1f} {times[-1]:>8.1f} "
                      f"{statistics.median(totals):>12,.0f}", flush=True)


def _query(writer: Writer, language: str, length: int) -> str:
    # Half the queries use everyday words (the 300 most common), half any word.
    pool = writer.words[:300] if writer.rng.random() < 0.5 else writer.words
    words = writer.rng.sample(pool, length)
    return ("" if language == "zh-hans" else " ").join(words)


def assistant_numbers() -> None:
    print("\n(the assistant's 2,000-character check is measured by bench/assistant.py)")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    setup_django(args)
    rng = random.Random(args.seed)
    random.seed(args.seed)
    writers = {lang: Writer(words, random.Random(args.seed + i))
               for i, (lang, words) in enumerate(vocabularies().items())}
    print(f"search benchmark on {args.db}: {args.messages:,} messages, "
          f"{args.articles:,} articles; vocabulary "
          + ", ".join(f"{lang} {len(w.words):,}" for lang, w in writers.items()))
    if not args.skip_load:
        load(args, writers, rng)
    measure(args, writers, rng)
    assistant_numbers()
    return 0


if __name__ == "__main__":
    sys.exit(main())
