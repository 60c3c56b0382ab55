"""Packing a corpus subset for a lent GPU machine (research/device_pack.py): it picks the rows
the trainer's vocoder stages would, its pieces join back into the same files, and the loader
reads the corpus's WAVs without an audio package; the Kokoro corpus' pack (the fixture
tests/fixtures/corpus-kokoro/ laid out as that corpus) unpacks where train.py --corpus kokoro
reads it; research/device_run.sh --corpus kokoro trains the Kokoro/Vocos model (python faked)
and sends back what fits the return limits. Skipped where torch is missing."""

from __future__ import annotations

import io
import json
import lzma
import tarfile
import wave
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")

from research import device_pack  # noqa: E402
from training.data import read_pcm16, select_rows  # noqa: E402


def write_wav(path, samples: np.ndarray, width: int = 2, channels: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(22050)
        w.writeframes(samples.tobytes())


@pytest.fixture
def corpus(tmp_path):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(14):
        split = "valid" if i % 7 == 0 else "train"
        row = {
            "id": f"u{i:02d}",
            "speaker": "bdl" if i % 2 else "slt",
            "split": split,
            "path": f"{'bdl' if i % 2 else 'slt'}/u{i:02d}.npz",
            "frames": 60 if i in (3, 5) else 120 + i,
            "seconds": 1.5,
        }
        rows.append(row)
        (tmp_path / "features" / row["path"]).parent.mkdir(parents=True, exist_ok=True)
        np.savez(tmp_path / "features" / row["path"], mel=rng.normal(size=(row["frames"], 4)))
        write_wav(
            tmp_path / "audio" / row["speaker"] / f"{row['id']}.wav",
            rng.integers(-3000, 3000, 256 * row["frames"]).astype("<i2"),
        )
    (tmp_path / "features" / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path


def test_the_subset_is_the_trainers_vocoder_set_cut_short(corpus):
    manifest = corpus / "features" / "manifest.jsonl"
    train, valid = device_pack.subset_rows(5, manifest)
    eligible = [r for r in select_rows("train", manifest, limit=3000) if r["frames"] > 88]
    assert [r["id"] for r in train] == [r["id"] for r in eligible[:5]]
    assert {r["split"] for r in valid} == {"valid"} and len(valid) == 2
    assert all(r["id"] not in ("u03", "u05") for r in train)  # too short for a 1 s segment


def test_the_pieces_join_back_into_the_subset(corpus, tmp_path):
    manifest = corpus / "features" / "manifest.jsonl"
    train, valid = device_pack.subset_rows(4, manifest)
    out = tmp_path / "out"
    out.mkdir()
    pieces = device_pack.write_pieces(device_pack.subset_tar(train, valid, corpus), out, piece_bytes=20_000)
    assert len(pieces) > 1 and all(p.stat().st_size <= 20_000 for p in pieces)
    joined = lzma.decompress(b"".join(p.read_bytes() for p in pieces))
    with tarfile.open(fileobj=io.BytesIO(joined)) as tar:
        names = set(tar.getnames())
        packed_rows = [
            json.loads(line) for line in tar.extractfile("corpus/features/manifest.jsonl").read().splitlines()
        ]
        first = train[0]
        wav = tar.extractfile(f"corpus/audio/{first['speaker']}/{first['id']}.wav").read()
    assert packed_rows == train + valid
    assert {f"corpus/features/{r['path']}" for r in train + valid} <= names
    audio = {n for n in names if n.startswith("corpus/audio/")}
    assert audio == {f"corpus/audio/{r['speaker']}/{r['id']}.wav" for r in train}  # none for validation
    assert wav == (corpus / "audio" / first["speaker"] / f"{first['id']}.wav").read_bytes()


def test_corpus_wavs_load_without_an_audio_package(tmp_path):
    samples = np.array([0, 1, -1, 32767, -32768, 1234], "<i2")
    write_wav(tmp_path / "a.wav", samples)
    assert np.array_equal(read_pcm16(tmp_path / "a.wav"), samples)
    write_wav(tmp_path / "stereo.wav", np.zeros(8, "<i2"), channels=2)
    with pytest.raises(ValueError, match="16-bit mono"):
        read_pcm16(tmp_path / "stereo.wav")


def test_the_full_checkpoint_travels_when_asked(corpus, tmp_path):
    train, valid = device_pack.subset_rows(2, corpus / "features" / "manifest.jsonl")
    state = tmp_path / "model.pt"
    state.write_bytes(b"optimizer moments and discriminators")
    for checkpoint, expected in ((None, False), (state, True)):
        with tarfile.open(fileobj=io.BytesIO(device_pack.subset_tar(train, valid, corpus, checkpoint))) as tar:
            assert ("checkpoints/model.pt" in tar.getnames()) is expected
            if expected:
                assert tar.extractfile("checkpoints/model.pt").read() == state.read_bytes()


def test_a_pack_of_more_pieces_than_the_lease_allows_is_refused_before_writing(corpus, tmp_path):
    train, valid = device_pack.subset_rows(4, corpus / "features" / "manifest.jsonl")
    data = device_pack.subset_tar(train, valid, corpus)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(SystemExit, match="more than --max-pieces 1"):
        device_pack.write_pieces(data, out, piece_bytes=20_000, max_pieces=1)
    assert not list(out.iterdir())
    assert len(device_pack.write_pieces(data, out, piece_bytes=20_000, max_pieces=100)) > 1


def test_the_device_script_parses_and_names_what_the_pack_writes():
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "research" / "device_run.sh"
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    text = script.read_text()
    assert ".gpu/part*" in text and ".gpu/deps" in text and device_pack.OUT == Path(".gpu")


def test_the_device_script_refuses_a_side_run_without_a_name_before_unpacking(tmp_path):
    import subprocess
    from pathlib import Path

    script = str(Path(__file__).resolve().parents[2] / "research" / "device_run.sh")
    env = {"PATH": "/usr/bin:/bin", "OUT": str(tmp_path)}

    def call(*args):
        return subprocess.run(["bash", script, *args], cwd=tmp_path, env=env, capture_output=True, text=True)

    unnamed = call("runs", "--run v0 --vocoder-steps 10", "--vocoder-steps 10 --acoustic-lr 2e-3")
    assert unnamed.returncode == 2 and "need --run NAME: --vocoder-steps 10 --acoustic-lr 2e-3" in unnamed.stdout
    assert not (tmp_path / "work-data").exists()  # refused before unpacking anything
    assert call("more").returncode == 2
    six = call("runs", *[f"--run r{i}" for i in range(6)])
    assert six.returncode == 2 and "at most 5 runs" in six.stdout
    three = call("--run-seconds", "60", "--max-runs", "2", "runs", *[f"--run r{i}" for i in range(3)])
    assert three.returncode == 2 and "at most 2 runs" in three.stdout
    typo = call("trian")
    assert typo.returncode == 2 and "usage" in typo.stdout


def test_the_every_stage_pack_sends_all_features_and_the_vocoder_sets_audio(corpus, tmp_path, monkeypatch):
    from types import SimpleNamespace

    monkeypatch.setattr(
        device_pack, "TrainConfig", lambda **_: SimpleNamespace(vocoder_utterances=5, validation_utterances=96)
    )
    manifest = corpus / "features" / "manifest.jsonl"
    with_audio, features_only, valid = device_pack.all_feature_rows(manifest)
    assert with_audio == select_rows("train", manifest, limit=5)
    assert len(features_only) == len(select_rows("train", manifest)) - 5 > 0
    out = tmp_path / "unpacked"
    with tarfile.open(
        fileobj=io.BytesIO(device_pack.subset_tar(with_audio, valid, corpus, features_only=features_only))
    ) as tar:
        tar.extractall(out, filter="data")
    unpacked = out / "corpus" / "features" / "manifest.jsonl"
    # the machine's trainer picks the same vocoder set from the whole training split, and has its audio
    assert select_rows("train", unpacked, limit=5) == with_audio
    assert select_rows("train", unpacked) == select_rows("train", manifest)
    assert {p.relative_to(out / "corpus" / "audio").as_posix() for p in (out / "corpus" / "audio").rglob("*.wav")} == {
        f"{r['speaker']}/{r['id']}.wav" for r in with_audio
    }
    assert all((out / "corpus" / "features" / r["path"]).exists() for r in features_only + valid)


FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus-kokoro"


@pytest.fixture
def kokoro_corpus(tmp_path):
    """The Kokoro fixture laid out as the corpus is (features-24k/<voice>/<id>.npz, manifest rows
    with paths relative to it, audio/<voice>/<id>.wav as PCM16 at 24 kHz): each utterance in the
    train split, and its first one in the valid split too under another id."""
    import shutil

    import soundfile as sf

    root = tmp_path / "corpus"
    rows = []
    for i, u in enumerate(json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))["utterances"]):
        for split, sid in (("train", u["id"]), ("valid", "v" + u["id"]))[: 2 if i == 0 else 1]:
            row = {"id": sid, "speaker": u["speaker"], "split": split, "frames": u["frames"], "seconds": 1.0}
            row["path"] = f"{u['speaker']}/{sid}.npz"
            (root / "features-24k" / u["speaker"]).mkdir(parents=True, exist_ok=True)
            shutil.copy(FIXTURE / u["file"], root / "features-24k" / row["path"])
            audio, rate = sf.read(str(FIXTURE / u["file"]).removesuffix(".npz") + ".flac", dtype="int16")
            (root / "audio" / u["speaker"]).mkdir(parents=True, exist_ok=True)
            sf.write(root / "audio" / u["speaker"] / f"{sid}.wav", audio, rate, subtype="PCM_16")
            rows.append(row)
    (root / "features-24k" / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return root


def test_the_kokoro_pack_unpacks_into_the_corpus_the_kokoro_trainer_reads(kokoro_corpus, tmp_path):
    from training.data import CORPORA, load_split
    from training.train import TrainConfig

    manifest = kokoro_corpus / "features-24k" / "manifest.jsonl"
    train, valid = device_pack.subset_rows(10, manifest, corpus="kokoro")
    assert len(valid) == 1 and {r["split"] for r in train} == {"train"}
    # the segment filter at hop 300: a 1 s segment is 80 frames there (86 at the first corpus' hop 256)
    assert TrainConfig(corpus="kokoro").segment_frames == 80
    assert [r["id"] for r in train] == [r["id"] for r in select_rows("train", manifest) if r["frames"] > 82]
    state = tmp_path / "state.pt"
    state.write_bytes(b"a Kokoro run's optimizers")
    packed = device_pack.subset_tar(
        train, valid, kokoro_corpus, state, features="features-24k", checkpoint_as="runs/kokoro/model.pt"
    )
    unpacked = tmp_path / "work-data"
    with tarfile.open(fileobj=io.BytesIO(packed)) as tar:
        tar.extractall(unpacked, filter="data")
    assert (unpacked / "runs" / "kokoro" / "model.pt").read_bytes() == state.read_bytes()
    assert not (unpacked / "corpus" / "features").exists()
    # on the machine the Kokoro trainer (train.py --corpus kokoro) loads these rows and their audio
    c = CORPORA["kokoro"]
    unpacked_manifest = unpacked / "corpus" / "features-24k" / "manifest.jsonl"
    utts = load_split("train", unpacked_manifest, speakers=device_pack.corpus_voices("kokoro"))
    assert sorted(u.id for u in utts) == sorted(r["id"] for r in train) and len(utts) == 4
    assert {u.speaker_id for u in utts} == {8, 11, 14, 16}  # the corpus' ids (the trainer maps them to 0-9)
    assert len(load_split("valid", unpacked_manifest, speaker_index=c.speaker_index())) == 1
    for u in utts:
        original = kokoro_corpus / "audio" / u.wav_path.parent.name / u.wav_path.name
        assert np.array_equal(read_pcm16(u.wav_path), read_pcm16(original))
        assert len(read_pcm16(u.wav_path)) >= u.frames * 300 - 300  # 24 kHz audio at hop 300


def test_the_kokoro_full_state_is_its_side_runs(monkeypatch, tmp_path):
    monkeypatch.setattr(device_pack, "RUNS", tmp_path / "runs")
    assert device_pack.full_state("kokoro", "") == (tmp_path / "runs" / "kokoro" / "model.pt", "runs/kokoro/model.pt")
    assert device_pack.full_state("kokoro", "k2") == (tmp_path / "runs" / "k2" / "model.pt", "runs/k2/model.pt")
    assert device_pack.full_state("classic", "") == (device_pack.FULL_CHECKPOINT, "checkpoints/model.pt")


def test_an_every_stage_pack_may_send_audio_for_part_of_the_vocoder_set(kokoro_corpus):
    manifest = kokoro_corpus / "features-24k" / "manifest.jsonl"
    with_audio, features_only, _ = device_pack.all_feature_rows(manifest, "kokoro", utterances=2)
    # the machine's trainer, given --vocoder-utterances 2, picks these two from the whole training split
    assert with_audio == select_rows("train", manifest, limit=2) and len(with_audio) == 2
    assert len(features_only) == len(select_rows("train", manifest)) - 2


def _fake_python(bin_dir, calls, state_bytes):
    """A python3 for device_run.sh that records its arguments: training writes a full state of
    ``state_bytes`` in the run's folder, research.compact a 1,000-byte copy."""
    script = bin_dir / "python3"
    script.write_text(
        "#!/bin/bash\n"
        f'echo "$*" >> {calls}\n'
        'case "$1 $2" in\n'
        '  "-m training.train")\n'
        "    run=$(echo \" $*\" | sed -n 's/.* --run \\([^ ]*\\).*/\\1/p'); run=${run:-kokoro}\n"
        f"    mkdir -p work-data/runs/$run && head -c {state_bytes} /dev/zero > work-data/runs/$run/model.pt ;;\n"
        '  "-m research.compact") head -c 1000 /dev/zero > "$5" ;;\n'
        "esac\n"
    )
    script.chmod(0o755)


def test_the_device_script_trains_kokoro_runs_and_sends_back_what_fits(tmp_path):
    import subprocess

    script = str(Path(__file__).resolve().parents[2] / "research" / "device_run.sh")
    work, out, bin_dir = tmp_path / "work", tmp_path / "out", tmp_path / "bin"
    for d in (work / "bittts", work / "work-data" / "corpus" / "features-24k", out, bin_dir):
        d.mkdir(parents=True)
    (work / "work-data" / "corpus" / "features-24k" / "manifest.jsonl").write_text("{}\n{}\n")
    calls = tmp_path / "calls"
    _fake_python(bin_dir, calls, 3 * 2**20)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "OUT": str(out)}

    def call(*args):
        return subprocess.run(["bash", script, *args], cwd=work, env=env, capture_output=True, text=True)

    limits = ("--return-mib", "1", "--return-total-mib", "3", "--corpus", "kokoro")
    done = call(*limits, "more", "--run k1 --vocoder-steps 5", "--run k2 --width 0.5")
    assert done.returncode == 0, done.stdout
    trained = [line for line in calls.read_text().splitlines() if line.startswith("-m training.train")]
    assert len(trained) == 2
    assert all("--device cuda" in t and "--corpus kokoro --vocoder-kind vocos --run" in t for t in trained)
    assert "manifest: 2 utterances" in done.stdout
    # the compact copies come back; the 3 MiB full state (3 pieces) does not fit 3 MiB less the log's 1
    assert {p.name for p in out.iterdir()} == {"k1.compact.pt", "k2.compact.pt", "train.log"}
    assert "kept back: work-data/runs/k1/model.pt (3 MiB, 3 files" in done.stdout
    roomy = call("--return-mib", "1", "--return-total-mib", "8", "--corpus", "kokoro", "more", "--run k3")
    assert roomy.returncode == 0 and {"k3.full.aa", "k3.full.ab", "k3.full.ac"} <= {p.name for p in out.iterdir()}
    assert b"".join((out / f"k3.full.a{c}").read_bytes() for c in "abc") == bytes(3 * 2**20)
    assert call("--corpus", "kokora", "more", "--run k4").returncode == 2
