"""The neural G2P: a small ternary network that gives phones to out-of-vocabulary words.

The network (trained by ``training/g2p``, stored under ``g2p.`` in the packed model file, see
docs/model-format.md) reads the letters of one word and writes ARPAbet phones with stress:

    letters  <w> c a t s </w>                       ids from ``g2p.letters``
    embedding, then ternary residual conv blocks     at one frame per letter
    each frame repeated ``upsample`` times, plus a learned slot embedding
    ternary residual conv blocks                     at ``upsample`` frames per letter
    layer norm, linear output                        logits over ``<blank>`` + 69 phones
    CTC decoding, one of:
      beam search (``ctc_beam_decode``)              when the file has ``g2p.decoder.*``: hypotheses
                                                     scored by the network plus a phone n-gram model
                                                     of the lexicon (``phone_lm.py``); the best with
                                                     one primary stress wins
      greedy (``ctc_decode``)                        best class per frame, repeats merged, blanks
                                                     dropped, one primary stress mended from the logits

It is non-autoregressive: one pass of ten small convolutions (the engine's ternary kernels),
about half a millisecond a word (``bench/g2p.py``), plus the beam search's few milliseconds.
``G2PNetwork`` is the network alone (letters -> logits -> phones); ``NeuralG2P`` is the ``G2P``
the front end calls: the lexicon and a known word with a possessive ``'s`` first, a vowel-less
string or a single letter spelled, the network for the rest. ``g2p_for_model`` picks it, or
``FallbackG2P`` for a model file without a G2P.

Nothing here raises on odd input: letters are lowercased with accents removed, a few letters
without a decomposition are written out (``æ`` -> ``ae``, ``ß`` -> ``ss``), any other letter
becomes ``<unk>``, other characters (digits, symbols) are dropped, and only the first
``MAX_LETTERS`` letters are read.
"""

from __future__ import annotations

import functools
import math
import threading
from dataclasses import dataclass

import numpy as np

from bittts.engine import tensor_names as names
from bittts.engine.layers import LayerNorm, LayerReader
from bittts.engine.model_check import check_g2p_model
from bittts.engine.model_format import ModelFile, ModelFormatError

from .g2p import G2P, FallbackG2P, known_word_phones, spelled_phones
from .lexicon import Lexicon, normalize_key
from .phone_lm import BOUNDARY, PhoneNgram
from .phones import ARPABET, ARPABET_SET, VOWELS

__all__ = [
    "G2P_LETTERS",
    "G2P_OUTPUTS",
    "BLANK",
    "UNKNOWN_LETTER",
    "WORD_START",
    "WORD_END",
    "MAX_LETTERS",
    "BEAM_MAX_LETTERS",
    "g2p_letters",
    "letter_ids",
    "ctc_greedy",
    "ctc_decode",
    "ctc_beam_decode",
    "BeamSettings",
    "G2PNetwork",
    "NeuralG2P",
    "has_g2p",
    "g2p_for_model",
]

PAD, UNKNOWN_LETTER, WORD_START, WORD_END = "<pad>", "<unk>", "<w>", "</w>"
# The letter inventory the exporter writes to ``g2p.letters`` (a file may hold another one:
# the engine reads the file's).
G2P_LETTERS: tuple[str, ...] = (PAD, UNKNOWN_LETTER, WORD_START, WORD_END, "'") + tuple("abcdefghijklmnopqrstuvwxyz")
BLANK = "<blank>"
# The output classes the exporter writes to ``g2p.phones``: the CTC blank, then the phones.
G2P_OUTPUTS: tuple[str, ...] = (BLANK,) + ARPABET
MAX_LETTERS = 256  # letters read from one word; a longer "word" (a pasted hash, say) is cut
# Longer strings are decoded greedily: no English word is that long (the dictionary's longest
# has 28 letters), and the beam search's time grows with the letters (about 40 ms a letter
# for a pasted run of 256).
BEAM_MAX_LETTERS = 40
RECENT_WORDS = 4096  # out-of-vocabulary words whose phones NeuralG2P keeps

# Latin letters that Unicode does not decompose into a base letter and an accent.
# fmt: off
_WRITTEN_OUT = {"æ": "ae", "œ": "oe", "ø": "o", "ß": "ss", "ð": "th", "þ": "th", "ł": "l", "đ": "d",
                "ħ": "h", "ı": "i", "ŋ": "ng", "ſ": "s"}
# fmt: on
_UNKNOWN_CHAR = "\x00"  # stands for a letter outside the inventory until ids are made


def g2p_letters(word: str, alphabet: frozenset[str] = frozenset("abcdefghijklmnopqrstuvwxyz'")) -> str:
    """The letters the network reads: lowercase, accents removed, ``æ`` -> ``ae`` and the like;
    a letter outside ``alphabet`` becomes ``"\\x00"`` (``<unk>``); other characters are dropped.
    At most ``MAX_LETTERS`` characters."""
    out: list[str] = []
    for ch in normalize_key(word[: 4 * MAX_LETTERS]):
        if ch in alphabet:
            out.append(ch)
        elif ch in _WRITTEN_OUT:
            out.append(_WRITTEN_OUT[ch])
        elif ch.isalpha():
            out.append(_UNKNOWN_CHAR)
    return "".join(out)[:MAX_LETTERS]


def letter_ids(letters: str, index: dict[str, int]) -> np.ndarray:
    """``<w>``, the id of each letter (``<unk>`` for one not in ``index``), ``</w>``."""
    unk = index[UNKNOWN_LETTER]
    return np.array([index[WORD_START]] + [index.get(c, unk) for c in letters] + [index[WORD_END]], np.int64)


def ctc_greedy(logits: np.ndarray, blank: int = 0) -> list[int]:
    """Best class per frame, runs of one class merged, blanks dropped."""
    return [c for c, _, _ in _ctc_runs(logits, blank)]


def _ctc_runs(logits: np.ndarray, blank: int = 0) -> list[tuple[int, int, int]]:
    """(class, first frame, end frame) of every run of one best class but the blank."""
    best = np.asarray(logits).argmax(axis=1)
    if best.size == 0:
        return []
    starts = np.flatnonzero(np.r_[True, best[1:] != best[:-1]])
    ends = np.r_[starts[1:], best.size]
    return [(int(best[a]), int(a), int(b)) for a, b in zip(starts, ends) if best[a] != blank]


def ctc_decode(logits: np.ndarray, outputs: tuple[str, ...]) -> list[str]:
    """Greedy CTC decoding (``ctc_greedy``), then one primary stress per word.

    The network decides each vowel's stress frame by frame, and now and then gives a word
    two primary stresses or none (about 9% of words after a short training; a dictionary word
    almost always has exactly one). Then the stress choices are mended with the same logits:
    of several primary stresses only the most confident stays (the others take their best
    other stress); with none, the vowel that loses least by it takes one. This lowers the word
    error rate by about 2 points (training/g2p/results.json has the rates with it)."""
    runs = _ctc_runs(logits)
    phones = [outputs[c] for c, _, _ in runs]
    variants = _stress_variants(outputs)
    vowels = [k for k, p in enumerate(phones) if p[:-1] in variants]
    if not vowels:
        return phones

    def score(k: int, stress: int) -> float:
        _, a, b = runs[k]
        return float(np.max(logits[a:b, variants[phones[k][:-1]][stress]]))

    primary = [k for k in vowels if phones[k][-1] == "1"]
    if not primary:
        k = max(vowels, key=lambda k: score(k, 1) - score(k, int(phones[k][-1])))
        phones[k] = phones[k][:-1] + "1"
    elif len(primary) > 1:
        keep = max(primary, key=lambda k: score(k, 1) - max(score(k, 0), score(k, 2)))
        for k in primary:
            if k != keep:
                phones[k] = phones[k][:-1] + ("0" if score(k, 0) > score(k, 2) else "2")
    return phones


@dataclass(frozen=True)
class BeamSettings:
    """How ``ctc_beam_decode`` searches (``g2p.decoder.*`` in the model file). Tuned on the
    validation words by ``training/g2p/evaluate.py --tune``."""

    width: int = 8  # hypotheses kept after each frame
    lm_order: int = 5  # of the lexicon's phone n-gram model
    lm_weight: float = 0.25  # its log-probability's weight against the network's
    length_bonus: float = 0.2  # added per phone: the language model alone favours short words
    prune: float = 8.0  # a frame's classes less likely than exp(-prune) are not tried


def ctc_beam_decode(
    logits: np.ndarray, outputs: tuple[str, ...], lm: PhoneNgram, settings: BeamSettings = BeamSettings()
) -> list[str]:
    """CTC prefix beam search with the phone n-gram model (shallow fusion).

    A hypothesis is scored by the network's probability of all the frame paths that collapse
    to it, plus ``lm_weight`` times the n-gram log-probability of its phones (word end
    included), plus ``length_bonus`` per phone. Of the final beam the best hypothesis with
    exactly one primary stress wins (any, for a word without a vowel); when none has one, the
    greedy decoding with mended stress (``ctc_decode``) is returned."""
    logits = np.asarray(logits, np.float64)
    if logits.size == 0:
        return []
    log_probs = logits - logits.max(axis=1, keepdims=True)
    log_probs -= np.log(np.exp(log_probs).sum(axis=1, keepdims=True))
    neg = -math.inf

    def add(a: float, b: float) -> float:
        if a < b:
            a, b = b, a
        return a if b == neg else a + math.log1p(math.exp(b - a))

    lm_weight, bonus = settings.lm_weight, settings.length_bonus
    fused: dict[tuple[int, ...], float] = {(): 0.0}  # prefix -> weighted LM score + bonuses
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, neg)}  # prefix -> (ends in blank, not)
    for row in log_probs:
        tried = [int(c) for c in np.flatnonzero(row > -settings.prune)]
        grown: dict[tuple[int, ...], list[float]] = {}
        for prefix, (p_blank, p_symbol) in beams.items():
            p_total = add(p_blank, p_symbol)
            last = prefix[-1] if prefix else -1
            for c in tried:
                p = float(row[c])
                if c == 0:
                    entry = grown.setdefault(prefix, [neg, neg])
                    entry[0] = add(entry[0], p_total + p)
                    continue
                longer = prefix + (c,)
                if longer not in fused:
                    fused[longer] = fused[prefix] + lm_weight * lm.logprob(prefix, c) + bonus
                entry = grown.setdefault(longer, [neg, neg])
                if c == last:  # a repeat needs a blank between; without one it extends the run
                    entry[1] = add(entry[1], p_blank + p)
                    same = grown.setdefault(prefix, [neg, neg])
                    same[1] = add(same[1], p_symbol + p)
                else:
                    entry[1] = add(entry[1], p_total + p)
        best = sorted(grown.items(), key=lambda kv: add(*kv[1]) + fused[kv[0]], reverse=True)
        beams = {prefix: (b, s) for prefix, (b, s) in best[: settings.width]}
    final = sorted(
        (
            (add(*probs) + fused[prefix] + lm_weight * lm.logprob(prefix, BOUNDARY), prefix)
            for prefix, probs in beams.items()
        ),
        reverse=True,
    )
    for _, prefix in final:
        phones = [outputs[c] for c in prefix]
        stresses = [p[-1] for p in phones if p[-1] in "012"]
        if not stresses or stresses.count("1") == 1:
            return phones
    return ctc_decode(logits, outputs)


@functools.lru_cache(maxsize=8)
def _stress_variants(outputs: tuple[str, ...]) -> dict[str, tuple[int, int, int]]:
    """Vowel -> the output ids of its stress 0, 1 and 2 forms (vowels with all three)."""
    ids = {p: i for i, p in enumerate(outputs)}
    return {v: (ids[v + "0"], ids[v + "1"], ids[v + "2"]) for v in VOWELS if all(v + d in ids for d in "012")}


def has_g2p(model: ModelFile) -> bool:
    """Whether the file holds a neural G2P (its ``g2p.letters`` metadata)."""
    return "g2p.letters" in model.metadata


class G2PNetwork:
    """The G2P network of a packed model: letter ids -> logits -> phones. Immutable; thread-safe."""

    def __init__(self, model: ModelFile):
        meta = model.metadata
        # every value in bounds and every tensor of the shape they give it (docs/model-format.md)
        arch = check_g2p_model(model, (PAD, UNKNOWN_LETTER, WORD_START, WORD_END), BLANK, ARPABET_SET)
        self.upsample, channels = arch.upsample, arch.channels
        self.letters, self.outputs = arch.letters, arch.outputs
        self.index = {c: i for i, c in enumerate(self.letters)}
        self.alphabet = frozenset(c for c in self.letters if len(c) == 1)
        p = LayerReader(model)
        self.embedding = p.f32(names.G2P_EMBEDDING.tensor())
        self.slot_embedding = p.f32(names.G2P_SLOT_EMBEDDING.tensor(), (self.upsample, channels))
        self.encoder = [p.block(names.G2P_ENCODER.block(i), dilation=d) for i, d in enumerate(arch.encoder_dilations)]
        self.decoder = [p.block(names.G2P_DECODER.block(i), dilation=d) for i, d in enumerate(arch.decoder_dilations)]
        self.norm: LayerNorm = p.norm(names.G2P_NORM.norm())
        self.out = p.conv(names.G2P_OUT.conv())
        self.channels = channels
        self.beam: BeamSettings | None = None  # None: greedy decoding (a file without g2p.decoder.*)
        if "g2p.decoder.beam" in meta:
            try:
                self.beam = BeamSettings(
                    width=int(meta["g2p.decoder.beam"]),
                    lm_order=int(meta["g2p.decoder.lm_order"]),
                    lm_weight=float(meta["g2p.decoder.lm_weight"]),
                    length_bonus=float(meta["g2p.decoder.length_bonus"]),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ModelFormatError(f"{model.path}: the G2P decoder metadata lacks or garbles {exc}") from None
            if (
                not 1 <= self.beam.width <= 64
                or not 1 <= self.beam.lm_order <= 9
                or not (math.isfinite(self.beam.lm_weight) and math.isfinite(self.beam.length_bonus))
            ):
                raise ModelFormatError(f"{model.path}: a g2p.decoder setting is out of range")

    def logits(self, ids: np.ndarray) -> np.ndarray:
        """Letter ids (with ``<w>`` and ``</w>``) -> float32 logits [upsample * letters, outputs]."""
        x = self.embedding[np.asarray(ids, np.int64)]
        for block in self.encoder:
            x = block(x)
        x = np.repeat(x, self.upsample, axis=0) + np.tile(self.slot_embedding, (len(ids), 1))
        for block in self.decoder:
            x = block(x)
        return self.out(self.norm(x))

    def phonemes(self, letters: str, lm: PhoneNgram | None = None) -> list[str]:
        """Phones of a letter string (as made by ``g2p_letters``; ``"\\x00"`` is ``<unk>``):
        the beam search with ``lm`` where the file asks for it, else greedy decoding."""
        if not letters:
            return []
        ids = letter_ids(letters[:MAX_LETTERS], self.index)
        if self.beam is not None and lm is not None and len(letters) <= BEAM_MAX_LETTERS:
            return ctc_beam_decode(self.logits(ids), self.outputs, lm, self.beam)
        return ctc_decode(self.logits(ids), self.outputs)

    def phone_lm(self, lexicon: Lexicon) -> PhoneNgram | None:
        """The n-gram model the beam search wants, counted from ``lexicon`` (None: greedy)."""
        if self.beam is None:
            return None
        return PhoneNgram.from_lexicon(lexicon, self.outputs, order=self.beam.lm_order)


class NeuralG2P:
    """The ``G2P`` of a model with a G2P network (see the module docstring for the order)."""

    def __init__(self, network: G2PNetwork, lexicon: Lexicon | None = None):
        self.network = network
        self.lexicon = lexicon
        self._lm: PhoneNgram | None = None
        self._lm_lock = threading.Lock()
        # The network's answers: a name in a book comes back hundreds of times (dict operations
        # are atomic, so threads may share it; a full cache is emptied).
        self._recent: dict[str, tuple[str, ...]] = {}

    def phone_lm(self) -> PhoneNgram | None:
        """The lexicon's phone n-gram model, counted on first use (about 0.2 s; None without a
        lexicon or when the file asks for greedy decoding)."""
        if self._lm is None and self.lexicon is not None and self.network.beam is not None:
            with self._lm_lock:
                if self._lm is None:
                    self._lm = self.network.phone_lm(self.lexicon)
        return self._lm

    @classmethod
    def from_model(cls, model: ModelFile, lexicon: Lexicon | None = None) -> NeuralG2P:
        return cls(G2PNetwork(model), lexicon)

    def phonemes(self, word: str) -> list[str]:
        w = normalize_key(word[: 4 * MAX_LETTERS]).strip("'")
        known = known_word_phones(w, self.lexicon) if self.lexicon is not None else None
        if known is not None:
            return known
        letters = g2p_letters(w, self.network.alphabet)
        plain = "".join(c for c in letters if "a" <= c <= "z")
        if not plain:
            return []
        spelled = spelled_phones(plain)
        if spelled is not None:
            return spelled
        cached = self._recent.get(letters)
        if cached is None:
            cached = tuple(self.network.phonemes(letters, self.phone_lm()))
            if len(self._recent) >= RECENT_WORDS:
                self._recent.clear()
            self._recent[letters] = cached
        return list(cached)


def g2p_for_model(model: ModelFile, lexicon: Lexicon | None = None) -> G2P:
    """The model's neural G2P, or ``FallbackG2P`` when the file holds none."""
    if has_g2p(model):
        return NeuralG2P.from_model(model, lexicon)
    return FallbackG2P(lexicon)
