"""The structure patterns of a work rule (第X章 / 第X节 / 第X条 / 一、), in one table for Python and JS.

The importer compiles them for the curated texts; the build writes the same table into the site
(assets/check/patterns.js) for 对标检查, which splits a pasted draft in the reader's browser. Both read
this table, so the two cannot drift. The patterns use only syntax that Python's `re` and JavaScript's
`RegExp` read alike (no named groups, no look-behind).
"""

from __future__ import annotations

import json
import re
import unicodedata

NUM = r"[零〇○一二三四五六七八九十百千两\d]+"
HEADING_MAX = 20  # 一、总则 is a heading; a longer 一、… line is an article
# A paragraph that ends in one of these is complete; anything else was cut by a page break (and a
# 第十条 at the start of the next line continues its sentence).
TERMINAL = "。；;：:！!？?…”’」』"
SPACES = " \t\u3000\xa0\u2002\u2003\u200b"

# Traditional forms of the characters a work rule's structure is read from (labels, headings, 附则,
# 施行, 工作规则 …), folded to the simplified forms before matching; the text itself is kept as written.
VARIANTS: dict[str, str] = dict(
    zip(
        "條號總則節編錄會議規務員機關項執應當須並與為於從頒發實釋責職權決紀監風學習體貫徹辦報請審長縣區國開聯經濟財協調講護處該錶屬門廳內兩萬億雜術設計劃",
        "条号总则节编录会议规务员机关项执应当须并与为于从颁发实释责职权决纪监风学习体贯彻办报请审长县区国开联经济财协调讲护处该表属门厅内两万亿杂术设计划",
        strict=True,
    )
)

# name -> (pattern, what a match's groups are)
PATTERNS: dict[str, str] = {
    "chapter": rf"^第({NUM})章\s*(.*)$",  # 1 number, 2 title
    "section": rf"^第({NUM})节\s*(.*)$",  # 1 number, 2 title
    "article_tiao": rf"^(第({NUM})条)\s*(.*)$",  # 1 label, 2 number, 3 text
    "article_dun": rf"^(({NUM})、)\s*(.*)$",  # 1 label, 2 number, 3 text
    # an article label right after the end of a sentence, inside a line (articles run together)
    "inline_tiao": rf"[。；;！!？?]\s*(第({NUM})条)",
    "inline_dun": rf"[。；;！!？?]\s*(({NUM})、)",
    "inline_chapter": rf"[。；;！!？?]\s*(第({NUM})章)",
    "heading_punct": r"[，,。；;：:！!？?]",
    # what follows a label that is a cross-reference, not the start of an article or chapter:
    # …依照⏎第十条规定办理 / 第八章的有关规定 / 第三条第二款 / 第五条所称 (on normalised text)
    "reference": rf"^(?:规定|的|所|中|之|和|与|及|或|至|到|、|,|第({NUM})[款项目]|款|项|以外|以上|以下|有关|相关|等)",
    # an appendix after the last article: 附件：… / 附件1 / 附表 / 附：
    "appendix": rf"^(?:附件|附表|附录)(?:{NUM})?(?:[:：.、]|$|[^，,。；;]{{0,30}}$)|^附[:：]",
    # a numbered item on normalised text: 1、 / 2. (1 label, 2 number) and （一） / (1)
    "item_arabic": r"^((\d+)[、.])(?!\d)",
    "item_paren": rf"^[（(]({NUM})[）)]",
}

CHAPTER_RE = re.compile(PATTERNS["chapter"])
SECTION_RE = re.compile(PATTERNS["section"])
ARTICLE_RES = {"第X条": re.compile(PATTERNS["article_tiao"]), "X、": re.compile(PATTERNS["article_dun"])}
INLINE_LABEL_RE = {"第X条": re.compile(PATTERNS["inline_tiao"]), "X、": re.compile(PATTERNS["inline_dun"])}
INLINE_CHAPTER_RE = re.compile(PATTERNS["inline_chapter"])


REFERENCE_RE = re.compile(PATTERNS["reference"])
APPENDIX_RE = re.compile(PATTERNS["appendix"])
ITEM_ARABIC_RE = re.compile(PATTERNS["item_arabic"])
_FOLD = str.maketrans(VARIANTS)
_DROP = re.compile(rf"[{SPACES}\s]+")


def normalize(line: str) -> str:
    """The form a line's structure is read from: NFKC (第１条 -> 第1条, full-width punctuation and
    spaces), Traditional structure characters folded (第一條 -> 第一条), every space removed (第 一 章 ->
    第一章). Only for matching: the published text is the line as written."""
    return _DROP.sub("", unicodedata.normalize("NFKC", line).translate(_FOLD))


def raw_rest(line: str, consumed: int) -> str:
    """What follows, in the line as written, the first `consumed` characters of normalize(line)."""
    if consumed <= 0:
        return line
    for j in range(1, len(line) + 1):
        if len(normalize(line[:j])) >= consumed:
            return line[j:].strip(SPACES)
    return ""


def label_text(line: str, consumed: int) -> str:
    """The label (the first `consumed` normalised characters) as written, spaces removed: 第 一 条 -> 第一条."""
    rest = raw_rest(line, consumed)
    head = line.strip(SPACES)
    head = head[: len(head) - len(rest)] if rest else head
    return _DROP.sub("", head)


def patterns_js() -> str:
    """The table as a script for the browser (a global, so it loads from file:// too)."""
    table = {
        "patterns": PATTERNS,
        "spaces": SPACES,
        "headingMax": HEADING_MAX,
        "variants": VARIANTS,
        "terminal": TERMINAL,
    }
    return "window.rbSegmentPatterns = " + json.dumps(table, ensure_ascii=False) + ";\n"
