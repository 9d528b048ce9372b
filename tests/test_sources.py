"""The raw source texts are kept byte-identical to the seeds, and their hashes are recorded."""

from __future__ import annotations

import hashlib

import pytest
from conftest import ROOT, SLUGS

# SHA-256 of the seed captures (from the seeds' SHA256SUMS), pinned so the repo needs no ../shared.
SEED_SHA256 = {
    "chenzhou": "75982bc207be5a1934aa0b942ed6a8d92bbc3cf333ae6eb284e7029698147f47",
    "zhuzhou": "df443846fa1f494eca7635f719680ca7ccf40aba414ff401635f3f0e05729a66",
    "jixi": "b7be1d2e5e206adfcd4c8e7cc7990f37b5c464a500ebf9fdd1bb2f700c34221c",
    "ziyang": "92dd5b7d75473d72b8c60c37615ed20b8d1e99b14cb0ce34b9bc44ee56b2471e",
    "liyang": "1adcc5e4d3962975f069721c8cf0d02a95975a88740097db18214a2754fb1a85",
}


@pytest.mark.parametrize("slug", SLUGS)
def test_source_file_matches_recorded_sha256(book, slug):
    city = book.city(slug)
    data = (ROOT / "rules_data/sources" / city.source.file).read_bytes()
    assert hashlib.sha256(data).hexdigest() == city.source.sha256


@pytest.mark.parametrize("slug", SLUGS)
def test_recorded_sha256_is_the_seed_sha256(book, slug):
    assert book.city(slug).source.sha256 == SEED_SHA256[slug]
    assert book.inputs[slug].source.sha256 == SEED_SHA256[slug]
