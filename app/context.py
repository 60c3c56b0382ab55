"""The application context: everything the widgets share, passed in explicitly.

Tests build one with a fake synthesizer, a fake audio sink and a settings file in a temporary
folder; ``main.run`` builds the real one.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from bittts.engine.audio_output import AudioUnavailable, check_output_device
from bittts.engine.synthesis_types import SynthesisConfig

from .audio import BufferedSink, SoundDeviceSink
from .engine_adapter import PronunciationStore
from .settings import Settings, SettingsStore
from .workers import RunnableKeeper

# The GIL switch interval while the GUI runs beside GIL-holding workers: each Qt call that
# releases the GIL may wait up to one interval to get it back (bench/gui_latency.py: 5 ms, the
# interpreter default, gave 58-79 ms peaks with play + export on a GIL-holding fake; 1 ms 19-25 ms).
GUI_SWITCH_INTERVAL = 0.001


def tune_interpreter_for_gui() -> None:
    sys.setswitchinterval(min(sys.getswitchinterval(), GUI_SWITCH_INTERVAL))


def default_sink_factory() -> BufferedSink:
    check_output_device()
    return SoundDeviceSink()


class AppContext(QObject):
    synthesizerChanged = Signal()
    settingsChanged = Signal()  # a setting that synthesis reads changed

    def __init__(
        self,
        *,
        synthesizer=None,
        synthesizer_problem: str = "",
        sink_factory: Callable[[], BufferedSink] | None = None,
        settings_store: SettingsStore | None = None,
        user_dict_path: Path | None = None,
        model_path: Path | None = None,
        max_threads: int = 4,
    ):
        super().__init__()
        self.synthesizer = synthesizer
        self.synthesizer_problem = synthesizer_problem
        self.model_path = model_path
        self.settings_store = settings_store or SettingsStore()
        self.settings: Settings = self.settings_store.load()
        self.user_dict_path = user_dict_path
        self._pronunciations: PronunciationStore | None = None
        self._pronunciations_lock = threading.Lock()
        # Our own pool: the global one is sized to the CPU count, and a playback worker can
        # sit waiting on the audio buffer for the whole of a long text.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self.runnables = RunnableKeeper(self.pool)
        self._sink_factory = sink_factory or default_sink_factory
        self.audio_problem = ""
        self._sink: BufferedSink | None = None
        self.rtf: float | None = None
        self._config = self._make_config()

    # ---- synthesizer
    def set_synthesizer(self, synthesizer, problem: str = "") -> None:
        self.synthesizer, self.synthesizer_problem = synthesizer, problem
        self.synthesizerChanged.emit()

    @property
    def can_synthesize(self) -> bool:
        return self.synthesizer is not None

    def voices(self):
        return tuple(getattr(self.synthesizer, "voices", ()) or ())

    # ---- audio
    def sink(self) -> BufferedSink:
        """The audio sink (made once); raises AudioUnavailable and remembers why."""
        if self._sink is None:
            try:
                self._sink = self._sink_factory()
            except AudioUnavailable as exc:
                self.audio_problem = f"No audio output ({exc}): reading aloud is off; Export audio (Ctrl+E) works."
                raise
            self._sink.set_gain(self.settings.volume)
            self.audio_problem = ""
        return self._sink

    def probe_audio(self) -> bool:
        """Whether an output exists (sets ``audio_problem`` if not)."""
        try:
            self.sink()
            return True
        except AudioUnavailable:
            return False

    # ---- synthesis settings (read by the playback worker before each chunk)
    def _make_config(self) -> SynthesisConfig:
        s = self.settings
        # Volume is applied by the sink at once; the playback synthesis runs at unit volume.
        return SynthesisConfig(voice=s.voice_spec(), speed=s.speed, pitch=s.pitch, volume=1.0)

    def current_config(self) -> SynthesisConfig:
        """Thread-safe: the worker reads one immutable object, replaced whole on change."""
        return self._config

    def export_config(self) -> SynthesisConfig:
        return self._config.with_(volume=self.settings.volume)

    def update_settings(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self.settings, name, value)
        self._config = self._make_config()
        if self._sink is not None:
            self._sink.set_gain(self.settings.volume)
        self.settingsChanged.emit()

    def save_settings(self) -> str:
        """Save; returns an error message or ''."""
        try:
            self.settings_store.save(self.settings)
        except OSError as exc:
            return f"The settings could not be saved: {exc}"
        return ""

    # ---- pronunciations
    def pronunciations(self) -> PronunciationStore:
        """The user dictionary (loaded once; the synthesizer loader may call this on its worker)."""
        with self._pronunciations_lock:
            if self._pronunciations is None:
                self._pronunciations = PronunciationStore(self.user_dict_path)
            return self._pronunciations

    def shutdown(self) -> None:
        if self._sink is not None:
            self._sink.close()
        self.pool.waitForDone(2000)
