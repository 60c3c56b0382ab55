"""research/paper_table.py's bookkeeping: the merged row, when a row is evaluated again, each
model's run names, commands and table (the first model's and the second generation's, training
faked), the narrow row's sizes. Skipped where torch is missing."""

from __future__ import annotations

import json
from pathlib import Path

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


@pytest.mark.parametrize(
    ("corpus", "kind", "prefix", "card"),
    [("classic", "ddsp", "", "paper_table.json"), ("kokoro", "vocos", "kokoro-", "paper_table-kokoro.json")],
)
def test_each_row_trains_exports_and_is_evaluated_under_its_models_names(
    tmp_path, monkeypatch, corpus, kind, prefix, card
):
    """The whole comparison with training, export and evaluation faked: the commands each row
    runs, the merged row 4, the table with Distill-MOS and its gap to fp32 beside the paper's."""
    from training.model_card import paper_table_markdown

    runs, evals = tmp_path / "runs", tmp_path / "eval"
    monkeypatch.setattr(paper_table, "RUNS", runs)
    monkeypatch.setattr(paper_table, "EVAL", evals)
    monkeypatch.setattr(paper_table, "RESULTS", tmp_path / "results" / "paper_table.json")
    mos = {"fp32": 3.9, "fp32-narrow": 2.5, "ternary": 3.6, "ternary-acoustic": 3.8}  # made up
    commands = []

    def fake_run(cmd, log):
        commands.append(cmd)
        module = cmd[2]
        arg = lambda flag: cmd[cmd.index(flag) + 1]  # noqa: E731
        if module == "training.train":
            flags = dict(c.lstrip("-").split("=") for c in cmd if "=" in c)
            ckpt = _checkpoint(flags["quantize-acoustic"] == "True", flags["quantize-vocoder"] == "True", 3)
            (runs / arg("--run")).mkdir(parents=True)
            torch.save(ckpt, runs / arg("--run") / "model.pt")
        elif module == "training.export":
            Path(arg("--out")).write_bytes(arg("--checkpoint").encode())  # a file per checkpoint
        elif module == "training.evaluate":
            design = arg("--tag").removeprefix(f"paper-{prefix}")
            mean = {"wer": 0.1, "teacher_wer": 0.05, "dnsmos_ovrl": 3.0, "teacher_dnsmos_ovrl": 3.2, "mcd_db": 4.0}
            mean |= {"distill_mos": mos[design], "teacher_distill_mos": 4.1}
            voices = {"v": {**mean, "rtf_2threads_shared": 0.01}, "_mean": mean}
            out = evals / arg("--tag") / "results.json"
            out.parent.mkdir(parents=True)
            out.write_text(json.dumps({"per_voice": int(arg("--per-voice")), "voices": voices}))

    monkeypatch.setattr(paper_table, "run", fake_run)
    assert paper_table.main(["--corpus", corpus, "--vocoder-kind", kind, "--per-voice", "4"]) == 0

    trained = [c for c in commands if c[2] == "training.train"]
    assert [c[c.index("--run") + 1] for c in trained] == [f"{prefix}{n}" for n in ("fp32", "fp32-narrow", "ternary")]
    assert all(c[c.index("--corpus") + 1] == corpus and c[c.index("--vocoder-kind") + 1] == kind for c in trained)
    assert "--width=0.25" in trained[1] and "--width=1.0" in trained[0]
    evaluated = [c for c in commands if c[2] == "training.evaluate"]
    assert len(evaluated) == 4 and all("--speeds=" in c for c in evaluated)  # no speeds in the comparison
    merged = torch.load(runs / f"{prefix}ternary-acoustic" / "model.pt", weights_only=False)
    assert merged["config"] == {"quantize_acoustic": True, "quantize_vocoder": False}

    table = json.loads((runs / f"{prefix}paper_table.json").read_text())
    assert (tmp_path / "results" / card).read_text() == (runs / f"{prefix}paper_table.json").read_text()
    assert [r["row"] for r in table["rows"]] == [prefix + d for d in mos]
    assert [r["distill_mos"] for r in table["rows"]] == list(mos.values())
    gap = table["distill_mos_gap"]["ternary"]
    assert gap["ours"] == pytest.approx(0.3) and gap["paper"] == pytest.approx(0.66)
    assert table["distill_mos_gap"]["ternary-acoustic"]["paper"] == pytest.approx(0.45)

    text = paper_table_markdown(table)
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert "Distill-MOS" in rows[0] and all(line.count("|") == rows[0].count("|") for line in rows)
    assert "| 3.60 | 3.09 |" in next(line for line in rows if line.startswith("| 1.58-bit acoustic model and"))
    assert "| 4.10 |" in rows[-1]  # the teachers' Distill-MOS
    assert "1.58-bit acoustic model and vocoder 0.30 (the paper's MOS: 0.66)" in text


def test_the_narrow_row_scales_the_vocos_vocoder_and_stays_about_the_1_58_bit_size():
    sizes = paper_table.row_sizes("kokoro", "vocos")
    assert sizes["fp32-narrow"]["vocoder_channels"] == 64 and sizes["ternary"]["vocoder_channels"] == 256
    assert sizes["fp32-narrow"]["vocoder_parameters"] < sizes["ternary"]["vocoder_parameters"] / 8
    # the paper's pairing: fp32 weights of the narrow model about the 1.58-bit file's packed weights
    ratio = sizes["fp32-narrow"]["fp32_weight_bytes"] / sizes["ternary"]["packed_weight_bytes"]
    assert 0.75 < ratio < 1.33
    assert sizes["fp32"]["packed_weight_bytes"] > 5 * sizes["ternary"]["packed_weight_bytes"]


def test_a_table_from_before_distill_mos_has_no_gap():
    rows = [{"design": d, "distill_mos": None} for d in ("fp32", "ternary")]
    assert paper_table.mos_gaps(rows) is None
    rows = [{"design": "fp32", "distill_mos": 4.0}, {"design": "ternary", "distill_mos": 3.5}]
    assert paper_table.mos_gaps(rows) == {"ternary": {"ours": 0.5, "paper": pytest.approx(0.66)}}
