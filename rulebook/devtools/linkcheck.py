"""Whole-site link check: every local href/src of every built HTML file resolves to a file, and
every #anchor exists in the page it points to. Errors as `page: url: message`, all at once."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

_LINK_ATTRS = {"href", "src"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _LINK_ATTRS:
                self.links.append(value)
            elif name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)


def _parse(path: Path, cache: dict[Path, _Page]) -> _Page:
    if path not in cache:
        page = _Page()
        page.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = page
    return cache[path]


def _target(site: Path, page: Path, path: str) -> Path:
    base = site if path.startswith("/") else page.parent
    target = (base / path.lstrip("/")).resolve() if path else page
    return target / "index.html" if target.is_dir() else target


def check_site(site: Path) -> list[str]:
    """Every broken local link of the built site in `site` (empty when all resolve)."""
    site = site.resolve()
    cache: dict[Path, _Page] = {}
    errors: list[str] = []
    for page_path in sorted(site.rglob("*.html")):
        rel = page_path.relative_to(site).as_posix()
        for url in _parse(page_path, cache).links:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("//", "data:", "javascript:", "mailto:")):
                continue  # not a file of this site (the offline tests forbid external requests separately)
            target = _target(site, page_path, unquote(parts.path))
            if not target.is_file():
                errors.append(f"{rel}: {url}: no such file in the built site")
                continue
            if not target.is_relative_to(site):
                errors.append(f"{rel}: {url}: leads outside the built site")
                continue
            anchor = unquote(parts.fragment)
            if anchor and target.suffix == ".html" and anchor not in _parse(target, cache).ids:
                errors.append(f"{rel}: {url}: no id {anchor!r} in {target.relative_to(site).as_posix()}")
    return errors
