#!/usr/bin/env bash
# Zero-setup smoke test: no environment variables, a fresh SQLite file, migrate, seed, one page per role.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export VAR_DIR="$tmp" DEBUG=on
unset DATABASE_URL REDIS_URL
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py seed --demo
.venv/bin/python manage.py seed --demo | grep "seed: 0 rows written" >/dev/null || { echo "smoke: second seed changed rows" >&2; exit 1; }
.venv/bin/python scripts/smoke_pages.py
