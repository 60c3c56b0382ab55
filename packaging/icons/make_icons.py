"""Render packaging/icons/bittts.svg into the icon files the installers use (run after editing the SVG):

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/icons/make_icons.py

bittts.png (256 px, Linux .desktop and AppImage), bittts.ico (Windows: 16-256 px PNG entries)
and bittts.icns (macOS: 16-1024 px PNG entries). Qt's SVG renderer does the drawing; the ICO
and ICNS containers are written here (both are a small header plus the PNG files).
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

HERE = Path(__file__).resolve().parent


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data)


def ico(pngs: dict[int, bytes]) -> bytes:
    """ICONDIR + ICONDIRENTRY per size, each entry a whole PNG file (Windows Vista and later)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        png = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


ICNS_TYPES = {16: b"icp4", 32: b"icp5", 64: b"icp6", 128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}


def icns(pngs: dict[int, bytes]) -> bytes:
    """'icns' + total length, then one (type, length, PNG) element per size."""
    body = b"".join(ICNS_TYPES[s] + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for s in sorted(pngs))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs an application)
    renderer = QSvgRenderer(str(HERE / "bittts.svg"))
    if not renderer.isValid():
        print("make_icons: bittts.svg does not render", file=sys.stderr)
        return 1
    pngs = {size: render_png(renderer, size) for size in (16, 24, 32, 48, 64, 128, 256, 512, 1024)}
    (HERE / "bittts.png").write_bytes(pngs[256])
    (HERE / "bittts.ico").write_bytes(ico({s: pngs[s] for s in (16, 24, 32, 48, 64, 128, 256)}))
    (HERE / "bittts.icns").write_bytes(icns({s: pngs[s] for s in ICNS_TYPES}))
    for name in ("bittts.png", "bittts.ico", "bittts.icns"):
        print(f"wrote {HERE / name} ({(HERE / name).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
