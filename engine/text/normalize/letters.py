"""Words, acronyms and letters: plain words, all-caps acronyms (read as a word or spelled,
"NASA", "FBI", shouted text), single letters and initials ("K. A. Smith", "plan B"), letters
mixed with digits ("MP3s", "B2B"), and the user dictionary's words (kept as written)."""

from __future__ import annotations

import bisect
import re

from .abbreviations import abbreviation
from .data import ABBREVIATIONS, SPECIAL_WORDS, WORDS
from .numwords import number_words, plural_last
from .roman import ROMAN_RE, read_roman

# the letter groups that may begin and end an English word, the empty group too
_ONSETS = WORDS.onsets | {""}
_CODAS = WORDS.codas | {""}


def read_kept_word(sc, m):
    """A user-dictionary word: one word, as written."""
    if m.group(0).lower() in sc.keep:
        sc.add(m.group(0), m.start(), m.end())
        return m.end()
    return None


def read_alnum(sc, m):
    """Letters and digits mixed ("MP3", "B2B", "4K", "MP3s"): letters spelled unless they
    can be read as a word, digit runs as numbers."""
    a, b = m.start(), m.end()
    prev_digits = False
    for part in re.findall(r"[A-Za-z]+|\d+", m.group(0)):
        if part == "s" and prev_digits:  # "MP3s" -> "m p threes"
            sc.out[-1][0] = plural_last(sc.out[-1][0])
            continue
        prev_digits = part.isdecimal()
        if part.isdecimal():
            sc.add(number_words(part), a, b)
        elif part.lower() in ("st", "nd", "rd", "th"):
            continue
        elif len(part) == 1 or part.isupper() or not pronounceable(part.upper()):
            sc.spell(part, a, b)
        else:
            sc.add(part, a, b)
    return b


def read_alnum_word(sc, m):
    """``read_alnum`` for a token that starts with a letter, unless an apostrophe follows."""
    if m.end() < sc.n and sc.s[m.end()] == "'":
        return None
    return read_alnum(sc, m)


def read_word(sc, m):
    """A word: abbreviation, title, "x" between numbers, Roman numeral, acronym, letter, or a
    plain word, tried in that order."""
    s = sc.s
    a, b = m.start(), m.end()
    w = m.group(0)
    has_period = b < sc.n and s[b] == "."
    nxt = sc.next_token(b + 1 if has_period else b)
    prev = sc.prev_token(a)

    if w in SPECIAL_WORDS:
        sc.add(SPECIAL_WORDS[w], a, b)
        return b

    # abbreviations with a period
    if has_period:
        j = abbreviation(sc, w, a, b, prev, nxt)
        if j is not None:
            return j
    elif w in WORDS.titles_without_period and nxt and nxt[0][:1].isupper() and sc.gap(b, nxt[1]):
        j = abbreviation(sc, w, a, b, prev, nxt, period=False)
        if j is not None:
            return j
    if w in ("vs", "etc") and not has_period:
        sc.add(ABBREVIATIONS[w][0], a, b)
        return b

    # "x" between numbers
    if w in ("x", "X") and prev and prev[0][-1:].isdecimal() and nxt and nxt[0][:1].isdecimal():
        sc.add("times", a, b)
        return b

    # Roman numerals
    if ROMAN_RE.match(w):
        j = read_roman(sc, w, a, b, prev)
        if j is not None:
            return j

    # all-caps acronyms (optionally with a plural/possessive ending)
    am = re.fullmatch(r"([A-Z]{2,})('?s)?", w)
    if am:
        _acronym(sc, am.group(1), am.group(2) or "", a, b)
        return b

    # single letters: "K. A. Smith", "plan B", "Q: ..." are letters; "a" and "I" are words
    if len(w) == 1:
        if w == "I" or (w in "aA" and not (has_period or sc.next_char(b, False) in ":)")):
            sc.add(w.lower(), a, b)
            return b
        sc.spell(w, a, b)
        if (
            has_period
            and w.isupper()
            and nxt
            and nxt[0][:1].isupper()
            and (nxt[0] not in WORDS.sentence_starters or len(nxt[0]) == 1 and nxt[0] != "I")
            and sc.gap(b + 1, nxt[1])
        ):
            return b + 1  # an initial: its period ends nothing
        return b

    sc.add(w.lower(), a, b)
    return b


def _acronym(sc, core: str, suffix: str, a: int, b: int) -> None:
    """An all-caps word ``core`` (with ``suffix`` "s"/"'s") read as a word or spelled."""
    if core in WORDS.pronounceable_acronyms:
        as_word = True
    elif core in WORDS.spelled_acronyms:
        as_word = False
    elif shouting(sc, a, min_run=2) and (
        core in WORDS.common_short_words
        or (len(core) >= 4 and re.search("[AEIOUY]", core))
        or (re.fullmatch("[^AEIOU][AEIOU][^AEIOUY]", core) and shouting(sc, a))
    ):
        # shouted text: "I WANT TO GO HOME", "NEW YORK", "HOG CALLERS" (CVC words)
        as_word = True
    elif core in WORDS.common_short_words and core not in ("IT", "AS", "OR", "ME", "IN"):
        as_word = True  # "NO!!", "a good BOY"
    else:
        # long all-caps words with two vowel groups are emphasis, not acronyms
        as_word = pronounceable(core) or (len(core) >= 5 and len(re.findall("[AEIOU]+", core)) >= 2)
    if as_word:
        sc.add(core.lower() + suffix, a, b)
    else:
        sc.spell(core[:-1], a, b)
        sc.out.append([core[-1].lower() + ("'s" if suffix else ""), a, b, "", True])


def shouting(sc, a: int, min_run: int = 3) -> bool:
    """True inside a run of ``min_run``+ all-caps words (shouted text is read as words)."""
    sc.tokens_past(a)
    k = bisect.bisect_left(sc.tok_starts, a)

    def caps(idx: int) -> bool | None:
        span = sc.token(idx) if idx >= 0 else None
        if span is None:
            return False
        t = sc.s[span[0] : span[1]]
        if t in ("I", "A"):
            return None  # neutral
        t = t.replace("'", "")
        return len(t) >= 2 and t.isalpha() and t.isupper() and t not in WORDS.spelled_acronyms

    def run(direction: int) -> int:
        count, idx = 0, k + direction
        while True:
            lo, hi = sorted((idx, idx - direction))
            if (
                0 <= lo
                and sc.token(hi) is not None
                and any(ch in '.!?()[]{}"' for ch in sc.s[sc.tokens[lo][1] : sc.tokens[hi][0]])
            ):
                return count  # a run stops at a sentence end, a bracket or a quote
            c = caps(idx)
            if c is False:
                return count
            if c:
                count += 1
            idx += direction

    if sc.token(k) is None:
        return False
    return 1 + run(-1) + run(1) >= min_run


def pronounceable(w: str) -> bool:
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
    if onset not in _ONSETS or coda not in _CODAS:
        return False
    inner = groups[1:-1] if groups else []
    return all(len(g) <= 3 for g in inner if g[0] not in "AEIOU")
