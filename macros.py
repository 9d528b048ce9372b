"""mkdocs-macros entry point: registers macros, nothing else. Logic lives in rulebook/."""

from __future__ import annotations

from rulebook.build import context, pages
from rulebook.data import revision
from rulebook.data.load import Rulebook
from rulebook.model.schema import ChainType
from rulebook.views import (
    article_grid,
    basket,
    chains,
    draft_check,
    exports,
    legal_basis,
    render,
    revise,
    similar,
    topics,
)
from rulebook.views.links import Links, root_prefix


def define_env(env) -> None:  # noqa: ANN001 - mkdocs-macros environment
    def build() -> context.Build:
        """This build (rulebook/build/context.py): made by the hooks' on_config, before any page is rendered."""
        return context.of(env.conf)

    def book() -> Rulebook:
        return build().the_book()

    def links() -> Links:
        """URLs from the page being rendered (raw HTML is not rewritten by MkDocs)."""
        return Links(root_prefix(env.page.url if env.page else ""), env.conf["use_directory_urls"])

    @env.macro
    def city_page(slug: str) -> str:
        """Full text of one city's work rules, with links to its approval charts."""
        b = book()
        extra = chains.city_chain_links(b, slug, links()) if b.chains else ""
        if build().settings.pdf:  # PDFs are printed from the built site by scripts/pdf.py into downloads/
            extra += render.city_pdf_link(slug, links())
        matches = build().alignment()
        if similar.similar_inline(b):
            return render.city_page(b.city(slug), extra=extra, similar=similar.similar_links(b, slug, matches, links()))
        return render.city_page(
            b.city(slug), extra=extra, similar_source=similar.similar_source(b, slug, matches, links())
        )

    @env.macro
    def cities_table() -> str:
        """Home-page table of the provinces, with counts and their first cities."""
        return render.province_table(book().ordered_cities(), links())

    @env.macro
    def cities_index() -> str:
        """The 城市一览 page: every city by province, with a filter box."""
        return render.cities_index(book().ordered_cities(), links())

    @env.macro
    def compare_index() -> str:
        """The compare/ index page."""
        return topics.compare_index(book(), links())

    @env.macro
    def topic_page(topic_id: str) -> str:
        """One topic: comparison table, every city's articles, two-city compare."""
        b = book()
        if topics.paged(b):  # the overview: tables, texts and 逐条对照 are on the province pages
            return topics.topic_overview(b, topic_id, links())
        matches = build().alignment()
        grid = article_grid.concordance(b, topic_id, matches, links())
        return topics.topic_page(b, topic_id, links(), matches, build().words, grid)

    @env.macro
    def topic_province_page(arg: str) -> str:
        """One province of a topic ('<topic>/<province key>'): its table, texts and 逐条对照."""
        b = book()
        topic_id, key = arg.split("/")
        matches = build().alignment()
        cities = b.province(key).cities
        grid = article_grid.concordance(b, topic_id, matches, links(), cities)
        return topics.province_page(b, topic_id, key, links(), grid)

    @env.macro
    def chain_province_page(arg: str) -> str:
        """One province of a 审批流程 page ('<chain type>/<province key>'): its cities' charts."""
        kind, key = arg.split("/")
        return chains.chain_province_page(book(), ChainType(kind), key, links())

    @env.macro
    def chain_page(kind: str) -> str:
        """One 审批流程 page: every city's chart of that chain type, with table twins."""
        return chains.chain_page(book(), ChainType(kind), links())

    @env.macro
    def basket_page() -> str:
        """The 起草助手 (条文篮) page; clauses come from the basket/*.js files (rulebook/views/basket.py)."""
        return basket.basket_page()

    @env.macro
    def lookup_page() -> str:
        """The 条文检索 form; results come from the prebuilt shards (rulebook/search/index.py)."""
        return render.lookup_form(links())

    @env.macro
    def check_page() -> str:
        """The 对标检查 page: a draft checked against the peer cities, in the reader's browser."""
        return draft_check.check_page(book(), links())

    @env.macro
    def revise_page() -> str:
        """The 修订对照 page: a current text against its revision draft, in the reader's browser."""
        return revise.revise_page(book(), links())

    @env.macro
    def data_page() -> str:
        """The downloads table: every data file with its size and SHA-256."""
        b = book()
        labels = {t.id: t.label for t in b.topics()}
        return render.data_table(exports.listing(build().downloads(), labels))

    @env.macro
    def references_page() -> str:
        """The 依据与参照 page: the higher rules each city cites, grouped by rule."""
        return legal_basis.references_page(book(), links())

    @env.macro
    def home_downloads() -> str:
        """The home page's download line (PDFs only in a build that prints them)."""
        return render.home_downloads(build().settings.pdf, links())

    @env.macro
    def data_updated() -> str:
        """The home page's 数据更新于 line: the date the data last changed (rulebook/data/revision.py)."""
        return render.updated_line(revision.data_updated(build().root))

    @env.macro
    def stats() -> dict[str, int]:
        """Counts for prose on the home page."""
        b = book()
        return {
            "cities": len(b.cities),
            "articles": sum(len(c.articles()) for c in b.cities.values()),
            "corrections": sum(len(c.corrections) for c in b.cities.values()),
        }

    # Every generated page of the registry calls one of these; a missing one would print its call as text.
    missing = pages.macros() - set(env.macros)
    if missing:
        names = ", ".join(sorted(missing))
        raise ValueError(f"rulebook/build/pages.py names macros macros.py does not define: {names}")
