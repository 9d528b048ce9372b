"""Add a city in one command: raw text file + slug -> source, input file, generated data, 待整理 stubs.

Usage: python scripts/add_city.py SLUG RAW.txt --province 某某省 --level 县级市 [--captured-from TEXT]

Then: review the printed report, curate rules_data/inputs/SLUG.yaml (metadata, corrections),
rules_data/tags/SLUG.yaml and the 待整理 cells in rules_data/comparisons/, run scripts/lint.py, build.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rulebook import paths, yamlio
from rulebook.curation import add_pending
from rulebook.models import SLUG_RE, CityInput, Level
from rulebook.pipeline import import_one


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("slug")
    ap.add_argument("raw", type=Path)
    ap.add_argument("--province", required=True)
    ap.add_argument("--level", required=True, choices=[lv.value for lv in Level])
    ap.add_argument("--captured-from", default="网页抓取（来源网站待补充）")
    args = ap.parse_args(argv)
    import re

    if not re.fullmatch(SLUG_RE, args.slug):
        ap.error(f"slug must match {SLUG_RE}")
    source = paths.SOURCES / f"{args.slug}.txt"
    input_path = paths.INPUTS / f"{args.slug}.yaml"
    if source.exists() or input_path.exists():
        ap.error(f"{args.slug} exists already")
    raw = args.raw.read_bytes()
    inp = CityInput.model_validate(
        {
            "id": args.slug,
            "source": {
                "file": source.name,
                "sha256": hashlib.sha256(raw).hexdigest(),
                "captured_from": args.captured_from,
            },
            "metadata": {"province": args.province, "level": args.level},
        }
    )
    shutil.copyfile(args.raw, source)
    input_path.write_text(
        "# Hand-written input for the importer: facts the text lacks, and corrections.\n" + yamlio.dump(inp),
        encoding="utf-8",
    )
    try:
        text, report = import_one(args.slug)
    except Exception as e:  # leave nothing half-added behind (also a capture that is not UTF-8)
        source.unlink()
        input_path.unlink()
        print(f"cannot import {args.raw}: {e}", file=sys.stderr)
        return 1
    (paths.CITIES / f"{args.slug}.yaml").write_text(text, encoding="utf-8")
    changed = add_pending(paths.ROOT, args.slug)
    print(f"== {args.slug}: imported; wrote {len(changed) + 3} files")
    print(report.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
