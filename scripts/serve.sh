#!/usr/bin/env bash
# One command: set up, check the data, build the site into site/ (with its PDFs) and serve it on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
RULEBOOK_BROWSER=1 bash scripts/setup.sh   # Chromium + CJK fonts are needed to print the PDFs
export NO_MKDOCS_2_WARNING=1
.venv/bin/python scripts/lint.py
.venv/bin/mkdocs build --strict
.venv/bin/python scripts/pdf.py --site site
echo "Serving site/ on http://127.0.0.1:${PORT:-8000}/ (Ctrl-C to stop)"
exec .venv/bin/python -m http.server "${PORT:-8000}" --bind 127.0.0.1 --directory site
