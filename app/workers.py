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

from bittts.audiobook import AudiobookExport, ExportCancelled, ExportOptions, ExportProgress, NothingToSay
from bittts.documents import Document, DocumentCancelled, DocumentError, read_document
from bittts.engine.audio_output import synthesize_ahead

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
    """Reads a document off the GUI thread; ``cancel()`` (from any thread) ends the read soon
    (``bittts.documents.read_document`` looks at it between steps), and then only ``cancelled``
    is emitted, never ``loaded``. ``loaded`` carries the text that is read; the whole Document
    (its blocks and chapters) is ``document``, set before ``loaded`` is emitted."""

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.signals = FileLoadSignals()
        self.document: Document | None = None
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def work(self):
        try:
            document = read_document(self.path, self._cancel.is_set)
            if self._cancel.is_set():
                raise DocumentCancelled(self.path)
        except DocumentCancelled:
            self.signals.cancelled.emit(self.path)
        except DocumentError as exc:
            self.signals.failed.emit(self.path, str(exc))
        except Exception as exc:  # a parser bug must not take the app down
            self.signals.failed.emit(self.path, f"cannot read {Path(self.path).name}: {exc}")
        else:
            self.document = document
            self.signals.loaded.emit(self.path, document.text)


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
        return self.synthesizer.synthesize(self.text, self.config, cancel, quick_start=True)

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
    detail = Signal(str)  # what is happening, with the time left ("… about 3 minutes left")
    finished = Signal(str, float)  # path (the file, or the folder of chapter files), seconds of audio
    failed = Signal(str)
    cancelled = Signal()  # what was done is kept: the same export with resume=True continues it


def time_left_words(seconds: float) -> str:
    """A duration for a progress label, rounded as a person says it ("about 3 minutes")."""
    if seconds < 60:
        return "less than a minute"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"about {seconds / 3600:.1f} hours"


class ExportWorker(TrackedRunnable):
    """Exports the whole text with ``bittts.audiobook`` (one file, or a file per chapter, with
    subtitles: ``options``, by default one file at ``path`` in the format of its suffix). A
    cancel stops within a chunk and keeps what is done for a resume; no partial audio file is
    ever left in place of the target."""

    DETAIL_EVERY_SECONDS = 1.0  # the label's time left changes at most this often

    def __init__(
        self,
        synthesizer,
        text: str,
        config,
        path: str | Path,
        cancel: threading.Event | None = None,
        *,
        options: ExportOptions | None = None,
        chapters=(),
        title: str = "",
    ):
        super().__init__()
        self.synthesizer, self.text, self.config = synthesizer, text, config
        self.path = Path(path)
        self.cancel = cancel or threading.Event()
        self.options = options or ExportOptions(self.path)
        self.chapters, self.title = tuple(chapters), title
        self.signals = ExportSignals()
        self._percent = -1
        self._detail_at = 0.0

    def work(self):
        # On a thread of its own: a lowered priority cannot be raised again (Linux), and pool
        # threads are reused.
        thread = threading.Thread(target=self._export, name="bittts-export", daemon=True)
        thread.start()
        thread.join()

    def _on_progress(self, step: ExportProgress) -> None:
        percent = min(100, int(100 * step.done_chars / max(step.total_chars, 1)))
        if percent != self._percent:
            self.signals.progress.emit(percent)
            self._percent = percent
        now = time.monotonic()
        if step.stage == "encoding":
            self.signals.detail.emit(f"Writing {step.file_name}… {step.encoded:.0%}")
        elif now - self._detail_at >= self.DETAIL_EVERY_SECONDS:
            self._detail_at = now
            left = f", {time_left_words(step.eta_seconds)} left" if step.eta_seconds is not None else ""
            self.signals.detail.emit(f"Exporting to {step.file_name}: {step.audio_seconds / 60:.0f} min of audio{left}")

    def _export(self):
        lower_thread_priority()
        name = self.path.name
        try:
            result = AudiobookExport(
                self.synthesizer,
                self.text,
                self.config,
                self.options,
                chapters=self.chapters,
                title=self.title,
                cancel=self.cancel,
                progress=self._on_progress,
            ).run()
        except ExportCancelled:
            self.signals.cancelled.emit()
            return
        except NothingToSay:
            self.signals.failed.emit("There is nothing to export: the text has no words.")
            return
        except Exception as exc:  # ExportError, OSError, a codec's error: all end in a message
            if self.cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(f"Export to {name} failed: {exc}")
            return
        self.signals.progress.emit(100)
        self.signals.finished.emit(str(self.path), result.audio_seconds)
