"""--voice-repeats: the voices furthest from their teachers can be seen more often in the acoustic
stage and the fine-tuning. Skipped where torch is missing."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from training.data import Utterance, acoustic_batches  # noqa: E402
from training.train import parse_voice_repeats, repeated_indices  # noqa: E402

NAMES = ["bdl", "slt", "joe"]


def test_the_option_names_voices_and_whole_times():
    assert parse_voice_repeats("", NAMES) == {}
    assert parse_voice_repeats("joe=2, bdl=3", NAMES) == {2: 2, 0: 3}
    for bad in ("ken=2", "joe", "joe=0", "joe=1.5"):
        with pytest.raises(SystemExit, match="--voice-repeats"):
            parse_voice_repeats(bad, NAMES)


def test_a_repeated_voice_fills_its_share_of_an_epoch():
    speakers = [0, 1, 2, 2, 1]
    assert repeated_indices(speakers, {}) == [0, 1, 2, 3, 4]
    assert repeated_indices(speakers, {2: 3}) == [0, 1, 2, 2, 2, 3, 3, 3, 4]


def utterance(i: int, speaker: int, frames: int) -> Utterance:
    zeros = np.zeros(frames, np.float32)
    return Utterance(id=f"u{i}", speaker_id=speaker, phones=np.ones(3, np.int64), durations=np.array([frames - 2, 1, 1]),
                     mel=np.zeros((frames, 4), np.float16), norm_log_f0=zeros, voiced=zeros,
                     phone_pitch=np.zeros(3, np.float32), wav_path=Path("unused.wav"))


def test_acoustic_batches_see_each_index_once_an_epoch():
    utts = [utterance(i, i % 2, 10 + i) for i in range(8)]  # speakers 0 and 1 alternate
    indices = repeated_indices([u.speaker_id for u in utts], {1: 2})
    batches = acoustic_batches(utts, max_frames=40, seed=0, indices=indices)
    seen = []
    while len(seen) < len(indices):
        seen += next(batches)["speakers"].tolist()
    assert len(seen) == 12 and seen.count(1) == 8 and seen.count(0) == 4
