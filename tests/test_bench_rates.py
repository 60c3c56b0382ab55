"""bench/rates.py, the rates benchmark (WER and Distill-MOS from 0.5x to 4.5x), without running
it: its sentence list, its conditions, its table, and its one-line refusal when the evaluation
tools are missing. The run itself is a benchmark (docs/system-voice.md, "Rates")."""

import importlib.util

import pytest

from bittts.engine.synthesis_types import SPEED_RANGE, SynthesisConfig


@pytest.fixture(scope="module")
def rates(bench_script):
    return bench_script("rates")


def test_thirty_ordinary_sentences_of_8_to_20_words(rates):
    sentences = rates.read_sentences(100)
    assert len(sentences) == 30 and len(set(sentences)) == 30
    assert all(8 <= len(s.split()) <= 20 for s in sentences)
    assert rates.read_sentences(5) == sentences[:5]


def test_every_condition_is_within_the_engines_range(rates):
    speeds = sorted({speed for speed, _ in rates.CONDITIONS})
    assert speeds == [0.5, 1.0, 2.0, 3.0, 4.5] and speeds[-1] == SPEED_RANGE[1]
    assert {(s, p) for s, p in rates.CONDITIONS if p} == {(1.0, 4.0), (4.5, 4.0)}
    assert all(SynthesisConfig(speed=s, pitch=p).speed == s for s, p in rates.CONDITIONS)


def test_the_table_has_a_row_per_condition_and_a_mean(rates):
    def figures(errors, mos):
        return {"errors": errors, "words": 10, "wer": errors / 10, "distill_mos": mos}

    table = rates.table(
        {"a": {"1x": figures(1, 4.0), "4.5x": figures(5, 2.0)}, "b": {"1x": figures(0, 3.0), "4.5x": figures(3, 1.0)}}
    )
    lines = table.splitlines()
    assert lines[0] == "| rate | a WER / MOS | b WER / MOS | mean WER / MOS |"
    assert lines[2] == "| 1x | 10.0% / 4.00 | 0.0% / 3.00 | 5.0% / 3.50 |"
    assert lines[3] == "| 4.5x | 50.0% / 2.00 | 30.0% / 1.00 | 40.0% / 1.50 |"


def test_missing_evaluation_tools_are_named_in_one_line_and_exit_2(rates, monkeypatch, capsys, tmp_path):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "distillmos" else real(name))
    assert rates.main(["--out", str(tmp_path / "r.json")]) == rates.EXIT_MISSING_TOOLS == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing: " in err and "distillmos" in err
    assert "sh training/install_evaluation.sh" in err
    assert not (tmp_path / "r.json").exists()
