"""Every data file loads through the one model set, in one canonical form, with ids = file names."""

from __future__ import annotations

import pytest
from conftest import ROOT

from rulebook.data import yamlio
from rulebook.data.pipeline import HEADER
from rulebook.model.schema import BoilerplateRules, City, CityInput

CITY_FILES = sorted((ROOT / "rules_data/cities").glob("*.yaml"))
INPUT_FILES = sorted((ROOT / "rules_data/inputs").glob("*.yaml"))


def test_there_is_data():
    assert len(CITY_FILES) >= 5 and len(INPUT_FILES) == len(CITY_FILES)


@pytest.mark.parametrize("path", CITY_FILES, ids=lambda p: p.name)
def test_city_file_loads_and_is_canonical(path):
    text = path.read_text(encoding="utf-8")
    city = City.model_validate(yamlio.load(text))
    assert city.id == path.stem
    assert text == HEADER + yamlio.dump(city), "not in canonical form: re-run scripts/import_city.py"


@pytest.mark.parametrize("path", INPUT_FILES, ids=lambda p: p.name)
def test_input_file_loads(path):
    inp = CityInput.model_validate(yamlio.load(path.read_text(encoding="utf-8")))
    assert inp.id == path.stem


def test_boilerplate_rules_load():
    rules = BoilerplateRules.model_validate(yamlio.load((ROOT / "rules_data/boilerplate.yaml").read_text("utf-8")))
    assert rules.header and rules.footer_start


def test_unknown_key_is_rejected():
    data = yamlio.load((ROOT / "rules_data/cities/zhuzhou.yaml").read_text(encoding="utf-8"))
    data["chapters"][0]["articles"][0]["colour"] = "red"
    with pytest.raises(ValueError, match="colour"):
        City.model_validate(data)


def test_article_numbering_must_be_continuous():
    data = yamlio.load((ROOT / "rules_data/cities/zhuzhou.yaml").read_text(encoding="utf-8"))
    data["chapters"][0]["articles"][1]["n"] = 7
    with pytest.raises(ValueError, match="continuously"):
        City.model_validate(data)


def test_curated_files_are_in_canonical_form():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/canonical.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout
