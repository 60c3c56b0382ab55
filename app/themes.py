"""Light, dark and high-contrast themes (Fusion style with a palette), the highlight colours that
go with each so the spoken word stays visible, and what keeps every control visible in every
theme, the system one on a light or a dark palette included:

- a style sheet made from the palette draws slider grooves and handles, scroll bar thumbs,
  check box and radio indicators, spin box arrows and the boundary of buttons and boxes at 3:1
  or more against the window (WCAG 1.4.11);
- ``tinted_icon`` recolours a toolbar icon to the palette's button text (dimmed when disabled),
  so no icon is black on black;
- ``TINTS``: reading background tints whose text contrast stays 7:1 on a light base and 4.5:1 on a
  dark one (``tint_colour`` drops a tint that would not).

Everything here runs on the GUI thread.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, QTemporaryDir
from PySide6.QtGui import QColor, QIcon, QImage, QPalette, QPixmap
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
# (sentence background, word background, word foreground). The reader looks its theme up here at
# each highlight; apply_theme points "system" at the light or dark pair to suit the palette.
HIGHLIGHT_COLOURS = {
    "system": ("#fff3c4", "#ffc94d", "#000000"),
    "light": ("#fff3c4", "#ffc94d", "#000000"),
    "dark": ("#3d3a22", "#b8860b", "#000000"),
    "high-contrast": ("#003a66", "#ffff00", "#000000"),
}

# Reading background tints, (on a light base, on a dark base): the Irlen / Immersive Reader
# colours, pale on light themes, deep on dark ones, so the text keeps its contrast.
TINTS = {
    "none": ("", ""),
    "cream": ("#fbf3db", "#2b2719"),
    "blue": ("#dcecf8", "#182635"),
    "green": ("#e0f1dc", "#1a2a1b"),
    "grey": ("#e4e4e4", "#2c2c2c"),
    "pink": ("#f9e1e8", "#33212a"),
}
TINT_LABELS = {"none": "&None", "cream": "&Cream", "blue": "&Blue", "green": "G&reen", "grey": "Gr&ey", "pink": "&Pink"}
TEXT_CONTRAST = {"light": 7.0, "dark": 4.5}  # the least a tint may leave the text
NON_TEXT_CONTRAST = 3.0  # WCAG 1.4.11: grooves, handles, boundaries, icons

_saved_system: dict = {}  # "palette", "style": the platform's look, kept while a named theme is on
_current = ["system"]


_SYSTEM_HIGHLIGHT = {False: HIGHLIGHT_COLOURS["light"], True: HIGHLIGHT_COLOURS["dark"]}  # by is_dark


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an sRGB colour, 0 (black) .. 1 (white)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.redF()) + 0.7152 * linear(colour.greenF()) + 0.0722 * linear(colour.blueF())


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two colours, 1 (same) .. 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: QColor, b: QColor, share_of_a: float) -> QColor:
    """``a`` and ``b`` mixed in sRGB, ``share_of_a`` 0..1."""
    t = min(max(share_of_a, 0.0), 1.0)
    return QColor.fromRgbF(*(t * x + (1 - t) * y for x, y in zip(a.getRgbF()[:3], b.getRgbF()[:3], strict=True)))


def is_dark(palette: QPalette) -> bool:
    """True when the palette's text base is darker than its text (a dark theme)."""
    return relative_luminance(palette.color(_P.Base)) < relative_luminance(palette.color(_P.Text))


def visible_against(foreground: QColor, background: QColor, minimum: float = NON_TEXT_CONTRAST) -> QColor:
    """The colour between ``background`` and ``foreground`` nearest the middle that still reaches
    ``minimum`` against ``background`` (``foreground`` itself if none does)."""
    for share in (0.5, 0.6, 0.7, 0.8, 0.9):
        colour = mix(foreground, background, share)
        if contrast_ratio(colour, background) >= minimum + 0.2:  # a margin for anti-aliasing
            return colour
    return QColor(foreground)


def tint_colour(palette: QPalette, tint: str) -> QColor | None:
    """The text area's background for ``tint`` under ``palette``; None for no tint, or when the
    tint would leave the text under TEXT_CONTRAST (an unusual system palette)."""
    light, dark = TINTS.get(tint, ("", ""))
    dark_theme = is_dark(palette)
    colour = dark if dark_theme else light
    if not colour:
        return None
    minimum = TEXT_CONTRAST["dark" if dark_theme else "light"]
    return QColor(colour) if contrast_ratio(QColor(colour), palette.color(_P.Text)) >= minimum else None


INK_GAIN = 1.6  # how dark a pixel must be to count as fully ink: mid-grey outlines stay solid


def tinted_icon(icon: QIcon, palette: QPalette, size: QSize, device_pixel_ratio: float = 1.0) -> QIcon:
    """``icon`` redrawn in the palette's button text (disabled: half way to the window colour,
    still 3:1), at ``size``, so icons drawn for a light background show on any. Its dark
    pixels are its ink and its light ones its fill: a pixel's darkness sets how much of the
    colour it takes, so a folder keeps its outline and its pale fill fades (``ink_alpha``),
    rather than becoming a blot."""
    normal = palette.color(_P.ButtonText)
    window = palette.color(_P.Window)
    colours = {QIcon.Mode.Normal: normal, QIcon.Mode.Disabled: visible_against(normal, window)}
    colours[QIcon.Mode.Active] = colours[QIcon.Mode.Selected] = normal
    result = QIcon()
    for scale in {1.0, device_pixel_ratio}:
        pixels = QSize(round(size.width() * scale), round(size.height() * scale))
        alpha = ink_alpha(icon.pixmap(pixels).toImage())
        for mode, colour in colours.items():
            pixmap = QPixmap.fromImage(_coloured(alpha, colour))
            pixmap.setDevicePixelRatio(scale)
            result.addPixmap(pixmap, mode)
    return result


def ink_alpha(image: QImage) -> np.ndarray:
    """[height, width] uint8 opacity of an icon's ink: its alpha times its darkness (Rec. 709
    luminance, scaled by ``INK_GAIN`` so that outlines and glyphs stay opaque)."""
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    h, w = argb.height(), argb.width()
    rows = np.frombuffer(argb.constBits(), np.uint8, count=argb.bytesPerLine() * h).reshape(h, -1)
    bgra = rows[:, : 4 * w].reshape(h, w, 4).astype(np.float32) / 255
    luminance = 0.0722 * bgra[..., 0] + 0.7152 * bgra[..., 1] + 0.2126 * bgra[..., 2]
    ink = np.clip((1 - luminance) * INK_GAIN, 0, 1)
    return np.round(bgra[..., 3] * ink * 255).astype(np.uint8)


def _coloured(alpha: np.ndarray, colour: QColor) -> QImage:
    h, w = alpha.shape
    pixels = np.empty((h, w, 4), np.uint8)
    pixels[..., 0], pixels[..., 1], pixels[..., 2] = colour.blue(), colour.green(), colour.red()
    pixels[..., 3] = alpha
    image = QImage(pixels.data, w, h, 4 * w, QImage.Format.Format_ARGB32)
    return image.copy()  # own the pixels: the array goes away


_arrow_folder: list[QTemporaryDir] = []  # the spin box arrows drawn for the style sheets, for the process


def arrow_image(direction: str, colour: QColor) -> str:
    """The path of a small SVG triangle pointing "up" or "down" in ``colour`` (a style sheet
    draws a spin box's arrows only from an image)."""
    if not _arrow_folder:
        _arrow_folder.append(QTemporaryDir())
    points = "0,6 4.5,0 9,6" if direction == "up" else "0,0 4.5,6 9,0"
    path = Path(_arrow_folder[0].path()) / f"{direction}-{colour.name()[1:]}.svg"
    if not path.exists():
        path.write_text(
            f'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="6"><polygon points="{points}" '
            f'fill="{colour.name()}"/></svg>',
            encoding="utf-8",
        )
    return path.as_posix()


def control_style_sheet(palette: QPalette, high_contrast: bool) -> str:
    """Slider grooves and handles, and button and box boundaries, in the palette's colours at
    3:1 or more against the window (the Fusion defaults are about 2:1, black on black in high
    contrast). High contrast adds thick focus frames, so keyboard focus is always visible."""
    fg, bg = palette.color(_P.WindowText), palette.color(_P.Window)
    face, face_text = palette.color(_P.Button), palette.color(_P.ButtonText)
    outline = (fg if high_contrast else visible_against(fg, bg)).name()
    accent = palette.color(_P.Highlight)
    handle = accent if contrast_ratio(accent, bg) >= NON_TEXT_CONTRAST else fg
    dim = visible_against(fg, bg, 1.5).name()
    base = palette.color(_P.Base)
    # A checked box is filled: the accent where it stands out from the box, else the text colour.
    checked = accent if contrast_ratio(accent, base) >= NON_TEXT_CONTRAST else palette.color(_P.Text)
    sheet = f"""
QSlider::groove:horizontal {{ height: 4px; background: {outline}; border-radius: 2px; }}
QSlider::handle:horizontal {{ width: 14px; margin: -7px 0; border-radius: 8px;
    background: {handle.name()}; border: 2px solid {fg.name()}; }}
QSlider::groove:horizontal:disabled {{ background: {dim}; }}
QSlider::handle:horizontal:disabled {{ background: {bg.name()}; border: 2px solid {dim}; }}
QPushButton, QComboBox, QAbstractSpinBox {{ border: 1px solid {outline}; border-radius: 3px;
    background: {face.name()}; color: {face_text.name()}; padding: 3px 8px; }}
QComboBox {{ padding-right: 20px; }}
QPushButton:disabled, QComboBox:disabled, QAbstractSpinBox:disabled {{ border-color: {dim}; }}
QScrollBar:vertical {{ width: 14px; background: {bg.name()}; border: none; margin: 0; }}
QScrollBar:horizontal {{ height: 14px; background: {bg.name()}; border: none; margin: 0; }}
QScrollBar::handle {{ background: {outline}; border-radius: 4px; margin: 3px; }}
QScrollBar::handle:vertical {{ min-height: 28px; }}
QScrollBar::handle:horizontal {{ min-width: 28px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QAbstractSpinBox {{ padding-right: 18px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 16px; border-left: 1px solid {outline}; }}
QAbstractSpinBox::up-arrow {{ width: 9px; height: 6px; image: url({arrow_image("up", face_text)}); }}
QAbstractSpinBox::down-arrow {{ width: 9px; height: 6px; image: url({arrow_image("down", face_text)}); }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 12px; height: 12px; border: 2px solid {outline};
    background: {base.name()}; }}
QCheckBox::indicator {{ border-radius: 2px; }}
QRadioButton::indicator {{ border-radius: 8px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked {{ background: {checked.name()};
    border-color: {fg.name()}; }}
QCheckBox::indicator:disabled, QRadioButton::indicator:disabled {{ border-color: {dim}; }}
"""
    if high_contrast:
        sheet += (
            "QAbstractButton:focus, QComboBox:focus, QAbstractSpinBox:focus, QPlainTextEdit:focus, QSlider:focus"
            " { border: 2px solid #ffff00; }\n"
        )
    return sheet


def current_theme() -> str:
    """The theme apply_theme last applied ("system" before any)."""
    return _current[0]


def theme_palette(name: str) -> QPalette:
    """The palette of a named theme, whatever palette came before (the roles it does not name,
    such as the bevel shades, are derived from its button and window colours)."""
    colours = _PALETTES[name]
    palette = QPalette(QColor(colours[_P.Button]), QColor(colours[_P.Window]))
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (_P.Text, _P.ButtonText, _P.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#808080"))
    return palette


def apply_theme(app: QApplication, name: str) -> None:
    """Apply a theme to the whole application. "system" brings back the platform's look (the
    palette it had before a named theme, or the one it has now if no named theme came between).
    The style sheet is set before the palette: setting a style sheet puts back the style's
    standard palette."""
    if not _saved_system:
        _saved_system["palette"] = QPalette(app.palette())
        _saved_system["style"] = app.style().name()
    if name not in _PALETTES:
        palette = QPalette(app.palette())
        if _current[0] != "system":
            app.setStyle(QStyleFactory.create(_saved_system["style"]) or app.style())
            palette = _saved_system["palette"]
        _current[0] = "system"
        HIGHLIGHT_COLOURS["system"] = _SYSTEM_HIGHLIGHT[is_dark(palette)]
        _set_style_sheet(app, control_style_sheet(palette, high_contrast=False))
        app.setPalette(palette)
        return
    if _current[0] == "system":
        _saved_system["palette"] = QPalette(app.palette())
        _saved_system["style"] = app.style().name()
    _current[0] = name
    app.setStyle(QStyleFactory.create("Fusion"))
    palette = theme_palette(name)
    _set_style_sheet(app, control_style_sheet(palette, high_contrast=name == "high-contrast"))
    app.setPalette(palette)


def _set_style_sheet(app: QApplication, sheet: str) -> None:
    """Set the application's style sheet only when it changes (setting one polishes every widget again)."""
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)
