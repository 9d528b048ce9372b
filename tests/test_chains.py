"""Approval chains: data invariants and the flowchart generator (views/flowchart.py)."""

from __future__ import annotations

import pytest
from conftest import SLUGS

from rulebook.model.schema import CellStatus, ChainType, StepStatus
from rulebook.views import chains
from rulebook.views.links import Links


def _stated(book):
    for slug, cc in book.chains.items():
        for ch in cc.chains:
            yield slug, ch


@pytest.mark.parametrize("slug", SLUGS)
def test_every_city_has_the_three_chains(book, slug):
    assert sorted(c.type for c in book.chains[slug].chains) == sorted(ChainType)


def test_every_edge_and_node_quote_is_in_its_article(book):
    n = 0
    for slug, ch in _stated(book):
        city = book.city(slug)
        for item in [*ch.nodes, *ch.edges]:
            if item.quote:
                assert item.quote in city.article(item.article).text(), (slug, ch.type, item)
                n += 1
    assert n >= 40


def test_edges_between_stated_steps_are_cited(book):
    for _, ch in _stated(book):
        status = {n.id: n.status for n in ch.nodes}
        for e in ch.edges:
            if status[e.source] == status[e.target] == StepStatus.stated:
                assert e.article and e.quote


def test_zhuzhou_has_a_meeting_chain_and_source_missing_documents(book):
    by_type = {c.type: c for c in book.chains["zhuzhou"].chains}
    assert by_type[ChainType.meeting].status == CellStatus.value
    assert by_type[ChainType.incoming].status == CellStatus.source_missing
    assert by_type[ChainType.outgoing].status == CellStatus.source_missing


def test_source_missing_only_for_the_truncated_city(book):
    for slug, ch in _stated(book):
        if ch.status == CellStatus.source_missing:
            assert not book.city(slug).complete


def test_liyang_signers_are_not_invented(book):
    outgoing = next(c for c in book.chains["liyang"].chains if c.type == ChainType.outgoing)
    assert any(n.status == StepStatus.not_specified for n in outgoing.nodes)
    for n in outgoing.nodes:
        if n.status == StepStatus.stated:
            assert "签发" not in n.quote and "签署" not in n.quote


def test_flowchart_svg_escapes_labels_links_steps_and_keeps_every_step_and_edge(book):
    import xml.etree.ElementTree as ET

    from rulebook.model.schema import Chain
    from rulebook.views import flowchart

    city = book.city("chenzhou")
    for ch in book.chains["chenzhou"].chains:
        text = chains.chart_svg(city, ch, Links(), "郴州")
        root = ET.fromstring(text)  # well-formed XML: a file of its own as well as inline
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("viewBox").startswith(f"0 0 {flowchart.WIDTH} ")
        boxes = root.findall(f".//{ns}rect")[1:]  # the first is the background
        assert len(boxes) == len(ch.nodes)
        arrows = root.findall(f".//{ns}line") + root.findall(f".//{ns}path")[1:]  # [0]: the marker's
        assert len(arrows) == len(ch.edges)
        hrefs = [a.get("href") for a in root.iter(f"{ns}a")]
        assert hrefs == [f"../../cities/chenzhou/#art_{n.article}" for n in flowchart.flow_order(ch) if n.article]
        # Every line fits its box: at most the box's width in ems of 14 px text.
        ems = (flowchart.WIDTH - 2 * flowchart.PAD) / flowchart.FONT
        for t in root.iter(f"{ns}text"):
            assert sum(flowchart._width(c) for c in t.text) <= ems
    evil = Chain.model_validate(
        {
            "type": "incoming",
            "status": "有规定",
            "nodes": [
                {"id": "a", "actor": "<b>&x</b>", "action": '"]%%{init}%%', "article": 1, "quote": "呈批"},
                {"id": "b", "actor": "乙", "action": "批", "article": 1, "quote": "呈批"},
            ],
            "edges": [{"from": "a", "to": "b", "condition": "<i>", "article": 1, "quote": "呈批"}],
        }
    )
    text = flowchart.svg(evil, city, "<t>", {"a": "x?a=1&b=2"})
    assert "<b>" not in text and "<i>" not in text and "&lt;b&gt;&amp;x&lt;/b&gt;" in text
    assert 'href="x?a=1&amp;b=2"' in text
    assert ET.fromstring(text).find("{http://www.w3.org/2000/svg}title").text == "<t>"


def test_flowchart_rows_follow_each_path_and_wrap_long_text():
    from rulebook.views import flowchart

    assert flowchart.wrap("一二三四五", 2) == ["一二", "三四", "五"]
    assert flowchart.wrap("abcd", 1.2) == ["ab", "cd"]  # half-width characters take half an em
    assert flowchart._lanes([(0, 2), (1, 3), (3, 4)]) == [0, 1, 0]


def test_table_twin_has_a_row_per_step(book):
    city = book.city("ziyang")
    ch = next(c for c in book.chains["ziyang"].chains if c.type == ChainType.outgoing)
    html = chains.chart_block(book, city, ch, Links())
    body = html[html.index("<tbody>") :]
    assert body.count("<tr") == len(ch.nodes)


def test_summary_lists_every_city(book):
    text = chains.summary(book, ChainType.outgoing)
    for c in book.cities.values():
        assert f'<a href="#{c.id}">{c.name}</a>' in text
    assert "原文缺失" in text


def test_end_steps_keep_the_default_decider_when_an_escalation_leaves_it():
    from rulebook.model.schema import Chain

    chain = Chain.model_validate(
        {
            "type": "incoming",
            "status": "有规定",
            "nodes": [
                {"id": "office", "actor": "办公室", "action": "呈批", "article": 1, "quote": "呈批"},
                {"id": "leader", "actor": "分管领导", "action": "审批", "article": 1, "quote": "审批"},
                {"id": "evm", "actor": "常务副市长", "action": "审批", "article": 1, "quote": "审批"},
                {"id": "mayor", "actor": "市长", "action": "审批", "article": 1, "quote": "审批"},
            ],
            "edges": [
                {"from": "office", "to": "leader", "condition": "按分工", "article": 1, "quote": "呈批"},
                {
                    "from": "leader",
                    "to": "evm",
                    "condition": "重大事项",
                    "escalation": True,
                    "article": 1,
                    "quote": "重大",
                },
                {"from": "evm", "to": "mayor", "condition": "重大事项", "article": 1, "quote": "重大"},
            ],
        }
    )
    assert [n.id for n in chains.end_steps(chain)] == ["leader", "mayor"]
    chain.edges[1].escalation = False  # an ordinary edge: the leader no longer ends the chain
    assert [n.id for n in chains.end_steps(chain)] == ["mayor"]


def test_chenzhou_incoming_summary_keeps_the_leader_as_an_end(book):
    ch = next(c for c in book.chains["chenzhou"].chains if c.type == ChainType.incoming)
    assert [n.id for n in chains.end_steps(ch)] == ["arbiter", "leader", "mayor"]
    assert "市人民政府分管领导审批" in chains.summary(book, ChainType.incoming)


def test_no_unconnected_step_ends_a_meeting_chain(book):
    ends = {
        slug: [n.id for n in chains.end_steps(c)]
        for slug, cc in book.chains.items()
        for c in cc.chains
        if c.type == ChainType.meeting and c.status == CellStatus.value
    }
    assert "legal_review" not in ends["zhuzhou"]
    assert "finance_vm" not in ends["chenzhou"]
