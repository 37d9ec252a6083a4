#!/usr/bin/env bash
# Browser tests drive Debian's Chromium; install it (and a CJK font for pages and PDFs) when missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# No grep -q: with pipefail, a grep that stops early fails the pipe (SIGPIPE) and the fonts look missing.
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${need[*]} from Debian's packages ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "Missing ${need[*]}: install them (sudo apt-get install ${need[*]}) or the browser tests are skipped." >&2
fi
