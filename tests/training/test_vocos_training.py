"""The trainer's Vocos vocoder (train.py --vocoder-kind vocos) on the Kokoro fixture, at a tiny
width: its vocoder stage is research.copy_synthesis' (the same losses and weights, the
spectrogram discriminator from a step), each stage learns, the fine-tuning reaches the acoustic
model through the mel alone, and checkpoints resume (step counts go on) but refuse the other
vocoder kind; with --vocos-pitch-inputs the vocoder reads F0 and voicing in every stage.
Skipped where torch is missing."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

torch = pytest.importorskip("torch")

from test_kokoro_corpus import corpus  # noqa: E402, F401  (a fixture: the Kokoro corpus under tmp_path)

from training import train  # noqa: E402
from training.data import WaveCache, collate_acoustic, vocoder_batches  # noqa: E402
from training.model.vocos import VocosVocoder  # noqa: E402

TINY = dict(
    corpus="kokoro",
    vocoder_kind="vocos",
    width=0.1,  # 16 channels everywhere
    vocoder_batch=2,
    segment_seconds=0.5,
    acoustic_batch_seconds=5.0,
    warmup_steps=1,
    log_every=1,
    threads=1,
    bf16=False,
)


def tiny(**changes) -> train.TrainConfig:
    return train.TrainConfig(**{**TINY, **changes})


def records(trainer: train.Trainer, stage: str) -> list[dict]:
    return [r for r in trainer.history if r["stage"] == stage]


def test_the_vocoder_stage_has_copy_synthesis_losses_and_weights(corpus):  # noqa: F811
    copy_synthesis = pytest.importorskip("research.copy_synthesis")
    from research.vocoder_cost import generate
    from training.model import ddsp
    from training.model.discriminator import generator_losses

    tc = tiny(discriminator_warmup=2)
    assert tuple(int(n) for n in tc.vocoder_fft_sizes.split(",")) == copy_synthesis.FFT_SIZES
    assert (tc.vocoder_mel_weight, tc.vocoder_adversarial_weight) == (1.0, copy_synthesis.ADVERSARIAL_WEIGHT)
    assert train.TrainConfig().discriminator_warmup == copy_synthesis.DISCRIMINATOR_WARMUP
    assert tc.adversarial_from == 1000 and replace(tc, vocoder_kind="ddsp").adversarial_from is None
    trainer = train.Trainer(tc)
    assert torch.equal(trainer.mel_filterbank, copy_synthesis.filterbank())
    mel, _, real = next(vocoder_batches(trainer.load("train"), WaveCache(trainer.load("train")), 40, 2, 300, 0))
    mel = mel[:, :80]
    loss, parts, wave, _ = trainer_loss(trainer, mel, real)
    expected = generate(trainer.vocoder, mel, None, False)
    assert torch.allclose(wave, expected, atol=1e-6)
    stft = ddsp.multi_resolution_stft_loss(expected, real, copy_synthesis.FFT_SIZES)
    mel_l1 = ddsp.log_mel_l1(expected, real, copy_synthesis.filterbank(), 300)
    assert loss.item() == pytest.approx((stft + mel_l1).item(), rel=1e-5)
    # against the discriminator: it learns alone for its warm-up, then the generator hears it
    heard = []
    for _ in range(2):
        loss, parts, wave, real = trainer_loss(trainer, mel, real)
        assert trainer.adversarial_step(loss, parts, wave, real, 0.3, heard.append) == (False, False)
    assert trainer.step_wd == 2 and not heard and "disc" in parts
    loss, parts, wave, real = trainer_loss(trainer, mel, real)
    fake_scores, fake_features = trainer.wave_discriminator(wave)
    adv, matching = generator_losses(fake_scores, fake_features, trainer.wave_discriminator(real)[1])
    assert trainer.adversarial_step(loss, parts, wave, real, 0.3, heard.append) == (True, True)
    assert parts["adv"] == pytest.approx(adv.item(), rel=1e-5) and parts["fm"] == pytest.approx(
        matching.item(), rel=1e-5
    )
    assert heard[0].item() == pytest.approx(loss.item() + 0.3 * (adv.item() + 2 * matching.item()), rel=1e-5)


def trainer_loss(trainer: train.Trainer, mel: torch.Tensor, real: torch.Tensor):
    return train.vocoder_loss(
        trainer.vocoder,
        (mel, None, real),
        trainer.cfg,
        trainer.device,
        trainer.bf16,
        trainer.fft_sizes,
        return_wave=True,
        mel_weight=trainer.tc.vocoder_mel_weight,
        mel_filterbank=trainer.mel_filterbank,
    )


def test_the_vocoder_and_the_acoustic_model_learn_one_repeated_batch(corpus):  # noqa: F811
    trainer = train.Trainer(tiny())
    utts = trainer.load("train")
    mel, _, real = next(vocoder_batches(utts, WaveCache(utts), 40, 2, 300, 0))
    vocoder_losses = []
    for _ in range(12):
        loss, _, _, _ = trainer_loss(trainer, mel[:, :80], real)
        trainer.step_vocoder(loss)
        vocoder_losses.append(loss.item())
    assert all(math.isfinite(v) for v in vocoder_losses)
    assert min(vocoder_losses[-3:]) < 0.8 * vocoder_losses[0]
    batch = collate_acoustic(utts)
    acoustic_losses = []
    for _ in range(12):
        loss, _ = train.acoustic_loss(trainer.acoustic, batch, trainer.cfg, trainer.device, False)
        trainer.opt_a.zero_grad()
        loss.backward()
        trainer.opt_a.step()
        acoustic_losses.append(loss.item())
    assert all(math.isfinite(v) for v in acoustic_losses)
    assert min(acoustic_losses[-3:]) < 0.9 * acoustic_losses[0]  # its log-mel starts far off: slower


def test_each_stage_runs_with_finite_losses_and_the_fine_tuning_moves_both_models(corpus):  # noqa: F811
    tc = tiny(
        vocoder_steps=4,
        vocoder_adversarial_from=2,
        discriminator_warmup=2,
        acoustic_steps=2,
        finetune_steps=2,
        finetune_anneal_steps=0,
    )
    trainer = train.Trainer(tc)
    trainer.train_vocoder()
    vocoder = records(trainer, "vocoder")
    # 2 plain steps, 2 of the discriminator alone, 2 against it
    assert [("adv" in r, "disc" in r) for r in vocoder] == [(False, False)] * 2 + [(False, True)] * 2 + [
        (True, True)
    ] * 2
    assert (trainer.step_v, trainer.step_wd) == (4, 4)
    trainer.train_acoustic()
    assert trainer.step_a == 2 and len(records(trainer, "acoustic")) == 2
    acoustic_before = [p.detach().clone() for p in trainer.acoustic.parameters()]
    vocoder_before = [p.detach().clone() for p in trainer.vocoder.parameters()]
    trainer.finetune_vocoder()
    finetune = records(trainer, "finetune")
    assert trainer.step_f == 2 and all("adv" in r and "acoustic_mel_l1" in r for r in finetune)  # warmed up already
    for r in vocoder + records(trainer, "acoustic") + finetune:
        assert all(math.isfinite(v) for k, v in r.items() if k != "stage")
    assert any(not torch.equal(a, b) for a, b in zip(acoustic_before, trainer.acoustic.parameters()))
    assert any(not torch.equal(a, b) for a, b in zip(vocoder_before, trainer.vocoder.parameters()))


def test_the_fine_tuning_reaches_the_acoustic_model_through_its_mel_alone(corpus):  # noqa: F811
    trainer = train.Trainer(tiny())
    # mel, log-F0, voicing: the Vocos vocoder reads the mel
    out, _ = gradient_through_the_vocoder(trainer, lambda out: out[:, : trainer.cfg.n_mels + 2, :40])
    assert out.grad[:, :80, :40].abs().sum() > 0
    assert out.grad[:, 80:].abs().sum() == 0


def gradient_through_the_vocoder(trainer: train.Trainer, inputs):
    """(the acoustic model's output frames [2, n_mels + 2, T] of two utterances with their
    gradient from the vocoder's loss on ``inputs(frames)``, those inputs [2, rows, 40])."""
    batch = collate_acoustic(trainer.load("train")[:2])
    _, _, out = train.acoustic_loss(trainer.acoustic, batch, trainer.cfg, trainer.device, False, return_frames=True)
    out.retain_grad()
    features = inputs(out)
    audio = 0.1 * torch.randn(2, 40 * 300)
    loss, _ = train.vocoder_loss(
        trainer.vocoder, (features, None, audio), trainer.cfg, trainer.device, False, trainer.fft_sizes
    )
    loss.backward()
    return out, features


def test_a_checkpoint_resumes_where_it_stopped_and_holds_the_vocos_vocoder(corpus, tmp_path):  # noqa: F811
    tc = tiny(vocoder_steps=3, vocoder_adversarial_from=1, discriminator_warmup=1, acoustic_steps=2, finetune_steps=1)
    first = train.Trainer(tc)
    first.run()
    path = tmp_path / "runs" / "kokoro" / "model.pt"
    ckpt = torch.load(path, weights_only=False)
    assert ckpt["config"]["vocoder_kind"] == "vocos" and ckpt["train_config"]["corpus"] == "kokoro"
    assert (ckpt["step_vocoder"], ckpt["step_acoustic"], ckpt["step_finetune"]) == (3, 2, 1)
    assert ckpt["step_wave_discriminator"] == 4  # 1 alone, 2 with the vocoder stage, 1 with the fine-tuning
    # the exporter reads it: the vocoder from the checkpoint's config, its weights under "vocoder"
    from training.export import load_checkpoint

    cfg, _, vocoder, _ = load_checkpoint(path)
    assert cfg == first.cfg and isinstance(vocoder, VocosVocoder)
    assert torch.equal(vocoder.head.weight, first.vocoder.head.weight)

    resumed = train.Trainer(replace(tc, vocoder_steps=5, acoustic_steps=3, finetune_steps=2))
    assert (resumed.step_v, resumed.step_a, resumed.step_f, resumed.step_wd) == (3, 2, 1, 4)
    assert resumed.opt_v.state_dict()["state"] and torch.equal(resumed.vocoder.head.weight, first.vocoder.head.weight)
    resumed.run()
    assert (resumed.step_v, resumed.step_a, resumed.step_f) == (5, 3, 2)
    steps = [r["step"] for r in records(resumed, "vocoder")]
    assert steps[-2:] == [4, 5]  # counting on from the checkpoint's 3


def test_a_checkpoint_refuses_to_resume_into_the_other_vocoder_kind(corpus):  # noqa: F811
    train.Trainer(tiny(run="vocos")).save()
    with pytest.raises(SystemExit, match="holds a vocos vocoder, and this run trains a ddsp one"):
        train.Trainer(tiny(run="vocos", vocoder_kind="ddsp"))
    train.Trainer(tiny(run="ddsp", vocoder_kind="ddsp")).save()
    with pytest.raises(SystemExit, match="--vocoder-kind ddsp"):
        train.Trainer(tiny(run="ddsp"))


def test_a_new_run_goes_on_from_a_copy_synthesis_vocoder_and_refuses_another_shape(corpus, tmp_path):  # noqa: F811
    source = train.Trainer(tiny(run="source"))
    copy = VocosVocoder.from_config(source.cfg)
    opt = torch.optim.AdamW(copy.parameters(), 5e-4, betas=(0.8, 0.99))
    copy(torch.randn(1, 80, 12)).square().mean().backward()
    opt.step()
    state = {
        "model": copy.state_dict(),
        "opt_g": opt.state_dict(),
        "discriminator": source.wave_discriminator.state_dict(),
        "opt_d": source.opt_wd.state_dict(),
        "step": 123,
    }
    torch.save(state, tmp_path / "copy.pt")
    trainer = train.Trainer(tiny(run="from-copy", vocoder_init=str(tmp_path / "copy.pt")))
    assert trainer.step_v == 123 and trainer.step_wd == 123
    for name, value in copy.state_dict().items():
        assert torch.equal(trainer.vocoder.state_dict()[name], value), name
    assert trainer.opt_v.state_dict()["state"], "the optimizer's moments came along"
    assert records(trainer, "vocoder_init")[0]["step_vocoder"] == 123

    other = VocosVocoder(24, 1, hop=300, inputs=80)
    torch.save({**state, "model": other.state_dict()}, tmp_path / "other.pt")
    with pytest.raises(SystemExit, match="not a vocoder of this configuration"):
        train.Trainer(tiny(run="from-other", vocoder_init=str(tmp_path / "other.pt")))
    with pytest.raises(SystemExit, match="no such file"):
        train.Trainer(tiny(run="from-nothing", vocoder_init=str(tmp_path / "missing.pt")))


def test_a_resumed_run_whose_vocoder_has_not_trained_takes_the_copy_synthesis_vocoder(corpus, tmp_path):  # noqa: F811
    first = train.Trainer(tiny(run="acoustic-first", vocoder_steps=0))
    first.save()
    copy = VocosVocoder.from_config(first.cfg)
    torch.save({"model": copy.state_dict(), "step": 77}, tmp_path / "copy.pt")
    resumed = train.Trainer(tiny(run="acoustic-first", vocoder_init=str(tmp_path / "copy.pt")))
    assert resumed.step_v == 77
    assert all(torch.equal(resumed.vocoder.state_dict()[k], v) for k, v in copy.state_dict().items())
    resumed.save()
    again = train.Trainer(tiny(run="acoustic-first", vocoder_init=str(tmp_path / "missing.pt")))
    assert again.step_v == 77, "a vocoder that has trained is not replaced"


# --- with F0 and voicing beside the log-mel (--vocos-pitch-inputs) ---------------------------------
def test_with_pitch_inputs_every_stage_runs_on_82_rows(corpus):  # noqa: F811
    """The vocoder reads the corpus' mel + normalized log-F0 + voicing in its stage and the
    acoustic model's (``vocoder_inputs``) in the fine-tuning; both stages reach the pitch rows'
    weights, and the fine-tuning the acoustic model."""
    tc = tiny(
        vocos_pitch_inputs=True,
        vocoder_steps=2,
        vocoder_adversarial_from=-1,
        acoustic_steps=1,
        finetune_steps=2,
        finetune_adversarial_weight=0.0,
        finetune_anneal_steps=0,
    )
    trainer = train.Trainer(tc)
    assert trainer.cfg.vocos_pitch_inputs and trainer.vocoder.embed.weight.shape[1] == 82
    pitch_weights = trainer.vocoder.embed.weight[:, 80:].detach().clone()
    trainer.train_vocoder()
    assert trainer.step_v == 2 and not torch.equal(pitch_weights, trainer.vocoder.embed.weight[:, 80:])
    trainer.train_acoustic()
    pitch_weights = trainer.vocoder.embed.weight[:, 80:].detach().clone()
    acoustic_before = [p.detach().clone() for p in trainer.acoustic.parameters()]
    trainer.finetune_vocoder()
    assert trainer.step_f == 2 and not torch.equal(pitch_weights, trainer.vocoder.embed.weight[:, 80:])
    assert any(not torch.equal(a, b) for a, b in zip(acoustic_before, trainer.acoustic.parameters()))
    for r in records(trainer, "vocoder") + records(trainer, "finetune"):
        assert all(math.isfinite(v) for k, v in r.items() if k != "stage")


def test_with_pitch_inputs_the_vocoder_reads_the_pitch_rows_and_the_mel_alone_learns(corpus):  # noqa: F811
    """The fine-tuning's inputs (``vocoder_inputs``: F0 detached, voicing decided) change the
    output when F0 changes, and the vocoder's gradient reaches the acoustic model's mel only."""
    trainer = train.Trainer(tiny(vocos_pitch_inputs=True))
    out, features = gradient_through_the_vocoder(
        trainer, lambda out: torch.stack([train.vocoder_inputs(out[i, :, :40], trainer.cfg)[0] for i in range(2)])
    )
    assert features.shape == (2, 82, 40)
    assert torch.equal(features[:, 81], (out[:, 81, :40] > 0).float())
    assert out.grad[:, :80, :40].abs().sum() > 0
    assert out.grad[:, 80:].abs().sum() == 0
    with torch.no_grad():
        features = features.detach()
        wave = train.vocoder_wave(trainer.vocoder, features, None, trainer.cfg, trainer.device, False)
        higher = features.clone()
        higher[:, 80] += 0.5
        moved = train.vocoder_wave(trainer.vocoder, higher, None, trainer.cfg, trainer.device, False)
    assert (moved - wave).abs().max() > 1e-4 * wave.abs().max()


def test_a_checkpoint_refuses_to_resume_into_the_other_pitch_setting(corpus):  # noqa: F811
    trained = {"vocoder_steps": 1, "acoustic_steps": 0, "finetune_steps": 0}
    train.Trainer(tiny(run="pitch", vocos_pitch_inputs=True, **trained)).run()
    with pytest.raises(SystemExit, match=r"vocos_pitch_inputs True \(this run: False\)"):
        train.Trainer(tiny(run="pitch"))
    assert train.Trainer(tiny(run="pitch", vocos_pitch_inputs=True)).cfg.vocos_pitch_inputs
    train.Trainer(tiny(run="plain", **trained)).run()
    with pytest.raises(SystemExit, match=r"vocos_pitch_inputs False \(this run: True\)"):
        train.Trainer(tiny(run="plain", vocos_pitch_inputs=True))


def test_a_run_whose_vocoder_has_not_trained_may_take_pitch_inputs(corpus, tmp_path):  # noqa: F811
    first = train.Trainer(tiny(run="acoustic-first", vocoder_steps=0, acoustic_steps=2, finetune_steps=0))
    first.run()
    resumed = train.Trainer(tiny(run="acoustic-first", vocos_pitch_inputs=True, vocoder_steps=0))
    assert resumed.step_a == 2 and resumed.step_v == 0 and resumed.cfg.vocos_pitch_inputs
    assert resumed.vocoder.embed.weight.shape[1] == 82
    for name, value in first.acoustic.state_dict().items():
        assert torch.equal(resumed.acoustic.state_dict()[name], value), name
    resumed.save()
    ckpt = torch.load(tmp_path / "runs" / "acoustic-first" / "model.pt", weights_only=False)
    assert ckpt["config"]["vocos_pitch_inputs"] is True
    # the acoustic model's own shape is still refused
    with pytest.raises(SystemExit, match="another model configuration"):
        train.Trainer(tiny(run="acoustic-first", vocos_pitch_inputs=True, vocoder_steps=0, quantize_acoustic=False))


def test_a_checkpoint_from_before_the_option_resumes_with_it_off(corpus, tmp_path):  # noqa: F811
    first = train.Trainer(tiny(run="old", vocoder_steps=1, acoustic_steps=0, finetune_steps=0))
    first.run()
    path = tmp_path / "runs" / "old" / "model.pt"
    ckpt = torch.load(path, weights_only=False)
    assert ckpt["config"].pop("vocos_pitch_inputs") is False
    torch.save(ckpt, path)
    resumed = train.Trainer(tiny(run="old"))
    assert resumed.step_v == 1 and not resumed.cfg.vocos_pitch_inputs
    assert torch.equal(resumed.vocoder.head.weight, first.vocoder.head.weight)


def test_the_pitch_option_is_the_vocos_vocoders_alone(corpus):  # noqa: F811
    with pytest.raises(SystemExit, match="--vocos-pitch-inputs is an option of --vocoder-kind vocos"):
        train.Trainer(tiny(vocoder_kind="ddsp", vocos_pitch_inputs=True))


def test_a_pitch_reading_copy_synthesis_candidate_is_a_vocoder_of_this_configuration(corpus, tmp_path):  # noqa: F811
    """research.copy_synthesis' vocos-CxB-f0 state goes on in a --vocos-pitch-inputs run (its
    vocos-CxB state does not)."""
    copy_synthesis = pytest.importorskip("research.copy_synthesis")
    cfg = train.Trainer(tiny(run="probe", vocos_pitch_inputs=True)).cfg
    name = f"vocos-{cfg.vocos_channels}x{cfg.vocos_blocks}"
    candidate = copy_synthesis.build(name + "-f0")
    torch.save({"model": candidate.state_dict(), "step": 9}, tmp_path / "f0.pt")
    trainer = train.Trainer(tiny(run="from-f0", vocos_pitch_inputs=True, vocoder_init=str(tmp_path / "f0.pt")))
    assert trainer.step_v == 9
    assert all(torch.equal(trainer.vocoder.state_dict()[k], v) for k, v in candidate.state_dict().items())
    torch.save({"model": copy_synthesis.build(name).state_dict(), "step": 9}, tmp_path / "plain.pt")
    with pytest.raises(SystemExit, match="not a vocoder of this configuration"):
        train.Trainer(tiny(run="from-plain", vocos_pitch_inputs=True, vocoder_init=str(tmp_path / "plain.pt")))
