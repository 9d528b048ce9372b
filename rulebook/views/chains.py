"""Approval-chain views: flowcharts drawn at build time (views/flowchart.py), their table twins, the pages."""

from __future__ import annotations

import markupsafe

from rulebook.data.load import Rulebook
from rulebook.model.numerals import article_number
from rulebook.model.provinces import province_key
from rulebook.model.schema import CHAIN_LABELS, CellStatus, Chain, ChainType, City, Node, StepStatus
from rulebook.views import flowchart, rawblock, topics
from rulebook.views.links import DEFAULT_LINKS, Links
from rulebook.views.render import html_block, md_text

CHAIN_DESCRIPTIONS = {
    ChainType.incoming: "县（市、区）和部门报送市政府的请示等公文逐级审批的路径。",
    ChainType.outgoing: "各类公文由谁审核、由谁签署或签发。",
    ChainType.meeting: "议题如何提交全体会议、常务会议，以及各类会议纪要由谁签发。",
}


def ordered_nodes(chain: Chain) -> list[Node]:
    """Nodes in flow order (a topological order, ties in data order), for the table twin."""
    incoming = {n.id: 0 for n in chain.nodes}
    for e in chain.edges:
        incoming[e.target] += 1
    order, ready = [], [n.id for n in chain.nodes if incoming[n.id] == 0]
    by_id = {n.id: n for n in chain.nodes}
    while ready:
        nid = ready.pop(0)
        order.append(by_id[nid])
        for e in chain.edges:
            if e.source == nid:
                incoming[e.target] -= 1
                if incoming[e.target] == 0:
                    ready.append(e.target)
    order += [n for n in chain.nodes if n not in order]  # cycles: keep data order
    return order


def end_steps(chain: Chain) -> list[Node]:
    """Where the chain ends: typically who decides or signs. A step ends the chain when no edge leads
    on from it, or only escalations do (重大事项 go on; the default decider still ends the rest)."""
    onward = {e.source for e in chain.edges if not e.escalation}
    return [n for n in chain.nodes if n.id not in onward]


def chart_block(book: Rulebook, city: City, chain: Chain, links: Links) -> str:
    """One city's chart (or its 原文缺失 / 待整理 notice) and the table twin."""
    if chain.status != CellStatus.value:
        return html_block("chain_missing.html.j2", city=city, chain=chain)
    rows = []
    by_id = {n.id: n for n in chain.nodes}
    for i, n in enumerate(ordered_nodes(chain), 1):
        into = [e for e in chain.edges if e.target == n.id]
        rows.append(
            {
                "i": i,
                "node": n,
                "from": "、".join(by_id[e.source].actor for e in into),
                "conditions": "；".join(e.condition for e in into if e.condition),
                "label": article_number(city.article(n.article)) if n.article else None,
            }
        )
    label = f"{city.name}{CHAIN_LABELS[chain.type]}流程图"
    return html_block(
        "chain_chart.html.j2",
        city=city,
        chain=chain,
        chain_label=CHAIN_LABELS[chain.type],
        chart=markupsafe.Markup(chart_svg(city, chain, links, label)),
        full_size=links.asset(flowchart.file_name(chain, city)),
        rows=rows,
        links=links,
    )


def chart_svg(city: City, chain: Chain, links: Links, label: str) -> str:
    """The chain's flowchart (views/flowchart.py), its steps linking to their articles by `links`."""
    href = {n.id: links.city(city.id, f"art_{n.article}") for n in chain.nodes if n.article}
    return flowchart.svg(chain, city, label, href)


def chart_files(book: Rulebook, links: Links) -> dict[str, str]:
    """Site path -> SVG: every stated chain's chart as a file of its own (the full-size view a page links).
    `links` is the build's (directory URLs or not); the files sit two folders below the site root."""
    files_links = Links("../../", links.directory_urls)
    out = {}
    for slug, city_chains in book.chains.items():
        city = book.city(slug)
        for chain in city_chains.chains:
            if chain.status == CellStatus.value:
                label = f"{city.name}{CHAIN_LABELS[chain.type]}流程图"
                out[flowchart.file_name(chain, city)] = chart_svg(city, chain, files_links, label)
    return out


def chain_of(book: Rulebook, slug: str, kind: ChainType) -> Chain | None:
    cc = book.chains.get(slug)
    return next((c for c in cc.chains if c.type == kind), None) if cc else None


def summary(book: Rulebook, kind: ChainType, among: list[City] | None = None) -> str:
    """A generated summary of differences: per city (of `among`, default all), the number of steps and
    where the chain ends."""
    rows = []
    for city in among or book.ordered_cities():
        chain = chain_of(book, city.id, kind)
        if chain is None or chain.status != CellStatus.value:
            rows.append({"city": city, "status": chain.status.value if chain else "待整理"})
            continue
        ends = "；".join(
            f"{n.actor}{n.action}" + ("（未规定）" if n.status == StepStatus.not_specified else "")
            for n in end_steps(chain)
        )
        gaps = "；".join(f"{n.actor}{n.action}" for n in chain.nodes if n.status == StepStatus.not_specified) or "无"
        rows.append({"city": city, "status": None, "steps": len(chain.nodes), "ends": ends, "gaps": gaps})
    return html_block("chain_summary.html.j2", rows=rows, label=CHAIN_LABELS[kind])


def province_path(kind: ChainType, key: str) -> str:
    """A chain type's province page relative to the site root, without the URL suffix."""
    return f"chains/{kind.value}/{key}"


def _intro(kind: ChainType) -> str:
    return (
        CHAIN_DESCRIPTIONS[kind] + "每个城市的流程图只依据该市自己的条文绘制，每一步都注明条文；"
        "条文没有规定的步骤标为“未规定”（虚线框），来源文本缺失的标为“原文缺失”。"
    )


def chain_page(book: Rulebook, kind: ChainType, links: Links = DEFAULT_LINKS) -> str:
    """The 审批流程 page for one chain type: a summary table, then every city's chart and table.
    When topic pages are split by province (compare.paged: a large corpus), an overview of the provinces
    instead, each linking to its own page (chain_province_page), so no page holds every city's chart."""
    if topics.paged(book):
        rows = []
        for p in book.provinces():
            done = sum(1 for c in p.cities if (ch := chain_of(book, c.id, kind)) and ch.status == CellStatus.value)
            rows.append(
                {"name": p.name, "cities": len(p.cities), "done": done, "href": links.page(province_path(kind, p.key))}
            )
        return "\n".join(
            [
                f"# {CHAIN_LABELS[kind]}流程",
                "",
                _intro(kind),
                "",
                "## 各省份 {#provinces}",
                "",
                html_block("chain_provinces.html.j2", rows=rows, label=CHAIN_LABELS[kind]),
                "",
            ]
        )
    return _charts(book, kind, links, book.ordered_cities(), f"# {CHAIN_LABELS[kind]}流程")


def chain_province_page(book: Rulebook, kind: ChainType, key: str, links: Links = DEFAULT_LINKS) -> str:
    """One province's cities of a chain type: their summary rows and charts (large corpora only)."""
    prov = book.province(key)
    others = " · ".join(
        f'<a href="{links.page(province_path(kind, p.key))}">{markupsafe.escape(p.name)}</a>'
        for p in book.provinces()
        if p.key != key
    )
    head = f"# {CHAIN_LABELS[kind]}流程：{md_text(prov.name)}\n\n" + rawblock.fence(
        f'<p class="rb-province-nav">全部省份：<a href="{links.page(f"chains/{kind.value}")}">概览</a> · {others}</p>'
    )
    return _charts(book, kind, links, prov.cities, head)


def topic_link(book: Rulebook, kind: ChainType, links: Links) -> str:
    """A chain page's link to the comparison of its topic (topics.chain_topics), or ''."""
    topic_id = topics.chain_topics(book).get(kind)
    if topic_id is None:
        return ""
    t = topics.topic(book, topic_id)
    href = markupsafe.escape(links.page(f"compare/{topic_id}"))
    link = f'<a href="{href}">{markupsafe.escape(t.label)}</a>'
    return rawblock.fence(
        f'<p class="rb-chain-links" data-search-exclude>本流程的主题比较：{link}（比较表、两市对照、逐条对照）</p>'
    )


def _charts(book: Rulebook, kind: ChainType, links: Links, cities: list[City], head: str) -> str:
    out = [
        head,
        "",
        _intro(kind),
        "",
    ]
    if link := topic_link(book, kind, links):
        out += [link, ""]
    out += [
        "## 各市差异概览 {#summary}",
        "",
        summary(book, kind, cities),
        "",
    ]
    for city in cities:
        chain = chain_of(book, city.id, kind)
        out += [f"## {md_text(city.name)} {{#{city.id}}}", ""]
        if chain is None:
            out += ["**待整理**：该市的审批流程尚未整理。", ""]
            continue
        out += [chart_block(book, city, chain, links), ""]
    return "\n".join(out)


def city_chain_links(book: Rulebook, slug: str, links: Links) -> str:
    """Links from a city page to its three charts."""
    items = []
    for kind in ChainType:
        chain = chain_of(book, slug, kind)
        status = (
            "" if chain and chain.status == CellStatus.value else f"（{chain.status.value if chain else '待整理'}）"
        )
        page = f"chains/{kind.value}"
        if topics.paged(book):  # the city's chart is on its province's page
            page = province_path(kind, province_key(book.city(slug).province))
        items.append(f'<a href="{links.page(page, slug)}">{CHAIN_LABELS[kind]}流程图</a>{status}')
    return '<p class="rb-chain-links" data-search-exclude>审批流程：' + " · ".join(items) + "</p>"
