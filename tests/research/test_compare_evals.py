"""research.compare_evals: sentence-by-sentence comparison of two evaluations. Skipped where
torch is missing (the training package's scoring needs it)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from research import compare_evals  # noqa: E402
from research.compare_evals import by_length, paired, sign_test_p  # noqa: E402
from training import evaluate  # noqa: E402
from training.evaluate import Scored, score  # noqa: E402


def test_score_counts_errors_and_the_first_word_on_both_sides():
    s = score("Cup the milk.", "Top the milk.", ["cup", "the", "milk"])
    assert s == Scored(words=3, errors=1, teacher_errors=0, first_word_wrong=True, teacher_first_word_wrong=False)


def test_paired_counts_sentences_better_and_worse_per_voice_over_shared_sentences():
    def s(errors):
        return Scored(4, errors, 0, False, False)

    base = {("v", "a"): s(2), ("v", "b"): s(0), ("v", "c"): s(1), ("w", "a"): s(1)}
    other = {("v", "a"): s(0), ("v", "b"): s(1), ("v", "c"): s(1), ("x", "a"): s(3)}
    assert paired(base, other) == {"v": dict(base=3, other=2, better=1, worse=1, sentences=3)}


def test_the_sign_test_weighs_how_unevenly_changed_sentences_split():
    assert sign_test_p(0, 0) == 1.0 and sign_test_p(3, 3) == 1.0
    assert sign_test_p(5, 0) == pytest.approx(2 / 32)  # five of five one way: 2 x (1/2)^5
    assert sign_test_p(1, 4) == sign_test_p(4, 1) == pytest.approx(2 * 6 / 32)
    assert sign_test_p(47, 70) < 0.05 < sign_test_p(52, 50)


def test_by_length_buckets_sentences_by_their_words():
    scored = {("v", str(n)): Scored(n, 1, 0, n == 3, False) for n in (3, 5, 6, 12)}
    table = by_length(scored)
    assert table["1-5 words"] == dict(sentences=2, words=8, errors=2, teacher_errors=0, first=1, teacher_first=0)
    assert table["6-10 words"]["sentences"] == 1 and table["11+ words"]["words"] == 12


def test_main_reads_stored_transcripts_and_refuses_a_missing_tag(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(evaluate, "EVAL", tmp_path)
    monkeypatch.setattr(evaluate, "CORPUS", tmp_path / "corpus")
    evaluate._corpus_wer_records.cache_clear()
    (tmp_path / "teacher_cache.json").write_text(json.dumps({"v/a": [0, 3.0, 3.2, "cup the milk"]}))
    for tag, heard in (("old", "Top the milk."), ("new", "Cup the milk.")):
        (tmp_path / tag).mkdir()
        (tmp_path / tag / "transcripts.jsonl").write_text(
            json.dumps({"voice": "v", "id": "a", "text": "Cup the milk.", "heard": heard}) + "\n"
        )
    assert compare_evals.main(["old", "new"]) == 0
    out = capsys.readouterr().out
    assert "v           1 ->    0   better   1  worse   0  of 1" in out
    assert "all         1 ->    0   better   1  worse   0  of 1   sign test p = 1.00" in out
    with pytest.raises(SystemExit, match="no transcripts"):
        compare_evals.main(["old", "missing"])
