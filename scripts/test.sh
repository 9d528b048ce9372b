#!/usr/bin/env bash
# One command: set up, then run every check — ruff, the data linter, the JavaScript parity tests
# (node --test on case tables Python writes) and the whole pytest suite.
#   bash scripts/test.sh            everything (what CI runs)
#   bash scripts/test.sh --quick    the quick loop: the same checks without site builds, browsers and
#                                   slow tests (pytest -m "not build and not browser and not slow")
# Further arguments go to pytest (e.g. tests/test_render.py -k city).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [ "${1:-}" = "--quick" ]; then
  quick=1
  shift
fi
if [ "$quick" = 1 ]; then
  bash scripts/setup.sh
else
  RULEBOOK_BROWSER=1 bash scripts/setup.sh
  bash scripts/setup_properdocs.sh  # the fallback builder's venv (tests/test_properdocs.py)
fi
export NO_MKDOCS_2_WARNING=1
export CI="${CI:-1}"  # browser tests must fail, not skip, when Chromium or Playwright is missing
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python scripts/lint.py
# The browser's twins of Python logic (numerals, labels, quantities, splitting, hashing, weights).
cases=.cache/js-cases
.venv/bin/python -m rulebook.devtools.js_cases "$cases" >/dev/null
RB_JS_CASES="$cases" node --test tests/js/
select=()
if [ "$quick" = 1 ]; then
  select=(-m "not build and not browser and not slow")
fi
set +e
.venv/bin/python -m pytest "${select[@]}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$status"
