"""两市对照's word diff: each article's jieba tokens, made at build time (the browser has no jieba).

docs/assets/compare.js diffs two articles token by token, so a mark never splits a word (同意/同志 were
marked 意/志 by a character diff). The tokens travel as their lengths, one base-36 digit each: "w": "21312"
is 2, 1, 3, 1 and 2 code points, covering the text exactly (punctuation, spaces and line breaks are tokens
too). A jieba token longer than 35 code points (a long run of Latin letters or digits) travels as pieces.
"""

from __future__ import annotations

from functools import lru_cache

DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
LONGEST = len(DIGITS) - 1


@lru_cache(maxsize=65536)  # an article shows on several topic pages; synthetic corpora repeat texts
def token_lengths(text: str) -> str:
    """The lengths of `text`'s tokens in code points, one base-36 digit ('1'–'z') per token.

    jieba's own dictionary (rulebook/analysis/align.py's tokenizer, without the search terms, so a build
    and a test give the same tokens) without its HMM: a run it does not know stays single characters,
    where the HMM would glue neighbouring words into a guessed one (由市政府, 或市) and so widen a mark."""
    from rulebook.analysis.align import _tokenizer  # jieba loads only when tokens are made

    out = []
    for word in _tokenizer().cut(text, HMM=False):
        n = len(word)
        while n > LONGEST:
            out.append(DIGITS[LONGEST])
            n -= LONGEST
        if n:
            out.append(DIGITS[n])
    lengths = "".join(out)
    # jieba yields every character once (checked on every article); if it ever did not, one per character
    return lengths if sum(int(d, 36) for d in lengths) == len(text) else "1" * len(text)


def tokens(text: str, lengths: str) -> list[str]:
    """`text` cut into the tokens `lengths` (token_lengths) gives: what compare.js does in the browser."""
    out, i = [], 0
    for d in lengths:
        n = int(d, 36)
        out.append(text[i : i + n])
        i += n
    return out
