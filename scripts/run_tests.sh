#!/usr/bin/env bash
# Runs the whole suite twice: on SQLite (embedded mode) and on PostgreSQL (scale-out mode).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_URL=${RAPPORT_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/rapport}
REDIS_URL=${RAPPORT_TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
WORKERS=${RAPPORT_TEST_WORKERS:-auto}

bash scripts/ensure_chromium.sh
bash scripts/ensure_dovecot.sh

echo "=== ruff and mypy ==="
$BIN/ruff check src bench scripts conftest.py
$BIN/mypy src
RAPPORT_DATA_DIR=$(mktemp -d) $BIN/django-admin makemigrations --check --dry-run \
  --settings=rapport.settings >/dev/null || { echo "FATAL: models changed without a migration" >&2; exit 1; }

if ! $BIN/python scripts/check_services.py "$PG_URL" "$REDIS_URL"; then
  if [ "${CI:-}" = "true" ]; then
    echo "FATAL: PostgreSQL/Redis unreachable in CI; refusing to skip the PostgreSQL run." >&2
    exit 1
  fi
  echo "WARNING: PostgreSQL/Redis unreachable; running the SQLite suite only." >&2
  PG_URL=""
fi

run_pytest() {
  local label=$1; shift
  echo "=== pytest on $label ==="
  set +e
  "$@" $BIN/pytest -n "$WORKERS" -q
  local rc=$?
  set -e
  if [ $rc -eq 5 ]; then
    echo "FATAL: no tests were collected on $label" >&2
    exit 1
  fi
  return $rc
}

run_pytest "SQLite" env -u RAPPORT_DATABASE_URL -u RAPPORT_REDIS_URL
if [ -n "$PG_URL" ]; then
  run_pytest "PostgreSQL + Redis" env RAPPORT_DATABASE_URL="$PG_URL" RAPPORT_REDIS_URL="$REDIS_URL"
fi
