"""Stored XSS: a payload planted in every data field that reaches a page prints as text and never runs.

The loader rejects markup in names and labels (defence in depth); RULEBOOK_ALLOW_MARKUP=1 lets the
payloads through here so the escaping is proven on its own, in a real browser, on every built page.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_project, mkdocs_build

from rulebook.data import yamlio

pytestmark = pytest.mark.build


def payload(field: str) -> str:
    """A marker, an element with an inline handler, a Jinja expression, a <title> break-out and a script."""
    return f'X{field}<img src=x onerror=alert("{field}")>{{{{7*7}}}}</title><script>alert("{field}")</script>'


def _edit(path: Path, change) -> None:
    data = yamlio.load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yamlio.dump(data), encoding="utf-8")


def plant(project: Path) -> list[str]:
    """Put a payload in every kind of data field that reaches a page; return the fields planted."""
    data = project / "rules_data"
    fields: list[str] = []

    def city_input(d: dict) -> None:
        d["metadata"].update({f: payload(f) for f in ("name", "title", "issuer", "status_note", "province")})
        d["corrections"] = [
            {
                "article": 1,
                "find": "制定本规则",
                "replace": "制定本规则" + payload("article_text"),
                "reason": payload("reason"),
            }
        ]

    _edit(data / "inputs/zhuzhou.yaml", city_input)
    fields += ["name", "title", "issuer", "status_note", "province", "article_text", "reason"]
    result = subprocess.run(
        [sys.executable, str(project / "scripts/import_city.py"), "zhuzhou", "--quiet"],
        capture_output=True,
        text=True,
        cwd=project,
        env={**os.environ, "RULEBOOK_ALLOW_MARKUP": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr

    def topics(d: dict) -> None:
        meetings = next(t for t in d["topics"] if t["id"] == "meetings")
        meetings.update(label=payload("topic_label"), description=payload("topic_description"))

    _edit(data / "topics.yaml", topics)
    fields += ["topic_label", "topic_description"]

    def comparison(d: dict) -> None:
        attr = d["attributes"][0]
        attr.update(label=payload("attribute_label"), description=payload("attribute_description"))
        attr["cells"]["chenzhou"].update(value=payload("cell_value"), note=payload("cell_note"))

    _edit(data / "comparisons/meetings.yaml", comparison)
    fields += ["attribute_label", "attribute_description", "cell_value", "cell_note"]

    def chains(d: dict) -> None:
        chain = next(c for c in d["chains"] if c.get("nodes"))
        node = chain["nodes"][0]
        node.update(actor=payload("chain_actor"), action=payload("chain_action"), note=payload("chain_node_note"))
        edge = next((e for e in chain["edges"] if "condition" in e), None)
        if edge is not None:
            edge["condition"] = payload("chain_condition")
            fields.append("chain_condition")

    _edit(data / "chains/zhuzhou.yaml", chains)
    fields += ["chain_actor", "chain_action", "chain_node_note"]
    # search_terms.yaml takes Chinese characters only (SearchTerms model): no payload can be planted there.
    return fields


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    project = copy_project(tmp_path_factory.mktemp("hostile"))
    fields = plant(project)
    out = tmp_path_factory.mktemp("hostile-site")
    result = mkdocs_build(project, out, env={"RULEBOOK_ALLOW_MARKUP": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    return out, fields


def test_no_payload_runs_and_every_one_prints_as_text(hostile_site, browser):
    from rulebook.devtools.browser import serve

    out, fields = hostile_site
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("index.html"))
    assert len(pages) >= 25, pages
    dialogs: list[str] = []
    shown: dict[str, set[str]] = {f: set() for f in fields}
    with serve(out) as url:
        page = browser.page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        for rel in pages:
            page.goto(url + rel.removesuffix("index.html"))
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(150)  # scripts fill in parts of pages after load
            # What a reader sees: the tab title, the text, and tooltips (title attributes).
            text = page.evaluate(
                "[document.title, document.body.innerText,"
                " ...[...document.querySelectorAll('[title]')].map(e => e.title)].join('\\n')"
            )
            for f in fields:
                if payload(f) in text:
                    shown[f].add(rel)
            assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0, rel
        page.goto(url + "lookup/?kw=Xarticle_text")
        page.wait_for_selector(".rb-hit, .rb-result, li", timeout=10000)
        page.wait_for_timeout(300)
        search_text = page.evaluate("document.body.innerText")
        page.context.close()
    assert dialogs == []
    assert browser.blocked == [] or all("127.0.0.1" not in u for u in browser.blocked)
    # Every planted field shows literally somewhere a reader looks.
    missing = [f for f, where in shown.items() if not where]
    assert missing == [], missing
    # Names and labels land in the nav and <title>: literal there too (topic pages hide the nav for width).
    assert len(shown["name"]) >= 25 and len(shown["topic_label"]) >= 15
    assert len(shown["province"]) >= 25  # a nav section (province) on every page with the nav
    assert "Xarticle_text<img" in search_text
