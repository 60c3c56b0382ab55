"""Sentence boundaries for the transport (previous/next sentence) and the highlight, and the
mapping between Python string indices and Qt document positions (UTF-16 code units)."""

from __future__ import annotations

import bisect
import re

# A sentence ends at . ! ? … (with closing quotes/brackets) followed by space, or at a blank
# line / line break. Abbreviations such as "Mr." split a sentence in two; that only moves a
# navigation stop, the engine does its own splitting for synthesis.
_SENTENCE_END = re.compile(r"""[.!?\u2026]+["'\u201d\u2019)\]]*(?=\s)|\n""")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every sentence, leading whitespace excluded, empty ones dropped."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        _add(text, start, end, spans)
        start = end
    _add(text, start, len(text), spans)
    return spans


def _add(text, start, end, spans):
    while start < end and text[start].isspace():
        start += 1
    stop = end
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    if stop > start:
        spans.append((start, stop))


def sentence_index_at(spans: list[tuple[int, int]], position: int, starts: list[int] | None = None) -> int:
    """The sentence containing ``position``, or the next one after it (len(spans) past the end).
    ``starts`` (the spans' starts, precomputed) makes it O(log n)."""
    if starts is None:
        starts = [s for s, _ in spans]
    i = bisect.bisect_right(starts, position) - 1
    if i >= 0 and position < spans[i][1]:
        return i
    return i + 1


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Python index <-> Qt position; identity unless the text has characters outside the BMP."""

    def __init__(self, text: str):
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]

    def to_qt(self, index: int) -> int:
        return index + bisect.bisect_left(self._astral, index)

    def from_qt(self, position: int) -> int:
        index = position
        for n, i in enumerate(self._astral):  # few astral characters in practice
            if i + n < position:
                index -= 1
            else:
                break
        return index


class SentenceFinder:
    """Sentence look-ups around a position without splitting the whole text (a book can have
    100,000 sentences; only a window of a few thousand characters is split, and cached)."""

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

    def _load(self, position: int) -> bool:
        """Split the window around ``position``; False if that changed nothing."""
        n = len(self.text)
        lo, hi = max(0, position - self.radius), min(n, position + self.radius)
        cut_lo = cut_hi = False
        if lo > 0:  # start after a line break when there is one, so the first sentence is whole
            nl = self.text.rfind("\n", lo, min(position, lo + self.radius // 2))
            lo, cut_lo = (nl + 1, False) if nl >= 0 else (lo, True)
        if hi < n:
            nl = self.text.find("\n", max(position, hi - self.radius // 2), hi)
            hi, cut_hi = (nl, False) if nl >= 0 else (hi, True)
        spans = [(a + lo, b + lo) for a, b in sentence_spans(self.text[lo:hi])]
        # A window cut inside a sentence: drop the partial sentences at its edges.
        if cut_lo and len(spans) > 1:
            spans.pop(0)
            lo = spans[0][0]
        if cut_hi and len(spans) > 1:
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
