"""Build the offline bundle: the whole site as a zip that works when opened from disk (file://).

Usage: python scripts/bundle.py [--out dist/rulebook-offline.zip] [--pdf-dir DIR]

Builds with mkdocs.offline.yml (use_directory_urls: false); the search index files are plain scripts,
so the header search box and 条文检索 work from file:// without a server. PDFs from --pdf-dir
(scripts/pdf.py output) are put under downloads/ in the bundle.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import zipfile
from pathlib import Path

from rulebook.build.atomic import BuildFailed, Interrupted, build_site, on_sigterm

ROOT = Path(__file__).resolve().parent.parent


def build_offline(out_dir: Path) -> None:
    """The offline site, built like scripts/build.py builds site/ (raises BuildFailed)."""
    build_site(out_dir, ROOT / "mkdocs.offline.yml", quiet=True)


def zip_dir(src: Path, target: Path) -> int:
    """Zip `src` as rulebook/ into `target`, written whole or not at all (a failed run keeps the old zip)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(src.rglob("*")):
                if path.is_file():
                    z.write(path, Path("rulebook") / path.relative_to(src))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "dist/rulebook-offline.zip")
    ap.add_argument("--pdf-dir", type=Path, default=None, help="PDFs to include under downloads/")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            site = Path(tmp) / "site"
            build_offline(site)
            if args.pdf_dir:
                shutil.copytree(args.pdf_dir, site / "downloads", dirs_exist_ok=True)
            size = zip_dir(site, args.out)
    except BuildFailed as e:
        print(f"bundle failed: {e}; {args.out} was left unchanged", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted):
        print(f"bundle interrupted; {args.out} was left unchanged", file=sys.stderr)
        return 130
    print(f"wrote {args.out} ({size / 1e6:.1f} MB): unzip it and open rulebook/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
