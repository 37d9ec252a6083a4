#!/usr/bin/env bash
# Production smoke test: DEBUG off, a generated SECRET_KEY, collectstatic with the production storage,
# gunicorn on a free loopback port, then one request per concern (scripts/prod_smoke_checks.py).
#
# Uses DATABASE_URL and REDIS_URL when set, else a SQLite file in a temporary folder. A PostgreSQL
# database whose name ends in "smoke" (e.g. postgres://root@127.0.0.1:5432/prodsmoke) is dropped and
# created afresh; any other must exist already. gunicorn is stopped however the script ends.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
tmp=$(mktemp -d)
server=""
stop() {
  if [[ -n $server ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap stop EXIT
fail() {
  echo "prod-smoke: FAILED: $*" >&2
  exit 1
}
step() { echo "prod-smoke: $*"; }

secret() { $BIN/python -c "import secrets; print(secrets.token_urlsafe($1))"; }
export VAR_DIR="$tmp" DEBUG=off SECRET_KEY="$(secret 50)" ALLOWED_HOSTS=127.0.0.1,localhost
# The portal runs behind a TLS proxy: gunicorn speaks plain HTTP on loopback and the checks send
# X-Forwarded-Proto: https as the proxy does (these are the defaults, named here to be explicit).
export BEHIND_TLS_PROXY=on SECURE_SSL_REDIRECT=on
export SMOKE_PASSWORD
SMOKE_PASSWORD="$(secret 18)"
step "database ${DATABASE_URL:-(SQLite in $tmp)}, cache and broker ${REDIS_URL:-(local)}"

if [[ ${DATABASE_URL:-} == postgres* ]]; then
  $BIN/python scripts/prod_smoke_checks.py fresh-database || fail "could not prepare the PostgreSQL database"
fi
# With PostgreSQL and Redis this is the production configuration: check --deploy must be clean.
# Without them (SQLite, local cache) its warnings about that are expected, and only errors fail.
level=ERROR
if [[ -n ${DATABASE_URL:-} && -n ${REDIS_URL:-} ]]; then level=WARNING; fi
$BIN/python manage.py check --deploy --fail-level "$level" -v 0 || fail "check --deploy"
$BIN/python manage.py migrate --noinput -v 0 || fail "migrate"
# The demo data is refused with DEBUG off (it looks like production): only this step turns it on.
DEBUG=on $BIN/python manage.py seed --demo --password="$SMOKE_PASSWORD" || fail "seed"
# A rectification case with its notice PDF (rendered at once rather than by a Celery worker).
if ! CELERY_TASK_ALWAYS_EAGER=on EMAIL_URL=dummymail:// $BIN/python scripts/prod_smoke_checks.py open-case \
  >"$tmp/case" 2>"$tmp/case.log"; then
  cat "$tmp/case" "$tmp/case.log" >&2
  fail "opening a rectification case"
fi
export SMOKE_CASE SMOKE_NOTICE
read -r SMOKE_CASE SMOKE_NOTICE < <(tail -n 1 "$tmp/case")
step "collectstatic (manifest storage, compressed)"
$BIN/python manage.py collectstatic --noinput -v 0 || fail "collectstatic"

port=$($BIN/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
step "gunicorn portal.wsgi on 127.0.0.1:$port"
$BIN/gunicorn portal.wsgi --bind "127.0.0.1:$port" --workers 2 --timeout 60 \
  --access-logfile "$tmp/access.log" --error-logfile "$tmp/gunicorn.log" >>"$tmp/gunicorn.log" 2>&1 &
server=$!
if ! $BIN/python scripts/prod_smoke_checks.py check "http://127.0.0.1:$port" "$server"; then
  echo "--- gunicorn log" >&2
  tail -n 60 "$tmp/gunicorn.log" >&2 || true
  fail "see the checks above"
fi
step "all checks passed"
