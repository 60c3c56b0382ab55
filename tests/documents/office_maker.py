"""DOCX and ODT files for the office readers' tests, written as a word processor writes them:
a zip of XML parts with the usual names, namespaces and relationships, the body given as XML."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS_NS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml"
 ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="{main}"/>
<Relationship Id="rId2"
 Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
 Target="docProps/core.xml"/>
</Relationships>"""

# What Word writes for its built-in styles: ids in the UI language, names in English.
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/>
 <w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/>
 <w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/>
 <w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/></w:style>
<w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/></w:style>
<w:style w:type="character" w:styleId="Strong"><w:name w:val="Strong"/></w:style>
</w:styles>"""


def p(text: str = "", style: str = "", runs: str = "", numbered: bool = False) -> str:
    """A w:p: its text as one run (escaped) and/or ready-made runs; a style id; list numbering."""
    props = ""
    if style or numbered:
        props = "<w:pPr>"
        props += f'<w:pStyle w:val="{style}"/>' if style else ""
        props += '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' if numbered else ""
        props += "</w:pPr>"
    body = r(text) if text else ""
    return f"<w:p>{props}{body}{runs}</w:p>"


def r(text: str) -> str:
    """A run with its text (spaces kept, as Word marks them)."""
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def table(rows: list[list[str]]) -> str:
    cells = "".join("<w:tr>" + "".join(f"<w:tc><w:tcPr/>{p(c)}</w:tc>" for c in row) + "</w:tr>" for row in rows)
    return f"<w:tbl><w:tblPr/><w:tblGrid/>{cells}</w:tbl>"


def docx(
    body: str,
    title: str | None = None,
    styles: str | None = STYLES,
    footnotes: dict[str, str] | None = None,
    endnotes: dict[str, str] | None = None,
    header: str = "",
    footer: str = "",
    main: str = "word/document.xml",
    extra: dict[str, bytes] | None = None,
) -> bytes:
    """A .docx with ``body`` (w:body's content, XML) and the parts asked for."""
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:mc="{MC_NS}" xmlns:wps="{WPS_NS}">'
        f'<w:body>{body}<w:sectPr><w:headerReference r:id="rId8"/><w:pgSz w:w="12240"/></w:sectPr></w:body>'
        f"</w:document>"
    )
    parts = {
        "[Content_Types].xml": CONTENT_TYPES.encode(),
        "_rels/.rels": PACKAGE_RELS.format(main=main).encode(),
        main: document.encode(),
    }
    folder = main.rsplit("/", 1)[0]
    if styles is not None:
        parts[f"{folder}/styles.xml"] = styles.encode()
    for name, notes in (("footnotes", footnotes), ("endnotes", endnotes)):
        if notes is not None:
            tag = name[:-1]
            separator = f'<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>'
            items = "".join(
                f'<w:{tag} w:id="{i}"><w:p><w:r><w:{tag}Ref/></w:r>{r(" " + text)}</w:p></w:{tag}>'
                for i, text in notes.items()
            )
            parts[f"{folder}/{name}.xml"] = f'<w:{name} xmlns:w="{W_NS}">{separator}{items}</w:{name}>'.encode()
    if header:
        parts[f"{folder}/header1.xml"] = f'<w:hdr xmlns:w="{W_NS}">{p(header)}</w:hdr>'.encode()
    if footer:
        parts[f"{folder}/footer1.xml"] = f'<w:ftr xmlns:w="{W_NS}">{p(footer)}</w:ftr>'.encode()
    if title is not None:
        parts["docProps/core.xml"] = (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{escape(title)}</dc:title></cp:coreProperties>'
        ).encode()
    parts.update(extra or {})
    return zip_parts(parts)


def zip_parts(parts: dict[str, bytes], first: tuple[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        if first:
            z.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, as ODF wants its mimetype
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


ODF_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
)


def odt(
    body: str, title: str | None = None, styles_header: str = "", styles_footer: str = "", automatic_styles: str = ""
) -> bytes:
    """An .odt with ``body`` (office:text's content, XML); headers and footers go in styles.xml,
    where LibreOffice writes them (master pages)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODF_NAMESPACES} office:version="1.3">'
        f"{automatic_styles}"
        f'<office:body><office:text><text:sequence-decls><text:sequence-decl text:name="Table"/>'
        f"</text:sequence-decls>{body}</office:text></office:body></office:document-content>"
    )
    styles = (
        f"<office:document-styles {ODF_NAMESPACES}>"
        f'<office:master-styles><style:master-page style:name="Standard"><style:header>'
        f"<text:p>{escape(styles_header)}</text:p></style:header><style:footer><text:p>{escape(styles_footer)}"
        f"</text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"
    )
    parts = {
        "content.xml": content.encode(),
        "styles.xml": styles.encode(),
        "META-INF/manifest.xml": b'<m:manifest xmlns:m="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
    }
    if title is not None:
        parts["meta.xml"] = (
            f"<office:document-meta {ODF_NAMESPACES}><office:meta><dc:title>{escape(title)}</dc:title>"
            f"</office:meta></office:document-meta>"
        ).encode()
    return zip_parts(parts, first=("mimetype", b"application/vnd.oasis.opendocument.text"))
