"""Markdown as a person reads it: markdown-it-py (MIT; CommonMark, with GFM tables and
strikethrough) renders it to HTML, and html.BlockWalker reads that like any page.

Front matter at the top (YAML between ``---`` lines, TOML between ``+++`` lines) is dropped, its
``title`` kept as the document's title. Setext headings (a ``=====`` or ``-----`` underline) are
headings, as the parser reads them; tables give one block per cell; raw HTML inside the
Markdown is read as HTML (its scripts and styles dropped). Two or more level 1/2 headings
become chapters, as in HTML. An image is read as its alt text. Footnotes (``[^1]``) are read
as their numbers, apart from the word before them, and their text where it is defined; task
list boxes (``- [ ]``) are not read.

markdown-it-py is linear but slow on some input (about 1 MB/s on prose; 100 KB/s on a megabyte
of ``[``), so the source is parsed in pieces of at most about ``PIECE_CHARS`` that end at blank
lines outside fenced code, ``cancelled`` looked at between pieces: a cancel takes effect within
one piece (well under a second). Reference-style link definitions are gathered from the whole
source first, so a link defined at the end is resolved in every piece. Any thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference

from .errors import check_cancelled
from .html import BlockWalker, parse_html, with_heading_chapters
from .model import Document, DocumentBuilder

PIECE_CHARS = 16 * 1024  # source characters parsed between two looks at ``cancelled``
LONG_LINE_CHARS = PIECE_CHARS  # a line longer than this is cut at a space (emphasis runs are superlinear in a piece)

_FRONT_MATTER_RE = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n")
_FENCE_RE = re.compile(r"[ ]{0,3}(`{3,}|~{3,})")
_REFERENCE_RE = re.compile(r"^[ ]{0,3}\[([^\]\n]{1,999})\]:", re.MULTILINE)
_TITLE_RE = re.compile(r"""^title[ \t]*[:=][ \t]*["']?(.*?)["']?[ \t]*$""", re.MULTILINE | re.IGNORECASE)

# footnotes (a Pandoc/GFM extension CommonMark lacks): "[^label]: text" at a line's start, and
# "[^label]" where it is referenced; task list boxes "- [ ] " / "- [x] "
_FOOTNOTE_DEF_RE = re.compile(r"^[ ]{0,3}\[\^([^\]\s]{1,50})\]:[ \t]*", re.MULTILINE)
_FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]{1,50})\](?!:)")
_TASK_BOX_RE = re.compile(r"^([ \t]*+(?:[-*+]|[0-9]{1,9}[.)])[ \t]++)\[[ xX]\](?=[ \t])", re.MULTILINE)

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def read_markdown(label: str, source: str, cancelled: Callable[[], bool]) -> Document:
    """The Document of Markdown ``source`` (newlines already ``\\n``)."""
    body, title = split_front_matter(source)
    body = plain_footnotes(_TASK_BOX_RE.sub(r"\1", body))
    env = {"references": {normalizeReference(label): {"href": "", "title": ""} for label in _references(body)}}
    builder = DocumentBuilder()
    walker = BlockWalker(builder, cancelled, image_alt=True)
    for piece in pieces(body):
        check_cancelled(cancelled)
        tree, _ = parse_html(_PARSER.render(piece, env))
        walker.walk(tree)
    document = builder.build(title=title, format="md")
    if not title:  # the first heading names the document
        title = next((document.text[b.start : b.end] for b in document.blocks if b.kind == "heading"), "")
    return with_heading_chapters(replace(document, title=title))


def markdown_to_text(source: str, cancelled: Callable[[], bool] | None = None) -> str:
    """The text of Markdown ``source`` as ``read_markdown`` reads it."""
    return read_markdown("the text", source.replace("\r\n", "\n"), cancelled or (lambda: False)).text


def split_front_matter(source: str) -> tuple[str, str]:
    """``source`` without its front matter, and the title the front matter gives ("" if none).
    Front matter is a ``---`` (YAML) or ``+++`` (TOML) line at the very top, closed by the same
    line (or ``...`` for YAML); without a closing line there is none."""
    source = source.lstrip("\ufeff")
    opening = _FRONT_MATTER_RE.match(source)
    if not opening:
        return source, ""
    fence = opening.group(0).strip()
    closers = ("---", "...") if fence == "---" else ("+++",)
    at = opening.end()
    while at < len(source):
        end = source.find("\n", at)
        end = len(source) if end < 0 else end
        if source[at:end].rstrip() in closers:
            matter = source[opening.end() : at]
            title = _TITLE_RE.search(matter)
            return source[end + 1 :], title.group(1).strip() if title else ""
        at = end + 1
    return source, ""


def plain_footnotes(source: str) -> str:
    """Footnotes as a reader hears them: a reference ``[^label]`` becomes its number, raised
    (``<sup>1</sup>``, kept apart from the word before it), and a definition ``[^label]: text``
    a paragraph starting with that number; labels are numbered in the order they first appear.
    Only labels that have a definition count, so ``[^abc]`` in a regular expression stays. Linear."""
    defined = {m.group(1) for m in _FOOTNOTE_DEF_RE.finditer(source)}
    if not defined:
        return source
    numbers: dict[str, int] = {}

    def number(label: str) -> int:
        return numbers.setdefault(label, len(numbers) + 1)

    def reference(m: re.Match[str]) -> str:
        return f"<sup>{number(m.group(1))}</sup>" if m.group(1) in defined else m.group(0)

    source = _FOOTNOTE_REF_RE.sub(reference, source)  # definitions are left: "(?!:)"
    return _FOOTNOTE_DEF_RE.sub(lambda m: f"\n{number(m.group(1))} ", source)  # a paragraph of its own


def _references(source: str) -> set[str]:
    return {m.group(1) for m in _REFERENCE_RE.finditer(source)}


def pieces(source: str) -> Iterator[str]:
    """``source`` cut at blank lines outside fenced code into pieces of about ``PIECE_CHARS``
    (a longer paragraph is one piece, cut at line ends past ``LONG_LINE_CHARS``). Linear."""
    gathered: list[str] = []
    size = 0
    fence = ""  # the opening fence's mark while inside fenced code
    for line in _bounded_lines(source):
        mark = _FENCE_RE.match(line)
        if mark:
            run = mark.group(1)
            if not fence:
                fence = run
            elif run[0] == fence[0] and len(run) >= len(fence) and not line[mark.end() :].strip():
                fence = ""
        gathered.append(line)
        size += len(line) + 1
        if not fence and (size >= LONG_LINE_CHARS or (size >= PIECE_CHARS and not line.strip())):
            yield "\n".join(gathered) + "\n"
            gathered, size = [], 0
    if gathered:
        yield "\n".join(gathered) + "\n"


def _bounded_lines(source: str) -> Iterator[str]:
    """The lines of ``source``, one longer than ``LONG_LINE_CHARS`` cut at a space (or anywhere)."""
    for line in source.split("\n"):
        while len(line) > LONG_LINE_CHARS:
            cut = line.rfind(" ", 0, LONG_LINE_CHARS)
            cut = LONG_LINE_CHARS if cut <= 0 else cut
            yield line[:cut]
            line = line[cut:].lstrip(" ")
        yield line
