"""Add a city in one command: raw text file + slug -> source, input file, generated data, 待整理 stubs.

Usage: python scripts/add_city.py SLUG RAW.txt --province 某某省 --level 县级市 [--captured-from TEXT]
                                  [--title T] [--name N] [--issuer I] [--doc-number D] [--issued YYYY-MM-DD]
                                  [--adopted-meeting M] [--adopted-date YYYY-MM-DD] [--status S]
                                  [--complete-confirmed NOTE]
       python scripts/add_city.py SLUG --resume [overrides …]   (after a failed import, or files made by hand)

If the import fails, the raw text and the input file are kept in rules_data/pending/SLUG/ (out of the
way: lint, the build and adding another city do not see them); the message says what to fix. Fix the
input file there (metadata, corrections, source_fixes) or pass an override, and re-run with --resume.
Re-running with the same RAW file is the same as --resume.

Then: review the printed report, curate rules_data/inputs/SLUG.yaml (metadata, corrections),
rules_data/tags/SLUG.yaml and the 待整理 cells in rules_data/comparisons/, run scripts/lint.py, build.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path
from typing import Any

from rulebook.analysis.curation import add_pending, add_suggestions
from rulebook.core.settings import Settings, SettingsError
from rulebook.data import yamlio
from rulebook.data.importer import ImportFailed
from rulebook.data.layout import Layout
from rulebook.data.load import load_rulebook, read_yaml, validate
from rulebook.data.pipeline import import_checked
from rulebook.model.schema import SLUG_RE, CityInput, Level, Status

ROOT = Path(__file__).resolve().parent.parent  # this project (a test's copy has its own)
LAYOUT = Layout(ROOT)
PENDING = LAYOUT.data / "pending"  # a failed add's source and input file, until it is resumed

INPUT_HEADER = "# Hand-written input for the importer: facts the text lacks, and corrections.\n"
# command-line option -> key under metadata (None: not set on the command line)
OVERRIDES = {
    "province": "province",
    "level": "level",
    "title": "title",
    "name": "name",
    "issuer": "issuer",
    "doc_number": "doc_number",
    "issued": "issued",
    "status": "status",
    "status_note": "status_note",
    "complete_confirmed": "complete_confirmed",
}


class Refused(Exception):
    """A problem the user must fix; its lines are printed as they are."""

    def __init__(self, *lines: str) -> None:
        self.lines = list(lines)
        super().__init__("\n".join(lines))


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("slug")
    ap.add_argument("raw", type=Path, nargs="?", help="the raw capture (omit with --resume)")
    ap.add_argument("--resume", action="store_true", help="use the source and input kept from an earlier run")
    ap.add_argument(
        "--no-suggest", action="store_true", help="leave tags and cells 待整理 (no machine suggestions, 待核)"
    )
    ap.add_argument("--province")
    ap.add_argument("--level", choices=[lv.value for lv in Level])
    ap.add_argument("--captured-from", default=None)
    ap.add_argument("--title", help="the title, when the text has none the importer can find")
    ap.add_argument("--name")
    ap.add_argument("--issuer")
    ap.add_argument("--doc-number")
    ap.add_argument("--issued", help="issue date, YYYY-MM-DD")
    ap.add_argument("--adopted-meeting")
    ap.add_argument("--adopted-date", help="YYYY-MM-DD")
    ap.add_argument("--status", choices=[s.value for s in Status])
    ap.add_argument("--status-note")
    ap.add_argument("--complete-confirmed", help="how you checked the text is whole (when the report says 可能不完整)")
    ap.add_argument("--debug", action="store_true", help="show tracebacks")
    return ap


def _input_data(args: argparse.Namespace, input_path: Path, raw: bytes, source_name: str) -> tuple[dict, bool]:
    """The input file's data with the command-line overrides applied; and whether it must be (re)written."""
    rel = f"rules_data/inputs/{args.slug}.yaml"
    if input_path.exists():
        errors: list[str] = []
        data: Any = read_yaml(input_path, ROOT, errors)
        if errors:
            raise Refused(*errors, f"fix {rel} and re-run: python scripts/add_city.py {args.slug} --resume")
        changed = False
    else:
        data = {
            "id": args.slug,
            "source": {"file": source_name, "captured_from": "网页抓取（来源网站待补充）"},
            "metadata": {},
        }
        changed = True
    if not isinstance(data, dict):
        raise Refused(f"{rel}: (root): not a mapping")
    source = data.setdefault("source", {})
    if source.get("sha256") != hashlib.sha256(raw).hexdigest():
        source["sha256"] = hashlib.sha256(raw).hexdigest()
        changed = True
    if args.captured_from:
        source["captured_from"] = args.captured_from
        changed = True
    md = data.setdefault("metadata", {})
    for opt, key in OVERRIDES.items():
        value = getattr(args, opt)
        if value is not None and md.get(key) != value:
            md[key] = value
            changed = True
    if args.adopted_meeting or args.adopted_date:
        adopted = md.setdefault("adopted", {}) or {}
        adopted.update({k: v for k, v in (("meeting", args.adopted_meeting), ("date", args.adopted_date)) if v})
        md["adopted"] = adopted
        changed = True
    return data, changed


def add(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as e:
        raise Refused(*e.errors) from None
    if not re.fullmatch(SLUG_RE, args.slug):
        raise Refused(f"{args.slug}: slug must match {SLUG_RE}")
    slug = args.slug
    source = LAYOUT.sources / f"{slug}.txt"
    input_path = LAYOUT.inputs / f"{slug}.yaml"
    _unpark(slug, source, input_path)
    try:
        return _add(args, settings, slug, source, input_path)
    except BaseException:
        _park(slug, source, input_path)
        raise


def _pending(slug: str, path: Path) -> Path:
    return PENDING / slug / path.name


def _park(slug: str, source: Path, input_path: Path) -> None:
    """A failed add: its source and input file move to rules_data/pending/SLUG/, where no other city's add,
    lint or build trips over them (an input without its generated city is a lint error)."""
    if (LAYOUT.cities / f"{slug}.yaml").exists():
        return  # an imported city being re-run: its files stay where they are
    for path in (source, input_path):
        if path.exists():
            _pending(slug, path).parent.mkdir(parents=True, exist_ok=True)
            path.replace(_pending(slug, path))


def _unpark(slug: str, source: Path, input_path: Path) -> None:
    """Put a failed add's files back for the new attempt (refused if another file took their place)."""
    for path in (source, input_path):
        kept = _pending(slug, path)
        if not kept.exists():
            continue
        if path.exists() and path.read_bytes() != kept.read_bytes():
            raise Refused(
                f"{path.relative_to(ROOT)}: (file): exists, and rules_data/pending/{slug}/{path.name} holds another "
                f"version from a failed add: keep one of them (delete the other) and re-run"
            )
        kept.replace(path)
    if (PENDING / slug).is_dir() and not any((PENDING / slug).iterdir()):
        (PENDING / slug).rmdir()
        if not any(PENDING.iterdir()):
            PENDING.rmdir()


def _add(args: argparse.Namespace, settings: Settings, slug: str, source: Path, input_path: Path) -> int:
    rerun = f"python scripts/add_city.py {slug} --resume"
    if args.raw is None:
        if not (args.resume and source.exists()):
            raise Refused(
                f"rules_data/sources/{slug}.txt: (file): missing; give the RAW file "
                f"(python scripts/add_city.py {slug} RAW.txt --province … --level …)"
                if args.resume
                else "give the RAW file, or --resume to use the files kept from an earlier run"
            )
        raw = source.read_bytes()
    else:
        try:
            raw = args.raw.read_bytes()
        except OSError as e:
            raise Refused(f"{args.raw}: (file): cannot read: {e.strerror}") from None
        if source.exists() and source.read_bytes() != raw:
            raise Refused(
                f"rules_data/sources/{slug}.txt: (file): exists with different content; sources are never "
                f"overwritten: choose another slug, or delete rules_data/sources/{slug}.txt and "
                f"rules_data/inputs/{slug}.yaml if they were added by mistake"
            )
    data, changed = _input_data(args, input_path, raw, source.name)
    errors: list[str] = []
    inp = validate(CityInput, data, input_path, ROOT, errors)
    if inp is None:
        hint = "pass --province and --level" if any(".province" in e or ".level" in e for e in errors) else ""
        raise Refused(*errors, f"nothing written; {hint or 'fix the values'} and re-run")
    if not source.exists():
        source.write_bytes(raw)
    if changed:
        input_path.write_text(INPUT_HEADER + yamlio.dump(inp), encoding="utf-8")
    try:
        text, report = import_checked(slug, ROOT, settings)
    except ImportFailed as e:
        raise Refused(*e.errors, *_what_to_fix(e.errors, slug, rerun)) from None
    (LAYOUT.cities / f"{slug}.yaml").write_text(text, encoding="utf-8")
    changed_files = add_pending(ROOT, slug)
    if not args.no_suggest:  # what the curated cities teach, as labelled 待核 suggestions
        changed_files += add_suggestions(ROOT, load_rulebook(ROOT), slug)
    print(f"== {slug}: imported; wrote rules_data/cities/{slug}.yaml and {len(changed_files)} other file(s)")
    print(report.render())
    return 0


def _what_to_fix(errors: list[str], slug: str, rerun: str) -> list[str]:
    kept = f"rules_data/pending/{slug}/{slug}.yaml"
    out = [
        f"kept the source and the input file in rules_data/pending/{slug}/ ({slug}.txt, {slug}.yaml), out of the "
        "way of other cities; nothing else was written."
    ]
    text = "\n".join(errors)
    if ": title:" in text:
        out.append(f"no title: re-run with the title given: {rerun} --title 某某市人民政府工作规则")
    if "corrections[" in text or "source_fixes[" in text:
        out.append(f"fix the listed corrections / source_fixes in {kept}, then re-run: {rerun}")
    if "rules_data/sources/" in text:
        out.append(
            "the capture cannot be imported as it reads: where a line is faithful but misread, add the "
            f"source_fixes entry each message names to {kept} (line, find, replace, reason; shown as 校勘记) "
            f"and re-run: {rerun}; only a damaged capture needs capturing again (then delete "
            f"rules_data/pending/{slug}/ and run add_city.py with the new file)"
        )
    if len(out) == 1:
        out.append(f"fix {kept}, then re-run: {rerun}")
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return add(args)
    except Refused as e:
        if args.debug:
            raise
        for line in e.lines:
            print(line, file=sys.stderr)
        return 1
    except Exception as e:
        if args.debug:
            raise
        print(f"add_city: {type(e).__name__}: {e} (re-run with --debug for the traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
