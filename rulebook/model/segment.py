"""The structure patterns of a work rule (第X章 / 第X节 / 第X条 / 一、), in one table for Python and JS.

The importer compiles them for the curated texts; the build writes the same table into the site
(assets/check/patterns.js) for 对标检查, which splits a pasted draft in the reader's browser. Both read
this table, so the two cannot drift. The patterns use only syntax that Python's `re` and JavaScript's
`RegExp` read alike (no named groups, no look-behind).
"""

from __future__ import annotations

import json
import re

NUM = r"[零〇○一二三四五六七八九十百千两\d]+"
HEADING_MAX = 20  # 一、总则 is a heading; a longer 一、… line is an article
SPACES = " \t\u3000\xa0\u2002\u2003\u200b"

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
}

CHAPTER_RE = re.compile(PATTERNS["chapter"])
SECTION_RE = re.compile(PATTERNS["section"])
ARTICLE_RES = {"第X条": re.compile(PATTERNS["article_tiao"]), "X、": re.compile(PATTERNS["article_dun"])}
INLINE_LABEL_RE = {"第X条": re.compile(PATTERNS["inline_tiao"]), "X、": re.compile(PATTERNS["inline_dun"])}
INLINE_CHAPTER_RE = re.compile(PATTERNS["inline_chapter"])


def patterns_js() -> str:
    """The table as a script for the browser (a global, so it loads from file:// too)."""
    table = {"patterns": PATTERNS, "spaces": SPACES, "headingMax": HEADING_MAX}
    return "window.rbSegmentPatterns = " + json.dumps(table, ensure_ascii=False) + ";\n"
