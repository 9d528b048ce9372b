"""Importer: a raw web capture of a 工作规则 + its input file -> a City and a review report.

General by design: no per-city branches. Everything city-specific lives in rules_data/inputs/,
and portal boilerplate patterns live in rules_data/boilerplate.yaml.

The import runs in named stages (decode, structure, preamble, tail, body, corrections, truncation,
metadata). Each returns its part plus its findings (`Stage`: value, report, fixes), in the shape
of openstates' CheckResult: errors stop the import only after every stage that can run has run,
so the editor sees every error at once; warnings and info go to the printed review report.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from rulebook.data.lines import SENTENCE_PUNCT, Line, classify, heading_like, normalize_spaces, script
from rulebook.model.numerals import cn_to_int, parse_date
from rulebook.model.schema import (
    Adoption,
    Appendix,
    AppendixBlock,
    Article,
    BoilerplateRules,
    Chapter,
    City,
    CityInput,
    Correction,
    CorrectionKind,
    Paragraph,
    Reference,
    Relation,
    Section,
    Superseded,
    Truncation,
)
from rulebook.model.segment import (
    APPENDIX_RE,
    ARTICLE_RES,
    CHAPTER_RE,
    HEADING_MAX,
    INLINE_CHAPTER_RE,
    INLINE_LABEL_RE,
    NUM,
    REFERENCE_RE,
    SPACES,
    normalize,
)
from rulebook.model.segment import TERMINAL as SEGMENT_TERMINAL

# Structure patterns are shared with the browser's draft splitter (对标检查): rulebook/model/segment.py.
INLINE_FIRST_RE = re.compile(r"(?<=\S)\s*第[一1]条")
# C0/C1 control characters but tab: never text, always a capture artefact (removed and recorded).
CONTROL_CHAR_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A paragraph (or line) this long repeated in one article is a capture glitch, not the text.
DUP_MIN = 8
# Cells of an appendix table: a tab, two or more spaces, or an ideographic space between them.
TABLE_CELL_SPLIT = re.compile(r"\t+|[ \xa0]{2,}|\u3000+")
# A paragraph that ends in one of these is complete; anything else was cut by a page break.
TERMINAL = tuple(SEGMENT_TERMINAL)
# The document itself must end a sentence: a last line ending in “：” or “；” was cut off.
FINAL = tuple("。！!？?…”’」』")
ARTEFACT = "□"
LOST_BEFORE = "，,。．；;：:！!？?、）)”’」』"  # a □ after a character and before these may stand for a lost one
CJK = r"\u3400-\u9fff"
CJK_CHAR = re.compile(rf"[{CJK}]")
INNER_SPACE_RE = re.compile(rf"(?<=[{CJK}])[{SPACES}]+(?=[{CJK}])")
DOC_NUMBER_FIND = re.compile(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号")
DATE_CN = r"[〇○零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
DATE_AR = r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}"
DATE_LINE = re.compile(rf"^[（(]?({DATE_CN}|{DATE_AR})[）)]?$")
ADOPTION_RE = re.compile(
    rf"(?P<date0>{DATE_CN}|{DATE_AR})?(?:已经|经)(?P<date>{DATE_CN}|{DATE_AR})?(?P<meeting>[^，,。；]*?会议)(?:[^，,。；]{{0,4}})?通过"
)
# 题注 without 经: （2023年2月10日县政府第5次常务会议修订通过）
CAPTION_RE = re.compile(
    rf"^[（(](?P<date>{DATE_CN}|{DATE_AR})?(?P<meeting>[^，,。；（）()]*?会议)[^，,。；（）()]{{0,6}}通过[）)]$"
)
MEETING_PREFIX_RE = re.compile(r"^(?:召开的|在)")
SUPERSEDES_RE = re.compile(r"《([^》]+)》[（(]([^）)]*?〔\d{4}〕\d+号)[）)]同时废止")
REF_RE = re.compile(r"(根据|参照)|《([^》]+)》")
# A whole text usually ends in 附则, a clause on when it takes effect / who interprets it, or a 版记.
CLOSING_CHAPTER = ("附则",)
CLOSING_CLAUSE_RE = re.compile(r"施行|解释")
CONTEXT = 8
MAYBE_LOST = "可能缺字"
MAYBE_LOST_FIND = re.compile(r"\(find “([^”]+)”")
# A heading written as 一、总则 is short and ends no sentence.
# Structure doubts: this many lines in the other numbering style; an article this many times the median.
OTHER_STYLE_MAX = 1
LONG_FACTOR = 20
LONG_MIN = 1000

T = TypeVar("T")


class ImportFailed(ValueError):
    """The source cannot be imported faithfully; `errors` names every problem (and its lines)."""

    def __init__(self, errors: str | Iterable[str]) -> None:
        self.errors: list[str] = [errors] if isinstance(errors, str) else list(errors)
        super().__init__("\n".join(self.errors))


ImportError_ = ImportFailed  # the historical name, kept for callers


@dataclass
class Report:
    """What the importer could not detect or found suspicious — for the editor to review."""

    items: list[tuple[str, str, str]] = field(default_factory=list)  # (level, where, message)

    def add(self, level: str, where: str, message: str) -> None:
        self.items.append((level, where, message))

    def extend(self, other: Report) -> None:
        self.items.extend(other.items)

    def errors(self) -> list[str]:
        return [f"{where}: {msg}" for lvl, where, msg in self.items if lvl == "error"]

    def render(self) -> str:
        if not self.items:
            return "(nothing to report)"
        return "\n".join(f"[{lvl}] {where}: {msg}" for lvl, where, msg in self.items)


@dataclass
class Stage(Generic[T]):
    """One stage's part of the city, its findings for the report, and the corrections it made."""

    value: T
    report: Report = field(default_factory=Report)
    fixes: list[Correction] = field(default_factory=list)


@dataclass
class _Para:
    item: str | None
    text: str
    line: int


@dataclass
class _Art:
    n: int
    label: str
    line: int
    paras: list[_Para] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"art_{self.n}"


@dataclass
class _Sec:
    n: int
    label: str
    title: str | None
    line: int
    arts: list[_Art] = field(default_factory=list)


@dataclass
class _Chap:
    n: int
    label: str | None
    title: str | None
    line: int = 0
    arts: list[_Art] = field(default_factory=list)
    secs: list[_Sec] = field(default_factory=list)


@dataclass
class Structure:
    """How the text is numbered, decided from counts over all its lines."""

    style: str  # article numbering: 第X条 or X、
    chapters: str | None  # chapter headings: 第X章, X、 (一、总则 over 第X条 articles) or None
    start: int  # index of the line where the rules begin
    script: str = "cn"  # the article labels' numerals (cn: 一、 / arabic: 1、); the other script marks items


@dataclass
class Preamble:
    title: str
    notice: list[str]
    subtitle: list[str]


@dataclass
class Tail:
    end: int  # index of the first line after the rule text
    colophon: list[str]


@dataclass
class Body:
    chapters: list[_Chap]
    art_fixes: dict[int, list[Correction]]
    tail_heading: str | None  # a heading the source stops right after
    appendix_start: int = 0  # index of the line where appendices begin (the stage's end if none)


@dataclass
class Meta:
    name: str
    title: str
    issuer: str
    doc_number: str | None
    issued: str | None
    adopted: Adoption
    supersedes: list[Superseded]
    references: list[Reference]


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _strip(s: str) -> str:
    return s.strip(SPACES + "\r\n")


def _bare(raw: str) -> str:
    return _strip(raw.replace(ARTEFACT, ""))


def _quote(s: str, n: int = 24) -> str:
    return f"“{s[:n]}{'…' if len(s) > n else ''}”"


def _forms_word(left: str, right: str) -> bool:
    """Do the characters on both sides of a removed □ belong to one word (jieba, the site's segmenter)?"""
    text = left + right
    pos = 0
    for word in _cut(text):
        if pos < len(left) < pos + len(word):
            return True
        pos += len(word)
    return False


@lru_cache(maxsize=4096)
def _cut(text: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(60)
    return tuple(jieba.cut(text, HMM=False))


def _clean_line(raw: str, where: str, fixes: list[Correction], report: Report | None = None, lineno: int = 0) -> str:
    """Strip the line and drop □ artefacts; record each removal with a little context.

    A □ between two characters that form no word together may stand for a lost character: it is
    reported as 可能缺字 (an editor's correction in inputs/ settles it)."""
    line = _strip(raw)
    final = _strip(line.replace(ARTEFACT, ""))
    for m in re.finditer(f"{ARTEFACT}+", line):
        p = len(line[: m.start()].replace(ARTEFACT, "").lstrip(SPACES))  # position in the cleaned line
        if final:
            before = final[max(0, p - CONTEXT) : p] + m.group() + final[p : p + 4]
            fixes.append(
                Correction(
                    where=where,
                    kind=CorrectionKind.artifact,
                    before=before,
                    after=final[max(0, p - CONTEXT) : p + 4],
                    reason=f"删除网页抓取残留符号“{ARTEFACT}”",
                )
            )
            if report is not None:
                a, b = final[p - 1 : p], final[p : p + 1]
                # between two characters, or after one and before punctuation (干□。)
                inside = bool(a and CJK_CHAR.match(a) and b and (CJK_CHAR.match(b) or b in LOST_BEFORE))
                if inside and not _forms_word(final[max(0, p - 6) : p], final[p : p + 6]):
                    report.add(
                        "warn",
                        where,
                        f"{MAYBE_LOST}: line {lineno} “{before}”: the □ stands between “{a}” and “{b}”, which "
                        f"form no word; check the original and add a correction to the input file (find "
                        f"“{final[max(0, p - 4) : p + 4]}”; replace it with the lost character inserted, or with "
                        "itself if nothing is lost)",
                    )
                else:
                    report.add("info", where, f"removed □ at line {lineno}: “{before}”")
    return final


def _join_inner_spaces(text: str, where: str, fixes: list[Correction]) -> str:
    """Remove spaces between two CJK characters (a word split by the capture); record each."""
    for m in reversed(list(INNER_SPACE_RE.finditer(text))):
        rest = text[: m.start()] + text[m.end() :]
        fixes.append(
            Correction(
                where=where,
                kind=CorrectionKind.whitespace,
                before=text[max(0, m.start() - CONTEXT) : m.end() + 4],
                after=rest[max(0, m.start() - CONTEXT) : m.start() + 4],
                reason="删除词语中间多余的空格",
            )
        )
        text = rest
    return text


def _matches(patterns: list[str], line: str) -> bool:
    return any(re.search(p, line) for p in patterns)


def _title_like(line: str) -> bool:
    line = normalize(line)
    return line.endswith("工作规则") and not line.startswith("《")


def _iso(date_text: str | None) -> str | None:
    return parse_date(date_text) if date_text else None


def _run(matches: list[tuple[int, int]]) -> list[int]:
    """The line indexes of labels numbered 1, 2, 3 … in order (other matches skipped)."""
    out: list[int] = []
    for idx, n in matches:
        if n == len(out) + 1:
            out.append(idx)
    return out


def _lines_list(idxs: list[int], bare: list[str], limit: int = 6) -> str:
    shown = ", ".join(f"line {i + 1} {_quote(bare[i], 16)}" for i in idxs[:limit])
    return shown + (f", … ({len(idxs)} in all)" if len(idxs) > limit else "")


def _artefact_line(where: str, line: str) -> Correction:
    return Correction(
        where=where, kind=CorrectionKind.artifact, before=line, after="", reason=f"删除只含抓取残留符号“{ARTEFACT}”的行"
    )


def _dropped(stage: Stage, where: str, lines: list[str], reason: str) -> None:
    """Portal lines dropped from the header or the footer: one 校勘记 entry and one report line."""
    if lines:
        stage.fixes.append(
            Correction(where=where, kind=CorrectionKind.boilerplate, before="\n".join(lines), after="", reason=reason)
        )
        stage.report.add("info", where, f"dropped {len(lines)} portal line(s): " + " | ".join(lines))


# --- stages ------------------------------------------------------------------------------------


def decode(raw: bytes, inp: CityInput) -> Stage[list[str]]:
    """Check the source's hash and decode it into lines."""
    digest = sha256_bytes(raw)
    if digest != inp.source.sha256:
        raise ImportFailed(
            f"source.sha256: {inp.source.file} has sha256 {digest}, not the recorded {inp.source.sha256} "
            "(the source changed: restore it, or record the new hash in source.sha256)"
        )
    try:
        return Stage(raw.decode("utf-8-sig").splitlines())
    except UnicodeDecodeError as e:
        raise ImportFailed(f"source {inp.source.file} is not UTF-8 ({e}); convert it (e.g. from GBK) first") from None


@dataclass
class SourceLines:
    """The source's lines after the editor's source_fixes, each with its line number in the source file."""

    lines: list[str]
    numbers: list[int]
    fixed: list[tuple[int, Correction]] = field(default_factory=list)  # (source line, its 校勘记 entry)


def apply_source_fixes(lines: list[str], inp: CityInput) -> Stage[SourceLines]:
    """The editor's fixes of single source lines (find → replace, a \\n splits a line), applied before
    parsing so that any faithful capture can be imported without editing the raw file."""
    stage: Stage[SourceLines] = Stage(SourceLines([], []))
    texts = list(lines)
    fixed: list[tuple[int, Correction]] = []
    for k, fx in enumerate(inp.source_fixes):
        key = f"source_fixes[{k}]"
        if fx.line > len(texts):
            stage.report.add("error", key, f"line {fx.line} does not exist (the source has {len(texts)} lines)")
            continue
        text = texts[fx.line - 1]
        hits = text.count(fx.find)
        if hits != 1:
            stage.report.add(
                "error",
                key,
                f"“{fx.find}” occurs {hits} times in line {fx.line} {_quote(_strip(text), 30)}, expected once "
                "(quote a longer `find`)",
            )
            continue
        texts[fx.line - 1] = text.replace(fx.find, fx.replace)
        fixed.append(
            (
                fx.line,
                Correction(
                    where="notice",  # placed once the line's article is known
                    kind=CorrectionKind.manual,
                    before=fx.find,
                    after=fx.replace,
                    reason=f"{fx.reason}（原文第{fx.line}行，解析前校正）",
                ),
            )
        )
    for n, text in enumerate(texts, start=1):
        for m in reversed(list(CONTROL_CHAR_RE.finditer(text))):
            around = text[max(0, m.start() - CONTEXT) : m.end() + 4]
            text = text[: m.start()] + text[m.end() :]
            fixed.append(
                (
                    n,
                    Correction(
                        where="notice",  # placed once the line's article is known
                        kind=CorrectionKind.artifact,
                        before=around.replace(m.group(), f"<U+{ord(m.group()):04X}>"),
                        after=around.replace(m.group(), ""),
                        reason=f"删除网页抓取混入的控制字符 U+{ord(m.group()):04X}（原文第{n}行）",
                    ),
                )
            )
        parts = text.split("\n") if text else [text]
        stage.value.lines.extend(parts)
        stage.value.numbers.extend([n] * len(parts))
    stage.value.fixed = fixed
    return stage


def _control_report(src: SourceLines) -> Report:
    """One line per control character the capture held (removed, recorded as a 校勘记 entry)."""
    report = Report()
    for lineno, fix in src.fixed:
        if fix.kind == CorrectionKind.artifact:
            report.add(
                "warn",
                fix.where,
                f"line {lineno}: control character {fix.before[fix.before.index('<') + 1 : fix.before.index('>')]} "
                f"removed at “{fix.after}” (a capture artefact, never text; check the original there)",
            )
    return report


def _where_line(lineno: int, src: SourceLines, start: int, b: Body, end: int) -> str:
    """The anchor a source line ended up in: the notice, a chapter heading, an article, the appendices, the footer."""
    first = src.numbers[start] if start < len(src.numbers) else lineno
    if lineno < first:
        return "notice"
    if b.appendix_start < len(src.numbers) and lineno >= src.numbers[b.appendix_start]:
        return "footer" if end < len(src.numbers) and lineno >= src.numbers[end] else "appendix"
    if end < len(src.numbers) and lineno >= src.numbers[end]:
        return "footer"
    where = "notice"
    marks = [(c.line, f"chp_{c.n}") for c in b.chapters if c.line]
    for c in b.chapters:
        marks += [(a.line, a.anchor) for a in c.arts]
    for line, anchor in sorted(marks, key=lambda m: m[0]):  # stable: document order within a line
        if line < lineno:
            where = anchor
        elif line == lineno:
            return anchor  # a line the fix split: the anchor it began in
    return where


def detect_structure(lines: list[str]) -> Stage[Structure]:
    """Decide the numbering from counts over the whole text, not from the first line that matches.

    Lines are matched in their normalised form (第１条, 第 一 条, 第一條 read as 第一条); an X、 label in the
    other numerals (1、 among 一、 articles) is an item, not an article."""
    report = Report()
    bare = [_bare(x) for x in lines]
    norm = [normalize(x) for x in bare]
    found: dict[str, list[tuple[int, int]]] = {name: [] for name in ARTICLE_RES}
    by_script: dict[str, list[tuple[int, int]]] = {"cn": [], "arabic": []}
    chapters: list[tuple[int, int]] = []
    for i, s in enumerate(norm):
        if (m := CHAPTER_RE.match(s)) and not REFERENCE_RE.match(s[m.start(2) :]):
            chapters.append((i, cn_to_int(m.group(1))))
        if m := ARTICLE_RES["第X条"].match(s):
            found["第X条"].append((i, cn_to_int(m.group(2))))
        if m := ARTICLE_RES["X、"].match(s):
            by_script[script(m.group(2))].append((i, cn_to_int(m.group(2))))
    dun_script = "cn" if len(_run(by_script["cn"])) >= len(_run(by_script["arabic"])) else "arabic"
    found["X、"] = by_script[dun_script]
    runs = {name: _run(found[name]) for name in found}
    tiao, dun = runs["第X条"], runs["X、"]
    if not tiao and not dun:
        inline = [i for i, x in enumerate(norm) if INLINE_FIRST_RE.search(x)]
        if inline:
            raise ImportFailed(
                f"structure: no line starts with an article label, but {_lines_list(inline, bare)} hold(s) "
                "第一条 inside the line: headings and articles run together on one line (the capture lost its "
                f"line breaks); add source_fixes entries that break line {inline[0] + 1} before each heading and "
                "article (replace with a \\n), or capture the page again with one heading or article per line"
            )
        raise ImportFailed(
            "no 第一条 and no first article 一、 found: cannot find where the rules begin; if the "
            "labels are written in a form the importer does not read, add source_fixes entries that write them "
            "as 第一条 (or 一、)"
        )
    style = "第X条" if len(tiao) >= len(dun) else "X、"
    art_script = dun_script if style == "X、" else "cn"
    other = "X、" if style == "第X条" else "第X条"
    chapter_style: str | None = "第X章" if chapters else None
    if style == "第X条" and not chapters and dun:
        # 一、总则 headings over 第X条 articles: every numbered heading must come before the articles it heads
        heads = [i for i in dun if heading_like(ARTICLE_RES["X、"].match(norm[i]).group(3))]
        if heads == dun and heads[0] < tiao[0]:
            chapter_style = "X、"
    if chapter_style != "X、":
        stray = [i for i, _ in found[other]]
        if len(stray) > OTHER_STYLE_MAX:
            report.add(
                "error",
                "structure",
                f"{len(found[style])} lines start with {style} labels but {len(stray)} with {other} labels: "
                f"{_lines_list(stray, bare)}; the numbering is doubtful (headings? items? two texts?): if they "
                "are items of the articles, write them as （一）… with source_fixes entries; if two texts were "
                "captured together, capture the page again",
            )
    if chapter_style == "第X章":
        firsts = [i for i, n in chapters if n == 1]
        start = firsts[0] if firsts else runs[style][0]
    elif chapter_style == "X、":
        start = dun[0]
    else:
        start = runs[style][0]
    return Stage(Structure(style=style, chapters=chapter_style, start=start, script=art_script), report)


def preamble(lines: list[str], rules: BoilerplateRules) -> Stage[Preamble]:
    """Portal header (dropped), covering notice, title and 题注 (kept) — the lines before the rules."""
    stage: Stage[Preamble] = Stage(Preamble("", [], []))
    report = stage.report
    header_dropped: list[str] = []
    pre: list[str] = []
    notice_fixes: list[Correction] = []
    for idx, raw_line in enumerate(lines):
        s = _strip(raw_line)
        if not s:
            continue
        if _matches(rules.header, s):
            header_dropped.append(s)
            continue
        c = _clean_line(raw_line, "notice", notice_fixes, report, idx + 1)
        if not c:
            notice_fixes.append(_artefact_line("notice", s))
            continue
        pre.append(c)
    # A title written with spaces between its characters (某 县 人 民 政 府 工 作 规 则) is still the title.
    titles = [i for i, s in enumerate(pre) if _title_like(INNER_SPACE_RE.sub("", s))]
    if titles:
        ti = titles[-1]
        title = INNER_SPACE_RE.sub("", pre[ti])
        if title != pre[ti]:
            notice_fixes.append(
                Correction(
                    where="notice",
                    kind=CorrectionKind.whitespace,
                    before=pre[ti],
                    after=title,
                    reason="删除标题字间的空格",
                )
            )
        notice_lines, subtitle = pre[:ti], pre[ti + 1 :]
    else:
        title, notice_lines, subtitle = "", pre, []
        report.add("warn", "title", "no line ending in 工作规则 before the first chapter; set metadata.title")
    notice: list[str] = []
    for s in notice_lines:
        if INNER_SPACE_RE.sub("", s) == title or (notice and notice[-1] == s):
            notice_fixes.append(
                Correction(
                    where="notice", kind=CorrectionKind.artifact, before=s, after="", reason="删除重复抓取的标题行"
                )
            )
            continue
        notice.append(s)
    _dropped(stage, "header", header_dropped, "删除网站页眉、导航与网页元数据（非文件内容）")
    stage.fixes.extend(notice_fixes)
    if notice or subtitle:
        report.add(
            "info",
            "notice",
            "kept before the first chapter as the covering notice and 题注 (a portal line among them? add its "
            "pattern to rules_data/boilerplate.yaml): " + " | ".join(notice + subtitle),
        )
    stage.value = Preamble(title=title, notice=notice, subtitle=subtitle)
    return stage


def tail(lines: list[str], start: int, rules: BoilerplateRules) -> Stage[Tail]:
    """Colophon (版记, kept but not rule text) and portal footer (dropped) after the rules."""
    stage: Stage[Tail] = Stage(Tail(len(lines), []))
    end = len(lines)
    for i in range(start + 1, len(lines)):
        s = _strip(lines[i])
        if s and (_matches(rules.footer_start, s) or _matches(rules.colophon_start, s)):
            end = i
            break
    footer: list[str] = []
    for idx in range(end, len(lines)):
        s = _strip(lines[idx])
        if not s:
            continue
        if footer or _matches(rules.footer_start, s):
            footer.append(s)
        elif c := _clean_line(lines[idx], "footer", stage.fixes, stage.report, idx + 1):
            stage.value.colophon.append(c)
    _dropped(stage, "footer", footer, "删除网站页脚（非文件内容）")
    stage.value.end = end
    return stage


def appendices(src: SourceLines, start: int, end: int) -> Stage[list[Appendix]]:
    """附件 / 附表 after the last article: each a part of its own, its aligned lines kept as a table."""
    stage: Stage[list[Appendix]] = Stage([])
    current: Appendix | None = None
    for idx in range(start, end):
        raw_line, lineno = src.lines[idx], src.numbers[idx]
        if not _bare(raw_line):
            continue
        cells = [c for c in (_strip(x) for x in TABLE_CELL_SPLIT.split(_strip(raw_line))) if c]
        s = _clean_line(raw_line, "appendix", stage.fixes, stage.report, lineno)
        if not s:
            continue
        if current is None or APPENDIX_RE.match(normalize(s)):
            current = Appendix(title=s, blocks=[])
            stage.value.append(current)
            continue
        if len(cells) >= 2:
            cells = [_strip(c.replace(ARTEFACT, "")) for c in cells]
            if current.blocks and current.blocks[-1].table is not None:
                current.blocks[-1].table.append(cells)
            else:
                current.blocks.append(AppendixBlock(table=[cells]))
        else:
            current.blocks.append(AppendixBlock(text=s))
    if stage.value:
        titles = " | ".join(a.title for a in stage.value)
        stage.report.add(
            "info",
            "appendix",
            f"{len(stage.value)} appendix part(s) after the last article, kept apart from the articles: {titles}",
        )
    return stage


def _route(lineno: int, what: str = "") -> str:
    """The way out of a refusal: a source fix for a faithful text, a new capture only for real damage."""
    return (
        f"if the source reads so faithfully, add a source_fixes entry for line {lineno} to the input file "
        f"(line: {lineno}, find, replace, reason){what}; if the capture itself is damaged, capture the page again"
    )


def _open(art: _Art | None) -> bool:
    """The article's last paragraph stops mid-sentence (a page break may follow)."""
    return bool(art and art.paras and art.paras[-1].text and not art.paras[-1].text.endswith(TERMINAL))


class _BodyBuilder:
    """The body stage, one small handler per kind of line (rulebook/data/lines.py says the kind)."""

    def __init__(self, lines: list[str], numbers: list[int], structure: Structure, end: int) -> None:
        self.lines, self.numbers, self.structure, self.end = lines, numbers, structure, end
        self.stage: Stage[Body] = Stage(Body([], {}, None))
        self.report, self.fixes = self.stage.report, self.stage.fixes
        self.chapters = self.stage.value.chapters
        self.art: _Art | None = None
        self.pending_title: _Chap | _Sec | None = None  # a heading whose title may stand on the next line
        self.art_script = structure.script

    # -- helpers ------------------------------------------------------------------------------------
    def _art_fixes(self) -> list[Correction]:
        assert self.art is not None
        return self.stage.value.art_fixes.setdefault(self.art.n, [])

    def _continues(self, line: Line, expected: int) -> bool:
        """A 第X条/第X章 at a line start continuing the sentence before it (a page break before a reference)."""
        heading_in_a_sentence = line.kind != "article" and bool(SENTENCE_PUNCT.search(line.rest))
        return _open(self.art) and (line.n != expected or line.reference or heading_in_a_sentence)

    def _as_continuation(self, s: str, lineno: int, line: Line, tmp: list[Correction], rep: Report) -> None:
        assert self.art is not None
        prev = self.art.paras[-1]
        why = "a reference" if line.reference else "not the next label"
        self.report.add(
            "info",
            self.art.anchor,
            f"line {lineno} {_quote(s, 14)} starts with {line.label} but continues line {prev.line} "
            f"(“…{prev.text[-CONTEXT:]}” ends mid-sentence; {why}): "
            "read as text, not a label",
        )
        self.on_text(Line(kind="text", norm=line.norm, rest=s), s, lineno, tmp, rep)

    # -- handlers -----------------------------------------------------------------------------------
    def on_chapter(self, line: Line, s: str, lineno: int, tmp: list[Correction], rep: Report) -> None:
        next_chapter = (self.chapters[-1].n if self.chapters else 0) + 1
        if self.art and self._continues(line, next_chapter):
            return self._as_continuation(s, lineno, line, tmp, rep)
        if line.n != next_chapter:
            self.report.add(
                "error",
                f"line {lineno}",
                f"chapter heading {_quote(s, 12)} out of sequence (expected chapter {next_chapter}); "
                + _route(lineno, " that corrects the number or joins the line to the one before"),
            )
            return
        title = line.title
        if title and (re.search(rf"第{NUM}[条节]|[。；;]", normalize(title)) or len(title) > 2 * HEADING_MAX):
            self.report.add(
                "error",
                f"line {lineno}",
                f"chapter heading runs on into the text ({_quote(s, 30)}): the line breaks after it are lost; "
                + _route(lineno, " with a line break (\\n) after the heading"),
            )
        chap = _Chap(n=next_chapter, label=line.label, title=title, line=lineno)
        self.chapters.append(chap)
        _place(tmp, rep, f"chp_{chap.n}", self.fixes, self.report)
        if self.art and not self.art.paras[-1].text.endswith(TERMINAL):
            self.report.add("warn", self.art.anchor, "article ends without final punctuation before a chapter heading")
        self.pending_title = chap if title is None else None

    def on_section(self, line: Line, s: str, lineno: int, tmp: list[Correction], rep: Report) -> bool:
        chap = self.chapters[-1] if self.chapters else None
        expected = (chap.secs[-1].n if chap and chap.secs else 0) + 1
        if self.art and chap and self._continues(line, expected):
            self._as_continuation(s, lineno, line, tmp, rep)
            return True
        if chap is None:
            self.report.add("error", f"line {lineno}", f"section heading {_quote(s, 12)} before any chapter")
            return False
        if line.n != expected:
            self.report.add(
                "error",
                f"line {lineno}",
                f"section heading {_quote(s, 12)} out of sequence (expected section {expected} of chapter "
                f"{chap.n}); " + _route(lineno),
            )
            return False
        sec = _Sec(n=expected, label=line.label, title=line.title, line=lineno)
        chap.secs.append(sec)
        _place(tmp, rep, f"chp_{chap.n}", self.fixes, self.report)
        self.pending_title = sec if sec.title is None else None
        return True

    def on_article(self, line: Line, s: str, lineno: int, tmp: list[Correction], rep: Report) -> None:
        expected = (self.art.n if self.art else 0) + 1
        if self.art and self._continues(line, expected):
            return self._as_continuation(s, lineno, line, tmp, rep)
        if line.n != expected:
            self.report.add(
                "error",
                f"line {lineno}",
                f"label {line.label} out of sequence (expected article {expected}): {_quote(s)}; "
                + _route(lineno, " that corrects the label (or joins a cross-reference to the line before)"),
            )
            if self.art is not None:
                self.on_text(Line(kind="text", norm=line.norm, rest=s), s, lineno, tmp, rep)
            return
        if not self.chapters:
            self.chapters.append(_Chap(n=0, label=None, title=None))
        self.art = _Art(n=expected, label=line.label, line=lineno)
        self.chapters[-1].arts.append(self.art)
        if self.chapters[-1].secs:
            self.chapters[-1].secs[-1].arts.append(self.art)
        _place(tmp, rep, self.art.anchor, self._art_fixes(), self.report)
        text = _join_inner_spaces(line.rest, self.art.anchor, self._art_fixes())
        self.art.paras.append(_Para(item=None, text=text, line=lineno))
        _run_together(text, lineno, self.structure, self.art.n, len(self.chapters), self.report)

    def on_text(self, line: Line, s: str, lineno: int, tmp: list[Correction], rep: Report) -> None:
        art = self.art
        if art is None:
            self.report.add("error", f"line {lineno}", f"text before the first article: {s[:30]}; " + _route(lineno))
            return
        fixes_here = self._art_fixes()
        _place(tmp, rep, art.anchor, fixes_here, self.report)
        item = line.label if line.kind == "item" else None
        s = _join_inner_spaces(line.rest if item else s, art.anchor, fixes_here)
        _run_together(s, lineno, self.structure, art.n, len(self.chapters), self.report)
        if item and line.marker:
            fixes_here.append(
                Correction(
                    where=art.anchor,
                    kind=CorrectionKind.artifact,
                    before=line.marker + item + s[:CONTEXT],
                    after=item + s[:CONTEXT],
                    reason="删除网页抓取产生的列表标记",
                )
            )
        prev = art.paras[-1]
        if prev.text == "" and not item:
            prev.text = s  # the label stood on its own line: this is the article's first paragraph
            return
        if not prev.text.endswith(TERMINAL) and not item:
            self._join(art, prev, s, lineno, fixes_here)
            return
        art.paras.append(_Para(item=item, text=s, line=lineno))

    def _join(self, art: _Art, prev: _Para, s: str, lineno: int, fixes_here: list[Correction]) -> None:
        """A page break split this paragraph: join it again and say so."""
        fixes_here.append(
            Correction(
                where=art.anchor,
                kind=CorrectionKind.page_break,
                before=prev.text[-CONTEXT:] + "\n" + s[:CONTEXT],
                after=prev.text[-CONTEXT:] + s[:CONTEXT],
                reason=f"合并被分页断开的段落（原文第{prev.line}行与第{lineno}行）",
            )
        )
        self.report.add(
            "info",
            art.anchor,
            f"joined lines {prev.line} and {lineno} across a page break: “{prev.text[-CONTEXT:]}⏎{s[:CONTEXT]}”",
        )
        if prev.text and s and prev.text[-1] == s[0]:
            self.report.add(
                "warn",
                art.anchor,
                f"page break at line {lineno} repeats “{s[0]}” on both sides: check for a duplicated character",
            )
        if any(prev.text.endswith(s[:k]) for k in range(DUP_MIN - 2, len(s) + 1)):
            self.report.add(
                "warn",
                art.anchor,
                f"duplicated text: line {lineno} repeats the end of line {prev.line} (“{s[:20]}”); "
                "check the capture and remove the copy with a source_fixes entry",
            )
        prev.text += s

    def appendix_starts(self, idx: int, line: Line) -> bool:
        """附件/附表 after the last article: no later line is the next article's label."""
        if self.art is None or _open(self.art):
            return False
        later = (
            classify(_bare(x), self.structure.style, self.structure.chapters, self.art_script)
            for x in self.lines[idx + 1 : self.end]
        )
        return not any(x.kind == "article" and x.n == self.art.n + 1 for x in later)

    # -- the loop -----------------------------------------------------------------------------------
    def run(self) -> tuple[int, Stage[Body]]:
        """Read the rule text; returns the index where appendices start (or `end`) and the stage."""
        structure = self.structure
        for idx in range(structure.start, self.end):
            raw_line, lineno = self.lines[idx], self.numbers[idx]
            if not _bare(raw_line):
                if ARTEFACT in raw_line:
                    self.fixes.append(_artefact_line(self.art.anchor if self.art else "notice", _strip(raw_line)))
                continue
            tmp: list[Correction] = []
            rep = Report()
            s = _clean_line(raw_line, "art_0", tmp, rep, lineno)  # "where" set once the line is known
            line = classify(s, structure.style, structure.chapters, self.art_script)
            pending, self.pending_title = self.pending_title, None
            if pending is not None and line.kind == "text" and heading_like(normalize(s)):
                pending.title = normalize_spaces(s)  # 第一章⏎总则: the title on its own line
                self.report.add(
                    "info", f"line {lineno}", f"title “{pending.title}” on its own line joined to {pending.label}"
                )
                _place(tmp, rep, f"chp_{self.chapters[-1].n}", self.fixes, self.report)
                continue
            if line.kind == "chapter" and structure.chapters:
                self.on_chapter(line, s, lineno, tmp, rep)
            elif line.kind == "section" and self.on_section(line, s, lineno, tmp, rep):
                pass
            elif line.kind == "article":
                self.on_article(line, s, lineno, tmp, rep)
            elif line.kind == "appendix" and self.appendix_starts(idx, line):
                self.report.add("info", f"line {lineno}", f"appendix from here: {_quote(s, 20)}")
                return idx, self.stage
            else:
                self.on_text(line, s, lineno, tmp, rep)
        return self.end, self.stage


def body(lines: list[str], structure: Structure, end: int, numbers: list[int] | None = None) -> Stage[Body]:
    """Chapters, sections, articles, paragraphs and items; □, list markers, page breaks and inner spaces
    cleaned on the way, each recorded. A doubtful structure is an error naming its lines."""
    numbers = numbers or list(range(1, len(lines) + 1))
    stop, stage = _BodyBuilder(lines, numbers, structure, end).run()
    stage.value.appendix_start = stop
    _check_body(stage)
    return stage


def _check_body(stage: Stage[Body]) -> None:
    report, fixes, chapters = stage.report, stage.fixes, stage.value.chapters
    arts = [a for c in chapters for a in c.arts]
    if not arts:
        report.add("error", "structure", "no articles found")
        return
    for a in arts:
        if not a.paras[-1].text:
            report.add("error", a.anchor, f"{a.label} (line {a.line}): label without any text; " + _route(a.line))
    while not chapters[-1].arts:  # the source stops right after a chapter heading
        dropped = chapters.pop()
        stage.value.tail_heading = " ".join(x for x in (dropped.label, dropped.title) if x)
        fixes[:] = [f for f in fixes if f.where != f"chp_{dropped.n}"]
    last_chap = chapters[-1]
    if last_chap.secs and not last_chap.secs[-1].arts:  # ... or right after a section heading
        dropped_sec = last_chap.secs.pop()
        stage.value.tail_heading = " ".join(x for x in (dropped_sec.label, dropped_sec.title) if x)
    for c in chapters:
        if not c.arts:
            report.add(
                "error", f"line {c.line}", f"{c.label} {c.title or ''}: chapter without articles; " + _route(c.line)
            )
        for sec in c.secs:
            if not sec.arts:
                report.add(
                    "error",
                    f"line {sec.line}",
                    f"{c.label} {sec.label} {sec.title or ''}: section without articles; " + _route(sec.line),
                )
    lengths = [sum(len(p.text) for p in a.paras) for a in arts]
    median = statistics.median(lengths)
    for a, length in zip(arts, lengths, strict=True):
        if length > LONG_MIN and length > LONG_FACTOR * median:
            report.add(
                "error",
                a.anchor,
                f"{a.label} (line {a.line}) has {length} characters, {length // max(1, int(median))}× the median "
                "article: line breaks between articles or chapters may be lost; " + _route(a.line),
            )
    _duplicates(arts, report)


def _duplicates(arts: list[_Art], report: Report) -> None:
    """A paragraph, item, line or article repeated by a capture glitch: a warning naming both lines."""
    for a in arts:
        seen: dict[tuple[str | None, str], int] = {}
        for p in a.paras:
            key = (p.item, p.text)
            if len(p.text) >= DUP_MIN and key in seen:
                report.add(
                    "warn",
                    a.anchor,
                    f"duplicated text: line {p.line} repeats line {seen[key]} (“{(p.item or '') + p.text[:20]}”); "
                    "if the source repeats it by a capture glitch, remove the copy with a source_fixes entry "
                    f"(line: {p.line})",
                )
            before = a.paras[a.paras.index(p) - 1] if a.paras.index(p) else None
            if before and key not in seen and len(p.text) >= 2 * DUP_MIN and p.text in before.text:
                report.add(
                    "warn",
                    a.anchor,
                    f"duplicated text: line {p.line} repeats part of line {before.line} (“{p.text[:20]}”); if the "
                    f"capture repeated it, remove the copy with a source_fixes entry (line: {p.line})",
                )
            seen.setdefault(key, p.line)
            half = len(p.text) // 2
            if len(p.text) >= 2 * DUP_MIN and len(p.text) % 2 == 0 and p.text[:half] == p.text[half:]:
                report.add(
                    "warn",
                    a.anchor,
                    f"duplicated text: line {p.line} holds the same text twice (“{p.text[:20]}”); remove the copy "
                    f"with a source_fixes entry (line: {p.line})",
                )
    for prev, a in itertools.pairwise(arts):
        if [p.text for p in prev.paras] == [p.text for p in a.paras]:
            report.add(
                "warn",
                a.anchor,
                f"duplicated text: {a.label} (line {a.line}) has the same text as {prev.label} (line {prev.line}); "
                "check the capture",
            )


def _place(tmp: list[Correction], line_report: Report, where: str, into: list[Correction], report: Report) -> None:
    """File a line's corrections and findings under the anchor the line turned out to belong to."""
    for f in tmp:
        f.where = where
    into.extend(tmp)
    for lvl, _, msg in line_report.items:
        report.add(lvl, where, msg)


def _run_together(text: str, lineno: int, structure: Structure, n: int, chapters: int, report: Report) -> None:
    """A later article (or chapter) starting inside this line: the capture lost its line breaks."""
    text = normalize(text)
    for m in INLINE_LABEL_RE[structure.style].finditer(text):
        if cn_to_int(m.group(2)) == n + 1:
            report.add(
                "error",
                f"line {lineno}",
                f"articles run together on one line: {m.group(1)} starts inside it "
                f"(at {_quote(text[m.start() : m.start() + 12], 12)}); the capture lost its line breaks: "
                + _route(lineno, f" that breaks the line before {m.group(1)} (replace with a \\n)"),
            )
            return
    if structure.chapters == "第X章":
        for m in INLINE_CHAPTER_RE.finditer(text):
            if cn_to_int(m.group(2)) == chapters + 1:
                report.add(
                    "error",
                    f"line {lineno}",
                    f"a chapter heading runs on inside an article: {m.group(1)} starts inside the line; the capture "
                    "lost its line breaks: "
                    + _route(lineno, f" that breaks the line before {m.group(1)} (replace with a \\n)"),
                )
                return


def manual_corrections(b: Body, inp: CityInput) -> Stage[None]:
    """Apply the editor's corrections from the input file; every bad one is reported, not just the first."""
    stage: Stage[None] = Stage(None)
    by_n = {a.n: a for c in b.chapters for a in c.arts}
    for k, mc in enumerate(inp.corrections):
        a = by_n.get(mc.article)
        key = f"corrections[{k}]"
        if a is None:
            stage.report.add("error", key, f"article {mc.article} does not exist (the text has {len(by_n)})")
            continue
        hits = sum(p.text.count(mc.find) for p in a.paras)
        if hits != 1:
            stage.report.add("error", key, f"“{mc.find}” occurs {hits} times in art_{mc.article}, expected once")
            continue
        emptied = [p for p in a.paras if mc.find in p.text and not p.text.replace(mc.find, mc.replace).strip()]
        if emptied:
            stage.report.add(
                "error",
                key,
                f"replacing “{mc.find}” with “{mc.replace}” would leave an empty paragraph in art_{mc.article}; "
                "a paragraph cannot be deleted by a correction (quote a longer `find` that keeps some text)",
            )
            continue
        for p in a.paras:
            p.text = p.text.replace(mc.find, mc.replace)
        for f in b.art_fixes.get(mc.article, []):
            if f.kind != CorrectionKind.manual:  # automatic records show the text as finally published
                f.after = f.after.replace(mc.find, mc.replace)
        b.art_fixes.setdefault(mc.article, []).append(
            Correction(
                where=f"art_{mc.article}",
                kind=CorrectionKind.manual,
                before=mc.find,
                after=mc.replace,
                reason=mc.reason,
            )
        )
    return stage


def truncation(b: Body, colophon: list[str], inp: CityInput) -> Stage[Truncation | None]:
    """Where the source stops, if it does: a cut mid-sentence or after a heading is certain; a text that
    ends without 附则, a 施行/解释 clause or a 版记 is 可能不完整 until the editor confirms it whole."""
    stage: Stage[Truncation | None] = Stage(None)
    report = stage.report
    last = b.chapters[-1].arts[-1]
    last_text = last.paras[-1].text
    if b.tail_heading:
        stage.value = Truncation(
            article=last.n,
            last_text=b.tail_heading,
            note=f"来源文本在“{b.tail_heading}”标题之后中断，该章及此后的条文原文缺失。",
        )
        report.add("warn", last.anchor, f"text stops after the heading “{b.tail_heading}”: marked incomplete")
        return stage
    if not last_text.endswith(FINAL):
        stage.value = Truncation(
            article=last.n,
            last_text=last_text[-20:],
            note=f"来源文本在{last.label}中途中断（止于“{last_text[-6:]}”），此后的条文原文缺失。",
        )
        report.add("warn", last.anchor, f"text stops mid-article at “{last_text[-12:]}”: marked incomplete")
        return stage
    closing_chapter = normalize(b.chapters[-1].title or "") in CLOSING_CHAPTER
    closing_clause = any(CLOSING_CLAUSE_RE.search(normalize(p.text)) for p in last.paras)
    if closing_chapter or closing_clause or colophon:
        return stage
    whole = " | ".join(p.text for p in last.paras)
    if inp.metadata.complete_confirmed:
        report.add(
            "info",
            last.anchor,
            f"no 附则, 施行/解释 clause or 版记 at the end; complete as confirmed in inputs "
            f"(metadata.complete_confirmed: {inp.metadata.complete_confirmed})",
        )
        return stage
    stage.value = Truncation(
        article=last.n,
        last_text=last_text[-20:],
        note=f"来源文本可能不完整：末尾没有附则、施行或解释条款，也没有版记；现存最后一条为{last.label}"
        f"（止于“{last_text[-6:]}”），编辑尚未核实其后是否还有条文。",
        suspected=True,
    )
    report.add(
        "warn",
        last.anchor,
        f"可能不完整: {_evidence(b, colophon)}; last article {last.label} (line {last.line}): “{whole[-60:]}”. "
        "Marked incomplete; if the source is whole, set metadata.complete_confirmed in the input file (how you "
        "checked it) and re-import",
    )
    return stage


def _evidence(b: Body, colophon: list[str]) -> str:
    """What the 可能不完整 judgement rests on, for the editor to weigh in a glance."""
    chapters = [c for c in b.chapters if c.arts]
    arts = [a for c in chapters for a in c.arts]
    last_chap, last = chapters[-1], arts[-1]
    parts = []
    if last_chap.label:
        parts.append(f"the last chapter is {last_chap.label} “{last_chap.title or ''}”, not 附则")
    else:
        parts.append("no chapters, so no 附则")
    parts.append(f"no 施行/解释 clause in the last article {last.label}")
    parts.append("no 版记" if not colophon else f"版记 “{colophon[0][:20]}”")
    parts.append(f"the last paragraph ends a full sentence (“…{last.paras[-1].text[-10:]}”)")
    numbered = [c.n for c in chapters if c.label]
    if numbered:
        parts.append(f"chapters numbered 1–{numbered[-1]}")
    parts.append(f"articles numbered 1–{last.n} without gaps")
    return "; ".join(parts)


def _adoption(notice: list[str], subtitle: list[str]) -> tuple[Adoption, bool]:
    text = "\n".join(notice + subtitle)
    m = ADOPTION_RE.search(text)
    if not m:
        m = next((c for s in subtitle + notice if (c := CAPTION_RE.match(s))), None)
    if not m:
        return Adoption(), False
    meeting = MEETING_PREFIX_RE.sub("", _strip(m.group("meeting")))
    date = m.group("date") or m.groupdict().get("date0")  # 2023年3月1日经…会议通过
    return Adoption(meeting=meeting, date=_iso(date)), True


def metadata(pre: Preamble, b: Body, inp: CityInput) -> Stage[Meta | None]:
    """Title, issuer, 文号, dates, meeting, what it repeals and the rules it follows."""
    stage: Stage[Meta | None] = Stage(None)
    report = stage.report
    md = inp.metadata
    notice, subtitle = pre.notice, pre.subtitle
    notice_text = "\n".join(notice + subtitle)
    body_text = "\n".join(p.text for c in b.chapters for a in c.arts for p in a.paras)
    title = md.title or pre.title
    if not title:
        report.add(
            "error",
            "title",
            "no title found (no line ending in 工作规则 before the first chapter) and metadata.title not set",
        )
        return stage
    issuer = md.issuer or title.removesuffix("工作规则")
    name = md.name or re.sub(r"人民政府$", "", issuer)

    doc_number = md.doc_number
    if doc_number is None:
        found = DOC_NUMBER_FIND.search(notice_text)
        doc_number = found.group() if found else None
        if not found:
            report.add("warn", "doc_number", "no 文号 in the notice; set metadata.doc_number if known")

    issued = md.issued
    if issued is None:
        dates = [m.group(1) for s in notice + subtitle if (m := DATE_LINE.match(s))]
        issued = _iso(dates[-1]) if dates else None
        if not dates:
            report.add("warn", "issued", "no issue date (a line holding only a date) in the notice")

    adopted = md.adopted
    if adopted is None:
        adopted, ok = _adoption(notice, subtitle)
        if not ok:
            report.add("warn", "adopted", "no adopting meeting found (已经…会议…通过, or a 题注 （…会议…通过）)")

    supersedes = [Superseded(title=t, doc_number=dn) for t, dn in SUPERSEDES_RE.findall(body_text)]
    references: list[Reference] = []
    relation: str | None = None
    first = next(a for c in b.chapters for a in c.arts)
    for m in REF_RE.finditer(first.paras[0].text):
        if m.group(1):
            relation = m.group(1)
        elif relation:
            references.append(Reference(title=m.group(2), relation=Relation(relation)))
    stage.value = Meta(name, title, issuer, doc_number, issued, adopted, supersedes, references)
    return stage


def _tail_report(b: Body, colophon: list[str]) -> Report:
    """The lines kept after the last article's first line: candidate boilerplate the editor should see."""
    report = Report()
    last = b.chapters[-1].arts[-1]
    kept = [f"line {p.line} “{p.text[:40]}”" for p in last.paras[1:]] + [f"版记 “{c[:40]}”" for c in colophon]
    if kept:
        report.add(
            "info",
            "tail",
            f"kept after the start of the last article {last.label} (a portal line among them? add its pattern "
            "to rules_data/boilerplate.yaml): " + " | ".join(kept),
        )
    return report


def _settle_lost_characters(report: Report, inp: CityInput) -> None:
    """A 可能缺字 warning is settled by an editor's correction of that spot (the article, the text around it)."""
    for k, (lvl, where, msg) in enumerate(report.items):
        m = MAYBE_LOST_FIND.search(msg) if lvl == "warn" and msg.startswith(MAYBE_LOST) else None
        if not m or not where.startswith("art_"):
            continue
        spot = m.group(1)
        for j, mc in enumerate(inp.corrections):
            if f"art_{mc.article}" == where and (spot in mc.find or mc.find in spot):
                report.items[k] = ("info", where, f"{msg.split(': the □')[0]}: settled by corrections[{j}]")
                break


def import_city(raw: bytes, inp: CityInput, rules: BoilerplateRules) -> tuple[City, Report]:
    """Segment one raw capture into a City (with every correction recorded) and a review report.

    Raises ImportFailed listing every error (structure, corrections, metadata) when the text cannot be
    published faithfully."""
    fixed_src = apply_source_fixes(decode(raw, inp).value, inp)
    if fixed_src.report.errors():  # a bad fix would only make the rest noise
        raise ImportFailed(fixed_src.report.errors())
    src = fixed_src.value
    lines = src.lines
    structure = detect_structure(lines)
    start = structure.value.start
    pre = preamble(lines[:start], rules)
    end = tail(lines, start, rules)
    b = body(lines, structure.value, end.value.end, src.numbers)
    apx = appendices(src, b.value.appendix_start, end.value.end)
    report = Report()
    for st in (fixed_src, pre, end, structure, b, apx):
        report.extend(st.report)
    if not any(c.arts for c in b.value.chapters):
        raise ImportFailed(report.errors())
    # Corrections cite articles: against a doubtful structure their errors would only be noise.
    fixed = manual_corrections(b.value, inp) if not report.errors() else Stage(None)
    cut = truncation(b.value, end.value.colophon, inp)  # after the corrections: it quotes the published text
    meta = metadata(pre.value, b.value, inp)
    for st in (fixed, cut, meta):
        report.extend(st.report)
    report.extend(_tail_report(b.value, end.value.colophon))
    _settle_lost_characters(report, inp)
    if report.errors() or meta.value is None:
        raise ImportFailed(report.errors())
    trunc = cut.value
    for lineno, fix in src.fixed:
        fix.where = _where_line(lineno, src, start, b.value, end.value.end)
        if fix.where.startswith("art_"):
            b.value.art_fixes.setdefault(int(fix.where[4:]), []).insert(0, fix)
    report.extend(_control_report(src))

    corrections = [*(f for _, f in src.fixed if not f.where.startswith("art_")), *pre.fixes, *end.fixes, *b.fixes]
    corrections += apx.fixes
    for n in sorted(b.value.art_fixes):
        corrections.extend(b.value.art_fixes[n])
    md, found = inp.metadata, meta.value
    city = City(
        id=inp.id,
        name=found.name,
        title=found.title,
        issuer=found.issuer,
        province=md.province,
        level=md.level,
        doc_number=found.doc_number,
        adopted=found.adopted,
        issued=found.issued,
        status=md.status,
        status_note=md.status_note,
        status_as_of=md.status_as_of,
        # an editor's `replaces` only adds what the text's own "…同时废止" does not already name
        supersedes=found.supersedes + ([md.replaces] if md.replaces and md.replaces not in found.supersedes else []),
        references=found.references,
        source=inp.source,
        notice=pre.value.notice,
        subtitle=pre.value.subtitle,
        colophon=end.value.colophon,
        numbering=structure.value.style,
        complete=trunc is None,
        truncation=trunc,
        chapters=[_chapter(c, trunc) for c in b.value.chapters if c.arts],
        appendices=apx.value,
        corrections=corrections,
    )
    return city, report


def _chapter(c: _Chap, trunc: Truncation | None) -> Chapter:
    return Chapter(
        n=c.n,
        label=c.label,
        title=c.title,
        articles=[
            Article(
                n=a.n,
                label=a.label,
                paragraphs=[Paragraph(item=p.item, text=p.text) for p in a.paras],
                complete=not (trunc and trunc.article == a.n),
            )
            for a in c.arts
        ],
        sections=[Section(n=s.n, label=s.label, title=s.title, articles=[a.n for a in s.arts]) for s in c.secs],
    )
