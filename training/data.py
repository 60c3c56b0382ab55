"""Training data from the corpus features (training/corpus/features.py writes them).

Loads the manifest and the per-utterance .npz files into memory once (fp16; the whole corpus
is well under a few GB), derives the model's targets, and serves batches:
- acoustic batches: whole utterances, bucketed by length, capped by total frames;
- vocoder batches: random fixed-length segments with their waveforms.
"""

from __future__ import annotations

import itertools
import json
import random
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from training.corpus.features import CLASSIC_LAYOUT, KOKORO_LAYOUT, FrameLayout
from training.model.networks import LOG_F0_MEAN, LOG_F0_STD
from training.teachers.voices import KOKORO_VOICES, VOICES, TeacherVoice

CORPUS = Path("work-data/corpus")
MANIFEST = CORPUS / "features" / "manifest.jsonl"
MANIFEST_KOKORO = CORPUS / "features-24k" / "manifest.jsonl"


@dataclass(frozen=True)
class Corpus:
    """A corpus the trainer can learn from: its features' manifest (the audio lies in the
    ``audio/<voice>/<id>.wav`` beside the manifest's folder), their frame layout, and its voices
    in the model's speaker order (model speaker i is ``voices[i]``, whatever its corpus id)."""

    name: str
    manifest: Path
    layout: FrameLayout
    voices: tuple[TeacherVoice, ...]

    def speaker_index(self) -> dict[int, int]:
        """Corpus speaker id -> the model's (0 to len(voices) - 1)."""
        return {v.speaker_id: i for i, v in enumerate(self.voices)}

    def seconds_to_frames(self, seconds: float) -> int:
        return max(1, round(seconds * self.layout.sample_rate / self.layout.hop))


CORPORA = {
    # the first corpus: 8 voices, 22,050 Hz, hop 256 (speaker ids 0-7, the model's as they are)
    "classic": Corpus("classic", MANIFEST, CLASSIC_LAYOUT, VOICES),
    # the second generation's (issue 30): 10 Kokoro voices, 24 kHz, hop 300 (corpus ids 8-17 -> 0-9)
    "kokoro": Corpus("kokoro", MANIFEST_KOKORO, KOKORO_LAYOUT, KOKORO_VOICES),
}


def interpolated_log_f0(f0: np.ndarray) -> np.ndarray:
    """log F0 with unvoiced frames filled by linear interpolation (held at the edges)."""
    voiced = f0 > 0
    if not voiced.any():
        return np.full(len(f0), LOG_F0_MEAN, np.float32)
    idx = np.arange(len(f0))
    return np.interp(idx, idx[voiced], np.log(f0[voiced])).astype(np.float32)


def phone_means(values: np.ndarray, durations: np.ndarray) -> np.ndarray:
    """Mean of a frame contour over each phone; a zero-length phone takes the value where it sits."""
    ends = np.cumsum(durations)
    starts = ends - durations
    csum = np.concatenate([[0.0], np.cumsum(values, dtype=np.float64)])
    safe = np.maximum(durations, 1)
    means = (csum[np.minimum(starts + safe, len(values))] - csum[np.minimum(starts, len(values))]) / safe
    return means.astype(np.float32)


@dataclass
class Utterance:
    id: str
    speaker_id: int
    phones: np.ndarray  # int64 [P]
    durations: np.ndarray  # int64 [P]
    mel: np.ndarray  # float16 [T, n_mels]
    norm_log_f0: np.ndarray  # float32 [T]
    voiced: np.ndarray  # float32 [T]
    phone_pitch: np.ndarray  # float32 [P]
    wav_path: Path

    @property
    def frames(self) -> int:
        return len(self.mel)


def select_rows(
    split: str,
    manifest: Path = MANIFEST,
    limit: int | None = None,
    speakers: set | None = None,
    per_speaker: int | None = None,
) -> list[dict]:
    """The manifest rows of a split, by speaker, then id; with ``per_speaker``, each speaker's
    first that many (on test, the sentences training.evaluate reads); with ``limit``, the same
    random ``limit`` of them every time."""
    rows = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
    rows = [r for r in rows if r["split"] == split and (speakers is None or r["speaker"] in speakers)]
    rows.sort(key=lambda r: (r["speaker"], r["id"]))
    if per_speaker:
        rows = [
            r for _, group in itertools.groupby(rows, key=lambda r: r["speaker"]) for r in list(group)[:per_speaker]
        ]
    if limit:
        random.Random(0).shuffle(rows)
        rows = rows[:limit]
    return rows


def load_split(
    split: str,
    manifest: Path = MANIFEST,
    limit: int | None = None,
    speakers: set | None = None,
    per_speaker: int | None = None,
    speaker_index: dict[int, int] | None = None,
) -> list[Utterance]:
    """The utterances of a split (``select_rows`` picks them), their audio at
    ``<manifest's folder>/../audio/<voice>/<id>.wav``. ``speaker_index`` maps the corpus' speaker
    ids to the model's (``Corpus.speaker_index``); a row of a speaker outside it is refused."""
    audio = manifest.parent.parent / "audio"
    out = []
    for r in select_rows(split, manifest, limit, speakers, per_speaker):
        path = Path(r["path"])
        if not path.is_absolute() and not path.exists():
            path = manifest.parent / path
        with np.load(path) as z:
            f0 = z["f0"].astype(np.float32)
            norm = (interpolated_log_f0(f0) - LOG_F0_MEAN) / LOG_F0_STD
            durations = z["durations"].astype(np.int64)
            speaker_id = int(z["speaker_id"])
            if speaker_index is not None:
                if speaker_id not in speaker_index:
                    raise ValueError(f"{path}: speaker id {speaker_id} is not one of {sorted(speaker_index)}")
                speaker_id = speaker_index[speaker_id]
            out.append(
                Utterance(
                    id=r["id"],
                    speaker_id=speaker_id,
                    phones=z["phone_ids"].astype(np.int64),
                    durations=durations,
                    mel=z["mel"].astype(np.float16),
                    norm_log_f0=norm,
                    voiced=z["voiced"].astype(np.float32),
                    phone_pitch=phone_means(norm, durations),
                    wav_path=audio / r["speaker"] / f"{r['id']}.wav",
                )
            )
    return out


def pad_stack(arrays: list[np.ndarray], dtype) -> torch.Tensor:
    length = max(len(a) for a in arrays)
    out = np.zeros((len(arrays), length) + arrays[0].shape[1:], dtype=dtype)
    for i, a in enumerate(arrays):
        out[i, : len(a)] = a
    return torch.from_numpy(out)


def acoustic_batches(utts: list[Utterance], max_frames: int, seed: int):
    """Endless shuffled batches of similar-length utterances, each at most max_frames in total."""
    rng = random.Random(seed)
    order = sorted(range(len(utts)), key=lambda i: utts[i].frames)
    while True:
        batches, current, longest = [], [], 0
        for i in order:
            longest_if = max(longest, utts[i].frames)
            if current and longest_if * (len(current) + 1) > max_frames:
                batches.append(current)
                current, longest_if = [], utts[i].frames
            current.append(i)
            longest = longest_if
        if current:
            batches.append(current)
        rng.shuffle(batches)
        for b in batches:
            yield collate_acoustic([utts[i] for i in b])


def collate_acoustic(batch: list[Utterance]) -> dict:
    return {
        "phones": pad_stack([u.phones for u in batch], np.int64),
        "phone_lengths": torch.tensor([len(u.phones) for u in batch]),
        "speakers": torch.tensor([u.speaker_id for u in batch]),
        "durations": pad_stack([u.durations for u in batch], np.int64),
        "phone_pitch": pad_stack([u.phone_pitch for u in batch], np.float32),
        "mel": pad_stack([u.mel.astype(np.float32) for u in batch], np.float32).transpose(1, 2),
        "norm_log_f0": pad_stack([u.norm_log_f0 for u in batch], np.float32),
        "voiced": pad_stack([u.voiced for u in batch], np.float32),
        "frame_lengths": torch.tensor([u.frames for u in batch]),
    }


def read_pcm16(path: Path) -> np.ndarray:
    """A corpus WAV as int16 samples. The corpus writes 16-bit mono PCM (training/corpus/generate.py),
    which the standard library reads, so loading needs no audio package (a bare GPU machine has none)."""
    with wave.open(str(path)) as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono PCM, got {w.getsampwidth() * 8}-bit x {w.getnchannels()}")
        return np.frombuffer(w.readframes(w.getnframes()), "<i2")


class WaveCache:
    """Waveforms of the vocoder's utterances, loaded once as int16."""

    def __init__(self, utts: list[Utterance]):
        self.waves = {u.id + str(u.speaker_id): read_pcm16(u.wav_path) for u in utts}

    def get(self, u: Utterance) -> np.ndarray:
        return self.waves[u.id + str(u.speaker_id)]


def vocoder_batches(utts: list[Utterance], waves: WaveCache, segment_frames: int, batch_size: int, hop: int, seed: int):
    """Endless batches of random segments: features [B, n_mels + 2, S], f0 [B, S], audio [B, S * hop]."""
    rng = np.random.default_rng(seed)
    usable = [u for u in utts if u.frames > segment_frames + 2]
    if not usable:
        raise ValueError(f"no utterance among {len(utts)} is longer than a segment ({segment_frames} frames)")
    while True:
        feats, f0s, audio = [], [], []
        for i in rng.integers(0, len(usable), batch_size):
            u = usable[i]
            start = int(rng.integers(0, u.frames - segment_frames))
            sl = slice(start, start + segment_frames)
            norm = u.norm_log_f0[sl]
            feats.append(np.concatenate([u.mel[sl].astype(np.float32), norm[:, None], u.voiced[sl, None]], axis=1).T)
            f0s.append(np.exp(norm * LOG_F0_STD + LOG_F0_MEAN))
            wav = waves.get(u)[start * hop : (start + segment_frames) * hop].astype(np.float32) / 32768
            if len(wav) < segment_frames * hop:
                wav = np.pad(wav, (0, segment_frames * hop - len(wav)))
            audio.append(wav)
        yield (
            torch.from_numpy(np.stack(feats)),
            torch.from_numpy(np.stack(f0s).astype(np.float32)),
            torch.from_numpy(np.stack(audio)),
        )
