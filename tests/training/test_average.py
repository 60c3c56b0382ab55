"""Averaging checkpoints of one trajectory (training/average.py) and compact copies (training/compact.py).
Skipped where torch is missing."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from training.average import average_checkpoints, average_state_dicts  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import AcousticModel, VocoderNet  # noqa: E402

SMALL = ModelConfig(n_phones=20, n_speakers=2, encoder_channels=32, decoder_channels=24, encoder_layers=1,
                    decoder_layers=2, vocoder_channels=32)


def test_floats_are_averaged_and_integers_must_agree():
    a = {"w": torch.tensor([1.0, 3.0], dtype=torch.float16), "n": torch.tensor([2])}
    b = {"w": torch.tensor([3.0, 5.0], dtype=torch.float16), "n": torch.tensor([2])}
    out = average_state_dicts([a, b])
    assert out["w"].dtype == torch.float16 and out["w"].tolist() == [2.0, 4.0]
    assert out["n"].tolist() == [2]
    with pytest.raises(ValueError, match="integer"):
        average_state_dicts([a, {**b, "n": torch.tensor([3])}])
    with pytest.raises(ValueError, match="different tensors"):
        average_state_dicts([a, {"w": b["w"]}])


def checkpoint(seed: int, step: int, cfg: ModelConfig = SMALL) -> dict:
    torch.manual_seed(seed)
    return {"config": cfg.to_dict(), "phones": ["a"], "speakers": [], "step_finetune": step,
            "acoustic": AcousticModel(cfg).state_dict(), "vocoder": VocoderNet(cfg).state_dict(),
            "provenance": "base"}


def test_the_soup_is_the_mean_model_and_says_what_it_averaged():
    first, second = checkpoint(0, 6400), checkpoint(1, 7400)
    soup = average_checkpoints([first, second])
    name = next(k for k, v in first["vocoder"].items() if v.is_floating_point())
    assert torch.allclose(soup["vocoder"][name], (first["vocoder"][name] + second["vocoder"][name]) / 2)
    assert soup["step_finetune"] == 6400 and "opt_acoustic" not in soup
    assert soup["provenance"].startswith("base; weights averaged over 2 checkpoints")
    assert "6400, 7400" in soup["provenance"]
    model = AcousticModel(SMALL)
    model.load_state_dict(soup["acoustic"])  # a loadable model
    with pytest.raises(SystemExit, match="different model configurations"):
        average_checkpoints([first, checkpoint(2, 10, ModelConfig(**{**SMALL.to_dict(), "decoder_channels": 32}))])


def test_a_compact_copy_keeps_the_weights_in_fp16_and_drops_the_training_state():
    from training.compact import compact_copy

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
