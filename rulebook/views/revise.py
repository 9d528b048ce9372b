"""修订对照: the page that pairs a rule's current text with a revision draft, article by article, as the
新旧条文对照表 of a 修订说明 prints it (pure, MkDocs-free).

Nothing of the reader's texts leaves the browser: the page loads the corpus and the structure patterns
that 对标检查 already ships (views/draft_check.py), the splitter (check-engine.js), the pairing engine
(docs/assets/revise-engine.js) and its page script (revise.js); the exports (revise-export.js) load the
vendored docx and ExcelJS libraries only when a reader asks for a file.
"""

from __future__ import annotations

from rulebook.data.load import Rulebook
from rulebook.views.draft_check import CORPUS_JS, PATTERNS_JS
from rulebook.views.links import Links
from rulebook.views.render import html_block

INTRO = (
    "# 修订对照\n\n"
    "选择本市现行工作规则（或粘贴、打开文件），再粘贴修订草案，逐条生成“现行条文 | 修订草案 | 修改说明”"
    "三栏对照表：标出新增、删除、修改、移动、拆分与合并的条文，修改处删除的文字加删除线、增加的文字加下划线；"
    "可导出 Word（.docx）、Excel（.xlsx）或 Markdown。\n\n"
)


def revise_page(book: Rulebook, links: Links) -> str:
    """The 修订对照 form: the two texts, their split, the table and the exports."""
    return INTRO + html_block(
        "revise.html.j2",
        cities=book.ordered_cities(),
        links=links,
        scripts=[
            links.asset("assets/rb-common.js"),
            links.asset(PATTERNS_JS),
            links.asset(CORPUS_JS),
            links.asset("assets/vendor/diff_match_patch.js"),
            links.asset("assets/vendor/mammoth.browser.min.js"),
            links.asset("assets/check-engine.js"),
            links.asset("assets/revise-engine.js"),
            links.asset("assets/revise-export.js"),
            links.asset("assets/revise.js"),
        ],
    )
