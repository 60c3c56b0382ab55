"""The inverse STFT (engine/istft.py): the fast path against its explicit-sum reference and
against torch.istft as training calls it (training/model/vocos.py spectrum_to_wave), and its
segments against the whole."""

from __future__ import annotations

import numpy as np
import pytest

from bittts.engine import istft

LAYOUTS = [(64, 16), (64, 24), (48, 20), (32, 16), (40, 8)]  # (n_fft, hop): whole and partial hops a window


def network_frames(frames: int, n_fft: int, seed: int) -> np.ndarray:
    """Random [frames, n_fft + 2] log-magnitudes (some above the ceiling) and phases."""
    rng = np.random.default_rng(seed)
    bins = n_fft // 2 + 1
    log_mag = rng.normal(0, 2.5, (frames, bins))
    phase = rng.uniform(-4, 4, (frames, bins))
    return np.concatenate([log_mag, phase], axis=1).astype(np.float32)


@pytest.mark.parametrize("n_fft,hop", LAYOUTS)
def test_the_fast_path_matches_the_explicit_sum(n_fft, hop):
    out = network_frames(9, n_fft, n_fft + hop)
    want = istft.istft_reference(out, n_fft, hop)
    got = istft.istft(out, n_fft, hop)
    assert got.dtype == np.float32 and got.shape == (9 * hop,)
    np.testing.assert_allclose(got, want, rtol=0, atol=2e-6 * np.abs(want).max())


@pytest.mark.parametrize("n_fft,hop", LAYOUTS + [(1200, 300)])
def test_the_fast_path_is_torch_istft(n_fft, hop):
    torch = pytest.importorskip("torch")
    from training.model.vocos import spectrum_to_wave

    out = network_frames(23, n_fft, 7)
    want = spectrum_to_wave(torch.from_numpy(out.T[None].copy()), n_fft, hop)[0].numpy()
    np.testing.assert_allclose(istft.istft(out, n_fft, hop), want, rtol=0, atol=2e-6 * np.abs(want).max())


def test_the_log_magnitude_is_clamped_at_the_ceiling():
    out = network_frames(5, 32, 1)
    out[:, 3] = istft.LOG_MAGNITUDE_CEILING + 0.5
    louder = out.copy()
    louder[:, :17] = np.where(out[:, :17] > istft.LOG_MAGNITUDE_CEILING, 50.0, out[:, :17])
    assert (out[:, :17] > istft.LOG_MAGNITUDE_CEILING).any()
    np.testing.assert_array_equal(istft.istft(louder, 32, 8), istft.istft(out, 32, 8))


@pytest.mark.parametrize("n_fft,hop", LAYOUTS)
def test_frames_for_lists_exactly_the_windows_over_the_samples(n_fft, hop):
    frames, half = 17, n_fft // 2
    for start in range(frames):
        for stop in range(start + 1, frames + 1):
            covering = [
                j
                for j in range(frames + 1)
                if j * hop - half < stop * hop and start * hop < j * hop - half + n_fft  # window meets samples
            ]
            assert istft.frames_for(start, stop, frames, n_fft, hop) == (covering[0], covering[-1] + 1)


@pytest.mark.parametrize("n_fft,hop", LAYOUTS)
def test_segments_join_into_the_whole_exactly(n_fft, hop):
    frames = 21
    out = network_frames(frames, n_fft, 3)
    spectra = istft.frame_spectra(np.concatenate([out, out[-1:]]), n_fft)
    whole = istft.istft(out, n_fft, hop)
    parts = []
    for start, stop in [(0, 1), (1, 2), (2, 9), (9, 20), (20, 21)]:
        lo, hi = istft.frames_for(start, stop, frames, n_fft, hop)
        parts.append(istft.istft_segment(spectra[lo:hi], lo, n_fft, hop, start, stop))
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_a_segment_without_its_windows_is_refused():
    spectra = istft.frame_spectra(network_frames(6, 32, 2), 32)
    with pytest.raises(ValueError, match="do not cover"):
        istft.istft_segment(spectra[3:], 3, 32, 8, 0, 2)
    with pytest.raises(ValueError, match="log-magnitudes and phases"):
        istft.frame_spectra(np.zeros((3, 33), np.float32), 32)


@pytest.mark.parametrize("n_fft,hop", LAYOUTS + [(1200, 300)])
@pytest.mark.parametrize("block", [1, 3, 64])
def test_the_segment_made_over_the_network_frames_is_the_same(n_fft, hop, block, monkeypatch):
    """istft_segment_over writes over the network's frames, a block of rows at a time, and
    repeats the last frame at the utterance's end without a copy: the samples are those of
    istft_segment on frame_spectra of the frames (the last one appended), exactly; a row slice
    of a larger array works (the Vocos stream passes one) and nothing outside it is touched."""
    monkeypatch.setattr(istft, "ISTFT_BLOCK_FRAMES", block)
    frames = 21
    net = network_frames(frames, n_fft, 5)
    ends = 0
    for start, stop in [(0, 21), (2, 9), (20, 21), (0, 1)]:
        lo, hi = istft.frames_for(start, stop, frames, n_fft, hop)
        rows = np.concatenate([net, net[-1:]])[lo:hi]
        want = istft.istft_segment(istft.frame_spectra(rows, n_fft), lo, n_fft, hop, start, stop)
        scratch = np.concatenate([net, net])  # the frames, then rows past them
        got = istft.istft_segment_over(scratch[lo : min(hi, frames)], lo, n_fft, hop, start, stop, hi > frames)
        np.testing.assert_array_equal(got, want)
        assert not np.array_equal(scratch[lo : min(hi, frames)], net[lo:hi])  # its memory was used
        np.testing.assert_array_equal(scratch[min(hi, frames) :], np.concatenate([net, net])[min(hi, frames) :])
        ends += hi > frames
    assert ends == 2  # the utterance's end was among them


def test_the_segment_over_the_frames_refuses_what_it_cannot_write():
    out = network_frames(6, 32, 2)
    for bad in (out.astype(np.float64), out[:, ::-1], np.broadcast_to(out[:1], out.shape)):
        with pytest.raises(ValueError, match="writeable float32 rows"):
            istft.istft_segment_over(bad, 0, 32, 8, 0, 5)
