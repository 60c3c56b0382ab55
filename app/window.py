"""The main window: the composition root that builds the panels and flows and wires them.

Each part lives in its own module and reports through the status line:

- ``reader.Reader``: the text area, reading from the cursor, sentence steps, the highlight;
- ``voice_panel.VoicePanel`` and ``model_panel.ModelPanel``: the boxes on the right;
- ``actions``: the actions and shortcuts, the menus, the transport toolbar;
- ``file_flow.FileFlow`` (open, recent files) and ``export_flow.ExportFlow`` (export audio);
- ``output_menu.OutputDeviceMenu``: the Read menu's "Output device" choice;
- ``chapters_panel.ChaptersPanel`` (the chapters and bookmarks dock) and
  ``reading_place.ReadingPlace`` (each file's remembered place and bookmarks, ``positions.json``);
- ``reading_aids.ReadingAids``: zoom, reading font, line spacing, tint, line focus, side panel;
- ``status.StatusLine`` (announcements and errors) and ``tray`` (icon and tray menu).

The work is in ``playback.PlaybackController`` and the runnables in ``workers``; the shared
state is in ``context.AppContext``. The window keeps the transport state, the settings it
restores and saves, the synthesizer loading, the view (theme, text size) and the messages from
other launches.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from bittts import __version__

from .actions import (
    DATE_ORDER_LABELS,
    build_actions,
    build_menus,
    build_toolbar,
    plain_lower,
)
from .chapters_panel import ChaptersPanel
from .export_flow import ExportFlow
from .file_flow import FileFlow
from .model_panel import ModelPanel
from .output_menu import OutputDeviceMenu
from .playback import PAUSED, PLAYING, STOPPED, PlaybackController
from .positions import FILE_NAME as POSITIONS_FILE_NAME
from .positions import PositionStore
from .reader import Reader
from .reading_aids import ReadingAids
from .reading_place import ReadingPlace
from .settings import DATE_ORDERS, FONT_SIZE_RANGE, THEMES
from .status import StatusLine
from .themes import THEME_LABELS, apply_theme
from .tray import app_icon, build_tray
from .voice_panel import VoicePanel
from .workers import SynthesizerLoadWorker

PREVIEW_TEXT = "Hello, I am {name}. This is how I sound when I read to you."


class MainWindow(QMainWindow):
    def __init__(self, context, *, synthesizer_loader=None, model_readout: str | None = None):
        super().__init__()
        self.context = context
        self.controller = PlaybackController(context)
        self.current_file: str | None = None
        self._synthesizer_loader = synthesizer_loader
        self._load_generation = 0  # only the newest load's result is used
        self._dictionary_problem_said = False  # a bad pronunciation dictionary is said once
        self._voice_note = ""  # saved voices the model lacks, said after the model is ready
        self.setWindowTitle(f"BitTTS Desktop {__version__}")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(False)

        # The parts; the actions, menus and toolbar call into them through this window.
        self.status = StatusLine(self)
        self.reader = Reader(self.controller, context, self.status, self)
        positions = PositionStore(context.settings_store.path.with_name(POSITIONS_FILE_NAME))
        self.places = ReadingPlace(self.reader, positions, self.status, self)
        self.chapters_panel = ChaptersPanel(self.reader.marks, self)
        self.voice_panel = VoicePanel(context)
        self.model_box = ModelPanel(context, model_readout)
        self.export = ExportFlow(self, context, self.status, self.editor.toPlainText, lambda: self.current_file)
        build_actions(self)
        build_menus(self)
        self.files = FileFlow(self, context, self.status, self.recent_menu)
        self.toolbar = build_toolbar(self)
        self._lay_out()
        self.reading_aids = ReadingAids(self)  # zoom, reading font, spacing, tint, line focus, icons
        self.tray = build_tray(self)
        self._connect()

        self._restore_settings()
        if context.settings_store.problem:
            self.announce(context.settings_store.problem)
        if positions.problem:
            self.announce(positions.problem)
        self.audio_ok = context.probe_audio()
        self.output_devices = OutputDeviceMenu(self.output_device_menu, context, self.controller, self.announce)
        self.output_devices.apply_saved()
        self._update_engine_state()
        self.editor.setFocus()
        if context.synthesizer is None and synthesizer_loader is not None:
            self.announce("Loading the voice model…")
            self._load_synthesizer()
        elif not self.audio_ok:
            self.announce(context.audio_problem)
        self._say_voice_note()

    # ------------------------------------------------------------------ construction
    def _lay_out(self):
        right = QWidget()
        right.setMinimumWidth(340)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.voice_panel)
        rv.addWidget(self.model_box)
        rv.addStretch(1)

        self.splitter = QSplitter()
        self.splitter.addWidget(self.reader.panel)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([640, 360])
        self.setCentralWidget(self.splitter)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.chapters_panel)
        self.chapters_panel.hide()  # shown for a document with chapters, or from the Go menu
        # Logical tab order: text, then the voice panel top to bottom, then the model readout.
        chain = [self.editor, *self.voice_panel.tab_order(), self.model_panel]
        for a, b in itertools.pairwise(chain):
            QWidget.setTabOrder(a, b)

    def _connect(self):
        c = self.controller
        c.stateChanged.connect(self.reader.on_state)
        c.stateChanged.connect(self._on_state)
        c.error.connect(self.show_error)
        c.message.connect(self.announce)
        c.rtfChanged.connect(lambda _: self.model_box.update_live())
        self.editor.filesDropped.connect(lambda files: self.open_file(files[0]))
        self.files.opened.connect(self._on_file_opened)
        self.chapters_panel.goTo.connect(self.reader.go_to_qt)
        self.voice_panel.preview_button.clicked.connect(self.preview_voice)
        self.context.synthesizerChanged.connect(self._update_engine_state)

    # ------------------------------------------------------------------ the parts, by their old names
    # (the actions, main.py, the tests and the bench reach the window's parts through these)
    editor = property(lambda self: self.reader.editor)
    voice_combo = property(lambda self: self.voice_panel.voice_combo)
    blend_combo = property(lambda self: self.voice_panel.blend_combo)
    blend_slider = property(lambda self: self.voice_panel.blend_slider)
    speed_slider = property(lambda self: self.voice_panel.speed_slider)
    pitch_slider = property(lambda self: self.voice_panel.pitch_slider)
    volume_slider = property(lambda self: self.voice_panel.volume_slider)
    preview_button = property(lambda self: self.voice_panel.preview_button)
    model_panel = model_readout = property(lambda self: self.model_box.readout)
    live_panel = property(lambda self: self.model_box.live)
    status_label = property(lambda self: self.status.label)
    can_play = property(lambda self: self.reader.can_play)  # a synthesizer and an audio output
    last_announcement = property(lambda self: self.status.last_announcement)
    last_error = property(lambda self: self.status.last_error)
    export_worker = property(lambda self: self.export.worker)
    export_progress = property(lambda self: self.export.progress)

    def announce(self, text: str) -> None:
        self.status.announce(text)

    def show_error(self, text: str) -> None:
        self.status.show_error(text)

    def play(self) -> None:
        self.reader.play()

    def stop(self) -> None:
        self.files.cancel_loading()
        self.reader.stop()

    def play_pause(self) -> None:
        self.reader.play_pause()

    def next_sentence(self) -> None:
        self.reader.next_sentence()

    def previous_sentence(self) -> None:
        self.reader.previous_sentence()

    def read_clipboard(self) -> None:
        self.reader.read_clipboard()

    def read_text(self, text: str, source: str = "the message") -> None:
        self.reader.read_text(text, source)

    def highlighted_word(self) -> str:
        return self.reader.highlighted_word()

    def open_file_dialog(self) -> None:
        self.files.dialog()

    def open_file(self, path: str):
        return self.files.open_file(path)

    def export_dialog(self) -> None:
        self.export.dialog()

    def export_to(self, path: str):
        return self.export.export_to(path)

    def _update_live_readout(self) -> None:
        self.model_box.update_live()

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
        self.voice_panel.restore(s)
        self.set_theme(s.theme, announce=False)
        self.set_font_size(s.font_size, announce=False)
        self.reading_aids.restore()
        self.date_order_actions.get(s.date_order, self.date_order_actions["MDY"]).setChecked(True)
        self.files.update_recent_menu()

    def save_settings(self) -> str:
        self.context.settings.geometry = bytes(self.saveGeometry().toHex()).decode("ascii")
        problem = self.context.save_settings()
        if problem:
            self.announce(problem)
        return problem

    def closeEvent(self, event):
        self.files.cancel_loading()
        self.controller.stop()
        self.export.cancel()
        self.places.close_document()
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
        self._say_dictionary_problem()
        self._say_voice_note()

    def _say_voice_note(self) -> None:
        """Saved voices the model lacks are said once, after what the load itself says."""
        note, self._voice_note = self._voice_note, ""
        self.announce(note)

    def _say_dictionary_problem(self) -> None:
        """A pronunciation dictionary that could not be read is said once, after the voice loads."""
        if self._dictionary_problem_said:
            return
        self._dictionary_problem_said = True
        problem = self.context.pronunciations().problem
        if problem:
            self.announce(f"Pronunciation dictionary: {problem}")

    def _update_engine_state(self):
        ctx = self.context
        have_synth = ctx.synthesizer is not None
        self.reader.can_play = have_synth and self.audio_ok
        for a in (self.act_play, self.act_play_pause, self.act_clipboard, self.act_preview):
            a.setEnabled(self.can_play)
        self._update_transport(self.controller.state)
        self.preview_button.setEnabled(self.can_play)
        self.act_export.setEnabled(have_synth)
        self._voice_note = self.voice_panel.show_voices(ctx.voices(), ctx.settings) or self._voice_note
        self.model_box.update_model()
        if not have_synth and ctx.synthesizer_problem:
            self.announce(ctx.synthesizer_problem)

    # ------------------------------------------------------------------ transport
    def _update_transport(self, state: str) -> None:
        active = state != STOPPED and self.can_play
        self.act_pause.setEnabled(active)
        self.act_stop.setEnabled(active)
        self.act_pause.setText("Res&ume" if state == PAUSED else "P&ause")

    def _on_state(self, state: str) -> None:
        self._update_transport(state)
        self.announce({PLAYING: "Playing.", PAUSED: "Paused.", STOPPED: "Stopped."}[state])

    def preview_voice(self) -> None:
        if self.context.synthesizer is None:
            return
        self.controller.play(PREVIEW_TEXT.format(name=self.voice_panel.description()), highlight=False)

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
            self.announce(f"Numeric dates: {plain_lower(DATE_ORDER_LABELS[order])}.")

    # ------------------------------------------------------------------ view
    def set_theme(self, name: str, announce: bool = True) -> None:
        if name not in THEMES:
            name = "system"
        app = QApplication.instance()
        if app is not None:
            apply_theme(app, name)
        self.reading_aids.follow_theme()  # icons and tint in the new colours
        self.context.settings.theme = name
        self.theme_actions[name].setChecked(True)
        self.reader.apply_highlight()
        if announce:
            self.announce(f"{THEME_LABELS[name].replace('&', '')} theme.")

    def set_font_size(self, points: int, announce: bool = True) -> None:
        points = int(min(max(points, FONT_SIZE_RANGE[0]), FONT_SIZE_RANGE[1]))
        self.context.settings.font_size = points
        self.reading_aids.apply_text_font()  # the size times the zoom, in the reading font
        if announce:
            self.announce(f"Text size {points} points.")

    def change_font_size(self, step: int) -> None:
        self.set_font_size(self.context.settings.font_size + step)

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About BitTTS Desktop",
            f"BitTTS Desktop {__version__}\nOffline text-to-speech with a 1.58-bit model.\n\n"
            + self.model_readout.text(),
        )

    # ------------------------------------------------------------------ files
    def _on_file_opened(self, path: str, text: str) -> None:
        self.show_opened(path, text, self.files.current_document)

    def show_opened(self, path: str, text: str, document=None) -> None:
        """Show a file's text at its remembered place, with its chapters (``document``: its
        ``bittts.documents.Document``, or None) in the chapters panel."""
        self.places.show(path, text, document)
        if self.reader.marks.chapters:
            self.chapters_panel.show()
        self.current_file = path
        self.setWindowTitle(f"{Path(path).name} - BitTTS Desktop")

    # ------------------------------------------------------------------ pronunciations
    def open_pronunciations(self):
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
