"""Open data: the downloadable files (JSON, CSV, JSON Schema), generated from rules_data/ at build time.

Every JSON file has a schema generated from the pydantic models below; every CSV is UTF-8 with a
BOM so spreadsheet programs open the Chinese text correctly.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

from pydantic import BaseModel, ConfigDict, RootModel

from . import align
from .compare import comparison_rows
from .data import Rulebook
from .models import Adoption, Reference, Superseded, Truncation
from .render import article_number
from .site import ordered_cities


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
    city: str
    n: int
    score: float


class AlignmentRecord(_Row):
    """One article and its most similar articles in other cities (machine-computed, rulebook/align.py)."""

    city: str
    n: int
    counterparts: list[Counterpart]


class AlignmentFile(_Row):
    method: str
    min_score: float
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
    "alignment.json": "条文对齐（机器计算）：每条在其他各市最相似的条文及相似度（0–1）",
}


def alignment_file(book: Rulebook) -> AlignmentFile:
    """The alignment layer for researchers: every article with its counterparts, in reading order."""
    matches = align.for_book(book)
    return AlignmentFile(
        method="TF-IDF（字 1–3 元组 + jieba 词）余弦相似度；每市取最相似一条，最多 8 条",
        min_score=align.MIN_SCORE,
        rows=[
            AlignmentRecord(
                city=c.id,
                n=a.n,
                counterparts=[Counterpart(city=m.city, n=m.n, score=m.score) for m in matches.get((c.id, a.n), [])],
            )
            for c in ordered_cities(book)
            for a in c.articles()
        ],
    )


def article_rows(book: Rulebook) -> list[ArticleRow]:
    rows = []
    for c in ordered_cities(book):
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
                        url=f"cities/{c.id}/#{a.anchor}",
                    )
                )
    return rows


def city_records(book: Rulebook) -> list[CityRecord]:
    return [
        CityRecord(
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
            url=f"cities/{c.id}/",
        )
        for c in ordered_cities(book)
    ]


def _csv(fields: list[str], rows: list[dict[str, object]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\r\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if r.get(k) is None else r[k] for k in fields})
    return "\ufeff" + buf.getvalue()


def _json(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=1) + "\n"


def download_files(book: Rulebook) -> dict[str, str]:
    """Every file of the data/ download page, by path under data/."""
    articles = article_rows(book)
    comparisons = ComparisonsFile.model_validate(
        {
            "attributes": [
                {"topic": tid, "id": a.id, "label": a.label, "description": a.description, "unit": a.unit}
                for tid, f in book.facts.items()
                for a in f.attributes
            ],
            "rows": comparison_rows(book),
        }
    )
    corrections = [
        {"city": c.id, "where": x.where, "kind": x.kind.value, "before": x.before, "after": x.after, "reason": x.reason}
        for c in ordered_cities(book)
        for x in c.corrections
    ]
    article_fields = list(ArticleRow.model_fields)
    comparison_fields = list(ComparisonRow.model_fields)
    files = {
        "articles.json": _json(ArticlesFile(articles)),
        "articles.csv": _csv(article_fields, [{**r.model_dump(), "topics": "；".join(r.topics)} for r in articles]),
        "cities.json": _json(CitiesFile(city_records(book))),
        "comparisons.json": _json(comparisons),
        "comparisons.csv": _csv(
            comparison_fields,
            [{**r.model_dump(), "more": "；".join(f"{q.article}:{q.quote}" for q in r.more)} for r in comparisons.rows],
        ),
        "corrections.csv": _csv(["city", "where", "kind", "before", "after", "reason"], corrections),
        "alignment.json": _json(alignment_file(book)),
    }
    for name, model in JSON_FILES.items():
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"{name} — 市政府工作规则汇编"
        files[f"schema/{name.removesuffix('.json')}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=1)
    return files


def listing(files: dict[str, str]) -> list[dict[str, object]]:
    """Name, description, size and SHA-256 of each download (what the data page shows)."""
    out = []
    for name, text in files.items():
        data = text.encode("utf-8")
        out.append(
            {
                "name": name,
                "description": DESCRIPTIONS.get(
                    name, "JSON Schema（由数据模型生成）" if name.startswith("schema/") else ""
                ),
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return out
