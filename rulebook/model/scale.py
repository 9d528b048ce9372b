"""Where the rulebook turns from its small-corpus forms to its national-scale ones (issue 20).

Up to LARGE_ABOVE cities (the curated five and a province's worth) every view is the whole corpus on
one page: order-aware alignment, 他市对应条文 in the city page's HTML, one comparison table per topic,
one lunr shard per city for search. Above it the forms whose cost follows one city or one province
take over: best match per city, lists loaded on demand, pages per province, the term index alone.
One number, so the site never mixes the two forms."""

from __future__ import annotations

LARGE_ABOVE = 60


def large(n_cities: int) -> bool:
    """Whether a corpus of `n_cities` cities uses the national-scale forms."""
    return n_cities > LARGE_ABOVE
