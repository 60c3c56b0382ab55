"""Invariants of the corpus fixture (tests/fixtures/corpus/, written by
training/corpus/make_fixture.py from real teacher features). Needs only numpy and the package:
no torch, no teachers, no corpus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bittts.engine.text import phones

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
MANIFEST = FIXTURE / "manifest.json"

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason="corpus fixture not generated")


def _manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def _utterances():
    m = _manifest()
    for u in m["utterances"]:
        with np.load(FIXTURE / u["file"]) as z:
            yield u, {k: z[k] for k in z.files}


def test_manifest_header():
    m = _manifest()
    assert m["format"] == "bittts-corpus-fixture" and m["version"] == 1
    f = m["frame"]
    assert (f["sample_rate"], f["hop"], f["n_fft"], f["n_mels"]) == (22050, 256, 1024, 80)
    assert f["fmin"] == 0 and f["fmax"] == 11025
    assert len(m["utterances"]) >= 2


def test_symbol_inventory_matches_front_end():
    # ids in the fixture index this list; the model's inventory may only be appended to
    syms = _manifest()["symbols"]
    assert tuple(syms) == phones.SYMBOLS[: len(syms)]


def test_shapes_and_dtypes():
    for u, z in _utterances():
        T = z["mel"].shape[0]
        assert z["mel"].shape == (T, 80) and z["mel"].dtype == np.float16, u["file"]
        for k in ("f0", "voiced", "energy"):
            assert z[k].shape == (T,), (u["file"], k)
        assert z["phone_ids"].ndim == 1 and z["durations"].shape == z["phone_ids"].shape
        assert T == u["frames"] and z["phone_ids"].shape[0] == u["symbols"]
        assert np.isfinite(z["mel"].astype(np.float32)).all()
        assert np.isfinite(z["energy"].astype(np.float32)).all()


def test_durations_sum_to_mel_frames():
    for u, z in _utterances():
        d = z["durations"].astype(np.int64)
        assert (d >= 0).all(), u["file"]
        assert int(d.sum()) == z["mel"].shape[0], u["file"]


def test_phone_ids_in_range_and_framed_by_bos_eos():
    n = len(phones.SYMBOLS)
    for u, z in _utterances():
        ids = z["phone_ids"].astype(np.int64)
        assert ((ids > 0) & (ids < n)).all(), u["file"]  # never <pad>
        assert ids[0] == phones.PHONE_TO_ID[phones.BOS] and ids[-1] == phones.PHONE_TO_ID[phones.EOS]
        arpabet = {phones.PHONE_TO_ID[p] for p in phones.ARPABET}
        # every real phone lasts at least one frame (the aligner gives 30 ms minimum)
        d = z["durations"]
        for i, d_i in zip(ids, d):
            if int(i) in arpabet:
                assert d_i >= 1, (u["file"], phones.SYMBOLS[i])


def test_f0_and_voicing_agree():
    for u, z in _utterances():
        f0 = z["f0"].astype(np.float32)
        assert ((f0 > 0) == (z["voiced"] > 0)).all(), u["file"]
        v = f0[f0 > 0]
        assert v.size > 0.2 * f0.size, u["file"]  # speech is mostly voiced
        assert v.min() >= 50 and v.max() <= 550, u["file"]  # dio range 60-500 Hz


def test_speaker_ids_and_log_mel_range():
    for u, z in _utterances():
        assert int(z["speaker_id"]) == u["speaker_id"]
        mel = z["mel"].astype(np.float32)
        assert mel.min() >= np.log(1e-5) - 1e-2  # the log floor
        assert mel.max() < 5.0  # loudness-normalized audio
