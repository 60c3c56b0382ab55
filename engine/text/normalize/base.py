"""The spoken ``Word``, the prosody punctuation marks, and one-for-one character folding."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Word:
    """One spoken word.

    text: the word as spoken, lowercase (``"four"``, ``"don't"``); for a spelled letter the letter
        itself (``"f"``), possibly with a plural/possessive ending (``"d's"``).
    start, end: the span ``[start, end)`` in the original text this word was read from; several
        words share a span when one written token gives several words.
    punct_after: the prosody punctuation that follows the word (``""`` if none).
    letter: True when ``text`` is a letter name to be spelled out (``F B I``).
    """

    text: str
    start: int
    end: int
    punct_after: str = ""
    letter: bool = False


# Stronger marks win when several follow one word ("?!" -> "?").
PUNCT_PRIORITY = ("?", "!", "…", ".", ";", ":", "—", ",")
PUNCT_RANK = {p: i for i, p in enumerate(PUNCT_PRIORITY)}

# ----------------------------------------------------------------------------------------------
# One-for-one character folding (positions never shift)

# fmt: off
_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u0060": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2039": '"', "\u203a": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-", "\ufe63": "-",
    "\uff0d": "-",
    "\u2014": "\u2014", "\u2015": "\u2014",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u3000": " ", "\t": " ", "\u200b": " ", "\u00ad": " ", "\ufeff": " ",
    "\u2024": ".", "\uff0c": ",", "\uff0e": ".", "\uff01": "!", "\uff1f": "?", "\u00b7": " ",
    "\u2022": " ",
}
# fmt: on
_FOLD_TABLE = str.maketrans(_FOLD)
_FOLD_RE = re.compile("[" + "".join(re.escape(c) for c in _FOLD) + "]")


def fold_punctuation(text: str) -> str:
    """Map curly quotes/apostrophes, dashes and odd spaces to plain ones, one char for one."""
    if text.isascii():
        return text.translate(_FOLD_TABLE)
    # str.translate is slow on non-ASCII text; a search for the few mapped characters is not
    return _FOLD_RE.sub(lambda m: _FOLD[m.group()], text)
