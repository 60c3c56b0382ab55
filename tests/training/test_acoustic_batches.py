"""The acoustic stage's batches: every utterance once an epoch, similar lengths together.
Skipped where torch is missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from training.data import Utterance, acoustic_batches  # noqa: E402


def utterance(i: int, speaker: int, frames: int) -> Utterance:
    zeros = np.zeros(frames, np.float32)
    return Utterance(
        id=f"u{i}",
        speaker_id=speaker,
        phones=np.ones(3, np.int64),
        durations=np.array([frames - 2, 1, 1]),
        mel=np.zeros((frames, 4), np.float16),
        norm_log_f0=zeros,
        voiced=zeros,
        phone_pitch=np.zeros(3, np.float32),
        wav_path=Path("unused.wav"),
    )


def test_acoustic_batches_see_each_utterance_once_an_epoch_within_the_frame_budget():
    utts = [utterance(i, i % 2, 10 + i) for i in range(8)]
    batches = acoustic_batches(utts, max_frames=40, seed=0)
    seen = []
    while len(seen) < len(utts):
        batch = next(batches)
        assert batch["mel"].shape[0] * batch["mel"].shape[2] <= 40
        seen += batch["frame_lengths"].tolist()
    assert sorted(seen) == [10 + i for i in range(8)]
