"""Data handed to pages as scripts: `f(arg, …);` files work over http and from file:// (no fetch needed)."""

from __future__ import annotations

import json


def js_call(function: str, *args: object) -> str:
    """A script calling `function` with the JSON of each argument."""
    body = ",".join(json.dumps(a, ensure_ascii=False, separators=(",", ":")) for a in args)
    body = body.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")  # line separators end JS strings
    return function + "(" + body + ");\n"
