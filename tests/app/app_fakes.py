"""Test doubles that follow the app's contracts exactly.

FakeSynthesizer follows bittts.engine.synthesis.Synthesizer: one AudioChunk per sentence, a
short tone per word with exact word timings (character spans in the text given, sample spans
in the chunk), ``config`` may be a callable read before each chunk, ``cancel`` stops it within
50 ms, thread-safe. FakeSink is an audio sink whose "device" is a thread that pulls audio on a
clock (optionally faster than real time) and records what it played.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import numpy as np

from bittts.app.audio import BufferedSink
from bittts.engine.model_info import ModelSummary
from bittts.engine.synthesis_types import AudioChunk, SynthesisConfig, VoiceInfo, WordTiming, parse_voice_blend

VOICES = (VoiceInfo("alto", "female", "US", "CC0", "fake"), VoiceInfo("bass", "male", "Scottish", "CC0", "fake"))
BASE_HZ = {"alto": 440.0, "bass": 220.0}
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.M)
_WORD = re.compile(r"\S+")


class FakeSynthesizer:
    def __init__(
        self, model_path=None, *, sample_rate=8000, word_seconds=0.06, gap_seconds=0.02, chunk_delay=0.0, busy=False
    ):
        self.sample_rate = sample_rate
        self.voices = VOICES
        self.summary = ModelSummary(
            path=Path("fake.bttm"),
            file_bytes=1_300_000,
            parameters=6_400_000,
            ternary_parameters=6_000_000,
            name="fake",
            architecture="fake",
        )
        self.word_seconds, self.gap_seconds = word_seconds, gap_seconds
        self.chunk_delay, self.busy = chunk_delay, busy
        self._lock = threading.Lock()
        self.configs_seen: list[SynthesisConfig] = []
        self.texts: list[str] = []
        self.quick_starts: list[bool] = []  # what each synthesize() call asked for
        self.warmed_up = False

    def warm_up(self) -> None:
        self.warmed_up = True

    def engine_resident_bytes(self) -> int:
        return 2_000_000

    def _wait(self, cancel):
        if self.chunk_delay <= 0:
            return
        end = time.perf_counter() + self.chunk_delay
        if not self.busy:
            (cancel or threading.Event()).wait(self.chunk_delay)
            return
        while time.perf_counter() < end:  # pure-Python work that holds the GIL, like a slow engine
            if cancel is not None and cancel.is_set():
                return
            sum(i * i for i in range(2000))

    def synthesize(self, text, config=SynthesisConfig(), cancel=None, quick_start=False):
        with self._lock:
            self.texts.append(text)
            self.quick_starts.append(quick_start)
        offset = 0
        index = 0
        names = [v.name for v in self.voices]
        for m in _SENTENCE.finditer(text):
            words = list(_WORD.finditer(m.group()))
            if not words:
                continue
            if cancel is not None and cancel.is_set():
                return
            cfg = config() if callable(config) else config
            blend = parse_voice_blend(cfg.voice, names)
            with self._lock:
                self.configs_seen.append(cfg)
            t0 = time.perf_counter()
            self._wait(cancel)
            if cancel is not None and cancel.is_set():
                return
            hz = sum(BASE_HZ[n] * w for n, w in blend) * 2 ** (cfg.pitch / 12)
            n_word = max(1, int(self.word_seconds / cfg.speed * self.sample_rate))
            n_gap = int(self.gap_seconds / cfg.speed * self.sample_rate)
            pieces, timings, pos = [], [], 0
            for w in words:
                t = np.arange(n_word) / self.sample_rate
                pieces.append((0.3 * cfg.volume * np.sin(2 * np.pi * hz * t)).astype(np.float32))
                pieces.append(np.zeros(n_gap, np.float32))
                start = m.start() + w.start()
                timings.append(WordTiming(w.group(), w.group(), start, start + len(w.group()), pos, pos + n_word))
                pos += n_word + n_gap
            samples = np.concatenate(pieces)
            yield AudioChunk(
                samples=samples,
                sample_rate=self.sample_rate,
                text_span=(m.start() + words[0].start(), m.start() + words[-1].end()),
                words=tuple(timings),
                phones=(),
                index=index,
                stream_offset=offset,
                synthesis_seconds=time.perf_counter() - t0,
            )
            index += 1
            offset += len(samples)


class FakeSink(BufferedSink):
    """Plays on a clock thread at ``speedup`` x real time; ``played`` holds every sample heard."""

    def __init__(self, speedup=2.0, **kwargs):
        super().__init__(**kwargs)
        self.speedup = speedup
        self.opened_rates: list[int] = []
        self._chunks: list[np.ndarray] = []
        self._clock = None
        self._closing = threading.Event()

    def open(self, sample_rate):
        super().open(sample_rate)
        self.opened_rates.append(sample_rate)
        if self._clock is None:
            self._clock = threading.Thread(target=self._run, daemon=True)
            self._clock.start()

    def _run(self):
        period = 0.005
        while not self._closing.wait(period):
            if self.speedup <= 0:  # a stalled device
                continue
            frames = max(1, int(self.sample_rate * period * self.speedup))
            before = self._played
            out = self.pull(frames)
            heard = self._played - before
            if heard > 0:
                self._chunks.append(out[:heard].copy())

    @property
    def played(self) -> np.ndarray:
        return np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)

    def close(self):
        super().close()
        self._closing.set()
