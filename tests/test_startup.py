"""The build's fixed start-up cost: jieba's dictionary is loaded once (the forked worker's alignment shares the
parent's, untaught), and a build whose search shards are all cached never loads it. Each check runs in a
fresh interpreter: the dictionary and the taught terms are process-wide."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

_SHARED = """
import json, jieba
from rulebook.analysis import align
from rulebook.data.load import load_rulebook
from pathlib import Path
book = load_rulebook(Path(%r))
texts = [a.text() for c in book.cities.values() for a in c.articles()][::7]
jieba.dt.check_initialized()
align.adopt_dictionary(jieba.dt)  # as the worker does with the dictionary its parent loaded before forking
shared = [align._words(t) for t in texts]
same_object = align._tokenizer().FREQ is jieba.dt.FREQ
align._tokenizer.cache_clear()  # a tokenizer that loads its own copy, as before
own = [align._words(t) for t in texts]
print(json.dumps({"same_object": same_object, "texts": len(texts), "equal": shared == own}))
"""

_SEARCH = """
import json, jieba
from pathlib import Path
from rulebook.data.load import load_rulebook
from rulebook.search import index
book = load_rulebook(Path(%r))
files = index.search_files(book, Path(%r), cache_dir=Path(%r))
size = sum(len(v if isinstance(v, str) else Path(v).read_text(encoding="utf-8")) for v in files.values())
loaded, taught = bool(jieba.dt.initialized), index.terms_taught()
print(json.dumps({"loaded": loaded, "taught": taught, "files": len(files), "bytes": size}))
"""


def _run(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_the_worker_shares_the_parents_dictionary_and_tokenizes_the_same() -> None:
    got = _run(_SHARED % str(ROOT))
    assert got["same_object"] and got["texts"] > 40 and got["equal"]


@pytest.mark.slow
def test_a_build_with_every_shard_cached_never_loads_jieba(tmp_path: Path) -> None:
    cache = tmp_path / "lookup"
    cold = _run(_SEARCH % (str(ROOT), str(ROOT), str(cache)))
    assert cold["loaded"] and cold["taught"]  # shards made: jieba loaded and taught the search terms
    warm = _run(_SEARCH % (str(ROOT), str(ROOT), str(cache)))
    assert not warm["loaded"] and not warm["taught"]  # every shard from the cache: no dictionary
    assert (warm["files"], warm["bytes"]) == (cold["files"], cold["bytes"]) and cold["files"] > 5
