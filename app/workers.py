"""Work that never runs on the GUI thread: QRunnables that report through queued signals.

Each runnable owns a small QObject (created on the GUI thread, so its signals are delivered
there, queued). Runnables catch every exception and report it as a message.
"""
from __future__ import annotations

import os
import queue
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRunnable, QThread, Signal

from .documents import DocumentError, read_document


def lower_thread_priority(nice: int = 5) -> None:
    """Let the GUI thread win the CPU over synthesis when cores are scarce (the audio callback
    runs on PortAudio's own high-priority thread and is not affected). Only for threads made
    for one job: on Linux the priority cannot be raised back."""
    try:
        if sys.platform.startswith("linux"):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, os.getpriority(os.PRIO_PROCESS, 0) + nice))
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
    loaded = Signal(str, str)   # path, text
    failed = Signal(str, str)   # path, message


class FileLoadWorker(TrackedRunnable):
    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self.signals = FileLoadSignals()

    def work(self):
        try:
            text = read_document(self.path)
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
        self.signals.done.emit(self.loader())


class PlaybackSignals(QObject):
    chunk = Signal(int, int, object)   # session, stream start sample, AudioChunk
    finished = Signal(int, int)        # session, total samples written
    failed = Signal(int, str)          # session, message


_END = object()


class PlaybackWorker(TrackedRunnable):
    """Synthesizes ``text`` and feeds the sink.

    A producer thread runs the synthesizer up to ``ahead`` chunks in front of the audio, so the
    next sentence is ready before the current one has played out (no gaps), while memory stays
    bounded on long texts; this runnable takes the chunks in order and writes them into the
    sink, whose small buffer makes it wait for the listener.
    """

    def __init__(self, session: int, synthesizer, text: str, config, sink, cancel: threading.Event,
                 ahead: int = 2):
        super().__init__()
        self.session, self.synthesizer, self.text = session, synthesizer, text
        self.config, self.sink, self.cancel = config, sink, cancel
        self.ahead = ahead
        self.signals = PlaybackSignals()

    def _produce(self, chunks: queue.Queue) -> None:
        def put(item) -> bool:
            while not self.cancel.is_set():
                try:
                    chunks.put(item, timeout=0.02)
                    return True
                except queue.Full:
                    continue
            return False

        lower_thread_priority()
        try:
            for chunk in self.synthesizer.synthesize(self.text, self.config, self.cancel):
                if not put(chunk):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, which reports it
            put(exc)

    def work(self):
        chunks: queue.Queue = queue.Queue(maxsize=self.ahead)
        producer = threading.Thread(target=self._produce, args=(chunks,), name="bittts-synthesis", daemon=True)
        producer.start()
        written = 0
        try:
            while not self.cancel.is_set():
                try:
                    item = chunks.get(timeout=0.02)
                except queue.Empty:
                    continue
                if item is _END:
                    self.sink.end_of_stream()
                    self.signals.finished.emit(self.session, written)
                    return
                if isinstance(item, BaseException):
                    self.sink.end_of_stream()
                    self.signals.failed.emit(self.session, f"Synthesis failed: {item}")
                    return
                self.signals.chunk.emit(self.session, written, item)
                if not self.sink.write(item.samples, self.cancel):
                    return
                written += len(item.samples)
        finally:
            producer.join(timeout=1.0)  # it stops within the engine's cancel time


class ExportSignals(QObject):
    progress = Signal(int)          # percent of the text done
    finished = Signal(str, float)   # path, seconds of audio
    failed = Signal(str)
    cancelled = Signal()


EXPORT_FORMATS = {".wav": "WAV", ".flac": "FLAC", ".ogg": "OGG"}


def available_export_formats() -> list[str]:
    """Suffixes the export can write: WAV always, FLAC/OGG when soundfile is installed."""
    out = [".wav"]
    try:
        import soundfile

        have = soundfile.available_formats()
        out += [s for s in (".flac", ".ogg") if EXPORT_FORMATS[s] in have]
    except (ImportError, OSError):
        pass
    return out


class _WaveWriter:
    def __init__(self, path: Path, sample_rate: int, suffix: str = ".wav"):
        self._fh = open(path, "wb")  # opened here: wave.open(path) leaves a broken object on failure
        self._w = wave.open(self._fh, "wb")
        self._w.setnchannels(1)
        self._w.setsampwidth(2)
        self._w.setframerate(sample_rate)

    def write(self, samples: np.ndarray):
        pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
        self._w.writeframes(pcm.tobytes())

    def close(self):
        try:
            self._w.close()
        finally:
            self._fh.close()


class _SoundFileWriter:
    def __init__(self, path: Path, sample_rate: int, suffix: str):
        import soundfile

        fmt = EXPORT_FORMATS[suffix]
        subtype = "VORBIS" if fmt == "OGG" else "PCM_16"
        self._f = soundfile.SoundFile(str(path), "w", samplerate=sample_rate, channels=1, format=fmt, subtype=subtype)

    def write(self, samples):
        self._f.write(np.clip(samples, -1.0, 1.0).astype(np.float32))

    def close(self):
        self._f.close()


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
        suffix = self.path.suffix.lower()
        tmp = self.path.with_name(f".{self.path.name}.partial")
        writer = None
        total = 0
        try:
            if suffix not in available_export_formats():
                raise ValueError(f"cannot write {suffix or 'files without a suffix'}: "
                                 f"the formats available are {', '.join(available_export_formats())}")
            sample_rate = self.synthesizer.sample_rate
            writer = (_WaveWriter if suffix == ".wav" else _SoundFileWriter)(tmp, sample_rate, suffix)
            last = -1
            for chunk in self.synthesizer.synthesize(self.text, self.config, self.cancel):
                if self.cancel.is_set():
                    break
                writer.write(chunk.samples)
                total += len(chunk.samples)
                percent = int(100 * chunk.text_span[1] / max(len(self.text), 1))
                if percent != last:
                    self.signals.progress.emit(min(percent, 100))
                    last = percent
            writer.close()
            writer = None
            if self.cancel.is_set():
                tmp.unlink(missing_ok=True)
                self.signals.cancelled.emit()
                return
            tmp.replace(self.path)
            self.signals.progress.emit(100)
            self.signals.finished.emit(str(self.path), total / sample_rate)
        except Exception as exc:
            if writer is not None:
                try:
                    writer.close()
                except Exception:
                    pass
            tmp.unlink(missing_ok=True)
            if self.cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(f"Export to {self.path.name} failed: {exc}")
