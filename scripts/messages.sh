#!/usr/bin/env bash
# Regenerate and compile every gettext catalog (Chinese, zh_Hans; the msgids are the English text).
#
#   locale/                       the project's catalog: portal/ and templates/
#   <app>/locale/                 one catalog per app that has a locale/ folder (supervision, ...)
#
# New or changed msgids come out with an empty or "fuzzy" msgstr: translate them, then run this
# again; tests/test_i18n.py fails while any msgstr is empty or fuzzy, or a .mo is out of date.
# PYTHON=/path/to/python overrides the virtualenv's interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
export DJANGO_SETTINGS_MODULE=portal.settings
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
LANGS=(-l zh_Hans)

django_admin() { "$PYTHON" -m django "$@"; }

# Apps are the top-level packages with an apps.py, except the project package itself.
apps=()
for config in */apps.py; do
  app=${config%/apps.py}
  [[ $app == portal ]] || apps+=("$app")
done

# The project catalog: everything outside the apps (their strings live in their own catalogs).
ignore=(--ignore=.venv --ignore=var --ignore=tests --ignore=static --ignore=scripts)
for app in "${apps[@]}"; do ignore+=(--ignore="$app/*"); done
mkdir -p locale
echo "messages: project catalog (portal/, templates/)"
django_admin makemessages "${LANGS[@]}" --no-obsolete "${ignore[@]}" -v 0

# One catalog per app that has opted in with a locale/ folder.
for app in "${apps[@]}"; do
  [[ -d $app/locale ]] || continue
  echo "messages: $app"
  (cd "$app" && django_admin makemessages "${LANGS[@]}" --no-obsolete -v 0)
done

django_admin compilemessages --ignore=.venv --ignore=var -v 0
echo "messages: compiled; translate any empty or fuzzy msgstr and run again"
