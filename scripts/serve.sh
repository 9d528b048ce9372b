#!/usr/bin/env bash
# One command: set up, build site/ (with its PDFs) atomically and serve it on 127.0.0.1.
# The build refuses bad or stale data (the checks of scripts/lint.py) and replaces site/ only when
# every step succeeded: a failed or interrupted build leaves the previous site/ as it was.
set -euo pipefail
cd "$(dirname "$0")/.."
RULEBOOK_BROWSER=1 bash scripts/setup.sh   # Chromium + CJK fonts are needed to print the PDFs
export NO_MKDOCS_2_WARNING=1
.venv/bin/python scripts/build.py --pdf -d site
echo "Serving site/ on http://127.0.0.1:${PORT:-8000}/ (Ctrl-C to stop)"
exec .venv/bin/python -m http.server "${PORT:-8000}" --bind 127.0.0.1 --directory site
