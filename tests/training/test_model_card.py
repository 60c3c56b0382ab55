"""The model card's rendering of the paper table (training/results/paper_table.json)."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("torch")  # training.data, which the model card reads the corpus through

from training.model_card import paper_table_markdown  # noqa: E402

ROW = {
    "label": "1.58-bit",
    "file_bytes": 1_590_000,
    "parameters": 4_075_733,
    "fp32_weight_bytes": 16_302_932,
    "wer": 0.0875,
    "teacher_wer": 0.076,
    "dnsmos_ovrl": 2.6,
    "teacher_dnsmos_ovrl": 2.9,
    "mcd_db": 4.2,
    "rtf": 0.006,
}


def test_markdown_has_a_line_per_row_and_the_teacher():
    row = dict(ROW)
    text = paper_table_markdown(
        {
            "budget": {"vocoder_steps": 800, "acoustic_steps": 2500, "test_sentences_per_voice": 8},
            "rows": [row, {**row, "label": "fp32"}],
        }
    )
    lines = text.splitlines()
    assert "800 steps" in lines[0] and "2500 steps" in lines[0]
    assert sum(1 for line in lines if line.startswith("| 1.58-bit |")) == 1
    assert "| 1.58-bit | 1.59 | 4.08M | 16.3 | 8.8% | 2.60 | 4.20 | 0.0060 |  |" in lines
    assert lines[-1].startswith("| teacher voices |") and "7.6%" in lines[-1]
    assert math.isfinite(row["wer"])


def test_markdown_gives_each_rows_training_minutes_when_recorded():
    row = {**ROW, "train_seconds": {"vocoder": 600.0, "acoustic": 1500.0, "finetune": 0.0}}
    old = {k: v for k, v in row.items() if k != "train_seconds"} | {"label": "old"}
    text = paper_table_markdown(
        {"budget": {"vocoder_steps": 800, "acoustic_steps": 2500, "test_sentences_per_voice": 8}, "rows": [row, old]}
    )
    header = next(line for line in text.splitlines() if line.startswith("| model |"))
    cells = lambda line: [c.strip() for c in line.strip("|").split("|")]  # noqa: E731
    column = cells(header).index("training (min)")
    by_label = {cells(line)[0]: cells(line) for line in text.splitlines() if line.startswith("| ")}
    assert by_label["1.58-bit"][column] == "35"
    assert by_label["old"][column] == ""
    assert len(by_label["teacher voices"]) == len(cells(header))
