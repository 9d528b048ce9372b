"""Python↔JS parity: the Python originals' answers, as JSON case tables for tests/js/ to check the browser's twins."""

# `python -m rulebook.devtools.js_cases OUT_DIR` writes one JSON file per twin (numerals, article labels,
# quantities, sentences, the draft split, the search index's bucket hash and term weights) and the tables the
# build writes for the browser (tables.json); `RB_JS_CASES=OUT_DIR node --test tests/js/` runs the checks
# (tests/test_js_parity.py does both). Every expected answer is computed by the Python the build and importer use.

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rulebook.analysis.align import sentences
from rulebook.data import yamlio
from rulebook.data.importer import ImportFailed, import_city
from rulebook.data.layout import LAYOUT
from rulebook.model import quantity, segment
from rulebook.model.numerals import article_number, cn_to_int, int_to_cn
from rulebook.model.schema import Article, BoilerplateRules, City, CityInput, Paragraph
from rulebook.search import index
from rulebook.search.index import WEIGHT_SCALE, fnv1a, length_norm, term_weight, weight

FIXTURES = LAYOUT.root / "tests" / "fixtures"

# cn_to_int inputs beyond the 1..999 round trip: 百/千/两/〇/零 forms, digits of other scripts (Python's
# isdigit and int read full-width １２ as 12), and inputs Python rejects (expected: null).
NUMERALS = [
    "零", "〇", "○", "一", "二", "两", "十", "十一", "十五", "二十", "两百", "两千", "三十五", "九十九", "一百",
    "一百零二", "一百一十", "百", "千", "一千", "一千零一", "两千零二十四", "二〇二四", "二○二三", "一〇二",
    "三千五百", "九千九百九十九", "十十", "五五", "零五", "0", "7", "35", "007", "２", "１２", "３５０", "０",
    "１2", "٣", "٤٥", "१२", "𝟏𝟐", "",
    "十a", "a", "三十五条", "1十", "十１", "²", "①", "IV", "三 十",
]  # fmt: skip

# Phrases for the quantities table: hand-written forms (full-width digits, spaces, every rule) besides
# the sentences of the curated cities that hold a number.
QUANTITY_PHRASES = [
    "市政府常务会议一般每月召开两次，必要时可随时召开。",
    "每半年召开一次全体会议。",
    "每季度至少安排一次专题学习。",
    "每两周召开一次，每二周召开一次，每周召开1次。",
    "每年不超过1次，每年召开２次。",
    "每2个月组织一次，每３个月组织２次，每六个月组织一次。",
    "每年深入基层调研不少于60天，不应少于２个月，不得少于三十日。",
    "应当在15个工作日内办结，特殊情况延长１５个工作日，三个工作日内答复。",
    "会议材料应于会前3日送达，会前３日印发。",
    "应在5日内报送，10 天前通知，７日前送达，两日内回复，３\u3000日内，4\u2003天内。",
    "24小时内报告，２４ 小时值班，48\u3000小时，十二小时。",
    "٣个工作日，१५日内，𝟐𝟒小时。",
    "每月召开两次会议，会前2日分送，会后7个工作日内印发纪要。",
    "一般每月召开１次，特殊情况可增加。",
    "5\x1c日内报送，6\x85天前通知，7\ufeff日内回复，8\u200b小时。",
    "每百年一次，十百个工作日，一百个工作日，第１２条。",
    "没有数字的句子。",
    "",
]

# Texts for the sentence split besides the curated cities' articles: edge cases of Python's strip and
# len (code points; its white space) next to JavaScript's trim and length (UTF-16 units; its white space).
SENTENCE_TEXTS = [
    "",
    "。。。",
    "短。长一点的句子。",
    "一二三四。一二三。",
    "第一句；第二句;第三句！第四句？末尾没有标点",
    "  甲乙  。\u3000\u3000丙丁戊己。",
    "换行\n不断句。另一句\n也不断。",
    "𠀀𠀀。𠀀𠀀𠀀𠀀。",
    "\x1c\x1c甲乙。\x1f甲乙丙丁。",
    "\ufeff甲乙。\ufeff甲乙丙。",
    "\x85甲乙丙。\u2028甲乙丙丁。",
    "\u200b甲乙丙。",
]

# Whole documents for the split besides tests/fixtures/*.txt and rules_data/sources/*.txt: full-width
# labels, other line breaks, a byte order mark, □ artefacts, white space around labels.
HEAD = "某县人民政府工作规则\n\n第一章　总则\n\n"
SPLIT_TEXTS = {
    "full_width_labels": HEAD + "第１条　为规范工作，制定本规则。\n第２条　县政府实行县长负责制。\n"
    "第二章　附则\n第３条　本规则自印发之日起施行。\n",
    "full_width_dun": "某县人民政府工作规则\n\n第一章　总则\n１、为规范工作，制定本规则。\n２、县政府实行县长负责制。\n"
    "第二章　附则\n３、本规则自印发之日起施行。\n",
    "other_line_breaks": HEAD.replace("\n", "\r\n")
    + "第一条　为规范工作，制定本规则。\u2028第二条　县政府实行县长负责制。"
    "\x85第三条　本规则自印发之日起施行。\r第四条　本规则由县政府办公室负责解释。\f",
    "byte_order_mark": "\ufeff" + HEAD + "第一条　为规范工作，制定本规则。\n第二条　本规则自印发之日起施行。\n",
    "artefacts": HEAD + "□□第一条　为规范工作，制定本规则。\n第二条　县政府实行□县长负责制。\n□\n"
    "第三条　本规则自印发之日起施行。□\n",
    "spaces_around_labels": HEAD
    + "\u3000\u3000第一条\u3000为规范工作，制定本规则。\n\t第二条\u2001县政府实行县长负责制。\n"
    " 第三条\xa0本规则自印发之日起施行。\u200b\n",
    "full_width_chapters": "某县人民政府工作规则\n\n第１章　总则\n第１条　为规范工作，制定本规则。\n第２章　附则\n"
    "第２条　本规则自印发之日起施行。\n",
    "spaced_labels": "某县人民政府工作规则\n\n第 一 章　总　则\n第 一 条　为规范工作，制定本规则。\n"
    "第 二 章　附　则\n第 二 条　本规则自印发之日起施行。\n",
    "traditional": "某縣人民政府工作規則\n\n第一章　總則\n第一條　為規範工作，制定本規則。\n第二章　附則\n"
    "第二條　本規則自印發之日起施行。\n",
    "title_on_its_own_line": "某县人民政府工作规则\n\n第一章\n总则\n第一条　为规范工作，制定本规则。\n"
    "第二章\n\n附　则\n第二条　本规则自印发之日起施行。\n",
    "reference_at_line_start": HEAD + "第一条　为规范工作，制定本规则。\n第二条　会议依照本规则\n第三条规定召开。\n"
    "第三条　本规则自印发之日起施行。\n",
    "label_alone_on_its_line": HEAD + "第一条\n为规范工作，制定本规则。\n第二条\n县政府实行县长负责制。\n"
    "第三条　本规则自印发之日起施行。\n",
    "sections": HEAD
    + "第一条　为规范工作，制定本规则。\n第二章　会议\n第一节　全体会议\n第二条　全体会议每年召开两次。\n"
    "第二节　常务会议\n第三条　常务会议每月召开两次。\n第三章　附则\n第四条　本规则自印发之日起施行。\n",
    "no_chapters": "某县人民政府工作规则\n\n第一条　为规范工作，制定本规则。\n第二条　县政府实行县长负责制。\n"
    "第三条　本规则自印发之日起施行。\n",
    "hundred_and_more": HEAD + "".join(f"第{int_to_cn(n)}条　第{n}项规定。\n" for n in range(1, 121)),
}


def _article(n: int) -> Article:
    return Article(n=n, label=f"第{n}条", paragraphs=[Paragraph(text="。")])


def _or_none(f: Callable[[Any], Any], x: Any) -> Any:
    """f(x), or None where the Python raises ValueError (the JavaScript answers NaN or null there)."""
    try:
        return f(x)
    except ValueError:
        return None


def numeral_cases() -> dict[str, Any]:
    """cn_to_int on NUMERALS and on every int_to_cn output; int_to_cn on 0..1000 (0 and 1000 are errors)."""
    spelled = [int_to_cn(n) for n in range(1, 1000)]
    return {
        "cn_to_int": [{"input": s, "output": _or_none(cn_to_int, s)} for s in NUMERALS + spelled],
        "int_to_cn": [{"input": n, "output": _or_none(int_to_cn, n)} for n in range(1001)],
    }


def article_label_cases() -> list[dict[str, Any]]:
    """article_number (第X条) for the ordinals 1..999."""
    return [{"input": n, "output": article_number(_article(n))} for n in range(1, 1000)]


def _cities() -> list[City]:
    return [
        City.model_validate(yamlio.load(p.read_text(encoding="utf-8"))) for p in sorted(LAYOUT.cities.glob("*.yaml"))
    ]


NUMBER = re.compile(r"\d|[〇零一二两三四五六七八九十百千]")  # a sentence that states a number


def quantity_cases(cities: list[City]) -> list[dict[str, Any]]:
    """quantities() of QUANTITY_PHRASES and of every sentence of the curated cities that holds a number."""
    found = [s for c in cities for a in c.articles() for s in sentences(a.text()) if NUMBER.search(s)]
    phrases = list(dict.fromkeys(QUANTITY_PHRASES + found))
    return [{"input": s, "output": [list(q) for q in quantity.quantities(s)]} for s in phrases]


def sentence_cases(cities: list[City]) -> list[dict[str, Any]]:
    """sentences() of SENTENCE_TEXTS and of every article of the curated cities."""
    texts = list(dict.fromkeys(SENTENCE_TEXTS + [a.text() for c in cities for a in c.articles()]))
    return [{"input": t, "output": sentences(t)} for t in texts]


def _rules() -> BoilerplateRules:
    return BoilerplateRules.model_validate(yamlio.load(LAYOUT.boilerplate.read_text(encoding="utf-8")))


def _import(raw: bytes, rules: BoilerplateRules) -> City:
    inp = CityInput.model_validate(
        {
            "id": "case",
            "source": {"file": "case.txt", "sha256": hashlib.sha256(raw).hexdigest(), "captured_from": "js_cases"},
            "metadata": {"province": "某某省", "level": "省级"},
        }
    )
    return import_city(raw, inp, rules)[0]


def _split_texts() -> Iterator[tuple[str, bytes]]:
    for p in sorted(FIXTURES.glob("*.txt")):
        yield f"tests/fixtures/{p.name}", p.read_bytes()
    # the capture forms: full-width digits, spaced labels, Traditional characters, titles on their own
    # line, references at a line start, items in the other numerals, appendices
    for p in sorted((FIXTURES / "import_forms").glob("**/*.txt")):
        yield f"tests/fixtures/import_forms/{p.relative_to(FIXTURES / 'import_forms')}", p.read_bytes()
    for p in sorted(LAYOUT.sources.glob("*.txt")):
        yield f"sources/{p.name}", p.read_bytes()
    for name, text in SPLIT_TEXTS.items():
        yield f"written/{name}", text.encode("utf-8")


def split_cases() -> list[dict[str, Any]]:
    """What the importer makes of each text that the browser's draft splitter also makes: the numbering
    style, the chapters (label, title) and the articles (ordinal, label, its chapter's title).

    A text the importer rejects has `rejected` (its errors) and no structure: the draft splitter is
    lenient by design (it cuts articles run together on one line, where the importer stops)."""
    rules = _rules()
    out = []
    for name, raw in _split_texts():
        case: dict[str, Any] = {"name": name, "text": raw.decode("utf-8")}
        try:
            city = _import(raw, rules)
        except ImportFailed as e:
            case["rejected"] = e.errors
        else:
            chapters = [c for c in city.chapters if c.label]  # a text without chapters has one unlabelled
            case["style"] = city.numbering
            case["chapters"] = [{"label": c.label, "title": c.title or ""} for c in chapters]
            case["articles"] = [
                {"n": a.n, "label": a.label, "chapter": c.title or ""} for c in city.chapters for a in c.articles
            ]
        out.append(case)
    return out


# Index terms besides the curated articles' bigrams: ASCII, CJK beyond the BMP (two UTF-16 units), full width.
TERMS = ["", "a", "b12345", "w12345", "bicp", "wgdp", "b2022", "wa", "The Quick Brown Fox", "\x00", "~" * 40]
TERMS += ["w𠀀", "b𠀀𠀁", "w😀", "b１２", "wＡＢ", "w常务会议"]


def hash_cases(cities: list[City]) -> list[dict[str, Any]]:
    """fnv1a of index terms as the search build forms them ("b" + bigram, "w" + word): TERMS, the bigrams
    of the curated cities' first articles and some of their 4-character runs."""
    terms: dict[str, None] = dict.fromkeys(TERMS)
    for c in cities:
        for a in c.articles()[:12]:
            text = re.sub(r"\s+", "", a.text())
            for i in range(len(text) - 1):
                terms["b" + text[i : i + 2]] = None
            for i in range(0, len(text) - 3, 7):
                terms["w" + text[i : i + 4]] = None
    return [{"input": t, "output": fnv1a(t)} for t in terms]


TF = [*range(1, 21), 25, 40, 100]
DL = [0, 1, 2, 3, 5, 6, 10, 12, 15, 17, 24, 30, 34, 50, 60, 75, 87, 100, 120, 150, 300, 375, 1000, 5000]
AVG = [0, 0.5, 1, 2, 4, 5, 8, 10, 20, 25, 33.3, 40, 50, 87.65, 100, 125, 250.5]


def _ties() -> list[tuple[int, int, float]]:
    """Inputs whose unrounded weight is exactly k + 0.5 (dl = 3 avg, …): Python's round() takes the even
    neighbour (2.5 -> 2), JavaScript's Math.round the upper one."""
    grid = ((tf, dl, avg) for tf in range(1, 21) for dl in range(201) for avg in (1, 2, 4, 5, 8, 10, 20, 25, 40))
    k1 = index._K1
    return [
        (tf, dl, avg) for tf, dl, avg in grid if WEIGHT_SCALE * tf * (k1 + 1) / (tf + length_norm(dl, avg)) % 1 == 0.5
    ]


def weight_cases() -> list[dict[str, Any]]:
    """term_weight(tf, dl, avg), length_norm(dl, avg) and weight(tf, norm) over a grid and the exact ties."""
    grid = [(tf, dl, avg) for tf in TF for dl in DL for avg in AVG]
    return [
        {
            "input": [tf, dl, avg],
            "norm": length_norm(dl, avg),
            "output": term_weight(tf, dl, avg),
            "weight": weight(tf, length_norm(dl, avg)),
        }
        for tf, dl, avg in dict.fromkeys(grid + _ties())
    ]


def compact_check(result: dict[str, Any]) -> dict[str, Any]:
    """What both engines must agree on in a check (rulebook/analysis/draft_match.py check()): topics and
    leveled counterparts per draft article, level and answer per attribute, the gaps in order."""
    return {
        "articles": [
            {"n": a["n"], "topics": a["topics"], "peers": [[m["city"], m["n"], m["level"], m["p"]] for m in a["peers"]]}
            for a in result["articles"]
        ],
        "attrs": [
            [
                r["id"],
                r["level"],
                r["p"],
                r["draft"] and [r["draft"]["article"], r["draft"]["quote"], r["draft"]["number"]],
            ]
            for r in result["attrs"]
        ],
        "gaps": result["gaps"],
        "covered": result["covered"],
    }


def _drafts(corpus: dict[str, Any]) -> Iterator[tuple[str, list[str], list[dict[str, Any]]]]:
    """(name, peers, draft articles): each curated city against the others; edited forms of one city's text
    (full-width digits and spaces, half of it, its articles reversed) against all five; a short hand-written
    draft (tests/fixtures/drafts/)."""
    ids = [c["id"] for c in corpus["cities"]]
    curated = [c["id"] for c in corpus["cities"] if c["curated"]]

    def arts(city: str) -> list[dict[str, Any]]:
        c = next(x for x in corpus["cities"] if x["id"] == city)
        return [{"n": a[0], "label": a[1], "chapter": a[2], "text": a[3]} for a in c["articles"]]

    for city in curated:
        yield f"{city} against the other curated cities", [c for c in curated if c != city], arts(city)
    first = arts(ids[0])
    wide = str.maketrans("0123456789 ", "０１２３４５６７８９\u3000")
    yield "full-width digits and spaces", ids[1:], [dict(a, text=a["text"].translate(wide)) for a in first]
    yield "first half", ids[1:], first[: len(first) // 2]
    rev = [dict(a, n=i + 1) for i, a in enumerate(reversed(first))]
    yield "articles reversed", ids[1:], rev
    for path in sorted((FIXTURES / "drafts").glob("*.txt")):
        city = _import(path.read_bytes(), _rules())
        draft = [
            {"n": a.n, "label": article_number(a), "chapter": ch.title or "", "text": a.text()}
            for ch in city.chapters
            for a in ch.articles
        ]
        yield f"draft {path.name}", ids, draft


def check_cases() -> dict[str, Any]:
    """The check of several drafts by rulebook/analysis/draft_match.py, with the corpus and calibration the
    site writes for the browser (rulebook/views/draft_check.py)."""
    from rulebook.analysis.draft_match import Draft, check
    from rulebook.data.load import load_rulebook
    from rulebook.views.draft_check import calibration_json, corpus

    book = load_rulebook(LAYOUT.root)
    data = corpus(book)
    cases = []
    for name, peers, draft in _drafts(data):
        out = compact_check(check(data, peers, Draft(draft)))
        cases.append({"name": name, "input": {"peers": peers, "articles": draft}, "output": out})
    many = _many_peers(data)
    ids = [c["id"] for c in many["cities"]]
    draft = next(c for c in cases if c["name"].startswith("draft "))["input"]["articles"]
    many_cases = [
        {
            "name": f"{name} against {len(ids)} peers",
            "input": {"peers": ids, "articles": arts},
            "output": compact_check(check(many, ids, Draft(arts))),
        }
        for name, arts in (("hand-written draft", draft), ("first curated city", _articles_of(data, ids[0])))
    ]
    return {
        "corpus": data,
        "calibration": json.loads(calibration_json()),
        "cases": cases,
        "many": {"corpus": many, "cases": many_cases},
    }


MANY_PEERS = 64  # synthetic peers added to the five: past draft_match.LARGE_PEERS, where the check changes form


def _articles_of(corpus: dict[str, Any], city: str) -> list[dict[str, Any]]:
    c = next(x for x in corpus["cities"] if x["id"] == city)
    return [{"n": a[0], "label": a[1], "chapter": a[2], "text": a[3]} for a in c["articles"]]


def _many_peers(corpus: dict[str, Any]) -> dict[str, Any]:
    """The corpus with MANY_PEERS synthetic peers added (uncurated, so they neither vote topics nor hold cited
    cells): each a real city with every k-th article left out and the rest renumbered, so the large-corpus
    branch (its weights, NEAREST_CITIES per draft article) meets near-duplicates and ties across many cities."""
    real = corpus["cities"]
    cities = list(real)
    for k in range(MANY_PEERS):
        base = real[k % len(real)]
        step = 2 + k % 7
        kept = [a for i, a in enumerate(base["articles"]) if i % step != step - 1]
        arts = [[i + 1, a[1], a[2], a[3], []] for i, a in enumerate(kept)]
        cities.append(dict(base, id=f"syn{k:02d}", name=f"合成{k:02d}市", curated=False, articles=arts))
    return dict(corpus, cities=cities)


def tables() -> dict[str, Any]:
    """The tables the build writes for the browser: the structure patterns and the quantity rules."""
    script = segment.patterns_js()
    return {
        "segment": json.loads(script.split("=", 1)[1].strip().rstrip(";")),
        "quantity": json.loads(quantity.rules_json()),
    }


def write_cases(out_dir: Path) -> list[Path]:
    """Write every case table into out_dir (created if missing); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cities = _cities()
    files = {
        "tables.json": tables(),
        "numerals.json": numeral_cases(),
        "article_labels.json": article_label_cases(),
        "quantities.json": quantity_cases(cities),
        "sentences.json": sentence_cases(cities),
        "split.json": split_cases(),
        "fnv1a.json": hash_cases(cities),
        "term_weights.json": weight_cases(),
        "check.json": check_cases(),
    }
    written = []
    for name, data in files.items():
        path = out_dir / name
        path.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m rulebook.devtools.js_cases OUT_DIR", file=sys.stderr)
        return 2
    for path in write_cases(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
