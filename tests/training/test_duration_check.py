"""training.duration_check: the length ratios it reports, and the predicted frames it counts
(at least one frame for a phone, none required for a pause)."""
from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from training.duration_check import length_ratios, predicted_frames  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import AcousticModel, min_frames_for  # noqa: E402


def test_ratios_keep_phones_and_pauses_apart_and_sum_over_voices():
    rows = [
        ("a", [True, False, True], [4, 2, 6], [5, 4, 5]),   # phones 10/10, pauses 2/4
        ("a", [True, True], [3, 3], [2, 4]),                 # phones 6/6
        ("b", [True, False], [9, 3], [6, 3]),                # phones 9/6, pauses 3/3
    ]
    r = length_ratios(rows)
    assert r["a"] == {"phones": 1.0, "pauses": 0.5, "total": 18 / 20}
    assert r["b"] == {"phones": 1.5, "pauses": 1.0, "total": 12 / 9}
    assert r["all"]["phones"] == pytest.approx(25 / 22)
    assert r["all"]["pauses"] == pytest.approx(5 / 7)


def test_a_voice_without_pauses_has_no_pause_ratio():
    r = length_ratios([("a", [True, True], [1, 2], [1, 1])])
    assert math.isnan(r["a"]["pauses"]) and r["a"]["total"] == 1.5


def test_predicted_frames_give_every_phone_a_frame():
    torch.manual_seed(0)
    symbols = ["<pad>", "<sp>", ",", "AA1", "B", "K"]
    model = AcousticModel(ModelConfig(n_phones=len(symbols), n_speakers=2, encoder_channels=16, decoder_channels=16,
                                      encoder_layers=1, decoder_layers=1))
    with torch.no_grad():
        model.duration_predictor.out.bias.fill_(-5.0)  # expm1 of about -5: rounds to 0 frames
    model.eval()
    phones = np.array([1, 3, 4, 2, 5])
    frames = predicted_frames(model, phones, 1, min_frames_for(torch.arange(len(symbols)), symbols))
    assert frames.tolist() == [0, 1, 1, 0, 1]
