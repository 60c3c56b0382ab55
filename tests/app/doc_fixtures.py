"""Tiny documents of every supported format, written by code (no binary fixtures in git)."""

from __future__ import annotations

import zipfile
from pathlib import Path

SENTENCE = "The quick brown fox reads aloud."


def write_txt(path: Path) -> Path:
    path.write_bytes(("Caf\u00e9 au lait.\r\n" + SENTENCE + "\r\n").encode("utf-8"))
    return path


def write_md(path: Path) -> Path:
    path.write_text(
        f"# Title\n\nSome **bold** and a [link](http://example.invalid).\n\n- {SENTENCE}\n\n```\ncode stays\n```\n",
        encoding="utf-8",
    )
    return path


def write_html(path: Path) -> Path:
    path.write_text(
        "<html><head><title>T</title><style>p{color:red}</style><script>var x=1;</script></head>"
        f"<body><h1>Heading</h1><p>{SENTENCE}</p><p>Fish &amp; chips.</p></body></html>",
        encoding="utf-8",
    )
    return path


def write_epub(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/container.xml",
            '<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
            '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>",
        )
        z.writestr(
            "OEBPS/content.opf",
            '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
            '<manifest><item id="c1" href="text/ch1.xhtml" media-type="application/xhtml+xml"/>'
            '<item id="c2" href="text/ch2.xhtml" media-type="application/xhtml+xml"/></manifest>'
            '<spine><itemref idref="c2"/><itemref idref="c1"/></spine></package>',
        )
        z.writestr("OEBPS/text/ch1.xhtml", "<html><body><p>Second chapter.</p></body></html>")
        z.writestr("OEBPS/text/ch2.xhtml", f"<html><body><h1>First</h1><p>{SENTENCE}</p></body></html>")
    return path


def write_pdf(path: Path, text: str = SENTENCE) -> Path:
    """A one-page PDF with a real text layer (Helvetica), offsets computed."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path
