"""Abbreviations and titles: "Dr.", "St." (saint, street or drive by context), "Mr Smith",
"No. 5", "Jan. 5", "etc.", dotted forms ("e.g.", "a.m.", "U.S.A."), and words with a fixed
reading ("OK", "JPEG")."""

from __future__ import annotations

from .data import ABBR_ONLY_BEFORE_NUMBER, ABBREVIATIONS, DOTTED, SPECIAL_WORDS, WORDS


def read_special_word(sc, m):
    """A word with a fixed reading (``special_words.tsv``)."""
    sc.add(SPECIAL_WORDS[m.group(0)], m.start(), m.end())
    return m.end()


def read_dotted(sc, m):
    text = m.group(0)
    a, b = m.start(), m.end()
    low = text.lower()
    if low in DOTTED:
        words = DOTTED[low]
        if low in ("a.m.", "p.m."):
            sc.spell(words.replace(" ", ""), a, b)
        else:
            sc.add(words, a, b)
        if low in ("a.m.", "p.m.", "et al."):
            sc.end_period(b)
        return b
    # "U.S.A." -> spelled letters; the last period may end the sentence, unless the capitalized
    # word after it is one an initialism usually qualifies ("the U.S. Army", "a U.K. Government")
    sc.spell(text.replace(".", ""), a, b)
    nxt = sc.adjacent_next(b)
    if not (nxt and nxt[0] in WORDS.after_initialisms):
        sc.end_period(b)
    return b


def abbreviation(sc, w, a, b, prev, nxt, period=True):
    """The word ``w`` at ``[a, b)`` as an abbreviation (followed by a period when ``period``);
    returns where reading goes on, or None when it is no abbreviation here."""
    end = b + 1 if period else b
    nxt_cap = bool(nxt and nxt[0][:1].isupper() and sc.gap(end, nxt[1]))
    nxt_num = bool(nxt and nxt[0][:1].isdecimal() and sc.gap(end, nxt[1]))
    if w in ("St", "Dr"):
        if sc.name_like(prev) and not (w == "Dr" and nxt_cap and not period):
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
        if w in ABBR_ONLY_BEFORE_NUMBER and not nxt_num:
            return None
        spoken, can_end = ABBREVIATIONS[w]
    else:
        return None
    sc.add(spoken, a, end)
    if period and can_end:
        sc.end_period(end)
    return end
