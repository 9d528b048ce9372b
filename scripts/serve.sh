#!/usr/bin/env bash
# One command: set up, check the data, build the site into site/ and serve it on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
.venv/bin/python scripts/lint.py
.venv/bin/mkdocs build --strict
exec .venv/bin/mkdocs serve --strict -a "127.0.0.1:${PORT:-8000}"
