"""Print the rulebook to PDF with Debian's Chromium: downloads/rulebook.pdf and one PDF per city.

Usage: python scripts/pdf.py --site SITE_DIR [--out DIR]   (default out: SITE_DIR/downloads)

Each part (a city's full text, the comparison pages, the chart pages) is printed from the built site
by Chromium — so charts and tables print as on screen — with the print stylesheet, A4 and an
outline from its headings. The parts are merged under a generated cover and 目录 with pypdf, keeping
every outline; then one page sequence is stamped over the whole book (Chromium's own footer counts
per print): a running header (the part and, for a city, the chapter the page starts in, taken from the
part's outline) and "第 N 页，共 M 页", printed by Chromium as overlay pages. The 目录's entries become
internal links to their pages. A city's own PDF keeps Chromium's header and footer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject

from rulebook.build.printing import (
    FOOTER_TEMPLATE,
    PAGE_LINK,
    Part,
    Stamp,
    cover_html,
    header_template,
    overlay_html,
    parts,
)
from rulebook.data.load import load_rulebook
from rulebook.devtools.browser import Browser, serve

ROOT = Path(__file__).resolve().parent.parent

MARGIN = {"top": "18mm", "bottom": "16mm", "left": "14mm", "right": "14mm"}


def _print(page, title: str, landscape: bool = False, stamped: bool = True) -> bytes:  # noqa: ANN001
    page.emulate_media(media="print")
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.pdf(
        format="A4",
        landscape=landscape,
        print_background=True,
        display_header_footer=stamped,
        header_template=header_template(title),
        footer_template=FOOTER_TEMPLATE,
        margin=MARGIN,
        outline=True,
        tagged=True,
    )


def print_part(browser: Browser, base: str, part: Part, stamped: bool = True) -> bytes:
    page = browser.page()
    page.goto(base + part.url)
    if part.url.startswith("chains/"):
        page.wait_for_function(
            "() => [...document.querySelectorAll('.rb-chart')].every(e => e.dataset.rendered === '1')",
            timeout=60000,
        )
    page.evaluate("() => document.fonts.ready")
    # Comparison tables have a column per attribute: print them on landscape A4.
    data = _print(page, part.title, landscape=part.key.startswith("compare-"), stamped=stamped)
    page.context.close()
    return data


def _headers(part: Part, reader: PdfReader) -> list[str]:
    """The running header of each page of a part: its title and, for a city, a chapter (from the
    part's outline: the headings one level below the part's own title)."""
    marks: list[tuple[int, str]] = []

    def walk(items: list, depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            elif depth == 1 and part.group == "各市工作规则":  # chapters (articles are deeper)
                marks.append((reader.get_destination_page_number(item), item.title.strip()))

    walk(reader.outline, 0)
    out = []
    for i in range(len(reader.pages)):
        # a book's habit: the first chapter that starts on the page, else the one still running
        starts = [t for p, t in marks if p == i]
        here = starts[:1] or [t for p, t in marks if p < i][-1:]
        out.append(f"{part.title} · {here[0]}" if here else part.title)
    return out


def _stamp(browser: Browser, writer: PdfWriter, stamps: list[Stamp]) -> None:
    """Lay the running header and the book's page number over every page."""
    overlays = {}
    for landscape in (False, True):
        if not any(s.landscape == landscape for s in stamps):
            continue
        page = browser.page()
        page.set_content(overlay_html(stamps, landscape))
        page.evaluate("() => document.fonts.ready")
        data = page.pdf(format="A4", landscape=landscape, margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
        page.context.close()
        overlays[landscape] = iter(PdfReader(io.BytesIO(data)).pages)
    for target, stamp in zip(writer.pages, stamps, strict=True):
        target.merge_page(next(overlays[stamp.landscape]))


def _toc_links(writer: PdfWriter, cover_pages: int) -> int:
    """Turn the cover's placeholder links (PAGE_LINK + n) into internal links to page n."""
    done = 0
    for page in writer.pages[:cover_pages]:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            uri = annot.get("/A", {}).get("/URI", "")
            if isinstance(uri, str) and uri.startswith(PAGE_LINK):
                target = writer.pages[int(uri.removeprefix(PAGE_LINK)) - 1]
                annot[NameObject("/A")] = DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/GoTo"),
                        NameObject("/D"): ArrayObject([target.indirect_reference, NameObject("/Fit")]),
                    }
                )
                done += 1
    return done


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
            data = print_part(browser, base, part, stamped=False)
            rendered.append((part, data))
            if part.group == "各市工作规则":  # a city's own PDF, numbered on its own
                (out / f"{part.key}.pdf").write_bytes(print_part(browser, base, part))

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
        stamps = [Stamp("", False) for _ in range(cover_pages)]
        for part, data in rendered:
            # One outline entry per part, with the part's own headings (chapters …) nested under it.
            reader = PdfReader(io.BytesIO(data))
            writer.append(reader, outline_item=part.title, import_outline=True)
            stamps += [Stamp(h, part.key.startswith("compare-")) for h in _headers(part, reader)]
        _stamp(browser, writer, stamps)
        _toc_links(writer, cover_pages)
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
