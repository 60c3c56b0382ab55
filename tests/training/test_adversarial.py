"""The adversarial stage's pieces: windows, the discriminator's losses, and that its judgement
pushes smooth frames towards textured ones. Skipped where torch is missing."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from training.model.discriminator import (  # noqa: E402
    FrameDiscriminator,
    discriminator_loss,
    generator_losses,
    random_windows,
)


def test_windows_are_the_same_frames_of_fake_and_real_and_skip_short_utterances():
    frames = torch.arange(3 * 2 * 10, dtype=torch.float32).reshape(3, 2, 10)
    lengths = torch.tensor([10, 4, 8])
    gen = torch.Generator().manual_seed(0)
    fake_w, real_w, keep = random_windows(frames, -frames, lengths, 6, gen)
    assert keep.tolist() == [0, 2]
    assert fake_w.shape == (2, 2, 6)
    assert torch.equal(real_w, -fake_w)
    for w, i in zip(fake_w, keep.tolist()):
        start = int(w[0, 0] - frames[i, 0, 0])
        assert torch.equal(w, frames[i, :, start : start + 6])
        assert start + 6 <= lengths[i]  # never reaches into padding


def test_least_squares_losses():
    ones, zeros = torch.ones(4, 5), torch.zeros(4, 5)
    assert discriminator_loss(ones, zeros).item() == 0.0
    assert discriminator_loss(zeros, ones).item() == 2.0
    features = [torch.ones(2, 3, 4), torch.zeros(2, 3, 4)]
    adversarial, matching = generator_losses(ones, features, [f + 0.5 for f in features])
    assert adversarial.item() == 0.0
    assert matching.item() == pytest.approx(0.5)


def test_the_discriminator_tells_smooth_frames_and_its_judgement_sharpens_them():
    torch.manual_seed(0)
    channels, width, batch = 12, 32, 8
    disc = FrameDiscriminator(channels, n_speakers=2, channels=32)
    opt_d = torch.optim.Adam(disc.parameters(), 2e-3, betas=(0.5, 0.9))
    speakers = torch.tensor([0, 1] * (batch // 2))

    def real_frames():  # textured: independent detail in every frame and band
        return torch.randn(batch, channels, width)

    # what a mean-seeking model gives: the texture's average, plus a learnable gain
    gain = torch.zeros(1, requires_grad=True)
    opt_g = torch.optim.Adam([gain], 5e-2)

    def fake_frames():
        return gain * torch.randn(batch, channels, width)

    first = None
    for step in range(150):
        loss = discriminator_loss(disc(real_frames(), speakers)[0], disc(fake_frames().detach(), speakers)[0])
        opt_d.zero_grad()
        loss.backward()
        opt_d.step()
        first = loss.item() if first is None else first
    assert loss.item() < 0.5 * first  # it learned to tell them apart

    disc.requires_grad_(False)
    for step in range(60):
        fake_scores, fake_features = disc(fake_frames(), speakers)
        _, real_features = disc(real_frames(), speakers)
        adversarial, matching = generator_losses(fake_scores, fake_features, real_features)
        opt_g.zero_grad()
        (adversarial + matching).backward()
        opt_g.step()
    assert abs(gain.item()) > 0.5  # the flat frames gained texture


def test_the_speaker_changes_the_judgement():
    torch.manual_seed(1)
    disc = FrameDiscriminator(6, n_speakers=3, channels=16)
    frames = torch.randn(1, 6, 20).expand(3, -1, -1)
    scores, _ = disc(frames, torch.tensor([0, 1, 2]))
    assert scores.shape == (3, 5)
    assert not torch.allclose(scores[0], scores[1])


def test_the_spectrogram_discriminator_hears_a_missing_noise_floor():
    from training.model.discriminator import SpectrogramDiscriminator

    torch.manual_seed(2)
    disc = SpectrogramDiscriminator(fft_sizes=(128, 256), channels=8)
    opt = torch.optim.Adam(disc.parameters(), 2e-3, betas=(0.5, 0.9))
    t = torch.arange(4096) / 16000.0
    tone = torch.sin(2 * torch.pi * 220 * t).expand(4, -1)

    def real():  # a tone over a noise floor, as breath under a voice
        return tone + 0.05 * torch.randn(4, 4096)

    scores, features = disc(real())
    assert scores.shape[0] == 4 and len(features) == 2 * 4
    first = None
    for _ in range(60):
        loss = discriminator_loss(disc(real())[0], disc(tone.clone())[0])
        opt.zero_grad()
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    assert loss.item() < 0.5 * first
    assert disc(real())[0].mean() > disc(tone.clone())[0].mean() + 0.3


def test_judged_frozen_sends_gradients_to_the_fake_only():
    from training.model.discriminator import judged_frozen

    torch.manual_seed(3)
    disc = FrameDiscriminator(4, n_speakers=1, channels=8)
    fake = torch.randn(2, 4, 12, requires_grad=True)
    scores, _ = judged_frozen(disc, fake, torch.tensor([0, 0]))
    scores.sum().backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    assert all(p.grad is None and p.requires_grad for p in disc.parameters())
