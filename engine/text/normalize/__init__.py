"""English text normalization: raw text -> spoken words, each with its span in the original text.

``normalize(text)`` returns a list of :class:`Word`. Every word carries the half-open character
span ``[start, end)`` of the *original* text it was read from, so ``"$4.50"`` gives the five
words ``four dollars and fifty cents``, all with the span of ``"$4.50"``; a reader app can
highlight ``text[word.start:word.end]`` while the word is spoken. ``iter_normalize(text)`` gives
the same words lazily, as the scanner reads them, so a long text costs nothing up front.

A number from 1000 to 2099 is read as a year or a count by its context (``years``), and an
all-numeric date by its fields and ``date_order`` (``dates.read_date_numeric``).

Prosody punctuation is kept on the word before it (``Word.punct_after``): one of ``","``,
``"."``, ``"?"``, ``"!"``, ``";"``, ``":"``, ``"…"`` or ``"—"`` (dash pause), or ``""``.

Symbol and emoji policy (see docs/frontend.md):

* named: ``&`` and, ``@`` at, ``#`` number (before a digit) / hashtag (before a word),
  ``%`` percent, ``+`` plus, ``=`` equals, ``×`` times, ``÷`` divided by, ``°`` degrees,
  ``©`` copyright, ``®`` registered, ``™`` trademark, ``§`` section, ``~`` about (before a number),
  ``<``/``>`` less than/greater than (between numbers);
* dropped: emoji and every other pictographic symbol, ``*``, ``_``, ``|``, ``\\``, ``^``,
  brackets and quotes (brackets give a comma pause), and any character not listed here.

The scanner works on a copy of the text in which some characters are replaced one for one
(curly quotes and apostrophes, dashes, odd spaces), so that positions never shift.

The package: ``scanner`` (the left-to-right reader), ``rules`` (the ordered rule tables it
tries), ``patterns`` (their regular expressions), one module per kind of token (``numbers``,
``years``, ``dates``, ``money``, ``measures``, ``abbreviations``, ``letters``, ``roman``,
``electronic``, ``symbols``), ``numwords`` (numbers as words), ``base`` (``Word``, character
folding), and ``data`` with the word lists it reads from the ``*.tsv`` files beside it.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator

from .base import PUNCT_PRIORITY, Word, fold_punctuation
from .data import MONTH_NAMES as MONTH_NAMES
from .dates import DATE_ORDERS, check_date_order
from .numwords import cardinal as cardinal
from .numwords import digits as digits
from .numwords import number_words as number_words
from .numwords import ordinal as ordinal
from .numwords import year as year
from .scanner import _Scanner

# The "X as X" names stay importable from here: ssml.py reads the number words and month names.

__all__ = [
    "DATE_ORDERS",
    "PUNCT_PRIORITY",
    "Word",
    "check_date_order",
    "fold_punctuation",
    "iter_normalize",
    "normalize",
    "normalize_to_text",
]


def iter_normalize(text: str, *, keep_words: Collection[str] = (), date_order: str = "MDY") -> Iterator[Word]:
    """``normalize`` one word at a time: each word is yielded as soon as the scanner is past
    it, so the first words of a long text cost no more than those of a short one."""
    check_date_order(date_order)
    if not text:
        return iter(())
    return itertools.chain.from_iterable(_Scanner(text, keep_words, date_order).word_batches())


def normalize(text: str, *, keep_words: Collection[str] = (), date_order: str = "MDY") -> list[Word]:
    """Raw text -> spoken words with spans into ``text`` and prosody punctuation.

    ``keep_words``: lowercase words to pass through as one word each, as written (the user
    dictionary's words, so that an entry for "FBI" or "MP3" is found instead of being spelled).
    ``date_order``: how an all-numeric date whose day and month could be swapped is read,
    ``"MDY"`` (03/04/2021 is March 4th, the en-US default) or ``"DMY"`` (the 3rd of April).
    A field over 12 and a year written first (2021-05-13) decide on their own.
    """
    return list(iter_normalize(text, keep_words=keep_words, date_order=date_order))


def normalize_to_text(text: str, *, punctuation: bool = False, date_order: str = "MDY") -> str:
    """The spoken words as one string ('four dollars and fifty cents').

    With ``punctuation=True`` each word is followed by its ``punct_after`` mark.
    """
    words = normalize(text, date_order=date_order)
    if punctuation:
        return " ".join(w.text + w.punct_after for w in words)
    return " ".join(w.text for w in words)
