"""The schema: one pydantic model set for every file under rules_data/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

# A city slug names a folder of the site (cities/<slug>/) and files (lookup/shards/<slug>.js).
SLUG_RE = r"^[a-z][a-z0-9_]{1,39}$"
TOPIC_ID_RE = r"^[a-z][a-z0-9_]*$"
# Names the site's own pages and folders use: a city or topic with one of these ids would hide or
# replace a page (cities/index.md is the section page), so they are refused.
RESERVED_SLUGS = frozenset(
    {"index", "assets", "search", "data", "compare", "chains", "lookup", "cities", "downloads", "404"}
)
DATE_RE = r"^\d{4}-\d{2}-\d{2}$"
SHA256_RE = r"^[0-9a-f]{64}$"
# A 文号: issuer code, year in 〔〕, serial, 号 — e.g. 郴政发〔2007〕17号.
DOC_NUMBER_RE = r"^[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号$"


# C0 and C1 control characters and DEL. Newline and tab are allowed in text, never in labels.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LABEL_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# What could start HTML, a Jinja/macros expression, a Mermaid directive or Markdown code in a name.
MARKUP_TOKENS = ("<", ">", "{{", "}}", "{%", "%}", "%%{", "`")
MARKUP_MESSAGE = "markup-like characters are not allowed in names and labels"


class FieldError(ValueError):
    """A validation error below the field it was raised for: `path` (e.g. `[3]`, `.meetings[0]`) is
    appended to the field's location when the error is reported (rulebook.data does)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a field value (lists and dict keys/values), with its path below the field."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _strings(v, f"{path}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, f"{path}.{k!s}")
            yield from _strings(v, f"{path}.{k!s}")


def control_character(text: str, *, label: bool = False) -> str | None:
    """The message for the first control character in `text` (None if there is none)."""
    m = (LABEL_CONTROL_RE if label else CONTROL_RE).search(text)
    if not m:
        return None
    allowed = "" if label else " (only newline and tab are allowed in text)"
    return f"control character U+{ord(m.group()):04X} at position {m.start()} is not allowed{allowed}"


def markup_tokens(text: str) -> list[str]:
    """The markup-like tokens (MARKUP_TOKENS) that occur in `text`."""
    return [t for t in MARKUP_TOKENS if t in text]


class Strict(BaseModel):
    """Base model: unknown keys are errors, never silently dropped; no string holds a control character.

    `LABELS` names the fields that are names or labels (shown in navigation, titles, charts): they
    take no newline or tab either, and rulebook.data refuses markup-like characters in them."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=False)
    LABELS: ClassVar[tuple[str, ...]] = ()

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        label = info.field_name in cls.LABELS
        for path, text in _strings(value):
            problem = control_character(text, label=label)
            if problem:
                raise FieldError(path, problem)
        return value


def label_markup(obj: BaseModel, loc: str = "") -> Iterator[tuple[str, list[str]]]:
    """(key path, tokens) for every name/label field below `obj` that holds markup-like tokens."""
    labels = getattr(type(obj), "LABELS", ())
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        key = f"{loc}.{name}" if loc else name
        if name in labels:
            for path, text in _strings(value):
                found = markup_tokens(text)
                if found:
                    yield key + path, found
        yield from _nested_markup(value, key)


def _nested_markup(value: Any, key: str) -> Iterator[tuple[str, list[str]]]:
    if isinstance(value, BaseModel):
        yield from label_markup(value, key)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from _nested_markup(v, f"{key}[{i}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _nested_markup(v, f"{key}.{k}")


def _not_reserved(v: str) -> str:
    if v in RESERVED_SLUGS:
        names = ", ".join(sorted(RESERVED_SLUGS))
        raise FieldError("", f"{v!r} is reserved for a page or folder of the site (reserved: {names})")
    return v


class Level(StrEnum):
    prefecture = "地级市"
    county = "县级市"
    province = "省级"
    national = "国家级"
    county_gov = "县（区）级"


class Status(StrEnum):
    """时效性, in the vocabulary of official law databases, plus 未核实 (not verified by us)."""

    in_force = "现行有效"
    amended = "已修改"
    repealed = "已废止"
    not_yet = "尚未生效"
    unverified = "未核实"


class Relation(StrEnum):
    according_to = "根据"
    with_reference_to = "参照"


class CorrectionKind(StrEnum):
    artifact = "artifact"  # capture artefact such as "□" or a stray list marker
    page_break = "page_break"  # a paragraph split by a page break, joined again
    whitespace = "whitespace"  # a space inside a word
    boilerplate = "boilerplate"  # portal header/footer lines dropped
    manual = "manual"  # an editor's correction from rules_data/inputs/


class Reference(Strict):
    title: str = Field(min_length=1, description="《》 title of the higher rule, without brackets")
    relation: Relation


class Superseded(Strict):
    title: str = Field(min_length=1)
    doc_number: str | None = Field(default=None, pattern=DOC_NUMBER_RE)


class Adoption(Strict):
    meeting: str | None = None
    date: str | None = Field(default=None, pattern=DATE_RE)


SOURCE_FILE_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


class Source(Strict):
    file: str = Field(description="a plain file name in rules_data/sources/")
    sha256: str = Field(pattern=SHA256_RE)
    captured_from: str = Field(min_length=1, description="where the capture came from, as far as known")

    @field_validator("file")
    @classmethod
    def _plain_file_name(cls, v: str) -> str:
        if not SOURCE_FILE_RE.fullmatch(v) or ".." in v:
            raise FieldError(
                "", f"must be a plain file name in rules_data/sources/ (no '/', '..' or absolute path), got {v!r}"
            )
        return v


class Paragraph(Strict):
    """A paragraph of an article; an enumerated item carries its label, e.g. （一）."""

    item: str | None = None
    text: str = Field(min_length=1)

    def full_text(self) -> str:
        return f"{self.item}{self.text}" if self.item else self.text


class Article(Strict):
    n: int = Field(ge=1, description="ordinal in the document; anchor art_<n>")
    label: str = Field(min_length=1, description="the original label: 第三十五条 or 三十五、")
    paragraphs: list[Paragraph] = Field(min_length=1)
    complete: bool = True

    @property
    def anchor(self) -> str:
        return f"art_{self.n}"

    def text(self) -> str:
        """The article's text (after corrections), paragraphs joined by newlines."""
        return "\n".join(p.full_text() for p in self.paragraphs)


class Section(Strict):
    """A 节 inside a chapter: numbered from 1 in each chapter; it lists its articles by ordinal."""

    n: int = Field(ge=1, description="ordinal inside the chapter; anchor chp_<chapter>__sec_<n>")
    label: str = Field(min_length=1, description="as printed: 第一节")
    title: str | None = None
    articles: list[int] = Field(min_length=1, description="ordinals of its articles (consecutive)")


class Chapter(Strict):
    LABELS = ("label", "title")

    n: int = Field(ge=0, description="ordinal; 0 = text without chapters")
    label: str | None = None
    title: str | None = None
    articles: list[Article] = Field(min_length=1)
    sections: list[Section] = Field(default=[], description="节, if the chapter has them; articles stay above")

    @property
    def anchor(self) -> str:
        return f"chp_{self.n}"

    def section_anchor(self, s: Section) -> str:
        return f"{self.anchor}__sec_{s.n}"

    def section_starting(self, n: int) -> Section | None:
        """The section whose first article is art_<n>, if any (where its heading goes)."""
        return next((s for s in self.sections if s.articles[0] == n), None)

    @model_validator(mode="after")
    def _sections(self) -> Chapter:
        ns = [a.n for a in self.articles]
        for k, s in enumerate(self.sections, start=1):
            if s.n != k:
                raise ValueError(f"sections must be numbered 1..{len(self.sections)}, got {s.n} at {k}")
            if s.articles != list(range(s.articles[0], s.articles[0] + len(s.articles))) or not set(s.articles) <= set(
                ns
            ):
                raise ValueError(f"section {s.n}: articles {s.articles} are not consecutive articles of this chapter")
        covered = [n for s in self.sections for n in s.articles]
        if covered != sorted(covered) or len(set(covered)) != len(covered):
            raise ValueError("sections overlap or are out of order")
        return self

    def heading(self, sep: str = " ") -> str:
        """第二章 会议制度 (empty for a text without chapters)."""
        return sep.join(x for x in (self.label, self.title) if x)


class Correction(Strict):
    """One change between the raw source and the published text (a 校勘记 entry)."""

    where: str = Field(pattern=r"^(art_\d+|chp_\d+|notice|header|footer|appendix)$")
    kind: CorrectionKind
    before: str
    after: str
    reason: str = Field(min_length=1)

    @property
    def article(self) -> int | None:
        """The ordinal of the article corrected (`where` art_<n>), else None."""
        return int(self.where[4:]) if self.where.startswith("art_") else None


class Truncation(Strict):
    article: int = Field(ge=1, description="ordinal of the article the text stops in")
    last_text: str = Field(min_length=1, description="the last characters before the source stops")
    note: str = Field(min_length=1)
    suspected: bool = Field(
        default=False, description="true: not a visible cut, but no 附则/施行 clause/版记 at the end (可能不完整)"
    )


class AppendixBlock(Strict):
    """A paragraph of an appendix, or a table (rows of cells, as aligned in the source)."""

    text: str | None = None
    table: list[list[str]] | None = None


class Appendix(Strict):
    """附件 / 附表 after the last article: part of the document, not of any article."""

    title: str = Field(min_length=1)
    blocks: list[AppendixBlock] = []


class City(Strict):
    """rules_data/cities/<id>.yaml — generated by scripts/import_city.py; do not edit by hand."""

    LABELS = ("name", "title", "issuer", "province")

    id: str = Field(pattern=SLUG_RE)
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    province: str = Field(min_length=1)
    level: Level
    doc_number: str | None = Field(default=None, pattern=DOC_NUMBER_RE)
    adopted: Adoption = Adoption()
    issued: str | None = Field(default=None, pattern=DATE_RE)
    status: Status
    status_note: str | None = None
    status_as_of: str | None = Field(default=None, pattern=DATE_RE)
    supersedes: list[Superseded] = []
    references: list[Reference] = []
    source: Source
    notice: list[str] = []
    subtitle: list[str] = []
    colophon: list[str] = []
    numbering: Literal["第X条", "X、"]
    complete: bool
    truncation: Truncation | None = None
    chapters: list[Chapter] = Field(min_length=1)
    appendices: list[Appendix] = []
    corrections: list[Correction] = []

    def articles(self) -> list[Article]:
        return [a for c in self.chapters for a in c.articles]

    def article(self, n: int) -> Article:
        for a in self.articles():
            if a.n == n:
                return a
        raise KeyError(f"{self.id}: no article art_{n}")

    _id_not_reserved = field_validator("id")(_not_reserved)

    @model_validator(mode="after")
    def _consistent(self) -> City:
        ns = [a.n for a in self.articles()]
        if ns != list(range(1, len(ns) + 1)):
            raise ValueError(f"articles must be numbered 1..{len(ns)} continuously, got {ns}")
        chs = [c.n for c in self.chapters]
        if len(set(chs)) != len(chs):
            raise ValueError(f"duplicate chapter ordinals {chs}")
        if self.complete != (self.truncation is None):
            raise ValueError("complete must be false exactly when truncation is set")
        for c in self.corrections:
            if c.article is not None and c.article not in ns:
                raise ValueError(f"correction cites unknown article {c.where}")
        if self.truncation and self.truncation.article not in ns:
            raise ValueError(f"truncation cites unknown article art_{self.truncation.article}")
        return self


class ManualCorrection(Strict):
    article: int = Field(ge=1)
    find: str = Field(min_length=1, description="text as it reads after automatic clean-up; must occur once")
    replace: str
    reason: str = Field(min_length=1)


class SourceFix(Strict):
    """An editor's fix of one line of the raw capture, applied before the text is parsed (a 校勘记 entry):
    the route for a faithful text whose layout the importer misreads, without editing the source file."""

    line: int = Field(ge=1, description="the line number in the source file (as the importer's messages give it)")
    find: str = Field(min_length=1, description="text as it stands in that line; must occur there once")
    replace: str = Field(description="what it becomes; a line break (\\n) splits the line, empty deletes it")
    reason: str = Field(min_length=1)


class InputMetadata(Strict):
    """Facts the text lacks or states unclearly; each overrides what the importer detects."""

    LABELS = ("name", "title", "issuer", "province")

    name: str | None = None
    title: str | None = None
    issuer: str | None = None
    province: str
    level: Level
    doc_number: str | None = Field(default=None, pattern=DOC_NUMBER_RE)
    adopted: Adoption | None = None
    issued: str | None = Field(default=None, pattern=DATE_RE)
    status: Status = Status.unverified
    status_note: str | None = None
    status_as_of: str | None = Field(
        default=None, pattern=DATE_RE, description="the date the status was checked (现行有效 as of when)"
    )
    replaces: Superseded | None = Field(
        default=None, description="the earlier text this one replaces, when the text itself does not say"
    )
    complete_confirmed: str | None = Field(
        default=None,
        min_length=1,
        description="the editor's note on how the text was checked to be whole, when the importer doubts it",
    )


class CityInput(Strict):
    """rules_data/inputs/<id>.yaml — hand-written: metadata and corrections for the importer."""

    id: str = Field(pattern=SLUG_RE)
    source: Source
    metadata: InputMetadata
    corrections: list[ManualCorrection] = []
    source_fixes: list[SourceFix] = []

    _id_not_reserved = field_validator("id")(_not_reserved)


class BoilerplateRules(Strict):
    """rules_data/boilerplate.yaml — portal lines the importer drops (regexes, shared by all cities)."""

    header: list[str] = Field(min_length=1)
    footer_start: list[str] = Field(min_length=1)
    colophon_start: list[str] = []

    @field_validator("header", "footer_start", "colophon_start")
    @classmethod
    def _regexes_compile(cls, v: list[str]) -> list[str]:
        for i, pattern in enumerate(v):
            try:
                re.compile(pattern)
            except re.error as e:
                raise FieldError(f"[{i}]", f"invalid regular expression {pattern!r}: {e}") from None
        return v


MAX_TERM_CHARS = 32  # a word for the segmenter; jieba keeps every prefix of a term in memory
MAX_TERMS = 5000
HAN_RE = re.compile(r"[\u3400-\u9fff]+")


class SearchTerms(Strict):
    """rules_data/search_terms.yaml — the rulebook's own vocabulary for segmentation, in named groups."""

    terms: dict[str, list[str]] = Field(default={}, description="group name -> terms (Chinese characters only)")

    @field_validator("terms")
    @classmethod
    def _terms(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for group, terms in v.items():
            if not re.fullmatch(TOPIC_ID_RE, group):
                raise FieldError(f".{group}", f"group names must match {TOPIC_ID_RE}")
            for i, term in enumerate(terms):
                where = f".{group}[{i}]"
                if len(term) > MAX_TERM_CHARS:
                    raise FieldError(where, f"a term is at most {MAX_TERM_CHARS} characters, got {len(term):,}")
                if not HAN_RE.fullmatch(term):
                    raise FieldError(where, f"a term is Chinese characters only, got {term!r}")
        count = sum(len(t) for t in v.values())
        if count > MAX_TERMS:
            raise FieldError("", f"{count:,} terms, over the limit of {MAX_TERMS:,}")
        return v

    def all_terms(self) -> list[str]:
        return [t for terms in self.terms.values() for t in terms]


# --- comparison layer: topics, tags, facts ---------------------------------------------------


class Topic(Strict):
    LABELS = ("label",)

    id: str = Field(pattern=TOPIC_ID_RE)
    label: str = Field(min_length=1, description="zh label shown on the site")
    description: str = Field(min_length=1, description="one line, zh")

    _id_not_reserved = field_validator("id")(_not_reserved)  # compare/<id>/ is a page


class Taxonomy(Strict):
    """rules_data/topics.yaml — the topic taxonomy."""

    topics: list[Topic] = Field(min_length=1)


class CityTags(Strict):
    """rules_data/tags/<city>.yaml — the topics of every article of one city."""

    city: str = Field(pattern=SLUG_RE)
    curated: bool = Field(default=True, description="false for a newly added city: tags may be incomplete (待整理)")
    tags: dict[str, list[str]] = Field(default={}, description="art_<n> -> topic ids (at least one)")
    suggested: dict[str, list[str]] = Field(
        default={}, description="art_<n> -> machine-suggested topic ids (scripts/suggest.py), until an editor confirms"
    )

    @field_validator("tags", "suggested")
    @classmethod
    def _keys_and_values(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        for key, ids in v.items():
            if not re.fullmatch(r"art_\d+", key):
                raise ValueError(f"{key}: keys must be article anchors art_<n>")
            if not ids:
                raise ValueError(f"{key}: needs at least one topic")
            if len(set(ids)) != len(ids):
                raise ValueError(f"{key}: duplicate topic ids {ids}")
        return v


class CellStatus(StrEnum):
    value = "有规定"
    not_specified = "未规定"  # the text says nothing on it
    source_missing = "原文缺失"  # the source is truncated before where this would be
    pending = "待整理"  # a newly added city, not yet curated
    suggested = "待核"  # a machine suggestion (rulebook/analysis/suggest.py): a candidate article, never a fact


class Quote(Strict):
    article: int = Field(ge=1)
    quote: str = Field(min_length=2, description="verbatim from the article text (after corrections)")


class Cell(Strict):
    """One city's answer to one attribute."""

    status: CellStatus
    value: str | None = Field(default=None, description="short zh answer")
    article: int | None = Field(default=None, ge=1)
    quote: str | None = Field(default=None, min_length=2)
    more: list[Quote] = Field(default=[], description="further supporting quotes, other articles")
    number: float | None = None
    note: str | None = Field(default=None, description="for 未规定/原文缺失: what was searched; else a remark")
    score: float | None = Field(default=None, ge=0, description="for 待核: the machine's similarity score")

    @model_validator(mode="after")
    def _shape(self) -> Cell:
        if self.score is not None and self.status != CellStatus.suggested:
            raise ValueError("score belongs to a 待核 suggestion only")
        if self.status == CellStatus.value:
            if not (self.value and self.article and self.quote):
                raise ValueError("status 有规定 needs value, article and quote")
        elif self.status == CellStatus.suggested:
            if not (self.article and self.quote and self.score is not None):
                raise ValueError("status 待核 needs the candidate's article, quote and score")
            if self.value or self.more:
                raise ValueError("status 待核 takes no value or further quotes: an editor writes them on confirming")
        else:
            if self.value or self.article or self.quote or self.more or self.number is not None:
                raise ValueError(f"status {self.status.value} takes no value/article/quote/number")
            if self.status != CellStatus.pending and not self.note:
                raise ValueError(f"status {self.status.value} needs a note (what was searched / why)")
        return self

    def quotes(self) -> list[Quote]:
        """The cited quotes of a 有规定 cell (a 待核 candidate is no citation: see candidate())."""
        if self.status != CellStatus.value:
            return []
        assert self.article and self.quote
        return [Quote(article=self.article, quote=self.quote), *self.more]

    def candidate(self) -> Quote | None:
        """A 待核 cell's machine candidate."""
        if self.status != CellStatus.suggested:
            return None
        assert self.article and self.quote
        return Quote(article=self.article, quote=self.quote)


class Attribute(Strict):
    LABELS = ("label", "unit")

    id: str = Field(pattern=TOPIC_ID_RE)
    label: str = Field(min_length=1)
    description: str = Field(min_length=1)
    unit: str | None = Field(default=None, description="for quantitative attributes: unit of `number`")
    cells: dict[str, Cell]


class TopicFacts(Strict):
    """rules_data/comparisons/<topic>.yaml — the comparison attributes of one topic."""

    topic: str = Field(pattern=TOPIC_ID_RE)
    attributes: list[Attribute] = Field(min_length=1)


# --- approval chains --------------------------------------------------------------------------


class ChainType(StrEnum):
    incoming = "incoming"  # 收文审批: how a 请示 travels to a decision
    outgoing = "outgoing"  # 发文签发: who reviews and who signs each kind of document
    meeting = "meeting"  # 会议议题与纪要: how a topic reaches the meeting, who signs the minutes


CHAIN_LABELS = {ChainType.incoming: "收文审批", ChainType.outgoing: "发文签发", ChainType.meeting: "会议议题与纪要"}
NODE_ID_RE = r"^[a-z][a-z0-9_]*$"


class StepStatus(StrEnum):
    stated = "有规定"
    not_specified = "未规定"


class Node(Strict):
    """A step: an actor doing something, cited; or a step the text leaves open (未规定)."""

    LABELS = ("actor", "action")

    id: str = Field(pattern=NODE_ID_RE)
    actor: str = Field(min_length=1, description="who, in the text's words (e.g. 市政府办公室)")
    action: str = Field(min_length=1, description="what they do (e.g. 提出拟办意见)")
    status: StepStatus = StepStatus.stated
    article: int | None = Field(default=None, ge=1)
    quote: str | None = Field(default=None, min_length=2)
    note: str | None = None

    @model_validator(mode="after")
    def _cited(self) -> Node:
        if self.status == StepStatus.stated and not (self.article and self.quote):
            raise ValueError("a stated step needs article and quote")
        if self.status == StepStatus.not_specified and (self.article or self.quote or not self.note):
            raise ValueError("a 未规定 step takes no article/quote and needs a note")
        return self


class Edge(Strict):
    """A transition between steps, with its condition (一般事项 / 重大事项 …) and citation."""

    LABELS = ("condition",)

    source: str = Field(pattern=NODE_ID_RE, alias="from")
    target: str = Field(pattern=NODE_ID_RE, alias="to")
    condition: str | None = None
    article: int | None = Field(default=None, ge=1)
    quote: str | None = Field(default=None, min_length=2)
    escalation: bool = Field(
        default=False,
        description="taken only in the cases of `condition`, after the source step has decided "
        "(分管领导审批 → 重大事项 → 常务副市长): the source step still ends the chain in every other case",
    )

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class Chain(Strict):
    type: ChainType
    status: CellStatus = Field(description="有规定, or 原文缺失 / 待整理 for the whole chain")
    note: str | None = None
    nodes: list[Node] = []
    edges: list[Edge] = []

    @model_validator(mode="after")
    def _shape(self) -> Chain:
        if self.status == CellStatus.value:
            if not self.nodes:
                raise ValueError("a stated chain needs nodes")
        elif self.nodes or self.edges:
            raise ValueError(f"a {self.status.value} chain has no nodes or edges")
        elif self.status != CellStatus.pending and not self.note:
            raise ValueError(f"a {self.status.value} chain needs a note")
        ids = [n.id for n in self.nodes]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate node ids {dupes}")
        status = {n.id: n.status for n in self.nodes}
        for e in self.edges:
            for end in (e.source, e.target):
                if end not in status:
                    raise ValueError(f"edge {e.source}->{e.target}: unknown node {end!r}")
            both_stated = status[e.source] == status[e.target] == StepStatus.stated
            if both_stated and not (e.article and e.quote):
                raise ValueError(f"edge {e.source}->{e.target}: needs article and quote")
        return self


class CityChains(Strict):
    """rules_data/chains/<city>.yaml — the three approval chains of one city."""

    city: str = Field(pattern=SLUG_RE)
    chains: list[Chain]

    @model_validator(mode="after")
    def _one_each(self) -> CityChains:
        types = [c.type for c in self.chains]
        if sorted(types) != sorted(ChainType):
            raise ValueError(f"needs exactly one chain of each type {[t.value for t in ChainType]}, got {types}")
        return self
