"""The vocoder's log-mel loss: framed as the corpus features are, blind to noise phase, and
added to the STFT loss only when asked for. Skipped where torch is missing."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from training.corpus.features import HOP, log_mel, mel_filterbank, stft_magnitude  # noqa: E402
from training.model import ddsp  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402

FILTERBANK = torch.from_numpy(mel_filterbank())


def test_log_mel_framing_matches_the_corpus_features():
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal(HOP * 40)).astype(np.float32)
    features = log_mel(stft_magnitude(x))
    ours = ddsp.log_mel(torch.from_numpy(x)[None], FILTERBANK, HOP)[0].T.numpy()
    assert ours.shape == features.shape
    assert np.abs(ours - features).max() < 1e-3


def test_log_mel_l1_is_zero_for_the_same_wave_and_measures_a_gain_in_nepers():
    rng = np.random.default_rng(1)
    x = torch.from_numpy((0.1 * rng.standard_normal((2, HOP * 30))).astype(np.float32))
    assert ddsp.log_mel_l1(x, x, FILTERBANK, HOP).item() == 0.0
    # twice the amplitude: every band log(2) higher
    assert ddsp.log_mel_l1(2 * x, x, FILTERBANK, HOP).item() == pytest.approx(np.log(2), rel=1e-3)


def test_log_mel_l1_barely_sees_a_new_noise_draw_that_the_stft_loss_sees():
    rng = np.random.default_rng(2)
    a, b = (torch.from_numpy((0.1 * rng.standard_normal((1, HOP * 60))).astype(np.float32)) for _ in range(2))
    mel = ddsp.log_mel_l1(a, b, FILTERBANK, HOP).item()
    per_bin = ddsp.multi_resolution_stft_loss(a, b, (1024,)).item()
    assert mel < 0.5 * per_bin


def test_vocoder_loss_adds_the_mel_term_only_when_weighted():
    from training.model.networks import VocoderNet
    from training.train import vocoder_loss

    cfg = ModelConfig(n_phones=10, n_speakers=1, vocoder_channels=16, vocoder_layers=1)
    torch.manual_seed(0)
    model = VocoderNet(cfg)
    frames = 12
    feats = torch.randn(2, cfg.n_mels + 2, frames)
    f0 = torch.full((2, frames), 120.0)
    audio = 0.1 * torch.randn(2, frames * cfg.hop_size)
    batch = (feats, f0, audio)
    torch.manual_seed(1)
    plain, parts = vocoder_loss(model, batch, cfg, torch.device("cpu"), False)
    assert "mel" not in parts
    torch.manual_seed(1)  # the same noise draw
    weighted, parts = vocoder_loss(
        model, batch, cfg, torch.device("cpu"), False, mel_weight=2.0, mel_filterbank=FILTERBANK
    )
    assert parts["mel"] > 0
    assert weighted.item() == pytest.approx(plain.item() + 2.0 * parts["mel"], rel=1e-4)


def test_the_vocoder_losses_reach_the_acoustic_model_through_its_frames():
    """--finetune-acoustic-lr: the acoustic model learns from the audio the vocoder makes of its
    frames; voicing is decided as the engine decides it, and only the mel carries gradients."""
    from training.model.networks import LOG_F0_MEAN, LOG_F0_STD, AcousticModel, VocoderNet
    from training.train import vocoder_inputs, vocoder_loss

    cfg = ModelConfig(
        n_phones=20,
        n_speakers=2,
        encoder_channels=32,
        decoder_channels=24,
        encoder_layers=1,
        decoder_layers=2,
        vocoder_channels=16,
        vocoder_layers=1,
    )
    torch.manual_seed(0)
    acoustic, vocoder = AcousticModel(cfg), VocoderNet(cfg)
    phones, lengths, speakers = torch.randint(0, 20, (2, 6)), torch.tensor([6, 6]), torch.tensor([0, 1])
    out = acoustic(phones, lengths, speakers, torch.full((2, 6), 2), torch.randn(2, 6))[0]
    out.retain_grad()
    pairs = [vocoder_inputs(out[i], cfg) for i in range(2)]
    features, f0 = torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])
    assert features.shape == (2, cfg.n_mels + 2, 12)
    assert set(features[:, -1].unique().tolist()) <= {0.0, 1.0}  # voicing decided, as in the engine
    assert torch.allclose(f0, torch.exp(out[:, cfg.n_mels] * LOG_F0_STD + LOG_F0_MEAN))  # Hz, as the engine's
    assert not f0.requires_grad
    audio = 0.1 * torch.randn(2, 12 * cfg.hop_size)
    loss, _ = vocoder_loss(
        vocoder, (features, f0, audio), cfg, torch.device("cpu"), False, mel_weight=1.0, mel_filterbank=FILTERBANK
    )
    loss.backward()
    assert out.grad[:, : cfg.n_mels].abs().sum() > 0
    assert out.grad[:, cfg.n_mels :].abs().sum() == 0  # F0 and voicing: no gradient from the audio
    decoder_grad = acoustic.decoder[0].conv.weight.grad
    assert decoder_grad is not None and decoder_grad.abs().sum() > 0
