#!/usr/bin/env bash
# Installs Normmonitor in ./.venv, loads the fictitious Flevoland demo into SQLite (./var) and
# serves it at http://127.0.0.1:8000. Safe to run again: the demo load is idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .

export DJANGO_SETTINGS_MODULE=normmonitor.conf.dev
exec .venv/bin/normmonitor demo "$@"
