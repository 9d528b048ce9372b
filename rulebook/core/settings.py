"""The rulebook's settings: every RULEBOOK_* environment variable, read once into one typed object.

Entry points (the MkDocs hooks at on_config, each script at its start) call Settings.from_env() and pass
the object down. What a setting changes is declared next to it (`affects`), and every cache key that
depends on settings is derived from that declaration (Settings.key), never restated by hand."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

DEFAULT_MAX_SOURCE_BYTES = 2 * 1024 * 1024
# What a setting can change: "data" (what the loader accepts: the loaded book, lint's verdict) and
# "pages" (the built site). A setting that changes neither only changes how or how fast a build runs.
DATA, PAGES = "data", "pages"


class SettingsError(Exception):
    """Bad values in the environment, one `VARIABLE: (environment): message` line each."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


def _setting(env: str, default: object, doc: str, affects: tuple[str, ...] = (), minimum: int = 0) -> object:
    return field(default=default, metadata={"env": env, "doc": doc, "affects": affects, "minimum": minimum})


@dataclass(frozen=True)
class Settings:
    allow_markup: bool = _setting(  # type: ignore[assignment]
        "RULEBOOK_ALLOW_MARKUP",
        False,
        '"1": accept markup-like characters in names and labels (only for the tests of the escaping)',
        (DATA, PAGES),
    )
    max_source_bytes: int = _setting(  # type: ignore[assignment]
        "RULEBOOK_MAX_SOURCE_BYTES",
        DEFAULT_MAX_SOURCE_BYTES,
        "the largest source text accepted, in bytes (a work rule is 20-60 KB; a runaway capture is refused)",
        (DATA, PAGES),
        minimum=1,
    )
    pdf: bool = _setting(  # type: ignore[assignment]
        "RULEBOOK_PDF",
        False,
        '"1": pages link the PDFs (scripts/build.py --pdf sets it; the PDF step prints them)',
        (PAGES,),
    )
    jobs: int = _setting(  # type: ignore[assignment]
        "RULEBOOK_JOBS", 0, '"1": build on one core (no forked workers); unset: use every core'
    )
    phases: bool = _setting(  # type: ignore[assignment]
        "RULEBOOK_PHASES", False, '"1": print each build phase\'s seconds and memory to stderr (profiling)'
    )
    previous_site: Path | None = _setting(  # type: ignore[assignment]  # noqa: RUF009 - a field() with metadata
        "RULEBOOK_PREVIOUS_SITE",
        None,
        "the site folder an incremental build replaces (scripts/build.py sets it; pages are reused from it)",
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of `environ` (default: this process's environment); SettingsError lists every
        bad value."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        errors: list[str] = []
        for f in fields(cls):
            raw = environ.get(f.metadata["env"], "").strip()
            if not raw:
                continue
            if f.default is False:  # a switch: "1" turns it on
                values[f.name] = raw == "1"
            elif isinstance(f.default, int):
                if not raw.isdigit() or int(raw) < f.metadata["minimum"]:
                    what = "a positive number of bytes" if f.metadata["minimum"] else "a whole number"
                    errors.append(f"{f.metadata['env']}: (environment): must be {what}, got {raw!r}")
                    continue
                values[f.name] = int(raw)
            else:
                values[f.name] = Path(raw)
        if errors:
            raise SettingsError(errors)
        return cls(**values)  # type: ignore[arg-type]

    def with_values(self, **changes: object) -> Settings:
        """A copy with some values changed (e.g. a script's --max-source-bytes)."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def key(self, scope: str) -> str:
        """The values of the settings that change `scope` (DATA or PAGES), for cache keys."""
        return ";".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if scope in f.metadata["affects"])

    def environ(self) -> dict[str, str]:
        """These settings as environment variables, for a child process (e.g. the MkDocs step of
        scripts/build.py): every one that has a value, so nothing is inherited from the parent instead."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None:
                out[f.metadata["env"]] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return out


def describe() -> list[tuple[str, str, str, str]]:
    """(variable, default, what it changes, meaning) of every setting: for docs and their test."""
    return [
        (
            f.metadata["env"],
            "unset" if f.default in (None, False, 0) else str(f.default),
            ", ".join(f.metadata["affects"]) or "nothing built (how the build runs)",
            f.metadata["doc"],
        )
        for f in fields(Settings)
    ]
