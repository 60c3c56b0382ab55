"""The scanner: reads the text left to right and hands each position to the rule tables.

At each position a digit goes to ``rules.NUMERIC_RULES``, a letter to ``rules.ALPHA_RULES``
and anything else to ``rules.SYMBOL_RULES``; the first rule whose pattern matches there and
whose handler accepts the match emits words and says where reading goes on. This module also
holds what the handlers share: the output words, their punctuation, and the lazily found
word/number tokens that the context tests look at.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Collection, Iterator

from .base import PUNCT_RANK, Word, fold_punctuation
from .patterns import WORD_TOKEN
from .rules import ALPHA_RULES, ALPHA_RULES_WITHOUT_KEEP, NUMERIC_RULES, SYMBOL_INDEX

_CLOSERS = "\"')]}"
_OPENERS = "\"'([{"
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,3}[.)])\s")

# Words the scanner hands out at once: few enough that the first chunk of a text is ready at
# once, enough that handing them out costs little.
_BATCH_WORDS = 16


class _Scanner:
    """Reads ``text`` left to right; ``word_batches()`` yields words as soon as they are final.

    Nothing is computed ahead for the whole text: the word/number tokens that the context
    helpers look at are found lazily, so the first words of a long text come at once.
    """

    def __init__(self, text: str, keep_words: Collection[str] = (), date_order: str = "MDY"):
        self.keep = keep_words
        self.date_order = date_order
        self.s = fold_punctuation(text)
        self.n = len(self.s)
        # Words not yet handed out: [text, start, end, punct, letter]. Only the last one can
        # still change (its punctuation), so all before it are final after each step.
        self.out: list[list] = []
        self.tokens: list[tuple[int, int]] = []  # word/number tokens found so far, in order
        self.tok_starts: list[int] = []
        self._token_iter = WORD_TOKEN.finditer(self.s)
        self._alpha_rules = ALPHA_RULES if keep_words else ALPHA_RULES_WITHOUT_KEEP

    # ---- context helpers
    def _more_tokens(self) -> bool:
        """Find the next few tokens; False at the end of the text."""
        found = [m.span() for m in itertools.islice(self._token_iter, 64)]
        self.tokens += found
        self.tok_starts += [a for a, _ in found]
        return bool(found)

    def tokens_past(self, pos: int) -> None:
        """Find tokens until one starts at or after ``pos`` (or the text ends)."""
        while (not self.tokens or self.tok_starts[-1] < pos) and self._more_tokens():
            pass

    def token(self, k: int) -> tuple[int, int] | None:
        """The span of the k-th token of the text, or None past the last one."""
        while k >= len(self.tokens) and self._more_tokens():
            pass
        return self.tokens[k] if 0 <= k < len(self.tokens) else None

    def prev_token(self, i: int) -> tuple[str, int] | None:
        """The raw word/number token that ends at or before i, with its start."""
        self.tokens_past(i)
        k = bisect.bisect_left(self.tok_starts, i) - 1
        while k >= 0:
            a, b = self.tokens[k]
            if b <= i:
                return self.s[a:b], a
            k -= 1
        return None

    def next_token(self, j: int) -> tuple[str, int] | None:
        self.tokens_past(j)
        k = bisect.bisect_left(self.tok_starts, j)
        if k < len(self.tokens):
            a, b = self.tokens[k]
            return self.s[a:b], a
        return None

    def gap(self, b: int, c: int) -> bool:
        """True when only spaces stand in ``[b, c)``."""
        return self.s[b:c].strip() == ""

    def adjacent_prev(self, i: int) -> tuple[str, int] | None:
        """The token right before i with only spaces between, else None."""
        tok = self.prev_token(i)
        return tok if tok and self.gap(tok[1] + len(tok[0]), i) else None

    def adjacent_next(self, j: int) -> tuple[str, int] | None:
        tok = self.next_token(j)
        return tok if tok and self.gap(j, tok[1]) else None

    def sentence_initial(self, i: int) -> bool:
        """True when nothing but quotes/brackets/space stands between i and a sentence end."""
        k = i - 1
        while k >= 0 and (self.s[k].isspace() or self.s[k] in _OPENERS):
            k -= 1
        return k < 0 or self.s[k] in ".!?…:"

    def next_char(self, j: int, skip_closers: bool = True) -> str:
        """The first non-space character at or after j (closing quotes skipped), '' at the end."""
        while j < self.n and (self.s[j].isspace() or (skip_closers and self.s[j] in _CLOSERS)):
            j += 1
        return self.s[j] if j < self.n else ""

    def name_like(self, tok: tuple[str, int] | None) -> bool:
        """A capitalized word (not all caps) that is not the first of its sentence."""
        if tok is None:
            return False
        t, a = tok
        return len(t) > 1 and t[0].isupper() and t[1:].islower() and t.isalpha() and not self.sentence_initial(a)

    # ---- output helpers
    def add(self, words: str, start: int, end: int, letter: bool = False) -> None:
        for w in re.split(r"[\s\-]+", words):
            if w:
                self.out.append([w.lower(), start, end, "", letter])

    def spell(self, letters: str, start: int, end: int) -> None:
        for c in letters:
            if c.isalpha():
                self.out.append([c.lower(), start, end, "", True])

    def punct(self, p: str, pos: int) -> None:
        if not self.out or self.out[-1][2] > pos:
            return
        cur = self.out[-1][3]
        if not cur or PUNCT_RANK[p] < PUNCT_RANK[cur]:
            self.out[-1][3] = p

    def end_period(self, j: int) -> None:
        """The period that closes an abbreviation (ending at j) also ends the sentence when the
        text ends there or the next word is capitalized; it goes on the word just emitted."""
        c = self.next_char(j)
        if self.out and (c == "" or c.isupper()):
            cur = self.out[-1][3]
            if not cur or PUNCT_RANK["."] < PUNCT_RANK[cur]:
                self.out[-1][3] = "."

    def line_break(self, i: int) -> None:
        """A line that ends without punctuation ends its sentence when a blank line follows,
        when the next line is a list item ("- ", "* ", "1. "), or when it is much shorter than
        the lines around it (a heading) and the next line starts with a capital or a digit.
        Lines of similar length are taken as hard-wrapped prose and run on."""
        if not self.out or self.out[-1][3] or self.out[-1][2] > i:
            return
        s = self.s
        line_start = s.rfind("\n", 0, i) + 1
        line = s[line_start:i].strip()
        prev_line = (
            s[s.rfind("\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)].strip() if line_start > 0 else ""
        )
        next_end = s.find("\n", i + 1)
        next_line = s[i + 1 : next_end if next_end >= 0 else self.n]
        if not next_line.strip():
            self.out[-1][3] = "."
            return
        head = next_line.lstrip()
        item = _LIST_ITEM
        if item.match(head) or (item.match(line) and (head[:1].isupper() or head[:1].isdecimal())):
            self.out[-1][3] = "."
            return
        around = max(len(prev_line), len(next_line.strip()))
        if line and len(line) < 0.6 * around and (head[:1].isupper() or head[:1].isdecimal()):
            self.out[-1][3] = "."

    # ---- main loop
    def word_batches(self) -> Iterator[list[Word]]:
        """The spoken words in order, in small batches of words that nothing after them can
        change any more (only the last word read can still take punctuation)."""
        s, i, out = self.s, 0, self.out
        while i < self.n:
            c = s[i]
            if c.isspace():
                if c == "\n":
                    self.line_break(i)
                i += 1
                continue
            j = None
            if c.isdecimal() or (
                c == "." and i + 1 < self.n and s[i + 1].isdecimal() and (i == 0 or not s[i - 1].isalnum())
            ):
                j = self.numeric(i)
            elif c.isalpha():
                j = self.alpha(i)
            else:
                j = self.symbol(i)
            i = j if j is not None and j > i else i + 1
            if len(out) > _BATCH_WORDS:
                last = out.pop()
                yield [Word(*w) for w in out]
                out.clear()
                out.append(last)
        yield [Word(*w) for w in out]
        out.clear()

    # ---- dispatch: the first rule that matches and accepts says where reading goes on
    def numeric(self, i: int) -> int | None:
        """A token that starts with a digit (or ".5"): ``NUMERIC_RULES`` in order."""
        s = self.s
        for _name, pattern, handler in NUMERIC_RULES:
            m = pattern.match(s, i)
            if m is not None:
                j = handler(self, m)
                if j is not None:
                    return j
        return None

    def alpha(self, i: int) -> int | None:
        """A token that starts with a letter: ``ALPHA_RULES`` in order."""
        s = self.s
        for _name, pattern, handler in self._alpha_rules:
            m = pattern.match(s, i)
            if m is not None:
                j = handler(self, m)
                if j is not None:
                    return j
        # a letter that is not a "word" char (should not happen); drop it
        return i + 1

    def symbol(self, i: int) -> int | None:
        """Any other character: the ``SYMBOL_RULES`` for it in order; dropped when none takes it."""
        for handler in SYMBOL_INDEX.get(self.s[i], ()):
            j = handler(self, i)
            if j is not None:
                return j
        return i + 1
