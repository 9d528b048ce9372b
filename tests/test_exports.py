"""Open data: every download validates against its generated schema, CSVs re-read, the page lists them."""

from __future__ import annotations

import csv
import hashlib
import io
import json

import jsonschema
import pytest

from rulebook import exports

pytestmark = pytest.mark.build


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
