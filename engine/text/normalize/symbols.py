"""Symbols and punctuation: minus signs and dashes, brackets, "#", "~", "<"/">", named symbols
("&", "%", "©" ... ``symbols.tsv``), superscripts ("m²"), and the prosody marks "." "…" "," ";"
":" "?" "!". Each handler takes the scanner and the symbol's position."""

from __future__ import annotations

from .data import SUPERSCRIPT_WORDS, SYMBOL_WORDS


def read_hyphen(sc, i):
    """A minus sign before a number, "1 - 2" between numbers, or a dash pause ("--", " - ")."""
    s = sc.s
    nxt = s[i + 1] if i + 1 < sc.n else ""
    # minus sign before a number at a word start
    if (nxt.isdecimal() or (nxt in ".$€£¥" and i + 2 < sc.n and (s[i + 2].isdecimal() or nxt in "$€£¥"))) and (
        i == 0 or s[i - 1].isspace() or s[i - 1] in "([{=<>"
    ):
        sc.add("minus", i, i + 1)
        return i + 1
    j = i
    while j < sc.n and s[j] == "-":
        j += 1
    spaced = (i == 0 or s[i - 1].isspace()) and (j >= sc.n or s[j].isspace())
    if j - i >= 2 or spaced:
        prev = sc.prev_token(i)
        after = sc.next_char(j, skip_closers=False)
        if spaced and j - i == 1 and prev and prev[0][-1:].isdecimal() and after.isdecimal():
            sc.add("minus", i, j)
        else:
            sc.punct("—", i)
    return j


def read_dash(sc, i):
    sc.punct("—", i)
    return i + 1


def read_closing_bracket(sc, i):
    """A comma pause, unless punctuation follows."""
    if sc.next_char(i + 1, skip_closers=False) not in ".,;:!?…":
        sc.punct(",", i)
    return i + 1


def read_opening_bracket(sc, i):
    sc.punct(",", i)
    return i + 1


def read_hash(sc, i):
    """ "number" before a digit, "hashtag" before a letter."""
    nxt = sc.s[i + 1] if i + 1 < sc.n else ""
    if nxt.isdecimal():
        sc.add("number", i, i + 1)
    elif nxt.isalpha():
        sc.add("hashtag", i, i + 1)
    return i + 1


def read_tilde(sc, i):
    """ "about" before a number or an amount; otherwise no rule takes it."""
    nxt = sc.s[i + 1] if i + 1 < sc.n else ""
    if nxt.isdecimal() or nxt in "$€£¥":
        sc.add("about", i, i + 1)
        return i + 1
    return None


def read_comparison(sc, i):
    """ "<"/">" between numbers: "less than"/"greater than"."""
    prev = sc.prev_token(i)
    after = sc.next_char(i + 1, skip_closers=False)
    if prev and prev[0][-1:].isdecimal() and (after.isdecimal() or after == "-"):
        sc.add("less than" if sc.s[i] == "<" else "greater than", i, i + 1)
    return i + 1


def read_symbol_word(sc, i):
    sc.add(SYMBOL_WORDS[sc.s[i]], i, i + 1)
    return i + 1


def read_superscript(sc, i):
    """ "²"/"³" after a letter or digit: "squared"/"cubed"."""
    if i > 0 and sc.s[i - 1].isalnum():
        sc.add(SUPERSCRIPT_WORDS[sc.s[i]], i, i + 1)
        return i + 1
    return None


def read_period(sc, i):
    """A period, or "..." / ". . ." (an ellipsis)."""
    s = sc.s
    j = i
    while j < sc.n and s[j] in ". ":
        if s[j] == " " and not (j + 1 < sc.n and s[j + 1] == "."):
            break
        j += 1
    dots = s[i:j].count(".")
    sc.punct("…" if dots >= 3 else ".", i)
    return j


def read_punctuation(sc, i):
    sc.punct(sc.s[i], i)
    return i + 1
