#!/usr/bin/env bash
# What the portal needs from the system, beyond Python's packages: Python 3.11 with venv (Debian ships
# it apart, as python3.11-venv), Pango for the PDFs (WeasyPrint), the Noto CJK fonts (without them
# Chinese prints as empty boxes) and make. Installs what is missing from Debian's packages when run as
# root, else prints the one command that does and stops (make is only a convenience: it is reported,
# never required). Used by scripts/run.sh (make run).
set -euo pipefail
PYTHON="${PYTHON:-python3.11}"
VENV="${VENV:-.venv}"

# grep reads the whole list (no -q): with pipefail, a grep that stops early would fail the pipe (SIGPIPE).
have_lib() { { ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } | grep "$1" >/dev/null; }

need=()
if [ ! -x "$VENV/bin/python" ]; then
  command -v "$PYTHON" >/dev/null 2>&1 || need+=(python3.11)
  # Debian's Python has no ensurepip (so no venv with pip) until python3.11-venv is installed.
  "$PYTHON" -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3.11-venv)
fi
have_lib libpango-1.0.so.0 || need+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || need+=(libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so.0 || need+=(libharfbuzz-subset0)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
optional=()
command -v make >/dev/null 2>&1 || optional+=(make)

[ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${need[*]} ${optional[*]} from Debian's packages ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" "${optional[@]}" >/dev/null
  exit 0
fi
if [ ${#need[@]} -eq 0 ]; then
  echo "Note: make is not installed; bash scripts/run.sh does what make run does (sudo apt-get install make)." >&2
  exit 0
fi
echo "The portal needs ${need[*]}. Install them, then run this again:" >&2
echo "" >&2
echo "    sudo apt-get install ${need[*]} ${optional[*]}" >&2
echo "" >&2
exit 1
