"""HTML and XHTML as a person reads them: the visible text of the page, in blocks.

The page is parsed by selectolax's Lexbor parser (MIT; the HTML5 parsing algorithm, in C, so a
page without ``</head>``, with unclosed ``<p>`` or stray tags reads as a browser shows it) and
its tree walked without recursion. Skipped: the head (its ``<title>`` becomes the document's
title), scripts, styles, templates, ``noscript``, SVG, forms' controls, ruby annotations,
navigation (``<nav>``, ``role="navigation"``), anything ``hidden``, ``aria-hidden="true"`` or
``display:none``, EPUB tables of contents, landmarks, page lists, page-break markers and covers
(``epub:type`` or ``role``), and "Skip to main content" links. Blocks: headings (with their
level), paragraphs, list items, each table cell, quotes, code (``pre``, line breaks kept),
captions, definition terms and descriptions, footnotes (``aside``, ``epub:type``/``role``
footnote or endnote). Inline elements join without added spaces; ``<br>`` is a space; a
footnote marker (a noteref link, or a ``<sup>`` holding only a number or a symbol) is kept
apart from the word before it.

Linear in the size of the page; ``cancelled`` is looked at every ``CHECK_EVERY`` nodes. Any
thread (selectolax releases no global state).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .errors import CHECK_EVERY, check_cancelled
from .model import Chapter, Document, DocumentBuilder

# fmt: off
SKIPPED_TAGS = frozenset({
    "head", "script", "style", "template", "noscript", "svg", "nav", "iframe", "object", "embed", "canvas",
    "audio", "video", "select", "button", "textarea", "input", "datalist", "dialog", "map", "rt", "rp",
})
BLOCK_TAGS = frozenset({
    "html", "body", "main", "article", "section", "div", "p", "header", "footer", "aside", "address",
    "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd", "menu", "table", "thead", "tbody", "tfoot", "tr",
    "td", "th", "caption", "figure", "figcaption", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "hgroup",
    "details", "summary", "fieldset", "legend", "form", "center", "title", "option", "colgroup",
})
# the kind a block takes from the closest of these around it (a <p> inside a <li> is an item)
KIND_OF_TAG = {
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
    "li": "item", "td": "cell", "th": "cell", "blockquote": "quote", "pre": "code", "figcaption": "caption",
    "caption": "caption",
}
# epub:type and role values of what is not read: tables of contents, landmarks, page lists and
# page-break markers (page numbers), covers, navigation
SKIPPED_TYPES = frozenset({
    "toc", "landmarks", "page-list", "loi", "lot", "pagebreak", "cover", "titlepage-image",
    "doc-toc", "doc-pagelist", "doc-pagebreak", "doc-cover", "navigation", "search", "presentation-cover",
})
NOTE_TAGS = frozenset({"aside", "section", "div", "li", "p", "dd", "ol", "ul"})
NOTE_TYPES = frozenset({"footnote", "endnote", "rearnote", "note", "doc-footnote", "doc-endnote"})
NOTEREF_TYPES = frozenset({"noteref", "doc-noteref"})
VOID_TAGS = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
})
# elements that end the one before them or have no content: never deep (see capped_nesting)
SELF_CLOSING_TAGS = VOID_TAGS | {"p", "li", "dt", "dd", "tr", "td", "th", "option", "a", "thead", "tbody", "tfoot"}
# fmt: on
MAX_NESTING = 512  # elements deep (Chromium's parser stops nesting at 512 as well)
# what parse_html removes: skipped tags, and the candidates it looks at (see _hidden), each with
# the text without which the page can have none (a page is searched only for those it might have)
SKIPPED_SELECTORS = [(f"<{t}", t) for t in sorted(SKIPPED_TAGS)] + [
    ("hidden", "[hidden]"),
    ("hidden", "[aria-hidden]"),
    ("style", "[style]"),
    ("role", "[role]"),
    ("epub:type", "[epub\\:type]"),
]
# class names of navigation bars that are not marked up as <nav> (DocBook's navheader/navfooter,
# Texinfo's nav-panel, site templates' navbar and breadcrumbs)
NAVIGATION_CLASSES = frozenset(
    {
        "nav",
        "navbar",
        "nav-bar",
        "nav-panel",
        "navheader",
        "navfooter",
        "navigation",
        "breadcrumb",
        "breadcrumbs",
    }
)
# links between the pages of a manual (Texinfo's "Next: ... Previous: ... Up: ..." header)
_PAGE_LINKS = 'a[rel~="next"], a[rel~="prev"], a[rel~="previous"], a[rel~="up"]'
_TAG_RE = re.compile(r"<(/?)([A-Za-z][^\s/>]*+)(?:[^>=]++|=\s*+(?:\"[^\"]*+\"?|'[^']*+'?)?)*+>?")
_SKIP_LINK_RE = re.compile(r"\s*skip\s+(?:to|navigation|links)\b", re.IGNORECASE)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MARKER_RE = re.compile(r"\s*[\[(]?(?:[0-9]{1,4}|[*\u2020\u2021\u00a7\u00b6#]{1,3}|[a-z]|[ivxlc]{1,5})[\])]?\s*")
# an XML self-closing tag, which the HTML parser reads as an opening one (<title/> would hide the
# page); possessive, so linear
_SELF_CLOSING_RE = re.compile(r"<([A-Za-z][\w:.-]*+)((?:[^<>/]|/(?!>))*+)/>")


def xhtml_as_html(markup: str) -> str:
    """XHTML made safe for the HTML parser: ``<title/>`` -> ``<title></title>`` (void elements
    such as ``<br/>`` stay as they are)."""

    def expand(m: re.Match[str]) -> str:
        tag = m.group(1)
        return m.group(0) if tag.lower() in VOID_TAGS else f"<{tag}{m.group(2)}></{tag}>"

    return _SELF_CLOSING_RE.sub(expand, markup)


def parse_html(markup: str) -> tuple[LexborHTMLParser, str]:
    """The parsed page, what is never read already removed (see SKIPPED_SELECTORS), and its title."""
    if "/>" in markup:
        markup = xhtml_as_html(markup)
    tree = LexborHTMLParser(capped_nesting(markup.replace("\x00", "")))
    title = page_title(tree)
    lowered = markup.lower()
    selector = ", ".join(css for needle, css in SKIPPED_SELECTORS if needle in lowered)
    for node in tree.css(selector) if selector else ():
        if node.tag in SKIPPED_TAGS or _hidden(node):
            node.decompose()
    if "nav" in lowered or "breadcrumb" in lowered:
        for node in tree.css("[class]"):
            if NAVIGATION_CLASSES & set((node.attributes.get("class") or "").lower().split()):
                node.decompose()
    if "rel=" in lowered:  # a block that only links to the manual's other pages
        seen: set[int] = set()  # each block is measured once, however many links it holds
        for link in tree.css(_PAGE_LINKS):
            block = link.parent
            while block is not None and block.tag not in ("p", "div", "td", "header", "footer", "body"):
                block = block.parent
            if block is None or block.tag == "body" or block.mem_id in seen:
                continue
            seen.add(block.mem_id)
            if _only_page_links(block):
                block.decompose()
    if "<details" in lowered:  # a closed disclosure shows its summary only
        for details in tree.css("details:not([open])"):
            for child in list(details.iter(include_text=True)):
                if child.tag != "summary":
                    child.decompose()
    if "skip" in lowered:  # "Skip to main content": a link for keyboards, not part of the page
        for node in tree.css('a[href^="#"]'):
            if _SKIP_LINK_RE.match(node.text(deep=True)):
                node.decompose()
    return tree, title


def _only_page_links(block: LexborNode) -> bool:
    """Whether a block's words are no more than its page links and their labels ("Next:", "Up:",
    "[Index]"): a manual's navigation line, not its text."""
    words = (block.text(deep=True) or "").split()
    link_words = sum(len((a.text(deep=True) or "").split()) for a in block.css("a"))
    labels = sum(1 for w in words if w.strip("[]:,|").lower() in _PAGE_LINK_LABELS or not w.strip("[]:,|"))
    return len(words) <= link_words + labels


_PAGE_LINK_LABELS = frozenset({"next", "previous", "prev", "up", "home", "contents", "index", "top"})


def _hidden(node: LexborNode) -> bool:
    """Whether an element is not shown (hidden, aria-hidden, display:none) or not read (a table
    of contents, page list, page-break marker, cover...)."""
    attrs = node.attributes
    if "hidden" in attrs or (attrs.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if _HIDDEN_STYLE_RE.search(attrs.get("style") or ""):
        return True
    return bool(SKIPPED_TYPES & _types(node))


def capped_nesting(markup: str, cap: int = MAX_NESTING) -> str:
    """``markup`` without the start tags (and their end tags) that would nest elements deeper
    than ``cap``: the HTML5 tree builder looks through the open elements for each new block, so
    200,000 nested ``<div>`` take minutes (browsers cap the depth too). Elements that close
    their predecessor (``p``, ``li``, ``td``, ...) and void ones are not counted; so a page with
    nesting below the cap passes unchanged. Linear."""
    if markup.count("<") <= cap:
        return markup
    depth, kept, done = 0, [], 0
    for m in _TAG_RE.finditer(markup):
        name = m.group(2).lower()
        if name in SELF_CLOSING_TAGS:
            continue
        if m.group(1):  # an end tag
            depth = max(0, depth - 1)
            if depth < cap:
                continue
        else:
            depth += 1
            if depth <= cap:
                continue
        kept.append(markup[done : m.start()])
        done = m.end()
    kept.append(markup[done:])
    return "".join(kept)


def read_html(label: str, markup: str, cancelled: Callable[[], bool], headings_as_chapters: bool = True) -> Document:
    """The Document of an HTML or XHTML page. When ``headings_as_chapters`` and the page has two
    or more h1/h2 headings, they become its chapters."""
    tree, title = parse_html(markup)
    check_cancelled(cancelled)
    builder = DocumentBuilder()
    BlockWalker(builder, cancelled).walk(tree)
    document = builder.build(title=title, format="html")
    return with_heading_chapters(document) if headings_as_chapters else document


def html_to_text(markup: str, cancelled: Callable[[], bool] | None = None) -> str:
    """The text of an HTML page as ``read_html`` reads it."""
    return read_html("the page", markup, cancelled or (lambda: False)).text


def page_title(tree: LexborHTMLParser) -> str:
    node = tree.css_first("title")
    return " ".join((node.text(deep=True) if node is not None else "").split())


def with_heading_chapters(document: Document, levels: int = 2) -> Document:
    """``document`` with its headings of level 1..``levels`` as chapters, when it has two or more
    of them (the highest level present becomes chapter level 1)."""
    headings = [b for b in document.blocks if b.kind == "heading" and b.level <= levels]
    if len(headings) < 2:
        return document
    top = min(b.level for b in headings)
    chapters = tuple(Chapter(document.text[b.start : b.end], b.start, b.level - top + 1) for b in headings)
    return replace(document, chapters=chapters)


def _types(node: LexborNode) -> set[str]:
    """The element's ``epub:type`` and ``role`` tokens, lower case."""
    attrs = node.attributes
    value = f"{attrs.get('epub:type') or ''} {attrs.get('role') or ''}"
    return set(value.lower().split())


class BlockWalker:
    """Walks parsed pages into a DocumentBuilder; one walker may walk several pages (an EPUB's
    spine) into one builder. With ``track_ids``, ``anchors`` maps each element id seen to the
    index of the first block at or after it (None while no block has followed yet). With
    ``image_alt`` an image's alt text is read where it stands (Markdown, where the author wrote
    it inline); else images are not read (on web pages and in books they are mostly decoration,
    logos and covers, and a figure's caption is read)."""

    def __init__(
        self, builder: DocumentBuilder, cancelled: Callable[[], bool], track_ids: bool = False, image_alt: bool = False
    ):
        self.builder, self.cancelled, self.track_ids, self.image_alt = builder, cancelled, track_ids, image_alt
        self.anchors: dict[str, int | None] = {}
        self._waiting: list[str] = []  # ids waiting for the next block
        self._buffer: list[str] = []
        self._kinds: list[tuple[str, int]] = []  # from the kind-giving elements around the walk
        self._pre = 0  # depth of <pre> around the walk
        self._seen = 0

    def new_page(self) -> None:
        """Forget the ids of the page before (an EPUB's pages each have their own)."""
        self.anchors = {}
        self._waiting.clear()

    def walk(self, tree: LexborHTMLParser) -> None:
        root = tree.body or tree.root
        if root is not None:
            self.walk_node(root)

    def walk_node(self, root: LexborNode) -> None:
        # An explicit stack of nodes; None is pushed under the children of an element whose end
        # matters (a block, a kind-giver, <pre>), and its leaving is on the ``leaving`` stack.
        stack: list[LexborNode | None] = [root]
        leaving: list[tuple[bool, bool, bool]] = []  # (block, kind pushed, pre)
        while stack:
            node = stack.pop()
            self._seen += 1
            if self._seen % CHECK_EVERY == 0:
                check_cancelled(self.cancelled)
            if node is None:
                block, kind, pre = leaving.pop()
                if block:
                    self.flush()
                if kind:
                    self._kinds.pop()
                if pre:
                    self._pre -= 1
                continue
            tag = node.tag
            if tag == "-text":
                self._buffer.append(node.text_content or "")
                continue
            if tag is None or tag[0] in "-!":
                continue
            if self.track_ids:
                ident = node.id
                if ident:
                    self.anchors.setdefault(ident, None)
                    self._waiting.append(ident)
            block = tag in BLOCK_TAGS
            if block:
                self.flush()
            elif tag == "br":
                self._buffer.append("\n" if self._pre else " ")
                continue
            elif tag == "img":
                if self.image_alt:
                    self._buffer.append(node.attributes.get("alt") or "")
                continue
            elif tag == "sup" or tag == "a":
                if self._is_note_marker(node, tag):
                    self._buffer.append(" ")
            kind = None
            if tag in NOTE_TAGS and NOTE_TYPES & _types(node):
                kind = ("note", 0)
            elif tag in KIND_OF_TAG:
                kind = (KIND_OF_TAG[tag], int(tag[1]) if tag[0] == "h" else 0)
            if kind is not None:
                self._kinds.append(kind)
            pre = tag == "pre"
            self._pre += pre
            if block or kind is not None or pre:
                stack.append(None)
                leaving.append((block, kind is not None, pre))
            child = node.last_child
            while child is not None:
                stack.append(child)
                child = child.prev
        self.flush()

    @staticmethod
    def _is_note_marker(node: LexborNode, tag: str) -> bool:
        if tag == "sup":
            return bool(_MARKER_RE.fullmatch(node.text(deep=True)))
        return bool(NOTEREF_TYPES & _types(node))

    def flush(self) -> None:
        """Ends the block being gathered (if it has any text)."""
        if not self._buffer:
            return
        text = "".join(self._buffer).replace("\u00ad", "")  # soft hyphens: where a line may break
        self._buffer.clear()
        kind, level = ("code", 0) if self._pre else self._kinds[-1] if self._kinds else ("paragraph", 0)
        before = self.builder.block_count
        self.builder.add(kind, text, level)
        if self._waiting and self.builder.block_count > before:
            for ident in self._waiting:
                if self.anchors.get(ident) is None:
                    self.anchors[ident] = before
            self._waiting.clear()
