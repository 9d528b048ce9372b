"""Pass generated HTML blocks through Markdown without re-parsing them.

Python-Markdown finds the end of a raw-HTML block by running an HTML parser over it; on a city page
(thousands of tags) that was the largest single cost of the build. Our generated blocks are already
complete, escaped HTML, so render._html_block fences them with two comment lines and this
preprocessor, which runs before Markdown's own HTML-block one, stores each fenced block in
Markdown's HTML stash as it is. Without the extension (plain `markdown.markdown`) the fences are
ordinary HTML comments and the block is parsed as before, so output is the same either way.

Data text cannot forge a fence: it is autoescaped, so it never contains `<!--`.

MkDocs learns a page's anchor ids from raw HTML with its own parser, which runs after this one and
so no longer sees the fenced blocks; the hooks add their ids back (anchor_ids) after rendering.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

OPEN = "<!--rb:raw-->"
CLOSE = "<!--/rb:raw-->"


def fence(html: str) -> str:
    """Mark a complete HTML block (no blank lines inside) to be kept verbatim."""
    return f"{OPEN}\n{html}\n{CLOSE}"


class _RawBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        block: list[str] | None = None
        for line in lines:
            if block is None:
                if line == OPEN:
                    block = []
                else:
                    out.append(line)
            elif line == OPEN:  # the previous fence never closed: give its text back to Markdown as it is
                out += [OPEN, *block]
                block = []
            elif line == CLOSE:
                out += ["", self.md.htmlStash.store("\n".join(block)), ""]
                block = None
            else:
                block.append(line)
        if block is not None:  # an unclosed fence is a generator bug: keep the text rather than lose it
            out += [OPEN, *block]
        return out


class RawBlockExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Markdown's own raw-HTML preprocessor has priority 20; run first so it never sees fenced blocks.
        md.preprocessors.register(_RawBlocks(md), "rulebook_raw_blocks", 25)


_ID = re.compile(r"""\sid=["']([^"']+)["']""")


def anchor_ids(html: str) -> set[str]:
    """Every id in rendered HTML (for MkDocs' anchor validation of links into generated pages)."""
    return set(_ID.findall(html))
