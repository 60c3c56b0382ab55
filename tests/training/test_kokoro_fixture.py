"""The Kokoro corpus fixture (tests/fixtures/corpus-kokoro/, written by
`training.corpus.make_fixture --teachers kokoro` from real Kokoro utterances): its features
are what features.py computes from its audio and Kokoro's own durations. No Kokoro, no corpus."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bittts.engine.text import phones

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus-kokoro"
MANIFEST = FIXTURE / "manifest.json"

pytestmark = pytest.mark.skipif(not MANIFEST.exists(), reason="Kokoro corpus fixture not generated")


def _utterances():
    import soundfile as sf

    m = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for u in m["utterances"]:
        stem = FIXTURE / u["file"][: -len(".npz")]
        with np.load(FIXTURE / u["file"]) as z:
            arrays = {k: z[k] for k in z.files}
        audio, sr = sf.read(str(stem) + ".flac", dtype="float32")
        meta = json.loads(Path(str(stem) + ".json").read_text(encoding="utf-8"))
        yield u, arrays, audio, sr, meta


def test_header_voices_and_layout():
    m = json.loads(MANIFEST.read_text(encoding="utf-8"))
    f = m["frame"]
    assert (f["sample_rate"], f["hop"], f["n_fft"], f["n_mels"], f["fmax"]) == (24000, 300, 1200, 80, 12000)
    accents = {u["speaker"] for u in m["utterances"]}
    assert len(accents) >= 3 and m["symbols"] == list(phones.SYMBOLS)


def test_kokoro_durations_sum_to_the_audio_and_match_the_symbols():
    for u, arrays, audio, sr, meta in _utterances():
        assert sr == 24000 and meta["kokoro_voice"].endswith(u["speaker"])
        assert sum(meta["symbol_samples"]) == len(audio)
        ids = [phones.PHONE_TO_ID[s] for s in meta["symbols"]]
        assert list(arrays["phone_ids"]) == ids
        assert meta["symbols"][0] == phones.BOS and meta["symbols"][-1] == phones.EOS


def test_features_are_recomputed_from_the_audio():
    features = pytest.importorskip("training.corpus.features")
    layout = features.KOKORO_LAYOUT
    shifted_total = unshifted_total = 0
    for _, arrays, audio, sr, meta in _utterances():
        T = 1 + len(audio) // layout.hop
        assert arrays["mel"].shape == (T, 80) and int(arrays["durations"].sum()) == T
        mel = features.log_mel(features.stft_magnitude(audio, layout), layout)
        assert np.abs(mel - arrays["mel"].astype(np.float32)).max() < 0.02
        dur_s = features.shift_boundaries(np.array(meta["symbol_samples"]) / sr, features.KOKORO_SHIFT_S)
        assert (features.frame_durations(dur_s, T, layout) == arrays["durations"]).all()
        # the shift puts the speech inside the sentence: (almost) no voiced frame in the
        # leading or trailing silence, fewer than with Kokoro's durations as they come. Kokoro's
        # word boundaries take time (a frame or two of transition), so voiced frames do fall on <wb>.
        edge_voiced = {}
        for shift in (features.KOKORO_SHIFT_S, 0.0):
            d = features.frame_durations(
                features.shift_boundaries(np.array(meta["symbol_samples"]) / sr, shift), T, layout
            )
            owner = np.repeat(np.arange(len(meta["symbols"])), d)
            edge = np.isin(owner, [0, len(meta["symbols"]) - 1])
            edge_voiced[shift] = int((edge & (arrays["voiced"] == 1)).sum())
        assert edge_voiced[features.KOKORO_SHIFT_S] <= 2
        shifted_total += edge_voiced[features.KOKORO_SHIFT_S]
        unshifted_total += edge_voiced[0.0]
    assert shifted_total < unshifted_total
