"""Build the site atomically: into a fresh folder next to the target, renamed into place only if every step succeeded.

Usage: python scripts/build.py [-d SITE_DIR] [-f CONFIG] [--pdf] [--full] [-q] [--debug]

Steps: `mkdocs build --strict` (which first refuses bad or stale data: the checks of scripts/lint.py),
then with --pdf scripts/pdf.py. On a failure, Ctrl-C or SIGTERM the temporary folder is removed and
the previous site is left exactly as it was; stale temporary folders of killed builds are removed by
the next build. See rulebook/build/atomic.py for how the swap keeps the target path present.

Incremental by default: when SITE_DIR holds a site this script built, city pages whose inputs (the
city, its similar articles, its navigation, the code and settings) did not change are not rendered
again but hard-linked from it (rulebook/build/incremental.py); --full renders every page.
"""

from __future__ import annotations

import argparse
import signal
import sys
import traceback
from pathlib import Path

from rulebook.build.atomic import BuildFailed, Interrupted, build_site, on_sigterm, os_error_line

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml", help="MkDocs config")
    ap.add_argument("-d", "--site-dir", type=Path, default=None, help="target folder (default: site/ next to it)")
    ap.add_argument("--pdf", action="store_true", help="also print the PDFs into downloads/ (scripts/pdf.py)")
    ap.add_argument("--full", action="store_true", help="render every page (no reuse of the previous site)")
    ap.add_argument("-q", "--quiet", action="store_true", help="only MkDocs' warnings and errors")
    ap.add_argument("--debug", action="store_true", help="show a traceback for unexpected errors")
    args = ap.parse_args(argv)
    target = args.site_dir or args.config_file.resolve().parent / "site"
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        build_site(
            target, args.config_file, pdf=args.pdf, quiet=args.quiet, incremental=not args.full, debug=args.debug
        )
    except BuildFailed as e:
        print(f"build failed: {e}; {target} was left unchanged", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted) as e:
        done = "the new site was already in place" if getattr(e, "swapped", False) else "it was left unchanged"
        print(f"build interrupted; {done} ({target})", file=sys.stderr)
        return 130
    except Exception as e:  # an unexpected error: still no traceback unless asked for
        if args.debug:
            traceback.print_exc()
        what = os_error_line(e) if isinstance(e, OSError) else f"build failed: {type(e).__name__}: {e}"
        print(f"{what}; {target} was left unchanged", file=sys.stderr)
        return 1
    print(f"built {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
