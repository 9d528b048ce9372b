"""Open data: the downloadable files (JSON, CSV, JSON Schema), generated from rules_data/ at build time.

Every JSON file has a schema generated from the pydantic models below; every CSV is UTF-8 with a
BOM so spreadsheet programs open the Chinese text correctly.

Every cell of a CSV or a workbook is data, never a formula (OWASP, CSV injection): in a CSV every text
field is quoted and one that starts with `= + - @`, a tab or a CR gets a leading `'`; in a workbook
such text is a string cell with Excel's quote prefix (shown as written, kept as text when edited).
Numbers stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel

from rulebook.analysis import align
from rulebook.analysis.clauses import calibration
from rulebook.data.load import Rulebook
from rulebook.model.numerals import article_number
from rulebook.model.schema import Adoption, Cell, CellStatus, City, Reference, Superseded, Truncation
from rulebook.views import citations
from rulebook.views.article_grid import groups
from rulebook.views.links import city_path, topic_downloads
from rulebook.views.topics import cell_citations, topic

# download_files' cache of files (workbooks, comparisons): (file name, the data it is made from, make it) -> its bytes
Memo = Callable[[str, object, Callable[[], bytes]], bytes]


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleRow(_Row):
    city: str
    city_name: str
    chapter: str | None
    n: int
    label: str
    number: str
    text: str
    topics: list[str]
    url: str


class CityRecord(_Row):
    id: str
    name: str
    title: str
    issuer: str
    province: str
    level: str
    doc_number: str | None
    adopted: Adoption
    issued: str | None
    status: str
    status_note: str | None
    status_as_of: str | None  # the date the status was last checked; None: never recorded
    supersedes: list[Superseded]
    references: list[Reference]
    source_file: str
    source_sha256: str
    captured_from: str
    complete: bool
    truncation: Truncation | None
    chapters: int
    articles: int
    corrections: int
    url: str


class QuoteRef(_Row):
    article: int
    quote: str


class ComparisonRow(_Row):
    topic: str
    attribute: str
    attribute_label: str
    city: str
    city_name: str
    status: str
    value: str | None
    number: float | None
    unit: str | None
    article: int | None
    article_label: str | None
    quote: str | None
    more: list[QuoteRef]
    note: str | None
    url: str | None
    machine_suggestion: bool
    score: float | None


class AttributeRecord(_Row):
    topic: str
    id: str
    label: str
    description: str
    unit: str | None


class ComparisonsFile(_Row):
    attributes: list[AttributeRecord]
    rows: list[ComparisonRow]


class Counterpart(_Row):
    """An article of another city holding a counterpart of one of this article's clauses."""

    city: str
    n: int
    score: float = Field(description="calibrated probability that the two are the same provision (0–1)")
    level: Literal["对应", "相关"] = Field(description="对应: the same provision; 相关: same topic, another matter")
    clauses: list[list[int]] = Field(
        description="[i, j] pairs: clause i of this article matched clause j of that one (from 0)"
    )


class NoCounterpart(_Row):
    city: str
    reason: Literal["无对应", "原文缺失"] = Field(
        description="无对应: the city has no such provision; 原文缺失: its text is cut before where it would be"
    )


class AlignmentRecord(_Row):
    """One article: every other city appears in `counterparts` or in `none` (machine-computed,
    rulebook/analysis/align.py; a corpus above 60 cities lists only the cities it compared)."""

    city: str
    n: int
    counterparts: list[Counterpart]
    none: list[NoCounterpart]


class AlignmentFile(_Row):
    method: str
    calibration: str
    rows: list[AlignmentRecord]


ArticlesFile = RootModel[list[ArticleRow]]
CitiesFile = RootModel[list[CityRecord]]

JSON_FILES: dict[str, type[BaseModel]] = {
    "articles.json": ArticlesFile,
    "cities.json": CitiesFile,
    "comparisons.json": ComparisonsFile,
    "alignment.json": AlignmentFile,
}
DESCRIPTIONS = {
    "articles.json": "全部条文：城市、章、序号、原文编号、正文（校勘后）、主题、链接",
    "articles.csv": "同上，CSV（UTF-8 带 BOM，可直接用 Excel 打开）",
    "cities.json": "各市文件信息：标题、制定机关、文号、日期、时效性、来源与 SHA-256、完整性",
    "comparisons.json": "比较数据：每个“指标 × 城市”一行，含值、数值、单位、条文、引文、状态",
    "comparisons.csv": "同上，CSV",
    "corrections.csv": "校勘记：每处改动的位置、类型、原文、校正后、说明",
    "alignment.json": (
        "条文对齐（机器计算）：每条在其他各市的对应（同一规定）与相关条文、匹配的句子，及无对应/原文缺失的城市"
    ),
    "alignment.csv": "条文对齐（机器计算）的表格形式：每行一条与一个他市（对应、相关、无对应或原文缺失）",
}


Matches = align.Alignment


def alignment_file(book: Rulebook, matches: Matches) -> AlignmentFile:
    """The alignment layer for researchers: every article with its counterparts and the cities without one,
    in reading order."""
    return _alignment_frame([r for c in book.ordered_cities() for r in alignment_records(matches, c)])


def _alignment_frame(rows: list[AlignmentRecord]) -> AlignmentFile:
    cal = calibration()
    return AlignmentFile.model_construct(
        method="逐句比对：TF-IDF（字 2–3 元组 + jieba 词，剔除多数句子共有的套语）候选，rapidfuzz 逐字复用核验，"
        "文档顺序与第三市一致性为证据；逻辑回归给出同一规定的概率",
        calibration=f"对应：概率 ≥ {cal.same:.3f}；相关：同主题概率 ≥ {cal.related:.3f}（{cal.fitted_on}）",
        rows=rows,
    )


def alignment_records(matches: Matches, c: City) -> list[AlignmentRecord]:
    """One city's rows of alignment.json, in reading order."""
    none = getattr(matches, "none", {})
    # model_construct: the rows are made from typed data (validated cities, align.Match), and
    # validating 660k counterparts was a seventh of the downloads at 1,000 cities
    return [
        AlignmentRecord.model_construct(
            city=c.id,
            n=a.n,
            counterparts=[
                Counterpart.model_construct(
                    city=m.city, n=m.n, score=m.score, level=m.level, clauses=[list(p) for p in m.clauses]
                )
                for m in matches.get((c.id, a.n), [])
            ],
            none=[
                NoCounterpart.model_construct(city=other, reason=reason)
                for other, reason in sorted(none.get((c.id, a.n), {}).items())
            ],
        )
        for a in c.articles()
    ]


def alignment_rows(file: AlignmentFile | list[AlignmentRecord]) -> list[dict[str, object]]:
    """alignment.csv: one row per (article, other city, counterpart), and one per city without one."""
    out: list[dict[str, object]] = []
    for r in file.rows if isinstance(file, AlignmentFile) else file:
        for m in r.counterparts:
            clauses = ";".join(f"{i}-{j}" for i, j in m.clauses)
            out.append(
                {
                    "city": r.city,
                    "n": r.n,
                    "other_city": m.city,
                    "other_n": m.n,
                    "level": m.level,
                    "score": m.score,
                    "clauses": clauses,
                }
            )
        for x in r.none:
            out.append(
                {
                    "city": r.city,
                    "n": r.n,
                    "other_city": x.city,
                    "other_n": "",
                    "level": x.reason,
                    "score": "",
                    "clauses": "",
                }
            )
    return out


ALIGNMENT_CSV_FIELDS = ["city", "n", "other_city", "other_n", "level", "score", "clauses"]


def comparison_rows(book: Rulebook, base_url: str = "") -> list[dict[str, object]]:
    """One row per attribute × city: the downloadable form of every comparison cell."""
    rows = []
    for topic_id, facts in book.facts.items():
        for attr in facts.attributes:
            for c in book.ordered_cities():
                cell = attr.cells[c.id]
                art = c.article(cell.article) if cell.article else None
                rows.append(
                    {
                        "topic": topic_id,
                        "attribute": attr.id,
                        "attribute_label": attr.label,
                        "city": c.id,
                        "city_name": c.name,
                        "status": cell.status.value,
                        "value": cell.value,
                        "number": cell.number,
                        "unit": attr.unit if cell.number is not None else None,
                        "article": cell.article,
                        "article_label": art.label if art else None,
                        "quote": cell.quote,
                        "more": [q.model_dump() for q in cell.more],
                        "note": cell.note,
                        "url": base_url + city_path(c.id, cell.article) if cell.article else None,
                        # 待核: a machine candidate, not a fact; flagged so no download reads it as 有规定
                        "machine_suggestion": cell.status == CellStatus.suggested,
                        "score": cell.score,
                    }
                )
    return rows


def article_rows(book: Rulebook) -> list[ArticleRow]:
    return [r for c in book.ordered_cities() for r in _city_article_rows(book, c)]


def _city_article_rows(book: Rulebook, c: City) -> list[ArticleRow]:
    rows = []
    for ch in c.chapters:
        chapter = ch.heading() or None
        for a in ch.articles:
            rows.append(
                ArticleRow(
                    city=c.id,
                    city_name=c.name,
                    chapter=chapter,
                    n=a.n,
                    label=a.label,
                    number=article_number(a),
                    text=a.text(),
                    topics=book.topics_of(c.id, a.n),
                    url=city_path(c.id, a.n),
                )
            )
    return rows


def city_records(book: Rulebook) -> list[CityRecord]:
    return [_city_record(c) for c in book.ordered_cities()]


def _city_record(c: City) -> CityRecord:
    return CityRecord(
        id=c.id,
        name=c.name,
        title=c.title,
        issuer=c.issuer,
        province=c.province,
        level=c.level.value,
        doc_number=c.doc_number,
        adopted=c.adopted,
        issued=c.issued,
        status=c.status.value,
        status_note=c.status_note,
        status_as_of=c.status_as_of,
        supersedes=c.supersedes,
        references=c.references,
        source_file=f"rules_data/sources/{c.source.file}",
        source_sha256=c.source.sha256,
        captured_from=c.source.captured_from,
        complete=c.complete,
        truncation=c.truncation,
        chapters=len([ch for ch in c.chapters if ch.label]),
        articles=len(c.articles()),
        corrections=len(c.corrections),
        url=city_path(c.id),
    )


# What makes a spreadsheet program read a cell as a formula (OWASP, CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_field(value: object) -> object:
    """A CSV field that is data, never a formula: text starting with a formula character gets a
    leading `'` (OWASP); numbers stay numbers, None is empty. The writer quotes every text field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _writer(buf: io.StringIO) -> csv.writer:  # type: ignore[valid-type]
    # QUOTE_NONNUMERIC: every text field in quotes, numbers bare (OWASP: quote each field)
    return csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)


def _csv(fields: list[str], rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    w = _writer(buf)
    w.writerow(fields)
    for r in rows:
        w.writerow([csv_field(r.get(k)) for k in fields])
    return "\ufeff" + buf.getvalue()


def _json(model: BaseModel) -> str:
    # pydantic writes the JSON itself: the same text as json.dumps(model_dump(), ensure_ascii=False,
    # indent=1) (checked), without a dict copy of the whole file (at 1,000 cities the downloads' peak
    # memory was about 900 MB above the rest of the build).
    return model.model_dump_json(indent=1) + "\n"


def download_files(
    book: Rulebook, matches: Matches, base_url: str | None = None, memo: Memo | None = None
) -> dict[str, str | bytes]:
    """Every file of the data/ download page, by path under data/ (`base_url`: mkdocs.yml site_url).

    `memo(name, data, make)`: the workbook `name` made from `data` (a cache returns the bytes it kept for
    equal data; writing workbooks is most of this function); None makes every one. `matches`: the
    build's alignment (alignment.json, the 逐条对照 workbooks)."""
    return dict(iter_download_files(book, matches, base_url, memo))


def iter_download_files(
    book: Rulebook, matches: Matches, base_url: str | None = None, memo: Memo | None = None
) -> Iterator[tuple[str, str | bytes]]:
    """download_files() one file at a time, each made only when asked for, so a caller that writes
    each file before asking for the next holds one in memory (at 3,000 cities the whole-corpus files
    are hundreds of MB each)."""
    for name, content in iter_download_parts(book, matches, base_url, memo):
        yield name, content if isinstance(content, str | bytes) else "".join(content)


# The whole-corpus files made of one part per city, in reading order: a build keeps each city's parts
# (rulebook/build/site_files.py) and writes these files from them piece by piece, so after one city's
# edit only the parts of the cities whose data or alignment rows changed are made again.
CITY_FILES = ("articles.json", "articles.csv", "cities.json", "corrections.csv", "alignment.json", "alignment.csv")
ARTICLE_FIELDS = list(ArticleRow.model_fields)
CORRECTION_FIELDS = ["city", "where", "kind", "before", "after", "reason"]
_CSV_FIELDS = {
    "articles.csv": ARTICLE_FIELDS,
    "corrections.csv": CORRECTION_FIELDS,
    "alignment.csv": ALIGNMENT_CSV_FIELDS,
}
# Parts: (city) -> its part of a CITY_FILES file, by name
Parts = Callable[[str], Iterable[str]]


def city_parts(book: Rulebook, matches: Matches, c: City) -> dict[str, str]:
    """One city's part of each CITY_FILES file: its rows as that file holds them (JSON items indented as
    in the whole file, joined by ",\\n"; CSV lines without the header), "" when it has none."""
    rows = _city_article_rows(book, c)
    records = alignment_records(matches, c)
    return {name: city_part(book, matches, c, name, rows, records) for name in CITY_FILES}


def city_part(
    book: Rulebook,
    matches: Matches,
    c: City,
    name: str,
    rows: list[ArticleRow] | None = None,
    records: list[AlignmentRecord] | None = None,
) -> str:
    """One city's part of the CITY_FILES file `name` (city_parts; `rows`, `records`: its article rows and
    alignment records when the caller has them)."""
    if name.startswith("articles."):
        rows = _city_article_rows(book, c) if rows is None else rows
        if name == "articles.json":
            return _json_items(rows, 1)
        return _csv_lines(ARTICLE_FIELDS, [{**r.model_dump(), "topics": "；".join(r.topics)} for r in rows])
    if name == "cities.json":
        return _json_items([_city_record(c)], 1)
    if name == "corrections.csv":
        return _csv_lines(CORRECTION_FIELDS, _corrections(c))
    records = alignment_records(matches, c) if records is None else records
    if name == "alignment.json":
        return _json_items(records, 2)
    return _csv_lines(ALIGNMENT_CSV_FIELDS, alignment_rows(records))


def _corrections(c: City) -> list[dict[str, object]]:
    return [
        {"city": c.id, "where": x.where, "kind": x.kind.value, "before": x.before, "after": x.after, "reason": x.reason}
        for x in c.corrections
    ]


def _json_items(models: Iterable[BaseModel], depth: int) -> str:
    """Items of a JSON array `depth` levels deep, as _json() writes them (strings hold no raw newline)."""
    pad = " " * depth
    return ",\n".join(pad + m.model_dump_json(indent=1).replace("\n", "\n" + pad) for m in models)


def _csv_lines(fields: list[str], rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    w = _writer(buf)
    for r in rows:
        w.writerow([csv_field(r.get(k)) for k in fields])
    return buf.getvalue()


def assembled(name: str, parts: Iterable[str]) -> Iterator[str]:
    """A CITY_FILES file, piece by piece, from its city parts in reading order: the same text as the
    whole file made at once (tests/test_exports.py)."""
    if name in _CSV_FIELDS:
        yield _csv(_CSV_FIELDS[name], [])
        yield from parts
        return
    # the file with no rows, cut at its empty list: what comes before the rows and after them
    empty = _json(_alignment_frame([])) if name == "alignment.json" else "[]\n"
    at = empty.rindex("[]") + 1
    head, closing = empty[:at] + "\n", "\n" + (" " if name == "alignment.json" else "") + empty[at:]
    first = True
    for part in parts:
        if part:
            yield (head if first else ",\n") + part
            first = False
    yield empty if first else closing


def iter_download_parts(
    book: Rulebook, matches: Matches, base_url: str | None = None, memo: Memo | None = None, parts: Parts | None = None
) -> Iterator[tuple[str, str | bytes | Iterator[str]]]:
    """iter_download_files(), the CITY_FILES files given as their pieces (assembled()), the cities'
    parts from `parts` (a cache of them) or made here."""
    keep = memo or (lambda name, data, make: make())
    if parts is None:
        parts = lambda name: (city_part(book, matches, c, name) for c in book.ordered_cities())  # noqa: E731
    for name in ("articles.json", "articles.csv", "cities.json"):
        yield name, assembled(name, parts(name))
    # comparisons.json/.csv are made from the comparison data and the cities' names and article labels
    # only (comparison_rows): kept by those (`memo`), so an edit of a city's text does not make them again
    made: list[ComparisonsFile] = []

    def comparisons() -> ComparisonsFile:
        if not made:
            made.append(_comparisons_file(book))
        return made[0]

    inputs = (
        None
        if memo is None
        else (
            [f.model_dump_json() for f in book.facts.values()],
            [(c.id, c.name, [(a.n, a.label) for a in c.articles()]) for c in book.ordered_cities()],
        )
    )
    if memo is None:
        yield "comparisons.json", _json(comparisons())
        yield "comparisons.csv", _comparisons_csv(comparisons())
    else:
        yield "comparisons.json", memo("comparisons.json", inputs, lambda: _json(comparisons()).encode())
        yield "comparisons.csv", memo("comparisons.csv", inputs, lambda: _comparisons_csv(comparisons()).encode())
    made.clear()  # not held while the rest is made
    for name in ("corrections.csv", "alignment.json", "alignment.csv"):
        yield name, assembled(name, parts(name))
    for name, model in JSON_FILES.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{name} — 市政府工作规则汇编"
        yield f"schema/{name.removesuffix('.json')}.schema.json", json.dumps(schema, ensure_ascii=False, indent=1)
    for t in book.topics():
        if t.id not in book.facts:
            continue
        sheet = topic_sheet(book, t.id, base_url)
        paths = topic_downloads(t.id)
        yield paths["xlsx"], keep(paths["xlsx"], sheet, lambda sheet=sheet: sheet_xlsx(sheet))
        yield paths["csv"], sheet_csv(sheet)
        yield paths["quotes"], quotes_csv(sheet)
        table = concordance_table(book, matches, t.id, base_url)
        yield paths["concordance"], keep(paths["concordance"], table, lambda table=table: concordance_workbook(table))
        yield f"schema/topics/{t.id}.schema.json", json.dumps(sheet_schema(sheet), ensure_ascii=False, indent=1)


def _comparisons_file(book: Rulebook) -> ComparisonsFile:
    return ComparisonsFile.model_validate(
        {
            "attributes": [
                {"topic": tid, "id": a.id, "label": a.label, "description": a.description, "unit": a.unit}
                for tid, f in book.facts.items()
                for a in f.attributes
            ],
            "rows": comparison_rows(book),
        }
    )


def _comparisons_csv(comparisons: ComparisonsFile) -> str:
    return _csv(
        list(ComparisonRow.model_fields),
        [{**r.model_dump(), "more": "；".join(f"{q.article}:{q.quote}" for q in r.more)} for r in comparisons.rows],
    )


def _describe(name: str) -> str:
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    if name.startswith("schema/topics/"):
        return "JSON Schema：该主题 CSV 宽表的一行"
    if name.startswith("schema/"):
        return "JSON Schema（由数据模型生成）"
    if name.endswith("-quotes.csv"):
        return "该主题的逐字引文与说明：每条引文一行（城市、指标、条文、引文、链接）"
    if name.endswith("-concordance.xlsx"):
        return "该主题逐条对照（Excel）：每行为各市规定同一事项的条文（机器对齐，待核），第二个工作表为各市文件出处"
    if name.endswith(".xlsx"):
        return "该主题比较表（Excel）：城市为行、指标为列，冻结表头和城市列，数值列为数字；第二个工作表为引文"
    if name.endswith(".csv"):
        return "该主题比较表（CSV 宽表）：城市为行、指标为列，值后注明条文"
    return ""


def listing(files: Mapping[str, str | bytes | Path], topics: dict[str, str] | None = None) -> list[dict[str, object]]:
    """Name, description, size and SHA-256 of each download (what the data page shows); a value is
    the file's content or the path of a file holding it."""
    out = []
    for name, text in files.items():
        if isinstance(text, Path):
            with text.open("rb") as f:
                digest, size = hashlib.file_digest(f, "sha256").hexdigest(), text.stat().st_size
        else:
            data = text.encode("utf-8") if isinstance(text, str) else text
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        topic = name.removeprefix("topics/").split(".")[0].removesuffix("-quotes") if name.startswith("topics/") else ""
        out.append(
            {
                "name": name,
                "description": (f"{topics[topic]}：" if topics and topic in topics else "") + _describe(name),
                "topic": topic,
                "bytes": size,
                "sha256": digest,
            }
        )
    return out


# Per-topic spreadsheets: a wide table (cities as rows, attributes as columns) for people who open
# the data in Excel/WPS, not in code. Headers are Chinese; links are absolute when site_url is set.

CITY_HEADERS = ["城市", "省份", "文件"]
NUMBER = "·数值"  # the header suffix of an attribute's number column (then its unit: ·数值（次/年）)
SheetValue = str | int | float  # a cell of a wide table: text, or a number (the ·数值 columns)
QUOTE_HEADERS = ["城市", "指标", "状态", "条文", "引文", "说明", "链接"]


@dataclass
class TopicSheet:
    """One topic's comparison as a wide table, plus its quotes (a row per quote or per explained gap)."""

    topic: str
    title: str
    headers: list[str]
    rows: list[list[SheetValue]]
    links: list[list[str | None]]  # per row and column: the URL a spreadsheet cell links to, if any
    quote_rows: list[list[str]]


def article_url(base_url: str | None, city: str, n: int) -> str:
    """An article's address: absolute under site_url, else relative to the site root."""
    base = (base_url or "").rstrip("/")
    return f"{base}/{city_path(city, n)}" if base else city_path(city, n)


def _cell_text(cell: Cell, labels: list[str]) -> str:
    if cell.status == CellStatus.suggested:  # a machine candidate: never shown like a value
        return "机器建议，待核"
    if cell.status != CellStatus.value:
        return cell.status.value
    return f"{cell.value}（{'、'.join(labels)}）"


def _number(value: float | None) -> SheetValue:
    """A ·数值 cell: an int when whole (12, not 12.0), else the float; empty when unknown."""
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value


def topic_sheet(book: Rulebook, topic_id: str, base_url: str | None = None) -> TopicSheet:
    """The wide table of one topic with comparison facts (KeyError for a topic without them)."""
    facts = book.facts[topic_id]
    headers = list(CITY_HEADERS)
    for a in facts.attributes:
        headers.append(f"{a.label}（{a.unit}）" if a.unit else a.label)
        if a.unit:
            headers.append(f"{a.label}{NUMBER}（{a.unit}）")
        headers.append(f"{a.label}·条文链接")
    rows, links, quotes = [], [], []
    for c in book.ordered_cities():
        row: list[SheetValue] = [c.name, c.province, f"《{c.title}》" + (f"（{c.doc_number}）" if c.doc_number else "")]
        link: list[str | None] = [article_url(base_url, c.id, 1).split("#")[0], None, None]
        for a in facts.attributes:
            cell = a.cells[c.id]
            cites = cell_citations(cell)
            labels = [article_number(c.article(n)) for n, _ in cites]
            urls = [article_url(base_url, c.id, n) for n, _ in cites]
            row.append(_cell_text(cell, labels))
            link.append(urls[0] if urls else None)
            if a.unit:
                row.append(_number(cell.number))
                link.append(None)
            row.append(" ".join(urls))
            link.append(urls[0] if urls else None)
            for q in cell.quotes():
                url = article_url(base_url, c.id, q.article)
                quotes.append(
                    [
                        c.name,
                        a.label,
                        cell.status.value,
                        article_number(c.article(q.article)),
                        q.quote,
                        cell.note or "",
                        url,
                    ]
                )
            if cell.status != CellStatus.value and cell.note:
                quotes.append([c.name, a.label, cell.status.value, "", "", cell.note, ""])
        rows.append(row)
        links.append(link)
    return TopicSheet(topic_id, topic(book, topic_id).label, headers, rows, links, quotes)


def _csv_rows(headers: list[str], rows: list[list[SheetValue]]) -> str:
    buf = io.StringIO()
    w = _writer(buf)
    w.writerow([csv_field(h) for h in headers])
    w.writerows([csv_field(v) for v in row] for row in rows)
    return "\ufeff" + buf.getvalue()


def _as_data(cells: Iterable[object]) -> None:
    """Workbook cells whose text starts with a formula character become string cells with Excel's
    quote prefix (openpyxl makes any text starting with `=` a formula)."""
    for cell in cells:
        value = cell.value  # type: ignore[attr-defined]
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # type: ignore[attr-defined]
            cell.quotePrefix = True  # type: ignore[attr-defined]


def sheet_csv(sheet: TopicSheet) -> str:
    return _csv_rows(sheet.headers, sheet.rows)


def quotes_csv(sheet: TopicSheet) -> str:
    return _csv_rows(QUOTE_HEADERS, sheet.quote_rows)


_FIXED_TIME = dt.datetime(2000, 1, 1)


def sheet_xlsx(sheet: TopicSheet) -> bytes:
    """The .xlsx: sheet 比较 (header row and city column frozen, cells linked to their articles) and
    sheet 引文. Byte-for-byte reproducible (fixed timestamps), so its SHA-256 changes only with the data."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "比较"
    ws.append(sheet.headers)
    link_font = Font(color="0563C1", underline="single")
    number_columns = [col for col, h in enumerate(sheet.headers, start=1) if NUMBER in h]
    for row, links in zip(sheet.rows, sheet.links, strict=True):
        ws.append(row)
        for col in number_columns:  # a number format: whole numbers as 12, fractions as 0.5
            cell = ws.cell(row=ws.max_row, column=col)
            if isinstance(cell.value, int | float):
                cell.number_format = "0" if isinstance(cell.value, int) else "0.0##"
        for col, url in enumerate(links, start=1):
            if url and "://" in url:  # a relative path is no use as a spreadsheet hyperlink
                cell = ws.cell(row=ws.max_row, column=col)
                cell.hyperlink = url
                cell.font = link_font
    ws.freeze_panes = "B2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, header in enumerate(sheet.headers, start=1):
        letter = ws.cell(row=1, column=col).column_letter
        ws.column_dimensions[letter].width = 40 if header.endswith("链接") else 24 if col > 1 else 10
    wrap = Alignment(wrap_text=True, vertical="top")  # one object: openpyxl hashes each style it is given
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.alignment = wrap
    qs = wb.create_sheet("引文")
    qs.append(QUOTE_HEADERS)
    for row in sheet.quote_rows:
        qs.append(row)
        if row[-1] and "://" in row[-1]:
            qs.cell(row=qs.max_row, column=len(row)).hyperlink = row[-1]
    qs.freeze_panes = "B2"
    for cell in qs[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFG", (10, 20, 10, 12, 60, 40, 40), strict=True):
        qs.column_dimensions[letter].width = width
    wb.properties.title = f"{sheet.title}：各市比较"
    return _save(wb)


@dataclass
class ConcordanceTable:
    """A topic's 逐条对照 as the spreadsheet's data: what concordance_workbook writes, nothing else."""

    title: str
    cities: list[str]  # names, in reading order: the header row after 组
    # per row (组 i + 1), the cells that hold an article: column index into `cities` -> (text, URL). Sparse: a
    # row holds a few cities of a national corpus, and every empty cell made the sheet grow with the square
    # of the number of cities.
    rows: list[dict[int, tuple[str, str | None]]]
    sources: list[list[str]]  # sheet 出处: a row per city


def concordance_table(book: Rulebook, matches: Matches, topic_id: str, base_url: str | None = None) -> ConcordanceTable:
    """The data of concordance_xlsx (kept apart so a build remakes the workbook only when it changes)."""
    cities = book.ordered_cities()
    column = {c.id: i for i, c in enumerate(cities)}
    rows: list[dict[int, tuple[str, str | None]]] = []
    for row in groups(book, topic_id, matches):
        cells = {}
        for slug, n in sorted(row.items(), key=lambda kv: column[kv[0]]):
            art = book.cities[slug].article(n)
            cells[column[slug]] = (f"{article_number(art)}\n{art.text()}", article_url(base_url, slug, n))
        rows.append(cells)
    sources = [[c.name, c.title, c.doc_number or "（文号不详）", citations.short(c)] for c in cities]
    return ConcordanceTable(f"{topic(book, topic_id).label}：逐条对照", [c.name for c in cities], rows, sources)


def concordance_xlsx(book: Rulebook, matches: Matches, topic_id: str, base_url: str | None = None) -> bytes:
    """A topic's 逐条对照 for a drafting group: sheet 逐条对照 (a row per provision, a column per city, each
    cell the article's label and text, linked when the site's address is known), sheet 出处 (each city's
    document and its citation) and 说明 (the rows are machine alignment, not curated facts)."""
    return concordance_workbook(concordance_table(book, matches, topic_id, base_url))


def concordance_workbook(table: ConcordanceTable) -> bytes:
    """concordance_xlsx's workbook from its data. Byte-for-byte reproducible (fixed timestamps)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "逐条对照"
    ws.append(["组", *table.cities])
    wrap = Alignment(wrap_text=True, vertical="top")  # one object: openpyxl hashes each style it is given
    for i, cells in enumerate(table.rows, start=2):  # only the cells that hold an article are written
        ws.cell(row=i, column=1, value=i - 1).alignment = wrap
        for col, (text, url) in cells.items():
            cell = ws.cell(row=i, column=col + 2, value=text)
            cell.alignment = wrap
            if url and "://" in url:
                cell.hyperlink = url
    ws.freeze_panes = "B2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 6
    for col in range(2, len(table.cities) + 2):
        ws.column_dimensions[get_column_letter(col)].width = 48
    src = wb.create_sheet("出处")
    src.append(["城市", "文件", "文号", "引用（简式）"])
    for row in table.sources:
        src.append(row)
    for cell in src[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (10, 30, 22, 50), strict=True):
        src.column_dimensions[letter].width = width
    note = wb.create_sheet("说明")
    note.append(
        [
            "各行的对应关系由机器按文字相似度与条文顺序计算（机器建议，待核），不是经核对的结论；经核对的结论见本主题比较表。"
        ]
    )
    note.append(["来源：市政府工作规则汇编；各条文字为校勘后的文本，改动见各市页面的校勘记。"])
    wb.properties.title = table.title
    return _save(wb)


def _save(wb: object) -> bytes:
    """A workbook's bytes: every text cell data (_as_data), reproducible (fixed timestamps)."""
    for ws in wb.worksheets:  # type: ignore[attr-defined]
        _as_data(ws._cells.values())  # the cells written (iter_rows would make every empty one of the grid)
    wb.properties.creator = "市政府工作规则汇编"  # type: ignore[attr-defined]
    wb.properties.created = wb.properties.modified = _FIXED_TIME  # type: ignore[attr-defined]
    buf = io.BytesIO()
    wb.save(buf)  # type: ignore[attr-defined]
    return _reproducible_zip(buf.getvalue())


def _reproducible_zip(data: bytes) -> bytes:
    """openpyxl stamps the save time into docProps/core.xml and every zip entry: fix both."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def sheet_schema(sheet: TopicSheet) -> dict[str, object]:
    """JSON Schema of one row of a topic's wide CSV (read as a header → text mapping)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"topics/{sheet.topic}.csv 的一行 — {sheet.title}",
        "type": "object",
        "additionalProperties": False,
        "required": sheet.headers,
        "properties": {
            h: {"type": "string", **({"minLength": 1} if i < 1 else {})} for i, h in enumerate(sheet.headers)
        },
    }
