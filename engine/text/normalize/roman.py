"""Roman numerals: "Chapter IV" -> "chapter four", "Henry VIII" -> "henry the eighth"."""

from __future__ import annotations

import re

from .data import WORDS
from .numwords import cardinal, ordinal

ROMAN_RE = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(w: str) -> int:
    total = 0
    for k, ch in enumerate(w):
        v = _ROMAN_VALUES[ch]
        if k + 1 < len(w) and _ROMAN_VALUES[w[k + 1]] > v:
            total -= v
        else:
            total += v
    return total


def read_roman(sc, w, a, b, prev):
    """The numeral ``w`` at ``[a, b)`` after the token ``prev``: a cardinal after "Chapter",
    "Part" ... (``WORDS.roman_cardinal_context``), a regnal ordinal after a name; None
    otherwise."""
    value = roman_value(w)
    prev_low = prev[0].lower() if prev else ""
    if prev_low in WORDS.roman_cardinal_context and prev and sc.gap(prev[1] + len(prev[0]), a):
        sc.add(cardinal(value), a, b)
        return b
    if (
        prev
        and sc.gap(prev[1] + len(prev[0]), a)
        and prev[0][:1].isupper()
        and prev[0][1:].islower()
        and prev[0].isalpha()
        and len(prev[0]) > 1
    ):
        if w == "I" and prev[0] not in WORDS.regnal_names_for_i:
            return None
        if len(w) == 1 and w not in ("I", "V"):
            return None
        if value > 50:
            return None
        sc.add("the " + ordinal(value), a, b)
        return b
    return None
