"""English text normalization: raw text -> spoken words, each with its span in the original text.

``normalize(text)`` returns a list of :class:`Word`. Every word carries the half-open character
span ``[start, end)`` of the *original* text it was read from, so ``"$4.50"`` gives the five
words ``four dollars and fifty cents``, all with the span of ``"$4.50"``; a reader app can
highlight ``text[word.start:word.end]`` while the word is spoken. ``iter_normalize(text)`` gives
the same words lazily, as the scanner reads them, so a long text costs nothing up front.

A number from 1000 to 2099 is read as a year or a count by its context (see ``is_year`` and the
tables before it), and an all-numeric date by its fields and ``date_order`` (see
``n_date_numeric``).

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
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from num2words import num2words

from .homographs import BE, DETERMINERS, DO_SUPPORT, MODALS, SUBJECTS

__all__ = ["Word", "normalize", "iter_normalize", "normalize_to_text", "PUNCT_PRIORITY",
           "fold_punctuation", "DATE_ORDERS", "check_date_order"]


@dataclass(frozen=True, slots=True)
class Word:
    """One spoken word.

    text: the word as spoken, lowercase (``"four"``, ``"don't"``); for a spelled letter the letter
        itself (``"f"``), possibly with a plural/possessive ending (``"d's"``).
    start, end: the span ``[start, end)`` in the original text this word was read from; several
        words share a span when one written token gives several words.
    punct_after: the prosody punctuation that follows the word (``""`` if none).
    letter: True when ``text`` is a letter name to be spelled out (``F B I``).
    """

    text: str
    start: int
    end: int
    punct_after: str = ""
    letter: bool = False


# Stronger marks win when several follow one word ("?!" -> "?").
PUNCT_PRIORITY = ("?", "!", "…", ".", ";", ":", "—", ",")
_PUNCT_RANK = {p: i for i, p in enumerate(PUNCT_PRIORITY)}

# ----------------------------------------------------------------------------------------------
# One-for-one character folding (positions never shift)

_FOLD = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u0060": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
    "\u00bb": '"', "\u2039": '"', "\u203a": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2212": "-", "\ufe63": "-",
    "\uff0d": "-",
    "\u2014": "\u2014", "\u2015": "\u2014",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ",
    "\u2003": " ", "\u3000": " ", "\t": " ", "\u200b": " ", "\u00ad": " ", "\ufeff": " ",
    "\u2024": ".", "\uff0c": ",", "\uff0e": ".", "\uff01": "!", "\uff1f": "?", "\u00b7": " ",
    "\u2022": " ",
}
_FOLD_TABLE = str.maketrans(_FOLD)
_FOLD_RE = re.compile("[" + "".join(re.escape(c) for c in _FOLD) + "]")


def fold_punctuation(text: str) -> str:
    """Map curly quotes/apostrophes, dashes and odd spaces to plain ones, one char for one."""
    if text.isascii():
        return text.translate(_FOLD_TABLE)
    # str.translate is slow on non-ASCII text; a search for the few mapped characters is not
    return _FOLD_RE.sub(lambda m: _FOLD[m.group()], text)


# ----------------------------------------------------------------------------------------------
# Number words

_ORDINAL_UNITS = {
    2: ("half", "halves"), 4: ("quarter", "quarters"),
}


def _clean(words: str) -> str:
    """num2words output -> our style: no commas, no British 'and' inside numbers."""
    words = words.replace(",", "")
    words = re.sub(r"\band\b", " ", words)
    return " ".join(words.split())


def cardinal(n: int) -> str:
    """12345 -> 'twelve thousand three hundred forty-five' (no 'and', US style)."""
    if n < 0:
        return "minus " + cardinal(-n)
    return _clean(num2words(n))


def ordinal(n: int) -> str:
    """22 -> 'twenty-second'."""
    return _clean(num2words(n, to="ordinal"))


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


def _plural_last(words: str) -> str:
    """'nineteen ninety' -> 'nineteen nineties'."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    else:
        last += "s"
    return (head + " " + last).strip()


MAX_CARDINAL_DIGITS = 15  # longer digit strings are read digit by digit


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


def _fraction_words(num: int, den: int) -> str | None:
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


# ----------------------------------------------------------------------------------------------
# Tables

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
MONTH_NAMES = ("", "january", "february", "march", "april", "may", "june", "july", "august",
               "september", "october", "november", "december")
# How an all-numeric date whose fields could be either day or month is read (03/04/2021):
# month first (en-US, the default) or day first.
DATE_ORDERS = ("MDY", "DMY")
_MONTH_RE = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
             r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)")

CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
# code -> (unit, units, subunit, subunits)
CURRENCIES = {
    "USD": ("dollar", "dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "JPY": ("yen", "yen", None, None),
}
SCALES = {
    "k": "thousand", "K": "thousand", "thousand": "thousand",
    "m": "million", "M": "million", "mn": "million", "million": "million",
    "b": "billion", "B": "billion", "bn": "billion", "billion": "billion",
    "t": "trillion", "T": "trillion", "tn": "trillion", "trillion": "trillion",
}
_SCALE_RE = r"(?:thousand|million|billion|trillion|bn|mn|tn|[kKmMbBtT])"

# unit as written -> (singular, plural)
UNITS: dict[str, tuple[str, str]] = {
    "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"),
    "m/s": ("meter per second", "meters per second"),
    "mph": ("mile per hour", "miles per hour"),
    "mpg": ("mile per gallon", "miles per gallon"),
    "rpm": ("revolution per minute", "revolutions per minute"),
    "km": ("kilometer", "kilometers"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "µm": ("micrometer", "micrometers"),
    "μm": ("micrometer", "micrometers"), "nm": ("nanometer", "nanometers"),
    "m": ("meter", "meters"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    "mi": ("mile", "miles"),
    "kg": ("kilogram", "kilograms"), "mg": ("milligram", "milligrams"), "g": ("gram", "grams"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "ml": ("milliliter", "milliliters"), "mL": ("milliliter", "milliliters"),
    "cl": ("centiliter", "centiliters"), "l": ("liter", "liters"), "L": ("liter", "liters"),
    "gal": ("gallon", "gallons"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"),
    "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "KB": ("kilobyte", "kilobytes"), "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "PB": ("petabyte", "petabytes"),
    "kbps": ("kilobit per second", "kilobits per second"),
    "Mbps": ("megabit per second", "megabits per second"),
    "Gbps": ("gigabit per second", "gigabits per second"),
    "kWh": ("kilowatt hour", "kilowatt hours"), "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"), "W": ("watt", "watts"), "V": ("volt", "volts"),
    "mAh": ("milliamp hour", "milliamp hours"), "mA": ("milliamp", "milliamps"),
    "dB": ("decibel", "decibels"), "px": ("pixel", "pixels"),
    "kcal": ("kilocalorie", "kilocalories"), "cal": ("calorie", "calories"),
    "°C": ("degree celsius", "degrees celsius"), "°F": ("degree fahrenheit", "degrees fahrenheit"),
    "℃": ("degree celsius", "degrees celsius"), "℉": ("degree fahrenheit", "degrees fahrenheit"),
    "°": ("degree", "degrees"),
    "m²": ("square meter", "square meters"), "km²": ("square kilometer", "square kilometers"),
    "cm²": ("square centimeter", "square centimeters"), "ft²": ("square foot", "square feet"),
    "m³": ("cubic meter", "cubic meters"), "cm³": ("cubic centimeter", "cubic centimeters"),
    "hrs": ("hour", "hours"), "hr": ("hour", "hours"), "h": ("hour", "hours"),
    "mins": ("minute", "minutes"), "min": ("minute", "minutes"),
    "secs": ("second", "seconds"), "sec": ("second", "seconds"), "ms": ("millisecond", "milliseconds"),
}
# Units that need no space check: a single letter is only a unit when glued to the number
# ("5m", "9V"); with a space ("5 m") it is one too, unless a letter follows.
_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

# Abbreviations: written form (without the final period) -> (spoken, may_end_sentence)
ABBREVIATIONS: dict[str, tuple[str, bool]] = {
    "Mr": ("mister", False), "Mrs": ("missus", False), "Ms": ("miz", False),
    "Prof": ("professor", False), "Gen": ("general", False), "Gov": ("governor", False),
    "Sen": ("senator", False), "Rep": ("representative", False), "Capt": ("captain", False),
    "Lt": ("lieutenant", False), "Sgt": ("sergeant", False), "Col": ("colonel", False),
    "Rev": ("reverend", False), "Mt": ("mount", False), "Ft": ("fort", False),
    "Jr": ("junior", True), "Sr": ("senior", True),
    "Ave": ("avenue", True), "Blvd": ("boulevard", True), "Rd": ("road", True),
    "Ln": ("lane", True),
    "Inc": ("incorporated", True), "Ltd": ("limited", True), "Corp": ("corporation", True),
    "Co": ("company", True), "Dept": ("department", True), "dept": ("department", True),
    "Univ": ("university", True),
    "etc": ("et cetera", True), "vs": ("versus", False), "Vs": ("versus", False),
    "viz": ("namely", False), "cf": ("compare", False), "approx": ("approximately", False),
    "fig": ("figure", False), "Fig": ("figure", False), "vol": ("volume", False),
    "Vol": ("volume", False), "ch": ("chapter", False), "Ch": ("chapter", False),
    "pp": ("pages", False),
    "Jan": ("january", True), "Feb": ("february", True), "Mar": ("march", True),
    "Apr": ("april", True), "Jun": ("june", True), "Jul": ("july", True),
    "Aug": ("august", True), "Sep": ("september", True), "Sept": ("september", True),
    "Oct": ("october", True), "Nov": ("november", True), "Dec": ("december", True),
    "Mon": ("monday", True), "Tue": ("tuesday", True), "Tues": ("tuesday", True),
    "Wed": ("wednesday", True), "Thu": ("thursday", True), "Thur": ("thursday", True),
    "Thurs": ("thursday", True), "Fri": ("friday", True), "Sat": ("saturday", True),
    "Sun": ("sunday", True),
    "Apt": ("apartment", False), "apt": ("apartment", False), "Hwy": ("highway", False),
    "Sq": ("square", True), "Pres": ("president", False), "p": ("page", False),
    "ca": ("circa", False), "Est": ("established", False), "est": ("established", False),
}
# Names that are also ordinary words/names: only expanded before a number ("Jan. 5").
_ABBR_ONLY_BEFORE_NUMBER = {"Jan", "Mar", "Sun", "Sat", "Wed", "Col", "p", "ca", "Est",
                            "est", "Sq"}
# Titles that may be written without a period before a capitalized name ("Mr Smith").
_TITLES_NO_PERIOD = {"Mr", "Mrs", "Ms", "Dr", "St", "Prof"}
# Dotted abbreviations: letters-with-periods forms.
DOTTED = {"e.g.": "for example", "i.e.": "that is", "a.m.": "a m", "p.m.": "p m",
          "et al.": "et al", "a.k.a.": "also known as"}

# Acronyms read as words; all others are spelled unless the vowel/consonant heuristic says so.
PRONOUNCEABLE_ACRONYMS = {
    "NASA", "NATO", "UNESCO", "UNICEF", "NAFTA", "OPEC", "FIFA", "UEFA", "AIDS", "LASER",
    "RADAR", "SONAR", "SCUBA", "PIN", "GIF", "ASCII", "COVID", "NASDAQ", "IKEA", "LEGO",
    "CAPTCHA", "SWAT", "POTUS", "SCOTUS", "ISIS", "NIMBY", "YOLO", "FOMO", "TED", "RAM",
    "ROM", "LAN", "WAN", "SIM", "DOS", "MIDI", "GEICO", "INTERPOL", "OSHA", "FEMA", "SARS",
    "MERS", "ZIP", "WASP", "ANZAC", "NOAA", "PAC", "CAD", "FAQ", "SAT", "WIFI",
}
# Acronyms always spelled even though the heuristic might call them pronounceable.
SPELLED_ACRONYMS = {"UCLA", "USA", "USB", "IOU", "ASAP", "AWOL", "HTML", "UEFI", "IEEE", "AMA",
                    "UAE", "OPEN"}
# All-caps words with a fixed reading.
SPECIAL_WORDS = {"OK": "okay", "Ok": "okay", "WiFi": "wifi", "Wi-Fi": "wifi", "iOS": "i o s",
                 "JPEG": "jay peg", "JPG": "jay peg", "NaN": "not a number",
                 "GUI": "gooey", "GUIs": "gooeys",
                 "WWI": "world war one", "WWII": "world war two", "WW1": "world war one",
                 "WW2": "world war two"}

# Short words read as words inside a run of two or more all-caps words ("NEW YORK", "BIG OIL").
COMMON_SHORT_WORDS = frozenset("""
    A I AN AS AT BE BY DO GO HE IF IN IS IT ME MY NO OF OH OK ON OR SO TO UP WE
    ACT ADD AGE AGO AIR ALL AND ANY ARE ART ASK BAD BAG BED BIG BIT BOX BOY BUT BUY CAN CAR CAT
    CUP CUT DAY DID DIE DOG DRY DUE EAR EAT EGG END EYE FAR FEW FIX FLY FOR FUN GAS GET GOD GOT
    GUN GUY HAD HAS HAT HER HIM HIS HIT HOT HOW ICE ILL ITS JOB KEY KID LAW LAY LED LEG LET LIE
    LOT LOW MAD MAN MAP MAY MEN MET MIX NET NEW NOR NOT NOW NUT ODD OFF OIL OLD ONE OUR OUT OWN
    PAY PEN PET PIE PUT RAN RED RUN SAD SAT SAW SAY SEA SEE SET SHE SIT SIX SKY SON SUN TAX TEA
    TEN THE TIE TOO TOP TRY TWO WAR WAS WAY WET WHO WHY WIN WON YES YET YOU
""".split())
# Capitalized words that usually begin a sentence: "plan B. Then ..." ends after "B."
SENTENCE_STARTERS = frozenset("""
    The Then This That These Those There It He She We They You I A An In On At But And So Or If
    When What Where Why How Who After Before Now Yes No Not My Our Your His Her Its Their
""".split())

_VALID_ONSETS = {
    "", "Y", "B", "BL", "BR", "C", "CH", "CL", "CR", "D", "DR", "DW", "F", "FL", "FR", "G", "GL",
    "GR", "GW", "H", "J", "K", "KL", "KN", "KR", "L", "M", "N", "P", "PH", "PL", "PR", "QU",
    "R", "S", "SC", "SCH", "SCR", "SH", "SK", "SL", "SM", "SN", "SP", "SPL", "SPR", "ST",
    "STR", "SW", "T", "TH", "THR", "TR", "TW", "V", "W", "WH", "WR", "Z",
}
_VALID_CODAS = {
    "", "B", "C", "CH", "CK", "CT", "D", "F", "FT", "G", "K", "L", "LD", "LF", "LK", "LL", "LM",
    "LP", "LS", "LT", "M", "MP", "MS", "N", "NCH", "ND", "NG", "NK", "NS", "NT", "P", "PS",
    "PT", "R", "RB", "RD", "RG", "RK", "RL", "RM", "RN", "RP", "RS", "RT", "S", "SH", "SK",
    "SP", "SS", "ST", "T", "TCH", "TH", "TS", "X", "Z", "DS", "GS", "KS", "LLS", "NDS", "NTS",
    "NGTH", "NGS", "RST", "RLD", "RTH", "XT", "FTH", "LTH", "MPS", "NKS", "RDS", "RTS", "GHT",
    "W", "WN", "WL", "Y", "LY", "RY", "TTLE",
}

_ROMAN_RE = re.compile(r"^(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# Words after which a Roman numeral is read as a cardinal: "Chapter IV" -> "chapter four".
ROMAN_CARDINAL_CONTEXT = {
    "chapter", "chapters", "part", "parts", "volume", "vol", "book", "act", "scene", "section",
    "appendix", "article", "psalm", "phase", "level", "episode", "season", "title", "stage",
    "type", "class", "grade", "round", "war", "ch", "pt", "annex", "canto", "bowl", "tier",
    "schedule", "category", "division", "series", "mark", "mk", "no", "number", "unit",
}
# Names after which a bare "I" is a regnal number ("Elizabeth I" -> "elizabeth the first").
REGNAL_NAMES_FOR_I = {
    "Elizabeth", "Charles", "James", "George", "William", "Henry", "Edward", "Richard", "Mary",
    "Louis", "Peter", "Catherine", "Napoleon", "Alexander", "Frederick", "Philip", "Francis",
    "Nicholas", "Leopold", "Wilhelm", "Victor", "Ferdinand",
}

# ---- Year or count? A 4-digit number from 1000 to 2099, written without a comma or decimals,
# is read as a year ("nineteen eighty-seven") unless its context says it counts something
# (``_Scanner.is_year`` applies these tables in this order):
#
# 1. never a year after a currency sign, "#", "No.", "page", "room" ... (``NUMBER_LABELS``),
#    or next to an arithmetic sign;
# 2. the second of two numbers joined by "and", "or", "to", "through" reads like the first
#    ("during 1944 and 1945 prices rose", "pages 1000 and 1200");
# 3. a year after a month name ("March 2021"), a year word ("since", "until", "during", "born",
#    "year", "AD" ... ``YEAR_CUES_BEFORE``), "of" after a time noun ("the summer of 1969"),
#    or before "AD"/"BC";
# 4. a count after a quantity word ("about", "over", "have", "costs", "more than", "a total
#    of" ... ``COUNT_CUES_BEFORE``), or before "of"/"per"/"each" ("2000 of them");
# 5. before a plural noun ("1500 apples", "1999 people", "1500 Americans"; also past one
#    adjective, "1500 new jobs", "1500 more people", and in "1500 to 2000 people"): a count,
#    except after a preposition of time (``TIME_PREPOSITIONS``: "in", "by", "from", "after" ...),
#    where the word after the noun decides. A verb ("in 1987 things changed", "by 2030 cars will
#    fly") makes the noun the subject of a clause, so the number is a year; a punctuation mark,
#    pronoun or determiner ("it failed in 1500 cases.", "In 1500 cases it failed") ends the
#    noun phrase, so it is a count; anything else is a year when the preposition opens a clause
#    ("In 1990 voters in Ohio chose ...", "but in 1990 ...") and a count inside one ("found in
#    1500 homes across the country");
# 6. otherwise a year ("in 1987", "(1984)", "2048", "the 2016 elections", "1984 was").
YEAR_CUES_BEFORE = frozenset({
    "since", "until", "till", "during", "year", "born", "died", "founded", "established",
    "est", "built", "circa", "ca", "ad", "ce", "summer", "winter", "spring", "autumn",
    "vintage", "copyright", "dated", "anno",
})
# Prepositions of time: after one, a plural noun does not make the number a count by itself
# (rule 5). "since", "until", "during" ... are stronger: year words above.
TIME_PREPOSITIONS = frozenset({"in", "by", "from", "before", "after", "through", "throughout",
                               "between"})
# Words after which a preposition opens a new clause ("..., but in 1990 voters chose").
_CLAUSE_LINKS = frozenset({"and", "but", "or", "so", "yet", "then", "because", "while", "when",
                           "whereas", "although", "though", "that", "if", "as", "where"})
# "<noun> of 1969" is a year after these; "a total of 1500" (below) a count.
_YEAR_NOUNS_BEFORE_OF = frozenset({
    "summer", "winter", "spring", "autumn", "fall", "class", "year", "war", "election",
    "elections", "crash", "flood", "revolution", "end", "beginning", "start", "middle", "events",
    "act", "treaty", "riots", "storm", "census", "season", "panic", "depression", "recession",
})
_YEAR_AFTER = re.compile(r"\s*(?:AD|BC|BCE|CE|A\.D\.|B\.C\.(?:E\.)?|C\.E\.)(?![A-Za-z])")
# Words that join a second number to a first (rule 2: "1944 and 1945", "from 1990 to 1995").
_NUMBER_JOINERS = frozenset({"and", "or", "to", "through", "thru"})
# Labels: the number after them names something and is never a year ("page 1200").
NUMBER_LABELS = frozenset({
    "number", "no", "nos", "page", "pages", "pp", "p", "room", "rooms", "route", "flight",
    "model", "item", "items", "line", "lines", "bus", "apartment", "apt", "suite", "unit",
    "highway", "hwy", "interstate", "exit", "gate", "platform", "track", "code", "pin", "step",
    "level", "rank", "ranked", "verse", "verses",
})
COUNT_CUES_BEFORE = frozenset({
    "about", "approximately", "approx", "roughly",
    "nearly", "almost", "over", "under", "only", "just", "exactly", "some", "another",
    "additional", "extra", "total", "totaling", "totalling", "all", "top", "have", "has", "had",
    "having", "cost", "costs", "costing", "paid", "pay", "pays", "paying", "earn", "earns",
    "earned", "weigh", "weighs", "weighed", "score", "scored", "scores", "sold", "bought",
    "counted", "measures", "measured", "totals", "totaled", "totalled", "plus", "minus",
    "times", "equals", "multiply", "divide", "divided", "subtract", "add",
})
# Two-word cues: "more than 1500", "up to 2000", "a total of 1500".
_COUNT_CUES_BEFORE_2 = {
    "than": frozenset({"more", "less", "fewer", "greater", "larger", "higher", "lower",
                       "smaller", "bigger"}),
    "to": frozenset({"up"}),
    "of": frozenset({"total", "out", "sum", "population", "crowd", "group", "team", "maximum",
                     "minimum", "average", "budget", "price", "cost", "salary", "fee", "fine",
                     "distance", "depth", "height", "altitude", "length", "weight", "speed",
                     "rate", "capacity", "value", "balance", "deposit", "loan", "fleet",
                     "army", "force", "staff", "audience", "attendance", "estimated", "score",
                     "tally", "count", "payment", "bill", "debt", "sample", "batch"}),
}
_COUNT_WORDS_AFTER = frozenset({"of", "per", "each", "apiece", "percent", "more", "fewer",
                                "other", "others"})
# Plural nouns that do not end in -s, and -s words that are no plural nouns after a number
# ("1984 was", "2020 brings"); plural nouns that usually follow a year ("the 2016 elections").
IRREGULAR_PLURALS = frozenset({
    "people", "men", "women", "children", "feet", "teeth", "mice", "geese", "sheep", "deer",
    "fish", "staff", "police", "cattle", "personnel", "yen", "head", "troops", "folk", "crew",
})
_NOT_PLURAL_NOUNS = frozenset({
    "was", "is", "has", "does", "his", "its", "this", "thus", "as", "us", "yes", "plus",
    "minus", "less", "unless", "across", "always", "perhaps", "towards", "afterwards",
    "besides", "whereas", "hers", "ours", "yours", "theirs", "news", "series", "marks",
    "brings", "sees", "looks", "promises", "proves", "remains", "seems", "begins", "ends",
    "starts", "means", "shows", "becomes", "gets", "goes", "comes", "turns", "offers",
    "holds", "represents", "sets", "follows", "continues", "makes", "takes", "gives", "needs",
    "belongs", "changes", "matters", "counts", "feels", "lies", "stands", "opens", "closes",
    "arrives", "happens", "leaves", "kicks",
    "elections", "olympics", "games", "championships", "finals", "playoffs", "midterms",
    "primaries", "riots", "protests", "floods", "attacks", "awards", "oscars", "grammys",
    "negotiations", "talks", "hearings", "models", "editions", "rules", "regulations",
    "accords", "standards", "specifications", "winters", "summers", "census",
})
# Adjectives that may stand between the count and its noun ("1500 new jobs").
_COUNT_ADJECTIVES = frozenset({
    "more", "fewer", "other", "new", "extra", "additional", "different", "separate",
    "individual", "unique", "active", "registered", "young", "old", "small", "large", "big",
    "little", "local", "foreign", "free", "red", "white", "black", "square", "cubic", "full",
    "empty", "armed", "paying", "eligible", "injured", "dead", "missing", "total", "identical",
})


def _count_noun(word: str, *, capitalized: bool = False) -> bool:
    """A word that looks like a plural noun: lowercase ("apples", "people") or, with
    ``capitalized``, also capitalized ("Americans"; not "Texas", "Olympics")."""
    if capitalized and word[1:].islower() and word[:1].isupper() and not word.endswith("as"):
        word = word.lower()
    if not (word.isalpha() and word.islower()):
        return False
    if word in IRREGULAR_PLURALS:
        return True
    return (len(word) >= 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))
            and word not in _NOT_PLURAL_NOUNS)


# After "in 1987 <plural noun>" (rule 5): words that say a verb follows the noun, so the noun is
# the subject of a clause. Be, have, do and the modals come from ``homographs``, with regular
# past tenses (``_past_tense``) and these irregular ones.
_IRREGULAR_PAST = frozenset({
    "arose", "ate", "became", "began", "bled", "bought", "bred", "broke", "brought", "built",
    "came", "caught", "chose", "cut", "drank", "drew", "drove", "fell", "felt", "fled", "flew",
    "fought", "found", "forgot", "froze", "gave", "got", "grew", "heard", "held", "hit", "kept",
    "knew", "led", "left", "lost", "made", "meant", "met", "overtook", "paid", "put", "quit",
    "ran", "rang", "rode", "rose", "said", "sang", "sank", "sat", "saw", "sent", "set", "shook",
    "shrank", "shut", "sold", "sought", "sped", "spent", "spoke", "spread", "stood", "stole",
    "struck", "swam", "taught", "thought", "threw", "told", "took", "understood", "went",
    "withdrew", "woke", "won", "wore", "wrote",
})
_VERBS_AFTER_SUBJECT = MODALS | BE | DO_SUPPORT | _IRREGULAR_PAST | {"have", "had"}
# Adverbs that may stand between the subject and its verb ("things slowly changed"), beside
# any -ly word.
_ADVERBS_BEFORE_VERB = frozenset({"also", "still", "never", "often", "already", "even", "soon",
                                  "then", "again", "just", "all", "both", "first", "later"})
# After the noun, these start something else, so the noun phrase ends there ("In 1500 cases
# it failed", "in 1500 cases the drug failed", "in 1500 homes where ...").
_AFTER_NOUN_PHRASE = SUBJECTS | DETERMINERS | {"which", "where", "whom", "there"}
_NOT_PAST_TENSE = frozenset({"hundred", "indeed", "sacred", "wicked", "naked", "kindred",
                             "rugged", "ragged", "shred", "sled", "embed", "infrared"})


def _past_tense(word: str) -> bool:
    """A regular past tense ("changed", "stayed"), not "need", "speed" or "hundred"."""
    return (len(word) > 3 and word.endswith("ed") and word not in _NOT_PAST_TENSE
            and not (word.endswith("eed") and len(word) <= 5))


SYMBOL_WORDS = {
    "&": "and", "@": "at", "+": "plus", "=": "equals", "×": "times", "÷": "divided by",
    "©": "copyright", "®": "registered", "™": "trademark", "§": "section", "%": "percent",
    "°": "degrees", "‰": "per mille",
}

VULGAR_FRACTIONS = {
    "½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
    "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8),
    "⅞": (7, 8),
}
SUPERSCRIPT_WORDS = {"²": "squared", "³": "cubed"}

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
# letters: word characters that are not digits, "_", superscripts or other number signs
_WORD_CHARS = r"[^\W\d_\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff]"

# ----------------------------------------------------------------------------------------------
# Compiled patterns (all matched at a position with .match(s, i))

_RX = {name: re.compile(rx) for name, rx in {
    "url": r"(?:https?://|www\.)[^\s<>\"']+|"
           r"[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|edu|gov|io|co|uk|de|fr|"
           r"info|biz|us|ca|au|ai|app|dev|eu|jp|cn|ru|nl|tv|me|ly|gl)(?![A-Za-z0-9])(?:/[^\s<>\"']*)?",
    "email": r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "ip": r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\d.]\d)",
    "date_mdy": _MONTH_RE + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(\d{4})(?!\d))?",
    "date_dmy": r"(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH_RE + r")\b\.?(?:,?\s+(\d{4})(?!\d))?",
    # year first: 2021-05-13, 2021/5/13, 2021.05.13 (always year, month, day)
    "date_ymd": r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?!\d|[-/.]\d)",
    # 13/05/2021, 05/13/21, 13.05.2021, 13-05-2021: day and month by value or ``date_order``
    "date_numeric": r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\d|[-/.]\d)",
    "time": r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)(?:\s?([AaPp])\.?\s?[Mm](?![A-Za-z])(\.)?)?",
    "time_ampm": r"(\d{1,2})\s?([AaPp])\.?\s?[Mm](?![A-Za-z])(\.)?",
    "phone": r"(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)",
    "phone_intl": r"\+\d{1,3}(?:[\s.-]\d{1,4}){2,5}(?!\d)",
    "phone_local": r"\d{3}-\d{4}(?!\d)",
    "currency_sign": r"([$€£¥])\s?(" + _NUM + r")(?:\s?(" + _SCALE_RE + r")(?![A-Za-z]))?",
    "currency_code_pre": r"(USD|EUR|GBP|JPY)\s?(" + _NUM + r")(?:\s?(" + _SCALE_RE + r")(?![A-Za-z]))?",
    "currency_code_post": r"(" + _NUM + r")(?:\s?(" + _SCALE_RE + r"))?\s?(USD|EUR|GBP|JPY)\b",
    "percent": r"(" + _NUM + r")\s?(%|‰)",
    "unit": r"(" + _NUM + r")(\s?)(" + _UNIT_RE + r")(?![A-Za-z0-9])",
    "fraction_mixed": r"(\d+)\s(\d+)/(\d+)(?![\d/])",
    "fraction": r"(\d+)/(\d+)(?![\d/])",
    "decade": r"(\d\d)?(\d)0'?s(?![A-Za-z0-9])",
    "range": r"(" + _NUM + r")\s?-\s?(" + _NUM + r")(?![\d.]*[A-Za-z])",
    "ordinal": r"(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th)(?![A-Za-z])",
    "ratio": r"(\d+):(\d)(?![\d:])",
    "version": r"\d+(?:\.\d+){2,}(?![\d])",
    "feet_inches": r"(\d)'\s?(\d{1,2})(?:\"|'')?(?![\d])",
    "scaled": r"(" + _NUM + r")\s?(million|billion|trillion|bn|mn|M|B)(?![A-Za-z0-9])",
    "times_x": r"(" + _NUM + r")\s?[x×]\s?(" + _NUM + r")(?![A-Za-z])",
    "multiplier": r"(" + _NUM + r")x(?![A-Za-z0-9])",
    "alnum": r"[A-Za-z]+\d[A-Za-z0-9]*|\d+[A-Za-z][A-Za-z0-9]*",
    "number": _NUM,
    "dotted": r"(?:[A-Za-z]\.){2,}|et al\.",
    "word": _WORD_CHARS + r"+(?:'" + _WORD_CHARS + r"+)*",
    "word_token": r"[^\W_]+(?:'[^\W_]+)*",
}.items()}

_CLOSERS = "\"')]}"
_OPENERS = "\"'([{"


# Words the scanner hands out at once: few enough that the first chunk of a text is ready at
# once, enough that handing them out costs little.
_BATCH_WORDS = 16


class _Scanner:
    """Reads ``text`` left to right; ``word_batches()`` yields words as soon as they are final.

    Nothing is computed ahead for the whole text: the word/number tokens that the context
    helpers look at are found lazily, so the first words of a long text come at once.
    """

    def __init__(self, text: str, keep_words: Collection[str] = (), date_order: str = "MDY"):
        self.keep = keep_words
        self.date_order = date_order
        self.s = fold_punctuation(text)
        self.n = len(self.s)
        # Words not yet handed out: [text, start, end, punct, letter]. Only the last one can
        # still change (its punctuation), so all before it are final after each step.
        self.out: list[list] = []
        self.tokens: list[tuple[int, int]] = []   # word/number tokens found so far, in order
        self.tok_starts: list[int] = []
        self._token_iter = _RX["word_token"].finditer(self.s)

    # ---- context helpers
    def _more_tokens(self) -> bool:
        """Find the next few tokens; False at the end of the text."""
        found = [m.span() for m in itertools.islice(self._token_iter, 64)]
        self.tokens += found
        self.tok_starts += [a for a, _ in found]
        return bool(found)

    def _tokens_past(self, pos: int) -> None:
        """Find tokens until one starts at or after ``pos`` (or the text ends)."""
        while (not self.tokens or self.tok_starts[-1] < pos) and self._more_tokens():
            pass

    def token(self, k: int) -> tuple[int, int] | None:
        """The span of the k-th token of the text, or None past the last one."""
        while k >= len(self.tokens) and self._more_tokens():
            pass
        return self.tokens[k] if 0 <= k < len(self.tokens) else None

    def prev_token(self, i: int) -> tuple[str, int] | None:
        """The raw word/number token that ends at or before i, with its start."""
        self._tokens_past(i)
        k = bisect.bisect_left(self.tok_starts, i) - 1
        while k >= 0:
            a, b = self.tokens[k]
            if b <= i:
                return self.s[a:b], a
            k -= 1
        return None

    def next_token(self, j: int) -> tuple[str, int] | None:
        self._tokens_past(j)
        k = bisect.bisect_left(self.tok_starts, j)
        if k < len(self.tokens):
            a, b = self.tokens[k]
            return self.s[a:b], a
        return None

    def sentence_initial(self, i: int) -> bool:
        """True when nothing but quotes/brackets/space stands between i and a sentence end."""
        k = i - 1
        while k >= 0 and (self.s[k].isspace() or self.s[k] in _OPENERS):
            k -= 1
        return k < 0 or self.s[k] in ".!?…:"

    def next_char(self, j: int, skip_closers: bool = True) -> str:
        """The first non-space character at or after j (closing quotes skipped), '' at the end."""
        while j < self.n and (self.s[j].isspace() or (skip_closers and self.s[j] in _CLOSERS)):
            j += 1
        return self.s[j] if j < self.n else ""

    def name_like(self, tok: tuple[str, int] | None) -> bool:
        """A capitalized word (not all caps) that is not the first of its sentence."""
        if tok is None:
            return False
        t, a = tok
        return (len(t) > 1 and t[0].isupper() and t[1:].islower() and t.isalpha()
                and not self.sentence_initial(a))

    # ---- output helpers
    def add(self, words: str, start: int, end: int, letter: bool = False) -> None:
        for w in re.split(r"[\s\-]+", words):
            if w:
                self.out.append([w.lower(), start, end, "", letter])

    def spell(self, letters: str, start: int, end: int) -> None:
        for c in letters:
            if c.isalpha():
                self.out.append([c.lower(), start, end, "", True])

    def punct(self, p: str, pos: int) -> None:
        if not self.out or self.out[-1][2] > pos:
            return
        cur = self.out[-1][3]
        if not cur or _PUNCT_RANK[p] < _PUNCT_RANK[cur]:
            self.out[-1][3] = p

    def end_period(self, j: int) -> None:
        """The period that closes an abbreviation (ending at j) also ends the sentence when the
        text ends there or the next word is capitalized; it goes on the word just emitted."""
        c = self.next_char(j)
        if self.out and (c == "" or c.isupper()):
            cur = self.out[-1][3]
            if not cur or _PUNCT_RANK["."] < _PUNCT_RANK[cur]:
                self.out[-1][3] = "."

    def line_break(self, i: int) -> None:
        """A line that ends without punctuation ends its sentence when a blank line follows,
        when the next line is a list item ("- ", "* ", "1. "), or when it is much shorter than
        the lines around it (a heading) and the next line starts with a capital or a digit.
        Lines of similar length are taken as hard-wrapped prose and run on."""
        if not self.out or self.out[-1][3] or self.out[-1][2] > i:
            return
        s = self.s
        line_start = s.rfind("\n", 0, i) + 1
        line = s[line_start:i].strip()
        prev_line = s[s.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)].strip() \
            if line_start > 0 else ""
        next_end = s.find("\n", i + 1)
        next_line = s[i + 1:next_end if next_end >= 0 else self.n]
        if not next_line.strip():
            self.out[-1][3] = "."
            return
        head = next_line.lstrip()
        item = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s")
        if item.match(head) or (item.match(line) and (head[:1].isupper() or head[:1].isdecimal())):
            self.out[-1][3] = "."
            return
        around = max(len(prev_line), len(next_line.strip()))
        if line and len(line) < 0.6 * around and (head[:1].isupper() or head[:1].isdecimal()):
            self.out[-1][3] = "."

    # ---- main loop
    def word_batches(self) -> Iterator[list[Word]]:
        """The spoken words in order, in small batches of words that nothing after them can
        change any more (only the last word read can still take punctuation)."""
        s, i, out = self.s, 0, self.out
        while i < self.n:
            c = s[i]
            if c.isspace():
                if c == "\n":
                    self.line_break(i)
                i += 1
                continue
            j = None
            if c.isdecimal() or (c == "." and i + 1 < self.n and s[i + 1].isdecimal()
                               and (i == 0 or not s[i - 1].isalnum())):
                j = self.numeric(i)
            elif c.isalpha():
                j = self.alpha(i)
            else:
                j = self.symbol(i)
            i = j if j is not None and j > i else i + 1
            if len(out) > _BATCH_WORDS:
                last = out.pop()
                yield [Word(*w) for w in out]
                out.clear()
                out.append(last)
        yield [Word(*w) for w in out]
        out.clear()

    # ---- numeric tokens
    def numeric(self, i: int) -> int | None:
        s = self.s
        for name in ("email", "ip", "date_ymd", "date_numeric", "version", "url", "time", "ratio",
                     "time_ampm", "phone", "phone_local", "date_dmy", "currency_code_post",
                     "percent", "feet_inches", "unit", "fraction_mixed", "fraction", "decade",
                     "range", "ordinal", "times_x", "multiplier", "scaled", "alnum", "number"):
            m = _RX[name].match(s, i)
            if m is None:
                continue
            j = getattr(self, "n_" + name)(m)
            if j is not None:
                return j
        return None

    def n_email(self, m):
        return self.read_address(m.group(0), m.start())

    def n_url(self, m):
        return self.a_url(m)

    def n_ip(self, m):
        a = m.start()
        parts = m.group(0).split(".")
        words = " dot ".join(number_words(p) for p in parts)
        self.add(words, a, m.end())
        return m.end()

    def n_date_ymd(self, m):
        y, sep, mo, d = int(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        if sep != "/" and (len(m.group(3)) != 2 or len(m.group(4)) != 2):
            return None  # 2021-5-3 or 2021.5.3: more likely a range or a version
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return None
        self.add(f"{MONTH_NAMES[mo]} {ordinal(d)} {year(y)}", m.start(), m.end())
        return m.end()

    def n_date_numeric(self, m):
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
            day_first = self.date_order == "DMY" or sep == "."
        d, mo = (first, second) if day_first else (second, first)
        if not (1 <= mo <= 12 and 1 <= d <= 31):
            return None
        if day_first:
            words = self._day_of_month(d, mo, m.start())
        else:
            words = f"{MONTH_NAMES[mo]} {ordinal(d)}"
        self.add(f"{words} {_short_year(y)}", m.start(), m.end())
        return m.end()

    def _day_of_month(self, d: int, mo: int, a: int) -> str:
        """'the third of may'; without "the" when the text just said it ("the 3rd of May")."""
        words = f"the {ordinal(d)} of {MONTH_NAMES[mo]}"
        if self.out and self.out[-1][0] == "the" and self._gap(self.out[-1][2], a):
            words = words[4:]
        return words

    def _clock(self, h: int, mi: int, ampm: str | None) -> str:
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

    def n_time(self, m):
        h, mi = int(m.group(1)), int(m.group(2))
        sec = m.group(3)
        if h > 24 or mi > 59 or (sec and int(sec) > 59):
            return None
        ampm = m.group(4)
        a, b = m.start(), m.end()
        words = self._clock(h, mi, ampm)
        if sec and int(sec):
            secs = int(sec)
            words += " and " + cardinal(secs) + (" second" if secs == 1 else " seconds")
        self._add_clock(words, a, b, bool(ampm))
        if m.group(5):
            self.end_period(b)
        return b

    def _add_clock(self, words: str, a: int, b: int, ampm: bool) -> None:
        self.add(words, a, b)
        if ampm:  # the "a m" / "p m" letters are spelled
            self.out[-1][4] = True
            self.out[-2][4] = True

    def n_time_ampm(self, m):
        h = int(m.group(1))
        if not 1 <= h <= 12:
            return None
        a, b = m.start(), m.end()
        self._add_clock(self._clock(h, 0, m.group(2)), a, b, True)
        if m.group(3):
            self.end_period(b)
        return b

    def n_phone(self, m):
        return self.read_phone(m)

    def n_phone_local(self, m):
        prev = self.prev_token(m.start())
        if prev and prev[0].lower() in _RANGE_CONTEXT:
            return None
        return self.read_phone(m)

    def read_phone(self, m):
        a, b = m.start(), m.end()
        groups = re.findall(r"\+|\d+", m.group(0))
        for k, g in enumerate(groups):
            if g == "+":
                self.add("plus", a, b)
                continue
            self.add(digits(g), a, b)
            if k < len(groups) - 1:
                self.punct(",", b)
        return b

    def n_date_dmy(self, m):
        d = int(m.group(1))
        mon = m.group(2)
        if not 1 <= d <= 31 or not mon[0].isupper():
            return None
        words = self._day_of_month(d, MONTHS[mon.lower()], m.start())
        if m.group(3):
            words += " " + year(int(m.group(3)))
        self.add(words, m.start(), m.end())
        return m.end()

    def read_money(self, code: str, num: str, scale: str | None, a: int, b: int) -> int:
        unit, units, sub, subs = CURRENCIES[code]
        clean = num.replace(",", "")
        if scale:
            self.add(f"{number_words(num)} {SCALES[scale]} {units}", a, b)
            return b
        int_part, _, frac = clean.partition(".")
        n = int(int_part) if int_part else 0
        if frac and len(frac) == 2 and sub:
            cents = int(frac)
            parts = []
            if n or not cents:
                parts.append(f"{cardinal(n)} {unit if n == 1 else units}")
            if cents:
                parts.append(f"{cardinal(cents)} {sub if cents == 1 else subs}")
            self.add(" and ".join(parts), a, b)
        elif frac:
            self.add(f"{number_words(clean)} {units}", a, b)
        else:
            self.add(f"{number_words(clean)} {unit if n == 1 else units}", a, b)
        return b

    def n_currency_code_post(self, m):
        return self.read_money(m.group(3), m.group(1), m.group(2), m.start(), m.end())

    def n_percent(self, m):
        word = "percent" if m.group(2) == "%" else "per mille"
        self.add(f"{number_words(m.group(1))} {word}", m.start(), m.end())
        return m.end()

    def n_unit(self, m):
        num, space, unit = m.group(1), m.group(2), m.group(3)
        if space and len(unit) == 1 and unit not in "°℃℉":
            # "5 m" is a unit only when no word follows ("5 m away" is fine, "5 V Class" is not)
            nxt = self.next_char(m.end(), skip_closers=False)
            if nxt.isupper():
                return None
        if unit == "°" and m.end() < self.n and self.s[m.end()] in "CF":
            return None
        sing, plur = UNITS[unit]
        one = num == "1"
        self.add(f"{number_words(num)} {sing if one else plur}", m.start(), m.end())
        return m.end()

    def n_fraction_mixed(self, m):
        whole, num, den = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if not 0 < num < den:
            return None
        frac = _fraction_words(num, den)
        if num == 1 and den in (2, 4):
            frac = "a " + frac.split(" ", 1)[1]
        self.add(f"{cardinal(whole)} and {frac}", m.start(), m.end())
        return m.end()

    def n_fraction(self, m):
        num, den = int(m.group(1)), int(m.group(2))
        if (num, den) == (24, 7):
            words = "twenty-four seven"
        elif (num, den) == (9, 11):
            words = "nine eleven"
        else:
            words = _fraction_words(num, den)
        if words is None:
            return None
        self.add(words, m.start(), m.end())
        return m.end()

    def n_decade(self, m):
        century, dec = m.group(1), m.group(2)
        text = m.group(0)
        if century is None:
            if text[0] == "0" and dec == "0":
                return None
            words = _plural_last(cardinal(int(dec) * 10))
        else:
            y = int(century + dec + "0")
            if y < 1000:
                return None
            words = _plural_last(year(y))
        self.add(words, m.start(), m.end())
        return m.end()

    def n_range(self, m):
        x, y = m.group(1), m.group(2)
        a, b = m.start(), m.end()
        if self.next_char(b, skip_closers=False) in ("=", "+") or (
                a > 0 and self.s[a - 1] in "=+"):
            self.add(f"{number_words(x)} minus {number_words(y)}", a, b)
            return b
        if "-" not in m.group(0):
            return None
        both_years = self.is_year(x, a, b) and y.isdecimal() and (
            len(y) == 2 or len(y) == 4 and int(x) < int(y) <= 2099)
        if both_years:                       # "1990-1995", "1990-95"; "1500-2000 people": no
            self.add(f"{year(int(x))} to {_short_year(y)}", a, b)
        else:
            self.add(f"{number_words(x)} to {number_words(y)}", a, b)
        return b

    def n_ordinal(self, m):
        self.add(ordinal(int(m.group(1).replace(",", ""))), m.start(), m.end())
        return m.end()

    def n_ratio(self, m):
        self.add(f"{cardinal(int(m.group(1)))} to {cardinal(int(m.group(2)))}", m.start(), m.end())
        return m.end()

    def n_version(self, m):
        parts = m.group(0).split(".")
        self.add(" point ".join(number_words(p) for p in parts), m.start(), m.end())
        return m.end()

    def n_feet_inches(self, m):
        ft, inch = int(m.group(1)), int(m.group(2))
        if inch > 11:
            return None
        words = f"{cardinal(ft)} {'foot' if ft == 1 else 'feet'} {cardinal(inch)}"
        self.add(words + (" inch" if inch == 1 else " inches"), m.start(), m.end())
        return m.end()

    def n_scaled(self, m):
        if m.group(2) in ("M", "B") and "." not in m.group(1):
            return None  # "4B" is more often a flat or a grade than four billion
        self.add(f"{number_words(m.group(1))} {SCALES[m.group(2)]}", m.start(), m.end())
        return m.end()

    def n_times_x(self, m):
        self.add(f"{number_words(m.group(1))} times {number_words(m.group(2))}", m.start(), m.end())
        return m.end()

    def n_multiplier(self, m):
        self.add(f"{number_words(m.group(1))} times", m.start(), m.end())
        return m.end()

    def n_alnum(self, m):
        a, b = m.start(), m.end()
        prev_digits = False
        for part in re.findall(r"[A-Za-z]+|\d+", m.group(0)):
            if part == "s" and prev_digits:  # "MP3s" -> "m p threes"
                self.out[-1][0] = _plural_last(self.out[-1][0])
                continue
            prev_digits = part.isdecimal()
            if part.isdecimal():
                self.add(number_words(part), a, b)
            elif part.lower() in ("st", "nd", "rd", "th"):
                continue
            elif len(part) == 1 or part.isupper() or not _pronounceable(part.upper()):
                self.spell(part, a, b)
            else:
                self.add(part, a, b)
        return b

    def n_number(self, m):
        num = m.group(0)
        a, b = m.start(), m.end()
        prev = self.prev_token(a)
        if prev and prev[0].lower() in ("call", "dial", "dialed", "dialled", "text") \
                and num.isdecimal():
            self.add(digits(num), a, b)  # "call 911"
            return b
        self.add(number_words(num, as_year=self.is_year(num, a, b)), a, b)
        return b

    def _adjacent_prev(self, i: int) -> tuple[str, int] | None:
        """The token right before i with only spaces between, else None."""
        tok = self.prev_token(i)
        return tok if tok and self._gap(tok[1] + len(tok[0]), i) else None

    def _adjacent_next(self, j: int) -> tuple[str, int] | None:
        tok = self.next_token(j)
        return tok if tok and self._gap(j, tok[1]) else None

    def is_year(self, num: str, a: int, b: int, *, joined: bool = True) -> bool:
        """Is the numeral ``num`` at ``[a, b)`` (or the range of two there) a year?

        See the rules above ``YEAR_CUES_BEFORE``. ``joined=False`` leaves out the look at a
        number before "and"/"to" (rule 2), so that no number is looked at more than twice."""
        if not (len(num) == 4 and num.isdecimal() and 1000 <= int(num) <= 2099):
            return False
        s = self.s
        k = a - 1
        while k >= 0 and s[k].isspace():
            k -= 1
        before = s[k] if k >= 0 else ""
        after = self.next_char(b, False)
        if (before and before in "#$€£¥+=×*/<>÷") or (after and after in "+=×*/<>÷%") \
                or (before == "-" and k == a - 1 and not s[k - 1:k].isalnum()):
            return False                              # "$1999", "1500 + 200", "-1999"
        label = self.prev_token(a)
        if label and label[0].lower() in NUMBER_LABELS \
                and s[label[1] + len(label[0]):a].strip(" .") == "":
            return False                              # "No. 1999", "page 1200", "pp. 1200"
        prev = self._adjacent_prev(a)
        low = prev[0].lower() if prev else ""
        prev2 = self._adjacent_prev(prev[1]) if prev else None
        low2 = prev2[0].lower() if prev2 else ""
        # 2. a second number reads like the first ("1944 and 1945", "pages 1000 and 1200")
        if joined and low in _NUMBER_JOINERS and len(low2) == 4 and low2.isdecimal() \
                and 1000 <= int(low2) <= 2099:
            return self.is_year(low2, prev2[1], prev2[1] + 4, joined=False)
        # 3. year cues
        if before == "\u00a9" or low in YEAR_CUES_BEFORE or _YEAR_AFTER.match(s, b):
            return True
        if prev and prev[0].capitalize() == prev[0] and low in MONTHS:
            return True                               # "March 2021", "Sept 1999"
        if low == "of" and low2 in _YEAR_NOUNS_BEFORE_OF:
            return True                               # "the summer of 1969"
        # 4. count cues
        if low in COUNT_CUES_BEFORE or low2 in _COUNT_CUES_BEFORE_2.get(low, ()):
            return False                              # "have 1500", "more than 2000"
        nxt = self._adjacent_next(b)
        if nxt is None:
            return True
        # 5. a plural noun after the number; capitalized ones too, but not in "the 1927
        # Yankees" or in a title ("World Cup 2018 Qualifiers")
        noun = self._counted_noun(nxt, low != "the" and not self.name_like(prev))
        if noun is None:
            return nxt[0] not in _COUNT_WORDS_AFTER   # "2000 of them"; "1984 was" (6.)
        if low not in TIME_PREPOSITIONS:
            return False                              # "1500 apples", "1500 Americans died"
        verb = self._verb_after_noun(noun[1] + len(noun[0]))
        if verb is not None:
            return verb                   # "in 1987 things changed"; "in 1500 cases it failed"
        return self.opens_clause(prev[1])   # "In 1990 voters in Ohio ..."; "found in 1500 homes"

    def _counted_noun(self, nxt: tuple[str, int], names: bool) -> tuple[str, int] | None:
        """The plural noun that the number before the token ``nxt`` may count: ``nxt`` itself
        ("1500 apples"; "1500 Americans" with ``names``), the word after one adjective ("1500 new
        jobs") or after a second number ("1500 to 2000 people"); None when there is none."""
        word = nxt[0]
        if _count_noun(word, capitalized=names):
            return nxt
        nxt2 = self._adjacent_next(nxt[1] + len(word))
        if nxt2 is None:
            return None
        if word in _COUNT_ADJECTIVES and _count_noun(nxt2[0], capitalized=names):
            return nxt2
        if word in ("and", "or", "to") and nxt2[0].isdecimal():
            third = self._adjacent_next(nxt2[1] + len(nxt2[0]))
            if third and _count_noun(third[0], capitalized=names):
                return third                          # "between 1500 and 2000 people"
        return None

    def _verb_after_noun(self, j: int) -> bool | None:
        """After a time preposition, number and plural noun ending at j (rule 5): True when a
        verb follows the noun ("things changed", "cars will", "people slowly moved"), False
        when the noun phrase ends there (a punctuation mark, a pronoun, a determiner follows),
        None when the next word says neither."""
        nxt = self._adjacent_next(j)
        if nxt is None:
            return False                              # "it failed in 1500 cases."
        w = nxt[0].lower()
        if w in _AFTER_NOUN_PHRASE:
            return False                              # "In 1500 cases it failed"
        if w in _VERBS_AFTER_SUBJECT or _past_tense(w):
            return True
        if w in _ADVERBS_BEFORE_VERB or w.endswith("ly"):
            nxt2 = self._adjacent_next(nxt[1] + len(nxt[0]))
            w2 = nxt2[0].lower() if nxt2 else ""
            if w2 in _VERBS_AFTER_SUBJECT or _past_tense(w2):
                return True                           # "in 1987 things slowly changed"
        return None

    def opens_clause(self, i: int) -> bool:
        """True when the word at i starts a sentence or a clause: after a comma, semicolon,
        dash or bracket, or after "and", "but", "when" ... (``_CLAUSE_LINKS``)."""
        if self.sentence_initial(i):
            return True
        k = i - 1
        while k >= 0 and self.s[k].isspace():
            k -= 1
        if k >= 0 and self.s[k] in ",;\u2014(":
            return True
        prev = self._adjacent_prev(i)
        return prev is not None and prev[0].lower() in _CLAUSE_LINKS

    # ---- alphabetic tokens
    def alpha(self, i: int) -> int | None:
        s = self.s
        if self.keep:
            m = _RX["word_token"].match(s, i)
            if m and m.group(0).lower() in self.keep:
                self.add(m.group(0), m.start(), m.end())  # a user-dictionary word: as written
                return m.end()
        for name in ("email", "url"):
            m = _RX[name].match(s, i)
            if m:
                j = getattr(self, "a_" + name)(m)
                if j is not None:
                    return j
        m = _RX["date_mdy"].match(s, i)
        if m:
            j = self.a_date_mdy(m)
            if j is not None:
                return j
        m = _RX["currency_code_pre"].match(s, i)
        if m:
            return self.read_money(m.group(1), m.group(2), m.group(3), m.start(), m.end())
        m = _RX["dotted"].match(s, i)
        if m:
            return self.a_dotted(m)
        m = _RX["word_token"].match(s, i)
        if m and m.group(0) in SPECIAL_WORDS:
            self.add(SPECIAL_WORDS[m.group(0)], m.start(), m.end())
            return m.end()
        m = _RX["alnum"].match(s, i)
        if m and not (m.end() < self.n and s[m.end()] == "'"):
            return self.n_alnum(m)
        m = _RX["word"].match(s, i)
        if m:
            return self.a_word(m)
        # a letter that is not a "word" char (should not happen); drop it
        return i + 1

    def a_email(self, m):
        return self.read_address(m.group(0), m.start())

    def a_url(self, m):
        text = m.group(0)
        # trailing sentence punctuation is not part of the address
        stripped = text.rstrip(".,;:!?)]}'\"")
        if not stripped:
            return None
        return self.read_address(stripped, m.start())

    def read_address(self, addr: str, a: int) -> int:
        b = a + len(addr)
        body = re.sub(r"^(?:https?|ftp)://", "", addr, flags=re.I)
        body = body.rstrip("/")
        names = {".": "dot", "/": "slash", "-": "dash", "_": "underscore", ":": "colon",
                 "?": "question mark", "=": "equals", "&": "and", "#": "hash", "@": "at",
                 "~": "tilde", "%": "percent", "+": "plus"}
        for part in re.findall(r"[A-Za-z]+|\d+|[^A-Za-z\d]", body):
            if part.isdecimal():
                self.add(number_words(part, as_year=True) if len(part) <= 4 else digits(part), a, b)
            elif part.isalpha():
                low = part.lower()
                if part.isupper() and len(part) > 1:
                    read_as_word = part in PRONOUNCEABLE_ACRONYMS or _pronounceable(part)
                else:
                    read_as_word = low in _ADDRESS_WORDS or (
                        len(low) >= 3 and re.search("[aeiouy]", low) and low != "www")
                if read_as_word:
                    self.add(low, a, b)
                else:
                    self.spell(part, a, b)
            elif part in names:
                self.add(names[part], a, b)
        return b

    def a_date_mdy(self, m):
        mon = m.group(0).split()[0].rstrip(".")
        d = int(m.group(1))
        if not 1 <= d <= 31:
            return None
        words = f"{MONTH_NAMES[MONTHS[mon.lower()]]} {ordinal(d)}"
        if m.group(2):
            words += " " + year(int(m.group(2)))
        self.add(words, m.start(), m.end())
        return m.end()

    def a_dotted(self, m):
        text = m.group(0)
        a, b = m.start(), m.end()
        low = text.lower()
        if low in DOTTED:
            words = DOTTED[low]
            if low in ("a.m.", "p.m."):
                self.spell(words.replace(" ", ""), a, b)
            else:
                self.add(words, a, b)
            if low in ("a.m.", "p.m.", "et al."):
                self.end_period(b)
            return b
        # "U.S.A." -> spelled letters; the last period may end the sentence
        self.spell(text.replace(".", ""), a, b)
        self.end_period(b)
        return b

    def a_word(self, m):
        s = self.s
        a, b = m.start(), m.end()
        w = m.group(0)
        has_period = b < self.n and s[b] == "."
        nxt = self.next_token(b + 1 if has_period else b)
        prev = self.prev_token(a)

        if w in SPECIAL_WORDS:
            self.add(SPECIAL_WORDS[w], a, b)
            return b

        # abbreviations with a period
        if has_period:
            j = self.abbreviation(w, a, b, prev, nxt)
            if j is not None:
                return j
        elif w in _TITLES_NO_PERIOD and nxt and nxt[0][:1].isupper() and self._gap(b, nxt[1]):
            j = self.abbreviation(w, a, b, prev, nxt, period=False)
            if j is not None:
                return j
        if w in ("vs", "etc") and not has_period:
            self.add(ABBREVIATIONS[w][0], a, b)
            return b

        # "x" between numbers
        if w in ("x", "X") and prev and prev[0][-1:].isdecimal() and nxt and nxt[0][:1].isdecimal():
            self.add("times", a, b)
            return b

        # Roman numerals
        if _ROMAN_RE.match(w):
            j = self.roman(w, a, b, prev)
            if j is not None:
                return j

        # all-caps acronyms (optionally with a plural/possessive ending)
        am = re.fullmatch(r"([A-Z]{2,})('?s)?", w)
        if am:
            core, suffix = am.group(1), am.group(2) or ""
            if core in PRONOUNCEABLE_ACRONYMS:
                as_word = True
            elif core in SPELLED_ACRONYMS:
                as_word = False
            elif self.shouting(a, min_run=2) and (
                    core in COMMON_SHORT_WORDS or (len(core) >= 4 and re.search("[AEIOUY]", core))
                    or (re.fullmatch("[^AEIOU][AEIOU][^AEIOUY]", core) and self.shouting(a))):
                # shouted text: "I WANT TO GO HOME", "NEW YORK", "HOG CALLERS" (CVC words)
                as_word = True
            elif core in COMMON_SHORT_WORDS and core not in ("IT", "AS", "OR", "ME", "IN"):
                as_word = True   # "NO!!", "a good BOY"
            else:
                # long all-caps words with two vowel groups are emphasis, not acronyms
                as_word = _pronounceable(core) or (
                    len(core) >= 5 and len(re.findall("[AEIOU]+", core)) >= 2)
            if as_word:
                self.add(core.lower() + suffix, a, b)
            else:
                self.spell(core[:-1], a, b)
                self.out.append([core[-1].lower() + ("'s" if suffix else ""), a, b, "", True])
            return b

        # single letters: "K. A. Smith", "plan B", "Q: ..." are letters; "a" and "I" are words
        if len(w) == 1:
            if w == "I" or (w in "aA" and not (has_period or self.next_char(b, False) in ":)")):
                self.add(w.lower(), a, b)
                return b
            self.spell(w, a, b)
            if has_period and w.isupper() and nxt and nxt[0][:1].isupper() \
                    and (nxt[0] not in SENTENCE_STARTERS or len(nxt[0]) == 1 and nxt[0] != "I") \
                    and self._gap(b + 1, nxt[1]):
                return b + 1  # an initial: its period ends nothing
            return b

        self.add(w.lower(), a, b)
        return b

    def _gap(self, b: int, c: int) -> bool:
        return self.s[b:c].strip() == ""

    def abbreviation(self, w, a, b, prev, nxt, period=True):
        end = b + 1 if period else b
        nxt_cap = bool(nxt and nxt[0][:1].isupper() and self._gap(end, nxt[1]))
        nxt_num = bool(nxt and nxt[0][:1].isdecimal() and self._gap(end, nxt[1]))
        if w in ("St", "Dr"):
            if self.name_like(prev) and not (w == "Dr" and nxt_cap and not period):
                spoken, can_end = ("street" if w == "St" else "drive"), True
            elif nxt_cap or not period:
                spoken, can_end = ("saint" if w == "St" else "doctor"), False
            else:
                spoken, can_end = ("street" if w == "St" else "doctor"), True
        elif w in ("No", "no", "Nos", "nos"):
            if not nxt_num:
                return None
            spoken, can_end = ("number" if w.lower() == "no" else "numbers"), False
        elif w in ABBREVIATIONS:
            if w in _ABBR_ONLY_BEFORE_NUMBER and not nxt_num:
                return None
            spoken, can_end = ABBREVIATIONS[w]
        else:
            return None
        self.add(spoken, a, end)
        if period and can_end:
            self.end_period(end)
        return end

    def roman(self, w, a, b, prev):
        value = _roman_value(w)
        prev_low = prev[0].lower() if prev else ""
        if prev_low in ROMAN_CARDINAL_CONTEXT and prev and self._gap(prev[1] + len(prev[0]), a):
            self.add(cardinal(value), a, b)
            return b
        if prev and self._gap(prev[1] + len(prev[0]), a) and prev[0][:1].isupper() \
                and prev[0][1:].islower() and prev[0].isalpha() and len(prev[0]) > 1:
            if w == "I" and prev[0] not in REGNAL_NAMES_FOR_I:
                return None
            if len(w) == 1 and w not in ("I", "V"):
                return None
            if value > 50:
                return None
            self.add("the " + ordinal(value), a, b)
            return b
        return None

    def shouting(self, a: int, min_run: int = 3) -> bool:
        """True inside a run of ``min_run``+ all-caps words (shouted text is read as words)."""
        self._tokens_past(a)
        k = bisect.bisect_left(self.tok_starts, a)

        def caps(idx: int) -> bool | None:
            span = self.token(idx) if idx >= 0 else None
            if span is None:
                return False
            t = self.s[span[0]:span[1]]
            if t in ("I", "A"):
                return None  # neutral
            t = t.replace("'", "")
            return len(t) >= 2 and t.isalpha() and t.isupper() and t not in SPELLED_ACRONYMS

        def run(direction: int) -> int:
            count, idx = 0, k + direction
            while True:
                lo, hi = sorted((idx, idx - direction))
                if 0 <= lo and self.token(hi) is not None and any(
                        ch in ".!?()[]{}\"" for ch in self.s[self.tokens[lo][1]:self.tokens[hi][0]]):
                    return count  # a run stops at a sentence end, a bracket or a quote
                c = caps(idx)
                if c is False:
                    return count
                if c:
                    count += 1
                idx += direction
        if self.token(k) is None:
            return False
        return 1 + run(-1) + run(1) >= min_run

    # ---- symbols and punctuation
    def symbol(self, i: int) -> int | None:
        s, c = self.s, self.s[i]
        nxt = s[i + 1] if i + 1 < self.n else ""
        if c in CURRENCY_SIGNS:
            m = _RX["currency_sign"].match(s, i)
            if m:
                return self.read_money(CURRENCY_SIGNS[m.group(1)], m.group(2), m.group(3),
                                       m.start(), m.end())
            return None
        if c == "-":
            # minus sign before a number at a word start
            if (nxt.isdecimal() or (nxt in ".$€£¥" and i + 2 < self.n and
                                  (s[i + 2].isdecimal() or nxt in "$€£¥"))) and \
                    (i == 0 or s[i - 1].isspace() or s[i - 1] in "([{=<>"):
                self.add("minus", i, i + 1)
                return i + 1
            j = i
            while j < self.n and s[j] == "-":
                j += 1
            spaced = (i == 0 or s[i - 1].isspace()) and (j >= self.n or s[j].isspace())
            if j - i >= 2 or spaced:
                prev = self.prev_token(i)
                after = self.next_char(j, skip_closers=False)
                if spaced and j - i == 1 and prev and prev[0][-1:].isdecimal() and after.isdecimal():
                    self.add("minus", i, j)
                else:
                    self.punct("—", i)
            return j
        if c == "\u2014":
            self.punct("—", i)
            return i + 1
        if c == "+":
            m = _RX["phone_intl"].match(s, i)
            if m:
                return self.read_phone(m)
        if c == "(":
            m = _RX["phone"].match(s, i)
            if m:
                return self.read_phone(m)
            self.punct(",", i)
            return i + 1
        if c in ")]}":
            if self.next_char(i + 1, skip_closers=False) not in ".,;:!?…":
                self.punct(",", i)
            return i + 1
        if c == "[" or c == "{":
            self.punct(",", i)
            return i + 1
        if c == "'":
            m = _RX["decade"].match(s, i + 1)
            if m and m.group(1) is None and (i == 0 or not s[i - 1].isalnum()):
                self.add(_plural_last(cardinal(int(m.group(2)) * 10)), i, m.end())
                return m.end()
            return i + 1
        if c == "#":
            if nxt.isdecimal():
                self.add("number", i, i + 1)
                return i + 1
            if nxt.isalpha():
                self.add("hashtag", i, i + 1)
                return i + 1
            return i + 1
        if c == "~" and (nxt.isdecimal() or nxt in "$€£¥"):
            self.add("about", i, i + 1)
            return i + 1
        if c in "<>":
            prev = self.prev_token(i)
            after = self.next_char(i + 1, skip_closers=False)
            if prev and prev[0][-1:].isdecimal() and (after.isdecimal() or after == "-"):
                self.add("less than" if c == "<" else "greater than", i, i + 1)
            return i + 1
        if c in SYMBOL_WORDS:
            self.add(SYMBOL_WORDS[c], i, i + 1)
            return i + 1
        if c in VULGAR_FRACTIONS:
            num, den = VULGAR_FRACTIONS[c]
            words = _fraction_words(num, den)
            if i > 0 and s[i - 1].isdecimal():   # "1½" -> "one and a half"
                words = "and " + ("a " + words.split(" ", 1)[1] if num == 1 else words)
            self.add(words, i, i + 1)
            return i + 1
        if c in SUPERSCRIPT_WORDS and i > 0 and s[i - 1].isalnum():
            self.add(SUPERSCRIPT_WORDS[c], i, i + 1)
            return i + 1
        if c == ".":
            j = i
            while j < self.n and s[j] in ". ":
                if s[j] == " " and not (j + 1 < self.n and s[j + 1] == "."):
                    break
                j += 1
            dots = s[i:j].count(".")
            self.punct("…" if dots >= 3 else ".", i)
            return j
        if c == "…":
            self.punct("…", i)
            return i + 1
        if c in ",;:?!":
            self.punct(c, i)
            return i + 1
        # quotes, emoji, other symbols and marks: dropped
        return i + 1


_RANGE_CONTEXT = {"pages", "page", "pp", "from", "between", "ages", "aged", "years", "numbers",
                  "chapters", "verses", "rooms", "items", "lines"}
_ADDRESS_WORDS = {"com", "org", "net", "edu", "gov", "mail", "dev", "app", "bit", "dot",
                  "web", "the", "my", "new", "go", "one", "top", "hub", "doc", "docs", "api"}


def _short_year(y: str) -> str:
    """A year written with 4 digits, or 2 ('95' -> ninety-five, '05' -> oh five)."""
    if len(y) == 4:
        return year(int(y))
    if y == "00":
        return "hundred"
    if y[0] == "0":
        return "oh " + cardinal(int(y))
    return cardinal(int(y))


def _roman_value(w: str) -> int:
    total = 0
    for k, ch in enumerate(w):
        v = _ROMAN_VALUES[ch]
        if k + 1 < len(w) and _ROMAN_VALUES[w[k + 1]] > v:
            total -= v
        else:
            total += v
    return total


def _pronounceable(w: str) -> bool:
    """Vowel/consonant heuristic for an upper-case letter string: can it be read as a word?

    It must have 4+ letters, start with a valid English onset, end with a valid coda, have no
    more than 3 consonants between vowels and no vowel run longer than 2 (Y counts as a vowel
    except at the start).
    """
    if len(w) < 4 or not w.isalpha():
        return False
    groups = re.findall(r"[AEIOU]+|[^AEIOU]+", w[0] + w[1:].replace("Y", "I"))
    vowels = [g for g in groups if g[0] in "AEIOU"]
    if not vowels or any(len(g) > 2 for g in vowels):
        return False
    onset = groups[0] if groups[0][0] not in "AEIOU" else ""
    coda = groups[-1] if groups[-1][0] not in "AEIOU" and len(groups) > 1 else ""
    if onset not in _VALID_ONSETS or coda not in _VALID_CODAS:
        return False
    inner = groups[1:-1] if groups else []
    return all(len(g) <= 3 for g in inner if g[0] not in "AEIOU")


def check_date_order(date_order: str) -> str:
    """``date_order`` itself, or ValueError when it is not one of ``DATE_ORDERS``."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {date_order!r}")
    return date_order


def iter_normalize(text: str, *, keep_words: Collection[str] = (), date_order: str = "MDY"
                   ) -> Iterator[Word]:
    """``normalize`` one word at a time: each word is yielded as soon as the scanner is past
    it, so the first words of a long text cost no more than those of a short one."""
    check_date_order(date_order)
    if not text:
        return iter(())
    return itertools.chain.from_iterable(_Scanner(text, keep_words, date_order).word_batches())


def normalize(text: str, *, keep_words: Collection[str] = (), date_order: str = "MDY"
              ) -> list[Word]:
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
