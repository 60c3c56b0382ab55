"""Word processor documents: ``read_docx`` (Office Open XML, .docx) and ``read_odt``
(OpenDocument text, .odt), each ``(label, data, cancelled) -> Document``.

Both formats are a zip container of XML parts, and reading their text is walking one XML tree in
document order, so the standard library does it: ``ZipMembers`` (the decompression budget,
``MAX_DOCUMENT_BYTES`` in all) and ``xml.etree.ElementTree``. That counts as trivial parsing, so
these formats add no dependency. Python's expat refuses entity expansion bombs; a part with a
DOCTYPE or ENTITY declaration is refused before parsing anyway (neither format uses one).

What is read is what the page shows, in order: paragraphs, headings (DOCX: the Heading 1-9 and
Title styles, by id or by their styles.xml name, or an outline level; ODT: text:h and its outline
level), list items, each table cell as a block, text boxes after the paragraph that anchors them.
Not read: headers and footers, comments, deleted text of tracked changes (inserted text is
read), field instructions (a field's shown result is read), hidden text, the table of contents
(it repeats the headings), drawing fallbacks.

Footnotes and endnotes: the reference mark is kept apart from the word before it ("word 1"), and
the notes' texts are appended after the body as "note" blocks in the order they are referenced,
each starting with its mark ("1 The source ..."), so a listener hears them once, after the text,
as a reader who follows them at the end would. Footnotes are numbered 1, 2, 3 and endnotes i, ii,
iii (the word processors' default marks; a custom mark is read as written).

Chapters: from level 1 and 2 headings (the Title is not one) when there are at least two.
Runs on the caller's thread; ``cancelled`` is looked at every ``CHECK_EVERY`` elements.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from xml.etree import ElementTree

from bittts.engine.limits import MAX_DOCUMENT_BYTES

from .archive import ZipMembers
from .errors import CHECK_EVERY, DocumentError, check_cancelled
from .model import Document, DocumentBuilder

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_STRICT = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"

MAX_HEADING_LEVEL = 6  # Block levels stop at 6; Heading 7-9 read as level 6
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a legacy .doc, or an encrypted Office file
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_TITLE_STYLE = re.compile(r"(?:.*[-_ ])?title", re.IGNORECASE)  # Title, rststyle-title; not Subtitle
_HEADING_NAME = re.compile(r"heading\s*([1-9])", re.IGNORECASE)
_VISIBLE = str.maketrans({"\u00ad": None, "\u2011": "-"})  # soft hyphen: unseen; no-break hyphen: a hyphen


@dataclass
class _Part:
    """One block found while walking: its kind, text and heading level; ``title`` marks a Title
    paragraph (a heading, but not a chapter)."""

    kind: str
    text: str
    level: int = 0
    title: bool = False


@dataclass
class _Notes:
    """Note marks in the order they are referenced, and the notes' texts to append."""

    footnote_numbers: dict[str, str] = field(default_factory=dict)
    endnote_numbers: dict[str, str] = field(default_factory=dict)
    appended: list[str] = field(default_factory=list)


class _Walk:
    """The element count between looks at ``cancelled``."""

    def __init__(self, label: str, cancelled: Callable[[], bool]):
        self.label, self.cancelled, self.count = label, cancelled, 0

    def tick(self) -> None:
        self.count += 1
        if self.count % CHECK_EVERY == 0:
            check_cancelled(self.cancelled, f"reading {self.label}")


# ---- the container and its XML


def _open(label: str, data: bytes, what: str) -> ZipMembers:
    if data.startswith(OLE_MAGIC):
        raise DocumentError(
            f"{label} is a legacy Word .doc file or a password-protected document; save it as {what} without a password"
        )
    try:
        return ZipMembers(data, label, MAX_DOCUMENT_BYTES)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError):
        raise DocumentError(f"{label} is not {what} file (it is not a zip container)") from None


def _xml(members: ZipMembers, name: str) -> ElementTree.Element:
    """A member parsed; DocumentError when it is damaged, too large or declares entities."""
    try:
        data = members.read(name)
    except DocumentError:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as exc:
        # a damaged directory or member: zipfile says so with any of these
        raise DocumentError(f"{members.label} is damaged: its part {name} cannot be unpacked ({exc})") from None
    if _DECLARATION.search(_declaration_view(data)):
        raise DocumentError(f"{members.label} declares XML entities in {name}; it is not read")
    try:
        return ElementTree.fromstring(data)
    except (ElementTree.ParseError, LookupError, ValueError) as exc:  # LookupError: an unknown encoding
        raise DocumentError(f"{members.label} is damaged: {name} is not well-formed XML ({exc})") from None


def _declaration_view(data: bytes) -> bytes:
    """The part's bytes as UTF-8 for the declaration check (a UTF-16 part is decoded first)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:64]:
        encoding = (
            "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"
        )
        return data.decode(encoding, errors="replace").encode("utf-8", errors="replace")
    return data


def _optional_xml(members: ZipMembers, name: str) -> ElementTree.Element | None:
    return _xml(members, name) if members.find(name) else None


def _meta_title(root: ElementTree.Element | None) -> str:
    if root is None:
        return ""
    node = root.find(f".//{DC_TITLE}")
    return " ".join((node.text or "").split()) if node is not None else ""


def _document(parts: list[_Part], notes: list[str], title: str, format: str) -> Document:
    """The blocks, then the notes; level 1 and 2 headings are chapters when there are two or more."""
    chapter_headings = {id(p) for p in parts if p.kind == "heading" and not p.title and p.level <= 2 and p.text.strip()}
    chapters = len(chapter_headings) >= 2
    builder = DocumentBuilder()
    for part in parts:
        text = part.text.translate(_VISIBLE)
        if chapters and id(part) in chapter_headings:
            builder.chapter(text, part.level)
        builder.add(part.kind, text, part.level)
    for note in notes:
        builder.add("note", note.translate(_VISIBLE))
    if not title:
        title = next((p.text for p in parts if p.title), "")
    return builder.build(title=" ".join(title.split()), format=format)


def roman(n: int) -> str:
    """``n`` (1 or more) in lower-case roman numerals: the default mark of endnotes."""
    out = []
    for value, letters in (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    ):  # fmt: skip
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


# ---- DOCX


def read_docx(label: str, data: bytes, cancelled: Callable[[], bool]) -> Document:
    """A .docx file's bytes as a Document (format "docx"); ``label`` names it in errors."""
    with _open(label, data, "a Word document (.docx)") as members:
        main = _main_part(members)
        body = next((c for c in _xml(members, main) if _local(c.tag) == "body"), None)
        if body is None:
            raise DocumentError(f"{label} is damaged: {main} has no body")
        folder = posixpath.dirname(main)
        docx = _Docx(label, cancelled, _styles(_optional_xml(members, posixpath.join(folder, "styles.xml"))))
        parts = docx.blocks(body)
        notes = docx.notes_text(
            _optional_xml(members, posixpath.join(folder, "footnotes.xml")),
            _optional_xml(members, posixpath.join(folder, "endnotes.xml")),
        )
        title = _meta_title(_optional_xml(members, "docProps/core.xml"))
    return _document(parts, notes, title, "docx")


def _main_part(members: ZipMembers) -> str:
    """The main document part named by the package relationships (word/document.xml as a rule)."""
    rels = _optional_xml(members, "_rels/.rels")
    if rels is not None:
        for rel in rels.iter(f"{REL}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("Target"):
                target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                if members.find(target):
                    return target
    if members.find("word/document.xml"):
        return "word/document.xml"
    raise DocumentError(f"{members.label} is not a Word document: it has no main document part")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass(frozen=True)
class _Style:
    heading: int = 0  # 1-9 for a heading style, 0 otherwise
    title: bool = False
    item: bool = False  # a list style (numbering in its paragraph properties)
    kind: str = ""  # quote, caption or toc for those styles


def _styles(root: ElementTree.Element | None) -> dict[str, _Style]:
    """Paragraph styles by id, from styles.xml: headings by name ("heading 1") or outline level,
    Title, list styles, quotes, captions and table-of-contents entries."""
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for style in root:
        if _local(style.tag) != "style" or _attr(style, "type") not in ("paragraph", None):
            continue
        style_id = _attr(style, "styleId") or ""
        name = ""
        heading = 0
        item = False
        for child in style:
            local = _local(child.tag)
            if local == "name":
                name = (_attr(child, "val") or "").lower()
            elif local == "pPr":
                for prop in child:
                    if _local(prop.tag) == "outlineLvl":
                        heading = _outline_heading(prop)
                    elif _local(prop.tag) == "numPr":
                        item = True
        match = _HEADING_NAME.fullmatch(name)
        if match:
            heading = int(match.group(1))
        styles[style_id] = _Style(heading, name == "title", item, _style_kind(name))
    return styles


def _style_kind(name: str) -> str:
    """The block kind a paragraph style's name says ("" for a plain paragraph)."""
    if "quote" in name:
        return "quote"
    if name == "caption":
        return "caption"
    return "toc" if name.startswith("toc") else ""


def _outline_heading(prop: ElementTree.Element) -> int:
    """w:outlineLvl as a heading level: 0-8 -> 1-9; 9 is body text."""
    value = _attr(prop, "val") or ""
    return int(value) + 1 if value.isdigit() and int(value) < 9 else 0


def _attr(element: ElementTree.Element, name: str) -> str | None:
    """A w: attribute in either namespace (transitional or strict), or without one."""
    return element.get(W + name) or element.get(W_STRICT + name) or element.get(name)


def _off(element: ElementTree.Element) -> bool:
    """An on/off property switched off (w:val="0", "false", "off")."""
    return (_attr(element, "val") or "true").lower() in ("0", "false", "off")


class _Docx:
    """Walks word/document.xml's body in order into parts, numbering note references."""

    SKIPPED = frozenset(
        {
            "pPr", "rPr", "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "del", "moveFrom", "instrText",
            "delText", "delInstrText", "commentReference", "annotationRef", "footnoteRef", "endnoteRef",
            "rt", "bookmarkStart", "bookmarkEnd", "proofErr", "lastRenderedPageBreak", "sdtPr", "sdtEndPr",
            "fldChar", "sym", "separator", "continuationSeparator",
        }
    )  # fmt: skip

    def __init__(self, label: str, cancelled: Callable[[], bool], styles: dict[str, _Style]):
        self.walk = _Walk(label, cancelled)
        self.styles = styles
        self.notes = _Notes()

    # block level

    def blocks(self, container: ElementTree.Element) -> list[_Part]:
        parts: list[_Part] = []
        self._container(container, parts)
        return parts

    def _read_children(self, element: ElementTree.Element) -> Iterator[tuple[ElementTree.Element, str]]:
        """The children that are read, with their local names (a tick for each)."""
        for child in element:
            self.walk.tick()
            local = _local(child.tag)
            if child.tag != MC_FALLBACK and local not in self.SKIPPED:
                yield child, local

    def _container(self, container: ElementTree.Element, parts: list[_Part]) -> None:
        for child, local in self._read_children(container):
            if local == "p":
                self._paragraph(child, parts)
            elif local == "tbl":
                self._table(child, parts)
            else:  # sdt, sdtContent, customXml, ins, moveTo, AlternateContent, Choice ...
                self._container(child, parts)

    def _table(self, table: ElementTree.Element, parts: list[_Part]) -> None:
        for row in _wrapped(table, "tr"):
            for cell in _wrapped(row, "tc"):
                self._cell(cell, parts)

    def _cell(self, cell: ElementTree.Element, parts: list[_Part]) -> None:
        inner: list[_Part] = []
        nested: list[_Part] = []
        for child in cell:
            local = _local(child.tag)
            if local == "tbl":
                self._table(child, nested)
            elif local not in self.SKIPPED:
                self._container_or_paragraph(child, inner)
        text = " ".join(p.text for p in inner if p.kind != "cell")
        parts.append(_Part("cell", text))
        parts.extend(p for p in inner if p.kind == "cell")
        parts.extend(nested)

    def _container_or_paragraph(self, element: ElementTree.Element, parts: list[_Part]) -> None:
        if _local(element.tag) == "p":
            self._paragraph(element, parts)
        else:
            self._container(element, parts)

    # paragraphs

    def _paragraph(self, paragraph: ElementTree.Element, parts: list[_Part]) -> None:
        style = _Style()
        numbered = False
        heading = 0
        ppr = next((c for c in paragraph if _local(c.tag) == "pPr"), None)
        if ppr is not None:
            for prop in ppr:
                local = _local(prop.tag)
                if local == "pStyle":
                    style_id = _attr(prop, "val") or ""
                    style = self.styles.get(style_id) or _style_from_id(style_id)
                elif local == "numPr":
                    num_id = next((c for c in prop if _local(c.tag) == "numId"), None)
                    numbered = num_id is None or _attr(num_id, "val") != "0"
                elif local == "outlineLvl":
                    heading = _outline_heading(prop)
        if style.kind == "toc":
            return
        boxes: list[_Part] = []
        text = "".join(self._inline(paragraph, boxes))
        heading = heading or style.heading or (1 if style.title else 0)
        if heading:
            parts.append(_Part("heading", text, min(heading, MAX_HEADING_LEVEL), style.title))
        elif numbered or style.item:
            parts.append(_Part("item", text))
        else:
            parts.append(_Part(style.kind or "paragraph", text))
        parts.extend(boxes)

    def _inline(self, element: ElementTree.Element, boxes: list[_Part]) -> Iterator[str]:
        """The text of a paragraph's runs in order; text boxes go to ``boxes``."""
        for child, local in self._read_children(element):
            if local == "t":
                yield child.text or ""
            elif local in ("tab", "br", "cr", "ptab"):
                yield " "
            elif local == "noBreakHyphen":
                yield "-"
            elif local == "softHyphen":
                continue
            elif local == "footnoteReference":
                yield " " + self._mark(child, self.notes.footnote_numbers, str) + " "
            elif local == "endnoteReference":
                yield " " + self._mark(child, self.notes.endnote_numbers, roman) + " "
            elif local == "txbxContent":
                self._container(child, boxes)
            elif local == "r" and _hidden(child):
                continue
            else:  # r, hyperlink, ins, moveTo, smartTag, fldSimple, sdt, drawing ...
                yield from self._inline(child, boxes)

    def _mark(self, reference: ElementTree.Element, numbers: dict[str, str], style: Callable[[int], str]) -> str:
        """A note reference's mark (the next number, or the custom mark that follows it)."""
        note_id = _attr(reference, "id") or ""
        if _attr(reference, "customMarkFollows") in ("1", "true", "on"):
            numbers.setdefault(note_id, "")
            return ""
        return numbers.setdefault(note_id, style(len([v for v in numbers.values() if v]) + 1))

    def notes_text(self, footnotes: ElementTree.Element | None, endnotes: ElementTree.Element | None) -> list[str]:
        """The referenced notes' texts, each after its mark: footnotes, then endnotes."""
        out = []
        for root, numbers in ((footnotes, self.notes.footnote_numbers), (endnotes, self.notes.endnote_numbers)):
            if root is None or not numbers:
                continue
            by_id = {_attr(note, "id"): note for note in root}
            for note_id, mark in numbers.items():
                note = by_id.get(note_id)
                if note is None:
                    continue
                parts = self.blocks(note)
                text = " ".join(p.text for p in parts)
                out.append(f"{mark} {text}" if mark else text)
        return out


def _wrapped(element: ElementTree.Element, local: str) -> Iterator[ElementTree.Element]:
    """The children called ``local`` (rows of a table, cells of a row), also inside the content
    controls and custom XML that may wrap them."""
    for child in element:
        name = _local(child.tag)
        if name == local:
            yield child
        elif name in ("sdt", "sdtContent", "customXml"):
            yield from _wrapped(child, local)


def _style_from_id(style_id: str) -> _Style:
    """A style known by its id alone (no styles.xml): Heading1..9 and Title."""
    match = re.fullmatch(r"heading\s*([1-9])", style_id, re.IGNORECASE)
    if match:
        return _Style(heading=int(match.group(1)))
    return _Style(title=style_id.lower() == "title")


def _hidden(run: ElementTree.Element) -> bool:
    """A run formatted as hidden text (w:vanish), which the page does not show."""
    rpr = next((c for c in run if _local(c.tag) == "rPr"), None)
    return rpr is not None and any(_local(p.tag) == "vanish" and not _off(p) for p in rpr)


# ---- ODT


def read_odt(label: str, data: bytes, cancelled: Callable[[], bool]) -> Document:
    """An .odt file's bytes as a Document (format "odt"); ``label`` names it in errors."""
    with _open(label, data, "an OpenDocument text (.odt)") as members:
        if not members.find("content.xml"):
            raise DocumentError(f"{label} is not an OpenDocument text: it has no content.xml")
        manifest = _optional_xml(members, "META-INF/manifest.xml")
        if manifest is not None and any(_local(e.tag) == "encryption-data" for e in manifest.iter()):
            raise DocumentError(f"{label} is protected by a password; save a copy without one to read it")
        content = _xml(members, "content.xml")
        text = content.find(f"{OFFICE}body/{OFFICE}text")
        if text is None:
            raise DocumentError(f"{label} is not an OpenDocument text (it has no text body)")
        odt = _Odt(label, cancelled, _odt_parent_styles(content))
        parts: list[_Part] = []
        odt.container(text, parts)
        title = _meta_title(_optional_xml(members, "meta.xml"))
    return _document(parts, odt.notes, title, "odt")


def _odt_parent_styles(content: ElementTree.Element) -> dict[str, str]:
    """Automatic paragraph styles (P1, P2 ...: a paragraph formatted by hand) and the named style
    each is based on."""
    parents = {}
    automatic = content.find(f"{OFFICE}automatic-styles")
    for style in automatic if automatic is not None else ():
        name, parent = style.get(f"{STYLE}name"), style.get(f"{STYLE}parent-style-name")
        if name and parent:
            parents[name] = parent
    return parents


class _Odt:
    """Walks content.xml's office:text in order into parts; notes are collected to append."""

    SKIPPED = frozenset(
        {
            f"{TEXT}tracked-changes", f"{TEXT}table-of-content", f"{TEXT}alphabetical-index",
            f"{TEXT}illustration-index", f"{TEXT}table-index", f"{TEXT}object-index", f"{TEXT}user-index",
            f"{TEXT}bibliography", f"{TEXT}sequence-decls", f"{TEXT}variable-decls", f"{TEXT}user-field-decls",
            f"{OFFICE}forms", f"{OFFICE}annotation", f"{OFFICE}annotation-end", f"{TEXT}soft-page-break",
            f"{TABLE}covered-table-cell", f"{TABLE}table-columns", f"{TABLE}table-column",
            f"{TEXT}ruby-text", f"{TEXT}bookmark", f"{TEXT}bookmark-start", f"{TEXT}bookmark-end",
            f"{TEXT}change", f"{TEXT}change-start", f"{TEXT}change-end", f"{DRAW}image",
        }
    )  # fmt: skip

    def __init__(self, label: str, cancelled: Callable[[], bool], parents: dict[str, str]):
        self.walk = _Walk(label, cancelled)
        self.notes: list[str] = []
        self.parents = parents

    def _is_title(self, paragraph: ElementTree.Element) -> bool:
        """A paragraph in the Title style (or an automatic style based on it; "rststyle-title"
        and the like count too, "Subtitle" does not)."""
        name = paragraph.get(f"{TEXT}style-name", "")
        return _TITLE_STYLE.fullmatch(self.parents.get(name, name)) is not None

    def container(self, element: ElementTree.Element, parts: list[_Part], kind: str = "") -> None:
        """Block-level children; ``kind`` "item" inside a list item."""
        for child in element:
            self.walk.tick()
            tag = child.tag
            if tag in self.SKIPPED:
                continue
            if tag == f"{TEXT}h":
                level = child.get(f"{TEXT}outline-level", "1")
                number = int(level) if level.isdigit() and int(level) > 0 else 1
                self._paragraph(child, parts, "heading", min(number, MAX_HEADING_LEVEL))
            elif tag == f"{TEXT}p" and not kind and self._is_title(child):
                self._paragraph(child, parts, "heading", 1, title=True)
            elif tag == f"{TEXT}p":
                self._paragraph(child, parts, kind or "paragraph")
            elif tag in (f"{TEXT}list-item", f"{TEXT}list-header"):
                self.container(child, parts, "item")
            elif tag == f"{TABLE}table-cell":
                self._cell(child, parts)
            else:  # list, section, table, rows, row groups, frames, text boxes ...
                self.container(child, parts, kind if tag == f"{TEXT}list" else "")

    def _cell(self, cell: ElementTree.Element, parts: list[_Part]) -> None:
        inner: list[_Part] = []
        self.container(cell, inner)
        nested = [p for p in inner if p.kind == "cell"]
        parts.append(_Part("cell", " ".join(p.text for p in inner if p.kind != "cell")))
        parts.extend(nested)

    def _paragraph(
        self, paragraph: ElementTree.Element, parts: list[_Part], kind: str, level: int = 0, title: bool = False
    ) -> None:
        boxes: list[_Part] = []
        text = "".join(self._inline(paragraph, boxes))
        parts.append(_Part(kind, text, level, title))
        parts.extend(boxes)

    def _inline(self, element: ElementTree.Element, boxes: list[_Part]) -> Iterator[str]:
        """Mixed content: the element's text, each child's text, each child's tail."""
        yield element.text or ""
        for child in element:
            self.walk.tick()
            tag = child.tag
            if tag in self.SKIPPED:
                pass
            elif tag == f"{TEXT}s":
                yield " "  # text:c spaces in a row; the block's whitespace is collapsed anyway
            elif tag in (f"{TEXT}tab", f"{TEXT}line-break"):
                yield " "
            elif tag == f"{TEXT}note":
                yield " " + self._note(child) + " "
            elif tag == f"{DRAW}frame":
                self.container(child, boxes)  # a text box's or caption's paragraphs
            else:  # span, a, ruby, ruby-base, meta, page-number, ...
                yield from self._inline(child, boxes)
            yield child.tail or ""

    def _note(self, note: ElementTree.Element) -> str:
        """The note's citation (the mark the page shows); its body is kept to append."""
        citation = note.find(f"{TEXT}note-citation")
        mark = " ".join("".join(citation.itertext()).split()) if citation is not None else ""
        body = note.find(f"{TEXT}note-body")
        if body is not None:
            inner: list[_Part] = []
            self.container(body, inner)
            text = " ".join(p.text for p in inner)
            self.notes.append(f"{mark} {text}" if mark else text)
        return mark
