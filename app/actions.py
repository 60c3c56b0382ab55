"""The window's actions (each with its shortcuts, icon and tooltip), its menus and the
transport toolbar. The actions call the window's methods; nothing here holds state."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar

from .reading_aids import LINE_SPACINGS
from .settings import LINE_FOCUS_CHOICES, THEMES
from .themes import THEME_LABELS, TINT_LABELS

DATE_ORDER_LABELS = {"MDY": "&Month first (US)", "DMY": "&Day first (UK and most of the world)"}


def plain_lower(label: str) -> str:
    """A menu label in a sentence: "&Day first (UK ...)" -> "day first (UK ...)"."""
    text = label.replace("&", "")
    return text[:1].lower() + text[1:]


def make_action(window, text, slot, shortcut=None, icon=None, tip=None, checkable=False) -> QAction:
    action = QAction(text, window)
    if shortcut:
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        action.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
    if icon is not None:
        action.setIcon(window.style().standardIcon(icon))
    plain = text.replace("&", "").rstrip(".…")
    keys_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip or plain} ({keys_text})" if keys_text else (tip or plain))
    action.setStatusTip(tip or plain)
    action.setCheckable(checkable)
    action.triggered.connect(slot)
    window.addAction(action)  # shortcuts work even with the menu bar hidden
    return action


def build_actions(w) -> None:
    """Set ``w.act_*``, ``w.theme_actions`` and ``w.date_order_actions`` (and their groups)."""
    S = QStyle.StandardPixmap
    w.act_open = make_action(w, "&Open…", w.open_file_dialog, QKeySequence.StandardKey.Open, S.SP_DialogOpenButton)
    w.act_export = make_action(
        w, "&Export audio…", w.export_dialog, "Ctrl+E", S.SP_DialogSaveButton, "Export the text to an audio file"
    )
    w.act_quit = make_action(w, "&Quit", w.close, QKeySequence.StandardKey.Quit)
    w.act_play = make_action(w, "&Play", w.play, "F5", S.SP_MediaPlay, "Play from the cursor or the selection")
    w.act_pause = make_action(w, "P&ause", w.controller.toggle_pause, "F6", S.SP_MediaPause, "Pause or resume")
    w.act_play_pause = make_action(
        w,
        "Play or pause",
        w.play_pause,
        ["Ctrl+Shift+Space", QKeySequence(Qt.Key.Key_MediaTogglePlayPause)],
        S.SP_MediaPlay,
        "Play, or pause what is playing",
    )
    w.act_stop = make_action(w, "&Stop", w.stop, ["F7", "Ctrl+."], S.SP_MediaStop)
    w.act_prev = make_action(w, "Pre&vious sentence", w.previous_sentence, "Alt+Left", S.SP_MediaSeekBackward)
    w.act_next = make_action(w, "&Next sentence", w.next_sentence, "Alt+Right", S.SP_MediaSeekForward)
    build_navigation_actions(w)
    w.act_clipboard = make_action(
        w, "Read &clipboard", w.read_clipboard, "Ctrl+Shift+V", None, "Read the text on the clipboard"
    )
    w.act_preview = make_action(w, "Previe&w voice", w.preview_voice, "Ctrl+Shift+W")
    w.act_pronunciations = make_action(w, "Pronunciation &dictionary…", w.open_pronunciations, "Ctrl+Shift+D")
    # Ctrl++ / Ctrl+- / Ctrl+0 zoom the whole window; the text alone grows with Ctrl+] / Ctrl+[ (as in Word).
    w.act_zoom_in = make_action(w, "Zoom &in", lambda: w.reading_aids.step_zoom(+1), ["Ctrl++", "Ctrl+="])
    w.act_zoom_out = make_action(w, "Zoom &out", lambda: w.reading_aids.step_zoom(-1), "Ctrl+-")
    w.act_zoom_reset = make_action(w, "&Actual size", lambda: w.reading_aids.step_zoom(0), "Ctrl+0")
    w.act_bigger = make_action(w, "&Larger text", lambda: w.change_font_size(+1), "Ctrl+]")
    w.act_smaller = make_action(w, "&Smaller text", lambda: w.change_font_size(-1), "Ctrl+[")
    w.act_font_reset = make_action(w, "&Normal text size", lambda: w.set_font_size(12))
    w.act_reading_font = make_action(w, "Reading &font…", lambda: w.reading_aids.choose_reading_font())
    w.act_side_panel = make_action(
        w,
        "Side &panel",
        lambda: w.reading_aids.toggle_side_panel(),
        "F9",
        tip="Show or hide the voice panel",
        checkable=True,
    )
    w.line_spacing_actions = _choices(
        w, LINE_SPACINGS, lambda x: f"{x:g}", lambda x: w.reading_aids.set_line_spacing(x), "Line spacing"
    )
    w.tint_actions = _choices(w, TINT_LABELS, TINT_LABELS.get, lambda n: w.reading_aids.set_tint(n), "Background tint")
    w.line_focus_actions = _choices(
        w,
        LINE_FOCUS_CHOICES,
        lambda n: f"{n} line{'s' * (n > 1)}" if n else "&Off",
        lambda n: w.reading_aids.set_line_focus(n),
        "Line focus",
    )
    w.act_focus_text = make_action(w, "Go to &text", lambda: w.editor.setFocus(), "Ctrl+1")
    w.act_focus_voice = make_action(w, "Go to &voice", lambda: w.voice_combo.setFocus(), "Ctrl+2")
    w.act_about = make_action(w, "&About BitTTS Desktop", w.show_about, "F1")
    w.theme_group = QActionGroup(w)
    w.theme_actions = {}
    for i, name in enumerate(THEMES):
        act = make_action(
            w,
            f"{THEME_LABELS[name]} theme",
            lambda checked=False, n=name: w.set_theme(n),
            f"Ctrl+Shift+{i + 1}",
            checkable=True,
        )
        w.theme_group.addAction(act)
        w.theme_actions[name] = act
    w.date_order_group = QActionGroup(w)
    w.date_order_actions = {}
    for name, label in DATE_ORDER_LABELS.items():
        act = make_action(
            w,
            label,
            lambda checked=False, n=name: w.set_date_order(n),
            checkable=True,
            tip=f"Numeric dates: {plain_lower(label)}",
        )
        w.date_order_group.addAction(act)
        w.date_order_actions[name] = act


def build_navigation_actions(w) -> None:
    """Paragraph and chapter steps, bookmarks and the chapters panel (``w.act_*`` of the Go menu).
    Ctrl+Up/Down are the word processors' paragraph keys; Alt+Left/Right stay the sentence keys."""
    r, panel = w.reader, w.chapters_panel
    w.act_prev_paragraph = make_action(w, "Previous &paragraph", r.previous_paragraph, "Ctrl+Up")
    w.act_next_paragraph = make_action(w, "Next p&aragraph", r.next_paragraph, "Ctrl+Down")
    w.act_prev_chapter = make_action(w, "Previous c&hapter", r.previous_chapter, "Alt+PgUp")
    w.act_next_chapter = make_action(w, "Next &chapter", r.next_chapter, "Alt+PgDown")
    w.act_add_bookmark = make_action(
        w, "Add &bookmark…", lambda: w.places.add_bookmark(), "Ctrl+B", None, "Bookmark the sentence being read"
    )
    w.act_go_bookmark = make_action(
        w, "&Go to bookmark…", panel.focus_bookmarks, "Ctrl+Shift+B", None, "Choose a bookmark in the panel"
    )
    w.act_focus_chapters = make_action(
        w, "Chapters and book&marks", panel.focus_chapters, "Ctrl+3", None, "Show the chapters and bookmarks panel"
    )


def _choices(w, values, label, choose, what) -> dict:
    """One checkable action per value, in an exclusive group: {value: action}."""
    group = QActionGroup(w)
    actions = {}
    for value in values:
        act = make_action(
            w,
            label(value),
            lambda checked=False, v=value: choose(v),
            checkable=True,
            tip=f"{what}: {label(value).replace('&', '')}",
        )
        group.addAction(act)
        actions[value] = act
    return actions


def build_menus(w) -> None:
    """File, Read, View and Help; sets ``w.recent_menu``, ``w.date_order_menu`` and ``w.output_device_menu``."""
    bar = w.menuBar()
    m = bar.addMenu("&File")
    m.addAction(w.act_open)
    w.recent_menu = m.addMenu("Open &recent")
    m.addAction(w.act_export)
    m.addSeparator()
    m.addAction(w.act_quit)
    m = bar.addMenu("&Read")
    for a in (w.act_play, w.act_pause, w.act_stop, w.act_prev, w.act_next):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_clipboard)
    m.addAction(w.act_preview)
    m.addAction(w.act_pronunciations)
    w.date_order_menu = m.addMenu("Numeric da&tes")
    for a in w.date_order_actions.values():
        w.date_order_menu.addAction(a)
    w.output_device_menu = m.addMenu("&Output device")  # filled by output_menu.OutputDeviceMenu
    m = bar.addMenu("&Go")
    for a in (w.act_prev, w.act_next, w.act_prev_paragraph, w.act_next_paragraph, w.act_prev_chapter):
        m.addAction(a)
    m.addAction(w.act_next_chapter)
    m.addSeparator()
    for a in (w.act_add_bookmark, w.act_go_bookmark, w.act_focus_chapters):
        m.addAction(a)
    m = bar.addMenu("&View")
    for a in (w.act_zoom_in, w.act_zoom_out, w.act_zoom_reset, None, w.act_bigger, w.act_smaller, w.act_font_reset):
        if a is None:
            m.addSeparator()
        else:
            m.addAction(a)
    m.addAction(w.act_reading_font)
    for title, actions in (
        ("Line &spacing", w.line_spacing_actions),
        ("Background &tint", w.tint_actions),
        ("Line f&ocus", w.line_focus_actions),
    ):
        sub = m.addMenu(title)
        for a in actions.values():
            sub.addAction(a)
    m.addAction(w.act_side_panel)
    m.addSeparator()
    for a in w.theme_actions.values():
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_focus_text)
    m.addAction(w.act_focus_voice)
    m = bar.addMenu("&Help")
    m.addAction(w.act_about)


def build_toolbar(w) -> QToolBar:
    """The transport toolbar (play ... next, then clipboard, open, export), reachable with Tab."""
    toolbar = QToolBar("Transport")
    toolbar.setObjectName("transport")
    toolbar.setAccessibleName("Transport")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.setIconSize(QSize(20, 20))
    toolbar.setMovable(False)
    w.addToolBar(toolbar)
    for a in (
        w.act_play,
        w.act_pause,
        w.act_stop,
        w.act_prev,
        w.act_next,
        None,
        w.act_clipboard,
        w.act_open,
        w.act_export,
    ):
        if a is None:
            toolbar.addSeparator()
            continue
        toolbar.addAction(a)
        button = toolbar.widgetForAction(a)
        button.setAccessibleName(a.text().replace("&", "").rstrip(".…"))
        button.setAccessibleDescription(a.toolTip())
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return toolbar
