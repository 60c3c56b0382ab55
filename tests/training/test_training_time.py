"""Where a model's training time went: the trainer keeps its seconds by device (a GPU session
can add to a CPU-trained model), checkpoints from before count as one device, and the model
card says so. Skipped where torch is missing."""

from __future__ import annotations

import time

import pytest

torch = pytest.importorskip("torch")

from training import run_info, train  # noqa: E402
from training.model_card import hardware_line  # noqa: E402


def test_the_trainer_keeps_seconds_by_device_and_reads_old_checkpoints_as_one(tmp_path, monkeypatch):
    monkeypatch.setattr(train, "RUNS", tmp_path)
    old = train.Trainer(train.TrainConfig(run="old"))
    old.seconds["acoustic"] = 7200.0
    state = old.state(compact=False)
    del state["device_seconds"]  # as checkpoints were written before
    (tmp_path / "old").mkdir()
    torch.save(state, tmp_path / "old" / "model.pt")

    resumed = train.Trainer(train.TrainConfig(run="old"))
    assert resumed.device_seconds == {"cpu": 7200.0}
    resumed._account("acoustic", time.time() - 1.0, audio_seconds=1.0, step=1, parts={})
    assert resumed.device_seconds["cpu"] == pytest.approx(7201.0, abs=0.5)
    assert "2.00 h of training (2.00 h on cpu)" in resumed.provenance()
    assert resumed.state(compact=True)["device_seconds"] == resumed.device_seconds


def test_the_model_card_names_each_device_only_when_there_were_several():
    cpu_only = {"train_config": {"threads": 2, "device": "cpu"}, "device_seconds": {"cpu": 17208.0}}
    assert hardware_line(cpu_only) == "cpu (2 threads)"
    assert hardware_line({"train_config": {"threads": 2}}) == "cpu (2 threads)"  # older checkpoints
    mixed = {"train_config": {"threads": 2, "device": "cuda"}, "device_seconds": {"cuda": 330.0, "cpu": 17208.0}}
    assert hardware_line(mixed) == "4.78 h on cpu, 0.09 h on cuda (cpu: 2 threads)"
    assert hardware_line({"train_config": {"threads": 2}, "device_seconds": {"cuda": 3600.0}}) == "1.00 h on cuda"


def test_the_model_card_names_the_edge_weight_only_when_one_was_used():
    from training.model_card import edge_weight_note

    assert edge_weight_note({"train_config": {"mel_edge_weight": 1.0}}) == ""
    assert edge_weight_note({}) == ""  # checkpoints from before the option
    assert "3 times" in edge_weight_note({"train_config": {"mel_edge_weight": 3.0}})


def test_the_count_of_steps_against_the_spectrogram_discriminator_survives_a_compact_resume(tmp_path, monkeypatch):
    monkeypatch.setattr(train, "RUNS", tmp_path)
    first = train.Trainer(train.TrainConfig(run="first"))
    first.step_f, first.step_f_heard, first.step_wd = 9000, 8350, 8550
    compact = first.state(compact=True)
    assert "wave_discriminator" not in compact  # a resume from it starts a new discriminator...
    (tmp_path / "first").mkdir()
    torch.save(compact, tmp_path / "first" / "model.pt")
    resumed = train.Trainer(train.TrainConfig(run="first"))
    assert resumed.step_wd == 0
    assert resumed.step_f_heard == 8350  # ...but the vocoder's count goes on


def test_checkpoints_from_before_the_count_take_it_from_the_discriminator_less_its_warm_up():
    assert run_info.finetune_steps_heard({"step_finetune_adversarial": 9150, "step_wave_discriminator": 1000}) == 9150
    old = {"step_wave_discriminator": 1000, "train_config": {"discriminator_warmup": 200}}
    assert run_info.finetune_steps_heard(old) == 800
    assert run_info.finetune_steps_heard({"train_config": {"discriminator_warmup": 200}}) == 0  # never heard one
