"""research/copy_synthesis.py on the Kokoro fixture, at a tiny width: the segments line up with
the frames, a run trains, saves and goes on where it stopped, evaluation renders and scores
against the teacher, and the swap diagnostic mixes the right halves. Distill-MOS and Whisper
are not run (a stand-in score); skipped where torch is missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
sf = pytest.importorskip("soundfile")

from research import copy_synthesis as cs  # noqa: E402
from training import distill_mos  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus-kokoro"


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    """The fixture's voices as work-data/corpus/audio/<voice>/<id>.wav, each utterance in the
    train split and again (a second id) in the valid split; state under tmp_path/copysynth."""
    audio, features = tmp_path / "audio", tmp_path / "features-24k"
    for flac in sorted(FIXTURE.glob("*.flac")):
        voice, ident = flac.stem.split("-", 1)
        (audio / voice).mkdir(parents=True, exist_ok=True)
        wave, rate = sf.read(flac, dtype="float32")
        meta = json.loads(flac.with_suffix(".json").read_text())
        (features / voice).mkdir(parents=True, exist_ok=True)
        for split, name in (("train", ident), ("valid", ident + "v")):
            sf.write(audio / voice / f"{name}.wav", wave, rate, subtype="PCM_16")
            shutil.copy(flac.with_suffix(".npz"), features / voice / f"{name}.npz")
            (audio / voice / f"{name}.json").write_text(json.dumps({**meta, "split": split}))
    monkeypatch.setattr(cs, "CORPUS", audio)
    monkeypatch.setattr(cs, "FEATURES", features)
    monkeypatch.setattr(cs, "ROOT", tmp_path / "copysynth")
    return audio


def test_a_segment_is_the_frames_of_its_samples(corpus):
    files = [wav for _, wav in cs.utterances("train")]
    assert len(files) == 4 and all(w.parent.parent == corpus for w in files)
    segments = cs.Segments(files, cs.filterbank(), seed=0)
    mel, audio = segments.batch(3, 20)
    assert mel.shape == (3, 80, 20) and audio.shape == (3, 20 * cs.HOP)
    # each segment's mel is its utterance's whole-utterance frames at the place of its samples
    for b in range(3):
        found = False
        for wave, whole in segments.cache.values():
            samples = wave.astype(np.float32) / 32767
            for t in range(len(samples) // cs.HOP - 19):
                if np.array_equal(samples[t * cs.HOP : (t + 20) * cs.HOP], audio[b].numpy()):
                    assert torch.equal(mel[b], whole[:, t : t + 20].float())
                    found = True
                    break
        assert found, f"segment {b} is in no loaded utterance"


def test_training_saves_and_goes_on_where_it_stopped(corpus, capsys):
    args = ["train", "vocos-16x1", "--steps", "3", "--batch", "2", "--frames", "12", "--discriminator-from", "1"]
    assert cs.main(args) == 0
    state = torch.load(cs.ROOT / "vocos-16x1" / "state.pt", weights_only=False)
    assert state["step"] == 3 and state["cpu_seconds"] > 0
    first = {k: v.clone() for k, v in state["model"].items()}
    assert cs.main(args[:3] + ["5"] + args[4:]) == 0
    state = torch.load(cs.ROOT / "vocos-16x1" / "state.pt", weights_only=False)
    assert state["step"] == 5
    assert "from step 3" in capsys.readouterr().out
    # the discriminator learned from step 1; the generator waits out its warm-up (200 steps)
    assert all(torch.equal(first[k], v) for k, v in state["model"].items())
    with pytest.raises(SystemExit, match="unknown candidate"):
        cs.build("hifigan")


def test_evaluation_renders_every_voice_and_scores_it_beside_the_teacher(corpus, monkeypatch):
    assert cs.main(["train", "vocos-16x1", "--steps", "2", "--batch", "2", "--frames", "12"]) == 0
    monkeypatch.setattr(distill_mos, "distill_mos", lambda wave, rate: float(np.sqrt(np.mean(wave**2))))
    assert cs.main(["evaluate", "vocos-16x1", "--per-voice", "1"]) == 0
    scores = json.loads((cs.ROOT / "vocos-16x1" / "scores.json").read_text())
    assert scores["step"] == 2 and set(scores["voices"]) == {"emma", "fenrir", "george", "heart"}
    for voice, row in scores["voices"].items():
        teacher, rate = sf.read(next((corpus / voice).glob("*v.wav")), dtype="float32")
        copy, copy_rate = sf.read(next((cs.ROOT / "vocos-16x1" / "render" / voice).glob("*.wav")), dtype="float32")
        assert copy_rate == rate and len(copy) == len(teacher) // cs.HOP * cs.HOP
        assert row["teacher_mos"] == pytest.approx(float(np.sqrt(np.mean(teacher**2))), abs=1e-3)  # rounded to 3 places
        assert row["mos"] == pytest.approx(float(np.sqrt(np.mean(copy**2))), abs=1e-3)
    cached = json.loads((cs.ROOT / "teacher_scores.json").read_text())
    assert len(cached) == 4  # the teacher is scored once, then read back
    assert "| mean |" in cs.table(scores)


def test_the_swap_puts_the_teachers_halves_where_it_says(corpus, monkeypatch, capsys):
    assert cs.main(["train", "vocos-16x1", "--steps", "1", "--batch", "2", "--frames", "12"]) == 0
    heard = []
    monkeypatch.setattr(distill_mos, "distill_mos", lambda wave, rate: heard.append(wave) or 0.0)
    assert cs.main(["swap", "vocos-16x1", "--per-voice", "1"]) == 0
    out = capsys.readouterr().out
    assert "teacher magnitudes, random phases" in out and "copy magnitudes, copy phases" in out
    assert len(heard) == 4 * 4  # four variants of one utterance a voice
    wave, _ = sf.read(sorted((corpus / "emma").glob("*v.wav"))[0], dtype="float32")
    frames = len(wave) // cs.HOP
    model = cs.build("vocos-16x1")
    model.load_state_dict(torch.load(cs.ROOT / "vocos-16x1" / "state.pt", weights_only=False)["model"])
    model.eval()
    # the first variant is the copy itself, as evaluate renders it
    inputs = cs.vocoder_inputs(wave, Path("emma/x.wav"), cs.filterbank(), pitch=False)
    np.testing.assert_allclose(heard[0], cs.render(model, inputs, len(wave)), atol=1e-5)
    # random phases under the teacher's magnitudes make another waveform of the same length
    assert len(heard[3]) == frames * cs.HOP and not np.allclose(heard[3], wave[: frames * cs.HOP], atol=1e-3)
    shutil.rmtree(cs.ROOT)


def test_a_pitch_candidate_reads_the_features_f0_and_voicing_beside_the_mel(corpus, capsys):
    wav = sorted((corpus / "heart").glob("*v.wav"))[0]
    wave, _ = sf.read(wav, dtype="float32")
    plain = cs.vocoder_inputs(wave, wav, cs.filterbank(), pitch=False)
    inputs = cs.vocoder_inputs(wave, wav, cs.filterbank(), pitch=True)
    assert inputs.shape == (82, plain.shape[1]) and torch.equal(inputs[:80], plain)
    with np.load(cs.FEATURES / "heart" / f"{wav.stem}.npz") as z:
        voiced = z["voiced"].astype(np.float32)
    n = min(len(voiced), inputs.shape[1])
    assert np.array_equal(inputs[81, :n].numpy(), voiced[:n]) and 0 < voiced.mean() < 1
    # log-F0 normalized: voiced frames near the voice's own pitch, unvoiced ones interpolated
    assert abs(float(inputs[80, :n][voiced[:n] > 0].mean())) < 3
    assert cs.build("vocos-16x1-f0").embed.in_channels == 82 and cs.takes_pitch("vocos-16x1-f0")
    assert cs.main(["train", "vocos-16x1-f0", "--steps", "2", "--batch", "2", "--frames", "12"]) == 0
    # an utterance without features is left out of a pitch candidate's training
    for npz in (cs.FEATURES / "heart").glob("*.npz"):
        npz.unlink()
    capsys.readouterr()
    assert cs.main(["train", "vocos-16x1-f0", "--steps", "3", "--batch", "2", "--frames", "12"]) == 0
    assert "vocos-16x1-f0: 3 train utterances" in capsys.readouterr().out


def test_a_named_run_has_its_own_folder_and_refuses_another_candidate(corpus, monkeypatch):
    args = ["train", "vocos-16x1", "--steps", "2", "--batch", "2", "--frames", "12", "--run", "named"]
    assert cs.main(args) == 0
    state = torch.load(cs.ROOT / "named" / "state.pt", weights_only=False)
    assert state["candidate"] == "vocos-16x1" and state["step"] == 2
    assert not (cs.ROOT / "vocos-16x1").exists()
    with pytest.raises(SystemExit, match="trains vocos-16x1"):
        cs.main(["train", "vocos-16x2", "--steps", "4", "--run", "named"])
    monkeypatch.setattr(distill_mos, "distill_mos", lambda wave, rate: 1.0)
    assert cs.main(["evaluate", "named", "--per-voice", "1"]) == 0  # a run is evaluated by its folder
    assert json.loads((cs.ROOT / "named" / "scores.json").read_text())["step"] == 2


def test_a_trainer_checkpoints_vocoder_is_scored_in_a_folder_of_its_run_and_step(corpus, monkeypatch, tmp_path):
    from training.model.config import ModelConfig
    from training.model.vocos import VocosVocoder

    cfg = ModelConfig(vocoder_kind="vocos", vocos_channels=16, vocos_blocks=1, sample_rate=24000, hop_size=300)
    vocoder = VocosVocoder.from_config(cfg)
    run = tmp_path / "runs" / "kokoro-vocoder"
    run.mkdir(parents=True)
    checkpoint = {"config": cfg.to_dict(), "vocoder": vocoder.state_dict(), "step_vocoder": 7}
    torch.save(checkpoint, run / "model.pt")
    monkeypatch.setattr(distill_mos, "distill_mos", lambda wave, rate: float(np.sqrt(np.mean(wave**2))))
    assert cs.main(["evaluate", str(run / "model.pt"), "--per-voice", "1"]) == 0
    out = cs.ROOT / "kokoro-vocoder-v7"
    scores = json.loads((out / "scores.json").read_text())
    assert scores["step"] == 7 and set(scores["voices"]) == {"emma", "fenrir", "george", "heart"}
    # the render is the checkpoint's own vocoder on the teacher's frames
    wav = next((corpus / "heart").glob("*v.wav"))
    wave = cs.read_wave(wav)
    expected = cs.render(vocoder.eval(), cs.vocoder_inputs(wave, wav, cs.filterbank(), False), len(wave))
    copy, _ = sf.read(out / "render" / "heart" / wav.name, dtype="float32")
    assert np.abs(copy - expected).max() < 2 / 32767  # written as 16-bit PCM
    torch.save({**checkpoint, "config": ModelConfig().to_dict()}, run / "model.pt")  # a DDSP checkpoint
    assert cs.load_trained(str(run / "model.pt")) is None
    assert cs.load_trained(str(run / "missing.pt")) is None


def test_a_fork_given_pitch_inputs_starts_as_the_function_it_forked_and_then_trains(corpus, tmp_path):
    from training.model.config import ModelConfig

    assert (
        cs.main(["train", "vocos-16x1", "--steps", "3", "--batch", "2", "--frames", "12", "--discriminator-from", "1"])
        == 0
    )
    assert cs.main(["fork", "vocos-16x1", "--run", "forked-f0", "--candidate", "vocos-16x1-f0"]) == 0
    source = torch.load(cs.ROOT / "vocos-16x1" / "state.pt", weights_only=False)
    forked = torch.load(cs.ROOT / "forked-f0" / "state.pt", weights_only=False)
    assert forked["step"] == 3 and forked["candidate"] == "vocos-16x1-f0"
    plain, pitched = cs.build("vocos-16x1"), cs.build("vocos-16x1-f0")
    plain.load_state_dict(source["model"])
    pitched.load_state_dict(forked["model"])
    embed = forked["model"]["embed.weight"]
    assert torch.equal(embed[:, :80], source["model"]["embed.weight"]) and not embed[:, 80:].any()
    mel = torch.randn(1, 80, 10)
    with torch.no_grad():  # the F0 and voicing rows are ignored until it learns otherwise (up to
        # the int8 activations' rounding: a frame's absmax scale sees the rows)
        silent = cs.generate(pitched.eval(), torch.cat([mel, torch.zeros(1, 2, 10)], dim=1), None)
        pitch = cs.generate(pitched.eval(), torch.cat([mel, torch.randn(1, 2, 10)], dim=1), None)
        other = cs.generate(pitched.eval(), torch.cat([torch.randn(1, 80, 10), torch.zeros(1, 2, 10)], dim=1), None)
    assert (silent - pitch).abs().max() < 0.05 * (silent - other).abs().max()
    # the optimizer's moments were widened with the weights, so training goes on from step 3
    assert (
        cs.main(["train", "vocos-16x1-f0", "--run", "forked-f0", "--steps", "5", "--batch", "2", "--frames", "12"]) == 0
    )
    assert torch.load(cs.ROOT / "forked-f0" / "state.pt", weights_only=False)["step"] == 5
    with pytest.raises(SystemExit, match="exists"):
        cs.main(["fork", "vocos-16x1", "--run", "forked-f0", "--candidate", "vocos-16x1-f0"])
    # a trainer checkpoint's vocoder forks the same way
    cfg = ModelConfig(vocoder_kind="vocos", vocos_channels=16, vocos_blocks=1, sample_rate=24000, hop_size=300)
    checkpoint = {
        "config": cfg.to_dict(),
        "vocoder": plain.state_dict(),
        "opt_vocoder": source["opt_g"],
        "wave_discriminator": source["discriminator"],
        "opt_wave_discriminator": source["opt_d"],
        "step_vocoder": 3,
    }
    torch.save(checkpoint, tmp_path / "model.pt")
    assert cs.main(["fork", str(tmp_path / "model.pt"), "--run", "from-trainer", "--candidate", "vocos-16x1"]) == 0
    state = torch.load(cs.ROOT / "from-trainer" / "state.pt", weights_only=False)
    assert all(torch.equal(state["model"][k], v) for k, v in plain.state_dict().items())
