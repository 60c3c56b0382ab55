"""Measures: a number with a unit ("5 km", "9V", "20°C", "3 MB"), percentages ("12%", "5‰")
and heights in feet and inches (5'11")."""

from __future__ import annotations

from .data import UNITS
from .numwords import cardinal, number_words


def read_unit(sc, m):
    num, space, unit = m.group(1), m.group(2), m.group(3)
    if space and len(unit) == 1 and unit not in "°℃℉":
        # "5 m" is a unit only when no word follows ("5 m away" is fine, "5 V Class" is not)
        nxt = sc.next_char(m.end(), skip_closers=False)
        if nxt.isupper():
            return None
    if unit == "°" and m.end() < sc.n and sc.s[m.end()] in "CF":
        return None
    sing, plur = UNITS[unit]
    one = num == "1"
    sc.add(f"{number_words(num)} {sing if one else plur}", m.start(), m.end())
    return m.end()


def read_percent(sc, m):
    word = "percent" if m.group(2) == "%" else "per mille"
    sc.add(f"{number_words(m.group(1))} {word}", m.start(), m.end())
    return m.end()


def read_feet_inches(sc, m):
    ft, inch = int(m.group(1)), int(m.group(2))
    if inch > 11:
        return None
    words = f"{cardinal(ft)} {'foot' if ft == 1 else 'feet'} {cardinal(inch)}"
    sc.add(words + (" inch" if inch == 1 else " inches"), m.start(), m.end())
    return m.end()
