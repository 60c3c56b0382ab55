"""Sentence and paragraph boundaries for the transport (previous/next), the highlight and the
cursor moves, and the mapping between Python string indices and Qt document positions (UTF-16
code units).

Sentences are the engine's own (``bittts.engine.text.chunking.split_sentences``): the spans the
synthesizer reads, found on the normalized words, so "Dr.", "3.5", "a.m.", "J. R. R. Tolkien" and
"…" before a small letter never end one. The front end costs about 20 ms of CPU for 6,000
characters on the development machine, so a book is never split whole on the GUI thread:
``SentenceFinder`` splits a window of about 6,000 characters around the position and caches it;
look-ups inside the window are binary searches (microseconds).

A paragraph is the text between blank lines (the engine's paragraph break, which always ends a
sentence). Everything here is plain Python, called on the GUI thread.
"""

from __future__ import annotations

import bisect
import re

from bittts.engine.text.chunking import split_sentences

# A line holding only spaces or tabs between two line breaks: the engine's paragraph break.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_SPACE = re.compile(r"\s")
_NOT_SPACE = re.compile(r"\S")

# Characters next to a window's cut (not at a blank line) that are not trusted: the normalizer
# looks a few words around each word ("a.m." cut after "a." could read as a sentence end).
CUT_MARGIN = 200


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every sentence of ``text`` as the engine splits it (the whole text: use
    ``SentenceFinder`` for a long one)."""
    return [(c.start, c.end) for c in split_sentences(text)]


def sentence_index_at(spans: list[tuple[int, int]], position: int, starts: list[int] | None = None) -> int:
    """The sentence containing ``position``, or the next one after it (len(spans) past the end).
    ``starts`` (the spans' starts, precomputed) makes it O(log n)."""
    if starts is None:
        starts = [s for s, _ in spans]
    i = bisect.bisect_right(starts, position) - 1
    if i >= 0 and position < spans[i][1]:
        return i
    return i + 1


# ---- paragraphs
def _skip_space(text: str, i: int) -> int:
    m = _NOT_SPACE.search(text, i)
    return m.start() if m else len(text)


def _before_spaces(text: str, position: int) -> int:
    """The index after the last non-space character before ``position`` (0 if none); costs
    about the length of the spaces skipped."""
    i = min(max(position, 0), len(text))
    while i > 0:
        lo = max(0, i - 4096)
        kept = len(text[lo:i].rstrip())
        if kept:
            return lo + kept
        i = lo
    return 0


def _last_blank_line(text: str, lo: int, hi: int):
    """The last blank line that ends at or before ``hi`` and starts at or after ``lo`` (None if
    none). Searched backwards in growing windows, so a step costs about the distance covered."""
    width = 4096
    while True:
        start = max(lo, hi - width)
        last = None
        for last in _BLANK_LINE.finditer(text, start, hi):  # noqa: B007 - the last one is wanted
            pass
        if last is not None or start == lo:
            return last
        width *= 4


def next_paragraph_start(text: str, position: int) -> int | None:
    """The first paragraph start after ``position`` (None in the last paragraph)."""
    i = _before_spaces(text, position)  # inside the blank lines: count them from their start
    for m in _BLANK_LINE.finditer(text, max(0, i - 1)):
        start = _skip_space(text, m.end())
        if start >= len(text):
            return None
        if start > position:
            return start
    return None


def previous_paragraph_start(text: str, position: int) -> int | None:
    """The last paragraph start before ``position``: the start of the paragraph the cursor is in,
    or of the one before when it is at its start (None above the first)."""
    # Back over the spaces before the position: the paragraph sought holds the last character
    # before them, so one search for the blank line above it is enough.
    hi = _before_spaces(text, position)
    if hi == 0:
        return None
    m = _last_blank_line(text, 0, hi)
    return _skip_space(text, m.end() if m else 0)


# ---- positions
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Python index <-> Qt position; identity unless the text has characters outside the BMP."""

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_qt = [i + n for n, i in enumerate(self._astral)]  # their Qt positions, ascending

    def to_qt(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index)

    def from_qt(self, position: int) -> int:
        # each astral character before ``position`` takes two UTF-16 units for one index
        return position - bisect.bisect_left(self._astral_qt, position)


class SentenceFinder:
    """Sentence look-ups around a position without splitting the whole text (a book can have
    100,000 sentences; only a window of ``2 * radius`` characters is split, and cached).

    Windows start and end at blank lines where there are some (a blank line always ends a
    sentence, so the split there is exact); a window cut elsewhere drops the sentences within
    ``CUT_MARGIN`` characters of the cut, which the whole text may split differently."""

    def __init__(self, text: str, radius: int = 3000):
        self.text, self.radius = text, radius
        self._lo = self._hi = -1
        self._spans: list[tuple[int, int]] = []
        self._starts: list[int] = []

    def _window(self, position: int) -> None:
        n = len(self.text)
        margin = self.radius // 3
        if (
            self._lo >= 0
            and (self._lo == 0 or position - self._lo > margin)
            and (self._hi == n or self._hi - position > margin)
        ):
            return
        self._load(position)

    def _edges(self, position: int) -> tuple[int, int, bool, bool]:
        """The window around ``position``: (lo, hi, cut at lo, cut at hi)."""
        text, n, half = self.text, len(self.text), self.radius // 2
        lo, hi = max(0, position - self.radius), min(n, position + self.radius)
        cut_lo = cut_hi = False
        if lo > 0:
            blank = _last_blank_line(text, lo, max(lo, min(position, lo + half)))
            if blank is not None:
                lo = blank.end()
            else:  # no blank line: cut at a space, never inside a word
                space = _SPACE.search(text, lo, max(lo, position))
                lo, cut_lo = (space.start() if space else lo), True
        if hi < n:
            blank_after = _BLANK_LINE.search(text, max(position, hi - half), hi)
            if blank_after is not None:
                hi = blank_after.start()
            else:
                last_space = text.rfind(" ", max(position, hi - half), hi)
                hi, cut_hi = (last_space if last_space > position else hi), True
        return lo, hi, cut_lo, cut_hi

    def _load(self, position: int) -> bool:
        """Split the window around ``position``; False if that changed nothing."""
        lo, hi, cut_lo, cut_hi = self._edges(position)
        spans = [(a + lo, b + lo) for a, b in sentence_spans(self.text[lo:hi])]
        if cut_lo and len(spans) > 1:  # the first sentence is partial, the next ones near the cut unsure
            spans.pop(0)
            while len(spans) > 1 and spans[0][0] < lo + CUT_MARGIN:
                spans.pop(0)
            lo = spans[0][0]
        if cut_hi and len(spans) > 1:
            cut, hi = hi, spans.pop()[0]
            while len(spans) > 1 and spans[-1][1] > cut - CUT_MARGIN:
                hi = spans.pop()[0]
        changed = (lo, hi) != (self._lo, self._hi)
        self._lo, self._hi = lo, hi
        self._spans = spans
        self._starts = [a for a, _ in spans]
        return changed

    def index(self, position: int) -> tuple[list[tuple[int, int]], int]:
        """(spans of the window, index of the sentence containing or following ``position``)."""
        self._window(position)
        return self._spans, sentence_index_at(self._spans, position, self._starts)

    def containing(self, position: int) -> tuple[int, int] | None:
        """The sentence containing ``position``, or the next one (None past the last)."""
        spans, i = self.index(position)
        if i < len(spans):
            return spans[i]
        if self._hi < len(self.text) and self._load(self._hi):
            spans, i = self._spans, sentence_index_at(self._spans, position, self._starts)
            return spans[i] if i < len(spans) else None
        return None

    def next_start(self, position: int) -> int | None:
        """Start of the first sentence that starts after ``position`` (None at the end)."""
        self._window(position)
        k = bisect.bisect_right(self._starts, position)
        if k == len(self._starts) and self._hi < len(self.text) and self._load(self._hi):
            k = bisect.bisect_right(self._starts, position)
        return self._starts[k] if k < len(self._starts) else None

    def previous_start(self, position: int) -> int:
        """Start of the sentence before the one at ``position`` (the first one's start at the top)."""
        current = self.containing(position)
        target = current[0] if current and current[0] <= position else position
        self._window(target)
        k = bisect.bisect_left(self._starts, target) - 1
        if k < 0 and self._lo > 0 and self._load(self._lo):
            k = bisect.bisect_left(self._starts, target) - 1
        if k >= 0:
            return self._starts[k]
        return self._starts[0] if self._starts else 0
