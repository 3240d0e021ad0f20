"""Rapport benchmark: load N tickets, then measure a real server process.

    python bench/run.py --db sqlite|postgres --tickets 100000 [--skip-load]
                        [--api-seconds 20] [--clients 8]

See bench/README.md for what is measured and the targets.
"""

import argparse
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/rapport_bench"
DATA_PREFIX = "/tmp/rbench_"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded data")
    parser.add_argument("--load-only", action="store_true", help="load, then stop")
    parser.add_argument("--api-seconds", type=int, default=20)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--workers", type=int, help="server workers (default 1 / 2 on PG)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL)
    parser.add_argument("--data-dir", help=f"default {DATA_PREFIX}<db>_<tickets>")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def bench_env(args: argparse.Namespace) -> dict[str, str]:
    data_dir = args.data_dir or f"{DATA_PREFIX}{args.db}_{args.tickets}"
    env = {
        "DJANGO_SETTINGS_MODULE": "rapport.settings",
        "RAPPORT_DATA_DIR": data_dir,
        "RAPPORT_LOG_LEVEL": "WARNING",
        "RAPPORT_DEBUG": "0",
        "RAPPORT_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # A benchmark must not be throttled by the login guard after a failed run.
        "RAPPORT_LOGIN_FAILURE_LIMIT": "1000",
    }
    if args.db == "postgres":
        env["RAPPORT_DATABASE_URL"] = args.pg_url
    return env


def reset_storage(args: argparse.Namespace, env: dict[str, str]) -> None:
    """A fresh data dir, and for PostgreSQL a freshly created database."""
    data_dir = Path(env["RAPPORT_DATA_DIR"])
    if data_dir.exists():
        if not str(data_dir).startswith(DATA_PREFIX):
            sys.exit(f"refusing to wipe {data_dir}: bench data dirs live under {DATA_PREFIX}*")
        shutil.rmtree(data_dir)
    if args.db == "postgres":
        import psycopg

        base, _, name = args.pg_url.rpartition("/")
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(env: dict[str, str]) -> None:
    os.environ.pop("RAPPORT_DATABASE_URL", None)
    os.environ.pop("RAPPORT_REDIS_URL", None)  # in-memory channel layer in both modes
    os.environ.update(env)
    import django

    django.setup()


def unapplied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = bench_env(args)
    if args.skip_load:
        if args.db == "sqlite" and not Path(env["RAPPORT_DATA_DIR"], "rapport.sqlite3").exists():
            sys.exit(f"nothing loaded in {env['RAPPORT_DATA_DIR']}: run without --skip-load")
    else:
        reset_storage(args, env)
    # whitenoise warns on every start when the static root is missing; nothing is served
    # from it here.
    Path(env["RAPPORT_DATA_DIR"], "static").mkdir(parents=True, exist_ok=True)
    setup_django(env)
    if args.skip_load and (pending := unapplied_migrations()):
        sys.exit(f"the schema changed since the data was loaded ({', '.join(pending)}): "
                 "run without --skip-load")
    from bench import load, report, suite

    results: dict[str, Any] = {"db": args.db, "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                               "machine": suite.machine_info()}
    path = ROOT / "bench" / "results" / f"{args.db}-{args.tickets}.json"
    if args.skip_load:
        results["load"] = report.previous_load(path)
    else:
        print(f"Loading {args.tickets:,} tickets into {args.db} …", flush=True)
        results["load"] = load.load(args.tickets, seed=args.seed)
        print(f"  {results['load']['tickets_per_s']:,} tickets/s", flush=True)
    if args.load_only:
        return 0
    suite.run_all(args, env, results)
    print()
    print(report.render(results))
    report.write_json(results, path)
    print(f"\nJSON: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
