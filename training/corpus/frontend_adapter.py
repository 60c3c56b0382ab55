"""The one place where the corpus pipeline meets the text front end (`bittts.engine.text`).

Teachers are fed OUR normalized text (spoken words), and the aligner and the features use OUR
phone sequences, so that the model trains on exactly the symbols the front end gives at run
time. The stages used are the front end's own public ones:

    normalize(text) -> Words ; phonemize(words, lexicon) -> phones ; encode_phones(...) -> ids

with the lexicon built from the same entries the exporter packs (CMUdict + the front end's
supplement). Sentences in which a word would need the out-of-vocabulary G2P are not used: the
G2P is a fallback and a teacher would often say such a word differently from what we align.

Everything downstream calls only:

    utterance(text) -> Utterance | None   spoken text for the teachers, words, their phones,
                                          the model's symbol sequence
    lexicon_first(word)                   for coverage statistics
    FRONTEND_NAME, FRONTEND_VERSION       stored with the audio, alignments and features
    SYMBOLS, PHONE_TO_ID, ARPABET         the model's input vocabulary

The symbol sequence is `encode_phones`' (with <bos>/<eos>):
    <bos> w1-phones <wb> w2-phones [punct] w3-phones ... wN-phones [final punct] <eos>
In the durations, <bos> and <eos> carry the leading and trailing silence, and a <wb> or
punctuation token carries the pause between its two words (often 0 frames).
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_text = importlib.import_module("bittts.engine.text")
_lexicon_mod = importlib.import_module("bittts.engine.text.lexicon")
_normalize_mod = importlib.import_module("bittts.engine.text.normalize")
_phonemize_mod = importlib.import_module("bittts.engine.text.phonemize")
_frontend_mod = importlib.import_module("bittts.engine.text.frontend")
_phones = importlib.import_module("bittts.engine.text.phones")

FRONTEND_NAME = "bittts.engine.text"
# Changes whenever the front end's code changes; stored with every generated utterance.
# (A package, like normalize, counts with all its .py and .tsv files, in sorted order.)
FRONTEND_VERSION = hashlib.sha1(
    b"".join(
        path.read_bytes()
        for m in ("normalize", "phonemize", "homographs", "lexicon", "g2p", "inflection", "frontend", "phones")
        for file in [Path(importlib.import_module(f"bittts.engine.text.{m}").__file__)]
        for path in (
            sorted(p for p in file.parent.iterdir() if p.suffix in (".py", ".tsv"))
            if file.name == "__init__.py"
            else [file]
        )
    )
).hexdigest()[:12]

SYMBOLS = _phones.SYMBOLS
PHONE_TO_ID = _phones.PHONE_TO_ID
ARPABET = _phones.ARPABET
BOS, EOS = _phones.BOS, _phones.EOS

# How the teachers are shown a prosody mark (they do not all read "…" or "—").
_TEACHER_PUNCT = {",": ",", ".": ".", "?": "?", "!": "!", ";": ";", ":": ":", "\u2026": "...", "\u2014": ","}


@lru_cache(maxsize=1)
def lexicon():
    """The project's Lexicon over the exporter's entries (built once per process, ~2 s)."""
    return _lexicon_mod.Lexicon.from_entries(_lexicon_mod.cmudict_entries(supplement=True))


def lexicon_first(word: str):
    return lexicon().first(word)


@dataclass(frozen=True)
class Utterance:
    text: str  # the written sentence
    spoken: str  # what the teachers are given
    words: tuple[str, ...]  # spoken words
    word_phones: tuple[tuple[str, ...], ...]
    symbols: tuple[str, ...]  # the model's input sequence (encode_phones)
    symbol_word: tuple[int, ...]  # word index of each symbol, -1 for <bos>/<eos>/pauses


def _teacher_word(w) -> str:
    # spelled letters in capitals ("F B I", "A M"): the engines then say the letter's name
    return w.text.upper() if w.letter else w.text


def utterance(text: str) -> Utterance | None:
    """The utterance as the front end sees it; None if it has no words or needs the OOV G2P."""
    words = _normalize_mod.normalize(text)
    if not words:
        return None
    lex = lexicon()
    for w in words:
        if not w.letter and w.text not in lex:
            return None
    ph = _phonemize_mod.phonemize(words, lex)
    if any(not p.phones for p in ph):
        return None
    seq = _frontend_mod.encode_phones(ph)
    if _phones.UNK in seq.symbols:
        return None
    spoken_parts = []
    for w in words:
        s = _teacher_word(w)
        if w.punct_after:
            s += _TEACHER_PUNCT.get(w.punct_after, ",")
        spoken_parts.append(s)
    return Utterance(
        text,
        " ".join(spoken_parts),
        tuple(w.text for w in words),
        tuple(tuple(p.phones) for p in ph),
        seq.symbols,
        seq.word_index,
    )
