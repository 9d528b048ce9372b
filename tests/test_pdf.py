"""The printed rulebook: A4 PDFs with embedded CJK fonts, known texts, citations and an outline."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import ROOT
from pypdf import PdfReader

from rulebook.build import printing
from rulebook.devtools.linkcheck import check_site

pytestmark = [pytest.mark.build, pytest.mark.browser, pytest.mark.slow]  # scripts/build.py --pdf prints in Chromium


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory):
    """A build with its PDFs, as `scripts/build.py --pdf` makes it: the pages link what is printed."""
    site = tmp_path_factory.mktemp("pdf") / "site"
    subprocess.run([sys.executable, str(ROOT / "scripts/build.py"), "-q", "--pdf", "-d", str(site)], check=True)
    return site


@pytest.fixture(scope="module")
def pdfs(pdf_site):
    return pdf_site / "downloads"


def _text(path) -> str:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", text)


def test_cjk_fonts_are_embedded(pdfs):
    out = subprocess.run(["pdffonts", str(pdfs / "rulebook.pdf")], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows and all(" yes " in r for r in rows), out  # every font embedded
    assert any("WenQuanYi" in r and "CID TrueType" in r for r in rows), out


def test_known_article_texts_and_citations(pdfs):
    text = _text(pdfs / "rulebook.pdf")
    assert "市人民政府常务会议有半数以上常务会议组成人员出席方为有效。" in text
    assert "《株洲市人民政府工作规则》（株政发〔2022〕1号）第四十四条" in text
    assert "审批公文时，对于一般报告性公文，圈阅表示“已阅知”" in text
    city = _text(pdfs / "liyang.pdf")
    assert "部门之间征求意见或会签文件时，一般应当在7个工作日内回复" in city


def test_page_counts_and_size_are_plausible(pdfs, book):
    total = len(PdfReader(pdfs / "rulebook.pdf").pages)
    per_city = {slug: len(PdfReader(pdfs / f"{slug}.pdf").pages) for slug in book.cities}
    assert all(n >= 5 for n in per_city.values()), per_city
    assert sum(per_city.values()) + 20 < total < 600
    info = subprocess.run(["pdfinfo", str(pdfs / "rulebook.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)", info), info


def test_outline_lists_every_city_and_part(pdfs, book):
    top = [item.title for item in PdfReader(pdfs / "rulebook.pdf").outline if not isinstance(item, list)]
    for c in book.cities.values():
        assert c.title in top
    assert "封面与目录" in top and "各市比较" in top and "发文签发流程" in top


def test_running_header_and_page_numbers(pdfs):
    text = subprocess.run(
        ["pdftotext", "-f", "3", "-l", "3", "-enc", "UTF-8", str(pdfs / "rulebook.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "人民政府工作规则" in text.splitlines()[0]
    heads = [p.strip().splitlines()[0] for p in _pages(pdfs / "rulebook.pdf")[3:8]]
    assert any(re.match(r"\S+人民政府工作规则 · 第.+章", h) for h in heads), heads  # the chapter in the header
    assert re.search(r"第 3 页，共 \d+ 页", text)


def _pages(path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return text.stdout.split("\f")[:-1]


def test_one_page_sequence_matches_the_toc_and_toc_entries_link_to_their_pages(pdfs, book):
    reader = PdfReader(pdfs / "rulebook.pdf")
    pages = _pages(pdfs / "rulebook.pdf")
    total = len(reader.pages)
    assert len(pages) == total
    for n, text in enumerate(pages, start=1):  # one sequence: page n says n of total
        assert f"第 {n} 页，共 {total} 页" in text, n
    toc = "".join(pages[:3])
    toc = toc[toc.index("\n目录") :]
    entries = []
    for part in printing.parts(book):
        m = re.search(re.escape(part.title) + r"\s+(\d+)\b", toc)
        assert m, part.title
        entries.append((part.title, int(m.group(1))))
    for title, page in entries:
        heading = title.removeprefix("比较：").removesuffix("流程")
        body = re.sub(r"\s+", "", pages[page - 1])
        assert re.sub(r"\s+", "", heading) in body, (title, page)
    links = []
    for i in range(3):
        for ref in reader.pages[i].get("/Annots", []):
            action = ref.get_object().get("/A", {})
            if action.get("/S") == "/GoTo":
                links.append(reader.get_page_number(action["/D"][0].get_object()) + 1)
    assert sorted(links) == sorted(p for _, p in entries)


def test_no_web_only_lines_in_print(pdfs):
    text = _text(pdfs / "rulebook.pdf")
    for web in ("打印版", "本市PDF", "点击表头", "下载本主题", "在新标签页打开", "显示城市"):
        assert web not in text, web


def test_site_links_to_the_pdfs(pdfs, pdf_site, book):
    home = (pdf_site / "index.html").read_text(encoding="utf-8")
    assert 'href="downloads/rulebook.pdf"' in home
    for slug in book.cities:
        page = (pdf_site / "cities" / slug / "index.html").read_text(encoding="utf-8")
        assert f'href="../../downloads/{slug}.pdf"' in page
        assert (pdfs / f"{slug}.pdf").stat().st_size > 50_000


def test_the_build_with_pdfs_has_no_dead_link(pdf_site):
    assert check_site(pdf_site) == []
