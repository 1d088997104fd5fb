#!/usr/bin/env bash
# Installs what joinedup needs on a Debian/Ubuntu machine, idempotently and quickly when
# everything is already there: system libraries (GDAL, SpatiaLite, gettext), a Python
# whose sqlite3 can load SpatiaLite, the virtualenv from the lockfile, and govuk-frontend.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

APT_PACKAGES=(gdal-bin libsqlite3-mod-spatialite gettext python3-venv)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || command -v sudo >/dev/null; }; then
    say "Installing system packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    die "missing system packages; run: sudo apt-get install ${missing[*]}"
  fi
fi

# SpatiaLite needs a Python whose sqlite3 module can load extensions. pyenv builds often
# cannot; Debian's /usr/bin/python3 can.
can_load_spatialite() {
  "$1" - <<'PY' 2>/dev/null
import sqlite3, sys
if sys.version_info[:2] != (3, 11):
    raise SystemExit(1)
c = sqlite3.connect(":memory:")
c.enable_load_extension(True)
c.load_extension("mod_spatialite")
PY
}
if [ -x .venv/bin/python ] && can_load_spatialite .venv/bin/python; then
  PYTHON=.venv/bin/python
else
  PYTHON=""
  for candidate in "${JOINEDUP_PYTHON:-}" /usr/bin/python3.11 /usr/bin/python3 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null || continue
    if can_load_spatialite "$(command -v "$candidate")"; then PYTHON="$(command -v "$candidate")"; break; fi
  done
  [ -n "$PYTHON" ] || die "no Python 3.11 here can load SpatiaLite; install Debian's python3 (apt-get install python3 python3-venv libsqlite3-mod-spatialite) or set JOINEDUP_PYTHON to one that can"
  say "Creating .venv with $PYTHON"
  rm -rf .venv
  "$PYTHON" -m venv .venv
fi

stamp=.venv/.lock-installed
if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
  say "Installing Python packages from requirements.lock"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -r requirements.lock
  cp requirements.lock "$stamp"
fi

if [ ! -f static_build/govuk/govuk-frontend.min.css ] || [ ! -f static_build/leaflet/leaflet.js ] || [ frontend/package-lock.json -nt static_build/govuk/govuk-frontend.min.css ]; then
  command -v npm >/dev/null || die "npm is needed for the GOV.UK Design System assets; run: sudo apt-get install npm"
  say "Installing govuk-frontend"
  (cd frontend && npm ci --no-audit --no-fund --silent && npm run --silent build)
fi

mkdir -p var
# Translations: every app keeps its own locale/ folder; compile any .po newer than its .mo.
stale=0
while IFS= read -r po; do
  [ "${po%.po}.mo" -nt "$po" ] || stale=1
done < <(find joinedup -name '*.po' -path '*/LC_MESSAGES/*')
if [ $stale = 1 ]; then
  DEBUG=1 .venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=node_modules --ignore=frontend
fi
