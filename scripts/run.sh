#!/usr/bin/env bash
# Migrate, load facts and demo data, then run the web server with a Celery worker and beat.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PASSWORD="${DEMO_PASSWORD:-demo-pass-2026}"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"

$BIN/python manage.py migrate --noinput -v 0
$BIN/python manage.py compilemessages --ignore=.venv -v 0 2>/dev/null || true
$BIN/python manage.py seed --demo --password "$PASSWORD"

mkdir -p var/log
$BIN/celery -A portal worker --loglevel=INFO --concurrency=2 >var/log/celery-worker.log 2>&1 &
WORKER=$!
$BIN/celery -A portal beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/log/celery-beat.log 2>&1 &
BEAT=$!
# Let the worker run today's sweeps once now, so the demo shows what is overdue without waiting for beat.
$BIN/python manage.py shell -c "from supervision.tasks import daily_sweep; from fees.tasks import sweep_fee_rules; from certificates.tasks import sweep_recognition; daily_sweep.delay(); sweep_fee_rules.delay(); sweep_recognition.delay()"
cleanup() {
  trap - INT TERM EXIT
  trap '' PIPE HUP  # the terminal or a pipe may be gone already: stop the children first
  kill "$WORKER" "$BEAT" 2>/dev/null || true
  echo "Stopping the web server, the Celery worker and beat ..." >&2 || true
  wait "$WORKER" "$BEAT" 2>/dev/null || true
}
trap cleanup INT TERM EXIT

cat <<MSG

  The portal is running at  http://$HOST:$PORT/
  API documentation:        http://$HOST:$PORT/api/docs/

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
$BIN/python manage.py runserver "$HOST:$PORT" --noreload
