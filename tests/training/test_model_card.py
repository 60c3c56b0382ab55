"""The model card (training/model_card.py): its rendering of the paper table
(training/results/paper_table.json), the first model's card as it was, and a Kokoro/Vocos
model's card from a made-up evaluation (attribution, licence, Distill-MOS, gates, speeds)."""

from __future__ import annotations

import math
from pathlib import Path

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


# The cards of whole models: the first model's as it always was, and a Kokoro/Vocos model's.

RESULT_ROW = {
    "wer": 0.031,
    "teacher_wer": 0.02,
    "dnsmos_ovrl": 3.1,
    "teacher_dnsmos_ovrl": 3.3,
    "dnsmos_sig": 3.4,
    "teacher_dnsmos_sig": 3.5,
    "mcd_db": 5.25,
    "f0_rmse_cents": 95.0,
    "band_4_8k_ratio": 0.93,
}


def test_the_first_models_card_is_as_it_was():
    from bittts.engine.model_format import ModelFile
    from training.model_card import card_lines

    results = {"per_voice": 150, "voices": {"bdl": RESULT_ROW, "_mean": RESULT_ROW}}  # from before Distill-MOS
    with ModelFile("resources/bittts-en.bttm") as model:
        lines = card_lines(model, {}, results)
    committed = Path("resources/MODEL_CARD.md").read_text().splitlines()
    # everything the file alone decides, up to the voices' hours (which read the corpus), as committed
    head = lines[: lines.index("## Voices and their teachers") + 3]
    assert head == committed[: len(head)]
    assert "model and a DDSP (harmonic-plus-noise) vocoder, trained with 1.58-bit quantization-aware" in lines
    assert not any("Kokoro" in line or "Distill-MOS" in line or "vocoder kind" in line for line in lines)
    header = next(line for line in committed if line.startswith("| voice | WER |"))
    assert header in lines  # no Distill-MOS columns in an evaluation without them
    assert "| bdl | 3.1% | 2.0% | 3.10 | 3.30 | 3.40 | 3.50 | 5.25 | 95 | 0.93 |" in lines
    assert "| **mean** | 3.1% | 2.0% | 3.10 | 3.30 | | | 5.25 | | |" in lines


def tiny_vocos_file(path: Path) -> Path:
    """A random Vocos model whose voices are Kokoro's heart and george, without a lexicon."""
    from test_vocos_export import SMALL_VOCOS

    from bittts.engine.text.phones import SYMBOLS
    from training.export import build_writer
    from training.model.networks import AcousticModel, vocoder_for

    cfg = SMALL_VOCOS  # tests/training/test_vocos_export.py's
    speakers = [{"name": "heart"}, {"name": "george"}]
    build_writer(cfg, AcousticModel(cfg), vocoder_for(cfg), list(SYMBOLS), speakers, None, "test").write(path)
    return path


def kokoro_results() -> dict:
    """A made-up evaluation of the Kokoro model: george fails the WER gate."""
    from training.evaluate import gate_verdicts

    voices = {
        "heart": {**RESULT_ROW, "distill_mos": 4.32, "teacher_distill_mos": 4.52},
        "george": {**RESULT_ROW, "wer": 0.05, "distill_mos": 4.02, "teacher_distill_mos": 4.4},
    }
    voices["_mean"] = {**RESULT_ROW, "distill_mos": 4.17, "teacher_distill_mos": 4.46}
    speeds = {
        name: {"0.5": {"wer": 0.01, "distill_mos": 4.2}, "1": {"wer": 0.02, "distill_mos": 4.3}}
        | {"4.5": {"wer": 0.125, "distill_mos": 3.05}}
        for name in ("heart", "george")
    }
    return {
        "per_voice": 100,
        "voices": voices,
        "gates": gate_verdicts(voices),
        "speed_per_voice": 20,
        "speeds": speeds | {"_mean": speeds["heart"]},
    }


def test_a_kokoro_vocos_models_card(tmp_path, monkeypatch):
    import json
    from dataclasses import replace

    from bittts.engine.model_format import ModelFile
    from training import data
    from training.model_card import card_lines
    from training.teachers.voices import KOKORO_VOICES

    manifest = tmp_path / "features-24k" / "manifest.jsonl"  # the corpus: half an hour of heart's to train on
    manifest.parent.mkdir()
    rows = [("heart", "train", 1200.0), ("heart", "train", 600.0), ("heart", "test", 900.0), ("george", "valid", 9.0)]
    manifest.write_text("".join(json.dumps({"speaker": v, "split": s, "seconds": t}) + "\n" for v, s, t in rows))
    monkeypatch.setitem(data.CORPORA, "kokoro", replace(data.CORPORA["kokoro"], manifest=manifest))

    ckpt = {"device_seconds": {"cpu": 7200.0, "cuda": 1800.0}, "train_config": {"device": "cuda", "threads": 2}}
    with ModelFile(tiny_vocos_file(tmp_path / "k.bttm")) as model:
        lines = card_lines(model, ckpt, kokoro_results())
    text = "\n".join(lines)
    assert "Vocos vocoder" in lines[3] and "- vocoder kind: vocos" in lines
    assert "- sample rate 24000 Hz, hop 300 samples" in lines
    # the voices with their Kokoro voice, teacher and licence
    assert "| voice | sex | accent | Kokoro voice | teacher | licence of the teacher voice | training hours |" in lines
    licence = KOKORO_VOICES[0].licence
    assert f"| heart | F | US | af_heart | Kokoro-82M v1.0 (hexgrad) | {licence} | 0.50 |" in lines
    assert any(line.startswith("| george | M | GB | bm_george |") for line in lines)
    # Kokoro's attribution and the Apache-2.0 notice
    assert "## Kokoro attribution and licence" in lines
    assert "Apache License, Version 2.0" in text and "http://www.apache.org/licenses/LICENSE-2.0" in text
    assert "hexgrad" in text and "NOTICE travels with the installers" in text
    # the training hours by device, the corpus, and no first-model paper table
    assert "- training hours by device: 2.00 h on cpu, 0.50 h on cuda" in lines
    assert any(line.startswith(f"- corpus: kokoro ({manifest.parent}, 24,000 Hz, hop 300): 0.5 h") for line in lines)
    assert "## The paper's comparison on our data" not in lines  # none measured for it (the first model's aside)
    from training import model_card

    kokoro_table = tmp_path / "paper_table-kokoro.json"
    kokoro_table.write_text(
        json.dumps({"budget": {"vocoder_steps": 8, "acoustic_steps": 9, "test_sentences_per_voice": 3}, "rows": [ROW]})
    )
    monkeypatch.setattr(model_card, "PAPER_TABLE", tmp_path / "paper_table.json")
    with ModelFile(tiny_vocos_file(tmp_path / "k2.bttm")) as model:
        with_table = card_lines(model, ckpt, kokoro_results())
    assert "## The paper's comparison on our data" in with_table
    assert any("--corpus kokoro --vocoder-kind vocos" in line for line in with_table)
    # the metrics with Distill-MOS, the gates and the speeds
    header = next(line for line in lines if line.startswith("| voice | WER |"))
    assert "| Distill-MOS | teacher Distill-MOS |" in header
    assert "| heart | 3.1% | 2.0% | 4.32 | 4.52 | 3.10 | 3.30 | 3.40 | 3.50 | 5.25 | 95 | 0.93 |" in lines
    assert "| **mean** | 3.1% | 2.0% | 4.17 | 4.46 | 3.10 | 3.30 | | | 5.25 | | |" in lines
    assert "gates: FAIL" in lines
    assert any(line.startswith("- george:") and line.endswith("(<= +1.5): FAIL") for line in lines)
    assert "- mean Distill-MOS 4.17 >= 4.0: pass" in lines
    assert "| voice | 0.5x WER | 0.5x Distill-MOS | 1x WER | 1x Distill-MOS | 4.5x WER | 4.5x Distill-MOS |" in lines
    assert "| george | 1.0% | 4.20 | 2.0% | 4.30 | 12.5% | 3.05 |" in lines
    assert "first 20 test sentences" in text


@pytest.mark.parametrize("fixture, reads_pitch", [("parity-vocos-f0", True), ("parity-vocos", False)])
def test_the_card_says_when_the_vocos_vocoder_reads_f0_and_voicing(fixture, reads_pitch):
    """The parity fixtures' models (training/make_fixture.py --vocoder vocos-f0 and vocos): the
    intro says that the vocoder reads F0 and voicing exactly where the file's
    ``arch.vocos_pitch_inputs`` is true (the plain fixture's file predates the key: false)."""
    from bittts.engine.model_format import ModelFile
    from training.model_card import card_lines

    with ModelFile(Path(__file__).parent.parent / "fixtures" / fixture / "model.bttm") as model:
        assert bool(model.metadata.get("arch.vocos_pitch_inputs", False)) is reads_pitch
        lines = card_lines(model, {}, None)
    intro = lines[2 : lines.index("## The file")]
    assert "Vocos vocoder" in intro[1]
    assert any("also reads F0 and voicing" in line for line in intro) is reads_pitch
    assert ("F0 and voicing" in "\n".join(lines)) is reads_pitch
