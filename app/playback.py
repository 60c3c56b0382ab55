"""Playback: a worker synthesizes and fills the sink; the GUI polls the position actually
played and turns it into the current word and sentence through the chunks' word timings.

No widget here: the window connects ``wordChanged``/``sentenceChanged`` to its highlight.
Character positions are Python indices into the text given to ``play``.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from bittts.engine.audio_output import AudioUnavailable

from .textnav import SentenceFinder
from .workers import PlaybackWorker

STOPPED, PLAYING, PAUSED = "stopped", "playing", "paused"


@dataclass
class _Placed:
    stream_start: int  # first sample of the chunk in this playback
    chunk: object  # AudioChunk
    word_starts: list  # start_sample of each word, for bisect


class PlaybackController(QObject):
    stateChanged = Signal(str)
    wordChanged = Signal(int, int)  # [start, end) in the text, (-1, -1) for none
    sentenceChanged = Signal(int, int)
    rtfChanged = Signal(float)
    message = Signal(str)  # status for the user
    error = Signal(str)
    finished = Signal()  # played to the end

    stall_seconds = 3.0  # audio queued but nothing played for this long: the device is gone

    def __init__(self, context, poll_ms: int = 20):
        super().__init__()
        self.context = context
        self.state = STOPPED
        self._session = 0
        self._cancel = threading.Event()
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)
        self._reset_play_state("", 0, 0, highlight=True)

    def _reset_play_state(self, text, base, end, highlight):
        self.text, self._base, self._end = text, base, end
        self.highlight = highlight
        self._placed: list[_Placed] = []
        self._placed_starts: list[int] = []
        self._total: int | None = None
        self._word = (-1, -1)
        self._sentence = (-1, -1)
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
        self._timer.start()
        self._set_state(PLAYING)
        return True

    def pause(self) -> None:
        if self.state == PLAYING:
            self.context.sink().set_paused(True)
            self._set_state(PAUSED)

    def resume(self) -> None:
        if self.state == PAUSED:
            self.context.sink().set_paused(False)
            self._set_state(PLAYING)

    def toggle_pause(self) -> None:
        self.resume() if self.state == PAUSED else self.pause()

    def stop(self) -> None:
        self._stop_worker()
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
        if position != self._last_position or self.state != PLAYING or sink.queued_samples() == 0:
            self._last_position, self._last_progress = position, now
        elif now - self._last_progress > self.stall_seconds:
            self.stop()
            self.error.emit("The audio output stopped playing (was the device unplugged?). Reading stopped.")
            return
        if self._placed:
            i = bisect.bisect_right(self._placed_starts, position) - 1
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
