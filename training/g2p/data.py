"""The G2P's data: CMUdict words, a deterministic split, letter and phone ids, batches.

Words: every lexicon word (``cmudict_entries()``, the dictionary the exporter packs) made of
a-z and apostrophes (124,942 of 126,068; words with ``-`` or ``.`` are left out: the
normalizer splits or spells those). Training targets are the first (most common)
pronunciation, the one the engine's lexicon answers; evaluation accepts any of a word's
pronunciations.

Split: by a hash of the word alone (CRC-32 of its UTF-8 bytes, modulo 1000), so it never
changes with the dictionary's order or size: 0-29 test (3%), 30-49 validation (2%), the rest
training.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import torch

from bittts.engine.text.lexicon import cmudict_entries
from bittts.engine.text.neural_g2p import G2P_LETTERS, G2P_OUTPUTS, g2p_letters, letter_ids

TEST_BUCKETS = 30  # of 1000: 3% of the words
VALID_BUCKETS = 20  # of 1000: the next 2%
LETTER_INDEX = {c: i for i, c in enumerate(G2P_LETTERS)}
OUTPUT_INDEX = {p: i for i, p in enumerate(G2P_OUTPUTS)}


@dataclass(frozen=True)
class Example:
    word: str
    letters: tuple[int, ...]  # <w> letters </w>
    target: tuple[int, ...]  # output ids of the first pronunciation (no blank)
    prons: tuple[tuple[str, ...], ...]  # every pronunciation, for scoring


def split_of(word: str) -> str:
    """ "test", "valid" or "train", from a hash of the word alone."""
    bucket = zlib.crc32(word.encode("utf-8")) % 1000
    if bucket < TEST_BUCKETS:
        return "test"
    if bucket < TEST_BUCKETS + VALID_BUCKETS:
        return "valid"
    return "train"


def g2p_words(entries: dict[str, list[tuple[str, ...]]] | None = None) -> dict[str, list[Example]]:
    """Examples of every usable dictionary word, by split (sorted by word)."""
    entries = cmudict_entries() if entries is None else entries
    out: dict[str, list[Example]] = {"train": [], "valid": [], "test": []}
    alphabet = frozenset(c for c in G2P_LETTERS if len(c) == 1)
    for word in sorted(entries):
        if not word or not set(word) <= alphabet or not word.strip("'"):
            continue
        prons = tuple(tuple(p) for p in entries[word])
        ids = tuple(int(i) for i in letter_ids(g2p_letters(word), LETTER_INDEX))
        out[split_of(word)].append(Example(word, ids, tuple(OUTPUT_INDEX[p] for p in prons[0]), prons))
    return out


def fits(example: Example, upsample: int) -> bool:
    """Whether CTC can emit the target from ``upsample`` frames a letter (a repeated phone
    needs a blank between its copies)."""
    t = example.target
    repeats = sum(1 for a, b in zip(t, t[1:]) if a == b)
    return len(t) + repeats <= upsample * len(example.letters)


def collate(examples: list[Example]) -> dict[str, torch.Tensor]:
    """Letters padded with 0 ([batch, letters]), their lengths, targets concatenated (for CTC)."""
    n = max(len(e.letters) for e in examples)
    letters = torch.zeros(len(examples), n, dtype=torch.long)
    for i, e in enumerate(examples):
        letters[i, : len(e.letters)] = torch.tensor(e.letters)
    return {
        "letters": letters,
        "lengths": torch.tensor([len(e.letters) for e in examples]),
        "targets": torch.tensor([t for e in examples for t in e.target]),
        "target_lengths": torch.tensor([len(e.target) for e in examples]),
    }


def batches(examples: list[Example], max_letters: int, seed: int) -> Iterator[dict[str, torch.Tensor]]:
    """Endless shuffled batches of words of similar length, at most ``max_letters`` letters
    (padding included) a batch."""
    rng = random.Random(seed)
    while True:
        order = sorted(examples, key=lambda e: (len(e.letters), rng.random()))
        chunks, current = [], []
        for e in order:
            if current and len(e.letters) * (len(current) + 1) > max_letters:
                chunks.append(current)
                current = []
            current.append(e)
        if current:
            chunks.append(current)
        rng.shuffle(chunks)
        for chunk in chunks:
            yield collate(chunk)
