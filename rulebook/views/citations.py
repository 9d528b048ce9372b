"""Citations of a city's work rules and of one article: the one place their strings are made.

Built at build time into the basket data (rulebook/views/basket.py); the browser only adds the URL of the
page and the access date, in the places `gbt7714()` and `ris()` show.

GB/T 7714—2025, electronic resource (rule followed, stated on docs/about.md): 主要责任者. 题名: 其他题名信息
[文献类型标识/载体标识]. (发布或更新日期)[引用日期]. 获取和访问路径. The issuing government is the
主要责任者, the 文号 is 其他题名信息, the type code is [A/OL] (a government document read online), the
issue date is the 发布日期; a part that is not known (no 文号, no date) is left out, never guessed.
"""

from __future__ import annotations

from typing import Any

from rulebook.model.numerals import int_to_cn
from rulebook.model.schema import Article, City

NO_DOC_NUMBER = "文号不详"
TYPE_CODE = "A/OL"


def article_number(n: int) -> str:
    return f"第{int_to_cn(n)}条"


def short(city: City, article: Article | None = None) -> str:
    """《株洲市人民政府工作规则》（株政发〔2022〕1号）第四十四条; says 文号不详 when the text has none."""
    number = city.doc_number or NO_DOC_NUMBER
    return f"《{city.title}》（{number}）" + (article_number(article.n) if article else "")


def gbt7714_head(city: City) -> str:
    """The reference up to the access date, e.g.
    株洲市人民政府. 株洲市人民政府工作规则: 株政发〔2022〕1号[A/OL]. (2022-01-13)

    Without a date it ends in '. ' so that the access date follows as '[A/OL]. [2026-12-02]'."""
    title = city.title + (f": {city.doc_number}" if city.doc_number else "")
    head = f"{city.issuer}. {title}[{TYPE_CODE}]. "
    return head + f"({city.issued})" if city.issued else head


def gbt7714(city: City, accessed: str, url: str) -> str:
    """The full GB/T 7714—2025 reference; the browser builds the same from gbt7714_head()."""
    return f"{gbt7714_head(city)}[{accessed}]. {url}."


def csl(city: City, article: Article | None = None) -> dict[str, Any]:
    """CSL-JSON (CSL 1.0.2 data schema) item without URL and accessed, which the browser adds."""
    item: dict[str, Any] = {
        "id": f"{city.id}" + (f"-art{article.n}" if article else ""),
        "type": "legislation",
        "title": city.title,
        "author": [{"literal": city.issuer}],
        "authority": city.issuer,
        "language": "zh-CN",
    }
    if city.doc_number:
        item["number"] = city.doc_number
    if city.issued:
        y, m, d = (int(x) for x in city.issued.split("-"))
        item["issued"] = {"date-parts": [[y, m, d]]}
    if article:
        item["section"] = article_number(article.n)
    return item


def ris(city: City, article: Article | None = None) -> list[str]:
    """RIS lines without UR, Y2 and ER (the browser adds the URL, the access date and the end)."""
    lines = ["TY  - GOVDOC", f"TI  - {city.title}", f"AU  - {city.issuer}", f"PB  - {city.issuer}"]
    if city.doc_number:
        lines.append(f"M1  - {city.doc_number}")
    if city.issued:
        lines += [f"PY  - {city.issued[:4]}", f"DA  - {city.issued.replace('-', '/')}"]
    if article:
        lines.append(f"SE  - {article_number(article.n)}")
    lines.append("LA  - zh")
    return lines


def ris_text(lines: list[str], accessed: str, url: str) -> str:
    """A complete RIS record (the browser builds the same)."""
    return "\r\n".join([*lines, f"UR  - {url}", f"Y2  - {accessed.replace('-', '/')}", "ER  - "]) + "\r\n"


def bundle(city: City, article: Article | None = None) -> dict[str, Any]:
    """Every form, as shipped to the browser."""
    return {
        "short": short(city, article),
        "gbt": gbt7714_head(city),
        "csl": csl(city, article),
        "ris": ris(city, article),
    }
