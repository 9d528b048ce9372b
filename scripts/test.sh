#!/usr/bin/env bash
# One command: set up, then run every check — ruff, the data linter and the whole pytest suite (which runs
# the JavaScript parity tests: node --test on case tables Python writes).
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
# The browser's twins of Python logic (numerals, labels, quantities, splitting, hashing, weights, the
# 对标检查 engine) run under `node --test tests/js/` inside pytest (tests/test_js_parity.py, quick loop too).
select=()
if [ "$quick" = 1 ]; then
  select=(-m "not build and not browser and not slow")
fi
set +e
# Both cores: two workers, each taking whole test files (a file's module fixtures are built once), and the
# 25 slowest tests named at the end.
.venv/bin/python -m pytest -n 2 --dist loadfile --durations=25 "${select[@]}" "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: treating as a failure" >&2
  exit 1
fi
exit "$status"
