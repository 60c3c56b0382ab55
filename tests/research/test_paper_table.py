"""research/paper_table.py's bookkeeping: the merged row, when a row is evaluated again.
Skipped where torch is missing."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")

from research import paper_table  # noqa: E402


def _checkpoint(quantize_acoustic, quantize_vocoder, marker):
    return {
        "config": {"quantize_acoustic": quantize_acoustic, "quantize_vocoder": quantize_vocoder},
        "phones": ["a"],
        "speakers": [{"name": "x"}],
        "acoustic": {"w": torch.full((2,), marker)},
        "vocoder": {"v": torch.full((2,), marker)},
        "step_acoustic": 10 * marker,
        "step_vocoder": 5 * marker,
        "seconds": {"acoustic": 1.0 * marker, "vocoder": 2.0 * marker},
        "audio_seconds": {},
    }


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
