"""The status line: what the window says (announced to screen readers too) and its error box."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox


class StatusLine:
    """The label in the window's status bar; ``announce`` and ``show_error`` are what every
    panel and flow reports through."""

    def __init__(self, window: QMainWindow):
        self.window = window
        self.last_announcement = ""
        self.last_error = ""
        self._error_box: QMessageBox | None = None
        self.label = QLabel()
        self.label.setAccessibleName("Status")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setMinimumWidth(100)
        window.statusBar().addWidget(self.label, 1)

    def announce(self, text: str) -> None:
        """Show a status line and tell screen readers about it."""
        if not text:
            return
        self.last_announcement = text
        self.label.setText(text)
        self.label.setToolTip(text)
        self.label.setAccessibleDescription(text)
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self.label, QAccessible.Event.NameChanged))
            QAccessible.updateAccessibility(QAccessibleEvent(self.label, QAccessible.Event.Alert))

    def show_error(self, text: str) -> None:
        """An error as a message (non-blocking) and a status line; never an exception."""
        self.last_error = text
        self.announce(text)
        if self._error_box is not None:
            self._error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "BitTTS Desktop", text, QMessageBox.StandardButton.Ok, self.window)
        box.setAccessibleName("Error")
        box.open()
        self._error_box = box
