"""The phone n-gram model of the G2P's beam search (engine/text/phone_lm.py): its array
implementation against a plain dictionary-counting reference, normalization, and its
construction from a lexicon."""

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bittts.engine.text.lexicon import Lexicon
from bittts.engine.text.neural_g2p import G2P_OUTPUTS
from bittts.engine.text.phone_lm import BOUNDARY, PhoneNgram


def reference_logprob(words, vocab, order, discount, history, symbol):
    """The estimate of the module docstring, counted with dictionaries."""
    grams = Counter()
    for w in words:
        seq = [BOUNDARY] * (order - 1) + list(w) + [BOUNDARY]
        for i in range(order - 1, len(seq)):
            for n in range(1, order + 1):
                grams[tuple(seq[i - n + 1 : i + 1])] += 1
    h = ([BOUNDARY] * (order - 1) + list(history))[len(history) :]
    p = 1.0 / vocab
    for n in range(1, order + 1):
        ctx = tuple(h[len(h) - (n - 1) :]) if n > 1 else ()
        followers = {g[-1]: c for g, c in grams.items() if len(g) == n and g[:-1] == ctx}
        if not followers:
            break
        total = sum(followers.values())
        p = max(followers.get(symbol, 0) - discount, 0) / total + discount * len(followers) / total * p
    return math.log(p)


words_strategy = st.lists(st.lists(st.integers(1, 9), min_size=1, max_size=7), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    words=words_strategy,
    order=st.integers(1, 4),
    history=st.lists(st.integers(0, 9), max_size=5),
    symbol=st.integers(0, 9),
)
def test_matches_the_dictionary_reference(words, order, history, symbol):
    lm = PhoneNgram(words, vocab=10, order=order, discount=0.6)
    want = reference_logprob(words, 10, order, 0.6, history, symbol)
    assert lm.logprob(history, symbol) == pytest.approx(want, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(words=words_strategy, history=st.lists(st.integers(1, 9), max_size=4))
def test_every_history_gives_a_distribution(words, history):
    lm = PhoneNgram(words, vocab=10, order=3)
    total = sum(math.exp(lm.logprob(history, s)) for s in range(10))
    assert total == pytest.approx(1.0, abs=1e-9)


def test_seen_sequences_beat_unseen_ones():
    words = [[1, 2, 3], [1, 2, 3, 4], [5, 2, 3], [1, 6]]
    lm = PhoneNgram(words, vocab=8, order=3)
    assert lm.sequence_logprob([1, 2, 3]) > lm.sequence_logprob([1, 3, 2])
    assert lm.sequence_logprob([5, 2, 3]) > lm.sequence_logprob([5, 2, 7])
    # the word end is predicted too: "1 2" never ends a word
    assert lm.logprob([1, 2], BOUNDARY) < lm.logprob([1, 2], 3)
    assert len(lm) > 0


def test_arrays_input_equals_lists_input():
    words = [[1, 2, 3], [4], [2, 2, 2, 5]]
    flat = np.array([s for w in words for s in w])
    lengths = np.array([len(w) for w in words])
    a, b = PhoneNgram(words, 6, order=4), PhoneNgram((flat, lengths), 6, order=4)
    for h, s in [([1, 2], 3), ([], 4), ([2, 2], 2), ([9], 1)]:
        assert a.logprob(h, s) == b.logprob(h, s)


@pytest.mark.parametrize(
    "kwargs", [dict(order=0), dict(order=10), dict(vocab=1), dict(vocab=129), dict(discount=0.0), dict(discount=1.0)]
)
def test_bad_settings_are_refused(kwargs):
    args = dict(words=[[1]], vocab=4, order=3, discount=0.5) | kwargs
    with pytest.raises(ValueError):
        PhoneNgram(**args)


@pytest.mark.parametrize("bad", [[0, 1], [4]])
def test_symbols_outside_the_vocabulary_are_refused(bad):
    with pytest.raises(ValueError, match="symbol ids"):
        PhoneNgram([[1, 2], bad], vocab=4)


def test_lexicon_first_pronunciations():
    lex = Lexicon.from_entries(
        {"cat": [("K", "AE1", "T")], "read": [("R", "IY1", "D"), ("R", "EH1", "D")], "a": [("AH0",), ("EY1",)]}
    )
    flat, lengths = lex.first_pronunciation_ids()
    table = lex.phone_table
    got, pos = {}, 0
    for word, n in zip(lex.words(), lengths.tolist()):
        got[word] = tuple(table[i] for i in flat[pos : pos + n])
        pos += n
    assert got == {"a": ("AH0",), "cat": ("K", "AE1", "T"), "read": ("R", "IY1", "D")}


def test_model_of_a_lexicon_counts_first_pronunciations():
    lex = Lexicon.from_entries(
        {
            "sing": [("S", "IH1", "NG")],
            "sink": [("S", "IH1", "NG", "K")],
            "read": [("R", "IY1", "D"), ("R", "EH1", "D")],
        }
    )
    lm = PhoneNgram.from_lexicon(lex, G2P_OUTPUTS, order=3)
    ids = {p: i for i, p in enumerate(G2P_OUTPUTS)}

    def seq(s):
        return [ids[p] for p in s.split()]

    assert lm.sequence_logprob(seq("S IH1 NG K")) > lm.sequence_logprob(seq("S IH1 N K"))
    # only the first pronunciation of "read" was counted
    assert lm.logprob(seq("R"), ids["IY1"]) > lm.logprob(seq("R"), ids["EH1"])


def test_a_word_with_a_phone_outside_the_symbols_is_left_out():
    lex = Lexicon.from_entries({"cat": [("K", "AE1", "T")], "dog": [("D", "AO1", "G")]})
    symbols = ("<blank>", "K", "AE1", "T", "D", "G")  # no AO1
    lm = PhoneNgram.from_lexicon(lex, symbols, order=2)
    with_dog = PhoneNgram([[1, 2, 3]], vocab=len(symbols), order=2)
    assert lm.logprob([4], 5) == with_dog.logprob([4], 5)


@settings(max_examples=30, deadline=None)
@given(
    words=words_strategy,
    chunk=st.integers(1, 4),
    history=st.lists(st.integers(0, 9), max_size=4),
    symbol=st.integers(0, 9),
)
def test_counting_in_chunks_changes_nothing(words, chunk, history, symbol):
    from bittts.engine.text import phone_lm

    whole = PhoneNgram(words, vocab=10, order=3)
    saved = phone_lm.CHUNK_WORDS
    phone_lm.CHUNK_WORDS = chunk
    try:
        chunked = PhoneNgram(words, vocab=10, order=3)
    finally:
        phone_lm.CHUNK_WORDS = saved
    assert chunked.logprob(history, symbol) == whole.logprob(history, symbol)
    assert len(chunked) == len(whole)
