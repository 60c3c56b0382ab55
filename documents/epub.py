"""EPUB 2 and 3: the spine's pages in reading order, and the table of contents as chapters.

``META-INF/container.xml`` names the package (OPF) file; its spine gives the reading order.
Not read: spine items marked ``linear="no"`` (notes, answers the book links to), the EPUB 3
navigation document (``properties="nav"``), the NCX, ``cover-image`` items, the cover and
table-of-contents pages the guide or the nav's landmarks name, pages with no text (a cover
picture) and anything that is not XHTML. Each page is read by html.BlockWalker into one
document. Chapters come from the EPUB 3 nav's ``toc`` (else the EPUB 2 NCX ``navMap``), each at
the first block of its target page, or of the element its fragment names; entries whose target
is not read are left out. The title is the first ``dc:title``. References are percent-decoded
and found also when only their case differs (archive.ZipMembers).

Members are unpacked within one budget (``MAX_DOCUMENT_BYTES`` in all); XML is read by
ElementTree (expat, which refuses entity expansion bombs); ``cancelled`` is looked at before
each page and every ``CHECK_EVERY`` nodes within one. Any thread.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from xml.etree import ElementTree

from selectolax.lexbor import LexborNode

from bittts.engine.limits import MAX_DOCUMENT_BYTES

from .archive import ZipMembers, join_href
from .errors import DocumentError, check_cancelled
from .html import BlockWalker, parse_html, with_heading_chapters
from .model import Chapter, Document, DocumentBuilder
from .sniff import decode_text

XHTML_TYPES = ("application/xhtml+xml", "text/html", "application/xml", "text/x-oeb1-document")


@dataclass(frozen=True)
class TocEntry:
    title: str
    target: str  # a member name
    fragment: str  # an element id in it, or ""
    level: int


def _local(tag: str) -> str:
    """An XML tag's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _children(element: ElementTree.Element, name: str) -> Iterator[ElementTree.Element]:
    return (child for child in element if _local(child.tag) == name)


def _descendants(element: ElementTree.Element, name: str) -> Iterator[ElementTree.Element]:
    return (node for node in element.iter() if isinstance(node.tag, str) and _local(node.tag) == name)


def _xml(members: ZipMembers, name: str) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(members.read(name))
    except ElementTree.ParseError as exc:
        raise DocumentError(f"{members.label} is damaged: {name} is not well-formed XML ({exc})") from None


def read_epub(label: str, data: bytes, cancelled: Callable[[], bool]) -> Document:
    """The Document of an EPUB file's bytes; ``label`` names it in errors."""
    with ZipMembers(data, label, MAX_DOCUMENT_BYTES) as members:
        container = _xml(members, "META-INF/container.xml")
        rootfile = next((r.get("full-path") for r in _descendants(container, "rootfile") if r.get("full-path")), None)
        if not rootfile:
            raise DocumentError(f"{label} is damaged: META-INF/container.xml names no package file")
        opf_name = members.find(rootfile) or rootfile
        opf = _xml(members, opf_name)
        return _Book(members, opf_name, opf, cancelled).read()


class _Book:
    def __init__(self, members: ZipMembers, opf_name: str, opf: ElementTree.Element, cancelled: Callable[[], bool]):
        self.members, self.cancelled, self.label = members, cancelled, members.label
        self.base = posixpath.dirname(opf_name)
        self.opf = opf
        # id -> (member name, media type, properties)
        self.items: dict[str, tuple[str, str, set[str]]] = {}
        for item in _descendants(opf, "item"):
            ident, href = item.get("id"), item.get("href")
            if ident and href:
                name = self._member(join_href(self.base, href))
                self.items[ident] = (
                    name,
                    (item.get("media-type") or "").lower(),
                    set((item.get("properties") or "").split()),
                )

    def _member(self, name: str) -> str:
        """The archive's own name for a reference (percent-decoded, case-tolerant)."""
        return self.members.find(name) or name

    def read(self) -> Document:
        title = next((" ".join((t.text or "").split()) for t in _descendants(self.opf, "title")), "")
        skipped = self._not_read()
        builder = DocumentBuilder()
        walker = BlockWalker(builder, self.cancelled, track_ids=True)
        page_start: dict[str, int] = {}  # member -> index of its first block
        anchors: dict[str, int | None] = {}  # "member#id" -> index of the first block at or after it
        seen: set[str] = set()
        for name in self._spine():
            if name in skipped or name in seen:
                continue
            seen.add(name)
            check_cancelled(self.cancelled, f"opening {self.label}")
            tree, _ = parse_html(decode_text(self.members.read(name), f"{self.label}: {name}", html=True))
            first = builder.block_count
            walker.new_page()
            walker.walk(tree)
            if builder.block_count > first:  # a page of pictures only (a cover) has no start
                page_start[name] = first
            anchors.update((f"{name}#{ident}", index) for ident, index in walker.anchors.items())
        document = builder.build(title=title, format="epub")
        chapters = self._chapters(document, page_start, anchors)
        if not chapters:
            return with_heading_chapters(document)
        return replace(document, chapters=chapters)

    def _spine(self) -> Iterator[str]:
        for spine in _descendants(self.opf, "spine"):
            for ref in _children(spine, "itemref"):
                item = self.items.get(ref.get("idref") or "")
                if item is None or (ref.get("linear") or "").strip().lower() == "no":
                    continue
                name, media, _ = item
                if media and media not in XHTML_TYPES:
                    continue
                yield name
            return

    def _not_read(self) -> set[str]:
        """Members that are never read: the nav document, the NCX, covers, guide tables of contents."""
        skipped = set()
        for name, media, properties in self.items.values():
            if "nav" in properties or "cover-image" in properties or media == "application/x-dtbncx+xml":
                skipped.add(name)
        for reference in _descendants(self.opf, "reference"):
            if (reference.get("type") or "").lower() in ("cover", "toc") and reference.get("href"):
                skipped.add(self._member(join_href(self.base, reference.get("href") or "")))
        nav = self._nav_item()
        if nav is not None:
            tree = self._nav_tree(nav)
            for landmark in tree.css("nav a") if tree is not None else ():
                if {"cover", "toc"} & set((landmark.attributes.get("epub:type") or "").lower().split()):
                    skipped.add(self._member(join_href(posixpath.dirname(nav), landmark.attributes.get("href") or "")))
        return skipped

    def _nav_item(self) -> str | None:
        return next((name for name, _, properties in self.items.values() if "nav" in properties), None)

    def _nav_tree(self, name: str):  # -> LexborHTMLParser | None (the raw nav, nothing removed)
        from selectolax.lexbor import LexborHTMLParser

        if self.members.find(name) is None:
            return None
        return LexborHTMLParser(decode_text(self.members.read(name), f"{self.label}: {name}", html=True))

    def _chapters(
        self, document: Document, page_start: dict[str, int], anchors: dict[str, int | None]
    ) -> tuple[Chapter, ...]:
        entries = self._nav_toc() or self._ncx_toc()
        chapters = []
        for entry in entries:
            index = anchors.get(f"{entry.target}#{entry.fragment}") if entry.fragment else None
            if index is None:
                index = page_start.get(entry.target)
            if index is None or index >= len(document.blocks):
                continue  # a page not read (a cover, notes out of the reading order) or one with no text
            chapters.append(Chapter(entry.title, document.blocks[index].start, entry.level))
        chapters.sort(key=lambda c: c.start)  # stable: entries at one place keep the table's order
        return tuple(chapters)

    def _nav_toc(self) -> list[TocEntry]:
        nav = self._nav_item()
        tree = self._nav_tree(nav) if nav else None
        if nav is None or tree is None:
            return []
        navs = tree.css("nav")
        toc = next((n for n in navs if "toc" in (n.attributes.get("epub:type") or "").lower().split()), None)
        toc = toc or next((n for n in navs if "doc-toc" in (n.attributes.get("role") or "").lower().split()), None)
        if toc is None:
            return []
        entries: list[TocEntry] = []
        base = posixpath.dirname(nav)
        for link in toc.css("a[href]"):
            level = sum(1 for ancestor in _ancestors(link, toc) if ancestor.tag == "li")
            title = " ".join(link.text(deep=True).split())
            entries.append(self._entry(base, link.attributes.get("href") or "", title, max(1, level)))
        return entries

    def _ncx_toc(self) -> list[TocEntry]:
        ncx = next((name for name, media, _ in self.items.values() if media == "application/x-dtbncx+xml"), None)
        if ncx is None:
            spine = next(_descendants(self.opf, "spine"), None)
            toc_id = spine.get("toc") if spine is not None else None
            ncx = self.items[toc_id][0] if toc_id in self.items else None
        if ncx is None or self.members.find(ncx) is None:
            return []
        entries: list[TocEntry] = []
        base = posixpath.dirname(ncx)
        nav_map = next(_descendants(_xml(self.members, ncx), "navMap"), None)
        stack = [(point, 1) for point in reversed(list(_children(nav_map, "navPoint")))] if nav_map is not None else []
        while stack:
            point, level = stack.pop()
            label = next(_descendants(point, "text"), None)
            content = next(_children(point, "content"), None)
            if content is not None and content.get("src"):
                title = " ".join("".join(label.itertext()).split()) if label is not None else ""
                entries.append(self._entry(base, content.get("src") or "", title, level))
            stack.extend((child, level + 1) for child in reversed(list(_children(point, "navPoint"))))
        return entries

    def _entry(self, base: str, href: str, title: str, level: int) -> TocEntry:
        fragment = href.split("#", 1)[1] if "#" in href else ""
        return TocEntry(title, self._member(join_href(base, href)), fragment, level)


def _ancestors(node: LexborNode, stop: LexborNode) -> Iterator[LexborNode]:
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        yield parent
        parent = parent.parent
