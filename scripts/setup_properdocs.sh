#!/usr/bin/env bash
# The fallback builder's venv, .venv-properdocs: ProperDocs (the maintained fork of MkDocs 1.6) with the site's
# pinned requirements (requirements-properdocs.txt) and this package, editable. tests/test_properdocs.py builds
# the site with it and compares with the MkDocs build. A venv of its own, so that .venv stays exactly
# requirements-dev.txt. Idempotent, and returns at once while the venv matches its inputs (a stamp).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-properdocs
stamp=$({ cat requirements-properdocs.txt requirements.txt pyproject.toml; pwd; } | sha256sum | cut -d' ' -f1)
if [ -x "$venv/bin/properdocs" ] && [ "$(cat "$venv/.rulebook-stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0
fi

python3 - <<'PY'
import sys
if sys.version_info[:2] != (3, 11):
    sys.exit(f"Python 3.11 is required, found {sys.version.split()[0]}")
PY

rm -f "$venv/.rulebook-stamp"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv --clear "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install -q --disable-pip-version-check -r requirements-properdocs.txt
# The rulebook package, editable: the hooks (rulebook/build/mkdocs_hooks.py) import it from this checkout.
"$venv/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e .
"$venv/bin/properdocs" --version >/dev/null
echo "$stamp" > "$venv/.rulebook-stamp"
