"""research.phone_fit: the labels the accents part on, and the tallies it ranks phones by."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("torch")

from research.phone_fit import PhoneTally, phone_labels  # noqa: E402

SYMBOLS = ["<sil>", "<wb>", ".", "AE1", "AE0", "AA1", "ER0", "F", "T", "N", "S", "R", "K", "IH0"]


def labels(*names: str) -> list[str]:
    return phone_labels(SYMBOLS, np.array([SYMBOLS.index(n) for n in names]))


def test_r_is_split_by_whether_a_vowel_follows_across_word_boundaries():
    # "car ... ", "carry", "for a" (linking R: a vowel follows after the word boundary)
    assert labels("K", "AA1", "R", "<sil>") == ["K", "AA", "R-V", "pause"]
    assert labels("K", "AE1", "R", "IH0") == ["K", "AE", "R+V", "IH"]
    assert labels("F", "ER0", "R", "<wb>", "ER0") == ["F", "ER", "R+V", "pause", "ER"]
    assert labels("AA1", "R", "<wb>", "T") == ["AA", "R-V", "pause", "T"]


def test_bath_words_are_told_from_trap_words_by_what_follows_the_stressed_vowel():
    assert labels("AE1", "F", "T", "ER0")[0] == "AE(bath)"  # after
    assert labels("K", "AE1", "N", "T", "<sil>")[1] == "AE(bath)"  # can't
    assert labels("AE1", "S", "K")[0] == "AE(bath)"  # ask
    assert labels("K", "AE1", "N", "IH0")[1] == "AE"  # cannon: a vowel follows the N
    assert labels("AE1", "S", "IH0")[0] == "AE"  # a vowel follows the S
    assert labels("AE0", "F", "T")[0] == "AE"  # unstressed
    assert labels("K", "AE1", "T")[1] == "AE"  # cat


def test_tally_rows_shares_and_excess():
    t = PhoneTally()
    # voice a: 3 frames of X at L1 1.0, 1 frame of Y at 0.5; voice b: X at 0.5, Y at 0.5
    t.add("a", ["X", "Y"], np.array([3, 1]), np.array([1.0, 1.0, 1.0, 0.5]), np.array([0.1, -0.3]))
    t.add("b", ["X", "Y"], np.array([2, 2]), np.array([0.5, 0.5, 0.5, 0.5]), np.array([0.0, 0.0]))
    x = t.row("a", "X")
    assert x["frame_share"] == 0.75 and x["mel_l1"] == 1.0 and x["mean_frames"] == 3
    assert x["dur_mse"] == pytest.approx(0.01)
    assert t.row("a", "Y")["dur_mse"] == pytest.approx(0.09)
    assert dict(t.excess("a", "b")) == {"X": 1.0, "Y": 0.0}  # all of a's excess is in X
    assert math.isnan(t.row("a", "Z")["mel_l1"])


def test_centroids_use_the_middle_of_tokens_and_skip_short_ones():
    t = PhoneTally()
    teacher = np.zeros((9, 2), np.float32)
    teacher[0:4] = [[9, 9], [1, 1], [1, 1], [9, 9]]  # A: its middle half reads 1
    teacher[4:8] = 3.0  # B: 3
    teacher[8] = 50.0  # C: a 1-frame token, not counted
    ours = teacher + 0.5
    t.add("v", ["A", "B", "C"], np.array([4, 4, 1]), np.zeros(9), np.zeros(3), teacher, ours)
    assert t.centroid_distance("v", "A", "B") == pytest.approx(2.0)
    assert t.centroid_distance("v", "A", "A", ours=True) == pytest.approx(0.5)
    assert t.centroid_distance("v", "A", "B", ours=True) == pytest.approx(1.5)
    assert math.isnan(t.centroid_distance("v", "A", "C"))


def test_smoothing_kept_reads_one_for_the_teacher_and_less_for_a_smoothed_copy():
    from research.phone_fit import smoothing_kept, spread

    rng = np.random.default_rng(0)
    teacher = [rng.standard_normal((40, 3)).astype(np.float32) for _ in range(4)]
    halved = [0.5 * t for t in teacher]
    assert smoothing_kept([(spread(t), spread(t)) for t in teacher]) == pytest.approx((1.0, 1.0))
    variance, change = smoothing_kept([(spread(h), spread(t)) for h, t in zip(halved, teacher)])
    assert variance == pytest.approx(0.25) and change == pytest.approx(0.5)
    # a 3-frame moving average of white noise keeps about a third of both
    averaged = [np.stack([np.convolve(t[:, b], np.ones(3) / 3, "same") for b in range(3)], 1) for t in teacher]
    variance, change = smoothing_kept([(spread(a), spread(t)) for a, t in zip(averaged, teacher)])
    assert 0.2 < variance < 0.45 and 0.2 < change < 0.45


def test_a_voice_the_checkpoint_lacks_is_refused_with_the_voices_it_has():
    from pathlib import Path

    from research.phone_fit import main

    checkpoint = Path(__file__).resolve().parents[2] / "training" / "checkpoints" / "bittts.pt"
    with pytest.raises(SystemExit, match=r"no such voice in .*bittts.pt: nobody \(it has bdl, .*pico_gb\)"):
        main(["--checkpoint", str(checkpoint), "--voices", "pico_gb,nobody"])


def test_band_groups_cover_the_mel_bands_at_the_frequencies_the_docs_name():
    from research.phone_fit import BAND_GROUPS
    from training.corpus.features import FMAX, FMIN, N_MELS, hz_to_mel, mel_to_hz

    assert BAND_GROUPS[0][0] == 0 and BAND_GROUPS[-1][1] == N_MELS
    assert all(a[1] == b[0] for a, b in zip(BAND_GROUPS, BAND_GROUPS[1:]))
    upper_edges = mel_to_hz(np.linspace(hz_to_mel(FMIN), hz_to_mel(FMAX), N_MELS + 2))[2:]
    assert upper_edges[BAND_GROUPS[0][1] - 1] == pytest.approx(1300, rel=0.05)  # band 29 ends near 1.3 kHz
    assert upper_edges[BAND_GROUPS[1][1] - 1] == pytest.approx(3800, rel=0.05)  # band 54 near 3.8 kHz


def test_per_voice_takes_each_voices_first_test_sentences_as_the_evaluation_does(tmp_path, monkeypatch):
    import json

    from training import evaluate
    from training.data import select_rows

    rows = [
        {"id": f"u{i:02d}", "speaker": ("slt", "bdl", "alan")[i % 3], "split": "valid" if i % 5 == 0 else "test"}
        for i in range(30)
    ]
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in reversed(rows)))  # not in id order on disk
    monkeypatch.setattr(evaluate, "MANIFEST", manifest)
    picked = select_rows("test", manifest, speakers={"bdl", "slt"}, per_speaker=3)
    assert [r["id"] for r in picked] == ["u01", "u04", "u07", "u03", "u06", "u09"]  # bdl, then slt (u00: valid)
    assert picked == evaluate.test_sentences("bdl", 3) + evaluate.test_sentences("slt", 3)
    assert len(select_rows("test", manifest, per_speaker=0)) == sum(r["split"] == "test" for r in rows)  # 0: all
