"""Lint rules_data/: print every error as `file: key.path: message`; exit 1 if there are any.

Usage: python scripts/lint.py [--root DIR] [--max-source-bytes N] [--debug]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rulebook.core.settings import Settings, SettingsError
from rulebook.data.lint import lint
from rulebook.data.load import MAX_SOURCE_ENV, DataError

ROOT = Path(__file__).resolve().parent.parent  # this project (a test's copy has its own)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=ROOT, help="repository root (default: this checkout)")
    ap.add_argument(
        "--max-source-bytes",
        type=int,
        default=None,
        help=f"largest source text accepted (default 2 MiB; same as the {MAX_SOURCE_ENV} environment variable)",
    )
    ap.add_argument("--debug", action="store_true", help="show the traceback of an unexpected failure")
    args = ap.parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.max_source_bytes is not None:
            settings = settings.with_values(max_source_bytes=args.max_source_bytes)
        forks = settings.jobs != 1  # a script: no threads, fork is safe
        errors = lint(args.root, forks=forks, settings=settings)
    except SettingsError as e:
        errors = e.errors
    except DataError as e:
        if args.debug:
            raise
        errors = e.errors
    except (OSError, ValueError) as e:
        if args.debug:
            raise
        errors = [f"error: {e} (run with --debug for the traceback)"]
    for e in errors:
        print(e)
    if errors:
        print(f"{len(errors)} error(s)", file=sys.stderr)
        return 1
    print("rules_data: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
