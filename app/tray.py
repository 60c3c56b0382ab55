"""The application icon and the system tray entry (where the platform has a tray)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QMenu, QSystemTrayIcon


def app_icon() -> QIcon:
    pixmap = QPixmap(64, 64)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("#2b6cc4"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(2, 2, 60, 60, 12, 12)
    painter.setPen(QColor("#ffffff"))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(34)
    painter.setFont(font)
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "B")
    painter.end()
    return QIcon(pixmap)


def build_tray(window) -> QSystemTrayIcon | None:
    """A tray icon whose menu plays or pauses, stops, reads the clipboard, shows the window and
    quits (``window``'s actions); None where there is no tray."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(app_icon(), window)
    tray.setToolTip("BitTTS Desktop")
    menu = QMenu(window)
    menu.addAction(window.act_play_pause)
    menu.addAction(window.act_stop)
    menu.addAction(window.act_clipboard)
    menu.addSeparator()
    menu.addAction("Show window", window.bring_to_front)
    menu.addAction(window.act_quit)
    tray.setContextMenu(menu)
    tray.activated.connect(
        lambda reason: window.bring_to_front() if reason == QSystemTrayIcon.ActivationReason.Trigger else None
    )
    tray.show()
    return tray
