"""The synthesis API: text in, a stream of audio chunks with word timings out.

    synth = Synthesizer()                          # the bundled model, loaded once, mapped
    for chunk in synth.synthesize("Hello there. How are you?", SynthesisConfig(voice="slt")):
        play(chunk.samples)                        # chunk.words: spans in the text + sample spans

Staged public steps (each testable alone): ``frontend.process(text)`` -> phones ids ->
``model.acoustic`` -> ``model.vocode``. The model is immutable; one Synthesizer serves several
threads at once. ``config`` may be a function, read before each chunk, so settings changed
during playback apply from the next chunk. Setting ``cancel`` stops the stream between
stages (well under 50 ms: no stage of one chunk takes that long).
"""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterator

import numpy as np

from bittts.engine.model import BitTTSModel
from bittts.engine.model_format import ModelFile, ModelFormatError
from bittts.engine.model_info import ModelSummary, bundled_model_path, summarize
from bittts.engine.synthesis_types import (
    AudioChunk, ConfigSource, SynthesisConfig, UnknownVoiceError, VoiceInfo, WordTiming, parse_voice_blend,
)
from bittts.engine.text.frontend import TextFrontEnd
from bittts.engine.text.lexicon import Lexicon
from bittts.engine.text.user_dict import UserDict

__all__ = ["Synthesizer", "SynthesisConfig", "AudioChunk", "WordTiming", "VoiceInfo", "UnknownVoiceError"]

EDGE_FADE_SECONDS = 0.004  # chunks start and end at zero, so adjacent chunks join without clicks
SENTENCE_PAUSE_SECONDS = 0.18  # added after a chunk that ends a sentence (a clause cut gets none)


class Synthesizer:
    """Text-to-speech with one packed model. Immutable after construction; thread-safe."""

    def __init__(self, model_path: str | Path | None = None, user_dict: UserDict | None = None):
        path = Path(model_path) if model_path else bundled_model_path()
        if not path.exists():
            raise ModelFormatError(f"model file not found: {path}")
        self._file = ModelFile(path)
        self.model = BitTTSModel(self._file)
        self.summary: ModelSummary = summarize(self._file)
        self.sample_rate = self.model.sample_rate
        self.lexicon = Lexicon.from_bytes(self._file.blob("lexicon"))
        self.frontend = TextFrontEnd(self.lexicon, user_dict)
        meta = self._file.metadata
        names = meta.get("speakers.name", [])
        if len(names) != self.model.n_speakers:
            raise ModelFormatError(f"{path}: speakers.name lists {len(names)} voices, the model has {self.model.n_speakers}")

        def field(key: str) -> list[str]:
            values = meta.get(f"speakers.{key}", [])
            return values if len(values) == len(names) else [""] * len(names)

        self.voices = tuple(VoiceInfo(n, s, a, lic, t) for n, s, a, lic, t in
                            zip(names, field("sex"), field("accent"), field("licence"), field("teacher")))
        self._voice_ids = {v.name: i for i, v in enumerate(self.voices)}

    @property
    def voice_names(self) -> list[str]:
        return [v.name for v in self.voices]

    def engine_resident_bytes(self) -> int:
        """Memory the engine holds for the model: decoded ternary layers plus the float layers
        and the mapped file (an upper bound on the file pages resident)."""
        floats = sum(a.nbytes for a in (self.model.phone_embedding, self.model.speaker_embedding))
        return self.model.resident_bytes + floats + self.summary.file_bytes

    def speaker_vector(self, voice: str) -> np.ndarray:
        """The speaker embedding of a voice or a blend ("bdl:0.7+slt:0.3")."""
        blend = parse_voice_blend(voice, self.voice_names)
        return self.model.speaker_vector({self._voice_ids[name]: weight for name, weight in blend})

    def synthesize(self, text: str, config: ConfigSource = SynthesisConfig(),
                   cancel: threading.Event | None = None) -> Iterator[AudioChunk]:
        """Yield one AudioChunk per sentence or clause as soon as it is ready."""
        current = config if callable(config) else (lambda: config)
        first = current()
        self.speaker_vector(first.voice)  # an unknown voice fails now, before any audio
        if first.ssml:
            raise ValueError("SSML input is not supported by this synthesizer yet")
        offset = 0
        for index, fe_chunk in enumerate(self.frontend.process(text)):
            if cancel is not None and cancel.is_set():
                return
            cfg = first if index == 0 else current()
            started = time.perf_counter()
            samples, durations = self._render(fe_chunk.phones.ids, cfg, index, cancel)
            if samples is None:
                return
            words = self._word_timings(text, fe_chunk, durations)
            if fe_chunk.chunk.sentence_end:
                samples = np.concatenate([samples, np.zeros(int(SENTENCE_PAUSE_SECONDS * self.sample_rate), np.float32)])
            chunk = AudioChunk(
                samples=samples, sample_rate=self.sample_rate,
                text_span=(fe_chunk.chunk.start, fe_chunk.chunk.end), words=words,
                phones=fe_chunk.phones.symbols, index=index, stream_offset=offset,
                synthesis_seconds=time.perf_counter() - started,
            )
            offset += len(samples)
            yield chunk

    def _render(self, phone_ids, cfg: SynthesisConfig, seed: int, cancel) -> tuple[np.ndarray | None, np.ndarray]:
        ids = np.asarray(phone_ids, np.int64)
        acoustic = self.model.acoustic(ids, self.speaker_vector(cfg.voice), speed=cfg.speed, pitch_semitones=cfg.pitch)
        if cancel is not None and cancel.is_set():
            return None, acoustic.durations
        samples = self.model.vocode(acoustic.mel, acoustic.f0, acoustic.voiced, seed=seed)
        samples *= np.float32(cfg.volume)
        fade = min(int(EDGE_FADE_SECONDS * self.sample_rate), len(samples) // 2)
        if fade:
            ramp = np.linspace(0, 1, fade, dtype=np.float32)
            samples[:fade] *= ramp
            samples[-fade:] *= ramp[::-1]
        np.clip(samples, -1.0, 1.0, out=samples)
        return samples, acoustic.durations

    def _word_timings(self, text: str, fe_chunk, durations: np.ndarray) -> tuple[WordTiming, ...]:
        hop = self.model.hop
        ends = np.cumsum(durations)
        starts = ends - durations
        owner = np.asarray(fe_chunk.phones.word_index)
        timings = []
        for k, (word, _phones) in enumerate(fe_chunk.phonemized):
            mine = np.nonzero(owner == k)[0]
            if len(mine) == 0:
                continue
            timings.append(WordTiming(
                text=text[word.start : word.end], spoken=word.text, start_char=word.start, end_char=word.end,
                start_sample=int(starts[mine[0]]) * hop, end_sample=int(ends[mine[-1]]) * hop,
            ))
        return tuple(timings)
