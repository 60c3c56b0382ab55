"""The normalizer's word lists, read once at import from the TSV files beside this module.

Each file has a header row, then one entry a row, fields separated by tabs; a ``-`` field means
none. Most files are tables (``units.tsv``: written form, singular, plural ...). Two hold plain
lists as ``list<TAB>word`` rows, read into ``WORDS`` and ``YEAR_CONTEXT`` (one frozenset
attribute per list). ``word_lists.tsv``:

- pronounceable_acronyms: acronyms read as words ("NASA"); others are spelled unless the
  vowel/consonant heuristic (``letters.pronounceable``) says so;
- spelled_acronyms: always spelled, though the heuristic might call them pronounceable ("USB");
- common_short_words: read as words inside a run of two or more all-caps words ("NEW YORK");
- sentence_starters: capitalized words that usually begin a sentence: "plan B. Then ..." ends
  after "B.";
- onsets, codas: the letter groups that may begin and end an English word (the heuristic);
- after_initialisms: capitalized words that a dotted initialism usually qualifies, so that its
  period does not end the sentence ("the U.S. Army", "U.K. Government");
- titles_without_period: titles that may be written without a period before a capitalized
  name ("Mr Smith");
- roman_cardinal_context: words after which a Roman numeral is a cardinal ("Chapter IV");
- regnal_names_for_i: names after which a bare "I" is a regnal number ("Elizabeth I");
- range_context: words before "123-4567" that make it a range, not a phone number ("pages");
- address_words: short words read as words inside an address ("my.dev.app");
- dial_words: words before a number read digit by digit ("call 911");
- top_level_domains: the endings that make a bare "name.com" an address.

``year_context.tsv``: the cues of ``years.is_year`` (its docstring gives the order):
year_cues_before ("since", "born"), time_prepositions ("in", "by"), clause_links (after
which a preposition opens a clause: "but in 1990 ..."), year_nouns_before_of ("the summer of
1969"), number_joiners ("1944 and 1945"), number_labels ("page 1200": never a year),
count_cues_before ("about", "costs"), count_cues_before_than/_to/_of (two-word cues: "more
than", "up to", "a total of"), count_words_after ("2000 of them"), irregular_plurals
("people"), not_plural_nouns (-s words that are no counted nouns after a number: "was",
"elections"), count_adjectives ("1500 new jobs"), irregular_past and adverbs_before_verb (a
verb after the noun: "in 1987 things slowly changed"), not_past_tense ("hundred", "need").
"""

from __future__ import annotations

from importlib import resources
from types import SimpleNamespace


def _rows(name: str) -> list[list[str]]:
    """The rows of the package's TSV file ``name``, header left out."""
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()[1:] if line]


def _lists(name: str) -> dict[str, list[str]]:
    """A ``list<TAB>word`` file -> {list name: its words, in file order}."""
    out: dict[str, list[str]] = {}
    for lst, word in _rows(name):
        out.setdefault(lst, []).append(word)
    return out


def _pairs(name: str) -> dict[str, str]:
    return {k: v for k, v in _rows(name)}


# ---- dates
_MONTH_ROWS = _rows("months.tsv")  # written form (capitalized), month number
MONTHS = {written.lower(): int(n) for written, n in _MONTH_ROWS}
MONTH_NAMES = ("",) + tuple(dict.fromkeys(w.lower() for w, _ in _MONTH_ROWS))[:12]
# the month names and abbreviations as written, longest form of each word first
MONTH_RE = "(?:" + "|".join(written for written, _ in _MONTH_ROWS) + ")"

# ---- money and quantities
_CURRENCY_ROWS = _rows("currencies.tsv")
CURRENCY_SIGNS = {sign: code for code, sign, *_ in _CURRENCY_ROWS}
# code -> (unit, units, subunit, subunits)
CURRENCIES: dict[str, tuple[str, str, str | None, str | None]] = {
    code: tuple(None if x == "-" else x for x in names) for code, _, *names in _CURRENCY_ROWS
}
SCALES = _pairs("scales.tsv")
# unit as written -> (singular, plural)
UNITS: dict[str, tuple[str, str]] = {u: (sing, plur) for u, sing, plur in _rows("units.tsv")}

# ---- abbreviations and special words
# written form (without the final period) -> (spoken, may_end_sentence)
_ABBR_ROWS = _rows("abbreviations.tsv")
ABBREVIATIONS: dict[str, tuple[str, bool]] = {w: (spoken, end == "yes") for w, spoken, end, _ in _ABBR_ROWS}
# Names that are also ordinary words/names: only expanded before a number ("Jan. 5").
ABBR_ONLY_BEFORE_NUMBER = frozenset(w for w, _, _, only in _ABBR_ROWS if only == "yes")
DOTTED = _pairs("dotted.tsv")  # letters-with-periods forms
SPECIAL_WORDS = _pairs("special_words.tsv")  # words with a fixed reading ("OK", "JPEG")

# ---- symbols
SYMBOL_WORDS = _pairs("symbols.tsv")
SUPERSCRIPT_WORDS = _pairs("superscripts.tsv")
VULGAR_FRACTIONS = {c: (int(num), int(den)) for c, num, den in _rows("fractions.tsv")}
ADDRESS_SYMBOLS = _pairs("address_symbols.tsv")  # how a symbol in a URL or email is read

# ---- word lists: one frozenset attribute per list of word_lists.tsv and year_context.tsv
_WORD_LISTS = _lists("word_lists.tsv")
WORDS = SimpleNamespace(**{name: frozenset(words) for name, words in _WORD_LISTS.items()})
TOP_LEVEL_DOMAINS = tuple(_WORD_LISTS["top_level_domains"])  # in the file's order
YEAR_CONTEXT = SimpleNamespace(**{name: frozenset(words) for name, words in _lists("year_context.tsv").items()})
