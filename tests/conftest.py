"""Shared fixtures: the data, a temp copy of the project, and one real site build per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rulebook.data.load import Rulebook, load_rulebook
from rulebook.devtools.projects import copy_project  # noqa: F401 - shared by the tests

ROOT = Path(__file__).resolve().parent.parent

SLUGS = ["chenzhou", "zhuzhou", "jixi", "ziyang", "liyang"]

# Markers from the fixtures a test uses, directly or through other fixtures (item.fixturenames is the
# closure), so `pytest -m "not build and not browser and not slow"` (scripts/test.sh --quick) leaves out
# every test that builds the site, drives Chromium or runs for seconds. A test module adds its own fixtures
# in a FIXTURE_MARKS of the same form; a test that builds without a fixture is marked where it is defined.
FIXTURE_MARKS = {
    "built_site": "build",
    "site_url": "build",
    "nginx_url": "build",
    "offline_dir": "build",
    "browser": "browser",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        marks = {**FIXTURE_MARKS, **getattr(getattr(item, "module", None), "FIXTURE_MARKS", {})}
        names = {marks[f] for f in getattr(item, "fixturenames", ()) if f in marks}
        for name in sorted(names - {m.name for m in item.iter_markers()}):
            item.add_marker(name)


@pytest.fixture(scope="session")
def book() -> Rulebook:
    return load_rulebook(ROOT)


@pytest.fixture(scope="session")
def alignment(book: Rulebook) -> dict:
    """The article alignment of the real data, as a build makes it (kept in .cache/align/)."""
    from rulebook.analysis.align import cached_alignment

    return cached_alignment(book, ROOT / ".cache" / "align")


def mkdocs_build(project: Path, out: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=project,
    )


def add_city(project: Path, slug: str, text: str, province: str = "测试省", level: str = "县级市") -> str:
    """Add a city to a project copy with the real one-command workflow; returns the importer's report."""
    raw = project / f"{slug}.raw.txt"
    raw.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(project / "scripts/add_city.py"),
            slug,
            str(raw),
            "--province",
            province,
            "--level",
            level,
        ],
        capture_output=True,
        text=True,
        cwd=project,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once with mkdocs --strict from this checkout."""
    out = tmp_path_factory.mktemp("site")
    result = mkdocs_build(ROOT, out)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def site_url(built_site: Path):
    from rulebook.devtools.browser import serve

    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def nginx_url(built_site: Path):
    """The built site behind real nginx (deploy/nginx.conf) under the sub-path /rules/."""
    from rulebook.devtools.browser import serve_nginx

    with serve_nginx(built_site, "/rules/") as url:
        yield url


@pytest.fixture(scope="session")
def offline_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The offline bundle (scripts/bundle.py), unzipped: the site as opened from disk."""
    import zipfile

    out = tmp_path_factory.mktemp("bundle")
    zip_path = out / "rulebook-offline.zip"
    subprocess.run([sys.executable, str(ROOT / "scripts/bundle.py"), "--out", str(zip_path)], check=True)
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(out)
    return out / "rulebook"


@pytest.fixture(scope="session")
def lookup_ranking(browser, site_url: str) -> tuple[dict[str, list[str]], list[str]]:
    """条文检索's ranked results for every query of the quality set (tests/search_queries.yaml), the page
    choosing the engine, and the console errors of the page that ran them: searched once per session for
    the two tests that read them (test_search_browser's quality, test_search_box's same-ranking check)."""
    from rulebook.devtools.search_eval import load_queries, lookup_results

    page = browser.page()
    results = {q["q"]: lookup_results(page, site_url, q["q"]) for q in load_queries()}
    errors = list(page.console_errors)
    page.context.close()
    return results, errors


@pytest.fixture(scope="session")
def browser():
    from rulebook.devtools.browser import Browser, available

    if not available():
        if os.environ.get("CI"):
            pytest.fail("Chromium/Playwright missing: run scripts/setup.sh with RULEBOOK_BROWSER=1")
        pytest.skip("Chromium/Playwright not installed")
    b = Browser()
    yield b
    b.close()
