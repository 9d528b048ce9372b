"""Incremental rebuilds (scripts/build.py, rulebook/build/incremental.py): after editing, renaming or removing a
city, the rebuilt site equals a fresh full build of the same data byte for byte, most city pages are
reused from the previous site, and the previous site is never written through a shared file."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rulebook.build import site_files
from rulebook.build.atomic import build_site
from rulebook.build.incremental import nav_context
from rulebook.data import yamlio
from rulebook.data.layout import Layout
from rulebook.devtools.projects import copy_project
from rulebook.devtools.synthetic import make_synthetic
from rulebook.search import index

# sitemap.xml holds the build date (MkDocs' page.update_date): the only output that legitimately differs.
TIMED = {"sitemap.xml", "sitemap.xml.gz"}


def _tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.relative_to(site).as_posix() not in TIMED
    }


def _same(a: Path, b: Path) -> None:
    ta, tb = _tree(a), _tree(b)
    assert sorted(ta) == sorted(tb), (sorted(set(ta) - set(tb)), sorted(set(tb) - set(ta)))
    differ = [k for k in ta if ta[k] != tb[k]]
    assert differ == [], differ[:10]


def _import(root: Path, slug: str) -> None:
    subprocess.run([sys.executable, str(root / "scripts/import_city.py"), "--quiet", slug], cwd=root, check=True)


def _edit_text(root: Path, slug: str, clause: str) -> None:
    """A maintainer's edit: the source text, its sha256 in the input file, then the importer."""
    layout = Layout(root)
    src = layout.sources / f"{slug}.txt"
    text = src.read_text(encoding="utf-8")
    text = re.sub(r"^(第一条 .*)$", lambda m: m.group(1) + clause, text, count=1, flags=re.M)
    raw = text.encode("utf-8")
    src.write_bytes(raw)
    inp = layout.inputs / f"{slug}.yaml"
    data = yamlio.load(inp.read_text(encoding="utf-8"))
    data["source"]["sha256"] = hashlib.sha256(raw).hexdigest()
    inp.write_text(yamlio.dump(data), encoding="utf-8")
    _import(root, slug)


def _set_input(root: Path, slug: str, section: str, key: str, value: str) -> None:
    """Change one field of a city's input file and re-import the city."""
    inp = Layout(root).inputs / f"{slug}.yaml"
    data = yamlio.load(inp.read_text(encoding="utf-8"))
    data[section][key] = value
    inp.write_text(yamlio.dump(data), encoding="utf-8")
    _import(root, slug)


def _rename(root: Path, slug: str, name: str) -> None:
    _set_input(root, slug, "metadata", "name", name)


def _note(root: Path, slug: str, captured_from: str) -> None:
    """Change where the source was captured from: shown on the city page only."""
    _set_input(root, slug, "source", "captured_from", captured_from)


def _remove(root: Path, slug: str) -> None:
    layout = Layout(root)
    for folder in (layout.inputs, layout.cities, layout.tags, layout.chains):
        (folder / f"{slug}.yaml").unlink()
    (layout.sources / f"{slug}.txt").unlink()
    for path in sorted(layout.comparisons.glob("*.yaml")):
        data = yamlio.load(path.read_text(encoding="utf-8"))
        for attr in data["attributes"]:
            attr["cells"].pop(slug, None)
        path.write_text(yamlio.dump(data), encoding="utf-8")


def _alignment_rows(site: Path) -> dict[str, list[object]]:
    """alignment.json's rows of each city."""
    rows: dict[str, list[object]] = {}
    for row in json.loads((site / "data/alignment.json").read_text(encoding="utf-8"))["rows"]:
        rows.setdefault(row["city"], []).append(row)
    return rows


def _doc_number(site: Path, city: str, n: int) -> int:
    """The term index's document number of article n of a city (cities in lookup/meta.js's order)."""
    meta = (site / "lookup/meta.js").read_text(encoding="utf-8")
    order = [c["city"] for c in json.loads(meta[len("rbLookupMeta(") : -3])["cities"]]
    terms = (site / "lookup/terms/meta.js").read_text(encoding="utf-8")
    runs = json.loads(terms[len("rbTermsMeta(") : -3])["runs"]
    before = sum(r if isinstance(r, int) else len(r) for r in runs[: order.index(city)])
    own = runs[order.index(city)]
    return before + (n - 1 if isinstance(own, int) else own.index(n))


def _inodes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def _digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in site.rglob("*.html")}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("incr") / "project")
    make_synthetic(root, 15)  # 20 cities
    return root


def _rebuild(root: Path, site: Path) -> tuple[dict[str, str], set[str]]:
    """An incremental rebuild of `site`; returns the previous site's page digests (checked afterwards
    through a hard-linked backup: a write through a shared inode would change them) and which pages
    were reused (their file is the previous site's)."""
    backup = site.with_name(site.name + ".backup")
    shutil.rmtree(backup, ignore_errors=True)
    subprocess.run(["cp", "-al", str(site), str(backup)], check=True)  # the same inodes as the previous site
    before, inodes = _digests(backup), _inodes(backup)
    build_site(site, root / "mkdocs.yml", quiet=True)
    assert _digests(backup) == before, "the previous site was modified through a shared file"
    shutil.rmtree(backup)
    now = _inodes(site)
    return before, {rel for rel, ino in now.items() if inodes.get(rel) == ino}


@pytest.mark.build
def test_incremental_rebuilds_equal_full_builds(project: Path, tmp_path: Path) -> None:
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    build_site(site, project / "mkdocs.yml", quiet=True)  # no previous site: a full build
    cities = sorted(p.stem for p in Layout(project).cities.glob("syn*.yaml"))

    rows_before = _alignment_rows(site)
    _edit_text(project, cities[3], "本条经修订。")
    _, reused = _rebuild(project, site)
    # The term index and the downloads were updated from the previous build's: only what holds the
    # edited city's changed article (term buckets, document chunk) or its rows (download parts) is made.
    state = json.loads((project / ".cache/lookup" / index.TERM_STATE).read_text(encoding="utf-8"))
    made = set(state["made"])
    docs = {m for m in made if m.startswith("lookup/docs/")}
    assert docs == {f"lookup/docs/{_doc_number(site, cities[3], 1) // index.DOC_CHUNK}.js"}, made
    assert made - docs <= {f"lookup/terms/{k}.js" for k in range(state["buckets"])}
    rows_after = _alignment_rows(site)
    moved = {c for c in rows_after if rows_after[c] != rows_before.get(c)}
    parts = json.loads((project / ".cache" / site_files.PARTS_MADE).read_text(encoding="utf-8"))
    assert cities[3] in moved and set(parts) == moved, (sorted(parts), sorted(moved))
    # The same site as a full build of the same data with nothing kept from earlier builds but the
    # alignment (computed from the data alone, and the slowest part of a cold build).
    kept = project / ".cache-kept"
    (project / ".cache").rename(kept)
    try:
        shutil.copytree(kept / "align", project / ".cache/align")
        build_site(fresh, project / "mkdocs.yml", quiet=True, incremental=False)
    finally:
        shutil.rmtree(project / ".cache")
        kept.rename(project / ".cache")
    _same(site, fresh)
    city_pages = {r for r in _inodes(site) if r.startswith("cities/") and r != "cities/index.html"}
    # The edited city and the pages listing it as similar are rendered again; most are not.
    assert f"cities/{cities[3]}/index.html" not in reused
    assert len(reused & city_pages) >= len(city_pages) // 2, (len(reused & city_pages), len(city_pages))

    # An edit that leaves the article texts (so the alignment) alone: only that city's page is rendered.
    # Compared with a full build after the next step (one full build fewer): a file this step left stale
    # differs there too, unless the next step happens to remake it.
    _note(project, cities[4], "合成数据（复核）")
    _, reused = _rebuild(project, site)
    assert city_pages - reused == {f"cities/{cities[4]}/index.html"}
    # The other files too: those whose bytes are unchanged are the previous site's (linked, not copied);
    # the open data, which carries where each source was captured from, is made again.
    others = {r for r in _inodes(site) if not r.endswith(".html")}
    assert len(reused & others) >= 0.9 * len(others), (len(reused & others), len(others))
    assert "data/cities.json" not in reused and "assets/basket.js" in reused
    assert "合成数据（复核）" in (site / "cities" / cities[4] / "index.html").read_text(encoding="utf-8")

    # A new name moves the city within its province's navigation; a removed city loses its page.
    _rename(project, cities[2], "改名后市")  # syn002 and syn012 are both in 四川省 (synthetic.PROVINCES)
    _remove(project, cities[7])
    _rebuild(project, site)
    shutil.rmtree(fresh)
    build_site(fresh, project / "mkdocs.yml", quiet=True, incremental=False)
    _same(site, fresh)
    assert not (site / "cities" / cities[7]).exists()
    peer = (site / "cities" / cities[12] / "index.html").read_text(encoding="utf-8")
    assert "改名后市" in peer  # in the province's navigation of its peer's page


def test_nav_context_covers_what_a_page_shows() -> None:
    nav = [
        {"首页": "index.md"},
        {
            "各市工作规则": [
                {"城市一览": "cities/index.md"},
                {"甲省": [{"A": "cities/a.md"}, {"B": "cities/b.md"}]},
                {"乙省": [{"C": "cities/c.md"}, {"D": "cities/d.md"}]},
            ]
        },
        {"关于": "about.md"},
    ]
    base = nav_context(nav)
    renamed = nav_context(
        [
            nav[0],
            {
                "各市工作规则": [
                    nav[1]["各市工作规则"][0],
                    {"甲省": [{"A": "cities/a.md"}, {"B2": "cities/b.md"}]},
                    nav[1]["各市工作规则"][2],
                ]
            },
            nav[2],
        ]
    )
    # B's new title is in its province's pages (and its neighbour C's <link rel=prev>), not elsewhere.
    changed = {src for src in base if base[src] != renamed[src]}
    assert changed == {"cities/a.md", "cities/b.md", "cities/c.md"}
