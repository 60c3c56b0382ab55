"""The trainer's Kokoro corpus (train.py --corpus kokoro): its layout everywhere the trainer makes
frames and mels, its 10 voices numbered 0-9 in the model, segment lengths in seconds, and a side
run by default. Runs on the Kokoro fixture (tests/fixtures/corpus-kokoro/) laid out as the corpus
is (``kokoro_corpus``; test_vocos_training.py trains on it). Skipped where torch is missing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from training import data, train  # noqa: E402
from training.corpus.features import KOKORO_LAYOUT, mel_filterbank  # noqa: E402
from training.teachers.voices import KOKORO_VOICES  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus-kokoro"


def kokoro_corpus(root: Path) -> Path:
    """The Kokoro fixture laid out as the corpus is under ``root``: features-24k/manifest.jsonl
    (every utterance in the train split and again in the valid split) naming the fixture's .npz,
    and audio/<voice>/<id>.wav as PCM16. Returns the manifest."""
    import soundfile as sf

    fixture = json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))
    manifest = root / "features-24k" / "manifest.jsonl"
    manifest.parent.mkdir(parents=True)
    rows = []
    for u in fixture["utterances"]:
        audio, rate = sf.read(str(FIXTURE / u["file"]).removesuffix(".npz") + ".flac", dtype="int16")
        assert rate == KOKORO_LAYOUT.sample_rate
        wav = root / "audio" / u["speaker"] / f"{u['id']}.wav"
        wav.parent.mkdir(parents=True, exist_ok=True)
        sf.write(wav, audio, rate, subtype="PCM_16")
        row = {k: u[k] for k in ("id", "speaker", "speaker_id", "frames")}
        rows += [{**row, "split": split, "path": str(FIXTURE / u["file"])} for split in ("train", "valid")]
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return manifest


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    """The fixture as the trainer's Kokoro corpus, and side runs under tmp_path/runs."""
    manifest = kokoro_corpus(tmp_path / "corpus")
    monkeypatch.setitem(data.CORPORA, "kokoro", replace(data.CORPORA["kokoro"], manifest=manifest))
    monkeypatch.setattr(train, "RUNS", tmp_path / "runs")
    return manifest


def test_the_kokoro_voices_become_speakers_0_to_9_with_their_metadata_in_that_order(corpus):
    trainer = train.Trainer(train.TrainConfig(corpus="kokoro", vocoder_kind="vocos", width=0.1))
    assert trainer.cfg.n_speakers == 10 and trainer.acoustic.speaker_embedding.num_embeddings == 10
    assert [s["name"] for s in trainer.speakers] == [v.name for v in KOKORO_VOICES]
    assert trainer.speakers[0] == {
        "name": "heart",
        "sex": "female",
        "accent": "US",
        "licence": KOKORO_VOICES[0].licence,
        "teacher": "kokoro af_heart",
    }
    utts = trainer.load("train")
    corpus_ids = {
        u["speaker"]: u["speaker_id"] for u in json.loads((FIXTURE / "manifest.json").read_text())["utterances"]
    }
    assert sorted(corpus_ids.values()) == [8, 11, 14, 16]  # the fixture's voices, by their corpus ids
    order = [v.name for v in KOKORO_VOICES]
    for u in utts:  # each utterance speaks as its voice's place in the model's list
        speaker = u.wav_path.parent.name
        assert u.speaker_id == order.index(speaker) == corpus_ids[speaker] - 8
        assert trainer.speakers[u.speaker_id]["name"] == speaker
    assert {u.speaker_id for u in utts} == {0, 3, 6, 8}


def test_a_speaker_outside_the_corpus_voices_is_refused(corpus):
    with pytest.raises(ValueError, match="speaker id 8 is not one of"):
        data.load_split("train", corpus, speaker_index={11: 0, 14: 1, 16: 2})


def test_the_model_and_the_mels_take_the_kokoro_layout(corpus):
    trainer = train.Trainer(train.TrainConfig(corpus="kokoro", vocoder_kind="vocos", width=0.1))
    lay = KOKORO_LAYOUT
    assert (trainer.cfg.sample_rate, trainer.cfg.hop_size, trainer.cfg.n_mels) == (24000, 300, 80)
    expected = mel_filterbank(lay.sample_rate, lay.n_fft, lay.n_mels, lay.fmin, lay.fmax)
    assert trainer.mel_filterbank.shape == (80, 601)  # n_fft 1200, not the first corpus' 1024
    assert np.array_equal(trainer.mel_filterbank.numpy(), expected)
    # the fixture's log-mel is what the trainer's mel of its audio is (the vocoder's mel loss)
    from training.model import ddsp

    u = trainer.load("train")[0]
    audio = torch.from_numpy(data.read_pcm16(u.wav_path).astype(np.float32) / 32768)[None]
    mel = ddsp.log_mel(audio, trainer.mel_filterbank, trainer.cfg.hop_size)[0].T.numpy()
    assert mel.shape == u.mel.shape
    assert np.abs(mel - u.mel.astype(np.float32)).max() < 0.05


def test_segment_lengths_are_seconds_at_each_corpus_hop():
    classic, kokoro = train.TrainConfig(), train.TrainConfig(corpus="kokoro")
    assert (classic.segment_frames, kokoro.segment_frames) == (86, 80)  # 1 s
    assert (classic.acoustic_max_frames, kokoro.acoustic_max_frames) == (5599, 5200)  # 65 s
    assert replace(kokoro, segment_seconds=0.5).segment_frames == 40


def test_a_kokoro_run_is_a_side_run_and_never_writes_the_bundled_checkpoint(corpus, tmp_path, monkeypatch):
    bundled = tmp_path / "bittts.pt"
    monkeypatch.setattr(train, "COMPACT_CHECKPOINT", bundled)
    trainer = train.Trainer(train.TrainConfig(corpus="kokoro", vocoder_kind="vocos", width=0.1))
    assert trainer.full_checkpoint == tmp_path / "runs" / "kokoro" / "model.pt"
    trainer.save(compact=True)  # a milestone
    trainer.save()
    assert trainer.full_checkpoint.exists() and not bundled.exists()
    named = train.Trainer(train.TrainConfig(corpus="kokoro", vocoder_kind="vocos", width=0.1, run="wide"))
    assert named.full_checkpoint == tmp_path / "runs" / "wide" / "model.pt" and named.compact_checkpoint is None
    assert train.TrainConfig().run_name() == ""  # the first corpus' recipe keeps the bundled model


def test_the_f0_normalization_still_fits_the_kokoro_voices():
    """LOG_F0_MEAN/STD (150 Hz, 0.35) were set on the first corpus. The Kokoro voices' log F0
    (here the fixture's voiced frames: mean 5.03, std 0.31; the corpus' manifest on 7 December:
    5.02, 0.29) lies within a tenth of a standard deviation of that mean, with a spread near
    it: the networks still see numbers near zero and near unit scale, so the constants stay."""
    from training.model.networks import LOG_F0_MEAN, LOG_F0_STD

    log_f0 = []
    for u in json.loads((FIXTURE / "manifest.json").read_text())["utterances"]:
        with np.load(FIXTURE / u["file"]) as z:
            log_f0.append(np.log(z["f0"][z["voiced"] > 0]))
    values = np.concatenate(log_f0)
    assert abs(values.mean() - LOG_F0_MEAN) < 0.1 * LOG_F0_STD
    assert 0.7 < values.std() / LOG_F0_STD < 1.3


def test_a_corpus_without_its_train_split_yet_is_refused_with_a_message(corpus):
    rows = [json.loads(line) for line in corpus.read_text().splitlines()]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows if r["split"] != "train"))
    trainer = train.Trainer(train.TrainConfig(corpus="kokoro", vocoder_kind="vocos", width=0.1))
    assert len(trainer.load("valid")) == 4
    with pytest.raises(SystemExit, match="no train-split utterances"):
        trainer.train_vocoder()
