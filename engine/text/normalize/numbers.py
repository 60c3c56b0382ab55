"""Numbers: cardinals, years, ordinals, decimals, fractions, decades, ranges, ratios, versions,
scaled numbers ("4.5 billion"), multipliers ("3x", "4 x 5") and fraction signs ("½").

Each ``read_*`` handler takes the scanner and a match of its pattern (``patterns``; a symbol's
handler its position), emits the words and returns where reading goes on, or None to leave
the match to the next rule.
"""

from __future__ import annotations

from .data import SCALES, VULGAR_FRACTIONS, WORDS
from .numwords import (
    cardinal,
    digits,
    fraction_words,
    number_words,
    ordinal,
    parse_count,
    plural_last,
    short_year,
    year,
)
from .patterns import DECADE
from .years import is_year


def read_number(sc, m):
    num = m.group(0)
    a, b = m.start(), m.end()
    prev = sc.prev_token(a)
    if prev and prev[0].lower() in WORDS.dial_words and num.isdecimal():
        sc.add(digits(num), a, b)  # "call 911"
        return b
    sc.add(number_words(num, as_year=is_year(sc, num, a, b)), a, b)
    return b


def read_ordinal(sc, m):
    sc.add(ordinal(m.group(1).replace(",", "")), m.start(), m.end())
    return m.end()


def read_fraction_mixed(sc, m):
    whole, num, den = m.group(1), parse_count(m.group(2)), parse_count(m.group(3))
    if num is None or den is None or not 0 < num < den:
        return None
    frac = fraction_words(num, den)
    if num == 1 and den in (2, 4):
        frac = "a " + frac.split(" ", 1)[1]
    sc.add(f"{cardinal(whole)} and {frac}", m.start(), m.end())
    return m.end()


def read_fraction(sc, m):
    num, den = parse_count(m.group(1)), parse_count(m.group(2))
    if num is None or den is None:
        return None  # the numbers are read one by one
    if (num, den) == (24, 7):
        words = "twenty-four seven"
    elif (num, den) == (9, 11):
        words = "nine eleven"
    else:
        words = fraction_words(num, den)
    if words is None:
        return None
    sc.add(words, m.start(), m.end())
    return m.end()


def read_vulgar_fraction(sc, i):
    """ "½", and "1½" -> "one and a half" (the digit was read before)."""
    num, den = VULGAR_FRACTIONS[sc.s[i]]
    words = fraction_words(num, den)
    if i > 0 and sc.s[i - 1].isdecimal():
        words = "and " + ("a " + words.split(" ", 1)[1] if num == 1 else words)
    sc.add(words, i, i + 1)
    return i + 1


def read_decade(sc, m):
    century, dec = m.group(1), m.group(2)
    text = m.group(0)
    if century is None:
        if text[0] == "0" and dec == "0":
            return None
        words = plural_last(cardinal(int(dec) * 10))
    else:
        y = int(century + dec + "0")
        if y < 1000:
            return None
        words = plural_last(year(y))
    sc.add(words, m.start(), m.end())
    return m.end()


def read_quote(sc, i):
    """An apostrophe: "'90s" is a decade; any other is dropped."""
    s = sc.s
    m = DECADE.match(s, i + 1)
    if m and m.group(1) is None and (i == 0 or not s[i - 1].isalnum()):
        sc.add(plural_last(cardinal(int(m.group(2)) * 10)), i, m.end())
        return m.end()
    return i + 1


def read_range(sc, m):
    x, y = m.group(1), m.group(2)
    a, b = m.start(), m.end()
    if sc.next_char(b, skip_closers=False) in ("=", "+") or (a > 0 and sc.s[a - 1] in "=+"):
        sc.add(f"{number_words(x)} minus {number_words(y)}", a, b)
        return b
    if "-" not in m.group(0):
        return None
    both_years = is_year(sc, x, a, b) and y.isdecimal() and (len(y) == 2 or len(y) == 4 and int(x) < int(y) <= 2099)
    if both_years:  # "1990-1995", "1990-95"; "1500-2000 people": no
        sc.add(f"{year(int(x))} to {short_year(y)}", a, b)
    else:
        sc.add(f"{number_words(x)} to {number_words(y)}", a, b)
    return b


def read_ratio(sc, m):
    sc.add(f"{cardinal(m.group(1))} to {cardinal(m.group(2))}", m.start(), m.end())
    return m.end()


def read_version(sc, m):
    parts = m.group(0).split(".")
    sc.add(" point ".join(number_words(p) for p in parts), m.start(), m.end())
    return m.end()


def read_scaled(sc, m):
    if m.group(2) in ("M", "B") and "." not in m.group(1):
        return None  # "4B" is more often a flat or a grade than four billion
    sc.add(f"{number_words(m.group(1))} {SCALES[m.group(2)]}", m.start(), m.end())
    return m.end()


def read_times_x(sc, m):
    sc.add(f"{number_words(m.group(1))} times {number_words(m.group(2))}", m.start(), m.end())
    return m.end()


def read_multiplier(sc, m):
    sc.add(f"{number_words(m.group(1))} times", m.start(), m.end())
    return m.end()
