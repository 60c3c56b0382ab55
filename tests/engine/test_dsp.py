"""The DDSP synthesizer: native oscillator bank against its NumPy reference."""

import numpy as np
import pytest

from bittts.engine import dsp


@pytest.mark.parametrize("frames, harmonics, hop", [(1, 1, 256), (7, 100, 256), (30, 37, 64), (3, 5, 1)])
def test_native_oscillators_match_the_reference(frames, harmonics, hop):
    rng = np.random.default_rng(frames * 31 + harmonics)
    f0 = rng.uniform(60, 400, frames).astype(np.float32)
    amps = rng.uniform(0, 0.1, (frames, harmonics)).astype(np.float32)
    amps[:, harmonics // 2 :] *= rng.random((frames, 1)) < 0.5  # silent upper harmonics in some frames
    got, phase = dsp.harmonic_signal(f0, amps, 22050, hop, phase=0.3)
    want, want_phase = dsp.harmonic_signal_reference(f0, amps, 22050, hop, phase=0.3)
    assert got.shape == want.shape == (frames * hop,)
    np.testing.assert_allclose(got, want, atol=2e-5 * max(1.0, np.abs(want).max()))
    assert abs(phase - want_phase) < 1e-6


def test_a_single_harmonic_is_a_sine_at_f0():
    sr, hop, frames = 22050, 256, 40
    f0 = np.full(frames, 441.0, np.float32)
    samples, _ = dsp.harmonic_signal(f0, np.ones((frames, 1), np.float32), sr, hop)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    peak_hz = np.argmax(spectrum) * sr / len(samples)
    assert abs(peak_hz - 441.0) < sr / len(samples)
    assert 0.99 < np.abs(samples).max() <= 1.0 + 1e-6


def test_phase_continues_across_calls():
    f0 = np.full(10, 200.0, np.float32)
    amps = np.ones((10, 3), np.float32)
    whole, _ = dsp.harmonic_signal(np.concatenate([f0, f0]), np.concatenate([amps, amps]), 22050, 256)
    first, phase = dsp.harmonic_signal(f0, amps, 22050, 256)
    second, _ = dsp.harmonic_signal(f0, amps, 22050, 256, phase=phase)
    np.testing.assert_allclose(np.concatenate([first, second]), whole, atol=1e-5)


def test_harmonics_above_the_ceiling_are_silent():
    f0 = np.array([1000.0, 1000.0], np.float32)
    amps = dsp.harmonic_amplitudes(f0, np.zeros((2, 128), np.float32), 22050, 20, 0.95)
    assert (amps[:, :10] == 1).all()  # 10 kHz < 0.95 * 11,025 Hz
    assert (amps[:, 10:] == 0).all()


def test_noise_with_flat_unit_gain_keeps_white_noise_level():
    frames, n_fft, hop = 200, 512, 256
    noise = dsp.white_noise_frames(frames, n_fft, seed=1)
    out = dsp.noise_signal(np.zeros((frames, 65), np.float32), noise, hop)
    assert out.shape == (frames * hop,)
    # Hann-windowed frames overlap-added at 50%: the sum has about the variance of one windowed frame pair.
    assert 0.5 < out[n_fft:-n_fft].std() < 1.0
    quiet = dsp.noise_signal(np.full((frames, 65), -5.0, np.float32), noise, hop)
    assert quiet.std() < out.std() * np.exp(-4.9)


def test_white_noise_made_in_blocks_is_the_generators_one_draw():
    want = np.random.default_rng(7).standard_normal((150, 512)).astype(np.float32)
    for block in (1, 64, 149, 1000):
        assert np.array_equal(dsp.white_noise_frames(150, 512, 7, block=block), want)


@pytest.mark.parametrize("block", [1, 5, 64])
def test_noise_filtered_in_blocks_equals_all_frames_at_once(block):
    frames, n_fft, hop = 150, 512, 256
    rng = np.random.default_rng(3)
    gains = rng.normal(-2, 1, (frames, 65)).astype(np.float32)
    noise = dsp.white_noise_frames(frames, n_fft, seed=2)
    whole = dsp.noise_segment(gains, noise, hop, 0, 0, frames, block=frames)
    assert np.array_equal(dsp.noise_segment(gains, noise, hop, 0, 0, frames, block=block), whole)
    lo, hi = dsp.noise_frames_for(40, 90, frames, n_fft, hop)
    part = dsp.noise_segment(gains[lo:hi], noise[lo:hi], hop, lo, 40, 90, block=block)
    assert np.array_equal(part, whole[40 * hop : 90 * hop])
