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
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_offline(out_dir: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cmd = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "-q",
        "-f",
        str(ROOT / "mkdocs.offline.yml"),
        "-d",
        str(out_dir),
    ]
    subprocess.run(cmd, check=True, cwd=ROOT, env=env)


def zip_dir(src: Path, target: Path) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(src.rglob("*")):
            if path.is_file():
                z.write(path, Path("rulebook") / path.relative_to(src))
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "dist/rulebook-offline.zip")
    ap.add_argument("--pdf-dir", type=Path, default=None, help="PDFs to include under downloads/")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        build_offline(site)
        if args.pdf_dir:
            shutil.copytree(args.pdf_dir, site / "downloads", dirs_exist_ok=True)
        size = zip_dir(site, args.out)
    print(f"wrote {args.out} ({size / 1e6:.1f} MB): unzip it and open rulebook/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
