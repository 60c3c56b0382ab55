"""Compact copies of full checkpoints (research/compact.py). Skipped where torch is missing."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from research.compact import compact_copy  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import AcousticModel, VocoderNet  # noqa: E402

SMALL = ModelConfig(
    n_phones=20,
    n_speakers=2,
    encoder_channels=32,
    decoder_channels=24,
    encoder_layers=1,
    decoder_layers=2,
    vocoder_channels=32,
)


def checkpoint(seed: int, step: int, cfg: ModelConfig = SMALL) -> dict:
    torch.manual_seed(seed)
    return {
        "config": cfg.to_dict(),
        "phones": ["a"],
        "speakers": [],
        "step_finetune": step,
        "acoustic": AcousticModel(cfg).state_dict(),
        "vocoder": VocoderNet(cfg).state_dict(),
        "provenance": "base",
    }


def test_a_compact_copy_keeps_the_weights_in_fp16_and_drops_the_training_state():
    full = checkpoint(0, 9500)
    full["opt_vocoder"] = torch.optim.AdamW(VocoderNet(SMALL).parameters()).state_dict()
    full["wave_discriminator"], full["step_wave_discriminator"] = {"w": torch.zeros(2)}, 200
    compact = compact_copy(full)
    assert not {"opt_vocoder", "wave_discriminator", "step_wave_discriminator"} & compact.keys()
    assert compact["step_finetune"] == 9500 and compact["provenance"] == "base"
    name = next(k for k, v in full["vocoder"].items() if v.is_floating_point())
    assert compact["vocoder"][name].dtype == torch.float16
    assert torch.allclose(compact["vocoder"][name].float(), full["vocoder"][name], atol=1e-3)
    assert full["vocoder"][name].dtype == torch.float32  # the full checkpoint is left as it was
    model = VocoderNet(SMALL)
    model.load_state_dict({k: v.float() for k, v in compact["vocoder"].items()})
