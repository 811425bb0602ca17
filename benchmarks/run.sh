#!/usr/bin/env bash
# Build a national bench-data installation and benchmark every page and API call, on SQLite and
# on PostgreSQL (when a server answers on 127.0.0.1:5432). Results: benchmarks/results/*.json,
# summarised in docs/performance.md.
#
#   ./benchmarks/run.sh                 # both databases, 385 organisations, 10 rounds
#   ./benchmarks/run.sh sqlite          # one database
#   ORGANISATIONS=50 ROUNDS=3 ./benchmarks/run.sh   # a quick run
#   ./benchmarks/run.sh --loadtest      # also the load test (PostgreSQL, gunicorn, 50 users)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
ORGANISATIONS=${ORGANISATIONS:-385}
ROUNDS=${ROUNDS:-10}
REPEAT=${REPEAT:-15}
PG_URL=${NORMMONITOR_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/nm_bench}
WORK=${NORMMONITOR_BENCH_DIR:-/tmp/nm-bench}
export DJANGO_SETTINGS_MODULE=normmonitor.conf.test NORMMONITOR_DATA_DIR="$WORK"
mkdir -p "$WORK" benchmarks/results

databases=()
loadtest=0
for arg in "$@"; do
  case "$arg" in
    sqlite|postgres) databases+=("$arg") ;;
    --loadtest) loadtest=1 ;;
    *) echo "usage: $0 [sqlite] [postgres] [--loadtest]" >&2; exit 2 ;;
  esac
done
[ ${#databases[@]} -gt 0 ] || databases=(sqlite postgres)

postgres_up() {
  "$PY" - "$PG_URL" <<'PY'
import sys
from urllib.parse import urlsplit
import psycopg
url = urlsplit(sys.argv[1])
try:
    with psycopg.connect(host=url.hostname, port=url.port or 5432, user=url.username,
                         dbname="postgres", connect_timeout=3, autocommit=True) as conn:
        name = url.path.lstrip("/")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
except Exception as error:
    print(f"PostgreSQL not reachable: {error}")
    sys.exit(1)
PY
}

for db in "${databases[@]}"; do
  if [ "$db" = sqlite ]; then
    export DATABASE_URL="sqlite:///$WORK/bench.sqlite3"
  else
    if ! postgres_up; then echo "SKIPPED: PostgreSQL"; continue; fi
    export DATABASE_URL="$PG_URL"
  fi
  echo "== $db: bench-data --organisations $ORGANISATIONS --rounds $ROUNDS"
  "$PY" -m normmonitor bench-data --organisations "$ORGANISATIONS" --rounds "$ROUNDS" --flush
  echo "== $db: pages and API"
  "$PY" benchmarks/bench_pages.py --repeat "$REPEAT" --json "benchmarks/results/$db.json" 2>&1 \
    | grep -v "WARNING\|UserWarning\|mw_instance"
done

if [ "$loadtest" = 1 ]; then
  if postgres_up; then
    export DATABASE_URL="$PG_URL"
    "$PY" benchmarks/loadtest.py --json benchmarks/results/loadtest.json
  else
    echo "SKIPPED: the load test needs PostgreSQL"
  fi
fi
