"""What a file is, by its content first and its suffix second, and the text of a text file.

``sniff_format`` looks at the bytes: ``%PDF`` is a PDF, a zip is an EPUB, DOCX or ODT by the
members that say so, whatever the suffix claims (a ``.txt`` that is really a PDF is read as a
PDF); a file named .pdf, .epub, .docx or .odt that is none of these is refused. Text is then
HTML when its suffix or its start says so (a doctype, ``<html``), Markdown by its suffix, and
plain text otherwise, also under an unknown suffix. Binary data (NUL bytes, many control
characters, bytes no text encoding explains) is refused with one clear message. Pure
functions, any thread; each looks at a bounded prefix of the data, except ``decode_text``,
which is linear.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile

from .errors import DocumentError

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".xht")
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
CONTAINER_SUFFIXES = {".pdf": "PDF", ".epub": "EPUB", ".docx": "DOCX", ".odt": "ODT"}
SNIFF_BYTES = 64 * 1024  # how much of a text file the binary check looks at
CONTROL_SHARE = 0.01  # more control characters than this share of the text: binary

_HTML_START_RE = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*+(?:<\?xml[^>]*+>\s*+)?(?:<!--(?:[^-]|-(?!->))*+-->\s*+)*+(?:<!doctype\s+html|<html[\s>])",
    re.IGNORECASE,
)
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
# C0 controls other than tab, line feed, form feed and carriage return; DEL; C1 controls
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MIMETYPES = {"application/epub+zip": "epub", "application/vnd.oasis.opendocument.text": "odt"}


def not_a_document(label: str) -> DocumentError:
    return DocumentError(f"{label} is not a document BitTTS can read (it looks like binary data)")


def sniff_format(data: bytes, suffix: str, label: str) -> str:
    """One of pdf, epub, docx, odt, html, md, txt for ``data`` (a file's bytes; ``suffix`` its
    lower-case suffix with the dot; ``label`` names it in errors). Refuses binary data and zips
    that hold no document."""
    if b"%PDF-" in data[:1024]:  # readers accept a PDF header anywhere in the first kilobyte
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_format(data, label)
    if suffix in CONTAINER_SUFFIXES:  # text under a binary format's name: damaged, or not what it says
        raise DocumentError(f"{label} is not a valid {CONTAINER_SUFFIXES[suffix]} file (it is damaged or misnamed)")
    if suffix in HTML_SUFFIXES or _HTML_START_RE.match(data[:SNIFF_BYTES]):
        return "html"
    if suffix in MARKDOWN_SUFFIXES:
        return "md"
    return "txt"


def _zip_format(data: bytes, label: str) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = ""
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 200:
                mimetype = archive.read("mimetype").decode("ascii", errors="replace").strip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        raise DocumentError(f"{label} is a damaged zip archive; it cannot be read") from None
    except Exception as exc:  # zlib.error and its kind from a damaged mimetype member
        raise DocumentError(f"{label} is a damaged zip archive; it cannot be read ({exc})") from None
    if mimetype in _MIMETYPES:
        return _MIMETYPES[mimetype]
    if "word/document.xml" in names:
        return "docx"
    if "META-INF/container.xml" in names:  # an EPUB that lost its mimetype member
        return "epub"
    raise DocumentError(f"{label} is a zip archive that holds no document BitTTS can read (EPUB, DOCX or ODT)")


def decode_text(data: bytes, label: str, html: bool = False) -> str:
    """The text of a text file: by its byte-order mark, else UTF-8, else (for HTML) the charset
    its ``<meta>`` names, else Windows-1252; newlines made ``\\n``. Refuses binary data."""
    text = _decode(data, label, html)
    sample = text[:SNIFF_BYTES]
    if sample and len(_CONTROL_RE.findall(sample)) > CONTROL_SHARE * len(sample):
        raise not_a_document(label)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes, label: str, html: bool) -> str:
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):  # UTF-16/32 that does not decode is not text
            try:
                return data[len(bom) :].decode(codec, errors="replace" if codec == "utf-8" else "strict")
            except UnicodeDecodeError:
                raise not_a_document(label) from None
    wide = _utf16_without_bom(data)
    if wide:
        return data.decode(wide, errors="replace")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise not_a_document(label)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(data) - 4 and exc.reason == "unexpected end of data":
            return data.decode("utf-8", errors="replace")  # a file cut in the middle of a character
    if html:
        declared = _META_CHARSET_RE.search(data[:4096])
        if declared:
            try:
                return data.decode(declared.group(1).decode("ascii"), errors="replace")
            except LookupError:
                pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise not_a_document(label) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """utf-16-le or -be when the NUL bytes of ``data`` sit at every other place, as in mostly
    Latin text saved as UTF-16 without a byte-order mark; else None."""
    sample = data[: SNIFF_BYTES & ~1]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even == 0:
        return "utf-16-le"
    if even > 0.6 * half and odd == 0:
        return "utf-16-be"
    return None
