#!/usr/bin/env bash
# Set up everything the site and the tests need on a fresh Debian machine (run as root):
# system packages (apt), a Python 3.11 venv in .venv with the pinned requirements.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v python3 >/dev/null || need_apt+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need_apt+=(python3-venv)
command -v npm >/dev/null || need_apt+=(nodejs npm)
if [ "${RULEBOOK_BROWSER:-0}" = "1" ]; then
  # Browser, CJK fonts (WenQuanYi embeds as CID TrueType in PDFs), PDF tools and nginx:
  # for the browser, PDF and hosting tests, and for building the PDFs.
  command -v chromium >/dev/null || need_apt+=(chromium)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need_apt+=(fonts-noto-cjk)
  fc-list 2>/dev/null | grep -qi "WenQuanYi Zen Hei" || need_apt+=(fonts-wqy-zenhei)
  command -v pdffonts >/dev/null || need_apt+=(poppler-utils)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need_apt+=(nginx-light)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

python3 - <<'PY'
import sys
if sys.version_info[:2] != (3, 11):
    sys.exit(f"Python 3.11 is required, found {sys.version.split()[0]}")
PY

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# The rulebook package itself, editable: scripts, tests and the MkDocs hooks import it from this checkout.
.venv/bin/python -m pip install -q --disable-pip-version-check --no-build-isolation --no-deps -e .

# Browser files (Mermaid, lunr.js) at the versions pinned in package-lock.json; copied into the site by the build.
stamp=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.rulebook-stamp 2>/dev/null)" != "$stamp" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$stamp" > node_modules/.rulebook-stamp
fi
