"""Every control stays visible in every theme: the real window is rendered (offscreen) and each
visible control's pixels are measured against what is behind them, with the WCAG contrast ratio.

- non-text parts (toolbar icons, slider grooves and handles, the boundary of buttons, boxes and
  check marks): at least 3:1 (WCAG 1.4.11);
- text: at least 4.5:1 (1.4.3), 7:1 in the high-contrast theme (1.4.6).

"Reaches r" means: at least ``MIN_PIXELS`` pixels of the part are r or more away from its
background, so one stray anti-aliased pixel neither passes nor fails a control. The system theme
is measured on a light and on a dark system palette.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QMenuBar,
    QPlainTextEdit,
    QRadioButton,
    QScrollBar,
    QSlider,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionSlider,
    QStyleOptionSpinBox,
    QToolButton,
    QWidget,
)

from bittts.app.settings import THEMES
from bittts.app.themes import apply_theme, contrast_ratio, theme_palette

MIN_PIXELS = 12
NON_TEXT = 3.0


def text_minimum(theme: str) -> float:
    return 7.0 if theme == "high-contrast" else 4.5


# ---- measuring an image (numpy: a window is 640 000 pixels)
_LINEAR = np.array([c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in np.arange(256) / 255.0])


def luminance_of(image: QImage) -> tuple[np.ndarray, np.ndarray]:
    """(WCAG relative luminance, packed 0xRRGGBB) per pixel, both shaped (height, width)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    packed = np.frombuffer(image.constBits(), np.uint32).reshape(image.height(), image.bytesPerLine() // 4)
    packed = packed[:, : image.width()] & 0xFFFFFF
    r, g, b = (packed >> 16) & 255, (packed >> 8) & 255, packed & 255
    return 0.2126 * _LINEAR[r] + 0.7152 * _LINEAR[g] + 0.0722 * _LINEAR[b], packed


def _region(shape, rect: QRect, exclude: QRect | None = None) -> np.ndarray:
    """A boolean mask of ``rect`` less ``exclude`` (both clipped to the image)."""
    mask = np.zeros(shape, bool)
    rect = rect.intersected(QRect(0, 0, shape[1], shape[0]))
    mask[rect.top() : rect.bottom() + 1, rect.left() : rect.right() + 1] = True
    if exclude is not None:
        mask[max(exclude.top(), 0) : exclude.bottom() + 1, max(exclude.left(), 0) : exclude.right() + 1] = False
    return mask


def reached_contrast(lums: np.ndarray, background: float) -> float:
    """The contrast ratio against a ``background`` luminance that at least MIN_PIXELS of the
    pixels (luminances ``lums``) reach."""
    if lums.size < MIN_PIXELS:
        return 1.0
    ratios = (np.maximum(lums, background) + 0.05) / (np.minimum(lums, background) + 0.05)
    return float(np.partition(ratios, lums.size - MIN_PIXELS)[lums.size - MIN_PIXELS])


# ---- the window
@pytest.fixture
def restore_palette(qapp):
    """The system palette as it was (a test may stand in a dark one), and the system theme."""
    saved = QPalette(qapp.palette())
    yield
    apply_theme(qapp, "system")
    qapp.setPalette(saved)
    apply_theme(qapp, "system")


def dark_system_palette() -> QPalette:
    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in (
        (roles.Window, "#202124"),
        (roles.WindowText, "#e8eaed"),
        (roles.Base, "#171717"),
        (roles.AlternateBase, "#2a2a2a"),
        (roles.Text, "#e8eaed"),
        (roles.Button, "#303134"),
        (roles.ButtonText, "#e8eaed"),
        (roles.Highlight, "#8ab4f8"),
        (roles.HighlightedText, "#202124"),
        (roles.PlaceholderText, "#9aa0a6"),
    ):
        palette.setColor(role, QColor(colour))
    return palette


def _themed_window(window, qapp, theme: str):
    window.editor.setPlainText("The quick brown fox jumps over the lazy dog. " * 4 + "\nMore.\n" * 60)  # a scroll bar
    if theme == "system-dark":
        window.set_theme("system")
        qapp.setPalette(dark_system_palette())  # the system turns dark while the app runs
    else:
        window.set_theme(theme)
    window.resize(1000, 640)
    qapp.processEvents()
    expected = dark_system_palette() if theme == "system-dark" else None
    if theme in ("light", "dark", "high-contrast"):
        expected = theme_palette(theme)
    if expected is not None:  # the theme is really on (else the measures would say nothing)
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
            assert window.palette().color(role) == expected.color(role) == window.editor.palette().color(role)
    return window


def _visible_controls(window) -> list[QWidget]:
    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QPlainTextEdit, QLabel, QMenuBar)
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, kinds) or not widget.isVisible() or widget.visibleRegion().isEmpty():
            continue
        if isinstance(widget, QLabel) and not widget.text().strip():
            continue
        if widget.window() is not window:
            continue
        found.append(widget)
    return found


class Shot:
    """An image (the window rendered once, or a menu); regions are read in its coordinates."""

    def __init__(self, image: QImage, origin: QWidget | None = None):
        self.origin = origin
        self.lum, self.packed = luminance_of(image)

    def rect_of(self, widget: QWidget, rect: QRect | None = None) -> QRect:
        rect = rect if rect is not None else widget.rect()
        return rect.translated(widget.mapTo(self.origin, QPoint(0, 0))) if self.origin is not None else rect

    def lums(self, rect: QRect, exclude: QRect | None = None) -> np.ndarray:
        return self.lum[_region(self.lum.shape, rect, exclude)]

    def commonest(self, rect: QRect, exclude: QRect | None = None) -> float:
        """The luminance of the commonest colour: the background of a part that is mostly background."""
        mask = _region(self.lum.shape, rect, exclude)
        colours, first, counts = np.unique(self.packed[mask], return_index=True, return_counts=True)
        return float(self.lum[mask][first[np.argmax(counts)]])

    def behind(self, widget: QWidget) -> float:
        """The background around ``widget``: the commonest colour in a 3-pixel ring just outside it."""
        whole = self.rect_of(widget)
        return self.commonest(whole.adjusted(-3, -3, 3, 3), exclude=whole)


def _ratio(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def _measure(shot: Shot, widget: QWidget, theme: str) -> list[str]:
    """The failures of one control, each as "theme: control part ratio < minimum"."""
    failures = []
    name = f"{type(widget).__name__} {widget.accessibleName() or getattr(widget, 'text', lambda: '')()!r}"

    def check(what: str, ratio: float, minimum: float) -> None:
        if ratio < minimum:
            failures.append(f"{theme}: {name} {what} {ratio:.2f} < {minimum}")

    whole = shot.rect_of(widget)
    if isinstance(widget, QSlider):
        opt = QStyleOptionSlider()
        widget.initStyleOption(opt)
        style, slider = widget.style(), QStyle.ComplexControl.CC_Slider
        groove = shot.rect_of(widget, style.subControlRect(slider, opt, QStyle.SubControl.SC_SliderGroove, widget))
        handle = shot.rect_of(widget, style.subControlRect(slider, opt, QStyle.SubControl.SC_SliderHandle, widget))
        background = shot.commonest(whole)
        check("groove", reached_contrast(shot.lums(groove, exclude=handle), background), NON_TEXT)
        check("handle", reached_contrast(shot.lums(handle), background), NON_TEXT)
        return failures
    if isinstance(widget, QScrollBar):
        opt = QStyleOptionSlider()
        widget.initStyleOption(opt)
        handle = shot.rect_of(
            widget,
            widget.style().subControlRect(
                QStyle.ComplexControl.CC_ScrollBar, opt, QStyle.SubControl.SC_ScrollBarSlider, widget
            ),
        )
        check("handle", reached_contrast(shot.lums(handle), shot.commonest(whole, exclude=handle)), NON_TEXT)
        return failures
    if isinstance(widget, QToolButton):  # a toolbar button: its icon and its text, no frame until hovered
        background = shot.commonest(whole)
        size = widget.iconSize() if not widget.icon().isNull() else QSize(0, 0)
        if size.width():
            top = (widget.height() - size.height()) // 2
            icon = shot.rect_of(widget, QRect(0, top - 1, size.width() + 6, size.height() + 2))
            check("icon", reached_contrast(shot.lums(icon), background), NON_TEXT)
        if widget.text():
            text = shot.rect_of(widget, widget.rect().adjusted(size.width() + 6, 2, -2, -2))
            check("text", reached_contrast(shot.lums(text), background), text_minimum(theme))
        return failures
    if isinstance(widget, (QCheckBox, QRadioButton)):
        opt = QStyleOptionButton()
        widget.initStyleOption(opt)
        element = QStyle.SubElement.SE_CheckBoxIndicator
        if isinstance(widget, QRadioButton):
            element = QStyle.SubElement.SE_RadioButtonIndicator
        indicator = shot.rect_of(widget, widget.style().subElementRect(element, opt, widget))
        background = shot.behind(widget)
        check("indicator", reached_contrast(shot.lums(indicator), background), NON_TEXT)
        check("text", reached_contrast(shot.lums(whole, exclude=indicator), background), text_minimum(theme))
        return failures
    if isinstance(widget, (QLabel, QPlainTextEdit, QMenuBar)):
        inner = whole.adjusted(3, 3, -3, -3)
        check("text", reached_contrast(shot.lums(inner), shot.commonest(inner)), text_minimum(theme))
        return failures
    # buttons, combo boxes, spin boxes: the text on the face, and the boundary against the window
    inner = whole.adjusted(3, 3, -3, -3)
    face = shot.commonest(inner)
    check("text", reached_contrast(shot.lums(inner), face), text_minimum(theme))
    arrows = []  # the spin box's up and down arrows, the combo box's drop-down arrow
    if isinstance(widget, QAbstractSpinBox):
        spin = QStyleOptionSpinBox()
        widget.initStyleOption(spin)
        arrows = [
            (spin, QStyle.ComplexControl.CC_SpinBox, sc)
            for sc in (QStyle.SubControl.SC_SpinBoxUp, QStyle.SubControl.SC_SpinBoxDown)
        ]
    elif isinstance(widget, QComboBox):
        combo = QStyleOptionComboBox()
        widget.initStyleOption(combo)
        arrows = [(combo, QStyle.ComplexControl.CC_ComboBox, QStyle.SubControl.SC_ComboBoxArrow)]
    for opt, control, sub in arrows:
        rect = shot.rect_of(widget, widget.style().subControlRect(control, opt, sub, widget))
        check("arrow", reached_contrast(shot.lums(rect.adjusted(1, 1, -1, -1)), face), NON_TEXT)
    around = shot.behind(widget)
    check("boundary", max(_ratio(face, around), reached_contrast(shot.lums(whole, exclude=inner), around)), NON_TEXT)
    return failures


THEMES_MEASURED = (*THEMES, "system-dark")


def _menu_failures(window, theme: str) -> list[str]:
    """The menus' text (each menu rendered on its own, as it pops up)."""
    menus = [a.menu() for a in window.menuBar().actions() if a.menu() is not None]
    assert len(menus) >= 3
    failures = []
    for menu in menus:
        menu.adjustSize()
        shot = Shot(menu.grab().toImage())
        inner = QRect(QPoint(0, 0), menu.size()).adjusted(3, 3, -3, -3)
        ratio = reached_contrast(shot.lums(inner), shot.commonest(inner))
        if ratio < text_minimum(theme):
            failures.append(f"{theme}: menu {menu.title()!r} text {ratio:.2f} < {text_minimum(theme)}")
    return failures


def _highlight_failures(window, qapp, theme: str) -> list[str]:
    """The sentence and word being read: text on the sentence colour and on the word colour."""
    editor = window.editor
    window.controller.sentenceChanged.emit(0, editor.toPlainText().index(".") + 1)
    window.controller.wordChanged.emit(4, 9)  # "quick"
    qapp.processEvents()
    shot = Shot(editor.viewport().grab().toImage())
    cursor = editor.textCursor()
    cursor.setPosition(4)
    word_left = editor.cursorRect(cursor).left()
    cursor.setPosition(9)
    word = editor.cursorRect(cursor)
    word.setLeft(word_left + 1)
    word.setRight(word.right() - 1)
    cursor.setPosition(0)
    text_left = editor.cursorRect(cursor).left() + 2  # inside the highlight, past the document margin
    line = QRect(text_left, word.top(), word_left - 2 - text_left, word.height())  # "The " on the sentence colour
    sentence_bg, word_bg = shot.commonest(line), shot.commonest(word)
    assert sentence_bg != word_bg != shot.commonest(editor.viewport().rect())  # both highlights drawn
    failures, minimum = [], text_minimum(theme)
    for what, rect in (("sentence", line), ("word", word)):
        ratio = reached_contrast(shot.lums(rect), shot.commonest(rect))
        if ratio < minimum:
            failures.append(f"{theme}: highlighted {what} {ratio:.2f} < {minimum}")
    return failures


@pytest.mark.parametrize("theme", THEMES_MEASURED)
def test_every_visible_control_stands_out(window, qapp, restore_palette, theme):
    """Each theme in one window (built once, for speed): every visible control, the disabled
    toolbar icons, the menus and the highlight. Controls the window may gain later (a check box
    on and off, a radio button, a spin box) are added to the side panel and measured too."""
    extra = [QCheckBox("Sample option"), QCheckBox("Sample option on"), QRadioButton("Sample choice"), QSpinBox()]
    extra[1].setChecked(True)
    for widget in extra:
        window.voice_panel.layout().addRow(widget)
    _themed_window(window, qapp, theme)
    window.announce("Ready.")
    shot = Shot(window.grab().toImage(), window)
    controls = _visible_controls(window)
    kinds = {type(c).__name__ for c in controls}
    assert {"QToolButton", "QSlider", "QComboBox", "QPushButton", "ReaderTextEdit", "QLabel", "QScrollBar"} <= kinds
    assert {"QMenuBar", "QCheckBox", "QRadioButton", "QSpinBox"} <= kinds
    assert window.status_label in controls
    failures = [f for widget in controls if widget.isEnabled() for f in _measure(shot, widget, theme)]
    # Pause and Stop are disabled while nothing plays: their icons are dimmed, not lost.
    disabled = [window.toolbar.widgetForAction(a) for a in (window.act_pause, window.act_stop)]
    assert all(not b.isEnabled() for b in disabled)
    failures += [f for b in disabled for f in _measure(shot, b, theme) if " icon " in f]
    failures += _menu_failures(window, theme)
    failures += _highlight_failures(window, qapp, theme)
    assert not failures, "\n".join(failures)


def test_the_measure_fails_black_on_black():
    """The measure itself: black on black reaches 1:1, white on black 21:1, and fewer than
    MIN_PIXELS white pixels do not count."""
    black, white = 0.0, 1.0
    assert reached_contrast(np.full(50, black), black) == pytest.approx(1.0)
    assert reached_contrast(np.full(50, white), black) == pytest.approx(21.0)
    assert reached_contrast(np.r_[np.full(MIN_PIXELS - 1, white), np.full(50, black)], black) == pytest.approx(1.0)
    image = QImage(40, 10, QImage.Format.Format_RGB32)
    image.fill(QColor("#000000"))
    lum, _ = luminance_of(image)
    assert lum.shape == (10, 40) and lum.max() == 0.0
    assert contrast_ratio(QColor("#767676"), QColor("#ffffff")) == pytest.approx(4.54, abs=0.01)


def test_recoloured_icons_keep_their_outline_and_fade_their_fill(qtbot):
    # an icon drawn for a light background: a dark outline around a pale fill. Painting its whole
    # shape in the theme's colour made a blot; its ink keeps the outline and drops the fill
    from bittts.app.themes import ink_alpha

    image = QImage(12, 12, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    for i in range(2, 10):
        for j in range(2, 10):
            edge = i in (2, 9) or j in (2, 9)
            image.setPixelColor(i, j, QColor(40, 40, 40) if edge else QColor(250, 240, 200))
    alpha = ink_alpha(image)
    assert alpha[2, 5] == 255 and alpha[9, 5] == 255  # the outline stays solid
    assert alpha[5, 5] < 40  # the pale fill nearly vanishes
    assert alpha[0, 0] == 0  # transparent stays transparent
