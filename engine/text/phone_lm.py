"""A phone n-gram model of English words, built from the lexicon, for the G2P's beam search.

The neural G2P decides each output frame on its own (CTC), so now and then it writes a phone
sequence no English word has ("AH0 N K" where the dictionary says "AH0 NG K"). Scoring its
beam of candidate sequences with how word-like they are (shallow fusion) fixes many of those:
on the validation words it lowers the word error rate by about 2.5 points (docs/frontend.md).

The model costs no bytes in the file: it is counted from the first pronunciation of every
lexicon word when the G2P first needs it (about half a second, then about 10 MB of arrays).

Estimate: interpolated absolute discounting (Ney et al.), discount ``D``:

    P(w | h) = max(c(h w) - D, 0) / c(h) + D * types(h) / c(h) * P(w | h')

where ``h'`` is ``h`` less its oldest phone, ``types(h)`` the number of distinct phones seen
after ``h``, and the recursion ends in the uniform distribution over the symbols. A history
never seen contributes nothing (P(w | h) = P(w | h')). Every word is padded with ``order - 1``
boundary symbols before it and one after it (the word's end is predicted too); the boundary is
symbol 0 (the CTC blank's id, which no pronunciation holds).

N-grams are held as sorted int64 keys (7 bits a symbol, the newest least significant) with
their counts, one array per order, and looked up by binary search.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .lexicon import Lexicon

BOUNDARY = 0
MEMO_ENTRIES = 20_000  # memoized answers kept (about 4 MB at most); a full memo is emptied
_BITS = 7  # bits per symbol in a key: up to 128 symbols, orders up to 9 fit in an int64


class PhoneNgram:
    """An immutable n-gram model over symbol ids ``0 .. vocab - 1`` (0: the word boundary)."""

    def __init__(self, words: Sequence[Sequence[int]] | tuple[np.ndarray, np.ndarray], vocab: int,
                 order: int = 5, discount: float = 0.75):
        """``words``: symbol-id sequences (ids 1 .. vocab - 1), or (flat ids, lengths) arrays."""
        if not 1 <= order <= 9 or not 2 <= vocab <= 1 << _BITS or not 0 < discount < 1:
            raise ValueError("order must be 1-9, vocab 2-128 and the discount in (0, 1)")
        self.order, self.vocab, self.discount = order, vocab, discount
        # Answers already computed, by (history, symbol): the beam search asks the same few
        # thousand again and again (dict operations are atomic, so threads may share it).
        self._memo: dict[tuple[int, ...], float] = {}
        if isinstance(words, tuple):
            flat, lengths = (np.asarray(a, np.int64) for a in words)
        else:
            lengths = np.array([len(w) for w in words], np.int64)
            flat = np.fromiter((s for w in words for s in w), np.int64, int(lengths.sum()))
        if flat.size and (flat.min() < 1 or flat.max() >= vocab):
            raise ValueError("symbol ids must lie in 1 .. vocab - 1")
        # Every word as (order - 1) boundaries, its symbols, one boundary.
        pad = order - 1
        spans = lengths + pad + 1
        starts = np.concatenate([[0], np.cumsum(spans)[:-1]]).astype(np.int64)
        seq = np.zeros(int(spans.sum()), np.int64)
        word_of = np.repeat(np.arange(len(lengths)), lengths)
        within = np.arange(flat.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        seq[starts[word_of] + pad + within] = flat
        ends = np.ones(seq.size, bool)  # positions a gram ends at: all but each word's padding
        for k in range(pad):
            ends[starts + k] = False
        ends = np.flatnonzero(ends)

        self._grams: list[tuple[np.ndarray, np.ndarray]] = []  # per order: (keys, counts)
        self._contexts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (keys, totals, types)
        key = np.zeros(ends.size, np.int64)
        for n in range(1, order + 1):
            key |= seq[ends - (n - 1)] << (_BITS * (n - 1))
            keys, counts = np.unique(key, return_counts=True)
            ctx, first = np.unique(keys >> _BITS, return_index=True)
            totals = np.add.reduceat(counts, first)
            types = np.diff(np.append(first, keys.size))
            self._grams.append((keys, counts.astype(np.int64)))
            self._contexts.append((ctx, totals.astype(np.int64), types.astype(np.int64)))

    @classmethod
    def from_lexicon(cls, lexicon: Lexicon, symbols: Sequence[str], order: int = 5,
                     discount: float = 0.75) -> "PhoneNgram":
        """The model of the first pronunciation of every lexicon word, over ``symbols`` (symbol 0
        the boundary; a word with a phone outside ``symbols`` is left out)."""
        flat, lengths = lexicon.first_pronunciation_ids()
        index = {s: i for i, s in enumerate(symbols)}
        table = np.array([index.get(p, -1) for p in lexicon.phone_table] + [-1], np.int64)
        ids = table[np.minimum(flat, len(table) - 1)] if flat.size else flat.astype(np.int64)
        bad = ids <= 0
        if bad.any():  # drop the words holding an unknown phone
            word_of = np.repeat(np.arange(len(lengths)), lengths)
            keep_word = np.ones(len(lengths), bool)
            keep_word[word_of[bad]] = False
            ids = ids[keep_word[word_of]]
            lengths = lengths[keep_word]
        return cls((ids, lengths), len(symbols), order, discount)

    def _count(self, table: np.ndarray, key: int) -> int:
        i = int(np.searchsorted(table, key))
        return i if i < table.size and table[i] == key else -1

    def logprob(self, history: Sequence[int], symbol: int) -> float:
        """Natural log of P(symbol | history); ``history`` is the symbols before it, oldest
        first, without the word-start padding (it is added here)."""
        k = self.order - 1
        recent = tuple(history[max(len(history) - k, 0):]) if k else ()
        h = (BOUNDARY,) * (k - len(recent)) + recent
        key = h + (symbol,)
        cached = self._memo.get(key)
        if cached is not None:
            return cached
        p = 1.0 / self.vocab
        ctx = 0
        for n in range(1, self.order + 1):
            if n > 1:
                ctx |= int(h[-(n - 1)]) << (_BITS * (n - 2))
            keys, totals, types = self._contexts[n - 1]
            i = self._count(keys, ctx)
            if i < 0:
                break  # a longer history is unseen too
            total = int(totals[i])
            gram_keys, counts = self._grams[n - 1]
            j = self._count(gram_keys, (ctx << _BITS) | int(symbol))
            seen = int(counts[j]) if j >= 0 else 0
            p = max(seen - self.discount, 0.0) / total + self.discount * int(types[i]) / total * p
        if len(self._memo) >= MEMO_ENTRIES:
            self._memo.clear()
        self._memo[key] = result = math.log(p)
        return result

    def sequence_logprob(self, symbols: Sequence[int]) -> float:
        """Log-probability of a whole word: its symbols, then the boundary."""
        symbols = list(symbols)
        return sum(self.logprob(symbols[:k], s) for k, s in enumerate(symbols + [BOUNDARY]))

    def __len__(self) -> int:
        """How many n-grams (of every order) the model holds."""
        return sum(keys.size for keys, _ in self._grams)
