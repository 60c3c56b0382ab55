"""Playback: a worker synthesizes and fills the sink; the GUI polls the position actually
played and turns it into the current word and sentence through the chunks' word timings.

No widget here: the window connects ``wordChanged``/``sentenceChanged`` to its highlight.
Character positions are Python indices into the text given to ``play``.

The audio device (see ``audio_devices``): while reading, a ``DeviceWatcher`` thread asks the
sink every 2 s and at each sentence boundary whether the system's output changed; if so, the
sink is told to hold at the next chunk boundary and a worker re-scans and reopens it there
(nothing lost, nothing repeated). A failed stream (unplugged, an underflow storm, or no
progress for ``stall_seconds``) never loses the place: the stream is reopened on a worker (the
chosen device, else the default) and reading goes on from the start of the current sentence;
with no device at all, playback pauses with ``NO_DEVICE_MESSAGE`` and Play tries again.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from bittts.engine.audio_output import AudioUnavailable

from .audio_devices import DeviceWatcher
from .textnav import SentenceFinder
from .workers import PlaybackWorker, TrackedRunnable

STOPPED, PLAYING, PAUSED = "stopped", "playing", "paused"
NO_DEVICE_MESSAGE = "No audio output device: plug one in and press Play."
STALLED_MESSAGE = "The audio output stopped playing (was the device unplugged?). Reading stopped."
# Why the output is reopened: a device change while reading, or a failure (then reading goes on
# from the start of the sentence), or Play after "no device".
MOVE, RECOVER, RESUME = "move", "recover", "resume"


@dataclass
class _Placed:
    stream_start: int  # first sample of the chunk in this playback
    chunk: object  # AudioChunk
    word_starts: list  # start_sample of each word, for bisect


class DeviceReopenSignals(QObject):
    done = Signal(str, str)  # device label, problem ("" when the output opened)
    streamFailed = Signal(str)  # the stream failed while waiting for the hold: nothing reopened


class DeviceReopenWorker(TrackedRunnable):
    """Waits (up to ``hold_timeout`` seconds, when given) until the sink's output reached its
    hold, then has the sink re-scan and reopen its device: PortAudio's re-scan can take a few
    hundred milliseconds, so never on the GUI thread."""

    def __init__(self, sink, hold_timeout: float | None):
        super().__init__()
        self.sink, self.hold_timeout = sink, hold_timeout
        self.signals = DeviceReopenSignals()

    def work(self):
        if self.hold_timeout is not None:
            self.sink.wait_for_hold(self.hold_timeout)
            failure = self.sink.stream_problem()
            if failure:  # the player recovers from the sentence's start instead
                self.signals.streamFailed.emit(failure)
                return
        try:
            label = self.sink.reopen()
        except AudioUnavailable as exc:
            self.signals.done.emit("", str(exc) or "no output device")
        except Exception as exc:  # a driver's surprise must still end in a message
            self.signals.done.emit("", f"{type(exc).__name__}: {exc}")
        else:
            self.signals.done.emit(label, "")


class PlaybackController(QObject):
    stateChanged = Signal(str)
    wordChanged = Signal(int, int)  # [start, end) in the text, (-1, -1) for none
    sentenceChanged = Signal(int, int)
    rtfChanged = Signal(float)
    message = Signal(str)  # status for the user
    error = Signal(str)
    finished = Signal()  # played to the end
    _deviceSuspected = Signal()  # from the watcher's thread: delivered queued

    stall_seconds = 3.0  # audio queued but nothing played for this long: the device is gone
    watch_interval_seconds = 2.0  # how often the watcher looks at the system's output
    max_recoveries = 3  # reopens after failures within recovery_window_seconds before giving up
    recovery_window_seconds = 30.0
    move_hold_seconds = 60.0  # the longest wait for a chunk boundary before moving anyway

    def __init__(self, context, poll_ms: int = 20):
        super().__init__()
        self.context = context
        self.state = STOPPED
        self._session = 0
        self._cancel = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        self._watcher: DeviceWatcher | None = None
        self._deviceSuspected.connect(self._on_device_suspected)
        self._device_busy = False  # a DeviceReopenWorker is under way
        self._move_pending = False  # move when the one under way is done
        self._reopen_purpose, self._reopen_from, self._reopen_session = MOVE, 0, 0
        self._resume_at: int | None = None  # paused for want of a device: resume here
        self._recoveries: list[float] = []  # monotonic times of recent reopens after failures
        self._announced_device = ""
        self._reset_play_state("", 0, 0, highlight=True)

    def _reset_play_state(self, text, base, end, highlight):
        self.text, self._base, self._end = text, base, end
        self.highlight = highlight
        self._placed: list[_Placed] = []
        self._placed_starts: list[int] = []
        self._total: int | None = None
        self._word = (-1, -1)
        self._sentence = (-1, -1)
        self._chunk_index = -1  # the chunk being heard, for the sentence-boundary checks
        self._last_position, self._last_progress = -1, time.monotonic()
        finder = getattr(self, "_finder", None)
        if not highlight:
            self._finder = None
        elif finder is None or finder.text != text:  # the same text again (next/previous): reuse
            self._finder = SentenceFinder(text)

    # ---- transport
    def play(self, text: str, start: int = 0, end: int | None = None, *, highlight: bool = True) -> bool:
        """Read ``text[start:end]``; positions reported are indices into ``text``."""
        end = len(text) if end is None else end
        if not text[start:end].strip():
            self.message.emit("There is nothing to read after the cursor.")
            return False
        synth = self.context.synthesizer
        if synth is None:
            self.error.emit(self.context.synthesizer_problem or "No voice model is installed.")
            return False
        self._stop_worker()
        try:
            sink = self.context.sink()
            sink.open(synth.sample_rate)
        except AudioUnavailable as exc:
            self._set_state(STOPPED)
            self.error.emit(self.context.audio_problem or f"No audio output: {exc}")
            return False
        sink.reset()
        sink.set_gain(self.context.settings.volume)
        self._session += 1
        self._cancel = threading.Event()
        self._reset_play_state(text, start, end, highlight)
        worker = PlaybackWorker(self._session, synth, text[start:end], self.context.current_config, sink, self._cancel)
        worker.signals.chunk.connect(self._on_chunk)
        worker.signals.finished.connect(self._on_worker_finished)
        worker.signals.failed.connect(self._on_worker_failed)
        self.context.runnables.start(worker)
        self._resume_at = None
        self._timer.start()
        self._start_watcher(sink)
        self._set_state(PLAYING)
        return True

    def pause(self) -> None:
        if self.state == PLAYING:
            self.context.sink().set_paused(True)
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.state != PAUSED:
            return
        if self._resume_at is not None:  # paused for want of a device: look for one again
            if not self._device_busy:
                self.message.emit("Looking for an audio output…")
                self._request_reopen(RESUME, self._resume_at)
            return
        self.context.sink().set_paused(False)
        self._set_state(PLAYING)

    def toggle_pause(self) -> None:
        self.resume() if self.state == PAUSED else self.pause()

    def stop(self) -> None:
        self._stop_worker()
        self._stop_watcher()
        self._resume_at = None
        self._move_pending = False
        if self.state != STOPPED:
            self._set_state(STOPPED)
        self._emit_word((-1, -1))
        self._emit_sentence((-1, -1))

    def current_position(self) -> int:
        """Where the listener is: the word being spoken, else where this playback started."""
        return self._word[0] if self._word[0] >= 0 else self._base

    def next_sentence(self) -> bool:
        """Jump to the start of the next sentence (while playing or paused)."""
        if self.state == STOPPED or self._finder is None:
            return False
        start = self._finder.next_start(self.current_position())
        if start is None or start >= self._end:
            self.message.emit("This is the last sentence.")
            return False
        return self.play(self.text, start, self._end)

    def previous_sentence(self) -> bool:
        """Jump to the start of the sentence before the current one (the first one: restart it)."""
        if self.state == STOPPED or self._finder is None:
            return False
        return self.play(self.text, self._finder.previous_start(self.current_position()), self._end)

    @property
    def current_word(self) -> tuple[int, int]:
        return self._word

    # ---- the audio device
    def set_output_device(self, name: str) -> None:
        """Play on the output device called ``name`` ("" = system default): while reading, from
        the next chunk boundary; else from the next playback."""
        sink = self.context._sink
        if sink is None or not sink.supports_device_choice:
            return
        sink.device_name = name
        if self.state == STOPPED or self._resume_at is not None:
            if sink.sample_rate > 0 and not self._device_busy:
                self._request_reopen(MOVE, self._base)
            return
        self._on_device_suspected()

    def _start_watcher(self, sink) -> None:
        if not sink.supports_device_choice:
            return
        if self._watcher is None:
            self._watcher = DeviceWatcher(
                sink.device_change_suspected, self._deviceSuspected.emit, self.watch_interval_seconds
            )
        self._watcher.start()
        self._watcher.poke()  # the first look sets what "changed" is measured against

    def _stop_watcher(self) -> None:
        if self._watcher is not None:
            self._watcher.stop()

    def _on_device_suspected(self) -> None:
        """The system's output changed: move to the device that "System default" (or the chosen
        name) means now, at the next chunk boundary."""
        sink = self.context._sink
        if sink is None or self.state == STOPPED:
            return
        if self._device_busy:
            self._move_pending = True
            return
        boundary = None if sink.is_idle() else self._next_chunk_boundary(sink.played_samples())
        if boundary is not None:
            sink.hold_at(boundary)
        self._request_reopen(MOVE, self._sentence_start(), hold=boundary is not None)

    def _next_chunk_boundary(self, position: int) -> int | None:
        """The first chunk start after ``position`` (samples since this playback began); the
        end of the last chunk known when the next one has not arrived yet."""
        i = bisect.bisect_right(self._placed_starts, position)
        if i < len(self._placed):
            return self._placed[i].stream_start
        if self._placed:
            last = self._placed[-1]
            return last.stream_start + len(last.chunk.samples)
        return 0 if position == 0 else None

    def _sentence_start(self) -> int:
        """Where the sentence being heard starts (the playback's start when unknown)."""
        span = self._finder.containing(self.current_position()) if self._finder is not None else None
        return max(span[0], self._base) if span is not None else self._base

    def _request_reopen(self, purpose: str, resume_from: int, hold: bool = False) -> None:
        sink = self.context._sink
        if sink is None:
            return
        self._device_busy = True
        self._reopen_purpose, self._reopen_from, self._reopen_session = purpose, resume_from, self._session
        worker = DeviceReopenWorker(sink, self.move_hold_seconds if hold else None)
        worker.signals.done.connect(self._on_reopened)
        worker.signals.streamFailed.connect(self._on_stream_failed_while_moving)
        self.context.runnables.start(worker)

    def _on_stream_failed_while_moving(self, reason: str) -> None:
        self._device_busy = False
        self._move_pending = False  # the recovery re-scans anyway
        if self.state != STOPPED:
            self._recover(reason)

    def _on_reopened(self, label: str, problem: str) -> None:
        self._device_busy = False
        self._last_progress = time.monotonic()
        purpose, resume_from = self._reopen_purpose, self._reopen_from
        sink = self.context._sink
        if problem:
            if purpose == MOVE and self.state == STOPPED:
                self.error.emit(NO_DEVICE_MESSAGE)
            elif purpose == MOVE or self._session == self._reopen_session:
                self._pause_without_device(resume_from)
            return
        if purpose != MOVE and self._session == self._reopen_session:
            if self.state == PAUSED and purpose == RECOVER:  # paused while reopening: stay paused
                self._resume_at = resume_from
            else:
                self.play(self.text, resume_from, self._end, highlight=self.highlight)
        # After play(): its "Playing." must not hide where the audio went.
        self._announce_device(label, sink.fallback_message() if sink is not None else "", purpose != MOVE)
        if self._move_pending:
            self._move_pending = False
            if purpose == MOVE:  # a recovery's re-scan already saw the change
                self._on_device_suspected()

    def _announce_device(self, label: str, fallback: str, recovered: bool) -> None:
        said = f"Audio output: {label}."
        if recovered:
            said += " Reading goes on from the start of the sentence."
        if recovered or label != self._announced_device or fallback:
            self.message.emit(f"{said} {fallback}".strip())
        self._announced_device = label

    def _recover(self, reason: str) -> None:
        """The stream failed: reopen it on a worker and read on from the sentence's start; give
        up (stop, with a message) after ``max_recoveries`` within the window."""
        now = time.monotonic()
        self._recoveries = [t for t in self._recoveries if now - t < self.recovery_window_seconds] + [now]
        if len(self._recoveries) > self.max_recoveries:
            self._recoveries = []
            self.stop()
            self.error.emit(STALLED_MESSAGE)
            return
        resume_from = self._sentence_start()
        self._stop_worker()
        self.message.emit(f"The audio output failed ({reason}); reopening it…")
        self._request_reopen(RECOVER, resume_from)

    def _pause_without_device(self, resume_from: int) -> None:
        self._stop_worker()
        self._stop_watcher()
        self._resume_at = resume_from
        self._set_state(PAUSED)
        self.error.emit(NO_DEVICE_MESSAGE)

    # ---- internals
    def _stop_worker(self) -> None:
        self._cancel.set()
        self._session += 1  # signals still queued from the old worker are ignored
        self._timer.stop()
        try:
            if self.context._sink is not None:
                self.context._sink.reset()
        except Exception:
            pass

    def _set_state(self, state: str) -> None:
        self.state = state
        self.stateChanged.emit(state)

    def _on_chunk(self, session: int, stream_start: int, chunk) -> None:
        if session != self._session:
            return
        self._placed.append(_Placed(stream_start, chunk, [w.start_sample for w in chunk.words]))
        self._placed_starts.append(stream_start)
        rtf = chunk.real_time_factor
        if rtf > 0:
            prev = self.context.rtf
            self.context.rtf = rtf if prev is None else 0.7 * prev + 0.3 * rtf
            self.rtfChanged.emit(self.context.rtf)

    def _on_worker_finished(self, session: int, total: int) -> None:
        if session == self._session:
            self._total = total

    def _on_worker_failed(self, session: int, message: str) -> None:
        if session == self._session:
            self.stop()
            self.error.emit(message)

    def _poll(self) -> None:
        sink = self.context._sink
        if sink is None or self.state == STOPPED:
            return
        position = sink.played_samples()
        now = time.monotonic()
        problem = "" if self._device_busy else sink.stream_problem()
        if problem:
            self._recover(problem)
            return
        if position != self._last_position or self.state != PLAYING or sink.queued_samples() == 0:
            self._last_position, self._last_progress = position, now
        elif self._device_busy:
            self._last_progress = now  # held at a chunk boundary while the device changes
        elif now - self._last_progress > self.stall_seconds:
            self._recover("it stopped playing")
            return
        if self._placed:
            i = bisect.bisect_right(self._placed_starts, position) - 1
            if i != self._chunk_index:
                self._chunk_index = i
                if self._watcher is not None:
                    self._watcher.poke()  # a sentence boundary: look at the devices now
            if i >= 0:
                placed = self._placed[i]
                local = position - placed.stream_start
                if local < len(placed.chunk.samples) or i == len(self._placed) - 1:
                    j = bisect.bisect_right(placed.word_starts, local) - 1
                    if j >= 0:
                        w = placed.chunk.words[j]
                        self._emit_word((self._base + w.start_char, self._base + w.end_char))
        if self._total is not None and position >= self._total and self.state == PLAYING:
            self._timer.stop()
            self._stop_watcher()
            self._set_state(STOPPED)
            self._emit_word((-1, -1))
            self._emit_sentence((-1, -1))
            self.finished.emit()

    def _emit_word(self, word) -> None:
        if word == self._word:
            return
        self._word = word
        if self.highlight or word == (-1, -1):
            self.wordChanged.emit(*word)
        if word[0] >= 0 and self._finder is not None:
            span = self._finder.containing(word[0])
            if span is not None:
                self._emit_sentence(span)

    def _emit_sentence(self, span) -> None:
        if span != self._sentence:
            self._sentence = span
            if self.highlight or span == (-1, -1):
                self.sentenceChanged.emit(*span)
