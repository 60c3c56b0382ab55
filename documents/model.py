"""What a document reader returns: the text that is read, its blocks and its chapters.

The text is what a person would read aloud: blocks (a heading, a paragraph, a list item, a
table cell, a footnote) joined by one blank line, each block on one line (a code block keeps
its line breaks), no markup. Chapters and blocks are spans of that text, so the app, the
command line and the audiobook exporter all cut and navigate the same string.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

BLOCK_KINDS = ("heading", "paragraph", "item", "cell", "quote", "code", "note", "caption")


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of reading: ``text[start:end]`` of its Document."""

    kind: str  # one of BLOCK_KINDS
    start: int
    end: int
    level: int = 0  # a heading's level, 1 to 6; 0 for other blocks


@dataclass(frozen=True, slots=True)
class Chapter:
    """A chapter (an EPUB table-of-contents entry, a PDF outline entry, a heading): it starts at
    ``start`` in the Document's text and runs to the next chapter of the same or a higher level."""

    title: str
    start: int
    level: int = 1  # 1 = top level


@dataclass(frozen=True)
class Document:
    """A read document. ``text`` is what is spoken; ``blocks`` cover it in order, and
    ``chapters`` are sorted by ``start`` (empty when the format has none)."""

    text: str
    title: str = ""
    format: str = "txt"  # txt, md, html, epub, pdf, docx, odt
    blocks: tuple[Block, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    path: Path | None = field(default=None, compare=False)


class DocumentBuilder:
    """Collects blocks in reading order and makes the Document (one blank line between blocks)."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._blocks: list[Block] = []
        self._chapters: list[Chapter] = []
        self._pending: list[tuple[str, int]] = []  # chapters waiting for their first block

    @property
    def length(self) -> int:
        return self._length

    @property
    def block_count(self) -> int:
        """How many blocks have been added (the index the next one will have)."""
        return len(self._blocks)

    def add(self, kind: str, text: str, level: int = 0) -> None:
        """A block; whitespace is collapsed (code keeps its lines), an empty one is skipped."""
        if kind == "code":  # its lines kept, the indentation they share dropped
            text = textwrap.dedent("\n".join(line.rstrip() for line in text.strip("\n").split("\n"))).strip("\n")
        else:
            text = " ".join(text.split())
        if not text:
            return
        if self._parts:
            self._parts.append("\n\n")
            self._length += 2
        start = self._length
        for title, chapter_level in self._pending:
            self._chapters.append(Chapter(title, start, chapter_level))
        self._pending.clear()
        self._parts.append(text)
        self._length += len(text)
        self._blocks.append(Block(kind, start, self._length, level))

    def chapter(self, title: str, level: int = 1) -> None:
        """A chapter starting at the next block added."""
        title = " ".join(title.split())
        if title:
            self._pending.append((title, level))

    def build(self, title: str = "", format: str = "txt", path: Path | None = None) -> Document:
        text = "".join(self._parts)
        return Document(text, title, format, tuple(self._blocks), tuple(self._chapters), path)
