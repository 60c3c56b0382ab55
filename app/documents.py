"""Reading documents into plain text: txt, md, html, epub (zip + html.parser) and pdf (pypdf).

Pure functions, no Qt: the window calls ``read_document`` from a worker thread
(``workers.FileLoadWorker``), never on the GUI thread.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".pdf")
FILE_DIALOG_FILTER = (
    "Readable documents (*.txt *.text *.md *.markdown *.html *.htm *.xhtml *.epub *.pdf);;"
    "Text (*.txt *.text);;Markdown (*.md *.markdown);;Web pages (*.html *.htm *.xhtml);;"
    "E-books (*.epub);;PDF (*.pdf);;All files (*)"
)
MAX_TEXT_BYTES = 64 * 1024 * 1024


class DocumentError(Exception):
    """A file that cannot be read as text; the message names the file and the reason."""


def read_document(path: str | Path) -> str:
    """The readable text of a file, chosen by its suffix (unknown suffixes are read as text)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise DocumentError(f"{path.name} is larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB")
        if suffix in (".html", ".htm", ".xhtml"):
            return html_to_text(_decode(path.read_bytes()))
        if suffix in (".md", ".markdown"):
            return markdown_to_text(_decode(path.read_bytes()))
        if suffix == ".epub":
            return epub_to_text(path)
        if suffix == ".pdf":
            return pdf_to_text(path)
        return _normalize_newlines(_decode(path.read_bytes()))
    except DocumentError:
        raise
    except FileNotFoundError:
        raise DocumentError(f"{path} does not exist") from None
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, KeyError) as exc:
        raise DocumentError(f"cannot read {path.name}: {exc}") from None


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


# ---- HTML
# fmt: off
_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote",
               "section", "article", "header", "footer", "pre", "dd", "dt", "figcaption", "hr", "title"}
# fmt: on
_SKIP_TAGS = {"script", "style", "head", "noscript", "template", "svg"}


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in ("br", "hr"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one paragraph per line, scripts and styles dropped."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    return _tidy("".join(parser.parts))


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ---- Markdown: keep the words, drop the markup that would be read aloud
def markdown_to_text(source: str) -> str:
    out = []
    in_fence = False
    for line in _normalize_newlines(source).split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(line)
            continue
        line = re.sub(r"^\s{0,3}#{1,6}\s*", "", line)  # headings
        line = re.sub(r"^\s*>\s?", "", line)  # quotes
        line = re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", line)  # list markers
        line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)  # images -> alt text
        line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)  # links -> their text
        line = re.sub(r"(\*\*|__|\*|_|`)(\S.*?\S|\S)\1", r"\2", line)  # emphasis, code
        if re.fullmatch(r"\s*([-*_]\s*){3,}", line):
            line = ""
        out.append(html.unescape(line))
    return "\n".join(out).strip() + "\n"


# ---- EPUB: the spine's XHTML documents in reading order (zipfile + html.parser, no dependency)
_OPF_NS = {"c": "urn:oasis:names:tc:opendocument:xmlns:container", "opf": "http://www.idpf.org/2007/opf"}


def epub_to_text(path: Path) -> str:
    with zipfile.ZipFile(path) as book:
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        rootfile = container.find(".//c:rootfile", _OPF_NS)
        if rootfile is None or not rootfile.get("full-path"):
            raise DocumentError(f"{path.name}: META-INF/container.xml names no package file")
        opf_path = rootfile.get("full-path")
        opf = ElementTree.fromstring(book.read(opf_path))
        base = posixpath.dirname(opf_path)
        manifest = {item.get("id"): item.get("href") for item in opf.iterfind(".//opf:manifest/opf:item", _OPF_NS)}
        chapters = []
        for ref in opf.iterfind(".//opf:spine/opf:itemref", _OPF_NS):
            href = manifest.get(ref.get("idref"))
            if not href:
                continue
            name = posixpath.normpath(posixpath.join(base, href.split("#")[0]))
            chapters.append(html_to_text(_decode(book.read(name))).strip())
    text = "\n\n".join(c for c in chapters if c)
    if not text:
        raise DocumentError(f"{path.name} contains no readable text")
    return text + "\n"


# ---- PDF (pypdf, pure Python)
def pdf_to_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError:
        raise DocumentError("reading PDF files needs the pypdf package, which is not installed") from None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise DocumentError(f"{path.name} is encrypted")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
    except PyPdfError as exc:
        raise DocumentError(f"cannot read {path.name}: {exc}") from None
    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise DocumentError(f"{path.name} has no text layer (a scanned PDF needs OCR first)")
    return _normalize_newlines(text) + "\n"
