"""Plain text: paragraphs at blank lines, the lines of a paragraph joined into one.

A hard-wrapped paragraph is read as one; a word hyphenated across a line end is joined
("infor-" + "mation" -> "information"; "Anglo-" + "Saxon" -> "Anglo-Saxon"); a line starting
with a bullet (``-``, ``*``, ``•``) or a number (``1.``, ``2)``) is a list item of its own; a
line of one repeated symbol (``=====``, ``-----``, ``***``) is a rule, never read aloud, and
under a line of text (``Title`` over ``=====``) it makes that line a heading. A form feed ends
a paragraph. Linear in the length of the text; ``cancelled`` is looked at every
``CHECK_EVERY`` lines. Any thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .errors import CHECK_EVERY, check_cancelled
from .model import Document, DocumentBuilder

_RULE_RE = re.compile(r"[ \t]*+([=\-*_~#+.\u2014\u2013•·])(?:[ \t]*+\1){2,}+[ \t]*+")
_ITEM_RE = re.compile(r"[ \t]*+(?:([-*+\u2022\u2023\u25e6\u2043\u2219])|\(?[0-9]{1,3}[.)])[ \t]++(?=\S)")


def read_text(label: str, text: str, cancelled: Callable[[], bool]) -> Document:
    """The Document of ``text`` (newlines already ``\\n``); ``label`` names the file."""
    builder = DocumentBuilder()
    add_text_blocks(builder, text, cancelled)
    return builder.build(format="txt")


def add_text_blocks(builder: DocumentBuilder, text: str, cancelled: Callable[[], bool]) -> None:
    """Adds the paragraphs, list items and headings of plain ``text`` to ``builder``."""
    lines: list[str] = []  # the paragraph being gathered
    kind = "paragraph"

    def flush() -> None:
        nonlocal kind
        if lines:
            builder.add(kind, join_lines(lines))
            lines.clear()
        kind = "paragraph"

    for k, line in enumerate(text.replace("\f", "\n\n").split("\n")):
        if k % CHECK_EVERY == 0:
            check_cancelled(cancelled)
        if not line.strip():
            flush()
            continue
        rule = _RULE_RE.fullmatch(line)
        if rule:
            if rule.group(1) in "=-" and len(lines) == 1 and kind == "paragraph":
                builder.add("heading", lines[0], level=1 if rule.group(1) == "=" else 2)
                lines.clear()
            flush()
            continue
        item = _ITEM_RE.match(line)
        if item:
            flush()
            kind = "item"
            if item.group(1):  # a bullet is not read; a number is
                line = line[item.end() :]
        lines.append(line)
    flush()


def join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one line: a word hyphenated at a line end is joined (without
    its hyphen when the next line goes on in lower case); other line breaks become spaces."""
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if out and out[-1][-2:-1].isalpha() and out[-1].endswith("-") and line[:1].isalpha():
            # a lower-case go-on is one word broken; a capital goes on a compound (Anglo-Saxon)
            out[-1] = (out[-1][:-1] if line[0].islower() else out[-1]) + line
        else:
            out.append(line)
    return " ".join(out)
