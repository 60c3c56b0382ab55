"""A small PDF writer for the PDF reader's tests: pages of Helvetica text at given positions, an
outline, metadata, a page without text, a flate-compressed stream (the decompression bomb).

Coordinates are PDF points (1/72 inch) from the page's lower-left corner; a page is 612 x 792
(US Letter) unless told otherwise. The files are what a typesetter writes, in miniature: one
content stream per page, one ``BT ... Tj ET`` per text piece.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0


@dataclass
class Text:
    """``text`` drawn with its baseline starting at (x, y), ``size`` points high."""

    x: float
    y: float
    text: str
    size: float = 11.0
    font: str = "F1"  # F1 Helvetica, F2 Courier (fixed pitch)


@dataclass
class Page:
    texts: list[Text] = field(default_factory=list)
    raw: bytes = b""  # content drawn after the texts (a rectangle for a page without text)
    flate: bool = False  # compress the content stream

    def line(self, x: float, y: float, text: str, size: float = 11.0, font: str = "F1") -> Page:
        self.texts.append(Text(x, y, text, size, font))
        return self


@dataclass
class OutlineItem:
    """An outline (bookmark) entry pointing at ``page`` (0-based), at ``top`` points when given."""

    title: str
    page: int
    top: float | None = None
    children: list[OutlineItem] = field(default_factory=list)


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pdf_string(text: str) -> bytes:
    return b"(" + _escape(text) + b")"


def page_content(page: Page) -> bytes:
    out = io.BytesIO()
    for t in page.texts:
        out.write(
            b"BT /%s %.2f Tf 1 0 0 1 %.2f %.2f Tm %s Tj ET\n" % (t.font.encode(), t.size, t.x, t.y, _pdf_string(t.text))
        )
    out.write(page.raw)
    return out.getvalue()


class _Objects:
    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def reserve(self) -> int:
        self.bodies.append(b"")
        return len(self.bodies)

    def set(self, number: int, body: bytes) -> None:
        self.bodies[number - 1] = body

    def add(self, body: bytes) -> int:
        number = self.reserve()
        self.set(number, body)
        return number

    def stream(self, data: bytes, flate: bool = False) -> int:
        extra = b""
        if flate:
            data, extra = zlib.compress(data), b" /Filter /FlateDecode"
        return self.add(b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream")


def make_pdf(
    pages: list[Page],
    title: str = "",
    outline: list[OutlineItem] | None = None,
    width: float = PAGE_WIDTH,
    height: float = PAGE_HEIGHT,
    raw_streams: dict[int, bytes] | None = None,
) -> bytes:
    """The PDF file's bytes. ``raw_streams`` gives a page (by index) a ready-made stream object
    body instead of its content (``<< ... >>\\nstream\\n...\\nendstream``)."""
    objs = _Objects()
    catalog, pages_obj = objs.reserve(), objs.reserve()
    font = objs.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    mono = objs.add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>")
    page_numbers = []
    for index, page in enumerate(pages):
        if raw_streams and index in raw_streams:
            content = objs.add(raw_streams[index])
        else:
            content = objs.stream(page_content(page), page.flate)
        page_numbers.append(
            objs.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_obj, width, height, font, mono, content)
            )
        )
    kids = b" ".join(b"%d 0 R" % n for n in page_numbers)
    objs.set(pages_obj, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    outline_ref = b""
    if outline:
        outline_ref = b" /Outlines %d 0 R /PageMode /UseOutlines" % _write_outline(objs, outline, page_numbers)
    objs.set(catalog, b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages_obj, outline_ref))
    info = objs.add(b"<< /Title %s /Producer (pdf_maker) >>" % _pdf_string(title)) if title else 0
    return _serialize(objs, catalog, info)


def _write_outline(objs: _Objects, items: list[OutlineItem], page_numbers: list[int]) -> int:
    root = objs.reserve()
    first, last, count = _write_outline_level(objs, items, root, page_numbers)
    objs.set(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, count))
    return root


def _write_outline_level(
    objs: _Objects, items: list[OutlineItem], parent: int, page_numbers: list[int]
) -> tuple[int, int, int]:
    numbers = [objs.reserve() for _ in items]
    total = len(items)
    for i, (item, number) in enumerate(zip(items, numbers, strict=True)):
        top = b"null" if item.top is None else b"%.2f" % item.top
        dest = b"[%d 0 R /XYZ 0 %s 0]" % (page_numbers[item.page], top)
        links = b" /Parent %d 0 R" % parent
        if i > 0:
            links += b" /Prev %d 0 R" % numbers[i - 1]
        if i + 1 < len(items):
            links += b" /Next %d 0 R" % numbers[i + 1]
        if item.children:
            first, last, count = _write_outline_level(objs, item.children, number, page_numbers)
            links += b" /First %d 0 R /Last %d 0 R /Count %d" % (first, last, count)
            total += count
        objs.set(number, b"<< /Title %s /Dest %s%s >>" % (_pdf_string(item.title), dest, links))
    return numbers[0], numbers[-1], total


def _serialize(objs: _Objects, catalog: int, info: int) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objs.bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    info_ref = b" /Info %d 0 R" % info if info else b""
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(offsets) + 1, catalog, info_ref, xref)
    )
    return out.getvalue()


def bomb_stream(inflated_bytes: int) -> bytes:
    """A content stream object body whose flate data inflates to ``inflated_bytes`` of spaces
    (valid, empty page content) from about a thousandth of that."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = []
    for _ in range(inflated_bytes // len(chunk)):
        parts.append(packer.compress(chunk))
    parts.append(packer.compress(b" " * (inflated_bytes % len(chunk))))
    parts.append(packer.flush())
    data = b"".join(parts)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"


def encrypt(pdf: bytes, user_password: str, owner_password: str = "owner") -> bytes:
    """The same PDF encrypted (AES-128 would need a crypto library; RC4 is pypdf's own)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
