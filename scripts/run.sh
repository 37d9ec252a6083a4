#!/usr/bin/env bash
# make run, or without make: bash scripts/run.sh
# Check the system (installing what is missing when root), set up .venv, migrate, load facts and demo
# data (which runs today's sweeps once), then run the web server with a Celery worker and beat.
# Ctrl-C stops all three. HOST and PORT choose the address; links in e-mails and inbox messages follow
# them unless BASE_URL is set (portal/settings.py).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
BIN=.venv/bin
PASSWORD="${DEMO_PASSWORD:-demo-pass-2026}"
export HOST="${HOST:-127.0.0.1}"
export PORT="${PORT:-8000}"
URL="http://$HOST:$PORT/"

PYTHON="$PYTHON" bash scripts/ensure-system.sh
# What make's setup target does, for a machine without make: a virtualenv with the pinned packages,
# installed again when requirements.txt changes.
if [ ! -x $BIN/python ]; then
  "$PYTHON" -m venv .venv
fi
if [ ! -e $BIN/.installed ] || [ requirements.txt -nt $BIN/.installed ]; then
  echo "Installing the Python packages into .venv ..."
  $BIN/pip install --quiet --upgrade pip
  $BIN/pip install --quiet -r requirements.txt
  touch $BIN/.installed
fi

$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py compilemessages --ignore=.venv -v 0 2>/dev/null || true
$BIN/python manage.py seed --demo --password="$PASSWORD"

if $BIN/python scripts/wait_for.py "$URL" --timeout 0.5; then
  echo "Something already answers at $URL: stop it or choose another port (PORT=8101 make run)." >&2
  exit 1
fi
mkdir -p var/log
$BIN/celery -A portal worker --loglevel=INFO --concurrency=2 >var/log/celery-worker.log 2>&1 &
WORKER=$!
$BIN/celery -A portal beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/log/celery-beat.log 2>&1 &
BEAT=$!
$BIN/python manage.py runserver "$HOST:$PORT" --noreload &
SERVER=$!
cleanup() {
  trap - INT TERM EXIT
  trap '' PIPE HUP  # the terminal or a pipe may be gone already: stop the children first
  kill "$SERVER" "$WORKER" "$BEAT" 2>/dev/null || true
  echo "Stopping the web server, the Celery worker and beat ..." >&2 || true
  # A worker whose pool processes the terminal's Ctrl-C reached first can hang in its warm shutdown:
  # give them 15 seconds, then stop what is left for good.
  for _ in $(seq 1 30); do
    kill -0 "$SERVER" 2>/dev/null || kill -0 "$WORKER" 2>/dev/null || kill -0 "$BEAT" 2>/dev/null || break
    sleep 0.5
  done
  kill -KILL "$SERVER" "$WORKER" "$BEAT" 2>/dev/null || true
  wait "$SERVER" "$WORKER" "$BEAT" 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# The address is printed once the server answers, not before.
if ! $BIN/python scripts/wait_for.py "${URL}" --timeout 120 --process "$SERVER"; then
  echo "The web server did not answer at $URL; see the messages above." >&2
  exit 1
fi
cat <<MSG

  The portal is running at  $URL
  API documentation:        ${URL}api/docs/

  Demo log-ins (password: $PASSWORD)
    province          provincial administrator (河南省)
    puyang            city administrator (濮阳市)
    zhengzhou         city administrator (郑州市)
    szca              CA vendor user (SZCA)
    bjca              CA vendor user (BJCA)
    platform-puyang   platform operator (濮阳市公共资源交易中心交易平台)
    fagui             national administrator (国家发展改革委法规司)
    lead-henan        lead department (河南省牵头部门): written reports to 法规司
    huaneng           participating enterprise (中国华能集团有限公司): written reports to 法规司

  Celery worker and beat log to var/log/. Press Ctrl-C to stop all three.

MSG
wait "$SERVER"
