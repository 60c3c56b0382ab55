"""The streaming resampler against its plain reference loop, and against a sine's exact values."""

import numpy as np
import pytest

from bittts.engine.resample import StreamResampler, output_length, polyphase_filter, resample_reference


@pytest.mark.parametrize("rates", [(22050, 24000), (24000, 16000), (8000, 12000), (44100, 48000)])
def test_streaming_in_uneven_chunks_equals_the_reference(rates):
    rng = np.random.default_rng(7)
    x = rng.uniform(-0.9, 0.9, 700).astype(np.float32)
    want = resample_reference(x, *rates, taps_per_phase=16)
    resampler = StreamResampler(*rates, taps_per_phase=16)
    cuts = np.sort(rng.choice(np.arange(1, len(x)), 12, replace=False))
    pieces = [resampler.process(part) for part in np.split(x, cuts)] + [resampler.flush()]
    got = np.concatenate(pieces)
    assert len(got) == len(want) == output_length(len(x), *rates)
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_a_sine_keeps_its_shape_and_level():
    rate_in, rate_out, hz = 22050, 24000, 1000.0
    x = (0.5 * np.sin(2 * np.pi * hz * np.arange(rate_in) / rate_in)).astype(np.float32)
    resampler = StreamResampler(rate_in, rate_out)
    y = np.concatenate([resampler.process(x[:5000]), resampler.process(x[5000:]), resampler.flush()])
    exact = 0.5 * np.sin(2 * np.pi * hz * np.arange(len(y)) / rate_out)
    interior = slice(200, len(y) - 200)  # the edges see the silence around the signal
    assert np.max(np.abs(y[interior] - exact[interior])) < 2e-3  # better than -48 dB


def test_a_tone_above_the_new_nyquist_is_removed_when_downsampling():
    rate_in, rate_out = 24000, 16000
    x = np.sin(2 * np.pi * 10000 * np.arange(rate_in) / rate_in)  # 10 kHz, above 8 kHz
    resampler = StreamResampler(rate_in, rate_out)
    y = np.concatenate([resampler.process(x), resampler.flush()])
    assert np.sqrt(np.mean(y[200:-200] ** 2)) < 1e-3  # 0.707 in: more than 55 dB down


def test_each_phase_sums_to_one_so_a_constant_stays_constant():
    phases = polyphase_filter(160, 147)
    np.testing.assert_allclose(phases.sum(axis=1), 1.0, atol=1e-12)
    resampler = StreamResampler(22050, 24000)
    y = np.concatenate([resampler.process(np.full(3000, 0.25)), resampler.flush()])
    np.testing.assert_allclose(y[100:-100], 0.25, atol=1e-6)
