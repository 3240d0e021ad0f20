"""Exit 0 when the PostgreSQL and Redis used by the scale-out test run answer."""

import sys

import psycopg
import redis


def main(pg_url: str, redis_url: str) -> int:
    try:
        with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", connect_timeout=5) as conn:
            conn.execute("select 1")
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except Exception as exc:  # any failure means "not reachable"
        print(f"service check failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
