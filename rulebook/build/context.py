"""One build's state: made by the hooks in on_config, read by every later hook and by the macros.

Everything a build computes once (the book, the alignment, the downloads, the incremental plan) lives
here, on one object per build, instead of in module globals or memos keyed by object identity: a second
build in the same process (`mkdocs serve`, a test) starts from a new Build and cannot see the last one's."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rulebook.analysis import align
from rulebook.build import bookcache, site_files
from rulebook.build.digests import Digests
from rulebook.core import parallel
from rulebook.core.phases import Phases
from rulebook.core.settings import Settings
from rulebook.data.load import Rulebook
from rulebook.views import topics, wordiff

if TYPE_CHECKING:
    from rulebook.build.incremental import Entry

# The key under which the MkDocs config carries the build (macros.py reads it there: mkdocs-macros hands
# the macros the config, and MkDocs calls the hooks as plain functions).
CONFIG_KEY = "rulebook_build"

Matches = align.Alignment


@dataclass
class Build:
    root: Path  # the project: the folder of mkdocs.yml
    settings: Settings
    command: str = "build"  # the MkDocs command: build, serve, gh-deploy
    dirty: bool = False  # incremental: scripts/build.py passed --dirty and the previous site
    site_url: str | None = None  # mkdocs.yml site_url (the spreadsheets' links)
    phases: Phases = field(default_factory=lambda: Phases(False))
    book: Rulebook | None = None
    worker: parallel.Worker | None = None  # the alignment and downloads worker, while it runs
    _matches: Matches | None = None
    _downloads: dict[str, str | bytes | Path] | None = None
    _words: dict[str, str] | None = None
    _digests: Digests | None = None
    # The incremental plan (rulebook/build/incremental.py): per city page its fingerprint and output
    # file, the pages the previous site holds unchanged, and MkDocs' file list for on_post_build.
    planned: dict[str, tuple[str, str]] = field(default_factory=dict)
    skipped: dict[str, Entry] = field(default_factory=dict)
    # The other files: each one's content key (incremental.static_key) and those linked from the previous site.
    static: dict[str, str | None] = field(default_factory=dict)
    static_skipped: list[str] = field(default_factory=list)
    files: Any = None

    @property
    def cache_dir(self) -> Path:
        return self.root / ".cache"

    @property
    def align_dir(self) -> Path:
        return self.cache_dir / "align"

    @property
    def forks(self) -> bool:
        """Whether this build may fork workers: only in `mkdocs build` (`mkdocs serve` runs server
        threads, which make fork unsafe) and unless RULEBOOK_JOBS=1."""
        return self.command == "build" and self.settings.jobs != 1

    def the_book(self) -> Rulebook:
        if self.book is None:
            raise RuntimeError("the build has no book yet (on_config loads it)")
        return self.book

    def alignment(self) -> Matches:
        """The article alignment of this build's book: read from .cache/align/ (the worker or an earlier
        build wrote it) or computed, once per build."""
        if self._matches is None:
            self._matches = align.cached_alignment(self.the_book(), self.align_dir)
        return self._matches

    def digests(self) -> Digests:
        """Each city's data and alignment-row digests (rulebook/build/digests.py), made on first ask."""
        if self._digests is None:
            self._digests = Digests(self.the_book(), self.alignment())
        return self._digests

    def word_table(self) -> dict[str, str]:
        """Every text 两市对照 ships -> its tokens (rulebook/views/wordiff.py): read from .cache/ (the worker
        or an earlier build made them) or made, once per build."""
        if self._words is None:
            self._words = bookcache.word_lengths(self.cache_dir, topics.two_city_texts(self.the_book()))
        return self._words

    def words(self, text: str) -> str:
        """An article text's tokens (the views' `words`): from word_table(), else made now."""
        got = self.word_table().get(text)
        return got if got is not None else wordiff.token_lengths(text)

    def downloads(self) -> dict[str, str | bytes | Path]:
        """The data/ files of this build, made once (the hooks write them, the data page lists them)."""
        if self._downloads is None:
            self._downloads = site_files.downloads(
                self.the_book(), self.alignment(), self.site_url, self.root, self.settings, self.digests()
            )
        return self._downloads


def of(config: Any) -> Build:
    """The build the hooks attached to this MkDocs config in on_config."""
    build = config.get(CONFIG_KEY)
    if not isinstance(build, Build):
        raise RuntimeError(f"no rulebook build on this config (is {CONFIG_KEY!r} set by the hooks' on_config?)")
    return build
