"""The main window: text area, transport, voice controls, highlight, export, model readout.

Widgets only: the work is in ``playback.PlaybackController`` and the runnables in ``workers``;
the shared state is in ``context.AppContext``.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (QAccessible, QAccessibleEvent, QAction, QActionGroup, QColor, QFont, QGuiApplication,
                           QIcon, QKeySequence, QPainter, QPixmap, QTextCharFormat, QTextCursor)
from PySide6.QtWidgets import (QApplication, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QMainWindow, QMessageBox, QPlainTextEdit, QProgressDialog, QPushButton,
                               QSlider, QSplitter, QStyle, QSystemTrayIcon, QTextEdit, QToolBar, QVBoxLayout,
                               QWidget, QMenu)

from bittts import __version__
from bittts.engine.audio_output import FILE_FORMATS, available_formats

from .documents import FILE_DIALOG_FILTER
from .engine_adapter import live_readout_text, model_readout_text, summary_text
from .playback import PAUSED, PLAYING, STOPPED, PlaybackController
from .settings import DATE_ORDERS, FONT_SIZE_RANGE, THEMES
from .textnav import SentenceFinder, Utf16Map
from .themes import HIGHLIGHT_COLOURS, THEME_LABELS, apply_theme
from .workers import ExportWorker, FileLoadWorker, SynthesizerLoadWorker

PREVIEW_TEXT = "Hello, I am {name}. This is how I sound when I read to you."
DATE_ORDER_LABELS = {"MDY": "&Month first (US)", "DMY": "&Day first (UK and most of the world)"}


def _plain_lower(label: str) -> str:
    """A menu label in a sentence: "&Day first (UK ...)" -> "day first (UK ...)"."""
    text = label.replace("&", "")
    return text[:1].lower() + text[1:]


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


class ReaderTextEdit(QPlainTextEdit):
    """The text area; dropping files on it opens them (dropped text is inserted as usual)."""

    filesDropped = Signal(list)

    def _local_files(self, mime):
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []

    def dragEnterEvent(self, event):
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event):
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event):
        files = self._local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.filesDropped.emit(files)
        else:
            super().dropEvent(event)


class MainWindow(QMainWindow):
    def __init__(self, context, *, synthesizer_loader=None, model_readout: str | None = None):
        super().__init__()
        self.context = context
        self.controller = PlaybackController(context)
        self.last_announcement = ""
        self.last_error = ""
        self.current_file: str | None = None
        self.export_worker: ExportWorker | None = None
        self.export_progress: QProgressDialog | None = None
        self._error_box: QMessageBox | None = None
        self._text_map = Utf16Map("")
        self._model_readout_override = model_readout
        self._synthesizer_loader = synthesizer_loader
        self._load_generation = 0  # only the newest load's result is used
        self.setWindowTitle(f"BitTTS Desktop {__version__}")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(False)

        self._build_actions()
        self._build_menus()
        self._build_central()
        self._build_status()
        self.tray = self._build_tray()
        self._connect()

        self._restore_settings()
        if context.settings_store.problem:
            self.announce(context.settings_store.problem)
        self.audio_ok = context.probe_audio()
        self._update_engine_state()
        self.editor.setFocus()
        if context.synthesizer is None and synthesizer_loader is not None:
            self.announce("Loading the voice model…")
            self._load_synthesizer()
        elif not self.audio_ok:
            self.announce(context.audio_problem)

    # ------------------------------------------------------------------ construction
    def _action(self, text, slot, shortcut=None, icon=None, tip=None, checkable=False):
        action = QAction(text, self)
        if shortcut:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        plain = text.replace("&", "").rstrip(".…")
        keys_text = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{tip or plain} ({keys_text})" if keys_text else (tip or plain))
        action.setStatusTip(tip or plain)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_actions(self):
        S = QStyle.StandardPixmap
        self.act_open = self._action("&Open…", self.open_file_dialog, QKeySequence.StandardKey.Open, S.SP_DialogOpenButton)
        self.act_export = self._action("&Export audio…", self.export_dialog, "Ctrl+E", S.SP_DialogSaveButton,
                                       "Export the text to an audio file")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.act_play = self._action("&Play", self.play, "F5", S.SP_MediaPlay,
                                     "Play from the cursor or the selection")
        self.act_pause = self._action("P&ause", self.controller.toggle_pause, "F6", S.SP_MediaPause,
                                      "Pause or resume")
        self.act_play_pause = self._action("Play or pause", self.play_pause,
                                           ["Ctrl+Shift+Space", QKeySequence(Qt.Key.Key_MediaTogglePlayPause)],
                                           S.SP_MediaPlay, "Play, or pause what is playing")
        self.act_stop = self._action("&Stop", self.stop, ["F7", "Ctrl+."], S.SP_MediaStop)
        self.act_prev = self._action("Pre&vious sentence", self.previous_sentence, "Alt+Left", S.SP_MediaSeekBackward)
        self.act_next = self._action("&Next sentence", self.next_sentence, "Alt+Right", S.SP_MediaSeekForward)
        self.act_clipboard = self._action("Read &clipboard", self.read_clipboard, "Ctrl+Shift+V", None,
                                          "Read the text on the clipboard")
        self.act_preview = self._action("Previe&w voice", self.preview_voice, "Ctrl+Shift+W")
        self.act_pronunciations = self._action("Pronunciation &dictionary…", self.open_pronunciations, "Ctrl+Shift+D")
        self.act_bigger = self._action("&Larger text", lambda: self.change_font_size(+1), ["Ctrl++", "Ctrl+="])
        self.act_smaller = self._action("&Smaller text", lambda: self.change_font_size(-1), "Ctrl+-")
        self.act_font_reset = self._action("&Normal text size", lambda: self.set_font_size(12), "Ctrl+0")
        self.act_focus_text = self._action("Go to &text", lambda: self.editor.setFocus(), "Ctrl+1")
        self.act_focus_voice = self._action("Go to &voice", lambda: self.voice_combo.setFocus(), "Ctrl+2")
        self.act_about = self._action("&About BitTTS Desktop", self.show_about, "F1")
        self.theme_group = QActionGroup(self)
        self.theme_actions = {}
        for i, name in enumerate(THEMES):
            act = self._action(f"{THEME_LABELS[name]} theme", lambda checked=False, n=name: self.set_theme(n),
                               f"Ctrl+Shift+{i + 1}", checkable=True)
            self.theme_group.addAction(act)
            self.theme_actions[name] = act
        self.date_order_group = QActionGroup(self)
        self.date_order_actions = {}
        for name, label in DATE_ORDER_LABELS.items():
            act = self._action(label, lambda checked=False, n=name: self.set_date_order(n), checkable=True,
                               tip=f"Numeric dates: {_plain_lower(label)}")
            self.date_order_group.addAction(act)
            self.date_order_actions[name] = act

    def _build_menus(self):
        bar = self.menuBar()
        m = bar.addMenu("&File")
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Open &recent")
        m.addAction(self.act_export)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("&Read")
        for a in (self.act_play, self.act_pause, self.act_stop, self.act_prev, self.act_next):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_clipboard)
        m.addAction(self.act_preview)
        m.addAction(self.act_pronunciations)
        self.date_order_menu = m.addMenu("Numeric da&tes")
        for a in self.date_order_actions.values():
            self.date_order_menu.addAction(a)
        m = bar.addMenu("&View")
        for a in (self.act_bigger, self.act_smaller, self.act_font_reset):
            m.addAction(a)
        m.addSeparator()
        for a in self.theme_actions.values():
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_focus_text)
        m.addAction(self.act_focus_voice)
        m = bar.addMenu("&Help")
        m.addAction(self.act_about)

    def _build_central(self):
        self.toolbar = QToolBar("Transport")
        self.toolbar.setObjectName("transport")
        self.toolbar.setAccessibleName("Transport")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(20, 20))
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        for a in (self.act_play, self.act_pause, self.act_stop, self.act_prev, self.act_next, None,
                  self.act_clipboard, self.act_open, self.act_export):
            if a is None:
                self.toolbar.addSeparator()
                continue
            self.toolbar.addAction(a)
            button = self.toolbar.widgetForAction(a)
            button.setAccessibleName(a.text().replace("&", "").rstrip(".…"))
            button.setAccessibleDescription(a.toolTip())
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        # Text area
        self.editor = ReaderTextEdit()
        self.editor.setAccessibleName("Text to read")
        self.editor.setAccessibleDescription("Type, paste or drop a file. F5 reads from the cursor.")
        self.editor.setPlaceholderText("Type or paste text to read aloud, or open a file (Ctrl+O). "
                                       "F5 plays from the cursor, F6 pauses, F7 stops.")
        self.editor.setTabChangesFocus(True)
        text_label = QLabel("&Text to read:")
        text_label.setBuddy(self.editor)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(text_label)
        lv.addWidget(self.editor)

        # Voice panel
        self.voice_combo = QComboBox()
        self.voice_combo.setAccessibleName("Voice")
        self.preview_button = QPushButton("Previe&w")
        self.preview_button.setAccessibleName("Preview voice")
        self.preview_button.clicked.connect(self.preview_voice)
        self.blend_combo = QComboBox()
        self.blend_combo.setAccessibleName("Blend with voice")
        self.blend_slider = self._slider("Blend amount, percent of the second voice", 0, 100, 5, 25)
        self.speed_slider = self._slider("Speed, percent", 50, 300, 5, 25)
        self.pitch_slider = self._slider("Pitch, semitones", -6, 6, 1, 2)
        self.volume_slider = self._slider("Volume, percent", 0, 200, 5, 25)
        self.blend_value = QLabel()
        self.speed_value = QLabel()
        self.pitch_value = QLabel()
        self.volume_value = QLabel()
        for label in (self.blend_value, self.speed_value, self.pitch_value, self.volume_value):
            label.setMinimumWidth(52)

        form = QFormLayout()
        self._add_row(form, "V&oice:", self.voice_combo)
        form.addRow("", self.preview_button)
        self._add_row(form, "&Blend with:", self.blend_combo)
        self._add_row(form, "Blend a&mount:", self.blend_slider, self._with_value(self.blend_slider, self.blend_value))
        self._add_row(form, "Spee&d:", self.speed_slider, self._with_value(self.speed_slider, self.speed_value))
        self._add_row(form, "Pitc&h:", self.pitch_slider, self._with_value(self.pitch_slider, self.pitch_value))
        self._add_row(form, "Vol&ume:", self.volume_slider, self._with_value(self.volume_slider, self.volume_value))
        voice_box = QGroupBox("Voice")
        voice_box.setLayout(form)

        self.model_panel = self.model_readout = QLabel()
        self.model_panel.setWordWrap(True)
        self.model_panel.setAccessibleName("Model information")
        self.model_panel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse |
                                                 Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.model_panel.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.live_panel = QLabel()
        self.live_panel.setWordWrap(True)
        self.live_panel.setAccessibleName("Memory and speed")
        model_box = QGroupBox("Model")
        mv = QVBoxLayout(model_box)
        mv.addWidget(self.model_panel)
        mv.addWidget(self.live_panel)

        right = QWidget()
        right.setMinimumWidth(340)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(voice_box)
        rv.addWidget(model_box)
        rv.addStretch(1)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([640, 360])
        self.setCentralWidget(self.splitter)
        # Logical tab order: text, then the voice panel top to bottom.
        chain = [self.editor, self.voice_combo, self.preview_button, self.blend_combo, self.blend_slider,
                 self.speed_slider, self.pitch_slider, self.volume_slider, self.model_panel]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)

    def _slider(self, name, lo, hi, step, page):
        slider = QSlider(Qt.Orientation.Horizontal)
        slider.setRange(lo, hi)
        slider.setSingleStep(step)
        slider.setPageStep(page)
        slider.setAccessibleName(name)
        slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return slider

    def _with_value(self, slider, label):
        row = QHBoxLayout()
        row.addWidget(slider, 1)
        row.addWidget(label)
        return row

    def _add_row(self, form, text, buddy, field=None):
        label = QLabel(text)
        label.setBuddy(buddy)
        form.addRow(label, field if field is not None else buddy)

    def _build_status(self):
        self.status_label = QLabel()
        self.status_label.setAccessibleName("Status")
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setMinimumWidth(100)
        self.statusBar().addWidget(self.status_label, 1)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(1000)
        self.live_timer.timeout.connect(self._update_live_readout)
        self.live_timer.start()

    def _build_tray(self):
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        tray = QSystemTrayIcon(app_icon(), self)
        tray.setToolTip("BitTTS Desktop")
        menu = QMenu(self)
        menu.addAction(self.act_play_pause)
        menu.addAction(self.act_stop)
        menu.addAction(self.act_clipboard)
        menu.addSeparator()
        menu.addAction("Show window", self.bring_to_front)
        menu.addAction(self.act_quit)
        tray.setContextMenu(menu)
        tray.activated.connect(lambda reason: self.bring_to_front()
                               if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
        tray.show()
        self._tray_menu = menu
        return tray

    def _connect(self):
        c = self.controller
        c.stateChanged.connect(self._on_state)
        c.finished.connect(self._on_finished)
        c.wordChanged.connect(self._on_word)
        c.sentenceChanged.connect(self._on_sentence)
        c.error.connect(self.show_error)
        c.message.connect(self.announce)
        c.rtfChanged.connect(lambda _: self._update_live_readout())
        self.editor.filesDropped.connect(lambda files: self.open_file(files[0]))
        self.voice_combo.currentIndexChanged.connect(self._on_voice_controls)
        self.blend_combo.currentIndexChanged.connect(self._on_voice_controls)
        self.blend_slider.valueChanged.connect(self._on_voice_controls)
        self.speed_slider.valueChanged.connect(self._on_speed)
        self.pitch_slider.valueChanged.connect(self._on_pitch)
        self.volume_slider.valueChanged.connect(self._on_volume)
        self.context.synthesizerChanged.connect(self._update_engine_state)

    # ------------------------------------------------------------------ settings
    def _restore_settings(self):
        s = self.context.settings
        if s.geometry:
            try:
                self.restoreGeometry(QByteArray.fromHex(s.geometry.encode("ascii")))
            except (UnicodeEncodeError, ValueError):
                pass
        else:
            self.resize(1000, 640)
        for slider, value in ((self.speed_slider, round(s.speed * 100)), (self.pitch_slider, round(s.pitch)),
                              (self.volume_slider, round(s.volume * 100)),
                              (self.blend_slider, round(s.blend_weight * 100))):
            slider.blockSignals(True)
            slider.setValue(value)
            slider.blockSignals(False)
        self._update_value_labels()
        self.set_theme(s.theme, announce=False)
        self.set_font_size(s.font_size, announce=False)
        self.date_order_actions.get(s.date_order, self.date_order_actions["MDY"]).setChecked(True)
        self._update_recent_menu()

    def save_settings(self) -> str:
        self.context.settings.geometry = bytes(self.saveGeometry().toHex()).decode("ascii")
        problem = self.context.save_settings()
        if problem:
            self.announce(problem)
        return problem

    def closeEvent(self, event):
        self.controller.stop()
        if self.export_worker is not None:
            self.export_worker.cancel.set()
        self.save_settings()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)

    # ------------------------------------------------------------------ engine state
    def _load_synthesizer(self) -> None:
        """Load the synthesizer on a worker (the GUI stays responsive); a newer load supersedes
        one still running. Until it is done, the current synthesizer (if any) keeps reading."""
        self._load_generation += 1
        generation = self._load_generation
        worker = SynthesizerLoadWorker(self._synthesizer_loader)
        worker.signals.done.connect(lambda load: self._on_synthesizer_loaded(load, generation))
        self.context.runnables.start(worker)

    def _on_synthesizer_loaded(self, load, generation: int | None = None):
        if generation is not None and generation != self._load_generation:
            return  # a setting changed again while this one loaded
        self.context.set_synthesizer(load.synthesizer, load.problem)
        if load.synthesizer is not None:
            self.announce("Ready." if self.audio_ok else self.context.audio_problem)
        elif not self.audio_ok:
            self.announce(f"{load.problem} {self.context.audio_problem}")

    def _update_engine_state(self):
        ctx = self.context
        synth = ctx.synthesizer
        have_synth = synth is not None
        can_play = have_synth and self.audio_ok
        self.can_play = can_play
        for a in (self.act_play, self.act_play_pause, self.act_clipboard, self.act_preview):
            a.setEnabled(can_play)
        self._update_transport(self.controller.state)
        self.preview_button.setEnabled(can_play)
        self.act_export.setEnabled(have_synth)
        # voices
        voices = ctx.voices()
        for combo in (self.voice_combo, self.blend_combo):
            combo.blockSignals(True)
            combo.clear()
        self.blend_combo.addItem("None", "")
        for v in voices:
            tip = f"{v.sex}, {v.accent}" + (f"; learned from {v.teacher}" if v.teacher else "") + \
                  (f"; licence {v.licence}" if v.licence else "")
            for combo in (self.voice_combo, self.blend_combo):
                combo.addItem(v.label, v.name)
                combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        s = ctx.settings
        i = self.voice_combo.findData(s.voice)
        self.voice_combo.setCurrentIndex(max(i, 0))
        j = self.blend_combo.findData(s.blend_voice)
        self.blend_combo.setCurrentIndex(max(j, 0))
        for combo in (self.voice_combo, self.blend_combo):
            combo.blockSignals(False)
            combo.setEnabled(bool(voices))
        self.blend_slider.setEnabled(bool(voices) and self.blend_combo.currentIndex() > 0)
        if voices:
            self._on_voice_controls()
        # readout
        if self._model_readout_override is not None:
            readout = self._model_readout_override
        elif have_synth and getattr(synth, "summary", None) is not None:
            readout = summary_text(synth.summary)
        else:
            readout = model_readout_text(ctx.model_path)
        self.model_panel.setText(readout.replace(" · ", "\n"))
        self._update_live_readout()
        if not have_synth and ctx.synthesizer_problem:
            self.announce(ctx.synthesizer_problem)

    def _update_live_readout(self):
        self.live_panel.setText(live_readout_text(self.context.synthesizer, self.context.rtf).replace(" · ", "\n"))

    # ------------------------------------------------------------------ status and errors
    def announce(self, text: str) -> None:
        """Show a status line and tell screen readers about it."""
        if not text:
            return
        self.last_announcement = text
        self.status_label.setText(text)
        self.status_label.setToolTip(text)
        self.status_label.setAccessibleDescription(text)
        if QAccessible.isActive():
            QAccessible.updateAccessibility(QAccessibleEvent(self.status_label, QAccessible.Event.NameChanged))
            QAccessible.updateAccessibility(QAccessibleEvent(self.status_label, QAccessible.Event.Alert))

    def show_error(self, text: str) -> None:
        """An error as a message (non-blocking) and a status line; never an exception."""
        self.last_error = text
        self.announce(text)
        if self._error_box is not None:
            self._error_box.close()
        box = QMessageBox(QMessageBox.Icon.Warning, "BitTTS Desktop", text, QMessageBox.StandardButton.Ok, self)
        box.setAccessibleName("Error")
        box.open()
        self._error_box = box

    # ------------------------------------------------------------------ reading
    def _document(self) -> str:
        text = self.editor.toPlainText()
        self._text_map = Utf16Map(text)
        return text

    def play(self) -> None:
        if self.controller.state == PAUSED:
            self.controller.resume()
            return
        text = self._document()
        cursor = self.editor.textCursor()
        m = self._text_map
        if cursor.hasSelection():
            start, end = m.from_qt(cursor.selectionStart()), m.from_qt(cursor.selectionEnd())
        else:
            start, end = m.from_qt(cursor.position()), len(text)
            if not text[start:].strip():
                start = 0  # at the end: read from the top
        while 0 < start < len(text) and not text[start - 1].isspace():
            start -= 1  # from the start of the word the cursor is in
        self.controller.play(text, start, end)

    def stop(self) -> None:
        self.controller.stop()

    def play_pause(self) -> None:
        """One key for the tray and media keys: play when stopped, else pause/resume."""
        if self.controller.state == STOPPED:
            self.play()
        else:
            self.controller.toggle_pause()

    def next_sentence(self) -> None:
        if self.controller.state != STOPPED:
            self.controller.next_sentence()
        else:
            self._move_cursor_by_sentence(+1)

    def previous_sentence(self) -> None:
        if self.controller.state != STOPPED:
            self.controller.previous_sentence()
        else:
            self._move_cursor_by_sentence(-1)

    def _move_cursor_by_sentence(self, step: int) -> None:
        text = self._document()
        finder = SentenceFinder(text)
        here = self._text_map.from_qt(self.editor.textCursor().position())
        if step > 0:
            target = finder.next_start(here)
        else:
            current = finder.containing(here)
            target = current[0] if current and current[0] < here else finder.previous_start(here)
        if target is None:
            self.announce("This is the last sentence.")
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(self._text_map.to_qt(target))
        self.editor.setTextCursor(cursor)
        sentence = finder.containing(target)
        if sentence:
            self.announce(text[sentence[0]:sentence[1]][:200])

    def read_clipboard(self) -> None:
        text = QGuiApplication.clipboard().text()
        self.read_text(text, source="the clipboard")

    def read_text(self, text: str, source: str = "the message") -> None:
        """Put ``text`` in the text area (undoable) and read it from the top."""
        if not text.strip():
            self.announce(f"There is no text on {source}.")
            return
        self.controller.stop()
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.setPosition(0)
        self.editor.setTextCursor(cursor)
        self.announce(f"Reading {source} ({len(text.split())} words).")
        if self.act_play.isEnabled():
            self.play()

    def preview_voice(self) -> None:
        if self.context.synthesizer is None:
            return
        name = self.voice_combo.currentText().split(" (")[0] or "this voice"
        if self.blend_combo.currentIndex() > 0:
            name = f"a blend of {name} and {self.blend_combo.currentText().split(' (')[0]}"
        self.controller.play(PREVIEW_TEXT.format(name=name), highlight=False)

    # ------------------------------------------------------------------ playback feedback
    def _update_transport(self, state: str) -> None:
        active = state != STOPPED and getattr(self, "can_play", False)
        self.act_pause.setEnabled(active)
        self.act_stop.setEnabled(active)
        self.act_pause.setText("Res&ume" if state == PAUSED else "P&ause")

    def _on_finished(self) -> None:
        # Leave the cursor after what was read, so that F5 starts again from the top.
        if self.controller.highlight:
            cursor = self.editor.textCursor()
            cursor.setPosition(self._text_map.to_qt(min(self.controller._end, len(self.editor.toPlainText()))))
            self.editor.setTextCursor(cursor)

    def _on_state(self, state: str) -> None:
        reading_document = state != STOPPED and self.controller.highlight
        self.editor.setReadOnly(reading_document)
        self._update_transport(state)
        if state == STOPPED:
            self.editor.setExtraSelections([])
        self.announce({PLAYING: "Playing.", PAUSED: "Paused.", STOPPED: "Stopped."}[state])

    def _on_sentence(self, start: int, end: int) -> None:
        self._sentence_span = (start, end)
        self._apply_highlight()

    def _on_word(self, start: int, end: int) -> None:
        self._word_span = (start, end)
        self._apply_highlight()
        if start >= 0:
            cursor = self.editor.textCursor()
            cursor.setPosition(self._text_map.to_qt(start))
            self.editor.setTextCursor(cursor)  # the view follows the word (and F5 resumes here)
            self.editor.ensureCursorVisible()

    def _apply_highlight(self) -> None:
        sentence_bg, word_bg, word_fg = HIGHLIGHT_COLOURS.get(self.context.settings.theme, HIGHLIGHT_COLOURS["light"])
        selections = []
        m = self._text_map
        for span, bg, fg in ((getattr(self, "_sentence_span", (-1, -1)), sentence_bg, None),
                             (getattr(self, "_word_span", (-1, -1)), word_bg, word_fg)):
            if span[0] < 0:
                continue
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(m.to_qt(span[0]))
            cursor.setPosition(m.to_qt(span[1]), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(bg))
            if fg:
                fmt.setForeground(QColor(fg))
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        self.editor.setExtraSelections(selections)

    def highlighted_word(self) -> str:
        """The text of the highlighted word ('' if none) - for tests and the accessible description."""
        span = getattr(self, "_word_span", (-1, -1))
        return self.editor.toPlainText()[span[0]:span[1]] if span[0] >= 0 else ""

    # ------------------------------------------------------------------ voice controls
    def _on_voice_controls(self, *_):
        voice = self.voice_combo.currentData() or ""
        blend = self.blend_combo.currentData() or ""
        self.blend_slider.setEnabled(bool(blend))
        self.context.update_settings(voice=voice, blend_voice=blend, blend_weight=self.blend_slider.value() / 100)
        self._update_value_labels()

    def _on_speed(self, value):
        self.context.update_settings(speed=value / 100)
        self._update_value_labels()

    def _on_pitch(self, value):
        self.context.update_settings(pitch=float(value))
        self._update_value_labels()

    def _on_volume(self, value):
        self.context.update_settings(volume=value / 100)
        self._update_value_labels()

    def _update_value_labels(self):
        s = self.context.settings
        self.speed_value.setText(f"{s.speed:.2f}×")
        self.pitch_value.setText(f"{s.pitch:+.0f} st")
        self.volume_value.setText(f"{s.volume:.0%}")
        self.blend_value.setText(f"{self.blend_slider.value()}%")
        self.speed_slider.setAccessibleDescription(f"{s.speed:.2f} times")
        self.pitch_slider.setAccessibleDescription(f"{s.pitch:+.0f} semitones")
        self.volume_slider.setAccessibleDescription(f"{s.volume:.0%}")

    def set_date_order(self, order: str, announce: bool = True) -> None:
        """How numeric dates such as 04/05/2021 are read: "MDY" month first, "DMY" day first.
        The synthesizer is reloaded with it off the GUI thread; the next reading uses it."""
        if order not in DATE_ORDERS:
            order = "MDY"
        self.date_order_actions[order].setChecked(True)
        if order == self.context.settings.date_order:
            return
        self.context.update_settings(date_order=order)
        if self._synthesizer_loader is not None:
            self._load_synthesizer()
        if announce:
            self.announce(f"Numeric dates: {_plain_lower(DATE_ORDER_LABELS[order])}.")

    # ------------------------------------------------------------------ view
    def set_theme(self, name: str, announce: bool = True) -> None:
        if name not in THEMES:
            name = "system"
        app = QApplication.instance()
        if app is not None:
            apply_theme(app, name)
        self.context.settings.theme = name
        self.theme_actions[name].setChecked(True)
        self._apply_highlight()
        if announce:
            self.announce(f"{THEME_LABELS[name].replace('&', '')} theme.")

    def set_font_size(self, points: int, announce: bool = True) -> None:
        points = int(min(max(points, FONT_SIZE_RANGE[0]), FONT_SIZE_RANGE[1]))
        font = self.editor.font()
        font.setPointSize(points)
        self.editor.setFont(font)
        self.context.settings.font_size = points
        if announce:
            self.announce(f"Text size {points} points.")

    def change_font_size(self, step: int) -> None:
        self.set_font_size(self.context.settings.font_size + step)

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def show_about(self) -> None:
        QMessageBox.about(self, "About BitTTS Desktop",
                          f"BitTTS Desktop {__version__}\nOffline text-to-speech with a 1.58-bit model.\n\n"
                          + self.model_readout.text())

    # ------------------------------------------------------------------ files
    def open_file_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open a document", "", FILE_DIALOG_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str):
        """Read a file on a worker; the text area is filled when it is done."""
        self.announce(f"Opening {Path(path).name}…")
        worker = FileLoadWorker(str(path))
        worker.signals.loaded.connect(self._on_file_loaded)
        worker.signals.failed.connect(lambda p, msg: self.show_error(msg))
        self.context.runnables.start(worker)
        return worker

    def _on_file_loaded(self, path: str, text: str) -> None:
        self.controller.stop()
        self.editor.setPlainText(text)
        self.current_file = path
        self.setWindowTitle(f"{Path(path).name} - BitTTS Desktop")
        self.context.settings.add_recent(path)
        self._update_recent_menu()
        self.announce(f"Opened {Path(path).name} ({len(text.split()):,} words).")

    def _update_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.context.settings.recent_files
        for i, path in enumerate(recent):
            act = self.recent_menu.addAction(f"&{(i + 1) % 10} {Path(path).name}")
            act.setToolTip(path)
            act.triggered.connect(lambda checked=False, p=path: self.open_file(p))
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("&Clear the list", self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        self.context.settings.recent_files = []
        self._update_recent_menu()

    # ------------------------------------------------------------------ export
    def export_dialog(self) -> None:
        formats = available_formats()
        filters = ";;".join(f"{FILE_FORMATS[s]} audio (*{s})" for s in formats)
        base = Path(self.current_file).with_suffix(".wav").name if self.current_file else "speech.wav"
        path, chosen = QFileDialog.getSaveFileName(self, "Export audio", base, filters)
        if not path:
            return
        if Path(path).suffix.lower() not in formats:
            suffix = next((s for s in formats if s in chosen), ".wav")
            path += suffix
        self.export_to(path)

    def export_to(self, path: str) -> ExportWorker | None:
        """Synthesize the whole text into ``path`` on a worker, with a progress dialog and cancel."""
        if self.context.synthesizer is None:
            self.show_error(self.context.synthesizer_problem or "No voice model is installed.")
            return None
        if self.export_worker is not None:
            self.show_error("An export is already running.")
            return None
        text = self.editor.toPlainText()
        if not text.strip():
            self.announce("There is no text to export.")
            return None
        worker = ExportWorker(self.context.synthesizer, text, self.context.export_config(), path, threading.Event())
        progress = QProgressDialog(f"Exporting to {Path(path).name}…", "&Cancel", 0, 100, self)
        progress.setWindowTitle("Export audio")
        progress.setAccessibleName("Export progress")
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(worker.cancel.set)
        worker.signals.progress.connect(progress.setValue)
        worker.signals.finished.connect(self._on_export_finished)
        worker.signals.failed.connect(self._on_export_failed)
        worker.signals.cancelled.connect(self._on_export_cancelled)
        self.export_worker, self.export_progress = worker, progress
        self.announce(f"Exporting to {Path(path).name}…")
        self.context.runnables.start(worker)
        return worker

    def _end_export(self):
        if self.export_progress is not None:
            self.export_progress.close()
        self.export_worker = self.export_progress = None

    def _on_export_finished(self, path: str, seconds: float) -> None:
        self._end_export()
        self.announce(f"Exported {seconds:.1f} seconds of audio to {Path(path).name}.")

    def _on_export_failed(self, message: str) -> None:
        self._end_export()
        self.show_error(message)

    def _on_export_cancelled(self) -> None:
        self._end_export()
        self.announce("Export cancelled.")

    # ------------------------------------------------------------------ pronunciations
    def open_pronunciations(self) -> None:
        from .pronunciation import PronunciationDialog

        dialog = PronunciationDialog(self.context.pronunciations(), self._play_word, self)
        dialog.open()
        self._pronunciation_dialog = dialog
        return dialog

    def _play_word(self, word: str) -> None:
        if self.act_play.isEnabled() or (self.context.synthesizer is not None and self.audio_ok):
            self.controller.play(word, highlight=False)

    # ------------------------------------------------------------------ messages from other launches
    def handle_message(self, message: dict) -> None:
        action = message.get("action")
        self.bring_to_front()
        if action == "read_text" and isinstance(message.get("text"), str):
            self.read_text(message["text"])
        elif action == "read_clipboard":
            self.read_clipboard()
        elif action == "open" and isinstance(message.get("path"), str):
            self.open_file(message["path"])
