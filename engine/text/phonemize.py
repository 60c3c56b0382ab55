"""Spoken words -> ARPAbet phones.

``phonemize(words, lexicon, user_dict=None)`` returns one ``WordPhones(word, phones)`` (a
2-tuple) per word. The pronunciation of each word is found in this order:

1. the user dictionary (ARPAbet, or a respelling phonemized through the lexicon);
2. a spelled letter (``Word.letter``): the letter's name;
3. a homograph rule on the neighbouring words of its sentence (``homographs.py``);
4. ``the``: "thee" before a vowel sound, else "thuh";
5. the lexicon's first (most common) pronunciation;
6. the out-of-vocabulary G2P (``FallbackG2P`` unless another ``G2P`` is given).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from . import homographs
from .g2p import G2P, FallbackG2P, letter_phones
from .lexicon import Lexicon
from .normalize import Word, normalize
from .phones import is_vowel
from .user_dict import UserDict

__all__ = ["WordPhones", "phonemize", "word_phones", "SENTENCE_END"]

SENTENCE_END = frozenset(".?!…")


class WordPhones(NamedTuple):
    word: Word
    phones: list[str]


def _respelling_phones(text: str, lexicon: Lexicon, g2p: G2P) -> list[str]:
    out: list[str] = []
    for w in normalize(text):
        out += letter_phones(w.text) if w.letter else word_phones(w.text, lexicon, g2p)
    return out


def word_phones(text: str, lexicon: Lexicon, g2p: G2P | None = None) -> list[str]:
    """One word without context: the lexicon's first pronunciation, else the G2P."""
    p = lexicon.first(text)
    if p:
        return list(p)
    return list((g2p or FallbackG2P(lexicon)).phonemes(text))


def phonemize(
    words: Sequence[Word], lexicon: Lexicon, user_dict: UserDict | None = None, g2p: G2P | None = None
) -> list[WordPhones]:
    """Phones for each word (see the module docstring for the order of sources)."""
    g2p = g2p or FallbackG2P(lexicon)
    texts = [w.text for w in words]
    # sentence bounds for homograph context
    bounds: list[tuple[int, int]] = []
    start = 0
    for k, w in enumerate(words):
        if w.punct_after in SENTENCE_END:
            bounds.append((start, k + 1))
            start = k + 1
    if start < len(words):
        bounds.append((start, len(words)))

    phones: list[list[str] | None] = [None] * len(words)
    pending_the: list[int] = []
    for a, b in bounds:
        sentence = texts[a:b]
        for k in range(a, b):
            w = words[k]
            entry = user_dict.get(w.text) if user_dict is not None and not w.letter else None
            if entry is not None:
                if entry.phones is not None:
                    phones[k] = list(entry.phones)
                else:
                    assert entry.respelling is not None  # an entry has phones or a respelling
                    phones[k] = _respelling_phones(entry.respelling, lexicon, g2p)
                continue
            if w.letter:
                phones[k] = letter_phones(w.text) or list(g2p.phonemes(w.text))
                continue
            if w.text == "the":
                pending_the.append(k)
                continue
            h = homographs.resolve(sentence, k - a)
            if h is not None:
                phones[k] = list(h)
                continue
            p = lexicon.first(w.text)
            phones[k] = list(p) if p else list(g2p.phonemes(w.text))
    for k in pending_the:
        nxt = phones[k + 1] if k + 1 < len(words) and words[k].punct_after == "" else None
        phones[k] = ["DH", "IY0"] if nxt and is_vowel(nxt[0]) else ["DH", "AH0"]
    return [WordPhones(w, p or []) for w, p in zip(words, phones)]
