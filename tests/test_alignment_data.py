"""data/alignment.json and its CSV twin: every other city appears in `counterparts` or in `none`, with a level,
the clause pairs, and a reason; the schema validates the file (issue 27, item 9)."""

from __future__ import annotations

import csv
import io
import json

import jsonschema

from rulebook.views import exports


def test_alignment_json_lists_every_other_city_once(book, alignment):
    files = exports.download_files(book, alignment)
    data = json.loads(files["alignment.json"])
    schema = json.loads(files["schema/alignment.schema.json"])
    jsonschema.validate(data, schema)
    assert "对应" in data["calibration"] and data["rows"]
    for row in data["rows"]:
        listed = [c["city"] for c in row["counterparts"]]
        none = [x["city"] for x in row["none"]]
        assert set(listed) | set(none) == set(book.cities) - {row["city"]}
        assert not set(listed) & set(none)
        assert all(
            c["level"] in ("对应", "相关") and 0 <= c["score"] <= 1 and c["clauses"] for c in row["counterparts"]
        )
        assert all(x["reason"] in ("无对应", "原文缺失") for x in row["none"])
    liyang63 = next(r for r in data["rows"] if (r["city"], r["n"]) == ("liyang", 63))
    assert {x["city"]: x["reason"] for x in liyang63["none"]}["zhuzhou"] == "原文缺失"


def test_alignment_csv_is_the_same_data_one_row_per_slot_link(book, alignment):
    files = exports.download_files(book, alignment)
    data = json.loads(files["alignment.json"])
    rows = list(csv.DictReader(io.StringIO(files["alignment.csv"].lstrip("\ufeff"))))
    expected = sum(len(r["counterparts"]) + len(r["none"]) for r in data["rows"])
    assert len(rows) == expected
    assert {r["level"] for r in rows} == {"对应", "相关", "无对应", "原文缺失"}
    first = data["rows"][0]["counterparts"][0]
    assert rows[0]["other_city"] == first["city"] and rows[0]["clauses"] == ";".join(
        f"{i}-{j}" for i, j in first["clauses"]
    )
