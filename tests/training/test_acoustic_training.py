"""Acoustic-model training pieces: the frame-to-frame (delta) loss, and the weight on frames
at phone boundaries (--mel-edge-weight), the durations' one-frame floor. Skipped where torch is missing."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import AcousticModel  # noqa: E402

SMALL = dict(n_phones=20, n_speakers=2, encoder_channels=32, decoder_channels=24, encoder_layers=1, decoder_layers=2)


def small(**changes) -> ModelConfig:
    return ModelConfig(**{**SMALL, **changes})


def test_edge_frames_lie_around_boundaries_between_phones_only():
    from training.train import phone_edge_frames

    # phones of 3, 0 (a word boundary), 4 and 5 frames, then padding; 10 and 2 frames
    durations = torch.tensor([[3, 0, 4, 5, 0], [10, 2, 0, 0, 0]])
    edges = phone_edge_frames(durations, 14, width=2)
    assert edges[0].tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]  # boundaries at frames 3 and 7
    assert edges[1].tolist() == [0] * 8 + [1] * 4 + [0] * 2  # one boundary, at 10; none at the end (12)


def test_the_edge_weight_moves_the_loss_to_boundary_frames_and_reports_the_same_parts():
    from training.train import acoustic_loss

    torch.manual_seed(0)
    cfg = small()
    model = AcousticModel(cfg).eval()
    durations = torch.tensor([[6, 1, 6], [6, 1, 6]])
    frames = int(durations.sum(1).max())
    batch = {
        "phones": torch.randint(0, 20, (2, 3)),
        "phone_lengths": torch.tensor([3, 3]),
        "speakers": torch.tensor([0, 1]),
        "durations": durations,
        "phone_pitch": torch.zeros(2, 3),
        "mel": torch.zeros(2, cfg.n_mels, frames),
        "norm_log_f0": torch.zeros(2, frames),
        "voiced": torch.ones(2, frames),
    }
    with torch.no_grad():
        plain, parts = acoustic_loss(model, batch, cfg, torch.device("cpu"), False)
        weighted, weighted_parts = acoustic_loss(model, batch, cfg, torch.device("cpu"), False, mel_edge_weight=3.0)
    assert parts == weighted_parts  # the parts are the plain L1 and the L1 on edge frames
    # edge frames: 4 to 8 of 13 (around the boundaries at 6 and 7), weighed 3 times the other 8
    mel, edges = parts["mel_l1"], parts["mel_edges"]
    rest = (mel * 13 - edges * 5) / 8
    expected_mel = (3 * edges * 5 + rest * 8) / (3 * 5 + 8)
    assert edges != pytest.approx(rest, rel=1e-3)  # the weighting has something to move
    assert weighted.item() - plain.item() == pytest.approx(expected_mel - mel, rel=1e-4, abs=1e-6)


def test_reference_durations_keep_one_frame_a_phone_at_the_fastest_rate():
    """The training side's durations (the engine's reference) floor phones as the engine does."""
    from training.model.networks import durations_from_log, min_frames_for

    symbols = ["<pad>", "<wb>", ",", "AH0", "T", "S"]
    ids = torch.tensor([[1, 3, 4, 2, 5, 1]])
    log_dur = torch.full(ids.shape, math.log1p(0.3))  # 0.3 frames: 0 at 4.5x
    got = durations_from_log(log_dur, min_frames_for(ids, symbols), speed=4.5)
    assert got.tolist() == [[0, 1, 1, 0, 1, 0]]
    assert durations_from_log(torch.full(ids.shape, math.log1p(9.0)), min_frames_for(ids, symbols), 4.5).tolist() == [
        [2] * 6
    ]
