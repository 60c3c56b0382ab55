"""Numbers as words: cardinals, ordinals, digit strings, years, decimals and fractions."""

from __future__ import annotations

import re

from num2words import num2words

_ORDINAL_UNITS = {
    2: ("half", "halves"),
    4: ("quarter", "quarters"),
}


def _clean(words: str) -> str:
    """num2words output -> our style: no commas, no British 'and' inside numbers."""
    words = words.replace(",", "")
    words = re.sub(r"\band\b", " ", words)
    return " ".join(words.split())


# Numbers of more digits are read digit by digit: nobody says a 16-digit number as a number, and
# a digit string is never turned into an int unread (Python refuses ints of over 4,300 digits,
# and num2words would take quadratic time on them). Reading stays linear in the digits.
MAX_CARDINAL_DIGITS = 15


def _too_long(n: int | str) -> str | None:
    """The digits of ``n`` (a non-negative int or a string of decimal digits) when it has more
    than ``MAX_CARDINAL_DIGITS`` of them, else None."""
    if isinstance(n, str):
        return n if len(n) > MAX_CARDINAL_DIGITS else None
    return str(n) if n >= 10**MAX_CARDINAL_DIGITS else None


def cardinal(n: int | str) -> str:
    """12345 or "12345" -> 'twelve thousand three hundred forty-five' (no 'and', US style).
    More than ``MAX_CARDINAL_DIGITS`` digits are read one by one."""
    if isinstance(n, int) and n < 0:
        return "minus " + cardinal(-n)
    long_digits = _too_long(n)
    if long_digits is not None:
        return digits(long_digits)
    return _clean(num2words(int(n)))


def ordinal(n: int | str) -> str:
    """22 or "22" -> 'twenty-second'; more than ``MAX_CARDINAL_DIGITS`` digits are read one by
    one, the last as an ordinal ('one two ... nine ninth')."""
    long_digits = _too_long(n)
    if long_digits is not None:
        return digits(long_digits[:-1]) + " " + ordinal(long_digits[-1])
    return _clean(num2words(int(n), to="ordinal"))


def parse_count(text: str) -> int | None:
    """A string of decimal digits as an int, or None when it has more than
    ``MAX_CARDINAL_DIGITS`` digits (to be read digit by digit instead)."""
    return None if len(text) > MAX_CARDINAL_DIGITS else int(text)


_DIGIT = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def digits(s: str) -> str:
    """'0123' -> 'zero one two three' (non-digits are skipped)."""
    return " ".join(_DIGIT[int(c)] for c in s if c.isdecimal())


def year(y: int) -> str:
    """1987 -> 'nineteen eighty-seven', 2005 -> 'two thousand five', 1905 -> 'nineteen oh five'."""
    if y < 1000 or y >= 10000 or y % 1000 == 0:
        return cardinal(y)
    if 2000 <= y <= 2009:
        return cardinal(y)
    hi, lo = divmod(y, 100)
    if lo == 0:
        return cardinal(hi) + " hundred"
    if lo < 10:
        return cardinal(hi) + " oh " + cardinal(lo)
    return cardinal(hi) + " " + cardinal(lo)


def short_year(y: str) -> str:
    """A year written with 4 digits, or 2 ('95' -> ninety-five, '05' -> oh five)."""
    if len(y) == 4:
        return year(int(y))
    if y == "00":
        return "hundred"
    if y[0] == "0":
        return "oh " + cardinal(int(y))
    return cardinal(int(y))


def plural_last(words: str) -> str:
    """'nineteen ninety' -> 'nineteen nineties'."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return (head + " " + last).strip()


def number_words(num: str, *, as_year: bool = False) -> str:
    """A numeral as written ('1,234.56', '007', '.5') -> words."""
    num = num.replace(",", "")
    int_part, _, frac = num.partition(".")
    if len(int_part) > MAX_CARDINAL_DIGITS or (len(int_part) > 1 and int_part.startswith("0")):
        out = digits(int_part)
    elif int_part == "":
        out = ""
    elif as_year and not frac and 1000 <= int(int_part) <= 2099:
        out = year(int(int_part))
    else:
        out = cardinal(int(int_part))
    if frac:
        out = (out + " point " + digits(frac)).strip()
    return out


def fraction_words(num: int, den: int) -> str | None:
    """3, 4 -> 'three quarters'; 1, 8 -> 'one eighth'; None for a zero denominator."""
    if den == 0:
        return None
    if den > 100:
        return cardinal(num) + " over " + cardinal(den)
    if den == 1:
        return cardinal(num) + " over one"
    sing, plur = _ORDINAL_UNITS.get(den, (None, None))
    if sing is None:
        sing = ordinal(den)
        plur = sing + "s"
    return cardinal(num) + " " + (sing if num == 1 else plur)
