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
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, replace

from .normalize import Word, fold_punctuation, normalize

__all__ = ["Chunk", "chunks", "iter_chunks", "split_sentences", "DEFAULT_MAX_WORDS",
           "DEFAULT_MIN_WORDS"]

DEFAULT_MAX_WORDS = 25
DEFAULT_MIN_WORDS = 6

CLAUSE_MARKS = frozenset(",;:—")
CONJUNCTIONS = frozenset({"and", "but", "or", "because", "which", "while", "although", "though",
                          "whereas", "unless", "since", "so", "yet", "nor", "whether", "where",
                          "when"})
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


def _sentence_groups(text: str, words: Sequence[Word]) -> list[list[Word]]:
    folded = fold_punctuation(text)
    groups: list[list[Word]] = []
    cur: list[Word] = []
    for k, w in enumerate(words):
        if cur and cur[-1].end <= w.start and re.search(r"\n[ \t]*\n", folded[cur[-1].end:w.start]):
            groups.append(cur)
            cur = []
        cur.append(w)
        p = w.punct_after
        end = p in (".", "?", "!")
        if p == "…":
            nxt = words[k + 1] if k + 1 < len(words) else None
            # a capital after "…" starts a new sentence, but the pronoun "I" says nothing
            end = nxt is None or (text[nxt.start:nxt.start + 1].isupper()
                                  and nxt.text not in _PRONOUN_I)
        if end and (k + 1 == len(words) or words[k + 1].start >= w.end):
            groups.append(cur)
            cur = []
    if cur:
        groups.append(cur)
    return groups


def _can_cut_after(words: Sequence[Word], k: int) -> bool:
    """Never cut between words read from one written token ("$4.50")."""
    return k + 1 >= len(words) or words[k].end <= words[k + 1].start


def _split_long(words: list[Word], max_words: int, min_words: int) -> list[list[Word]]:
    pieces: list[list[Word]] = []
    i = 0
    n = len(words)
    while n - i > max_words:
        lo, hi = i + min_words - 1, min(i + max_words - 1, n - min_words - 1)
        cut = None
        for k in range(hi, lo - 1, -1):        # last clause mark in the window
            if words[k].punct_after in CLAUSE_MARKS and _can_cut_after(words, k):
                cut = k
                break
        if cut is None:
            for k in range(hi, lo - 1, -1):    # else before a conjunction
                if words[k + 1].text in CONJUNCTIONS and _can_cut_after(words, k):
                    cut = k
                    break
        if cut is None:
            cut = min(i + max_words - 1, n - 2)
            while cut > i and not _can_cut_after(words, cut):
                cut -= 1
            if cut <= i:  # one token longer than the window: cut after it
                cut = i
                while cut + 1 < n and not _can_cut_after(words, cut):
                    cut += 1
        pieces.append(words[i:cut + 1])
        i = cut + 1
    if i < n:
        pieces.append(words[i:])
    return pieces


def _span(text: str, folded: str, words: Sequence[Word]) -> tuple[int, int]:
    a = min(w.start for w in words)
    b = max(w.end for w in words)
    while a > 0 and folded[a - 1] in _LEADING:
        a -= 1
    while b < len(folded) and folded[b] in _TRAILING:
        b += 1
    return a, b


def split_sentences(text: str, words: Sequence[Word] | None = None) -> list[Chunk]:
    """Sentences of ``text`` (``words`` = ``normalize(text)`` when not given)."""
    return chunks(text, words, max_words=None)


def chunks(text: str, words: Sequence[Word] | None = None, *, max_words: int | None = DEFAULT_MAX_WORDS,
           min_words: int = DEFAULT_MIN_WORDS, keep_words: Collection[str] = ()) -> list[Chunk]:
    """Sentences, with long ones cut at clause boundaries (``max_words=None``: never cut).

    ``words`` defaults to ``normalize(text, keep_words=keep_words)``."""
    if words is None:
        words = normalize(text, keep_words=keep_words)
    if max_words is not None and max_words < 2 * min_words:
        raise ValueError(f"max_words ({max_words}) must be at least twice min_words ({min_words})")
    folded = fold_punctuation(text)
    out: list[Chunk] = []
    for sentence in _sentence_groups(text, words):
        if max_words is None or len(sentence) <= max_words:
            pieces = [sentence]
        else:
            pieces = _split_long(sentence, max_words, min_words)
        for k, piece in enumerate(pieces):
            a, b = _span(text, folded, piece)
            out.append(Chunk(text[a:b], a, b, tuple(piece), sentence_end=k == len(pieces) - 1))
    return out


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def iter_chunks(text: str, *, max_words: int | None = DEFAULT_MAX_WORDS,
                min_words: int = DEFAULT_MIN_WORDS, keep_words: Collection[str] = ()
                ) -> Iterator[Chunk]:
    """Like ``chunks`` but lazy, one paragraph at a time: the first chunk of a long text is
    ready before the rest is normalized. Spans are in ``text``, as with ``chunks``."""
    pos = 0
    for m in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        para = text[pos:end]
        if para.strip():
            for c in chunks(para, max_words=max_words, min_words=min_words,
                            keep_words=keep_words):
                yield Chunk(c.text, c.start + pos, c.end + pos,
                            tuple(replace(w, start=w.start + pos, end=w.end + pos)
                                  for w in c.words), c.sentence_end)
        if m:
            pos = m.end()
