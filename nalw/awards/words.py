"""How words are counted against a criterion's word limit, on the server and (in static/js/word-count.js,
written to the same rule) in the browser's hint.

A word is a run of characters between separators (spaces, tabs, line breaks, no-break and other Unicode
spaces) holding at least one letter or digit: "well-being" and "don't" are one word each, "5,000" is one,
and a dash or a bullet standing alone is none.
"""

import re

# The separators, spelled out rather than taken from `\s`, whose meaning differs between Python and JavaScript.
SEPARATORS = "\t\n\x0b\x0c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_RUN = re.compile(f"[^{SEPARATORS}]+")


def count_words(text: str | None) -> int:
    return sum(1 for run in _RUN.findall(text or "") if any(character.isalnum() for character in run))
