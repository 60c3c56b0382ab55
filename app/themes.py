"""Light, dark and high-contrast themes (Fusion style with a palette), and the highlight colours
that go with each so the spoken word stays visible."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEME_LABELS = {"system": "&System", "light": "&Light", "dark": "&Dark", "high-contrast": "&High contrast"}

_P = QPalette.ColorRole
# fmt: off
_PALETTES = {
    "light": {_P.Window: "#f3f3f3", _P.WindowText: "#1a1a1a", _P.Base: "#ffffff", _P.AlternateBase: "#eaeaea",
              _P.Text: "#1a1a1a", _P.Button: "#e6e6e6", _P.ButtonText: "#1a1a1a", _P.Highlight: "#2b6cc4",
              _P.HighlightedText: "#ffffff", _P.ToolTipBase: "#ffffdc", _P.ToolTipText: "#1a1a1a",
              _P.PlaceholderText: "#6b6b6b", _P.Link: "#1a56a8"},
    "dark": {_P.Window: "#262626", _P.WindowText: "#e8e8e8", _P.Base: "#1c1c1c", _P.AlternateBase: "#2e2e2e",
             _P.Text: "#e8e8e8", _P.Button: "#333333", _P.ButtonText: "#e8e8e8", _P.Highlight: "#4a8ad8",
             _P.HighlightedText: "#000000", _P.ToolTipBase: "#333333", _P.ToolTipText: "#e8e8e8",
             _P.PlaceholderText: "#9a9a9a", _P.Link: "#7fb2f0"},
    "high-contrast": {_P.Window: "#000000", _P.WindowText: "#ffffff", _P.Base: "#000000", _P.AlternateBase: "#1a1a1a",
                      _P.Text: "#ffffff", _P.Button: "#000000", _P.ButtonText: "#ffffff", _P.Highlight: "#ffff00",
                      _P.HighlightedText: "#000000", _P.ToolTipBase: "#000000", _P.ToolTipText: "#ffffff",
                      _P.PlaceholderText: "#d0d0d0", _P.Link: "#00ffff"},
}
# fmt: on
# (sentence background, word background, word foreground)
HIGHLIGHT_COLOURS = {
    "system": ("#fff3c4", "#ffc94d", "#000000"),
    "light": ("#fff3c4", "#ffc94d", "#000000"),
    "dark": ("#3d3a22", "#b8860b", "#000000"),
    "high-contrast": ("#003a66", "#ffff00", "#000000"),
}

_original: dict = {}


def apply_theme(app: QApplication, name: str) -> None:
    """Apply a theme to the whole application ("system" restores the platform look)."""
    if not _original:
        _original["palette"] = QPalette(app.palette())
        _original["style"] = app.style().name()
    if name not in _PALETTES:
        app.setStyle(QStyleFactory.create(_original["style"]) or app.style())
        app.setPalette(_original["palette"])
        app.setStyleSheet("")
        return
    app.setStyle(QStyleFactory.create("Fusion"))
    palette = QPalette()
    for role, colour in _PALETTES[name].items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, _P.Text, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, _P.ButtonText, QColor("#808080"))
    palette.setColor(QPalette.ColorGroup.Disabled, _P.WindowText, QColor("#808080"))
    app.setPalette(palette)
    # High contrast: thick focus frames, so keyboard focus is always visible.
    app.setStyleSheet(
        "QAbstractButton:focus, QComboBox:focus, QPlainTextEdit:focus, QSlider:focus { border: 2px solid #ffff00; }"
        if name == "high-contrast"
        else ""
    )
