"""对标检查: what the browser needs to check a pasted draft against the peer cities (pure, MkDocs-free).

The draft itself never leaves the reader's browser: everything the check uses — the peers' articles
and tags, the comparison cells, the structure patterns of rulebook/model/segment.py and the quantity table
of rulebook/model/quantity.py — is written into the site at build time as scripts that set globals (so the
page works from file:// too), and docs/assets/check-engine.js does the rest on the reader's machine.
"""

from __future__ import annotations

import json

from rulebook.analysis.draft_match import CALIBRATION, corpus
from rulebook.data.load import Rulebook
from rulebook.model.quantity import rules_json
from rulebook.model.segment import patterns_js
from rulebook.views.links import Links
from rulebook.views.render import html_block

CORPUS_JS = "assets/check/corpus.js"
PATTERNS_JS = "assets/check/patterns.js"


def calibration_json() -> str:
    """The fitted models of rulebook/analysis/draft_match.py, for the browser's twin."""
    return json.dumps(json.loads(CALIBRATION.read_text(encoding="utf-8")), ensure_ascii=False, separators=(",", ":"))


def check_files(book: Rulebook) -> dict[str, str]:
    """The scripts 对标检查 loads with its page (before any check runs), by site path."""
    data = json.dumps(corpus(book), ensure_ascii=False, separators=(",", ":"))
    return {
        CORPUS_JS: f"window.rbCheckCorpus = {data};\nwindow.rbCheckCalibration = {calibration_json()};\n",
        PATTERNS_JS: patterns_js() + f"window.rbQuantityRules = {rules_json()};\n",
    }


def check_page(book: Rulebook, links: Links) -> str:
    """The 对标检查 form: draft input, peer choice, and the result areas the engine fills."""
    peers = book.ordered_cities()
    intro = (
        "# 对标检查\n\n粘贴本市工作规则草案（或打开 .txt、.docx 文件），逐条查看同行城市的对应条文，"
        "以及多数同行城市规定而草案没有写到的事项。\n\n"
    )
    return intro + html_block(
        "check.html.j2",
        peers=peers,
        links=links,
        # The page's own scripts run before the site-wide ones (mkdocs.yml extra_javascript, at the end of
        # the page): check-engine.js and check.js need rb-common.js already loaded.
        scripts=[
            links.asset("assets/rb-common.js"),
            links.asset(PATTERNS_JS),
            links.asset(CORPUS_JS),
            links.asset("assets/vendor/diff_match_patch.js"),
            links.asset("assets/vendor/mammoth.browser.min.js"),
            links.asset("assets/check-engine.js"),
            links.asset("assets/check.js"),
        ],
    )
