"""Layer packages re-export their public names without importing every module up front (PEP 562)."""

from __future__ import annotations

import importlib
from collections.abc import Callable


def lazy_exports(package: str, table: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """A package's `__getattr__` and `__dir__`: `name` of `table` ({name: module}) is read from
    `package.module` when first asked for, so `from rulebook.views import Links` imports only links.py
    (the analysis layer's scikit-learn stays unloaded until an alignment is computed)."""

    def __getattr__(name: str) -> object:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted(table)

    return __getattr__, __dir__
