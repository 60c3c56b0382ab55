"""The regular expressions the rules match at a scanner position (all used as ``.match(s, i)``)."""

from __future__ import annotations

import re

from .data import (
    CURRENCIES,
    CURRENCY_SIGNS,
    MONTH_RE,
    SCALES,
    SPECIAL_WORDS,
    TOP_LEVEL_DOMAINS,
    UNITS,
)

NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
# letters: word characters that are not digits, "_", superscripts or other number signs
_WORD_CHARS = r"[^\W\d_\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff]"


def _longest_first(words) -> str:
    """An alternation of ``words`` in which no word comes after a longer one it begins."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SCALE_RE = "(?:" + _longest_first(SCALES) + ")"
# Units that need no space check: a single letter is only a unit when glued to the number
# ("5m", "9V"); with a space ("5 m") it is one too, unless a letter follows.
_UNIT_RE = _longest_first(UNITS)
_TLD_RE = "(?:" + "|".join(TOP_LEVEL_DOMAINS) + ")"

URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|"
    r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\." + _TLD_RE + r"(?![A-Za-z0-9])(?:/[^\s<>\"']*)?"
)
EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
IP = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.]\d)")
DATE_MDY = re.compile(MONTH_RE + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(\d{4})(?!\d))?")
DATE_DMY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + MONTH_RE + r")\b\.?(?:,?\s+(\d{4})(?!\d))?")
# year first: 2021-05-13, 2021/5/13, 2021.05.13 (always year, month, day)
DATE_YMD = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d|[-/.]\d)")
# 13/05/2021, 05/13/21, 13.05.2021, 13-05-2021: day and month by value or ``date_order``
DATE_NUMERIC = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[-/.]\d)")
TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)(?:\s?([AaPp])\.?\s?[Mm](?![A-Za-z])(\.)?)?")
TIME_AMPM = re.compile(r"(\d{1,2})\s?([AaPp])\.?\s?[Mm](?![A-Za-z])(\.)?")
PHONE = re.compile(r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)")
PHONE_INTL = re.compile(r"\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?!\d)")
PHONE_LOCAL = re.compile(r"\d{3}-\d{4}(?!\d)")
_CODES = "(" + "|".join(CURRENCIES) + ")"
_SIGNS = "([" + "".join(re.escape(c) for c in CURRENCY_SIGNS) + "])"
CURRENCY_SIGN = re.compile(_SIGNS + r"\s?(" + NUM + r")(?:\s?(" + _SCALE_RE + r")(?![A-Za-z]))?")
CURRENCY_CODE_PRE = re.compile(_CODES + r"\s?(" + NUM + r")(?:\s?(" + _SCALE_RE + r")(?![A-Za-z]))?")
CURRENCY_CODE_POST = re.compile(r"(" + NUM + r")(?:\s?(" + _SCALE_RE + r"))?\s?" + _CODES + r"\b")
PERCENT = re.compile(r"(" + NUM + r")\s?(%|‰)")
UNIT = re.compile(r"(" + NUM + r")(\s?)(" + _UNIT_RE + r")(?![A-Za-z0-9])")
FRACTION_MIXED = re.compile(r"(\d+)\s(\d+)/(\d+)(?![\d/])")
FRACTION = re.compile(r"(\d+)/(\d+)(?![\d/])")
DECADE = re.compile(r"(\d\d)?(\d)0'?s(?![A-Za-z0-9])")
RANGE = re.compile(r"(" + NUM + r")\s?-\s?(" + NUM + r")(?![\d.]*[A-Za-z])")
ORDINAL = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)(?![A-Za-z])")
RATIO = re.compile(r"(\d+):(\d)(?![\d:])")
VERSION = re.compile(r"\d+(?:\.\d+){2,}(?![\d])")
FEET_INCHES = re.compile(r"(\d)'\s?(\d{1,2})(?:\"|'')?(?![\d])")
SCALED = re.compile(r"(" + NUM + r")\s?(million|billion|trillion|bn|mn|M|B)(?![A-Za-z0-9])")
TIMES_X = re.compile(r"(" + NUM + r")\s?[x×]\s?(" + NUM + r")(?![A-Za-z])")
MULTIPLIER = re.compile(r"(" + NUM + r")x(?![A-Za-z0-9])")
ALNUM = re.compile(r"[A-Za-z]+\d[A-Za-z0-9]*|\d+[A-Za-z][A-Za-z0-9]*")
NUMBER = re.compile(NUM)
DOTTED = re.compile(r"(?:[A-Za-z]\.){2,}|et al\.")
WORD = re.compile(_WORD_CHARS + r"+(?:'" + _WORD_CHARS + r"+)*")
# the word/number tokens that the context rules look at
WORD_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# a whole token that is a word with a fixed reading ("OK", "WW2"; "Wi-Fi" is no one token)
SPECIAL_WORD = re.compile(
    "(?:" + _longest_first(w for w in SPECIAL_WORDS if WORD_TOKEN.fullmatch(w)) + r")(?![^\W_]|'[^\W_])"
)
