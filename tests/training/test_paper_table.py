"""The evaluation's MCD scale, the ablation configurations and the paper table's bookkeeping.
Skipped where torch is missing."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from training import paper_table  # noqa: E402
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


def _checkpoint(quantize_acoustic, quantize_vocoder, marker):
    return {"config": {"quantize_acoustic": quantize_acoustic, "quantize_vocoder": quantize_vocoder},
            "phones": ["a"], "speakers": [{"name": "x"}], "acoustic": {"w": torch.full((2,), marker)},
            "vocoder": {"v": torch.full((2,), marker)}, "step_acoustic": 10 * marker, "step_vocoder": 5 * marker,
            "seconds": {"acoustic": 1.0 * marker, "vocoder": 2.0 * marker}, "audio_seconds": {}}


def test_row_four_takes_one_runs_acoustic_model_and_anothers_vocoder(tmp_path, monkeypatch):
    monkeypatch.setattr(paper_table, "RUNS", tmp_path)
    for name, ckpt in (("ternary", _checkpoint(True, True, 1)), ("fp32", _checkpoint(False, False, 2))):
        (tmp_path / name).mkdir()
        torch.save(ckpt, tmp_path / name / "model.pt")
    out = tmp_path / "ternary-acoustic" / "model.pt"
    paper_table.merged_checkpoint("ternary", "fp32", out)
    m = torch.load(out, weights_only=False)
    assert m["config"] == {"quantize_acoustic": True, "quantize_vocoder": False}
    assert float(m["acoustic"]["w"][0]) == 1 and float(m["vocoder"]["v"][0]) == 2
    assert (m["step_acoustic"], m["step_vocoder"]) == (10, 10)
    assert m["seconds"] == {"acoustic": 1.0, "vocoder": 4.0}


def test_markdown_has_a_line_per_row_and_the_teacher():
    row = {"label": "1.58-bit", "file_bytes": 1_590_000, "parameters": 4_075_733, "fp32_weight_bytes": 16_302_932,
           "wer": 0.0875, "teacher_wer": 0.076, "dnsmos_ovrl": 2.6, "teacher_dnsmos_ovrl": 2.9, "mcd_db": 4.2,
           "rtf": 0.006}
    text = paper_table.markdown({"budget": {"vocoder_steps": 800, "acoustic_steps": 2500, "test_sentences_per_voice": 8},
                                 "rows": [row, {**row, "label": "fp32"}]})
    lines = text.splitlines()
    assert "800 steps" in lines[0] and "2500 steps" in lines[0]
    assert sum(1 for line in lines if line.startswith("| 1.58-bit |")) == 1
    assert "| 1.58-bit | 1.59 | 4.08M | 16.3 | 8.8% | 2.60 | 4.20 | 0.0060 |  |" in lines
    assert lines[-1].startswith("| teacher voices |") and "7.6%" in lines[-1]
    assert math.isfinite(row["wer"])


def test_markdown_gives_each_rows_training_minutes_when_recorded():
    row = {"label": "1.58-bit", "file_bytes": 1_590_000, "parameters": 4_075_733, "fp32_weight_bytes": 16_302_932,
           "wer": 0.0875, "teacher_wer": 0.076, "dnsmos_ovrl": 2.6, "teacher_dnsmos_ovrl": 2.9, "mcd_db": 4.2,
           "rtf": 0.006, "train_seconds": {"vocoder": 600.0, "acoustic": 1500.0, "finetune": 0.0}}
    old = {k: v for k, v in row.items() if k != "train_seconds"} | {"label": "old"}
    text = paper_table.markdown({"budget": {"vocoder_steps": 800, "acoustic_steps": 2500, "test_sentences_per_voice": 8},
                                 "rows": [row, old]})
    header = next(line for line in text.splitlines() if line.startswith("| model |"))
    cells = lambda line: [c.strip() for c in line.strip("|").split("|")]  # noqa: E731
    column = cells(header).index("training (min)")
    by_label = {cells(line)[0]: cells(line) for line in text.splitlines() if line.startswith("| ")}
    assert by_label["1.58-bit"][column] == "35"
    assert by_label["old"][column] == ""
    assert len(by_label["teacher voices"]) == len(cells(header))


def test_a_row_is_evaluated_again_when_its_file_or_the_sentence_count_changes(tmp_path):
    model = tmp_path / "model.bttm"
    model.write_bytes(b"one model")
    results = tmp_path / "results.json"
    assert not paper_table._evaluated(results, model, 30)
    results.write_text(json.dumps({"model_sha": paper_table._sha(model), "per_voice": 15}))
    assert paper_table._evaluated(results, model, 15)
    assert not paper_table._evaluated(results, model, 30)  # more sentences asked: evaluate again
    model.write_bytes(b"another model")
    assert not paper_table._evaluated(results, model, 15)
