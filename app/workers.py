"""Work that never runs on the GUI thread: QRunnables that report through queued signals.

Each runnable owns a small QObject (created on the GUI thread, so its signals are delivered
there, queued). Runnables catch every exception and report it as a message.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThread, Signal

from bittts.engine.audio_output import AudioFileWriter, estimated_audio_seconds, synthesize_ahead

from .documents import DocumentCancelled, DocumentError, read_document
from .engine_adapter import SynthesizerLoad


def lower_thread_priority(nice: int = 5) -> None:
    """Let the GUI thread win the CPU over synthesis when cores are scarce (the audio callback
    runs on PortAudio's own high-priority thread and is not affected). Only for threads made
    for one job: on Linux the priority cannot be raised back."""
    try:
        if sys.platform.startswith("linux"):
            os.setpriority(
                os.PRIO_PROCESS, threading.get_native_id(), min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice)
            )
        else:
            QThread.currentThread().setPriority(QThread.Priority.LowPriority)
    except (OSError, AttributeError):
        pass


class TrackedRunnable(QRunnable):
    """A runnable that notes when its run() ended, so its owner knows when to let it go
    (PySide deletes the C++ object with the Python one; see ``RunnableKeeper``)."""

    def __init__(self):
        super().__init__()
        self.setAutoDelete(False)
        self.done_at: float | None = None

    def run(self):
        try:
            self.work()
        finally:
            self.done_at = time.monotonic()

    def work(self):
        raise NotImplementedError


class RunnableKeeper:
    """Holds runnables until they have finished for a while, then lets them be collected."""

    def __init__(self, pool):
        self.pool = pool
        self._held: list[TrackedRunnable] = []

    def start(self, runnable: TrackedRunnable) -> None:
        now = time.monotonic()
        self._held = [r for r in self._held if r.done_at is None or now - r.done_at < 2.0]
        self._held.append(runnable)
        self.pool.start(runnable)


class FileLoadSignals(QObject):
    loaded = Signal(str, str)  # path, text
    failed = Signal(str, str)  # path, message
    cancelled = Signal(str)  # path


class FileLoadWorker(TrackedRunnable):
    """Reads a document off the GUI thread; ``cancel()`` (from any thread) ends the read within
    milliseconds (``documents.read_document`` looks at it between steps), and then only
    ``cancelled`` is emitted, never ``loaded``."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.signals = FileLoadSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def work(self):
        try:
            text = read_document(self.path, self._cancel.is_set)
            if self._cancel.is_set():
                raise DocumentCancelled(self.path)
        except DocumentCancelled:
            self.signals.cancelled.emit(self.path)
        except DocumentError as exc:
            self.signals.failed.emit(self.path, str(exc))
        except Exception as exc:  # a parser bug must not take the app down
            self.signals.failed.emit(self.path, f"cannot read {Path(self.path).name}: {exc}")
        else:
            self.signals.loaded.emit(self.path, text)


class SynthesizerLoadSignals(QObject):
    done = Signal(object)  # engine_adapter.SynthesizerLoad


class SynthesizerLoadWorker(TrackedRunnable):
    def __init__(self, loader):
        super().__init__()
        self.loader = loader
        self.signals = SynthesizerLoadSignals()

    def work(self):
        try:
            load = self.loader()
        except Exception as exc:  # the loader says its problems; anything else must still end in a message
            load = SynthesizerLoad(None, f"The voice could not be loaded: {type(exc).__name__}: {exc}")
        self.signals.done.emit(load)


class PlaybackSignals(QObject):
    chunk = Signal(int, int, object)  # session, stream start sample, AudioChunk
    finished = Signal(int, int)  # session, total samples written
    failed = Signal(int, str)  # session, message


class PlaybackWorker(TrackedRunnable):
    """Synthesizes ``text`` and feeds the sink.

    A producer thread (``audio_output.synthesize_ahead``) runs the synthesizer up to ``ahead``
    chunks in front of the audio, so the next sentence is ready before the current one has
    played out (no gaps), while memory stays bounded on long texts; this runnable takes the
    chunks in order and writes them into the sink, whose small buffer makes it wait for the
    listener.
    """

    def __init__(self, session: int, synthesizer, text: str, config, sink, cancel: threading.Event, ahead: int = 2):
        super().__init__()
        self.session, self.synthesizer, self.text = session, synthesizer, text
        self.config, self.sink, self.cancel = config, sink, cancel
        self.ahead = ahead
        self.signals = PlaybackSignals()

    def _synthesize(self, cancel: threading.Event):
        lower_thread_priority()  # on the producer thread, made for this one playback
        return self.synthesizer.synthesize(self.text, self.config, cancel)

    def work(self):
        written = 0
        chunks = synthesize_ahead(self._synthesize, ahead=self.ahead, cancel=self.cancel)
        try:
            with closing(chunks):
                for chunk in chunks:
                    self.signals.chunk.emit(self.session, written, chunk)
                    if not self.sink.write(chunk.samples, self.cancel):
                        return
                    written += len(chunk.samples)
        except Exception as exc:
            self.sink.end_of_stream()
            self.signals.failed.emit(self.session, f"Synthesis failed: {exc}")
            return
        if not self.cancel.is_set():
            self.sink.end_of_stream()
            self.signals.finished.emit(self.session, written)


class ExportSignals(QObject):
    progress = Signal(int)  # percent of the text done
    finished = Signal(str, float)  # path, seconds of audio
    failed = Signal(str)
    cancelled = Signal()


class ExportWorker(TrackedRunnable):
    """Synthesizes the whole text into a file; a cancel removes the partial file."""

    def __init__(self, synthesizer, text: str, config, path: str | Path, cancel: threading.Event | None = None):
        super().__init__()
        self.synthesizer, self.text, self.config = synthesizer, text, config
        self.path = Path(path)
        self.cancel = cancel or threading.Event()
        self.signals = ExportSignals()

    def work(self):
        # On a thread of its own: a lowered priority cannot be raised again (Linux), and pool
        # threads are reused.
        thread = threading.Thread(target=self._export, name="bittts-export", daemon=True)
        thread.start()
        thread.join()

    def _export(self):
        lower_thread_priority()
        try:
            cfg = self.config() if callable(self.config) else self.config
            expected = estimated_audio_seconds(len(self.text), cfg.speed, cfg.ssml)  # a long WAV is RF64
            with AudioFileWriter(self.path, self.synthesizer.sample_rate, expected_seconds=expected) as writer:
                last = -1
                for chunk in self.synthesizer.synthesize(self.text, self.config, self.cancel):
                    if self.cancel.is_set():
                        break
                    writer.write(chunk.samples)
                    percent = int(100 * chunk.text_span[1] / max(len(self.text), 1))
                    if percent != last:
                        self.signals.progress.emit(min(percent, 100))
                        last = percent
                cancelled = self.cancel.is_set()
                if not cancelled:  # leaving the block without a commit removes the file
                    writer.commit()
        except Exception as exc:
            if self.cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(f"Export to {self.path.name} failed: {exc}")
            return
        if cancelled:
            self.signals.cancelled.emit()
            return
        self.signals.progress.emit(100)
        self.signals.finished.emit(str(self.path), writer.seconds)
