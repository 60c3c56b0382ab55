"""The word error scoring of training/corpus/teacher_wer.py and training/evaluate.py: spelling
choices of Whisper are not errors, and a stored evaluation can be scored again."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from bittts.engine.synthesis import Synthesizer  # noqa: E402
from training import evaluate  # noqa: E402
from training.corpus.teacher_wer import canonical_words, edit_distance, norm_words  # noqa: E402


@pytest.mark.parametrize(
    "written, heard",
    [
        ("Is everything all right?", "is everything alright."),
        ("Too much rain may blight the garden with mold.", "Too much rain may blight the garden with mould."),
        ("The train leaves at 4:10 pm.", "the train leaves at 4.10 p.m."),
        ("The colour grey.", "the color gray"),
    ],
)
def test_spelling_choices_are_not_errors(written, heard):
    assert edit_distance(norm_words(written), norm_words(heard)) == 0


def test_real_differences_still_count():
    assert edit_distance(norm_words("A nasty shock."), norm_words("and ask the shop")) == 4
    assert canonical_words(["alright", "then"]) == ["all", "right", "then"]


def test_rescore_reads_stored_transcripts(tmp_path, monkeypatch):
    monkeypatch.setattr(evaluate, "EVAL", tmp_path)
    monkeypatch.setattr(evaluate, "CORPUS", tmp_path / "corpus")
    evaluate._corpus_wer_records.cache_clear()
    run = tmp_path / "m"
    run.mkdir()
    (run / "results.json").write_text(
        json.dumps(
            {"voices": {"v": {"wer": 0.5, "teacher_wer": 0.5, "words": 4}, "_mean": {"wer": 0.5, "teacher_wer": 0.5}}}
        )
    )
    (run / "transcripts.jsonl").write_text(
        json.dumps({"voice": "v", "id": "a", "text": "Is everything all right?", "heard": "is everything alright"})
        + "\n"
    )
    (tmp_path / "teacher_cache.json").write_text(json.dumps({"v/a": [2, 3.0, 3.2, "is everything alright"]}))
    out = evaluate.rescore("m")["voices"]
    assert out["v"]["wer"] == 0 and out["v"]["teacher_wer"] == 0 and out["v"]["words"] == 4
    assert out["_mean"]["wer"] == 0
    # an old cache entry without the transcript: the corpus's teacher-WER record is read
    (tmp_path / "teacher_cache.json").write_text(json.dumps({"v/a": [2, 3.0, 3.2]}))
    (tmp_path / "corpus" / "wer").mkdir(parents=True)
    (tmp_path / "corpus" / "wer" / "v.jsonl").write_text(
        json.dumps({"id": "a", "hyp": "is every thing all right"}) + "\n"
    )
    assert evaluate.rescore("m")["voices"]["v"]["teacher_wer"] == 2 / 4


def test_f0_error_is_in_cents_over_frames_voiced_in_both():
    import numpy as np

    teacher = np.array([100.0, 100.0, 0.0, 200.0, 100.0])
    ours = np.array([200.0, 100.0, 150.0, 0.0, 100.0, 300.0])  # one octave off in 1 of 3 shared frames
    assert evaluate.f0_rmse_cents(ours, teacher) == pytest.approx(np.sqrt(1200**2 / 3))
    assert np.isnan(evaluate.f0_rmse_cents(np.zeros(3), teacher))

    class Forced:
        f0 = np.array([110.0, 120.0, 130.0])  # interpolated through unvoiced frames
        voiced = np.array([True, False, True])

    assert evaluate.rendered_f0(Forced()).tolist() == [110.0, 0.0, 130.0]


def test_an_unknown_voice_is_refused_before_anything_is_loaded(monkeypatch):
    def no_whisper(threads):
        raise AssertionError("Whisper was loaded for a run that cannot start")

    monkeypatch.setattr(evaluate, "whisper_transcriber", no_whisper)
    model = "resources/bittts-en.bttm"
    known = Synthesizer(model).voice_names[0]  # whichever model is bundled: only "nobody" is refused
    with pytest.raises(SystemExit, match="no such voice .*: nobody$"):
        evaluate.main(["--model", model, "--voices", f"{known},nobody", "--per-voice", "1"])
