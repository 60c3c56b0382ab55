"""The evaluation's MCD scale and the ablations' channel widths (train.py --width, used by
research/paper_table.py). Skipped where torch is missing."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from training.evaluate import MCD_COEFFS, cepstrum_of_log_mel, mcd_db  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.train import scaled_config  # noqa: E402


def test_cepstrum_recovers_a_cosine_log_spectrum():
    bands = 80
    w = np.pi * (np.arange(bands) + 0.5) / bands
    lm = 1.5 + 0.7 * np.cos(w) - 0.2 * np.cos(3 * w)
    c = cepstrum_of_log_mel(lm[None, :])[0]
    assert c.shape == (MCD_COEFFS + 1,)
    assert c[0] == pytest.approx(1.5)
    assert c[1] == pytest.approx(0.7)
    assert c[3] == pytest.approx(-0.2)
    assert np.abs(np.delete(c, [0, 1, 3])).max() < 1e-9


def test_mcd_ignores_loudness_and_grows_with_spectral_change():
    rng = np.random.default_rng(0)
    sr = 22050
    t = np.arange(sr) / sr
    wave = 0.3 * np.sin(2 * np.pi * 150 * t) + 0.05 * rng.standard_normal(sr)
    assert mcd_db(wave, wave) == 0.0
    assert mcd_db(0.5 * wave, wave) < 0.05  # a gain only moves c0, which MCD leaves out
    brighter = wave + 0.2 * np.sin(2 * np.pi * 3000 * t)
    d = mcd_db(brighter, wave)
    assert 0.5 < d < 30


def test_scaled_config_multiplies_conv_widths_in_steps_of_16():
    base = ModelConfig(n_phones=84, n_speakers=8)
    assert scaled_config(base, 1.0) == base
    narrow = scaled_config(base, 0.25)
    assert (narrow.encoder_channels, narrow.decoder_channels, narrow.vocoder_channels) == (64, 48, 64)
    assert narrow.n_mels == base.n_mels and narrow.envelope_points == base.envelope_points
    assert scaled_config(base, 0.01).decoder_channels == 16


def test_mcd_on_the_kokoro_layout_reads_its_frames():
    from training.corpus.features import KOKORO_LAYOUT
    from training.evaluate import mel_cepstrum

    rng = np.random.default_rng(1)
    sr = KOKORO_LAYOUT.sample_rate
    t = np.arange(sr) / sr
    wave = 0.3 * np.sin(2 * np.pi * 180 * t) + 0.05 * rng.standard_normal(sr)
    assert mel_cepstrum(wave, KOKORO_LAYOUT).shape == (1 + sr // 300, MCD_COEFFS + 1)  # hop 300, not 256
    assert mel_cepstrum(wave).shape[0] == 1 + sr // 256
    assert mcd_db(wave, wave, KOKORO_LAYOUT) == 0.0
    assert mcd_db(0.5 * wave, wave, KOKORO_LAYOUT) < 0.05
    # a tone above the first layout's 11,025 Hz band edge lies within the 24 kHz layout's bands
    bright = wave + 0.3 * np.sin(2 * np.pi * 11500 * t)
    assert mcd_db(bright, wave, KOKORO_LAYOUT) > 0.5
