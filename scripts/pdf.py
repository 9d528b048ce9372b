"""Print the rulebook to PDF with Debian's Chromium: downloads/rulebook.pdf and one PDF per city.

Usage: python scripts/pdf.py --site SITE_DIR [--out DIR]   (default out: SITE_DIR/downloads)

Each part (a city's full text, the comparison pages, the chart pages) is printed from the built site
by Chromium — so Mermaid charts render exactly as on screen — with the print stylesheet, A4, a
running header (the document's title) and page numbers, and an outline from its headings. The parts
are then merged under a generated cover and 目录 with pypdf, keeping every outline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser import Browser, serve  # noqa: E402
from pypdf import PdfReader, PdfWriter  # noqa: E402

from rulebook.data import load_rulebook  # noqa: E402
from rulebook.printing import FOOTER_TEMPLATE, Part, cover_html, header_template, parts  # noqa: E402

MARGIN = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}


def _print(page, title: str, landscape: bool = False) -> bytes:  # noqa: ANN001 - a Playwright page
    page.emulate_media(media="print")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.pdf(
        format="A4",
        landscape=landscape,
        print_background=True,
        display_header_footer=True,
        header_template=header_template(title),
        footer_template=FOOTER_TEMPLATE,
        margin=MARGIN,
        outline=True,
        tagged=True,
    )


def print_part(browser: Browser, base: str, part: Part) -> bytes:
    page = browser.page()
    page.goto(base + part.url)
    if part.url.startswith("chains/"):
        page.wait_for_function(
            "() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered === '1')",
            timeout=60000,
        )
    page.evaluate("() => document.fonts.ready")
    # Comparison tables have a column per attribute: print them on landscape A4.
    data = _print(page, part.title, landscape=part.key.startswith("compare-"))
    page.context.close()
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", type=Path, required=True, help="a built site (mkdocs build)")
    ap.add_argument("--out", type=Path, default=None, help="default: SITE/downloads")
    args = ap.parse_args(argv)
    out = args.out or args.site / "downloads"
    out.mkdir(parents=True, exist_ok=True)
    book = load_rulebook(ROOT)
    t0 = time.perf_counter()
    browser = Browser()
    rendered: list[tuple[Part, bytes]] = []
    with serve(args.site) as base:
        for part in parts(book):
            data = print_part(browser, base, part)
            rendered.append((part, data))
            if part.group == "各市工作规则":
                (out / f"{part.key}.pdf").write_bytes(data)

        # The cover's length decides where the parts start: lay it out until that is stable.
        lengths = [len(PdfReader(io.BytesIO(d)).pages) for _, d in rendered]
        cover_pages, cover = 1, b""
        for _ in range(3):
            starts, page_no = [], cover_pages + 1
            for (part, _), n in zip(rendered, lengths, strict=True):
                starts.append((part, page_no))
                page_no += n
            page = browser.page()
            page.set_content(cover_html(book, starts, dt.date.today().isoformat()))
            page.evaluate("() => document.fonts.ready")
            cover = page.pdf(format="A4", print_background=True, tagged=True)
            page.context.close()
            n_cover = len(PdfReader(io.BytesIO(cover)).pages)
            if n_cover == cover_pages:
                break
            cover_pages = n_cover

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(cover)), outline_item="封面与目录", import_outline=False)
    for part, data in rendered:
        # One outline entry per part, with the part's own headings (chapters …) nested under it.
        writer.append(PdfReader(io.BytesIO(data)), outline_item=part.title, import_outline=True)
    writer.add_metadata({"/Title": "市政府工作规则汇编", "/Subject": "各市人民政府工作规则全文、比较与审批流程"})
    with open(out / "rulebook.pdf", "wb") as f:
        writer.write(f)
    browser.close()
    seconds = time.perf_counter() - t0
    print(
        f"wrote {out / 'rulebook.pdf'} ({len(writer.pages)} pages) and {len(book.cities)} city PDFs in {seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
