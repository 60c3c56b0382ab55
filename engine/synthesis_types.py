"""The public data types of the synthesis API (``bittts.engine.synthesis``).

Kept apart from the synthesizer so that the app, the command line and tests can share them
without loading a model.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

SPEED_RANGE = (0.5, 4.5)  # screen readers listen at 4x and more; every phone keeps at least a frame
PITCH_RANGE = (-6.0, 6.0)  # semitones
VOLUME_RANGE = (0.0, 2.0)


@dataclass(frozen=True)
class VoiceInfo:
    """A bundled speaker."""

    name: str  # the id used in SynthesisConfig.voice, e.g. "bdl"
    sex: str  # "female" / "male"
    accent: str  # e.g. "US", "Scottish"
    licence: str  # licence of the teacher voice it learned from
    teacher: str = ""  # engine and voice it was distilled from

    @property
    def label(self) -> str:
        return f"{self.name} ({self.sex}, {self.accent})"


@dataclass(frozen=True)
class WordTiming:
    """One spoken word: where it is in the original text and in the chunk's audio."""

    text: str  # the source text of the span (e.g. "$4.50")
    spoken: str  # what is said (e.g. "four dollars fifty cents")
    start_char: int  # [start_char, end_char) in the ORIGINAL text passed to synthesize()
    end_char: int
    start_sample: int  # [start_sample, end_sample) within AudioChunk.samples
    end_sample: int


@dataclass(frozen=True)
class AudioChunk:
    """A sentence or clause of audio, yielded as soon as it is ready."""

    samples: np.ndarray  # float32 mono, [-1, 1]
    sample_rate: int
    text_span: tuple[int, int]  # [start, end) of the chunk in the original text
    words: tuple[WordTiming, ...]
    phones: tuple[str, ...]
    index: int = 0  # 0, 1, 2, ... within one synthesize() call
    stream_offset: int = 0  # samples before this chunk in the same call
    synthesis_seconds: float = 0.0  # wall time spent making this chunk

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    @property
    def real_time_factor(self) -> float:
        return self.synthesis_seconds / self.duration if len(self.samples) else 0.0


def _clamp(value: float, bounds: tuple[float, float], what: str) -> float:
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} must be a number, got {value!r}")
    return float(min(max(value, bounds[0]), bounds[1]))


@dataclass(frozen=True)
class SynthesisConfig:
    """Per-call settings. Out-of-range speed, pitch and volume are clamped to their ranges.

    voice: a speaker name, or a blend such as "bdl:0.7+slt:0.3" (weights are normalized).
    speed: 0.5 to 4.5 (duration scaling; pitch is unchanged; a phone keeps at least one frame).
    pitch: -6 to +6 semitones.
    volume: 0 to 2 (linear gain).
    ssml: the text is SSML (see docs/frontend.md for the supported subset).
    """

    voice: str = ""  # "" = the model's first voice
    speed: float = 1.0
    pitch: float = 0.0
    volume: float = 1.0
    ssml: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "speed", _clamp(self.speed, SPEED_RANGE, "speed"))
        object.__setattr__(self, "pitch", _clamp(self.pitch, PITCH_RANGE, "pitch"))
        object.__setattr__(self, "volume", _clamp(self.volume, VOLUME_RANGE, "volume"))

    def with_(self, **changes: Any) -> SynthesisConfig:
        return replace(self, **changes)


# synthesize() takes a fixed config, or a function it calls before each chunk, so that
# settings changed during playback apply from the next chunk.
ConfigSource = SynthesisConfig | Callable[[], SynthesisConfig]


def parse_voice_blend(voice: str, known: list[str]) -> list[tuple[str, float]]:
    """ "bdl:0.7+slt:0.3" -> [("bdl", 0.7), ("slt", 0.3)], weights normalized to sum 1; a voice
    named twice is listed once with its weights added ("a+b+a" is two thirds a).

    Raises UnknownVoiceError for names not in ``known`` and ValueError for a malformed blend.
    """
    parts = [p.strip() for p in voice.split("+")] if voice else [known[0]]
    weights: dict[str, float] = {}  # in the order the voices are first named
    for part in parts:
        name, _, weight_text = part.partition(":")
        name = name.strip()
        if name not in known:
            raise UnknownVoiceError(name, known)
        try:
            weight = float(weight_text) if weight_text else 1.0
        except ValueError:
            raise ValueError(f"voice weight {weight_text!r} in {voice!r} is not a number") from None
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"voice weight {weight_text!r} in {voice!r} must be zero or positive")
        # added up, not replaced: the embeddings are mixed from a dict by voice, where a second
        # entry for a voice would overwrite the first and leave the weights short of 1
        weights[name] = weights.get(name, 0.0) + weight
    total = sum(weights.values())
    if total <= 0:
        raise ValueError(f"voice blend {voice!r} has no positive weight")
    return [(n, w / total) for n, w in weights.items()]


class UnknownVoiceError(ValueError):
    def __init__(self, name: str, known: list[str]):
        super().__init__(f"unknown voice {name!r}; the voices are: {', '.join(known)}")
        self.name, self.known = name, known


class SynthesisCancelled(Exception):
    """Raised inside a synthesis when its cancel event is set (the generator then ends)."""
