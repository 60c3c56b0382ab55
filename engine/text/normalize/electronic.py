"""Electronic text: web addresses, email addresses, IP addresses and phone numbers."""

from __future__ import annotations

import re

from .data import ADDRESS_SYMBOLS, WORDS
from .letters import pronounceable
from .numwords import digits, number_words
from .patterns import PHONE, PHONE_INTL


def read_email(sc, m):
    return read_address(sc, m.group(0), m.start())


def read_url(sc, m):
    text = m.group(0)
    # trailing sentence punctuation is not part of the address
    stripped = text.rstrip(".,;:!?)]}'\"")
    if not stripped:
        return None
    return read_address(sc, stripped, m.start())


def read_address(sc, addr: str, a: int) -> int:
    """A URL or email address: words and pronounceable parts as words, other letters spelled,
    numbers as numbers, symbols by name ("dot", "slash", "at")."""
    b = a + len(addr)
    body = re.sub(r"^(?:https?|ftp)://", "", addr, flags=re.IGNORECASE)
    body = body.rstrip("/")
    for part in re.findall(r"[A-Za-z]+|\d+|[^A-Za-z\d]", body):
        if part.isdecimal():
            sc.add(number_words(part, as_year=True) if len(part) <= 4 else digits(part), a, b)
        elif part.isalpha():
            low = part.lower()
            if part.isupper() and len(part) > 1:
                read_as_word = part in WORDS.pronounceable_acronyms or pronounceable(part)
            else:
                read_as_word = low in WORDS.address_words or (
                    len(low) >= 3 and re.search("[aeiouy]", low) and low != "www"
                )
            if read_as_word:
                sc.add(low, a, b)
            else:
                sc.spell(part, a, b)
        elif part in ADDRESS_SYMBOLS:
            sc.add(ADDRESS_SYMBOLS[part], a, b)
    return b


def read_ip(sc, m):
    a = m.start()
    parts = m.group(0).split(".")
    words = " dot ".join(number_words(p) for p in parts)
    sc.add(words, a, m.end())
    return m.end()


def read_phone(sc, m):
    """Digit groups read digit by digit, a comma pause between groups."""
    a, b = m.start(), m.end()
    groups = re.findall(r"\+|\d+", m.group(0))
    for k, g in enumerate(groups):
        if g == "+":
            sc.add("plus", a, b)
            continue
        sc.add(digits(g), a, b)
        if k < len(groups) - 1:
            sc.punct(",", b)
    return b


def read_phone_local(sc, m):
    """ "555-1234", but not "pages 123-4567" (a range)."""
    prev = sc.prev_token(m.start())
    if prev and prev[0].lower() in WORDS.range_context:
        return None
    return read_phone(sc, m)


def read_phone_intl(sc, i):
    """A "+" that starts an international number ("+44 20 7946 0958")."""
    m = PHONE_INTL.match(sc.s, i)
    return read_phone(sc, m) if m else None


def read_paren_phone(sc, i):
    """A "(" that starts a phone number ("(555) 123-4567"); otherwise a comma pause."""
    m = PHONE.match(sc.s, i)
    if m:
        return read_phone(sc, m)
    sc.punct(",", i)
    return i + 1
