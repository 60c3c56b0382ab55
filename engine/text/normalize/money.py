"""Money: "$4.50", "€3 million", "£1.2bn", "USD 20", "20 EUR"."""

from __future__ import annotations

from .data import CURRENCIES, CURRENCY_SIGNS, SCALES
from .numwords import cardinal, number_words
from .patterns import CURRENCY_SIGN


def read_money(sc, code: str, num: str, scale: str | None, a: int, b: int) -> int:
    """``num`` (with its ``scale`` word, if any) of currency ``code``, spanning ``[a, b)``."""
    unit, units, sub, subs = CURRENCIES[code]
    clean = num.replace(",", "")
    if scale:
        sc.add(f"{number_words(num)} {SCALES[scale]} {units}", a, b)
        return b
    int_part, _, frac = clean.partition(".")
    whole = int_part or "0"  # a digit string, never made an int: it may have thousands of digits
    one = whole.lstrip("0") == "1"
    if frac and len(frac) == 2 and sub:
        cents = int(frac)
        parts = []
        if whole.strip("0") or not cents:
            parts.append(f"{cardinal(whole)} {unit if one else units}")
        if cents:
            parts.append(f"{cardinal(cents)} {sub if cents == 1 else subs}")
        sc.add(" and ".join(parts), a, b)
    elif frac:
        sc.add(f"{number_words(clean)} {units}", a, b)
    else:
        sc.add(f"{number_words(clean)} {unit if one else units}", a, b)
    return b


def read_currency_sign(sc, i):
    """A currency sign: the amount after it, or the sign is dropped."""
    m = CURRENCY_SIGN.match(sc.s, i)
    if m:
        return read_money(sc, CURRENCY_SIGNS[m.group(1)], m.group(2), m.group(3), m.start(), m.end())
    return i + 1


def read_currency_code_pre(sc, m):
    return read_money(sc, m.group(1), m.group(2), m.group(3), m.start(), m.end())


def read_currency_code_post(sc, m):
    return read_money(sc, m.group(3), m.group(1), m.group(2), m.start(), m.end())
