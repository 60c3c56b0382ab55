"""The rule tables: which kind of token is tried at a scanner position, in which order.

A rule is ``(name, pattern, handler)``. The scanner tries the rules of a table in order: when
``pattern.match(text, i)`` matches, ``handler(scanner, match)`` emits the words and returns the
position where reading goes on, or returns None to leave the text to the next rule. Symbol
rules are ``(name, characters, handler)``: ``handler(scanner, i)`` is tried when the character
at ``i`` is one of ``characters``; a symbol no rule takes is dropped.
"""

from __future__ import annotations

from . import patterns as p
from .abbreviations import read_dotted, read_special_word
from .data import CURRENCY_SIGNS, SUPERSCRIPT_WORDS, SYMBOL_WORDS, VULGAR_FRACTIONS
from .dates import (
    read_date_dmy,
    read_date_mdy,
    read_date_numeric,
    read_date_ymd,
    read_time,
    read_time_ampm,
)
from .electronic import (
    read_email,
    read_ip,
    read_paren_phone,
    read_phone,
    read_phone_intl,
    read_phone_local,
    read_url,
)
from .letters import read_alnum, read_alnum_word, read_kept_word, read_word
from .measures import read_feet_inches, read_percent, read_unit
from .money import read_currency_code_post, read_currency_code_pre, read_currency_sign
from .numbers import (
    read_decade,
    read_fraction,
    read_fraction_mixed,
    read_multiplier,
    read_number,
    read_ordinal,
    read_quote,
    read_range,
    read_ratio,
    read_scaled,
    read_times_x,
    read_version,
    read_vulgar_fraction,
)
from .symbols import (
    read_closing_bracket,
    read_comparison,
    read_dash,
    read_hash,
    read_hyphen,
    read_opening_bracket,
    read_period,
    read_punctuation,
    read_superscript,
    read_symbol_word,
    read_tilde,
)

# A token that starts with a digit (or a period and a digit: ".5").
NUMERIC_RULES = (
    ("email", p.EMAIL, read_email),
    ("ip", p.IP, read_ip),
    ("date_ymd", p.DATE_YMD, read_date_ymd),
    ("date_numeric", p.DATE_NUMERIC, read_date_numeric),
    ("version", p.VERSION, read_version),
    ("url", p.URL, read_url),
    ("time", p.TIME, read_time),
    ("ratio", p.RATIO, read_ratio),
    ("time_ampm", p.TIME_AMPM, read_time_ampm),
    ("phone", p.PHONE, read_phone),
    ("phone_local", p.PHONE_LOCAL, read_phone_local),
    ("date_dmy", p.DATE_DMY, read_date_dmy),
    ("currency_code_post", p.CURRENCY_CODE_POST, read_currency_code_post),
    ("percent", p.PERCENT, read_percent),
    ("feet_inches", p.FEET_INCHES, read_feet_inches),
    ("unit", p.UNIT, read_unit),
    ("fraction_mixed", p.FRACTION_MIXED, read_fraction_mixed),
    ("fraction", p.FRACTION, read_fraction),
    ("decade", p.DECADE, read_decade),
    ("range", p.RANGE, read_range),
    ("ordinal", p.ORDINAL, read_ordinal),
    ("times_x", p.TIMES_X, read_times_x),
    ("multiplier", p.MULTIPLIER, read_multiplier),
    ("scaled", p.SCALED, read_scaled),
    ("alnum", p.ALNUM, read_alnum),
    ("number", p.NUMBER, read_number),
)

# A token that starts with a letter. The first rule is left out when there are no user words.
ALPHA_RULES = (
    ("kept_word", p.WORD_TOKEN, read_kept_word),
    ("email", p.EMAIL, read_email),
    ("url", p.URL, read_url),
    ("date_mdy", p.DATE_MDY, read_date_mdy),
    ("currency_code_pre", p.CURRENCY_CODE_PRE, read_currency_code_pre),
    ("dotted", p.DOTTED, read_dotted),
    ("special_word", p.SPECIAL_WORD, read_special_word),
    ("alnum", p.ALNUM, read_alnum_word),
    ("word", p.WORD, read_word),
)
ALPHA_RULES_WITHOUT_KEEP = ALPHA_RULES[1:]

# Any other character.
SYMBOL_RULES = (
    ("currency_sign", "".join(CURRENCY_SIGNS), read_currency_sign),
    ("hyphen", "-", read_hyphen),
    ("dash", "\u2014", read_dash),
    ("phone_intl", "+", read_phone_intl),
    ("paren_phone", "(", read_paren_phone),
    ("closing_bracket", ")]}", read_closing_bracket),
    ("opening_bracket", "[{", read_opening_bracket),
    ("quote_decade", "'", read_quote),
    ("hash", "#", read_hash),
    ("tilde", "~", read_tilde),
    ("comparison", "<>", read_comparison),
    ("symbol_word", "".join(SYMBOL_WORDS), read_symbol_word),
    ("vulgar_fraction", "".join(VULGAR_FRACTIONS), read_vulgar_fraction),
    ("superscript", "".join(SUPERSCRIPT_WORDS), read_superscript),
    ("period", ".", read_period),
    ("punctuation", ",;:?!\u2026", read_punctuation),
)
# character -> its rules' handlers, in table order
SYMBOL_INDEX: dict[str, tuple] = {}
for _name, _chars, _handler in SYMBOL_RULES:
    for _c in _chars:
        SYMBOL_INDEX[_c] = SYMBOL_INDEX.get(_c, ()) + (_handler,)
