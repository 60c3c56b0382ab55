"""A phone n-gram model of English words, built from the lexicon, for the G2P's beam search.

The neural G2P decides each output frame on its own (CTC), so now and then it writes a phone
sequence no English word has ("AH0 N K" where the dictionary says "AH0 NG K"). Scoring its
beam of candidate sequences with how word-like they are (shallow fusion) fixes many of those:
on the held-out test words it lowers the word error rate from 31.1% to 29.2% (docs/frontend.md).

The model costs no bytes in the file: it is counted from the first pronunciation of every
lexicon word when the G2P first needs it (about 0.2 s, then 4.9 MB of arrays).

Estimate: interpolated absolute discounting (Ney et al.), discount ``D``:

    P(w | h) = max(c(h w) - D, 0) / c(h) + D * types(h) / c(h) * P(w | h')

where ``h'`` is ``h`` less its oldest phone, ``types(h)`` the number of distinct phones seen
after ``h``, and the recursion ends in the uniform distribution over the symbols. A history
never seen contributes nothing (P(w | h) = P(w | h')). Every word is padded with ``order - 1``
boundary symbols before it and one after it (the word's end is predicted too); the boundary is
symbol 0 (the CTC blank's id, which no pronunciation holds).

N-grams are held as sorted keys (7 bits a symbol, the newest least significant) with their
counts, one array per order, and looked up by binary search. Keys are counted as int64 and
kept in the narrowest type that holds their order's bits (int32 up to order 4, and for the
histories of order 5), counts in uint16 where the largest fits: 4.9 MB for the lexicon's
n-grams instead of 7.1 MB.
"""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator, Sequence

import numpy as np

from .lexicon import Lexicon

BOUNDARY = 0
CHUNK_WORDS = 16_384  # words counted at a time
MEMO_ENTRIES = 20_000  # memoized answers kept (about 4 MB at most); a full memo is emptied
_BITS = 7  # bits per symbol in a key: up to 128 symbols, orders up to 9 fit in an int64


def _newest_symbols(flat: np.ndarray, lengths: np.ndarray, order: int) -> np.ndarray:
    """For every position an n-gram ends at (each symbol of each word, and each word's end),
    the ``order`` newest symbols there packed into an int64 (7 bits each, newest lowest; before
    a word's start, the boundary). Built with small temporaries: a lexicon's 1.2 million
    positions cost about 10 MB here, not the several times that of the obvious way."""
    pad = order - 1
    n_words, n_symbols = len(lengths), int(lengths.sum())
    # every word as (order - 1) boundaries, its symbols, one boundary, end to end (uint8)
    seq = np.zeros(n_symbols + n_words * (pad + 1), np.uint8)
    word_of = np.repeat(np.arange(n_words, dtype=np.int32), lengths)
    where = np.arange(n_symbols, dtype=np.int32) + word_of * np.int32(pad + 1) + np.int32(pad)
    seq[where] = flat
    del word_of, where
    not_padding = np.ones(seq.size, bool)
    starts = (np.cumsum(lengths) - lengths) + np.arange(n_words) * (pad + 1)
    for k in range(pad):
        not_padding[starts + k] = False
    ends = np.flatnonzero(not_padding).astype(np.int32)
    del not_padding, starts
    key = seq[ends - pad].astype(np.int64)
    for k in range(pad - 1, -1, -1):
        key <<= _BITS
        key |= seq[ends - k]
    return key


def _runs_first(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values of a sorted array, the index each first appears at)."""
    starts = np.empty(sorted_keys.size, bool)
    if sorted_keys.size:
        starts[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=starts[1:])
    first = np.flatnonzero(starts)
    return sorted_keys[first], first


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the distinct values of a sorted array, how many times each occurs as int32)."""
    values, first = _runs_first(sorted_keys)
    return values, np.diff(np.append(first, sorted_keys.size)).astype(np.int32)


def _chunks_of(flat, lengths) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(flat ids, lengths) of ``CHUNK_WORDS`` words at a time."""
    flat, lengths = np.asarray(flat), np.asarray(lengths, np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    for lo in range(0, len(lengths), CHUNK_WORDS):
        hi = min(lo + CHUNK_WORDS, len(lengths))
        yield flat[offsets[lo] : offsets[hi]], lengths[lo:hi]


def _merge(a: tuple[np.ndarray, np.ndarray] | None, b: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Two (sorted distinct keys, counts) pairs as one; ``a``'s counts are added to in place.
    (Merged by binary search, not by sorting the two together: the peak stays near the size
    of the result.)"""
    if a is None:
        return b
    (a_keys, a_counts), (b_keys, b_counts) = a, b
    at = np.searchsorted(a_keys, b_keys)
    seen = at < a_keys.size
    seen[seen] = a_keys[at[seen]] == b_keys[seen]
    a_counts[at[seen]] += b_counts[seen]  # b's keys are distinct: no index repeats
    new = ~seen
    return np.insert(a_keys, at[new], b_keys[new]), np.insert(a_counts, at[new], b_counts[new])


def _narrow_keys(keys: np.ndarray, bits: int) -> np.ndarray:
    """Keys of at most ``bits`` bits as int32 when they fit (the same values, half the bytes)."""
    return keys.astype(np.int32) if bits <= 31 else keys


def _narrow_counts(counts: np.ndarray) -> np.ndarray:
    """Counts as uint16 when the largest fits, else as they are."""
    return counts.astype(np.uint16) if not counts.size or int(counts.max()) <= np.iinfo(np.uint16).max else counts


def _release_freed_memory() -> None:
    """Give the heap's freed pages back to the system (glibc keeps them after large temporaries,
    which would stay in the process's resident size); a no-op elsewhere."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError, TypeError):
        pass


class PhoneNgram:
    """An immutable n-gram model over symbol ids ``0 .. vocab - 1`` (0: the word boundary)."""

    def __init__(
        self,
        words: Sequence[Sequence[int]] | tuple[np.ndarray, np.ndarray],
        vocab: int,
        order: int = 5,
        discount: float = 0.75,
    ):
        """``words``: symbol-id sequences (ids 1 .. vocab - 1); or (flat ids, lengths) arrays; or
        an iterator of such pairs, each a chunk of words (counted one at a time)."""
        if not 1 <= order <= 9 or not 2 <= vocab <= 1 << _BITS or not 0 < discount < 1:
            raise ValueError("order must be 1-9, vocab 2-128 and the discount in (0, 1)")
        self.order, self.vocab, self.discount = order, vocab, discount
        # Answers already computed, by (history, symbol): the beam search asks the same few
        # thousand again and again (dict operations are atomic, so threads may share it).
        self._memo: dict[tuple[int, ...], float] = {}
        if isinstance(words, tuple):
            chunks: Iterator[tuple[np.ndarray, np.ndarray]] = _chunks_of(*words)
        elif isinstance(words, Iterator):
            chunks = words
        else:
            lengths = np.array([len(w) for w in words], np.int64)
            chunks = _chunks_of(np.fromiter((s for w in words for s in w), np.int64, int(lengths.sum())), lengths)
        # Counted a chunk of words at a time and merged, so that the temporaries stay small (a
        # lexicon's 1.2 million positions at once would cost some 20 MB more at the peak).
        counted: list[tuple[np.ndarray, np.ndarray] | None] = [None] * order  # per order: (keys, counts)
        for flat, lengths in chunks:
            flat, lengths = np.asarray(flat), np.asarray(lengths, np.int64)
            if flat.size and (flat.min() < 1 or flat.max() >= vocab):
                raise ValueError("symbol ids must lie in 1 .. vocab - 1")
            if int(lengths.sum()) != flat.size:
                raise ValueError("the lengths do not add up to the symbols given")
            key = _newest_symbols(flat, lengths, order)
            for n in range(1, order + 1):
                # The order-n gram ending at a position is the low 7n bits of its key.
                grams = key if n == order else key & ((1 << (_BITS * n)) - 1)
                grams.sort()  # (in place: the last order needs the key no more)
                counted[n - 1] = _merge(counted[n - 1], _runs(grams))
        self._grams: list[tuple[np.ndarray, np.ndarray]] = []  # per order: (keys, counts)
        self._contexts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (keys, totals, types)
        for n, grams_n in enumerate(counted, 1):
            keys, counts = grams_n if grams_n is not None else (np.zeros(0, np.int64), np.zeros(0, np.int32))
            counted[n - 1] = None  # each order's int64 keys go as soon as their narrow copy is made
            ctx, first = _runs_first(keys >> _BITS)
            totals = np.add.reduceat(counts, first).astype(np.int32) if keys.size else counts
            types = np.diff(np.append(first, keys.size)).astype(np.uint8)
            self._grams.append((_narrow_keys(keys, _BITS * n), _narrow_counts(counts)))
            self._contexts.append((_narrow_keys(ctx, _BITS * (n - 1)), _narrow_counts(totals), types))
            del grams_n, keys, counts, ctx, first, totals, types
        _release_freed_memory()

    @classmethod
    def from_lexicon(
        cls, lexicon: Lexicon, symbols: Sequence[str], order: int = 5, discount: float = 0.75
    ) -> PhoneNgram:
        """The model of the first pronunciation of every lexicon word, over ``symbols`` (symbol 0
        the boundary; a word with a phone outside ``symbols`` is left out)."""
        index = {s: i for i, s in enumerate(symbols)}
        # lexicon phone id -> symbol id, 0 for a phone outside ``symbols``
        table = np.zeros(256, np.uint8)
        for i, p in enumerate(lexicon.phone_table[:256]):
            table[i] = index.get(p, 0)

        def chunks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            for lo in range(0, len(lexicon), CHUNK_WORDS):
                flat, lengths = lexicon.first_pronunciation_ids(lo, lo + CHUNK_WORDS)
                ids = table[flat]
                bad = ids == 0
                if bad.any():  # drop the words holding an unknown phone
                    word_of = np.repeat(np.arange(len(lengths)), lengths)
                    keep_word = np.ones(len(lengths), bool)
                    keep_word[word_of[bad]] = False
                    ids, lengths = ids[keep_word[word_of]], lengths[keep_word]
                yield ids, lengths

        return cls(chunks(), len(symbols), order, discount)

    def _find(self, table: np.ndarray, key: int) -> int:
        """The index of ``key`` in the sorted ``table``, or -1."""
        i = int(np.searchsorted(table, key))
        return i if i < table.size and table[i] == key else -1

    def logprob(self, history: Sequence[int], symbol: int) -> float:
        """Natural log of P(symbol | history); ``history`` is the symbols before it, oldest
        first, without the word-start padding (it is added here)."""
        k = self.order - 1
        recent = tuple(history[max(len(history) - k, 0) :]) if k else ()
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
            i = self._find(keys, ctx)
            if i < 0:
                break  # a longer history is unseen too
            total = int(totals[i])
            gram_keys, counts = self._grams[n - 1]
            j = self._find(gram_keys, (ctx << _BITS) | int(symbol))
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
