"""Real-world-shaped documents, written by the tests (no binary fixtures in git): each one holds
a trap a reader has fallen into (a page without </head>, a chapter file name with a space, a
footnote number glued to its word, a table read as one run of words...)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pdf_maker import Page, make_pdf

SENTENCE = "The quick brown fox reads aloud."

CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
    '<rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles></container>'
)


def xhtml(body: str, title: str = "", head_extra: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{title}</title>{head_extra}</head><body>{body}</body></html>"
    )


def write_epub(
    path: Path,
    pages: list[tuple[str, str, str]],  # (id, href relative to the OPF, xhtml); spine order
    *,
    title: str = "A Book",
    version: str = "3.0",
    nav: str | None = None,  # the nav document's body (EPUB 3), written as nav.xhtml
    ncx: str | None = None,  # the NCX navMap's content (EPUB 2), written as toc.ncx
    extra_items: str = "",
    itemref_attrs: dict[str, str] | None = None,  # id -> attributes of its itemref
    guide: str = "",
    opf_dir: str = "OEBPS",
    stored_names: dict[str, str] | None = None,  # href -> the name in the zip, when they differ
    mimetype: bool = True,
) -> Path:
    itemref_attrs = itemref_attrs or {}
    stored_names = stored_names or {}
    prefix = f"{opf_dir}/" if opf_dir else ""
    items = [f'<item id="{i}" href="{h}" media-type="application/xhtml+xml"/>' for i, h, _ in pages]
    if nav is not None:
        items.append('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>')
    if ncx is not None:
        items.append('<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>')
    spine = "".join(f'<itemref idref="{i}" {itemref_attrs.get(i, "")}/>' for i, _, _ in pages)
    toc_attr = ' toc="ncx"' if ncx is not None else ""
    opf = (
        f'<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="{version}">'
        f'<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></metadata>'
        f"<manifest>{''.join(items)}{extra_items}</manifest><spine{toc_attr}>{spine}</spine>"
        f"{f'<guide>{guide}</guide>' if guide else ''}</package>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        if mimetype:
            z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr("META-INF/container.xml", CONTAINER.format(opf=f"{prefix}content.opf"))
        z.writestr(f"{prefix}content.opf", opf)
        for _, href, content in pages:
            z.writestr(prefix + stored_names.get(href, href), content)
        if nav is not None:
            z.writestr(f"{prefix}nav.xhtml", xhtml(nav, "Contents"))
        if ncx is not None:
            z.writestr(
                f"{prefix}toc.ncx",
                '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
                f"<head/><docTitle><text>{title}</text></docTitle><navMap>{ncx}</navMap></ncx>",
            )
    return path


def nav_point(ident: str, label: str, src: str, children: str = "") -> str:
    return (
        f'<navPoint id="{ident}"><navLabel><text>{label}</text></navLabel><content src="{src}"/>{children}</navPoint>'
    )


def toc_nav(entries: str) -> str:
    """An EPUB 3 nav body: the toc (``entries``: <li> items), landmarks and a page list."""
    return (
        f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{entries}</ol></nav>'
        '<nav epub:type="landmarks" hidden=""><ol><li><a epub:type="cover" href="cover.xhtml">Cover</a></li>'
        '<li><a epub:type="toc" href="contents.xhtml">Contents</a></li>'
        '<li><a epub:type="bodymatter" href="one.xhtml">Start</a></li></ol></nav>'
        '<nav epub:type="page-list" hidden=""><ol><li><a href="one.xhtml#p1">1</a></li></ol></nav>'
    )


def write_pdf(path: Path, text: str = SENTENCE) -> Path:
    """A one-page PDF with a real text layer (pdf_maker's Helvetica)."""
    path.write_bytes(make_pdf([Page().line(72, 720, text)]))
    return path


def write_docx(path: Path, paragraphs: list[str]) -> Path:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "word/document.xml", f'<?xml version="1.0"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
        )
    return path
