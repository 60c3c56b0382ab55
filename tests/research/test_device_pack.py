"""Packing a corpus subset for a lent GPU machine (research/device_pack.py): it picks the rows
the trainer's vocoder stages would, its pieces join back into the same files, and the loader
reads the corpus's WAVs without an audio package. Skipped where torch is missing."""

from __future__ import annotations

import io
import json
import lzma
import tarfile
import wave

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
        device_pack, "TrainConfig", lambda: SimpleNamespace(vocoder_utterances=5, validation_utterances=96)
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
