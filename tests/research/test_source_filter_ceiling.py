"""research/source_filter_ceiling.py: which utterances it scores, and its refusal without a corpus.
WORLD and Distill-MOS themselves are not run here (the training extra)."""

from __future__ import annotations

import json

from research import source_filter_ceiling as sfc


def test_the_first_validation_utterances_with_audio_by_id(tmp_path):
    voice = tmp_path / "heart"
    voice.mkdir()
    for ident, split, audio in [
        ("s3", "valid", True),
        ("s1", "train", True),
        ("s2", "valid", False),
        ("s0", "valid", True),
        ("s4", "valid", True),
    ]:
        (voice / f"{ident}.json").write_text(json.dumps({"split": split}), encoding="utf-8")
        if audio:
            (voice / f"{ident}.wav").write_bytes(b"")
    assert [p.stem for p in sfc.split_files(voice, "valid", 2)] == ["s0", "s3"]
    assert [p.stem for p in sfc.split_files(voice, "valid", 10)] == ["s0", "s3", "s4"]
    assert [p.stem for p in sfc.split_files(voice, "train")] == ["s1"]


def test_without_a_corpus_it_says_how_to_make_one(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sfc, "CORPUS", tmp_path / "absent")
    assert sfc.main([]) == 2
    assert "run_kokoro.sh" in capsys.readouterr().err
