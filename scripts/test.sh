#!/usr/bin/env bash
# One command: set up, then run every check — ruff, the data linter and the whole pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."
RULEBOOK_BROWSER=1 bash scripts/setup.sh
export NO_MKDOCS_2_WARNING=1
export CI="${CI:-1}"  # browser tests must fail, not skip, when Chromium or Playwright is missing
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python scripts/lint.py
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$status"
