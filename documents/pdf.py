"""PDF documents read as a person reads the page: ``read_pdf(label, data, cancelled) -> Document``.

pypdf (BSD) parses the file and hands each piece of text with its position (the text and the
current transformation matrices, through ``extract_text``'s ``visitor_text``). From the pieces:

1. Lines: pieces on one baseline (a raised or lowered smaller piece, a footnote marker, joins the
   line it sits on, apart from the word before it), top to bottom, left to right.
2. Running headers and footers: a line in the top or bottom band (``PAGE_BAND`` of the page's
   height) whose text, digits replaced by ``#``, recurs on ``RECURRING_SHARE`` of the pages (at least
   ``RECURRING_MIN_PAGES``) is dropped, and so is a lone page number there ("12", "- 12 -",
   "Page 3 of 9", "xii") and a chapter's own running head (the same words at the same height on
   a nearby page, with another page number). Contents lines (dot leaders to a page number) and
   text set at an angle (a watermark) are left out too.
3. Columns: a page whose body has a gutter (a vertical strip no line crosses, in the middle of
   the page, with text on both sides of most lines) is read column by column; a line across the
   gutter (a title over both columns) is read where it stands.
4. Blocks: lines join into paragraphs; a paragraph ends at a larger vertical gap, an indented
   line, a change of type size, or a line that ends a sentence well short of the right margin.
   A word hyphenated at a line end is joined ("exam-" + "ple" -> "example") when the next line
   starts in lower case; otherwise the hyphen stays ("Anglo-" + "Saxon" -> "Anglo-Saxon").
   Lines in a larger type than the body are headings (levels by size); a line starting with a
   bullet or "1." is a list item; lines in a fixed-pitch font are a code block.
5. Chapters: the outline (bookmarks), nested entries one level deeper, each at the first block
   of its destination page, or the first block at or below the destination's top.

Footnotes (the page's last small-type blocks that start with a mark raised in its text) are read
after the text. Widths come from the fonts' character widths (estimated at half an em a
character when pypdf cannot give them); they decide spaces, columns and "short of the margin".
Every stream is inflated to at most ``MAX_DOCUMENT_BYTES`` (pypdf's Configuration limits), so a
small file cannot unpack into gigabytes. Units: PDF points (1/72 inch), y upwards. Runs on the
caller's thread; ``cancelled`` is looked at between pages.
"""

from __future__ import annotations

import dataclasses
import io
import logging
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bittts.engine.files import format_limit
from bittts.engine.limits import MAX_DOCUMENT_BYTES

from .errors import DocumentError, check_cancelled
from .model import Document, DocumentBuilder

PAGE_BAND = 0.08  # share of the page height at the top and at the bottom where running heads live
RECURRING_SHARE = 0.4  # a band line on this share of the pages is a running header or footer
RECURRING_MIN_PAGES = 3  # ... and on at least this many pages
ROTATED_MAX_SHARE = 0.5  # text at an angle (a watermark) is left out while it is at most this share of a page
NEARBY_PAGES = 2  # a band line also on a page this near, at the same height, is a chapter's running head
CHAR_WIDTH_EM = 0.5  # estimated advance of one character, in ems (Helvetica's average is about 0.5)
MONO_CHAR_WIDTH_EM = 0.6  # advance of a fixed-pitch character (Courier's), for a code line's indentation
GUTTER_MIN_SIDE_SHARE = 0.3  # a two-column page has text on each side of the gutter in this share of lines
GUTTER_MAX_CROSSING_SHARE = 0.15  # ... and at most this share of its lines crosses the gutter
FOOTNOTE_SIZE = 0.92  # a footnote's type is smaller than this share of the body's
FOOTNOTE_ZONE = 0.4  # ... and it sits in this share of the page from the bottom
PARAGRAPH_GAP = 1.4  # a gap this many times the usual line spacing ends a paragraph
HEADING_SIZE = 1.15  # a line this many times the body size is a heading
SHORT_LINE_SHARE = 0.12  # a sentence ending this far (share of the column width) from the margin ends a paragraph

_LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"}
)
_ROMAN = re.compile(r"m{0,3}(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
_PAGE_NUMBER = re.compile(r"(?:page\s+)?[-\u2013\u2014(\s]*(\w+)[-\u2013\u2014)\s]*(?:(?:of|/)\s*\d+)?", re.IGNORECASE)
_BULLET = re.compile(r"([\u2022\u25e6\u25aa\u25cf\u2023\u2043\u2013\u2014*-]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s")
_SENTENCE_END = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*$")
_SUPERSCRIPT_DIGITS = re.compile(r"(?<=\w)([\u00b9\u00b2\u00b3\u2070-\u2079]+)")
_NOTE_MARK = re.compile(r"(\d{1,3}|[*\u2020\u2021\u00a7\u00b6]{1,3}|[\u00b9\u00b2\u00b3\u2070-\u2079]+)[.)]?\s")
_SUPERSCRIPT_TO_DIGITS = str.maketrans("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079", "0123456789")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_CONTENTS_LINE = re.compile(r"(?:\.\s?){4,}\s*(?:\d+|[ivxlcdm]+)$", re.IGNORECASE)  # "Intro . . . . 3"
_MONO_FONT_NAMES = ("courier", "mono", "cmtt", "cmsltt", "consol", "menlo", "typewriter", "code")

# The stream limits pypdf applies while it inflates and decodes (pypdf.Configuration field names).
_STREAM_LIMITS = {
    name: MAX_DOCUMENT_BYTES
    for name in (
        "maximum_declared_stream_length",
        "array_based_stream_maximum_output_length",
        "zlib_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "brotli_maximum_output_length",
        "jbig2_maximum_output_length",
        "image_maximum_buffer_size",
    )
}


# pypdf reports what it repairs in a damaged file as log warnings; without a handler of the
# application's own they would be printed on stderr, in the middle of the command line's output.
logging.getLogger("pypdf").addHandler(logging.NullHandler())


@dataclass
class _Piece:
    """A piece of text as drawn: baseline start (x, y) and type size, in points."""

    x: float
    y: float
    size: float
    text: str
    mono: bool = False  # set in a fixed-pitch font (code)
    width: float | None = None  # advance, from the font's widths; estimated when None

    @property
    def x1(self) -> float:
        return self.x + (self.width if self.width is not None else len(self.text) * self.size * CHAR_WIDTH_EM)


@dataclass
class _Line:
    pieces: list[_Piece]
    y: float  # baseline of its largest piece
    size: float  # type size of its largest piece
    text: str = ""

    @property
    def x0(self) -> float:
        return min(p.x for p in self.pieces)

    @property
    def x1(self) -> float:
        return max(p.x1 for p in self.pieces)

    @property
    def mono(self) -> bool:
        """Mostly in a fixed-pitch font: a line of code."""
        mono = sum(len(p.text) for p in self.pieces if p.mono)
        return mono >= 0.8 * sum(len(p.text) for p in self.pieces)


@dataclass
class _Flow:
    """Lines read one after another (a column of a band, or a line across the gutter) and the
    column's left and right edge."""

    lines: list[_Line]
    left: float
    right: float


@dataclass
class _Page:
    number: int
    top: float
    bottom: float
    left: float
    right: float
    lines: list[_Line] = field(default_factory=list)
    marks: set[str] = field(default_factory=set)  # note marks raised in its lines ("1", "*")


@dataclass
class _Block:
    kind: str
    text: str
    size: float
    page: int
    y: float  # baseline of its first line
    level: int = 0
    last_line: _Line | None = None
    x0: float = 0.0  # left edge of its first line


def read_pdf(label: str, data: bytes, cancelled: Callable[[], bool]) -> Document:
    """The document in ``data`` (a PDF file's bytes); ``label`` names it in errors. Raises
    DocumentError (damaged, protected by a password, no text layer, a stream too large) and
    DocumentCancelled."""
    try:
        from pypdf import Configuration, PdfReader, apply_configuration
        from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
    except ImportError:
        raise DocumentError(
            "reading PDF files needs the pypdf package (version 6.18 or newer), which is not installed"
        ) from None
    known = {f.name for f in dataclasses.fields(Configuration)}  # brotli's limit came after 6.18
    try:
        with apply_configuration(None, **{name: limit for name, limit in _STREAM_LIMITS.items() if name in known}):
            reader = PdfReader(io.BytesIO(data), strict=False)
            _unlock(reader, label)
            pages = []
            for number, page in enumerate(reader.pages):
                check_cancelled(cancelled, f"reading {label}")
                pages.append(_read_page(number, page))
            title = _title(reader)
            outline = _outline(reader)
    except DocumentError:
        raise
    except LimitReachedError:
        raise DocumentError(
            f"{label} has a stream that unpacks to more than {format_limit(MAX_DOCUMENT_BYTES)}; it is not read"
        ) from None
    except DependencyError as exc:  # AES encryption needs a crypto package pypdf does not bundle
        needs = "the cryptography package" if "crypt" in str(exc).lower() else _one_line(exc)
        raise DocumentError(f"{label} is encrypted in a way that needs {needs}, which is not installed") from None
    except RecursionError:
        raise DocumentError(f"cannot read {label}: its objects nest too deeply") from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, ArithmeticError, OSError) as exc:
        # pypdf reports a damaged file with many exception types; each is one line for the user
        raise DocumentError(f"cannot read {label}: it is damaged ({_one_line(exc) or type(exc).__name__})") from None
    _drop_running_heads(pages)
    blocks = _blocks(pages)
    if not blocks:
        raise DocumentError(f"{label} has no text layer (a scanned PDF needs OCR first)")
    return _document(blocks, outline, title)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:200]


def _unlock(reader: Any, label: str) -> None:
    """Opens an encrypted file with the empty password (many are encrypted only to set
    permissions); one that needs a real password is refused."""
    if not reader.is_encrypted:
        return
    if not reader.decrypt(""):
        raise DocumentError(f"{label} is protected by a password; open it in a PDF viewer and save an unprotected copy")


def _title(reader: Any) -> str:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata else None
    except Exception:  # noqa: BLE001 - a damaged Info dictionary only costs the title
        return ""
    return " ".join(str(title).split()) if title else ""


def _outline(reader: Any) -> list[_OutlineEntry]:
    try:
        if "/Outlines" not in reader.trailer["/Root"]:
            return []
        return list(_outline_entries(reader, reader.outline, 1))
    except DocumentError:
        raise
    except Exception:  # noqa: BLE001 - a damaged outline only costs the chapters
        return []


# ---- pieces and lines


def _read_page(number: int, page: Any) -> _Page:
    box = page.cropbox
    result = _Page(number, float(box.top), float(box.bottom), float(box.left), float(box.right))
    pieces: list[_Piece] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, font_size: float) -> None:
        text = text.replace("\n", " ").translate(_LIGATURES)
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        size = abs(font_size) * math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
        metrics = _font_metrics(font, fonts)
        width = metrics.width(text) * size / 1000 if metrics.width else None
        piece = _Piece(x, y, size or 1.0, text, metrics.mono, width)
        (rotated if _is_rotated(tm, cm) else pieces).append(piece)

    fonts: dict[int, _FontMetrics] = {}
    rotated: list[_Piece] = []
    page.extract_text(visitor_text=visit)
    if sum(len(p.text) for p in rotated) > ROTATED_MAX_SHARE * sum(len(p.text) for p in pieces + rotated):
        pieces += rotated  # a page set sideways (a landscape table): its text is the page
    result.lines = _group_lines(pieces)
    result.marks = _raised_marks(result.lines)
    return result


def _is_rotated(tm: list[float], cm: list[float]) -> bool:
    """Text set at an angle: a watermark across the page, an identifier up the margin."""
    a = tm[0] * cm[0] + tm[1] * cm[2]
    b = tm[0] * cm[1] + tm[1] * cm[3]
    return abs(b) > 0.1 * abs(a) or a < 0


@dataclass(frozen=True)
class _FontMetrics:
    mono: bool = False  # fixed-pitch: its descriptor says so, or its name is a typewriter font's
    width: Callable[[str], float] | None = None  # a text's advance in 1/1000 em, from the font's widths


def _font_metrics(font: Any, known: dict[int, _FontMetrics]) -> _FontMetrics:
    """What a piece's font tells: fixed pitch, and its characters' widths (pypdf's Font, when
    this pypdf has it); ``known`` keeps the answer per font dictionary."""
    if not font:
        return _FontMetrics()
    key = id(font)
    if key not in known:
        try:
            name = str(font.get("/BaseFont", "")).lower()
            descriptor = font.get("/FontDescriptor")
            flags = int(descriptor.get_object().get("/Flags", 0)) if descriptor is not None else 0
        except Exception:  # noqa: BLE001 - a damaged font dictionary only costs the code detection
            name, flags = "", 0
        try:
            from pypdf.generic._font import Font  # not public API: widths are a refinement, never needed

            width = Font.from_font_resource(font).get_text_width
        except Exception:  # noqa: BLE001 - without widths, the estimate of half an em a character
            width = None
        known[key] = _FontMetrics(bool(flags & 1) or any(hint in name for hint in _MONO_FONT_NAMES), width)
    return known[key]


def _group_lines(pieces: list[_Piece]) -> list[_Line]:
    """Pieces on one baseline, top to bottom; a smaller piece raised or lowered by less than
    half the larger type (a footnote marker, a subscript) belongs to the line it sits on."""
    lines: list[_Line] = []
    for piece in sorted(pieces, key=lambda p: -p.y):
        line = lines[-1] if lines else None
        if line is not None and abs(piece.y - line.y) <= 0.45 * max(piece.size, line.size):
            line.pieces.append(piece)
            if piece.size > line.size:
                line.y, line.size = piece.y, piece.size
        else:
            lines.append(_Line([piece], piece.y, piece.size))
    for line in lines:
        line.text = _line_text(line)
    return lines


def _line_text(line: _Line) -> str:
    parts: list[str] = []
    previous: _Piece | None = None
    for piece in sorted(line.pieces, key=lambda p: p.x):
        text = piece.text
        if previous is not None and not (parts[-1][-1:].isspace() or text[:1].isspace()):
            apart = piece.x - previous.x1 > 0.25 * line.size
            raised = abs(piece.size - previous.size) > 0.15 * line.size or abs(piece.y - previous.y) > 0.1 * line.size
            if apart or raised:
                parts.append(" ")
        parts.append(text)
        previous = piece
    return _SUPERSCRIPT_DIGITS.sub(r" \1", " ".join("".join(parts).split()))


# ---- running headers and footers


def _band_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _is_page_number(text: str) -> bool:
    match = _PAGE_NUMBER.fullmatch(text)
    if not match:
        return False
    number = match.group(1)
    if number.isdigit():
        return True
    return bool(number.islower() or number.isupper()) and _ROMAN.fullmatch(number.lower()) is not None


def _in_band(page: _Page, line: _Line) -> str:
    band = PAGE_BAND * (page.top - page.bottom)
    if line.y >= page.top - band:
        return "top"
    if line.y <= page.bottom + band:
        return "bottom"
    return ""


def _drop_running_heads(pages: list[_Page]) -> None:
    """Removes running headers and footers and lone page numbers from the pages' lines, and
    contents lines (dot leaders to a page number; they repeat the headings)."""
    # (band, text with digits as #) -> page number -> (height, text) of its lines there
    seen: dict[tuple[str, str], dict[int, list[tuple[float, str]]]] = {}
    for page in pages:
        for line in page.lines:
            if band := _in_band(page, line):
                seen.setdefault((band, _band_key(line.text)), {}).setdefault(page.number, []).append(
                    (line.y, line.text)
                )
    needed = max(RECURRING_MIN_PAGES, math.ceil(RECURRING_SHARE * len(pages)))
    for page in pages:
        kept = []
        for line in page.lines:
            band = _in_band(page, line)
            if band:
                where = seen[(band, _band_key(line.text))]
                if len(where) >= needed or _is_page_number(line.text) or _same_head_nearby(page.number, line, where):
                    continue
            if _CONTENTS_LINE.search(line.text):
                continue
            kept.append(line)
        page.lines = kept


def _same_head_nearby(page: int, line: _Line, where: dict[int, list[tuple[float, str]]]) -> bool:
    """A chapter's own running head: the same words at the same height on a page up to
    ``NEARBY_PAGES`` away, with another page number."""
    for other in range(page - NEARBY_PAGES, page + NEARBY_PAGES + 1):
        if other != page and any(abs(y - line.y) <= 2.0 and text != line.text for y, text in where.get(other, ())):
            return True
    return False


# ---- columns


def _flows(page: _Page) -> list[_Flow]:
    """The page's lines in reading order, as flows: one flow for a one-column page; for a
    two-column page, per band between lines across the gutter, the left column then the right."""
    lines = page.lines
    if not lines:
        return []
    left = min(line.x0 for line in lines)
    right = max(line.x1 for line in lines)
    gutter = _gutter(page, lines)
    if gutter is None:
        return [_Flow(lines, left, right)]
    flows: list[_Flow] = []
    band_left: list[_Line] = []
    band_right: list[_Line] = []

    def flush() -> None:
        if band_left:
            flows.append(_Flow(list(band_left), left, gutter))
        if band_right:
            flows.append(_Flow(list(band_right), gutter, right))
        band_left.clear()
        band_right.clear()

    for line in lines:
        if any(p.x < gutter < p.x1 for p in line.pieces):
            flush()
            flows.append(_Flow([line], left, right))
            continue
        for side, pieces in (
            (band_left, [p for p in line.pieces if p.x1 <= gutter]),
            (band_right, [p for p in line.pieces if p.x >= gutter]),
        ):
            if pieces:
                part = _Line(pieces, line.y, max(p.size for p in pieces))
                part.text = _line_text(part)
                side.append(part)
    flush()
    return flows


def _gutter(page: _Page, lines: list[_Line]) -> float | None:
    """The x of a gutter between two columns, or None: a vertical strip in the middle of the page
    that at most a few lines cross, with text on both sides of many lines."""
    if len(lines) < 6:
        return None
    width = page.right - page.left
    step = max(1.0, width / 400)
    grid = np.arange(page.left, page.right + step, step)
    crossing = np.zeros(len(grid), dtype=np.int32)  # lines with text across each x
    for line in lines:
        covered = np.zeros(len(grid), dtype=bool)
        for p in line.pieces:
            covered |= (grid > p.x) & (grid < p.x1)
        crossing += covered
    middle = np.flatnonzero((grid >= page.left + 0.3 * width) & (grid <= page.left + 0.7 * width))
    if not len(middle):
        return None
    best = int(middle[np.argmin(crossing[middle])])
    least = crossing[best]
    if least > GUTTER_MAX_CROSSING_SHARE * len(lines):
        return None
    lo = hi = best  # the middle of the strip of least crossing around the best x
    while lo > 0 and crossing[lo - 1] == least:
        lo -= 1
    while hi + 1 < len(grid) and crossing[hi + 1] == least:
        hi += 1
    gutter = float(grid[lo] + grid[hi]) / 2
    on_left = sum(1 for line in lines if any(p.x1 <= gutter for p in line.pieces))
    on_right = sum(1 for line in lines if any(p.x >= gutter for p in line.pieces))
    if min(on_left, on_right) < GUTTER_MIN_SIDE_SHARE * len(lines):
        return None
    return gutter


# ---- blocks


def _body_size(pages: list[_Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _heading_levels(pages: list[_Page], body: float) -> dict[float, int]:
    """Heading type sizes (larger than the body's), largest first: level 1, 2, ... up to 6."""
    sizes = {round(line.size * 2) / 2 for page in pages for line in page.lines}
    larger = sorted((s for s in sizes if s >= HEADING_SIZE * body), reverse=True)
    return {size: min(6, i + 1) for i, size in enumerate(larger)}


def join_lines(first: str, second: str) -> str:
    """Two lines of one paragraph: a word hyphenated at the end of the first is joined when the
    second goes on in lower case ("exam-" "ple" -> "example"), keeps its hyphen otherwise
    ("Anglo-" "Saxon" -> "Anglo-Saxon"); a soft hyphen always joins."""
    if first.endswith("\u00ad"):
        return first[:-1] + second
    if _HYPHENATED.search(first) and second[:1].isalpha():
        return (first[:-1] if second[:1].islower() else first) + second
    return first + " " + second


def _blocks(pages: list[_Page]) -> list[_Block]:
    body = _body_size(pages)
    levels = _heading_levels(pages, body)
    blocks: list[_Block] = []
    notes: list[_Block] = []
    for page in pages:
        for flow in _flows(page):
            _flow_blocks(flow, page.number, levels, blocks)
        page_notes = []
        while blocks and _is_page_note(blocks[-1], page, body):
            page_notes.append(blocks.pop())
        for note in reversed(page_notes):
            note.kind = "note"
            notes.append(note)
    blocks += notes
    for block in blocks:
        block.text = block.text.replace("\u00ad", "")
    return blocks


def _raised_marks(lines: list[_Line]) -> set[str]:
    """The note marks of a page: smaller pieces raised above their line, and superscript digits."""
    marks = set()
    for line in lines:
        for piece in line.pieces:
            if piece.size < 0.8 * line.size and piece.y > line.y + 0.1 * line.size:
                marks.add(piece.text.strip())
        marks.update(m.translate(_SUPERSCRIPT_TO_DIGITS) for m in _SUPERSCRIPT_DIGITS.findall(line.text))
    return marks


def _is_page_note(block: _Block, page: _Page, body: float) -> bool:
    """A footnote: the page's last blocks, in the lower part of the page, in a smaller type than
    the body, starting with a mark that is raised in the page's text ("1 Smith, 2020." under
    "showed¹"). Notes are read after the text (as DOCX and ODT notes are), so a paragraph goes on
    across the page under them."""
    lower = block.y < page.bottom + FOOTNOTE_ZONE * (page.top - page.bottom)
    mark = _NOTE_MARK.match(block.text)
    return (
        block.page == page.number
        and lower
        and block.size < FOOTNOTE_SIZE * body
        and mark is not None
        and mark.group(1).translate(_SUPERSCRIPT_TO_DIGITS) in page.marks
    )


def _line_spacing(flow: _Flow) -> float:
    """The usual baseline-to-baseline distance in the flow: the median of the gaps between lines
    of one size that are no wider than two sizes (wider ones are between paragraphs); 1.2 sizes
    when there are none."""
    gaps = [
        a.y - b.y
        for a, b in zip(flow.lines, flow.lines[1:])
        if abs(a.size - b.size) < 0.1 * a.size and 0 < a.y - b.y <= 2 * a.size
    ]
    if gaps:
        return statistics.median(gaps)
    sizes = [line.size for line in flow.lines]
    return 1.2 * statistics.median(sizes) if sizes else 0.0


def _flow_blocks(flow: _Flow, page: int, levels: dict[float, int], blocks: list[_Block]) -> None:
    spacing = _line_spacing(flow)
    # the column's own margins: the leftmost line start, and the line end most lines reach (an
    # overestimated width of one line must not make every other line look short)
    left = min(line.x0 for line in flow.lines)
    right = float(np.percentile([line.x1 for line in flow.lines], 90))
    previous: _Line | None = None
    for line in flow.lines:
        text = line.text
        if not text:
            continue
        level = levels.get(round(line.size * 2) / 2, 0)
        kind = "heading" if level else "code" if line.mono else "item" if _BULLET.match(text) else "paragraph"
        current = blocks[-1] if blocks else None
        if current is not None and _continues(current, line, kind, previous, spacing, left, right):
            if kind == "code":  # its lines and their indentation kept
                indent = max(0, round((line.x0 - current.x0) / (MONO_CHAR_WIDTH_EM * line.size)))
                current.text += "\n" + " " * indent + text
            else:
                current.text = join_lines(current.text, text)
            current.last_line = line
        else:
            blocks.append(_Block(kind, text, line.size, page, line.y, level, line, line.x0))
        previous = line


def _continues(
    block: _Block, line: _Line, kind: str, previous: _Line | None, spacing: float, left: float, right: float
) -> bool:
    """Whether ``line`` goes on the block before it (``previous`` is the line before it in this
    flow; None at the top of a flow, where a paragraph goes on from the last column or page only
    when it stopped mid-sentence and the line starts in lower case)."""
    if kind == "item" or abs(line.size - block.size) > 0.1 * block.size or (kind == "code") != (block.kind == "code"):
        return False
    if kind == "code":
        return previous is not None and block.last_line is previous and 0 < previous.y - line.y <= 2 * spacing
    if kind == "heading":
        return block.kind == "heading" and previous is not None and previous.y - line.y < 2 * line.size
    if block.kind == "heading":
        return False
    last = block.last_line
    if previous is None or last is not previous:
        ended = _SENTENCE_END.search(block.text) is not None
        return not ended and line.text[:1].islower()
    gap = previous.y - line.y
    if gap <= 0 or gap > PARAGRAPH_GAP * spacing:
        return False
    indent = line.x0 - left
    if block.kind == "item":
        return indent > 0.5 * line.size  # an item's next lines hang under its text
    if indent > 0.8 * line.size and line.x0 > previous.x0 + 0.8 * line.size:
        return False
    short = right - previous.x1 > SHORT_LINE_SHARE * (right - left)
    return not (short and _SENTENCE_END.search(previous.text))


# ---- outline and the document


@dataclass(frozen=True)
class _OutlineEntry:
    title: str
    level: int
    page: int
    top: float | None


def _outline_entries(reader: Any, items: list[Any], level: int) -> Iterator[_OutlineEntry]:
    """The outline's entries in order, nested ones one level deeper; entries without a page
    in this file (a link to another file) are skipped."""
    for item in items:
        if isinstance(item, list):
            yield from _outline_entries(reader, item, level + 1)
            continue
        try:
            page = reader.get_destination_page_number(item)
        except Exception:  # noqa: BLE001 - a broken bookmark is skipped, the text is still read
            continue
        title = " ".join(str(item.title or "").split())
        if page is None or page < 0 or not title:
            continue
        top = item.get("/Top")
        yield _OutlineEntry(title, level, page, float(top) if isinstance(top, int | float) else None)


def _document(blocks: list[_Block], outline: list[_OutlineEntry], title: str) -> Document:
    at_block: dict[int, list[_OutlineEntry]] = {}
    for entry in outline:
        index = _chapter_block(blocks, entry)
        if index is not None:
            at_block.setdefault(index, []).append(entry)
    builder = DocumentBuilder()
    for index, block in enumerate(blocks):
        for entry in at_block.get(index, ()):
            builder.chapter(entry.title, entry.level)
        builder.add(block.kind, block.text, block.level)
    return builder.build(title=title, format="pdf")


def _chapter_block(blocks: list[_Block], entry: _OutlineEntry) -> int | None:
    """The first block that starts on the entry's page (at or below its top) or after it."""
    for index, block in enumerate(blocks):
        if block.page > entry.page:
            return index
        if block.page == entry.page and (entry.top is None or block.y <= entry.top + 1.0):
            return index
    return None
