"""起草助手 (条文篮): the data the basket loads and the basket page's markup.

The basket renders clauses of any city without reading other pages: each city's articles (text,
labels, topics, counterparts from the alignment, citations) are one script basket/<slug>.js that
calls rbBasketCity(slug, data) — a script, not JSON, because fetch() of local files fails under
file:// (the offline bundle). basket/meta.js gives the topics in taxonomy order and the cities.
"""

from __future__ import annotations

from typing import Any

from rulebook.analysis.align import Match
from rulebook.analysis.clauses import LEVEL_SAME
from rulebook.core.jsdata import js_call as _js_call
from rulebook.data.load import Rulebook
from rulebook.views import citations
from rulebook.views.rawblock import fence

UNSORTED = "_none"
UNSORTED_LABEL = "未分主题"


def city_data(book: Rulebook, slug: str, matches: dict[tuple[str, int], list[Match]]) -> dict[str, Any]:
    """One city's articles as the basket needs them."""
    city = book.city(slug)
    articles = {}
    for a in city.articles():
        articles[str(a.n)] = {
            "label": a.label,
            "number": citations.article_number(a.n),
            "text": a.text(),
            "topics": book.topics_of(slug, a.n),
            "counterparts": [[m.city, m.n] for m in matches.get((slug, a.n), []) if m.level == LEVEL_SAME],
            "cite": citations.bundle(city, a),
        }
    return {
        "name": city.name,
        "title": city.title,
        "issuer": city.issuer,
        "doc_number": city.doc_number,
        "issued": city.issued,
        "cite": citations.bundle(city),
        "articles": articles,
    }


def basket_meta(book: Rulebook) -> dict[str, Any]:
    topics = [[t.id, t.label] for t in book.topics()] + [[UNSORTED, UNSORTED_LABEL]]
    return {"topics": topics, "cities": {slug: c.name for slug, c in book.cities.items()}}


def basket_files(book: Rulebook, matches: dict[tuple[str, int], list[Match]]) -> dict[str, str]:
    """Site path -> script text: basket/meta.js and one basket/<slug>.js per city."""
    files = {"basket/meta.js": basket_files_meta(book)}
    for slug in book.cities:
        files[city_script_path(slug)] = city_script(book, slug, matches)
    return files


def basket_files_meta(book: Rulebook) -> str:
    """basket/meta.js: rbBasketMeta(basket_meta(book))."""
    return _js_call("rbBasketMeta", basket_meta(book))


def city_script_path(slug: str) -> str:
    return f"basket/{slug}.js"


def city_script(book: Rulebook, slug: str, matches: dict[tuple[str, int], list[Match]]) -> str:
    """basket/<slug>.js: rbBasketCity(slug, city_data(...))."""
    return _js_call("rbBasketCity", slug, city_data(book, slug, matches))


def basket_page() -> str:
    """The 起草助手 page body; assets/basket.js fills it from localStorage or the share link."""
    return fence(
        '<div id="rb-basket" class="rb-basket" data-state="init">'
        '<p class="rb-basket-noscript">条文篮需要浏览器启用 JavaScript。</p>'
        '<div class="rb-basket-tools" role="group" aria-label="导出与分享">'
        '<button type="button" class="md-button" data-rb-export="docx">下载 Word（.docx）</button> '
        '<button type="button" class="md-button" data-rb-export="md">下载 Markdown</button> '
        '<button type="button" class="md-button" data-rb-export="text">复制纯文本</button> '
        '<button type="button" class="md-button" data-rb-export="share">复制分享链接</button> '
        '<button type="button" class="md-button" data-rb-export="clear">清空条文篮</button>'
        "</div>"
        '<p class="rb-basket-status" role="status" aria-live="polite"></p>'
        '<p class="rb-basket-share"><label>分享链接：<input type="text" readonly class="rb-basket-link"'
        ' aria-label="分享链接"></label></p>'
        '<div class="rb-basket-list"></div>'
        "</div>"
    )
