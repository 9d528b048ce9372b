"""Where things live in this repository (Layout(ROOT); other roots use rulebook.layout.Layout)."""

from pathlib import Path

from .layout import Layout

ROOT = Path(__file__).resolve().parent.parent
LAYOUT = Layout(ROOT)
DATA = LAYOUT.data
SOURCES = LAYOUT.sources
INPUTS = LAYOUT.inputs
CITIES = LAYOUT.cities
BOILERPLATE = LAYOUT.boilerplate
