"""审批流程 charts as SVG, laid out at build time: one step per row, so a chart is as narrow as a phone.

Every step is a full-width box in flow order (chains.ordered_nodes), its actor, action and the conditions
that lead to it wrapped inside the box. An arrow to the next row runs straight down; any other arrow
(a branch, a skip, a step back) runs in a lane of the left gutter. The chart is WIDTH units wide at any
number of branches, so at a phone's 358 px column its text is still FONT * 358 / WIDTH >= 12 px, and
nothing is cut or scrolled. The same SVG is inline on the page and a file of its own (the full-size view).
"""

from __future__ import annotations

import unicodedata

import markupsafe

from rulebook.model.schema import Chain, City, Node, StepStatus

WIDTH = 400  # viewBox width; shown at most this wide, at 358 px on a phone (text 14 * 358/400 = 12.5 px)
FONT = 14
LINE = 20  # line height
PAD = 8  # inside a box
GAP = 26  # between rows (the straight arrow)
LANE = 11  # gutter lane width
INK, MUTED, EDGE, FILL, FILL_OPEN = "#1f1f1f", "#4d4d4d", "#555555", "#eef1fb", "#fafafa"


def _width(ch: str) -> float:
    """A character's advance in ems: CJK and full-width forms are one em, the rest about half."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def wrap(text: str, ems: float) -> list[str]:
    """`text` broken into lines of at most `ems` ems (character by character: CJK has no spaces)."""
    lines, line, used = [], "", 0.0
    for ch in text:
        w = _width(ch)
        if line and used + w > ems:
            lines.append(line)
            line, used = "", 0.0
        line += ch
        used += w
    if line or not lines:
        lines.append(line)
    return lines


def _lanes(spans: list[tuple[int, int]]) -> list[int]:
    """A gutter lane per span (row from, row to), no two overlapping spans in one lane (interval colouring)."""
    ends: list[int] = []  # the last row each lane is busy to
    out = []
    for lo, hi in spans:
        for i, end in enumerate(ends):
            if end < lo:
                ends[i] = hi
                out.append(i)
                break
        else:
            ends.append(hi)
            out.append(len(ends) - 1)
    return out


def flow_order(chain: Chain) -> list[Node]:
    """The rows: a topological order that follows each path as far as it goes before starting the next
    (depth first), so most arrows join neighbouring rows and run straight down; ties in data order."""
    incoming = {n.id: 0 for n in chain.nodes}
    for e in chain.edges:
        incoming[e.target] += 1
    by_id = {n.id: n for n in chain.nodes}
    stack = [n.id for n in reversed(chain.nodes) if incoming[n.id] == 0]
    order: list[Node] = []
    while stack:
        nid = stack.pop()
        order.append(by_id[nid])
        freed = []
        for e in chain.edges:
            if e.source == nid:
                incoming[e.target] -= 1
                if incoming[e.target] == 0:
                    freed.append(e.target)
        stack += reversed(freed)
    return order + [n for n in chain.nodes if n not in order]  # cycles: the rest in data order


def svg(chain: Chain, city: City, label: str, href: dict[str, str]) -> str:
    """The chart of `chain`; `href`: node id -> its article's URL (stated steps), relative to where the
    SVG is shown. Every string from the data is XML-escaped."""
    order = flow_order(chain)
    row = {n.id: i for i, n in enumerate(order)}
    by_id = {n.id: n for n in order}
    straight = [e for e in chain.edges if row[e.target] == row[e.source] + 1]
    bent = sorted(
        (e for e in chain.edges if e not in straight),
        key=lambda e: (min(row[e.source], row[e.target]), max(row[e.source], row[e.target])),
    )
    lanes = _lanes([(min(row[e.source], row[e.target]), max(row[e.source], row[e.target])) for e in bent])
    gutter = 6 + LANE * (max(lanes) + 1) if lanes else 4
    box_w = WIDTH - gutter - 2
    ems = (box_w - 2 * PAD) / FONT
    # Each box's lines: the actor (bold), the action, the conditions that lead here, 未规定.
    texts: list[list[tuple[str, str]]] = []
    for n in order:
        lines = [(t, "actor") for t in wrap(n.actor, ems)] + [(t, "action") for t in wrap(n.action, ems)]
        for e in chain.edges:
            if e.target == n.id and e.condition:
                source = by_id[e.source].actor
                lines += [(t, "cond") for t in wrap(f"条件：{e.condition}（自{source}）", ems)]
        if n.status == StepStatus.not_specified:
            lines.append(("【未规定】", "cond"))
        texts.append(lines)
    tops, y = [], 4
    for lines in texts:
        tops.append(y)
        y += len(lines) * LINE + 2 * PAD + GAP
    height = y - GAP + 4
    bottom = [tops[i] + len(t) * LINE + 2 * PAD for i, t in enumerate(texts)]
    e_ = markupsafe.escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="rb-flow" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="group" '
        f'aria-label="{e_(label)}" font-family="WenQuanYi Zen Hei, Noto Sans CJK SC, Source Han Sans SC, '
        f'Microsoft YaHei, sans-serif" font-size="{FONT}">',
        f"<title>{e_(label)}</title>",
        '<defs><marker id="rb-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE}"/></marker></defs>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for e in straight:
        i = row[e.source]
        x = gutter + 24
        out.append(
            f'<line x1="{x}" y1="{bottom[i]}" x2="{x}" y2="{tops[i + 1] - 1}" stroke="{EDGE}" '
            'stroke-width="1.5" marker-end="url(#rb-arrow)"/>'
        )
    for e, lane in zip(bent, lanes, strict=True):
        s, t = row[e.source], row[e.target]
        x = gutter - 6 - LANE * lane
        y1 = bottom[s] - PAD if t > s else tops[s] + PAD
        y2 = tops[t] + PAD + 4
        out.append(
            f'<path d="M{gutter},{y1} H{x} V{y2} H{gutter - 1}" fill="none" stroke="{EDGE}" stroke-width="1.5" '
            'marker-end="url(#rb-arrow)"/>'
        )
    for i, (n, lines) in enumerate(zip(order, texts, strict=True)):
        open_step = n.status == StepStatus.not_specified
        box = (
            f'<rect x="{gutter}" y="{tops[i]}" width="{box_w}" height="{bottom[i] - tops[i]}" rx="4" '
            f'fill="{FILL_OPEN if open_step else FILL}" stroke="{MUTED if open_step else EDGE}" stroke-width="1.2"'
            + (' stroke-dasharray="5 4"' if open_step else "")
            + "/>"
        )
        body = []
        for j, (text, kind) in enumerate(lines):
            ty = tops[i] + PAD + LINE * j + FONT + 1
            attrs = ' font-weight="700"' if kind == "actor" else ""
            colour = MUTED if kind == "cond" or open_step else INK
            body.append(f'<text x="{gutter + PAD}" y="{ty}" fill="{colour}"{attrs}>{e_(text)}</text>')
        inner = box + "".join(body)
        url = href.get(n.id)
        if url:
            out.append(f'<a href="{e_(url)}" xlink:href="{e_(url)}">{inner}</a>')
        else:
            out.append(f"<g>{inner}</g>")
    out.append("</svg>")
    return "".join(out)


def file_name(chain: Chain, city: City) -> str:
    """The chart's file under the site root (its full-size view)."""
    return f"assets/charts/{chain.type.value}-{city.id}.svg"
