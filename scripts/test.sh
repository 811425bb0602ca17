#!/usr/bin/env bash
# Installs everything the tests need and runs the whole suite: lint, migrations check, the tests
# on SQLite, and the same tests on PostgreSQL when a server answers on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
PG_URL=${NORMMONITOR_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/normmonitor}

# System packages: gettext for the translation checks, Chromium for the browser tests.
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

export DJANGO_SETTINGS_MODULE=normmonitor.conf.test
mkdir -p var

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== migrations are up to date"
.venv/bin/normmonitor makemigrations --check --dry-run

echo "== translations are complete and compiled"
.venv/bin/python scripts/check_translations.py

echo "== tests on SQLite"
DATABASE_URL="sqlite:///$PWD/var/test.sqlite3" .venv/bin/pytest -n 2 "$@"

echo "== tests on PostgreSQL"
if .venv/bin/python - "$PG_URL" <<'PY'
import sys
import psycopg
from urllib.parse import urlsplit
url = urlsplit(sys.argv[1])
try:
    psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                    dbname="postgres", connect_timeout=3).close()
except Exception as error:  # noqa: BLE001
    print(f"PostgreSQL not reachable at {url.hostname}:{url.port}: {error}")
    sys.exit(1)
PY
then
  DATABASE_URL="$PG_URL" .venv/bin/pytest -n 2 "$@"
else
  echo "SKIPPED: the PostgreSQL run (no server at $PG_URL). Start one to test the production database."
fi
