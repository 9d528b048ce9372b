"""URLs between pages of the built site: the one place that spells a page's address.

Pure and dependency-free, so every view and export can import it (no cycle through site.py)."""

from __future__ import annotations

from dataclasses import dataclass


def city_path(slug: str, n: int | None = None) -> str:
    """A city page (or one of its articles) relative to the site root: 'cities/x/#art_3'."""
    return f"cities/{slug}/" + (f"#art_{n}" if n is not None else "")


def topic_downloads(topic_id: str) -> dict[str, str]:
    """One topic's spreadsheet files, by kind, as paths under data/ (written by exports.download_files)."""
    return {
        "csv": f"topics/{topic_id}.csv",
        "xlsx": f"topics/{topic_id}.xlsx",
        "quotes": f"topics/{topic_id}-quotes.csv",
        "concordance": f"topics/{topic_id}-concordance.xlsx",
    }


@dataclass(frozen=True)
class Links:
    """URLs from one page to others, for raw HTML (which MkDocs does not rewrite).

    `directory_urls` follows mkdocs.yml: 'cities/x/' on a server, 'cities/x.html' in the offline bundle.
    """

    prefix: str = "../../"
    directory_urls: bool = True

    @property
    def suffix(self) -> str:
        return "/" if self.directory_urls else ".html"

    def page(self, path: str, anchor: str | None = None) -> str:
        return self.prefix + path + self.suffix + (f"#{anchor}" if anchor else "")

    def city(self, slug: str, anchor: str | None = None) -> str:
        return self.page(city_path(slug).rstrip("/"), anchor)

    def index(self, folder: str, anchor: str | None = None) -> str:
        """An index page: 'cities/' on a server, 'cities/index.html' in the offline bundle."""
        page = folder + "/" if self.directory_urls else folder + "/index.html"
        return self.prefix + page + (f"#{anchor}" if anchor else "")

    def asset(self, path: str) -> str:
        return self.prefix + path


DEFAULT_LINKS = Links()  # a page two levels deep, directory URLs


def root_prefix(page_url: str) -> str:
    """Relative path from a page's URL to the site root: 'cities/x/' -> '../../'."""
    depth = page_url.strip("/").count("/") + 1 if page_url.strip("/") else 0
    if page_url and not page_url.endswith("/"):
        depth -= 1  # 'cities/x.html' sits one level below the root
    return "../" * depth
