"""Year or count? How a 4-digit number from 1000 to 2099 is read, decided by its context.

A number written without a comma or decimals is read as a year ("nineteen eighty-seven")
unless its context says it counts something (``is_year`` applies the lists of
``year_context.tsv``, ``data.YEAR_CONTEXT``, in this order):

1. never a year after a currency sign, "#", "No.", "page", "room" ... (``number_labels``),
   or next to an arithmetic sign;
2. the second of two numbers joined by "and", "or", "to", "through" reads like the first
   ("during 1944 and 1945 prices rose", "pages 1000 and 1200");
3. a year after a month name ("March 2021"), a year word ("since", "until", "during", "born",
   "year", "AD" ... ``year_cues_before``), "of" after a time noun ("the summer of 1969"),
   or before "AD"/"BC";
4. a count after a quantity word ("about", "over", "have", "costs", "more than", "a total
   of" ... ``count_cues_before``), or before "of"/"per"/"each" ("2000 of them");
5. before a plural noun ("1500 apples", "1999 people", "1500 Americans"; also past one
   adjective, "1500 new jobs", "1500 more people", and in "1500 to 2000 people"): a count,
   except after a preposition of time (``time_prepositions``: "in", "by", "from", "after" ...),
   where the word after the noun decides. A verb ("in 1987 things changed", "by 2030 cars will
   fly") makes the noun the subject of a clause, so the number is a year; a punctuation mark,
   pronoun or determiner ("it failed in 1500 cases.", "In 1500 cases it failed") ends the
   noun phrase, so it is a count; anything else is a year when the preposition opens a clause
   ("In 1990 voters in Ohio chose ...", "but in 1990 ...") and a count inside one ("found in
   1500 homes across the country");
6. otherwise a year ("in 1987", "(1984)", "2048", "the 2016 elections", "1984 was").
"""

from __future__ import annotations

import re

from ..homographs import BE, DETERMINERS, DO_SUPPORT, MODALS, SUBJECTS
from .data import MONTHS
from .data import YEAR_CONTEXT as Y

# Two-word cues: "more than 1500", "up to 2000", "a total of 1500".
_COUNT_CUES_BEFORE_2 = {"than": Y.count_cues_before_than, "to": Y.count_cues_before_to, "of": Y.count_cues_before_of}
# After "in 1987 <plural noun>" (rule 5): words that say a verb follows the noun, so the noun is
# the subject of a clause: be, have, do and the modals (from ``homographs``), irregular past
# tenses, and regular ones (``past_tense``).
_VERBS_AFTER_SUBJECT = MODALS | BE | DO_SUPPORT | Y.irregular_past | {"have", "had"}
# After the noun, these start something else, so the noun phrase ends there ("In 1500 cases
# it failed", "in 1500 cases the drug failed", "in 1500 homes where ...").
_AFTER_NOUN_PHRASE = SUBJECTS | DETERMINERS | {"which", "where", "whom", "there"}

_YEAR_AFTER = re.compile(r"\s*(?:AD|BC|BCE|CE|A\.D\.|B\.C\.(?:E\.)?|C\.E\.)(?![A-Za-z])")


def count_noun(word: str, *, capitalized: bool = False) -> bool:
    """A word that looks like a plural noun: lowercase ("apples", "people") or, with
    ``capitalized``, also capitalized ("Americans"; not "Texas", "Olympics")."""
    if capitalized and word[1:].islower() and word[:1].isupper() and not word.endswith("as"):
        word = word.lower()
    if not (word.isalpha() and word.islower()):
        return False
    if word in Y.irregular_plurals:
        return True
    return (
        len(word) >= 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is"))
        and word not in Y.not_plural_nouns
    )


def past_tense(word: str) -> bool:
    """A regular past tense ("changed", "stayed"), not "need", "speed" or "hundred"."""
    return (
        len(word) > 3
        and word.endswith("ed")
        and word not in Y.not_past_tense
        and not (word.endswith("eed") and len(word) <= 5)
    )


def is_year(sc, num: str, a: int, b: int, *, joined: bool = True) -> bool:
    """Is the numeral ``num`` at ``[a, b)`` of the scanner's text (or the range of two there)
    a year?

    See the rules above. ``joined=False`` leaves out the look at a number before "and"/"to"
    (rule 2), so that no number is looked at more than twice."""
    if not (len(num) == 4 and num.isdecimal() and 1000 <= int(num) <= 2099):
        return False
    s = sc.s
    k = a - 1
    while k >= 0 and s[k].isspace():
        k -= 1
    before = s[k] if k >= 0 else ""
    after = sc.next_char(b, False)
    if (
        (before and before in "#$€£¥+=×*/<>÷")
        or (after and after in "+=×*/<>÷%")
        or (before == "-" and k == a - 1 and not s[k - 1 : k].isalnum())
    ):
        return False  # "$1999", "1500 + 200", "-1999"
    label = sc.prev_token(a)
    if label and label[0].lower() in Y.number_labels and s[label[1] + len(label[0]) : a].strip(" .") == "":
        return False  # "No. 1999", "page 1200", "pp. 1200"
    prev = sc.adjacent_prev(a)
    low = prev[0].lower() if prev else ""
    prev2 = sc.adjacent_prev(prev[1]) if prev else None
    low2 = prev2[0].lower() if prev2 else ""
    # 2. a second number reads like the first ("1944 and 1945", "pages 1000 and 1200")
    if joined and low in Y.number_joiners and len(low2) == 4 and low2.isdecimal() and 1000 <= int(low2) <= 2099:
        return is_year(sc, low2, prev2[1], prev2[1] + 4, joined=False)
    # 3. year cues
    if before == "\u00a9" or low in Y.year_cues_before or _YEAR_AFTER.match(s, b):
        return True
    if prev and prev[0].capitalize() == prev[0] and low in MONTHS:
        return True  # "March 2021", "Sept 1999"
    if low == "of" and low2 in Y.year_nouns_before_of:
        return True  # "the summer of 1969"
    # 4. count cues
    if low in Y.count_cues_before or low2 in _COUNT_CUES_BEFORE_2.get(low, ()):
        return False  # "have 1500", "more than 2000"
    nxt = sc.adjacent_next(b)
    if nxt is None:
        return True
    # 5. a plural noun after the number; capitalized ones too, but not in "the 1927
    # Yankees" or in a title ("World Cup 2018 Qualifiers")
    noun = _counted_noun(sc, nxt, low != "the" and not sc.name_like(prev))
    if noun is None:
        return nxt[0] not in Y.count_words_after  # "2000 of them"; "1984 was" (6.)
    if low not in Y.time_prepositions:
        return False  # "1500 apples", "1500 Americans died"
    verb = _verb_after_noun(sc, noun[1] + len(noun[0]))
    if verb is not None:
        return verb  # "in 1987 things changed"; "in 1500 cases it failed"
    return opens_clause(sc, prev[1])  # "In 1990 voters in Ohio ..."; "found in 1500 homes"


def _counted_noun(sc, nxt: tuple[str, int], names: bool) -> tuple[str, int] | None:
    """The plural noun that the number before the token ``nxt`` may count: ``nxt`` itself
    ("1500 apples"; "1500 Americans" with ``names``), the word after one adjective ("1500 new
    jobs") or after a second number ("1500 to 2000 people"); None when there is none."""
    word = nxt[0]
    if count_noun(word, capitalized=names):
        return nxt
    nxt2 = sc.adjacent_next(nxt[1] + len(word))
    if nxt2 is None:
        return None
    if word in Y.count_adjectives and count_noun(nxt2[0], capitalized=names):
        return nxt2
    if word in ("and", "or", "to") and nxt2[0].isdecimal():
        third = sc.adjacent_next(nxt2[1] + len(nxt2[0]))
        if third and count_noun(third[0], capitalized=names):
            return third  # "between 1500 and 2000 people"
    return None


def _verb_after_noun(sc, j: int) -> bool | None:
    """After a time preposition, number and plural noun ending at j (rule 5): True when a
    verb follows the noun ("things changed", "cars will", "people slowly moved"), False
    when the noun phrase ends there (a punctuation mark, a pronoun, a determiner follows),
    None when the next word says neither."""
    nxt = sc.adjacent_next(j)
    if nxt is None:
        return False  # "it failed in 1500 cases."
    w = nxt[0].lower()
    if w in _AFTER_NOUN_PHRASE:
        return False  # "In 1500 cases it failed"
    if w in _VERBS_AFTER_SUBJECT or past_tense(w):
        return True
    if w in Y.adverbs_before_verb or w.endswith("ly"):
        nxt2 = sc.adjacent_next(nxt[1] + len(nxt[0]))
        w2 = nxt2[0].lower() if nxt2 else ""
        if w2 in _VERBS_AFTER_SUBJECT or past_tense(w2):
            return True  # "in 1987 things slowly changed"
    return None


def opens_clause(sc, i: int) -> bool:
    """True when the word at i starts a sentence or a clause: after a comma, semicolon,
    dash or bracket, or after "and", "but", "when" ... (``clause_links``)."""
    if sc.sentence_initial(i):
        return True
    k = i - 1
    while k >= 0 and sc.s[k].isspace():
        k -= 1
    if k >= 0 and sc.s[k] in ",;\u2014(":
        return True
    prev = sc.adjacent_prev(i)
    return prev is not None and prev[0].lower() in Y.clause_links
