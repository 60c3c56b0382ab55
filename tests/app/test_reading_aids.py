"""Reading aids: zoom of the whole window, reading font, line spacing, background tint, line
focus and the side panel - each applied to the widgets, kept in the settings and restored."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QColor, QFont, QFontDatabase, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication
from test_contrast import Shot, reached_contrast, restore_palette  # noqa: F401 - a fixture

from bittts.app.reading_aids import ZOOM_STEPS
from bittts.app.settings import TINT_NAMES, SettingsStore
from bittts.app.themes import TINTS, contrast_ratio, relative_luminance, tint_colour
from bittts.app.window import MainWindow

TEXT = "\n".join(f"Line {i} of the text, a sentence to read." for i in range(30))


def _shortcuts(window) -> dict[str, str]:
    """Every shortcut of the window's actions -> the action's text (a clash raises)."""
    seen: dict[str, str] = {}
    for action in window.actions():
        for key in action.shortcuts():
            name = key.toString(QKeySequence.SequenceFormat.PortableText)
            assert name not in seen, f"{name} is both {seen[name]!r} and {action.text()!r}"
            seen[name] = action.text()
    return seen


def test_zoom_scales_every_font_and_the_icons_and_keeps_a_separate_text_size(window, qapp):
    keys = _shortcuts(window)
    assert keys["Ctrl++"] == keys["Ctrl+="] == "Zoom &in" and keys["Ctrl+0"] == "&Actual size"
    assert keys["Ctrl+]"] == "&Larger text" and keys["F9"] == "Side &panel"
    base_label = window.status_label.font().pointSizeF()
    base_icon = window.toolbar.iconSize().width()
    window.set_font_size(14)
    window.act_zoom_in.trigger()
    window.act_zoom_in.trigger()
    qapp.processEvents()  # fonts reach the widgets through posted events
    assert window.context.settings.zoom == ZOOM_STEPS[ZOOM_STEPS.index(100) + 2] == 125
    assert window.status_label.font().pointSizeF() == pytest.approx(base_label * 1.25, abs=0.01)
    assert window.voice_combo.font().pointSizeF() == pytest.approx(base_label * 1.25, abs=0.01)
    assert window.toolbar.iconSize().width() == round(base_icon * 1.25)
    assert window.editor.font().pointSizeF() == pytest.approx(14 * 1.25)
    window.act_bigger.trigger()  # the text alone
    assert window.context.settings.font_size == 15 and window.editor.font().pointSizeF() == pytest.approx(15 * 1.25)
    for _ in range(20):
        window.act_zoom_in.trigger()
    assert window.context.settings.zoom == 300
    window.reading_aids.set_zoom(10)
    qapp.processEvents()
    assert window.context.settings.zoom == 50
    assert window.status_label.font().pointSizeF() == pytest.approx(base_label * 0.5, abs=0.01)
    window.act_zoom_reset.trigger()
    qapp.processEvents()
    assert window.context.settings.zoom == 100 and window.status_label.font().pointSizeF() == base_label


def test_line_spacing_moves_the_lines_and_the_cursor(window, qapp):
    window.editor.setPlainText(TEXT)
    qapp.processEvents()
    block = window.editor.document().findBlockByNumber(3)
    single = window.editor.blockBoundingGeometry(block).top()
    window.line_spacing_actions[2.0].trigger()
    qapp.processEvents()
    assert window.context.settings.line_spacing == 2.0
    assert window.editor.blockBoundingGeometry(block).top() == pytest.approx(2 * single, rel=0.02)
    cursor = window.editor.textCursor()
    cursor.setPosition(block.position())
    window.editor.setTextCursor(cursor)
    line = block.layout().lineAt(0)
    rect = window.editor.cursorRect()
    top = window.editor.blockBoundingGeometry(block).translated(window.editor.contentOffset()).top()
    assert rect.top() == pytest.approx(top + line.y(), abs=2)  # the cursor is drawn on the spaced line
    window.reading_aids.set_line_spacing(9)
    assert window.context.settings.line_spacing == 2.5


@pytest.mark.usefixtures("restore_palette")
def test_each_tint_keeps_the_text_readable_in_every_theme(window, qapp):
    assert tuple(TINTS) == TINT_NAMES
    window.editor.setPlainText(TEXT)
    for theme in ("light", "dark", "high-contrast", "system"):
        window.set_theme(theme)
        minimum = 4.5 if theme in ("dark", "high-contrast") else 7.0
        for name in TINT_NAMES:
            window.tint_actions[name].trigger()
            qapp.processEvents()
            palette = QApplication.palette()
            base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
            expected = tint_colour(palette, name) if name != "none" else base
            assert expected is not None and (expected != base) == (name != "none"), (theme, name)
            assert contrast_ratio(expected, text) >= minimum, (theme, name)
            shot = Shot(window.editor.viewport().grab().toImage())
            inner = window.editor.viewport().rect().adjusted(4, 4, -4, -4)
            background = shot.commonest(inner)
            assert background == pytest.approx(relative_luminance(expected), abs=1e-6), (theme, name)  # drawn
            assert reached_contrast(shot.lums(inner), background) >= minimum, (theme, name)


def test_an_unreadable_tint_is_not_used():
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#9a9a9a"))  # already under 7:1 on white
    assert tint_colour(palette, "cream") is None
    assert tint_colour(palette, "none") is None


def test_line_focus_dims_all_but_the_lines_around_the_cursor(window, qapp):
    window.editor.setPlainText(TEXT)
    window.set_theme("light")
    cursor = window.editor.textCursor()
    cursor.setPosition(window.editor.document().findBlockByNumber(5).position())
    window.editor.setTextCursor(cursor)
    qapp.processEvents()

    def contrast_of_lines(first: int, last: int) -> float:
        shot = Shot(window.editor.viewport().grab().toImage())
        doc, editor = window.editor.document(), window.editor
        top = editor.blockBoundingGeometry(doc.findBlockByNumber(first)).translated(editor.contentOffset()).top()
        bottom = editor.blockBoundingGeometry(doc.findBlockByNumber(last)).translated(editor.contentOffset()).bottom()
        rect = window.editor.viewport().rect()
        rect.setTop(int(top) + 1)
        rect.setBottom(int(bottom) - 1)
        return reached_contrast(shot.lums(rect), shot.commonest(rect))

    assert contrast_of_lines(1, 1) >= 7 and contrast_of_lines(9, 9) >= 7
    window.line_focus_actions[3].trigger()
    qapp.processEvents()
    assert window.context.settings.line_focus == 3
    assert contrast_of_lines(4, 6) >= 7  # the cursor's line and one on each side
    assert contrast_of_lines(1, 2) < 3 and contrast_of_lines(8, 9) < 3  # dimmed
    window.line_focus_actions[1].trigger()
    qapp.processEvents()
    assert contrast_of_lines(5, 5) >= 7 and contrast_of_lines(4, 4) < 3 and contrast_of_lines(6, 6) < 3
    window.line_focus_actions[0].trigger()
    qapp.processEvents()
    assert contrast_of_lines(1, 2) >= 7


def test_side_panel_hides_and_focus_stays_in_the_window(window, qapp):
    window.voice_combo.setFocus()
    window.act_side_panel.trigger()
    qapp.processEvents()
    assert not window.voice_panel.isVisible() and not window.context.settings.side_panel
    assert not window.act_side_panel.isChecked()
    assert QApplication.focusWidget() is window.editor
    window.act_side_panel.trigger()
    assert window.voice_panel.isVisible() and window.act_side_panel.isChecked()


def test_reading_font_from_the_dialog(window, qapp):
    window.act_reading_font.trigger()
    dialog = window.reading_aids._font_dialog
    family = next(f for f in QFontDatabase.families() if f != QApplication.font().family())
    chosen = QFont(family)
    chosen.setPointSizeF(20)
    dialog.setCurrentFont(chosen)
    dialog.accept()
    assert window.context.settings.reading_font == family and window.context.settings.font_size == 20
    assert window.editor.font().family() == family and window.editor.font().pointSizeF() == 20
    assert window.status_label.font().family() != family  # the rest of the window keeps its font


def test_reading_aids_are_saved_and_restored(qtbot, make_context, fake_synth, fake_sink, tmp_path, qapp):
    path = tmp_path / "aids.json"
    ctx = make_context(fake_synth, fake_sink, settings_path=path)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.reading_aids.set_zoom(150)
    window.reading_aids.set_line_spacing(1.5)
    window.reading_aids.set_tint("blue")
    window.reading_aids.set_line_focus(5)
    window.reading_aids.set_reading_font("Serif")
    window.reading_aids.set_side_panel(False)
    window.save_settings()
    saved = json.loads(path.read_text())
    assert {k: saved[k] for k in ("zoom", "line_spacing", "tint", "line_focus", "reading_font", "side_panel")} == {
        "zoom": 150,
        "line_spacing": 1.5,
        "tint": "blue",
        "line_focus": 5,
        "reading_font": "Serif",
        "side_panel": False,
    }
    window.reading_aids.set_zoom(100)
    again = MainWindow(make_context(fake_synth, fake_sink, settings_path=path))
    qtbot.addWidget(again)
    again.show()
    assert again.context.settings.zoom == 150 and again.toolbar.iconSize().width() == 30
    assert again.reading_aids.layout.spacing == 1.5 and again.line_spacing_actions[1.5].isChecked()
    assert again.tint_actions["blue"].isChecked() and again.line_focus_actions[5].isChecked()
    assert again.reading_aids.focus.lines == 5 and not again.voice_panel.isVisible()
    assert again.editor.font().pointSizeF() == pytest.approx(12 * 1.5)
    again.reading_aids.set_zoom(100)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (
            {"zoom": 10**400, "line_spacing": -5, "tint": ["blue"], "line_focus": 2, "side_panel": 1},
            (300, 1.0, "none", 0, True),
        ),
        (
            {"zoom": "big", "line_spacing": float("nan"), "tint": "pink", "line_focus": 3.0, "side_panel": False},
            (100, 1.0, "pink", 3, False),
        ),
        ({"reading_font": "x" * 10_000, "line_focus": True, "zoom": 49.5}, (50, 1.0, "none", 0, True)),
    ],
)
def test_hostile_reading_aid_settings_are_clamped(tmp_path, raw, expected):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(raw))
    s = SettingsStore(path).load()
    assert (s.zoom, s.line_spacing, s.tint, s.line_focus, s.side_panel) == expected
    assert s.reading_font == "" and isinstance(s.line_focus, int) and isinstance(s.zoom, int)
