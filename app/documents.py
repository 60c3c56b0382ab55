"""Reading documents into plain text: txt, md, html, epub (zip) and pdf (pypdf).

Pure functions, no Qt: the window calls ``read_document`` from a worker thread
(``workers.FileLoadWorker``), never on the GUI thread, and can cancel it: ``cancelled`` is a
function read between steps (every few thousand lines, tags, chapters or pages), and when it
says True the read ends with ``DocumentCancelled`` within milliseconds.

Hostile files (issue 29): only regular files are read (a device such as ``/dev/zero``, a FIFO
or a folder is refused, also through a link), at most ``MAX_TEXT_BYTES`` of them; an EPUB may
unpack to at most ``MAX_TEXT_BYTES`` in all, checked against each member's declared size and
again against the bytes it really yields. Every scan of the text is linear: links are read by a
scanner, and the other regular expressions cannot backtrack (possessive quantifiers, lookarounds
of one character), so a megabyte of ``[`` or ``<a `` takes milliseconds.
"""

from __future__ import annotations

import html
import io
import lzma
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

from bittts.engine.files import InputFileError, format_limit, read_regular_file
from bittts.engine.limits import MAX_DOCUMENT_BYTES

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".pdf")
FILE_DIALOG_FILTER = (
    "Readable documents (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub *.pdf);;"
    "Text (*.txt *.text);;Markdown (*.md *.markdown);;Web pages (*.html *.htm *.xhtml);;"
    "E-books (*.epub);;PDF (*.pdf);;All files (*)"
)
MAX_TEXT_BYTES = MAX_DOCUMENT_BYTES  # a file, and an EPUB after decompression
CHECK_EVERY = 4096  # lines or tags between two looks at ``cancelled``

Cancelled = Callable[[], bool] | None


class DocumentError(Exception):
    """A file that cannot be read as text; the message names the file and the reason."""


class DocumentCancelled(DocumentError):
    """The read was cancelled (``cancelled()`` said True)."""


def _never() -> bool:
    return False


def read_document(path: str | Path, cancelled: Cancelled = None) -> str:
    """The readable text of a file, chosen by its suffix (unknown suffixes are read as text)."""
    path = Path(path)
    suffix = path.suffix.lower()
    check = cancelled or _never
    try:
        data = read_regular_file(path, MAX_TEXT_BYTES)
        if check():
            raise DocumentCancelled(f"opening {path.name} was cancelled")
        if suffix in (".html", ".htm", ".xhtml"):
            return html_to_text(_decode(data), check)
        if suffix in (".md", ".markdown"):
            return markdown_to_text(_decode(data), check)
        if suffix == ".epub":
            return epub_to_text(path, data, check)
        if suffix == ".pdf":
            return pdf_to_text(path, data, check)
        return _normalize_newlines(_decode(data))
    except DocumentError:
        raise
    except FileNotFoundError:
        raise DocumentError(f"{path} does not exist") from None
    except InputFileError as exc:
        raise DocumentError(str(exc)) from None
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, KeyError, EOFError) as exc:
        raise DocumentError(f"cannot read {path.name}: {exc}") from None
    except (zlib.error, lzma.LZMAError, NotImplementedError, RuntimeError) as exc:
        # a damaged compressed member, a compression method or encryption zipfile cannot read
        raise DocumentError(f"cannot read {path.name}: a damaged or unsupported archive member ({exc})") from None


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check(cancelled: Callable[[], bool], what: str = "reading the document") -> None:
    if cancelled():
        raise DocumentCancelled(f"{what} was cancelled")


# ---- HTML: a few passes of regular expressions that cannot backtrack (possessive
# quantifiers), each linear; html.parser is not (60 KB of "<a " took a minute).
# fmt: off
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
               "section", "article", "header", "footer", "pre", "dd", "dt", "figcaption", "hr", "title"}
# fmt: on
_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg"}
_RAW_TEXT_TAGS = {"script", "style"}  # their content is not markup: dropped up to their end tag
# What follows a tag's name up to its ">" (or the end of the page, for a tag never closed): a
# quoted value after "=" may hold ">".
_ATTRS = r"""(?:[^>=]++|=\s*+(?:"[^"]*+"?|'[^']*+'?)?)*+>?"""
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)|<[!?][^>]*+>?", re.DOTALL)
_RAW_RE = re.compile(
    r"<(" + "|".join(_RAW_TEXT_TAGS) + r")(?![^\s/>])" + _ATTRS + r".*?(?:</\1(?![^\s/>])" + _ATTRS + r"|\Z)",
    re.DOTALL | re.IGNORECASE,
)
_HIDDEN = "|".join(sorted(_SKIP_TAGS - _RAW_TEXT_TAGS))
_HIDDEN_TAG_RE = re.compile(r"<(/?)(" + _HIDDEN + r")(?![^\s/>])(" + _ATTRS + ")", re.IGNORECASE)
_ANY_TAG_RE = re.compile(r"</?([A-Za-z][^\s/>]*+)" + _ATTRS)
_SPACE_RE = re.compile(r"\s+")
_BREAK = "\x00"  # stands for a block boundary until the spaces are collapsed


def html_to_text(markup: str, cancelled: Cancelled = None) -> str:
    """Visible text of an HTML page, one paragraph per line, scripts, styles and the head
    dropped. Linear in the length of the page, whatever it holds."""
    check = cancelled or _never
    text = _COMMENT_RE.sub("", markup.replace(_BREAK, ""))
    text = _RAW_RE.sub("", text)
    _check(check)
    text = _drop_hidden(text, check)
    text = _ANY_TAG_RE.sub(_tag_replacement, text)
    _check(check)
    text = _SPACE_RE.sub(" ", html.unescape(text)).replace(_BREAK, "\n")
    return _tidy(text)


def _tag_replacement(m: re.Match[str]) -> str:
    """A block tag (or <br/>, <hr/>) ends a paragraph; any other tag is dropped."""
    return _BREAK if m.group(1).lower() in _BLOCK_TAGS else ""


def _drop_hidden(text: str, check: Callable[[], bool]) -> str:
    """``text`` without what lies inside head, noscript, template and svg (nested ones count)."""
    kept: list[str] = []
    depth, done = 0, 0
    for k, m in enumerate(_HIDDEN_TAG_RE.finditer(text)):
        if k % CHECK_EVERY == 0:
            _check(check)
        if m.group(1):
            if depth == 1:
                done = m.end()
            depth = max(0, depth - 1)
        elif not m.group(3).rstrip(">").endswith("/"):
            if depth == 0:
                kept.append(text[done : m.start()])
            depth += 1
    if depth == 0:
        kept.append(text[done:])
    return "".join(kept)


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ---- Markdown: keep the words, drop the markup that would be read aloud
_HEADING_RE = re.compile(r"^\s{0,3}#{1,6}\s*")
_QUOTE_RE = re.compile(r"^\s*>\s?")
_LIST_RE = re.compile(r"^\s*([-*+]|\d+[.)])\s+")
_RULE_RE = re.compile(r"\s*([-*_]\s*){3,}")


def markdown_to_text(source: str, cancelled: Cancelled = None) -> str:
    """The words of a Markdown document: headings, quotes, list markers, links, images (their
    alt text), emphasis and code marks dropped; fenced code kept. Linear in its length."""
    check = cancelled or _never
    out = []
    in_fence = False
    for k, line in enumerate(_normalize_newlines(source).split("\n")):
        if k % CHECK_EVERY == 0:
            _check(check)
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line)
            continue
        line = _HEADING_RE.sub("", line, count=1)
        line = _QUOTE_RE.sub("", line, count=1)
        line = _LIST_RE.sub("", line, count=1)
        line = _links_to_text(line, image=True)
        line = _links_to_text(line, image=False)
        line = _strip_emphasis(line)
        if _RULE_RE.fullmatch(line):
            line = ""
        out.append(html.unescape(line))
    return "\n".join(out).strip() + "\n"


class _NextAfter:
    """``find(i)``: the first index >= i of a character, amortized O(1) for growing ``i``
    (one ``str.find`` per occurrence, not one per question)."""

    def __init__(self, text: str, char: str):
        self.text, self.char, self.at = text, char, -1

    def find(self, i: int) -> int:
        if self.at < i and self.at != len(self.text):
            k = self.text.find(self.char, i)
            self.at = len(self.text) if k < 0 else k
        return -1 if self.at == len(self.text) else self.at


def _links_to_text(line: str, image: bool) -> str:
    """``[text](target)`` -> ``text`` (``![alt](src)`` -> ``alt`` when ``image``), as the
    regular expressions ``!\\[([^\\]]*)\\]\\([^)]*\\)`` and ``\\[([^\\]]+)\\]\\([^)]*\\)`` read them,
    in one pass."""
    opener = "![" if image else "["
    if opener not in line or "](" not in line:
        return line
    close_bracket, close_paren = _NextAfter(line, "]"), _NextAfter(line, ")")
    out: list[str] = []
    i = done = 0
    while True:
        j = line.find(opener, i)
        if j < 0:
            break
        a = j + len(opener)
        b = close_bracket.find(a)
        if b < 0:
            break  # no "]" after here: no link can start later either
        if (b > a or image) and line.startswith("(", b + 1):
            c = close_paren.find(b + 2)
            if c < 0:
                break
            out.append(line[done:j])
            out.append(line[a:b])
            i = done = c + 1
            continue
        i = j + 1
    out.append(line[done:])
    return "".join(out)


# An emphasis or code mark at the edge of a word: a run of them opening a word (after a space,
# an opening bracket or quote, or the start of the line) or closing one (after a letter, before
# a space, punctuation or the end). Marks inside a word (snake_case) and alone between spaces
# (2 * 3) stay. Possessive, so linear.
_EMPHASIS_RE = re.compile(
    r"(?<![^\s(\[{\"'\u2018\u201c])[*_`]++(?=\S)"
    r"|(?<=[^\s*_`])[*_`]++(?=[\s.,;:!?)\]}\"'\u2019\u201d-]|$)"
)


def _strip_emphasis(line: str) -> str:
    """``**bold**``, ``__b__``, ``*i*``, ``_i_``, ``` `code` ``` -> their text."""
    return _EMPHASIS_RE.sub("", line)


# ---- EPUB: the spine's XHTML documents in reading order (zipfile + html.parser, no dependency)
_OPF_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf"}


def epub_to_text(path: Path, data: bytes | None = None, cancelled: Cancelled = None) -> str:
    """The spine's documents in reading order. ``data``: the file's bytes (read from ``path``
    when None). At most ``MAX_TEXT_BYTES`` are unpacked in all: each member's declared size is
    checked before it is read, and its real size while it is read."""
    check = cancelled or _never
    if data is None:
        data = read_regular_file(path, MAX_TEXT_BYTES)
    budget = [MAX_TEXT_BYTES]

    def member(book: zipfile.ZipFile, name: str) -> bytes:
        info = book.getinfo(name)
        left = budget[0]
        too_much = DocumentError(f"{path.name} unpacks to more than {format_limit(MAX_TEXT_BYTES)}; it is not read")
        if info.file_size > left:
            raise too_much
        with book.open(info) as fh:
            content = fh.read(left + 1)
        if len(content) > left:
            raise too_much
        budget[0] = left - len(content)
        return content

    with zipfile.ZipFile(io.BytesIO(data)) as book:
        container = ElementTree.fromstring(member(book, "META-INF/container.xml"))
        rootfile = container.find(".//c:rootfile", _OPF_NS)
        if rootfile is None or not rootfile.get("full-path"):
            raise DocumentError(f"{path.name}: META-INF/container.xml names no package file")
        opf_path = rootfile.get("full-path") or ""
        opf = ElementTree.fromstring(member(book, opf_path))
        base = posixpath.dirname(opf_path)
        manifest = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:manifest/opf:item", _OPF_NS)}
        chapters = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", _OPF_NS):
            _check(check, f"opening {path.name}")
            href = manifest.get(ref.get("idref"))
            if not href:
                continue
            name = posixpath.normpath(posixpath.join(base, href.split("#")[0]))
            chapters.append(html_to_text(_decode(member(book, name)), check).strip())
    text = "\n\n".join(c for c in chapters if c)
    if not text:
        raise DocumentError(f"{path.name} contains no readable text")
    return text + "\n"


# ---- PDF (pypdf, pure Python)
def pdf_to_text(path: Path, data: bytes | None = None, cancelled: Cancelled = None) -> str:
    check = cancelled or _never
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise DocumentError("reading PDF files needs the pypdf package, which is not installed") from None
    if data is None:
        data = read_regular_file(path, MAX_TEXT_BYTES)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DocumentError(f"{path.name} is encrypted")
        pages = []
        for page in reader.pages:
            _check(check, f"opening {path.name}")
            pages.append((page.extract_text() or "").strip())
    except PyPdfError as exc:
        raise DocumentError(f"cannot read {path.name}: {exc}") from None
    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise DocumentError(f"{path.name} has no text layer (a scanned PDF needs OCR first)")
    return _normalize_newlines(text) + "\n"
