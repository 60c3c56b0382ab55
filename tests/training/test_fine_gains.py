"""The vocoder's fine gains (ModelConfig.subframe_gains): the differentiable synthesizer applies
them as the engine does, and growing a vocoder trained without them keeps its sound, weights
and optimizer moments (train.py --subframe-gains). Skipped where torch is missing."""
from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bittts.engine import dsp  # noqa: E402
from training.model import ddsp  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import VocoderNet  # noqa: E402
from training.train import config_grows, fine_gains_grow, grow_vocoder_output, vocoder_loss  # noqa: E402

SMALL = dict(n_phones=20, n_speakers=2, encoder_channels=32, decoder_channels=24, vocoder_channels=32,
             encoder_layers=1, decoder_layers=2, vocoder_layers=1)


def small(**changes) -> ModelConfig:
    return ModelConfig(**{**SMALL, **changes})


def test_fine_gains_must_divide_the_hop_and_only_their_addition_counts_as_growth():
    with pytest.raises(ValueError, match="subframe_gains"):
        small(subframe_gains=3)
    assert fine_gains_grow(small(), small(subframe_gains=4))
    assert config_grows(small(), small(subframe_gains=4))
    assert config_grows(small(), small(subframe_gains=4, decoder_layers=3, decoder_dilations=(1, 1, 2)))
    assert not config_grows(small(subframe_gains=4), small(subframe_gains=8))  # trained ones are not redone
    assert not config_grows(small(subframe_gains=4), small())
    assert not config_grows(small(), small(subframe_gains=4, vocoder_channels=16))


def test_the_training_synthesizer_applies_fine_gains_as_the_engine_does():
    rng = np.random.default_rng(0)
    frames, hop = 6, 256
    fine = rng.normal(0, 0.5, (frames, 8)).astype(np.float32)  # 4 points a frame for each part
    f0 = np.full(frames, 140.0, np.float32)
    envelope = np.full((frames, 128), -3.0, np.float32)
    gains = np.full((frames, 65), -4.0, np.float32)
    noise = rng.standard_normal((frames, 512)).astype(np.float32)
    got = ddsp.synthesize(torch.from_numpy(f0)[None], torch.from_numpy(envelope.T)[None], torch.from_numpy(gains.T)[None],
                          torch.from_numpy(noise)[None], 22050, hop, 100, 0.95, torch.from_numpy(fine.T)[None])[0].numpy()
    amps = dsp.harmonic_amplitudes(f0, envelope, 22050, 100, 0.95)
    want = (dsp.harmonic_signal_reference(f0, amps, 22050, hop)[0] * dsp.subframe_gain(fine[:, :4], hop)
            + dsp.noise_signal(gains, noise, hop) * dsp.subframe_gain(fine[:, 4:], hop))
    np.testing.assert_allclose(got, want, atol=1e-4 * np.abs(want).max())
    plain = ddsp.synthesize(torch.from_numpy(f0)[None], torch.from_numpy(envelope.T)[None],
                            torch.from_numpy(gains.T)[None], torch.from_numpy(noise)[None], 22050, hop, 100, 0.95)[0]
    assert np.abs(plain.numpy() - want).max() > 0.1 * np.abs(want).max()


def test_the_grown_vocoder_sounds_as_the_trained_one_and_keeps_its_moments():
    torch.manual_seed(0)
    trained_cfg = small()
    trained = VocoderNet(trained_cfg)
    opt = torch.optim.AdamW(trained.parameters(), 1e-3)
    feats = torch.randn(2, trained_cfg.n_mels + 2, 12)
    f0 = torch.full((2, 12), 120.0)
    audio = torch.randn(2, 12 * 256) * 0.1
    loss, _ = vocoder_loss(trained, (feats, f0, audio), trained_cfg, torch.device("cpu"), False)
    loss.backward()
    opt.step()
    ckpt = {"vocoder": trained.state_dict(), "opt_vocoder": opt.state_dict()}

    grown_cfg = small(subframe_gains=4)
    grown = VocoderNet(grown_cfg)
    grown_opt = torch.optim.AdamW(grown.parameters(), 1e-3)
    grow_vocoder_output(grown, grown_opt, trained_cfg, ckpt)

    mask = torch.ones(2, 1, 12)
    with torch.no_grad():
        envelope, gains, fine = trained.eval()(feats, mask)
        grown_envelope, grown_gains, grown_fine = grown.eval()(feats, mask)
    assert fine.shape[1] == 0 and grown_fine.shape == (2, 8, 12)
    assert torch.equal(grown_fine, torch.zeros_like(grown_fine))  # a gain of 1: the same sound
    torch.testing.assert_close(grown_envelope, envelope)
    torch.testing.assert_close(grown_gains, gains)
    moments = grown_opt.state[grown.out.weight]["exp_avg"]
    assert moments.shape == grown.out.weight.shape
    assert torch.equal(moments[: trained.out.weight.shape[0]], opt.state[trained.out.weight]["exp_avg"])
    assert torch.equal(moments[trained.out.weight.shape[0] :], torch.zeros_like(moments[trained.out.weight.shape[0] :]))
    # and the fine gains learn: one step moves them off zero
    grown.train()
    loss, _ = vocoder_loss(grown, (feats, f0, audio), grown_cfg, torch.device("cpu"), False)
    grown_opt.zero_grad()
    loss.backward()
    grown_opt.step()
    assert grown.out.weight[-8:].abs().sum() > 0


def test_a_new_vocoder_starts_its_fine_gains_at_zero():
    torch.manual_seed(1)
    vocoder = VocoderNet(small(subframe_gains=4)).eval()
    with torch.no_grad():
        _, gains, fine = vocoder(torch.randn(1, 82, 9), torch.ones(1, 1, 9))
    assert fine.shape == (1, 8, 9) and torch.equal(fine, torch.zeros_like(fine))
    assert gains.abs().sum() > 0
