"""Split text into chunks that can be synthesized one by one, so audio starts quickly.

A chunk is a sentence, or a piece of a long sentence cut at a clause boundary. Sentences are
found on the normalized word stream, where abbreviations ("Dr.", "etc."), decimals ("3.14"),
times ("3 p.m.") and addresses have already been read, so their periods never split a sentence.

Rules:

* a sentence ends after a word whose ``punct_after`` is ``.``, ``?`` or ``!``; after ``…`` only
  when the next word starts with a capital letter (not the pronoun "I"); and at a blank line
  (paragraph break);
* a sentence of more than ``max_words`` spoken words is cut after a clause mark
  (``,`` ``;`` ``:`` ``—``), else before a conjunction, else at ``max_words``; no piece is
  shorter than ``min_words`` unless the sentence is;
* a chunk's span runs from its first word (with an opening quote or bracket right before it)
  to its last word plus the punctuation and closing quotes right after it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from .normalize import Word, check_date_order, fold_punctuation, iter_normalize, normalize

__all__ = ["Chunk", "chunks", "iter_chunks", "split_sentences", "DEFAULT_MAX_WORDS", "DEFAULT_MIN_WORDS"]

DEFAULT_MAX_WORDS = 25
DEFAULT_MIN_WORDS = 6

CLAUSE_MARKS = frozenset(",;:—")
# fmt: off
CONJUNCTIONS = frozenset({"and", "but", "or", "because", "which", "while", "although", "though",
                          "whereas", "unless", "since", "so", "yet", "nor", "whether", "where",
                          "when"})
# fmt: on
_TRAILING = set(".,;:!?…\"')]}—-")
_LEADING = set("\"'([{")
_PRONOUN_I = frozenset({"i", "i'm", "i'll", "i've", "i'd"})


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of text to synthesize: its span in the original text and its spoken words.

    sentence_end: True when the chunk ends a sentence, False when it was cut at a clause.
    """

    text: str
    start: int
    end: int
    words: tuple[Word, ...]
    sentence_end: bool = True


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _ends_sentence(text: str, w: Word, nxt: Word | None) -> bool:
    """Does a sentence end after ``w`` (``nxt``: the word after it, None at the end)?"""
    p = w.punct_after
    end = p in (".", "?", "!")
    if p == "…":
        # a capital after "…" starts a new sentence, but the pronoun "I" says nothing
        end = nxt is None or (text[nxt.start : nxt.start + 1].isupper() and nxt.text not in _PRONOUN_I)
    return end and (nxt is None or nxt.start >= w.end)


def _paragraph_break(text: str, a: int, b: int) -> bool:
    """Is there a blank line in ``text[a:b]``?"""
    gap = text[a:b]
    return "\n" in gap and _BLANK_LINE.search(fold_punctuation(gap)) is not None


def _can_cut_after(words: Sequence[Word], k: int) -> bool:
    """Never cut between words read from one written token ("$4.50")."""
    return k + 1 >= len(words) or words[k].end <= words[k + 1].start


def _next_cut(words: Sequence[Word], max_words: int, min_words: int, final: bool) -> int | None:
    """Where to cut a sentence that is longer than ``max_words``: the index of the last word of
    its first piece. ``final``: ``words`` is the whole (rest of the) sentence; else only its
    start, and None means that more words are needed to decide as the whole would."""
    n = len(words)
    if n <= max_words or (not final and n <= max_words + min_words):
        return None
    lo, hi = min_words - 1, min(max_words - 1, n - min_words - 1)
    for k in range(hi, lo - 1, -1):  # last clause mark in the window
        if words[k].punct_after in CLAUSE_MARKS and _can_cut_after(words, k):
            return k
    for k in range(hi, lo - 1, -1):  # else before a conjunction
        if words[k + 1].text in CONJUNCTIONS and _can_cut_after(words, k):
            return k
    cut = min(max_words - 1, n - 2)
    while cut > 0 and not _can_cut_after(words, cut):
        cut -= 1
    if cut <= 0:  # one token longer than the window: cut after it
        cut = 0
        while cut + 1 < n and not _can_cut_after(words, cut):
            cut += 1
        if not final and cut + 1 >= n:
            return None  # the token may go on past what is known
    return cut


class _Tail(Sequence[Word]):
    """``words[start:]`` without the copy (indexes only), so that cutting a sentence of
    100,000 words into pieces takes linear time, not quadratic."""

    def __init__(self, words: Sequence[Word], start: int):
        self.words, self.start = words, start

    def __len__(self) -> int:
        return len(self.words) - self.start

    @overload
    def __getitem__(self, k: int) -> Word: ...

    @overload
    def __getitem__(self, k: slice) -> Sequence[Word]: ...

    def __getitem__(self, k: int | slice) -> Word | Sequence[Word]:
        if isinstance(k, slice):
            return self.words[self.start :][k]
        return self.words[self.start + k]


def _split_long(words: list[Word], max_words: int, min_words: int) -> list[list[Word]]:
    """A whole sentence -> pieces of at most ``max_words`` words (see the module docstring)."""
    pieces: list[list[Word]] = []
    start = 0
    while (cut := _next_cut(_Tail(words, start), max_words, min_words, final=True)) is not None:
        pieces.append(words[start : start + cut + 1])
        start += cut + 1
    return pieces + [words[start:]] if start < len(words) else pieces


def _span(text: str, words: Sequence[Word]) -> tuple[int, int]:
    a = min(w.start for w in words)
    b = max(w.end for w in words)
    while a > 0 and fold_punctuation(text[a - 1]) in _LEADING:
        a -= 1
    while b < len(text) and fold_punctuation(text[b]) in _TRAILING:
        b += 1
    return a, b


def split_sentences(text: str, words: Sequence[Word] | None = None) -> list[Chunk]:
    """Sentences of ``text`` (``words`` = ``normalize(text)`` when not given)."""
    return chunks(text, words, max_words=None)


def _check_sizes(max_words: int | None, min_words: int) -> None:
    if max_words is not None and max_words < 2 * min_words:
        raise ValueError(f"max_words ({max_words}) must be at least twice min_words ({min_words})")


def _sentence_groups(text: str, words: Sequence[Word]) -> list[list[Word]]:
    groups: list[list[Word]] = [[]]
    for k, w in enumerate(words):
        nxt = words[k + 1] if k + 1 < len(words) else None
        groups[-1].append(w)
        if _ends_sentence(text, w, nxt) or (
            nxt is not None and w.end <= nxt.start and _paragraph_break(text, w.end, nxt.start)
        ):
            groups.append([])
    return [g for g in groups if g]


def chunks(
    text: str,
    words: Sequence[Word] | None = None,
    *,
    max_words: int | None = DEFAULT_MAX_WORDS,
    min_words: int = DEFAULT_MIN_WORDS,
    keep_words: Collection[str] = (),
    date_order: str = "MDY",
) -> list[Chunk]:
    """Sentences, with long ones cut at clause boundaries (``max_words=None``: never cut).

    ``words`` defaults to ``normalize(text, keep_words=keep_words, date_order=date_order)``.
    This is the plain whole-text version: ``iter_chunks`` gives the same chunks lazily, and
    the tests hold it to this one."""
    _check_sizes(max_words, min_words)
    if words is None:
        words = normalize(text, keep_words=keep_words, date_order=date_order)
    out: list[Chunk] = []
    for sentence in _sentence_groups(text, words):
        pieces = [sentence] if max_words is None else _split_long(sentence, max_words, min_words)
        for k, piece in enumerate(pieces):
            a, b = _span(text, piece)
            out.append(Chunk(text[a:b], a, b, tuple(piece), sentence_end=k == len(pieces) - 1))
    return out


def iter_chunks(
    text: str,
    words: Iterable[Word] | None = None,
    *,
    max_words: int | None = DEFAULT_MAX_WORDS,
    min_words: int = DEFAULT_MIN_WORDS,
    keep_words: Collection[str] = (),
    date_order: str = "MDY",
) -> Iterator[Chunk]:
    """``chunks``, lazily: the text is normalized word by word as the chunks are taken, and a
    chunk is yielded as soon as the words after it cannot change it, so the first chunk of a
    long text, even of one huge paragraph, is ready at once. The chunks are the same as
    ``chunks`` gives, spans in ``text``."""
    _check_sizes(max_words, min_words)
    check_date_order(date_order)
    if words is None:
        words = iter_normalize(text, keep_words=keep_words, date_order=date_order)
    return _chunk_stream(text, iter(words), max_words, min_words)


def _chunk_stream(text: str, words: Iterator[Word], max_words: int | None, min_words: int) -> Iterator[Chunk]:
    # Nothing here reads the whole text: only the characters around the words at hand.
    def chunk(piece: list[Word], sentence_end: bool) -> Chunk:
        a, b = _span(text, piece)
        return Chunk(text[a:b], a, b, tuple(piece), sentence_end)

    def finish(sentence: list[Word]) -> Iterator[Chunk]:
        pieces = [sentence] if max_words is None else _split_long(sentence, max_words, min_words)
        for k, piece in enumerate(pieces):
            yield chunk(piece, k == len(pieces) - 1)

    sentence: list[Word] = []  # the words of the sentence not yet in a chunk
    in_long_token = False  # the sentence waits for the end of a token longer than a chunk
    w = next(words, None)
    while w is not None:
        nxt = next(words, None)
        sentence.append(w)
        if nxt is not None and w.end <= nxt.start and _paragraph_break(text, w.end, nxt.start):
            end = True
        else:
            end = _ends_sentence(text, w, nxt)
        if end:
            yield from finish(sentence)
            sentence, in_long_token = [], False
        elif max_words is not None and (not in_long_token or _can_cut_after(sentence, len(sentence) - 2)):
            # a long sentence: its first pieces go out before its end is read. While one token
            # runs on ("x" * 100000 read letter by letter), only a word that starts a new
            # token can change the answer: asking on every word would be quadratic.
            while (cut := _next_cut(sentence, max_words, min_words, final=False)) is not None:
                yield chunk(sentence[: cut + 1], False)
                sentence = sentence[cut + 1 :]
            in_long_token = len(sentence) > max_words + min_words
        w = nxt
    if sentence:
        yield from finish(sentence)
