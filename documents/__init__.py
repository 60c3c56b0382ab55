"""Documents as a person would read them: ``read_document(path) -> Document`` (bittts.documents).

Used alike by the app, the command line (``bittts extract``, ``bittts synth --file``) and the
audiobook exporter. See docs/documents.md.

The format is found from the content first (sniff.py): a PDF, EPUB, DOCX or ODT is read as
what it is whatever its suffix; text is HTML, Markdown or plain text by its suffix (and HTML
also by its start); binary data is refused with one clear message. Only regular files are read
(a device, a FIFO or a folder is refused, also through a link), at most ``MAX_DOCUMENT_BYTES``;
containers unpack within the same budget. Every reader is linear in its input and looks at
``cancelled`` between steps, so a read ends with ``DocumentCancelled`` soon after it says True.
Pure functions, no Qt: the app calls ``read_document`` from a worker thread.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from xml.etree import ElementTree

from bittts.engine.files import InputFileError, read_regular_file
from bittts.engine.limits import MAX_DOCUMENT_BYTES

from .errors import CHECK_EVERY, Cancelled, DocumentCancelled, DocumentError, check_cancelled, never
from .model import Block, Chapter, Document, DocumentBuilder
from .sniff import decode_text, sniff_format

__all__ = [
    "CHECK_EVERY",
    "FILE_DIALOG_FILTER",
    "MAX_DOCUMENT_BYTES",
    "SUPPORTED_SUFFIXES",
    "Block",
    "Chapter",
    "Document",
    "DocumentBuilder",
    "DocumentCancelled",
    "DocumentError",
    "read_document",
    "read_document_data",
]

SUPPORTED_SUFFIXES = (
    ".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".epub", ".pdf", ".docx", ".odt",
)  # fmt: skip
FILE_DIALOG_FILTER = (
    "Readable documents (" + " ".join("*" + s for s in SUPPORTED_SUFFIXES) + ");;"
    "Text (*.txt *.text);;Markdown (*.md *.markdown);;Web pages (*.html *.htm *.xhtml);;"
    "E-books (*.epub);;PDF (*.pdf);;Word processor documents (*.docx *.odt);;All files (*)"
)


def read_document(path: str | Path, cancelled: Cancelled = None) -> Document:
    """The Document of the file at ``path``, whatever its format (see the module docstring).
    Raises DocumentError with a one-line message naming the file, DocumentCancelled when
    ``cancelled()`` says True."""
    path = Path(path)
    check = cancelled or never
    try:
        data = read_regular_file(path, MAX_DOCUMENT_BYTES)
    except FileNotFoundError:
        raise DocumentError(f"{path} does not exist") from None
    except InputFileError as exc:
        raise DocumentError(str(exc)) from None
    except OSError as exc:
        raise DocumentError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    check_cancelled(check, f"opening {path.name}")
    return replace(read_document_data(data, path.name, check), path=path)


def read_document_data(data: bytes, name: str, cancelled: Cancelled = None) -> Document:
    """The Document of a file's bytes; ``name`` (the file's name) gives the suffix and names the
    file in errors. A document with no text to read is a DocumentError."""
    check = cancelled or never
    label = Path(name).name or name
    try:
        document = _dispatch(data, label, Path(name).suffix.lower(), check)
    except DocumentError:
        raise
    except ImportError as exc:  # a reader's library (pypdf for PDF) that is not installed
        raise DocumentError(f"reading {label} needs the {exc.name or exc} package, which is not installed") from None
    except (OSError, zipfile.BadZipFile, ElementTree.ParseError, ValueError, KeyError, EOFError) as exc:
        raise DocumentError(f"cannot read {label}: {exc}") from None
    except (zlib.error, lzma.LZMAError, NotImplementedError, RuntimeError) as exc:
        # a damaged compressed member, a compression method or encryption zipfile cannot read
        raise DocumentError(f"cannot read {label}: a damaged or unsupported archive member ({exc})") from None
    if not document.text.strip():
        raise DocumentError(f"{label} has no text to read")
    if not document.title:
        document = replace(document, title=Path(label).stem)
    return document


def _dispatch(data: bytes, label: str, suffix: str, check: Callable[[], bool]) -> Document:
    kind = sniff_format(data, suffix, label)
    if kind == "pdf":
        from .pdf import read_pdf  # imported when needed: pypdf is loaded only for a PDF

        return read_pdf(label, data, check)
    if kind == "docx":
        from .office import read_docx

        return read_docx(label, data, check)
    if kind == "odt":
        from .office import read_odt

        return read_odt(label, data, check)
    if kind == "epub":
        from .epub import read_epub

        return read_epub(label, data, check)
    text = decode_text(data, label, html=kind == "html")
    check_cancelled(check, f"opening {label}")
    if kind == "html":
        from .html import read_html

        return read_html(label, text, check)
    if kind == "md":
        from .markdown import read_markdown

        return read_markdown(label, text, check)
    from .text import read_text

    return read_text(label, text, check)
