"""Regular inflections of lexicon words, for words the lexicon lacks (``grumpiest`` -> grumpy + est).

English spelling marks most inflections plainly, and their sounds follow from the stem's: a word
that is a known stem plus one of the endings below is read as the stem's first pronunciation
plus the ending's phones. Spelling changes at the join are undone in this order:

1. ``y`` -> ``i`` (happ**i**est, carr**i**ed, quer**i**es -> happy, carry, query);
2. a doubled consonant (wa**gg**ed, ru**nn**ing -> wag, run), not l, s or z;
3. a dropped silent ``e`` (hop**ed** -> hope when the stem ends in one vowel and one consonant,
   or when the stem without ``e`` is unknown), only where the stem's ``e`` is silent (its
   pronunciation ends in a consonant: ``wante`` is not the stem of ``wanting``);
4. the plain stem (3 letters at least).

Endings and their phones: -ing IH0 NG; -ed T/D/IH0 D (by the stem's last phone); -est AH0 S T;
-ness N AH0 S; -ly L IY0 (happily ends AH0 L IY0, ideally L IY0); -ment M AH0 N T; -ful F AH0 L;
-less L AH0 S; -s and -es as the plural (``add_s``; -es only after s, x, z, ch, sh, o or y, and
never for a word ending in ss). A stem's syllabic ``-le`` loses its vowel before a vowel
ending (buckle -> buckling B AH1 K L IH0 NG).

Measured on the G2P's 3,794 held-out dictionary words (``python -m training.g2p.evaluate
--engine``, lexicon without them): this applies to 791 of them and gets 707 right; the
network alone gets 658 of those 791 right. Not included, because they measured worse than the
network: agent/comparative -er (names such as shimer, rader), and splitting a word into known
sub-words (84% wrong on the words it splits).
"""

from __future__ import annotations

from collections.abc import Callable

from .lexicon import Lexicon
from .phones import is_vowel

__all__ = ["SIBILANTS", "VOICELESS", "add_ed", "add_s", "inflected_phones"]

SIBILANTS = frozenset({"S", "Z", "SH", "ZH", "CH", "JH"})
VOICELESS = frozenset({"P", "T", "K", "F", "TH", "S", "SH", "CH"})  # consonants; the -s and -ed endings follow them
_VOWEL_LETTERS = frozenset("aeiou")
MIN_STEM = 3  # letters


def add_s(phones: list[str] | tuple[str, ...]) -> list[str]:
    """Phones + the English -s/'s ending (IH0 Z after a sibilant, S after voiceless, else Z)."""
    phones = list(phones)
    last = phones[-1] if phones else ""
    if last in SIBILANTS:
        return phones + ["IH0", "Z"]
    if last in VOICELESS:
        return phones + ["S"]
    return phones + ["Z"]


def add_ed(phones: list[str] | tuple[str, ...]) -> list[str]:
    """Phones + the past tense -ed (IH0 D after T or D, T after voiceless, else D)."""
    phones = list(phones)
    last = phones[-1] if phones else ""
    if last in ("T", "D"):
        return phones + ["IH0", "D"]
    if last in VOICELESS:
        return phones + ["T"]
    return phones + ["D"]


def _suffix(phones: tuple[str, ...]) -> Callable[[list[str]], list[str]]:
    return lambda stem: stem + list(phones)


# Longest-first where one ending ends another (-es before -s, -less before -s).
_ENDINGS: tuple[tuple[str, Callable[[list[str]], list[str]]], ...] = (
    ("ing", _suffix(("IH0", "NG"))),
    ("ed", add_ed),
    ("est", _suffix(("AH0", "S", "T"))),
    ("ness", _suffix(("N", "AH0", "S"))),
    ("ly", _suffix(("L", "IY0"))),
    ("ment", _suffix(("M", "AH0", "N", "T"))),
    ("ful", _suffix(("F", "AH0", "L"))),
    ("less", _suffix(("L", "AH0", "S"))),
    ("es", add_s),
    ("s", add_s),
)


def _one_vowel_one_consonant(stem: str) -> bool:
    """hop, wag (a final e was likely dropped: hoped); not want, sing, stay."""
    return (
        len(stem) >= 2
        and stem[-1] not in _VOWEL_LETTERS
        and stem[-1] not in "wxy"
        and stem[-2] in _VOWEL_LETTERS
        and (len(stem) < 3 or stem[-3] not in _VOWEL_LETTERS)
    )


def _stem(base: str, ending: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """(the known stem, how it joins: "y", "double", "e" or "plain") of base + ending, or None."""
    vowel_ending = ending[0] in _VOWEL_LETTERS
    if ending != "s" and base.endswith("i") and base[:-1] + "y" in lexicon:
        return base[:-1] + "y", "y"
    if (
        vowel_ending
        and len(base) >= 4
        and base[-1] == base[-2]
        and base[-1] not in _VOWEL_LETTERS
        and base[-1] not in "lsz"
        and base[:-1] in lexicon
    ):
        return base[:-1], "double"
    if vowel_ending and base + "e" in lexicon and (_one_vowel_one_consonant(base) or base not in lexicon):
        return base + "e", "e"
    if base in lexicon:
        return base, "plain"
    return None


def inflected_phones(word: str, lexicon: Lexicon) -> list[str] | None:
    """Phones of ``word`` (a lowercase lookup key) as a regular inflection of a lexicon word
    (see the module docstring), or None when it is not one."""
    for ending, add in _ENDINGS:
        if not word.endswith(ending):
            continue
        base = word[: -len(ending)]
        if len(base) < MIN_STEM or (ending in ("s", "es") and word.endswith("ss")):
            continue
        found = _stem(base, ending, lexicon)
        if found is None:
            continue
        stem, join = found
        phones = list(lexicon.first(stem) or ())
        if not phones or (join == "e" and is_vowel(phones[-1])):
            continue
        if ending == "es" and not (stem.endswith(("s", "x", "z", "ch", "sh", "o")) or join == "y"):
            continue
        if ending == "ly":
            if join == "y" and phones[-1] == "IY0":
                phones[-1] = "AH0"  # happy -> happily
            elif phones[-1] == "L":
                return phones + ["IY0"]  # ideal -> ideally
        if ending in ("ing", "est") and join == "e" and stem.endswith("le") and phones[-2:] == ["AH0", "L"]:
            phones = phones[:-2] + ["L"]  # buckle -> buckling
        return add(phones)
    return None
