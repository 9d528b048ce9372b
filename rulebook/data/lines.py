"""The line classifier: what one line of a work rule looks like (a chapter or section heading, an article
label, an item, an appendix heading, or text), read on its normalised form (NFKC, Traditional structure
characters folded, spaces removed) while the label and the text after it are kept as written.

It says what a line *looks like*; whether a 第十条 at a line start is the next article or a cross-reference
continuing the sentence before it is decided by the importer's body stage, which knows the numbers seen so
far (the browser's 对标检查 splitter makes the same decision with the same rule: docs/assets/check-engine.js).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rulebook.model.numerals import cn_to_int
from rulebook.model.segment import (
    APPENDIX_RE,
    ARTICLE_RES,
    CHAPTER_RE,
    HEADING_MAX,
    ITEM_ARABIC_RE,
    NUM,
    REFERENCE_RE,
    SECTION_RE,
    label_text,
    normalize,
    raw_rest,
)

ITEM_RE = re.compile(rf"^(?:(?P<marker>[-*•]\s+))?(?P<label>[（(]{NUM}[）)])\s*(?P<text>.*)$")
HEADING_PUNCT = re.compile(r"[，,。；;：:！!？?]")
SENTENCE_PUNCT = re.compile(r"[。；;！!？?]")


def heading_like(text: str) -> bool:
    """一、总则 / 总　则 — short, no sentence punctuation: a heading, not an article."""
    return 0 < len(text) <= HEADING_MAX and not HEADING_PUNCT.search(text)


def script(number: str) -> str:
    """ "arabic" for 1 / １, "cn" for 一: article labels keep one script; the other is an item's."""
    return "arabic" if normalize(number).isdigit() else "cn"


@dataclass(frozen=True)
class Line:
    kind: str  # chapter | section | article | item | appendix | text
    norm: str  # the normalised line
    n: int | None = None  # the label's number
    label: str | None = None  # the label as written, spaces removed (第一条, 第１条, 一、, （一）)
    rest: str = ""  # the text after the label, as written
    reference: bool = False  # the text after a 第X条/第X章 label reads as a cross-reference (规定, 的, 第二款 …)
    marker: str | None = None  # a list marker the capture put before an item (- （一）)

    @property
    def title(self) -> str | None:
        """A heading's title with its layout spaces removed (总　则 -> 总则)."""
        return normalize_spaces(self.rest) or None


def normalize_spaces(text: str) -> str:
    return re.sub(r"[\s\u3000\xa0\u2002\u2003\u200b]+", "", text)


def _labelled(kind: str, s: str, norm: str, m: re.Match[str], number: str, end: int) -> Line:
    rest = raw_rest(s, end)
    return Line(
        kind=kind,
        norm=norm,
        n=cn_to_int(normalize(number)),
        label=label_text(s, end),
        rest=rest,
        reference=bool(REFERENCE_RE.match(norm[end:])),
    )


def classify(s: str, style: str, chapters: str | None, art_script: str = "cn") -> Line:
    """What the cleaned line `s` looks like in a text numbered `style` (第X条 / X、) with `chapters`
    headings (第X章 / X、 / None); `art_script` is the article labels' numerals (cn / arabic)."""
    norm = normalize(s)
    if m := CHAPTER_RE.match(norm):
        return _labelled("chapter", s, norm, m, m.group(1), m.start(2))
    if m := SECTION_RE.match(norm):
        return _labelled("section", s, norm, m, m.group(1), m.start(2))
    dun = ARTICLE_RES["X、"].match(norm)
    if chapters == "X、" and dun and heading_like(dun.group(3)):
        return _labelled("chapter", s, norm, dun, dun.group(2), dun.end(1))
    if (m := ARTICLE_RES[style].match(norm)) and not (style == "X、" and script(m.group(2)) != art_script):
        return _labelled("article", s, norm, m, m.group(2), m.end(1))
    if m := ITEM_RE.match(s):
        return Line(kind="item", norm=norm, label=m.group("label"), rest=m.group("text"), marker=m.group("marker"))
    if m := ITEM_RE.match(norm):
        return Line(kind="item", norm=norm, label=label_text(s, m.end("label")), rest=raw_rest(s, m.end("label")))
    if (m := ITEM_ARABIC_RE.match(norm)) or (style == "X、" and dun):
        label_end = m.end(1) if m else dun.end(1)
        return Line(kind="item", norm=norm, label=label_text(s, label_end), rest=raw_rest(s, label_end))
    if APPENDIX_RE.match(norm):
        return Line(kind="appendix", norm=norm, rest=s)
    return Line(kind="text", norm=norm, rest=s)
