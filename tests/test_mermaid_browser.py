"""Mermaid directives and comments in chart labels are shown literally by the real Mermaid, not obeyed."""

from __future__ import annotations

import html
import shutil

import pytest
from conftest import ROOT

from rulebook.model.schema import ChainType
from rulebook.views import chains
from rulebook.views.links import Links

PAYLOAD = '%%{init: {"theme": "dark"}}%%秘书长 %% 注释 `代码`'

PAGE = """<!doctype html><meta charset="utf-8"><script src="mermaid.min.js"></script>
<div id="out"></div><pre id="src">{source}</pre>
<script>
mermaid.initialize({{startOnLoad: false, securityLevel: "loose", theme: "neutral",
  flowchart: {{htmlLabels: true, useMaxWidth: false, wrappingWidth: 160}}}});
mermaid.render("c1", document.getElementById("src").textContent)
  .then(r => {{ document.getElementById("out").innerHTML = r.svg; document.body.dataset.done = "1"; }})
  .catch(e => {{ document.body.dataset.done = "error"; console.error(String(e)); }});
</script>"""


def test_directive_in_a_label_renders_literally(browser, book, tmp_path):
    from rulebook.devtools.browser import serve

    mermaid_js = ROOT / "node_modules/mermaid/dist/mermaid.min.js"
    if not mermaid_js.exists():
        pytest.skip("node_modules missing: run npm ci")
    city = book.city("chenzhou")
    chain = next(c for c in book.chains["chenzhou"].chains if c.type == ChainType.incoming).model_copy(deep=True)
    chain.nodes[0].actor = PAYLOAD
    source = chains.mermaid(chain, city, Links())
    assert "%" not in source.split("\n", 1)[1].split("classDef")[0]  # no % left for Mermaid to act on
    shutil.copy(mermaid_js, tmp_path / "mermaid.min.js")
    (tmp_path / "index.html").write_text(PAGE.format(source=html.escape(source)), encoding="utf-8")
    with serve(tmp_path) as url:
        page = browser.page()
        page.goto(url)
        page.wait_for_function("() => document.body.dataset.done", timeout=30000)
        assert page.evaluate("document.body.dataset.done") == "1", page.console_errors
        text = page.eval_on_selector("#out svg", "s => s.textContent")
    assert PAYLOAD in text
    assert page.console_errors == []
