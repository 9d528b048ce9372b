"""Importer: a raw web capture of a 工作规则 + its input file -> a City and a review report.

General by design: no per-city branches. Everything city-specific lives in rules_data/inputs/,
and portal boilerplate patterns live in rules_data/boilerplate.yaml.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from .models import (
    Adoption,
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
    Superseded,
    Truncation,
)
from .numerals import cn_to_int, parse_date

NUM = r"[零〇一二三四五六七八九十百千两\d]+"
CHAPTER_RE = re.compile(rf"^第({NUM})章\s*(.*)$")
ARTICLE_RES = {
    "第X条": re.compile(rf"^(第({NUM})条)\s*(.*)$"),
    "X、": re.compile(rf"^(({NUM})、)\s*(.*)$"),
}
ITEM_RE = re.compile(rf"^(?:(?P<marker>[-*•]\s+))?(?P<label>[（(]{NUM}[）)])\s*(?P<text>.*)$")
# A paragraph that ends in one of these is complete; anything else was cut by a page break.
TERMINAL = tuple("。；;：:！!？?…”’」』")
# The document itself must end a sentence: a last line ending in “：” or “；” was cut off.
FINAL = tuple("。！!？?…”’」』")
ARTEFACT = "□"
SPACES = " \t\u3000\xa0\u2002\u2003\u200b"
CJK = r"\u3400-\u9fff"
INNER_SPACE_RE = re.compile(rf"(?<=[{CJK}])[{SPACES}]+(?=[{CJK}])")
DOC_NUMBER_FIND = re.compile(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号")
DATE_CN = r"[〇零一二三四五六七八九十]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日"
DATE_AR = r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{1,2}-\d{1,2}"
DATE_FIND = re.compile(rf"{DATE_CN}|{DATE_AR}")
DATE_LINE = re.compile(rf"^[（(]?({DATE_CN}|{DATE_AR})[）)]?$")
ADOPTION_RE = re.compile(
    rf"(?:已经|经)(?P<date>{DATE_CN}|{DATE_AR})?(?P<meeting>[^，,。；]*?会议)(?:[^，,。；]{{0,4}})?通过"
)
SUPERSEDES_RE = re.compile(r"《([^》]+)》[（(]([^）)]*?〔\d{4}〕\d+号)[）)]同时废止")
REF_RE = re.compile(r"(根据|参照)|《([^》]+)》")
CONTEXT = 8


class ImportError_(ValueError):
    """The source cannot be segmented; the message says where."""


@dataclass
class Report:
    """What the importer could not detect or found suspicious — for the editor to review."""

    items: list[tuple[str, str, str]] = field(default_factory=list)  # (level, where, message)

    def add(self, level: str, where: str, message: str) -> None:
        self.items.append((level, where, message))

    def render(self) -> str:
        if not self.items:
            return "(nothing to report)"
        return "\n".join(f"[{lvl}] {where}: {msg}" for lvl, where, msg in self.items)


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
class _Chap:
    n: int
    label: str | None
    title: str | None
    arts: list[_Art] = field(default_factory=list)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _strip(s: str) -> str:
    return s.strip(SPACES + "\r\n")


def _clean_line(raw: str, where: str, fixes: list[Correction]) -> str:
    """Strip the line and drop □ artefacts; record each removal with a little context."""
    line = _strip(raw)
    final = _strip(line.replace(ARTEFACT, ""))
    for m in re.finditer(f"{ARTEFACT}+", line):
        p = len(line[: m.start()].replace(ARTEFACT, "").lstrip(SPACES))  # position in the cleaned line
        if final:
            fixes.append(
                Correction(
                    where=where,
                    kind=CorrectionKind.artifact,
                    before=final[max(0, p - CONTEXT) : p] + m.group() + final[p : p + 4],
                    after=final[max(0, p - CONTEXT) : p + 4],
                    reason=f"删除网页抓取残留符号“{ARTEFACT}”",
                )
            )
    line = final
    return line


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
    return line.endswith("工作规则") and not line.startswith("《")


def _find_body_start(lines: list[str]) -> int:
    for i, raw in enumerate(lines):
        s = _strip(raw.replace(ARTEFACT, ""))
        m = CHAPTER_RE.match(s)
        if m and cn_to_int(m.group(1)) == 1:
            return i
    for i, raw in enumerate(lines):
        s = _strip(raw.replace(ARTEFACT, ""))
        for rx in ARTICLE_RES.values():
            m = rx.match(s)
            if m and cn_to_int(m.group(2)) == 1:
                return i
    raise ImportError_("no 第一章 and no first article (第一条 / 一、) found: cannot find where the rules begin")


def _iso(date_text: str | None) -> str | None:
    return parse_date(date_text) if date_text else None


def import_city(raw: bytes, inp: CityInput, rules: BoilerplateRules) -> tuple[City, Report]:
    """Segment one raw capture into a City (with every correction recorded) and a review report."""
    report = Report()
    digest = sha256_bytes(raw)
    if digest != inp.source.sha256:
        raise ImportError_(f"source {inp.source.file}: sha256 {digest} != recorded {inp.source.sha256}")
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as e:
        raise ImportError_(f"source {inp.source.file} is not UTF-8 ({e}); convert it (e.g. from GBK) first") from None
    fixes: list[Correction] = []

    start = _find_body_start(lines)

    # --- preamble: portal header, covering notice, title, subtitle -------------------------
    header_dropped: list[str] = []
    pre: list[str] = []
    notice_fixes: list[Correction] = []
    for raw_line in lines[:start]:
        s = _strip(raw_line)
        if not s:
            continue
        if _matches(rules.header, s):
            header_dropped.append(s)
            continue
        c = _clean_line(raw_line, "notice", notice_fixes)
        if not c:
            notice_fixes.append(
                Correction(
                    where="notice",
                    kind=CorrectionKind.artifact,
                    before=s,
                    after="",
                    reason=f"删除只含抓取残留符号“{ARTEFACT}”的行",
                )
            )
            continue
        pre.append(c)
    titles = [i for i, s in enumerate(pre) if _title_like(s)]
    if titles:
        ti = titles[-1]
        title = pre[ti]
        notice_lines, subtitle = pre[:ti], pre[ti + 1 :]
    else:
        title, notice_lines, subtitle = "", pre, []
        report.add("warn", "title", "no line ending in 工作规则 before the first chapter; set metadata.title")
    notice: list[str] = []
    for s in notice_lines:
        if s == title or (notice and notice[-1] == s):
            notice_fixes.append(
                Correction(
                    where="notice", kind=CorrectionKind.artifact, before=s, after="", reason="删除重复抓取的标题行"
                )
            )
            continue
        notice.append(s)
    if header_dropped:
        fixes.append(
            Correction(
                where="header",
                kind=CorrectionKind.boilerplate,
                before="\n".join(header_dropped),
                after="",
                reason="删除网站页眉、导航与网页元数据（非文件内容）",
            )
        )
        report.add("info", "header", f"dropped {len(header_dropped)} portal line(s): " + " | ".join(header_dropped))
    fixes.extend(notice_fixes)
    if notice or subtitle:
        report.add(
            "info",
            "notice",
            "kept as the covering notice (check no portal line is left): " + " | ".join(notice + subtitle),
        )

    # --- tail: colophon (版记) kept, portal footer dropped ----------------------------------
    end = len(lines)
    for i in range(start + 1, len(lines)):
        s = _strip(lines[i])
        if s and (_matches(rules.footer_start, s) or _matches(rules.colophon_start, s)):
            end = i
            break
    colophon: list[str] = []
    footer: list[str] = []
    for raw_line in lines[end:]:
        s = _strip(raw_line)
        if not s:
            continue
        if footer or _matches(rules.footer_start, s):
            footer.append(s)
        elif c := _clean_line(raw_line, "footer", fixes):
            colophon.append(c)
    if footer:
        fixes.append(
            Correction(
                where="footer",
                kind=CorrectionKind.boilerplate,
                before="\n".join(footer),
                after="",
                reason="删除网站页脚（非文件内容）",
            )
        )
        report.add("info", "footer", f"dropped {len(footer)} portal line(s): " + " | ".join(footer))

    # --- body: chapters, articles, paragraphs, items ---------------------------------------
    style: str | None = None
    chapters: list[_Chap] = []
    art: _Art | None = None
    art_fixes: dict[int, list[Correction]] = {}
    for idx in range(start, end):
        raw_line = lines[idx]
        lineno = idx + 1
        if not _strip(raw_line.replace(ARTEFACT, "")):
            if ARTEFACT in raw_line:
                fixes.append(
                    Correction(
                        where=f"art_{art.n}" if art else "notice",
                        kind=CorrectionKind.artifact,
                        before=_strip(raw_line),
                        after="",
                        reason=f"删除只含抓取残留符号“{ARTEFACT}”的行",
                    )
                )
            continue
        tmp: list[Correction] = []
        s = _clean_line(raw_line, "art_0", tmp)  # placeholder "where", set below once the line is known
        m = CHAPTER_RE.match(s)
        if m and cn_to_int(m.group(1)) == (chapters[-1].n if chapters else 0) + 1:
            title_text = re.sub(f"[{SPACES}]+", "", m.group(2)) or None
            chapters.append(_Chap(n=cn_to_int(m.group(1)), label=f"第{m.group(1)}章", title=title_text))
            for f in tmp:
                f.where = f"chp_{chapters[-1].n}"
            fixes.extend(tmp)
            if art and not art.paras[-1].text.endswith(TERMINAL):
                report.add("warn", f"art_{art.n}", "article ends without final punctuation before a chapter heading")
            continue
        if m:
            report.add("warn", f"line {lineno}", f"chapter heading {m.group(0)[:12]} out of sequence; kept as text")
        if style is None:
            for name, rx in ARTICLE_RES.items():
                if rx.match(s):
                    style = name
                    break
        am = ARTICLE_RES[style].match(s) if style else None
        expected = (art.n if art else 0) + 1
        if am and cn_to_int(am.group(2)) == expected:
            if not chapters:
                chapters.append(_Chap(n=0, label=None, title=None))
            art = _Art(n=expected, label=am.group(1), line=lineno)
            chapters[-1].arts.append(art)
            for f in tmp:
                f.where = f"art_{art.n}"
            art_fixes.setdefault(art.n, []).extend(tmp)
            text = _join_inner_spaces(am.group(3), art.anchor, art_fixes[art.n])
            art.paras.append(_Para(item=None, text=text, line=lineno))
            continue
        if am:
            report.add(
                "warn", f"line {lineno}", f"label {am.group(1)} out of sequence (expected {expected}); kept as text"
            )
        if art is None:
            raise ImportError_(f"line {lineno}: text before the first article: {s[:30]}")
        for f in tmp:
            f.where = f"art_{art.n}"
        fixes_here = art_fixes.setdefault(art.n, [])
        fixes_here.extend(tmp)
        im = ITEM_RE.match(s)
        s = _join_inner_spaces(im.group("text") if im else s, f"art_{art.n}", fixes_here)
        if im and im.group("marker"):
            fixes_here.append(
                Correction(
                    where=f"art_{art.n}",
                    kind=CorrectionKind.artifact,
                    before=im.group("marker") + im.group("label") + s[:CONTEXT],
                    after=im.group("label") + s[:CONTEXT],
                    reason="删除网页抓取产生的列表标记",
                )
            )
        prev = art.paras[-1]
        if prev.text == "" and not im:
            prev.text = s  # the label stood on its own line: this is the article's first paragraph
            continue
        if not prev.text.endswith(TERMINAL) and not im:
            # A page break split this paragraph: join it again and say so.
            fixes_here.append(
                Correction(
                    where=f"art_{art.n}",
                    kind=CorrectionKind.page_break,
                    before=prev.text[-CONTEXT:] + "\n" + s[:CONTEXT],
                    after=prev.text[-CONTEXT:] + s[:CONTEXT],
                    reason=f"合并被分页断开的段落（原文第{prev.line}行与第{lineno}行）",
                )
            )
            if prev.text and s and prev.text[-1] == s[0]:
                report.add(
                    "warn",
                    f"art_{art.n}",
                    f"page break at line {lineno} repeats “{s[0]}” on both sides: check for a duplicated character",
                )
            prev.text += s
            continue
        if im:
            art.paras.append(_Para(item=im.group("label"), text=s, line=lineno))
        else:
            art.paras.append(_Para(item=None, text=s, line=lineno))

    if style is None or not chapters or not any(c.arts for c in chapters):
        raise ImportError_("no articles found")
    for a in (a for c in chapters for a in c.arts):
        if not a.paras[-1].text:
            raise ImportError_(f"art_{a.n} ({a.label}, line {a.line}): label without any text")
    tail_heading = None
    while not chapters[-1].arts:  # the source stops right after a chapter heading
        dropped = chapters.pop()
        tail_heading = " ".join(x for x in (dropped.label, dropped.title) if x)
        fixes[:] = [f for f in fixes if f.where != f"chp_{dropped.n}"]
    for c in chapters:
        if not c.arts:
            raise ImportError_(f"{c.label} {c.title or ''}: chapter without articles")

    # --- manual corrections from the input file --------------------------------------------
    by_n = {a.n: a for c in chapters for a in c.arts}
    for k, mc in enumerate(inp.corrections):
        a = by_n.get(mc.article)
        key = f"corrections[{k}]"
        if a is None:
            raise ImportError_(f"{key}: article {mc.article} does not exist")
        hits = sum(p.text.count(mc.find) for p in a.paras)
        if hits != 1:
            raise ImportError_(f"{key}: “{mc.find}” occurs {hits} times in art_{mc.article}, expected once")
        for p in a.paras:
            p.text = p.text.replace(mc.find, mc.replace)
        for f in art_fixes.get(mc.article, []):
            if f.kind != CorrectionKind.manual:  # automatic records show the text as finally published
                f.after = f.after.replace(mc.find, mc.replace)
        art_fixes.setdefault(mc.article, []).append(
            Correction(
                where=f"art_{mc.article}",
                kind=CorrectionKind.manual,
                before=mc.find,
                after=mc.replace,
                reason=mc.reason,
            )
        )

    # --- truncation (after corrections, so it quotes the published text) ---------------------
    last = chapters[-1].arts[-1]
    truncation = None
    if tail_heading:
        truncation = Truncation(
            article=last.n,
            last_text=tail_heading,
            note=f"来源文本在“{tail_heading}”标题之后中断，该章及此后的条文原文缺失。",
        )
        report.add("warn", f"art_{last.n}", f"text stops after the heading “{tail_heading}”: marked incomplete")
    elif not last.paras[-1].text.endswith(FINAL):
        truncation = Truncation(
            article=last.n,
            last_text=last.paras[-1].text[-20:],
            note=f"来源文本在{last.label}中途中断（止于“{last.paras[-1].text[-6:]}”），此后的条文原文缺失。",
        )
        report.add(
            "warn", f"art_{last.n}", f"text stops mid-article at “{last.paras[-1].text[-12:]}”: marked incomplete"
        )

    # --- metadata ---------------------------------------------------------------------------
    md = inp.metadata
    notice_text = "\n".join(notice + subtitle)
    body_text = "\n".join(p.text for c in chapters for a in c.arts for p in a.paras)
    title = md.title or title
    if not title:
        raise ImportError_("no title found and metadata.title not set")
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
        m = ADOPTION_RE.search(notice_text)
        adopted = Adoption(meeting=m.group("meeting"), date=_iso(m.group("date"))) if m else Adoption()
        if not m:
            report.add("warn", "adopted", "no adopting meeting found (已经…会议…通过)")

    supersedes = [Superseded(title=t, doc_number=dn) for t, dn in SUPERSEDES_RE.findall(body_text)]
    references: list[Reference] = []
    relation: str | None = None
    for m in REF_RE.finditer(chapters[0].arts[0].paras[0].text):
        if m.group(1):
            relation = m.group(1)
        elif relation:
            references.append(Reference(title=m.group(2), relation=Relation(relation)))

    corrections = list(fixes)
    for n in sorted(art_fixes):
        corrections.extend(art_fixes[n])

    city = City(
        id=inp.id,
        name=name,
        title=title,
        issuer=issuer,
        province=md.province,
        level=md.level,
        doc_number=doc_number,
        adopted=adopted,
        issued=issued,
        status=md.status,
        status_note=md.status_note,
        supersedes=supersedes,
        references=references,
        source=inp.source,
        notice=notice,
        subtitle=subtitle,
        colophon=colophon,
        numbering=style,
        complete=truncation is None,
        truncation=truncation,
        chapters=[
            Chapter(
                n=c.n,
                label=c.label,
                title=c.title,
                articles=[
                    Article(
                        n=a.n,
                        label=a.label,
                        paragraphs=[Paragraph(item=p.item, text=p.text) for p in a.paras],
                        complete=not (truncation and truncation.article == a.n),
                    )
                    for a in c.arts
                ],
            )
            for c in chapters
            if c.arts
        ],
        corrections=corrections,
    )
    return city, report
