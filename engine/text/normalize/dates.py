"""Dates and times: "March 3, 2021", "3rd of May", "2021-05-13", "03/04/2021" (by
``date_order``), "7:30 a.m.", "3pm"."""

from __future__ import annotations

from .data import MONTH_NAMES, MONTHS
from .numwords import cardinal, ordinal, short_year, year

# How an all-numeric date whose fields could be either day or month is read (03/04/2021):
# month first (en-US, the default) or day first.
DATE_ORDERS = ("MDY", "DMY")


def check_date_order(date_order: str) -> str:
    """``date_order`` itself, or ValueError when it is not one of ``DATE_ORDERS``."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    return date_order


def read_date_ymd(sc, m):
    y, sep, mo, d = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
    if sep != "/" and (len(m.group(3)) != 2 or len(m.group(4)) != 2):
        return None  # 2021-5-3 or 2021.5.3: more likely a range or a version
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    sc.add(f"{MONTH_NAMES[mo]} {ordinal(d)} {year(y)}", m.start(), m.end())
    return m.end()


def read_date_numeric(sc, m):
    """A numeric date with the year last: a field over 12 is the day; when both could be
    the month, ``date_order`` decides, except with dots (04.05.2021), which only day-first
    countries write. It is read in the order it is written: "may thirteenth" for month
    first, "the thirteenth of may" for day first."""
    first, sep, second, y = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
    if sep != "/" and len(y) != 4:
        return None  # 3-4-21 is no date; 3.4.21 a version
    if first > 12 >= second:
        day_first = True
    elif second > 12 >= first:
        day_first = False
    else:
        day_first = sc.date_order == "DMY" or sep == "."
    d, mo = (first, second) if day_first else (second, first)
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    if day_first:
        words = _day_of_month(sc, d, mo, m.start())
    else:
        words = f"{MONTH_NAMES[mo]} {ordinal(d)}"
    sc.add(f"{words} {short_year(y)}", m.start(), m.end())
    return m.end()


def read_date_dmy(sc, m):
    d = int(m.group(1))
    mon = m.group(2)
    if not 1 <= d <= 31 or not mon[0].isupper():
        return None
    words = _day_of_month(sc, d, MONTHS[mon.lower()], m.start())
    if m.group(3):
        words += " " + year(int(m.group(3)))
    sc.add(words, m.start(), m.end())
    return m.end()


def read_date_mdy(sc, m):
    mon = m.group(0).split()[0].rstrip(".")
    d = int(m.group(1))
    if not 1 <= d <= 31:
        return None
    words = f"{MONTH_NAMES[MONTHS[mon.lower()]]} {ordinal(d)}"
    if m.group(2):
        words += " " + year(int(m.group(2)))
    sc.add(words, m.start(), m.end())
    return m.end()


def _day_of_month(sc, d: int, mo: int, a: int) -> str:
    """'the third of may'; without "the" when the text just said it ("the 3rd of May")."""
    words = f"the {ordinal(d)} of {MONTH_NAMES[mo]}"
    if sc.out and sc.out[-1][0] == "the" and sc.gap(sc.out[-1][2], a):
        words = words[4:]
    return words


def _clock(h: int, mi: int, ampm: str | None) -> str:
    if ampm and h == 0:
        h = 12
    words = cardinal(h)
    if mi == 0:
        words += "" if ampm else " o'clock"
    elif mi < 10:
        words += " oh " + cardinal(mi)
    else:
        words += " " + cardinal(mi)
    if ampm:
        words += " " + ampm.lower() + " m"
    return words


def _add_clock(sc, words: str, a: int, b: int, ampm: bool) -> None:
    sc.add(words, a, b)
    if ampm:  # the "a m" / "p m" letters are spelled
        sc.out[-1][4] = True
        sc.out[-2][4] = True


def read_time(sc, m):
    h, mi = int(m.group(1)), int(m.group(2))
    sec = m.group(3)
    if h > 24 or mi > 59 or (sec and int(sec) > 59):
        return None
    ampm = m.group(4)
    a, b = m.start(), m.end()
    words = _clock(h, mi, ampm)
    if sec and int(sec):
        secs = int(sec)
        words += " and " + cardinal(secs) + (" second" if secs == 1 else " seconds")
    _add_clock(sc, words, a, b, bool(ampm))
    if m.group(5):
        sc.end_period(b)
    return b


def read_time_ampm(sc, m):
    h = int(m.group(1))
    if not 1 <= h <= 12:
        return None
    a, b = m.start(), m.end()
    _add_clock(sc, _clock(h, 0, m.group(2)), a, b, True)
    if m.group(3):
        sc.end_period(b)
    return b
