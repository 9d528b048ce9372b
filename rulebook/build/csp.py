"""The site's Content-Security-Policy: no inline script runs unless the build saw it and hashed it.

The site's own scripts are files under docs/assets/. The theme (Material) writes small inline scripts
into every page (`__md_scope`/`__md_get`, the tab restore, palette, …) whose text varies with the page's
depth; `inline_scripts` finds whatever inline scripts the built pages have, so the policy lists exactly
their sha256 hashes and an injected `<script>` or `onerror=` handler is refused by the browser.
`<script type="application/json">` data blocks are not executed, so they need no hash (CSP does not
stop a script reading them with JSON.parse).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rulebook.core import parallel
from rulebook.core.cachefiles import read_cache_file, write_cache_file

# Script types a browser executes (HTML's "JavaScript MIME type essence match", plus modules).
_JS_TYPES = {
    "",
    "module",
    "text/javascript",
    "application/javascript",
    "application/ecmascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
}

POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    # + the hashes of the inline scripts found in the build; a violation report quotes the blocked script
    "script-src": ["'self'", "'report-sample'"],
    "script-src-attr": ["'none'"],  # no onclick=/onerror= handlers at all
    # No inline styles anywhere: the chain charts are SVG files drawn at build time (views/flowchart.py).
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],  # Material's icons are data: SVGs in its CSS
    "font-src": ["'self'"],
    "worker-src": ["'self'"],  # Material's search worker is a file of the site
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
}

CONF_NAME = "csp.conf"  # written into the built site's root; deploy/nginx.conf includes it


@dataclass(frozen=True)
class InlineHandler:
    """An event-handler attribute (onclick=…) or javascript: URL in built HTML: CSP blocks it."""

    tag: str
    attr: str


# The HTML tokenizer's view, as regular expressions (the stdlib HTMLParser is far slower on city pages):
# an attribute is a name with an optional quoted or unquoted value, so a quoted value may hold `>`.
# A name follows whitespace, a closing quote or `/` (as browsers read `<img/onerror=…>`), so a run of
# letters has one reading: no catastrophic backtracking.
_ATTR = re.compile(r"""(?:\s+|(?<=["'/]))([^\s/>"'=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?|\s*/""")
_ATTRS = r"""(?:(?:\s+|(?<=["'/]))[^\s/>"'=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?|\s*/)*"""
# A comment, a script element (its text runs to the first `</script`, as in a browser), or a start tag.
_SCRIPTS = rf"<!--.*?-->|<script\b(?P<sattrs>{_ATTRS})\s*>(?P<body>.*?)</script\s*>"
_TOKEN = re.compile(rf"{_SCRIPTS}|<(?P<tag>[a-zA-Z][^\s/>]*)(?P<attrs>{_ATTRS})\s*>", re.S | re.I)
_TOKEN_SCRIPTS = re.compile(rf"{_SCRIPTS}|(?P<tag>(?!))(?P<attrs>(?!))", re.S | re.I)
_HINT = re.compile(r"""[\s"'/]on[a-z]+\s*=|javascript:""", re.I)  # only pages with one need their tags read
_URL_ATTRS = ("href", "src", "action", "formaction", "xlink:href")


def _attrs(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR.finditer(text):
        if m.group(1):
            value = next((g for g in m.groups()[1:] if g is not None), "")
            out.setdefault(m.group(1).lower(), html.unescape(value))
    return out


def scan(text: str) -> tuple[list[str], list[InlineHandler]]:
    """The executable inline scripts' texts (exactly as the browser hashes them) and inline handlers."""
    scripts: list[str] = []
    handlers: list[InlineHandler] = []
    tokens = _TOKEN if _HINT.search(text) else _TOKEN_SCRIPTS
    for m in tokens.finditer(text):
        if m.group("body") is not None:
            attrs = _attrs(m.group("sattrs"))
            if "src" not in attrs and attrs.get("type", "").strip().lower() in _JS_TYPES:
                scripts.append(m.group("body"))
            tag = "script"
        elif m.group("tag"):
            tag, attrs = m.group("tag").lower(), _attrs(m.group("attrs"))
        else:
            continue
        for name, value in attrs.items():
            js_url = name in _URL_ATTRS and value.strip().lower().startswith("javascript:")
            if name.startswith("on") or js_url:
                handlers.append(InlineHandler(tag, name))
    return scripts, handlers


def inline_scripts(text: str) -> list[str]:
    return scan(text)[0]


def script_hash(text: str) -> str:
    """The CSP source expression that allows one inline script: 'sha256-<base64>' of its UTF-8 text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(hashes: Iterable[str]) -> str:
    """The header value: POLICY with the given hash sources (sorted, deduplicated) added to script-src."""
    directives = {k: list(v) for k, v in POLICY.items()}
    directives["script-src"] += sorted(set(hashes))
    return "; ".join(f"{k} {' '.join(v)}" for k, v in directives.items())


@dataclass(frozen=True)
class SitePolicy:
    hashes: frozenset[str]  # of every inline script in the built pages
    problems: tuple[str, ...]  # one message per inline handler, which the policy would block

    def header(self) -> str:
        return policy(self.hashes)


def _scan_page(text: str) -> tuple[list[str], list[tuple[str, str]]]:
    scripts, handlers = scan(text)
    return sorted({script_hash(s) for s in scripts}), [(h.tag, h.attr) for h in handlers]


FORK_MIN_PAGES = 400  # fewer pages scan faster than a pool of workers starts


def _scan_file(page: Path) -> tuple[list[str], list[tuple[str, str]]]:
    return _scan_page(page.read_text(encoding="utf-8"))


def site_policy(site_dir: Path, memo: Path | None = None, forks: bool = False) -> SitePolicy:
    """The policy of a built site: the hashes of its inline scripts, and its inline handlers.

    With `memo` (a JSON file in .cache/), each page's findings are kept by its path, inode, size and
    mtime: a page an incremental build hard-linked from the previous site is the same file, not read again."""
    hashes: set[str] = set()
    problems: list[str] = []
    seen: dict[str, list[object]] = {}
    if memo is not None:
        kept = read_cache_file(memo)  # None when absent or damaged (reported, removed)
        try:
            seen = json.loads(kept) if kept is not None else {}
        except ValueError:
            seen = {}
    found: dict[str, list[object]] = {}
    pages = []
    for page in sorted(site_dir.rglob("*.html")):
        st = page.stat()
        pages.append((page, page.relative_to(site_dir).as_posix(), [st.st_ino, st.st_size, st.st_mtime_ns]))
    # an entry is [stat, hashes, handlers]; another shape is an older build's memo: scanned again
    todo = [page for page, rel, stat in pages if len(seen.get(rel) or []) != 3 or seen[rel][0] != stat]
    # `forks`: the pages not in the memo are read and scanned on every core (parallel.map_forked)
    scanned = dict(zip(todo, parallel.map_forked(_scan_file, todo, forks, FORK_MIN_PAGES), strict=True))
    for page, rel, stat in pages:
        if page in scanned:
            page_hashes, handlers = scanned[page]
        else:
            page_hashes, handlers = seen[rel][1], seen[rel][2]
        found[rel] = [stat, page_hashes, handlers]
        hashes.update(page_hashes)  # type: ignore[arg-type]
        problems += [
            f"{rel}: <{tag} {attr}=…>: an inline handler is blocked by the "
            "Content-Security-Policy; move it into a script file under docs/assets/"
            for tag, attr in handlers  # type: ignore[misc]
        ]
    if memo is not None:
        write_cache_file(memo, json.dumps(found, ensure_ascii=False))
    return SitePolicy(frozenset(hashes), tuple(problems))


def _quoted(value: str) -> str:
    if any(c in value for c in '"\\\n\r$'):  # never write broken (or injected) nginx config
        raise ValueError(f"cannot write {value!r} into nginx config")
    return f'"{value}"'


def nginx_include(site: SitePolicy) -> str:
    """An http-level nginx include: $rulebook_csp, the site's one policy (deploy/nginx.conf sends it with
    every page)."""
    return "\n".join(
        [
            "# Generated by the build (rulebook/build/csp.py): the Content-Security-Policy of every page, with the",
            "# hash of every inline script the built pages contain. Included by deploy/nginx.conf (http level);",
            "# reload nginx when a rebuild changes it.",
            "map $uri $rulebook_csp {",
            f"    default {_quoted(site.header())};",
            "}",
            "",
        ]
    )
