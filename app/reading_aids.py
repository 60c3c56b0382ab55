"""Reading aids (what dyslexic and low-vision readers use in Immersive Reader), applied to the
window's widgets and kept in the settings:

- zoom of the whole interface, 50-300 %: the application font (every widget that has no font of
  its own follows it), the toolbar's icons and the text area's size;
- the reading font and the text size (points at 100 %) of the text area;
- line spacing 1.0-2.5 (``SpacedLineLayout``: QPlainTextEdit's own layout has no line height);
- a background tint of the text area (``themes.TINTS``, chosen per theme so the text keeps 7:1 on
  light and 4.5:1 on dark);
- line focus: all but 1, 3 or 5 lines around the cursor (which follows the word being read) is
  dimmed, drawn over the text area's own painting;
- the side panel (voice and model) hidden or shown;
- toolbar icons recoloured to the theme (``themes.tinted_icon``) whenever the theme changes.

Everything here runs on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QFontDialog, QPlainTextDocumentLayout, QPlainTextEdit, QWidget

from .settings import FONT_SIZE_RANGE, LINE_FOCUS_CHOICES, LINE_SPACING_RANGE, TINT_NAMES, ZOOM_RANGE
from .themes import apply_theme, current_theme, tint_colour, tinted_icon

ZOOM_STEPS = (50, 67, 80, 90, 100, 110, 125, 150, 175, 200, 250, 300)  # percent, as browsers step
LINE_SPACINGS = (1.0, 1.25, 1.5, 1.75, 2.0, 2.5)
TOOLBAR_ICON_PX = 20  # at 100 %
FOCUS_DIMMING = 0.72  # share of the text area's background laid over the lines out of focus

_unzoomed_font: list[QFont] = []  # the application's font before any zoom (one per process)


class SpacedLineLayout(QPlainTextDocumentLayout):
    """QPlainTextEdit's layout with ``spacing`` times the line height: each line is moved down
    by the extra space above it, so the editor's painting, cursor and hit tests (all read the
    lines' positions and ``blockBoundingRect``) follow. Lines are spaced when a block is first
    measured after Qt laid it out (typing, resizing, a new spacing)."""

    def __init__(self, document, spacing: float = 1.0):
        super().__init__(document)
        self.spacing = spacing

    def blockBoundingRect(self, block):  # noqa: N802 - Qt's name
        rect = super().blockBoundingRect(block)
        layout = block.layout()
        lines = layout.lineCount()
        if not lines or not block.isVisible():
            return rect
        first = layout.lineAt(0)
        if abs(first.y() - first.height() * (self.spacing - 1)) < 0.01:
            return rect  # spaced already
        y = 0.0
        for i in range(lines):
            line = layout.lineAt(i)
            y += line.height() * (self.spacing - 1)
            line.setPosition(QPointF(line.x(), y))
            y += line.height()
        return super().blockBoundingRect(block)


class LineFocus(QObject):
    """Dims the text area except ``lines`` lines around the cursor (0 = off), painted over the
    editor's viewport after the editor paints it."""

    def __init__(self, editor: QPlainTextEdit, spacing_of, background_of):
        super().__init__(editor)
        self.editor, self.lines, self._spacing_of, self._background_of = editor, 0, spacing_of, background_of
        editor.viewport().installEventFilter(self)
        editor.cursorPositionChanged.connect(self._repaint)

    def _repaint(self) -> None:
        if self.lines:
            self.editor.viewport().update()

    def band(self) -> QRectF:
        """The focus band in viewport coordinates: the cursor's line and (lines - 1) / 2 on each side."""
        editor = self.editor
        cursor = editor.textCursor()
        block = cursor.block()
        line = block.layout().lineForTextPosition(cursor.positionInBlock())
        if line.isValid():
            top = editor.blockBoundingGeometry(block).translated(editor.contentOffset()).top() + line.y()
            height = line.height()
        else:
            rect = editor.cursorRect()
            top, height = float(rect.top()), float(rect.height())
        pitch = height * self._spacing_of()
        around = (self.lines - 1) // 2
        return QRectF(
            0, top - (pitch - height) - around * pitch, editor.viewport().width(), (around + 1) * pitch + around * pitch
        )

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if self.lines and event.type() == QEvent.Type.Paint and watched is self.editor.viewport():
            QPlainTextEdit.paintEvent(self.editor, event)  # the text first, then the dimming over it
            band = self.band()
            veil = QColor(self._background_of())
            veil.setAlphaF(FOCUS_DIMMING)
            painter = QPainter(self.editor.viewport())
            width, height = self.editor.viewport().width(), self.editor.viewport().height()
            painter.fillRect(QRectF(0, 0, width, max(band.top(), 0)), veil)
            painter.fillRect(QRectF(0, band.bottom(), width, max(height - band.bottom(), 0)), veil)
            painter.end()
            return True
        return False


def nearest(value: float, choices) -> float:
    return min(choices, key=lambda c: abs(c - value))


class ReadingAids(QObject):
    """The reading aids of ``window`` (a MainWindow: ``editor``, ``toolbar``, ``splitter``,
    ``context.settings``, ``announce``). Each ``set_*`` applies at once and writes the setting;
    ``restore`` applies them all from the settings."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.editor = window.editor
        if not _unzoomed_font:
            _unzoomed_font.append(QFont(QApplication.font()))
        document = self.editor.document()
        self.layout = SpacedLineLayout(document)
        document.setDocumentLayout(self.layout)
        self.editor.setDocument(document)  # the editor takes the new layout (same text, same undo)
        self.focus = LineFocus(self.editor, lambda: self.layout.spacing, self.text_background)
        # The toolbar's icons as drawn by the style, recoloured from these on each theme and zoom.
        self._icon_shapes = {a: a.icon() for a in window.toolbar.actions() if not a.icon().isNull()}
        self._following = False
        window.installEventFilter(self)  # the system palette changing (light <-> dark) under the system theme

    def eventFilter(self, watched, event):  # noqa: N802 - Qt's name
        if (
            event.type() == QEvent.Type.PaletteChange
            and watched is self.window
            and current_theme() == "system"
            and not self._following
        ):
            self._following = True
            try:
                app = QApplication.instance()
                if isinstance(app, QApplication):
                    apply_theme(app, "system")  # the style sheet and highlight for the new palette
                self.follow_theme()
                self.window.reader.apply_highlight()
            finally:
                self._following = False
        return False

    @property
    def settings(self):
        return self.window.context.settings

    def restore(self) -> None:
        s = self.settings
        self.set_zoom(s.zoom, announce=False)
        self.set_line_spacing(s.line_spacing, announce=False)
        self.set_tint(s.tint, announce=False)
        self.set_line_focus(s.line_focus, announce=False)
        self.set_side_panel(s.side_panel, announce=False)

    # ---- zoom and fonts
    def set_zoom(self, percent: int, announce: bool = True) -> None:
        percent = int(min(max(percent, ZOOM_RANGE[0]), ZOOM_RANGE[1]))
        self.settings.zoom = percent
        app_font = QFont(_unzoomed_font[0])
        if app_font.pointSizeF() > 0:
            app_font.setPointSizeF(app_font.pointSizeF() * percent / 100)
        else:
            app_font.setPixelSize(max(1, round(app_font.pixelSize() * percent / 100)))
        QApplication.setFont(app_font)  # reaches the widgets through follow_theme's polish
        px = round(TOOLBAR_ICON_PX * percent / 100)
        self.window.toolbar.setIconSize(QSize(px, px))
        self.follow_theme()
        self.apply_text_font()
        if announce:
            self.window.announce(f"Zoom {percent}%.")

    def step_zoom(self, direction: int) -> None:
        """The next zoom step up (+1) or down (-1); 0 = 100 %."""
        now = self.settings.zoom
        if direction == 0:
            target = 100
        elif direction > 0:
            target = next((z for z in ZOOM_STEPS if z > now), ZOOM_STEPS[-1])
        else:
            target = next((z for z in reversed(ZOOM_STEPS) if z < now), ZOOM_STEPS[0])
        self.set_zoom(target)

    def text_font(self) -> QFont:
        """The text area's font: the reading font at the text size times the zoom."""
        s = self.settings
        font = QFont(self.editor.font())
        font.setFamily(s.reading_font or _unzoomed_font[0].family())
        font.setPointSizeF(s.font_size * s.zoom / 100)
        return font

    def apply_text_font(self) -> None:
        self.editor.setFont(self.text_font())
        self._relayout()

    def set_reading_font(self, family: str, announce: bool = True) -> None:
        self.settings.reading_font = family
        self.apply_text_font()
        if announce:
            self.window.announce(f"Reading font {family or 'default'}.")

    def choose_reading_font(self) -> QFontDialog:
        """A font dialog (not modal); its choice sets the reading font and the text size."""
        dialog = QFontDialog(self.text_font(), self.window)
        dialog.setWindowTitle("Reading font")
        dialog.fontSelected.connect(self._on_font_chosen)
        dialog.open()
        self._font_dialog = dialog
        return dialog

    def _on_font_chosen(self, font: QFont) -> None:
        if font.pointSizeF() > 0:
            size = round(font.pointSizeF() * 100 / self.settings.zoom)
            self.settings.font_size = int(min(max(size, FONT_SIZE_RANGE[0]), FONT_SIZE_RANGE[1]))
        self.set_reading_font(font.family())

    # ---- the text area
    def set_line_spacing(self, spacing: float, announce: bool = True) -> None:
        spacing = float(min(max(spacing, LINE_SPACING_RANGE[0]), LINE_SPACING_RANGE[1]))
        self.settings.line_spacing = spacing
        self.layout.spacing = spacing
        self._relayout()
        actions = getattr(self.window, "line_spacing_actions", {})
        if nearest(spacing, actions) in actions:
            actions[nearest(spacing, actions)].setChecked(True)
        if announce:
            self.window.announce(f"Line spacing {spacing:g}.")

    def _relayout(self) -> None:
        document = self.editor.document()
        document.markContentsDirty(0, document.characterCount())
        self.editor.viewport().update()

    def set_tint(self, name: str, announce: bool = True) -> None:
        name = name if name in TINT_NAMES else "none"
        self.settings.tint = name
        self._apply_tint()
        if name in getattr(self.window, "tint_actions", {}):
            self.window.tint_actions[name].setChecked(True)
        if announce:
            self.window.announce("No background tint." if name == "none" else f"{name.capitalize()} background.")

    def _apply_tint(self) -> None:
        # A style sheet, not a palette: under the application's style sheet a widget's own
        # palette is not drawn.
        colour = tint_colour(QApplication.palette(), self.settings.tint)
        self.editor.setStyleSheet(f"QPlainTextEdit {{ background-color: {colour.name()}; }}" if colour else "")

    def text_background(self) -> QColor:
        """The text area's background: the tint, else the theme's base colour."""
        colour = tint_colour(QApplication.palette(), self.settings.tint)
        return colour if colour is not None else QApplication.palette().color(QPalette.ColorRole.Base)

    def set_line_focus(self, lines: int, announce: bool = True) -> None:
        lines = lines if lines in LINE_FOCUS_CHOICES else 0
        self.settings.line_focus = lines
        self.focus.lines = lines
        self.editor.viewport().update()
        if lines in getattr(self.window, "line_focus_actions", {}):
            self.window.line_focus_actions[lines].setChecked(True)
        if announce:
            self.window.announce("Line focus off." if not lines else f"Line focus: {lines} line{'s' * (lines > 1)}.")

    # ---- the window
    def set_side_panel(self, visible: bool, announce: bool = True) -> None:
        panel = self.window.splitter.widget(1)
        if not visible and panel.isAncestorOf(QApplication.focusWidget()):
            self.editor.setFocus()  # focus does not vanish with the panel
        panel.setVisible(visible)
        self.settings.side_panel = bool(visible)
        action = getattr(self.window, "act_side_panel", None)
        if action is not None:
            action.setChecked(visible)
        if announce:
            self.window.announce("Side panel shown." if visible else "Side panel hidden (F9 shows it).")

    def toggle_side_panel(self) -> None:
        self.set_side_panel(not self.settings.side_panel)

    def _repolish(self) -> None:
        """Widgets polished under a style sheet keep their old font and palette when the
        application's change (a Qt defect): polish this window's again (only its own: setting
        the sheet again would polish every widget of the process)."""
        for widget in (self.window, *self.window.findChildren(QWidget)):
            widget.style().unpolish(widget)
            widget.style().polish(widget)

    def follow_theme(self) -> None:
        """After a theme (or palette) change: every widget in the new colours, icons recoloured,
        the tint for the new base."""
        self._repolish()
        palette = QApplication.palette()
        size = self.window.toolbar.iconSize()
        ratio = self.window.devicePixelRatioF()
        for action, shape in self._icon_shapes.items():
            action.setIcon(tinted_icon(shape, palette, size, ratio))
        self._apply_tint()
