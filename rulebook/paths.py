"""Where things live in the repository."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "rules_data"
SOURCES = DATA / "sources"
INPUTS = DATA / "inputs"
CITIES = DATA / "cities"
BOILERPLATE = DATA / "boilerplate.yaml"
