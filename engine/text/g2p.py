"""Pronunciations for words the lexicon does not know (out-of-vocabulary words).

The model's small ternary neural G2P (``neural_g2p.py``) implements the ``G2P`` protocol below
when the model file holds one. For a file without it, ``FallbackG2P`` gives a deterministic
answer, in this order:

1. possessive/plural ``'s`` on a known word (``zorro's`` -> ``zorro`` + ``Z``), or a regular
   inflection of one (``inflection.py``: ``grumpiest`` -> ``grumpy`` + AH0 S T);
2. a split into known dictionary sub-words (at most 3 parts of 3+ letters each, fewest parts
   first, then the longest first part): ``keyboardwise`` -> ``keyboard`` + ``wise``;
3. letter-to-sound rules (English spelling patterns, written for this module);
4. spelling the letters, for strings with no vowel letter (``xkcd``).

It is a fallback: expect errors on unusual words, and use the user dictionary to fix them.
"""

from __future__ import annotations

import re
from typing import Protocol, runtime_checkable

from .inflection import SIBILANTS, VOICELESS, add_s, inflected_phones
from .lexicon import Lexicon, normalize_key
from .phones import is_vowel

__all__ = [
    "G2P",
    "FallbackG2P",
    "LETTER_NAMES",
    "letter_phones",
    "letter_to_sound",
    "known_word_phones",
    "spelled_phones",
]


@runtime_checkable
class G2P(Protocol):
    """Anything that turns one lowercase word into ARPAbet phones with stress digits."""

    def phonemes(self, word: str) -> list[str]: ...


# fmt: off
LETTER_NAMES: dict[str, tuple[str, ...]] = {
    "a": ("EY1",), "b": ("B", "IY1"), "c": ("S", "IY1"), "d": ("D", "IY1"), "e": ("IY1",),
    "f": ("EH1", "F"), "g": ("JH", "IY1"), "h": ("EY1", "CH"), "i": ("AY1",),
    "j": ("JH", "EY1"), "k": ("K", "EY1"), "l": ("EH1", "L"), "m": ("EH1", "M"),
    "n": ("EH1", "N"), "o": ("OW1",), "p": ("P", "IY1"), "q": ("K", "Y", "UW1"),
    "r": ("AA1", "R"), "s": ("EH1", "S"), "t": ("T", "IY1"), "u": ("Y", "UW1"),
    "v": ("V", "IY1"), "w": ("D", "AH1", "B", "AH0", "L", "Y", "UW0"), "x": ("EH1", "K", "S"),
    "y": ("W", "AY1"), "z": ("Z", "IY1"),
}
# fmt: on


def letter_phones(text: str) -> list[str]:
    """Phones of a spelled letter word: ``"f"`` -> EH1 F; ``"d's"``/``"ds"`` -> D IY1 Z."""
    t = text.lower()
    base = LETTER_NAMES.get(t[:1])
    if base is None:
        return []
    if t[1:] in ("'s", "s"):
        return add_s(base)
    return list(base)


# ----------------------------------------------------------------------------------------------
# Letter-to-sound rules

_LONG = {"a": "EY", "e": "IY", "i": "AY", "o": "OW", "u": "UW", "y": "AY"}
_SHORT = {"a": "AE", "e": "EH", "i": "IH", "o": "AA", "u": "AH", "y": "IH"}
_V = "aeiouy"

# (pattern, phones, condition) tried in order at each position; phones "" = silent.
# Vowel phones are written without stress; stress is assigned afterwards.
# fmt: off
_RULES: list[tuple[str, str]] = [
    ("tion", "SH AH N"), ("sion", "ZH AH N"), ("cious", "SH AH S"), ("tious", "SH AH S"),
    ("ture", "CH ER"), ("eigh", "EY"), ("ough", "OW"), ("augh", "AO"), ("tch", "CH"),
    ("dge", "JH"), ("igh", "AY"), ("sch", "S K"), ("que", "K"),
    ("ph", "F"), ("sh", "SH"), ("ch", "CH"), ("th", "TH"), ("ck", "K"), ("ng", "NG"),
    ("qu", "K W"), ("wh", "W"), ("gh", "G"),
    ("ee", "IY"), ("ea", "IY"), ("oo", "UW"), ("ou", "AW"), ("oi", "OY"), ("oy", "OY"),
    ("ai", "EY"), ("ay", "EY"), ("au", "AO"), ("aw", "AO"), ("ew", "UW"), ("ei", "EY"),
    ("ey", "EY"), ("ue", "UW"), ("oa", "OW"), ("ie", "IY"),
    ("ar", "AA R"), ("er", "ER"), ("ir", "ER"), ("ur", "ER"), ("or", "AO R"), ("yr", "ER"),
    ("x", "K S"), ("j", "JH"), ("q", "K"), ("w", "W"), ("b", "B"), ("d", "D"), ("f", "F"),
    ("h", "HH"), ("k", "K"), ("l", "L"), ("m", "M"), ("n", "N"), ("p", "P"), ("r", "R"),
    ("s", "S"), ("t", "T"), ("v", "V"), ("z", "Z"),
]
# fmt: on


def letter_to_sound(word: str) -> list[str]:
    """English spelling rules -> ARPAbet with stress (primary on the first vowel)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return []
    # silent initial letters
    if w[:2] in ("kn", "gn", "wr", "ps", "pn") and len(w) > 2:
        w = w[1:]
    if w.endswith("mb"):
        w = w[:-1]
    out: list[str] = []
    i, n = 0, len(w)
    while i < n:
        c = w[i]
        rest = w[i:]
        # a doubled consonant is one sound
        if c not in _V and i + 1 < n and w[i + 1] == c and c not in "c":
            i += 1
            continue
        # final silent e (but not when it is the only vowel: "he", "the")
        if c == "e" and i == n - 1 and any(ch in _V for ch in w[:-1]):
            break
        if c == "e" and rest == "es" and i > 1 and any(ch in _V for ch in w[:i]):
            # "-es": IH Z after a hissing sound ("attaches", "boxes"), else Z ("cakes" -> S)
            if out and out[-1] in SIBILANTS:
                out += ["IH", "Z"]
            else:
                out.append("S" if out and out[-1] in VOICELESS else "Z")
            break
        # "-le"/"-les" after a consonant: syllabic L ("cackle", "boodles")
        if rest in ("le", "les") and i > 1 and w[i - 1] not in _V:
            out += ["AH", "L"] + (["Z"] if rest == "les" else [])
            break
        if rest == "ey" and i > 1:
            out.append("IY")
            break
        if rest.startswith("nk") or rest.startswith("nc") and i + 2 < n and w[i + 2] not in "eiy":
            out += ["NG", "K"]
            i += 2
            continue
        if rest.startswith("th") and i > 0 and (rest.startswith(("ther", "thing")) or rest == "the"):
            out.append("DH")
            i += 2
            continue
        if rest == "ed" and i > 1 and any(ch in _V for ch in w[:i]):
            out += ["IH", "D"] if w[i - 1] in "td" else ["D"]
            break
        if c == "c" and not rest.startswith(("ch", "ck")):
            out.append("S" if i + 1 < n and w[i + 1] in "eiy" else "K")
            i += 2 if i + 1 < n and w[i + 1] == "c" and not (i + 2 < n and w[i + 2] in "eiy") else 1
            continue
        if c == "g" and not rest.startswith("gh"):
            out.append("JH" if i + 1 < n and w[i + 1] in "eiy" and i > 0 else "G")
            i += 1
            continue
        if c == "y":
            if i == 0:
                out.append("Y")
            elif i == n - 1:
                out.append("AY" if not any(ch in "aeiou" for ch in w[:-1]) else "IY")
            else:
                out.append("IH")
            i += 1
            continue
        if c == "s" and i == n - 1 and i > 0 and w[i - 1] not in "su" and out and out[-1] not in VOICELESS:
            out.append("Z")
            i += 1
            continue
        for pat, ph in _RULES:
            if rest.startswith(pat):
                out += ph.split()
                i += len(pat)
                break
        else:
            if c in _V:
                # magic e: vowel + one consonant + final e -> long vowel
                if re.fullmatch(r"[^aeiouy]e", w[i + 1 : i + 3]) and i + 3 == n:
                    out.append(_LONG[c])
                elif i == n - 1 and c in "aiou":
                    out.append({"a": "AH", "i": "IY", "o": "OW", "u": "UW"}[c])
                elif c == "e" and i == n - 1:
                    out.append("IY")
                else:
                    out.append(_SHORT[c])
            i += 1
    skip = 0
    if w.startswith(_UNSTRESSED_PREFIXES) and len(re.findall(r"[aeiouy]+", w)) >= 3:
        skip = 1
    return _stress(out, skip)


# Unstressed prefixes: a word of 3+ vowel groups that starts with one is stressed on its second.
# fmt: off
_UNSTRESSED_PREFIXES = ("con", "com", "col", "cor", "be", "de", "re", "pre", "ac", "ad", "af",
                        "ap", "as", "at", "ab", "ob", "op", "ex", "em", "en", "im", "in", "per",
                        "pro", "sub", "sus", "tra")
# fmt: on


def _stress(phones: list[str], skip: int = 0) -> list[str]:
    """Primary stress on the first vowel (after ``skip`` vowels), the others unstressed
    (AE/AA/AH/EH reduced to AH0)."""
    out = []
    seen = False
    vowels = sum(1 for p in phones if is_vowel(p))
    if skip >= vowels:
        skip = 0
    for p in phones:
        if is_vowel(p):
            if not seen and skip:
                skip -= 1
                out.append("AH0" if p in ("AE", "AA", "AH", "EH") else p + "0")
            elif not seen:
                out.append(p + "1")
                seen = True
            elif p in ("AE", "AA", "AH", "EH"):
                out.append("AH0")
            else:
                out.append(p + "0")
        else:
            out.append(p)
    return out


def known_word_phones(word: str, lexicon: Lexicon) -> list[str] | None:
    """A lexicon word, a possessive/plural ``'s`` (``s'``) on one, or a regular inflection of
    one (``inflection.py``: grumpiest, blogged); else None.

    ``word`` is a lookup key (``normalize_key``) with the outer apostrophes stripped."""
    p = lexicon.first(word)
    if p:
        return list(p)
    if word.endswith("'s") or word.endswith("s'"):
        base = lexicon.first(word[:-2]) or lexicon.first(word[:-1])
        if base:
            return add_s(base)
        inflected = inflected_phones(word[:-2], lexicon) if word.endswith("'s") else None
        if inflected:
            return add_s(inflected)
    return inflected_phones(word, lexicon)


def spelled_phones(letters: str) -> list[str] | None:
    """The letter names of a string of a-z letters with no vowel letter (``xkcd``) or of a
    single letter; else None (a word to read)."""
    if not re.search("[aeiouy]", letters) or len(letters) == 1:
        return [p for c in letters for p in letter_phones(c)]
    return None


def _demote(phones: tuple[str, ...] | list[str]) -> list[str]:
    return [p[:-1] + "2" if p.endswith("1") else p for p in phones]


class FallbackG2P:
    """The deterministic stand-in for the neural G2P (see the module docstring)."""

    MIN_PART = 3
    MAX_PARTS = 3
    MAX_PART = 40  # letters of one sub-word (no dictionary word is longer): keeps ``split`` linear

    def __init__(self, lexicon: Lexicon | None = None):
        self.lexicon = lexicon

    def phonemes(self, word: str) -> list[str]:
        w = normalize_key(word).strip("'")
        if not w:
            return []
        lex = self.lexicon
        if lex is not None:
            known = known_word_phones(w, lex)
            if known is not None:
                return known
            parts = self.split(w)
            if parts:
                out: list[str] = []
                for k, part in enumerate(parts):
                    ph = list(lex.first(part) or ())
                    out += ph if k == 0 else _demote(ph)
                return out
        letters = re.sub(r"[^a-z]", "", w)
        if not letters:
            return []
        spelled = spelled_phones(letters)
        if spelled is not None:
            return spelled
        return letter_to_sound(letters)

    def split(self, w: str) -> list[str] | None:
        """Fewest known sub-words (3+ letters each, at most MAX_PARTS) that make up ``w``."""
        lex = self.lexicon
        if lex is None or not 2 * self.MIN_PART <= len(w) <= self.MAX_PARTS * self.MAX_PART:
            return None
        n = len(w)
        best: list[list[str] | None] = [None] * (n + 1)
        best[0] = []
        for end in range(self.MIN_PART, n + 1):
            cand: list[str] | None = None
            for start in range(max(0, end - self.MAX_PART), end - self.MIN_PART + 1):
                prev = best[start]
                if prev is None or len(prev) >= self.MAX_PARTS:
                    continue
                piece = w[start:end]
                if piece in lex:
                    trial = prev + [piece]
                    if cand is None or (len(trial), -len(trial[0])) < (len(cand), -len(cand[0])):
                        cand = trial
            best[end] = cand
        result = best[n]
        if result is None or len(result) < 2:
            return None
        return result
