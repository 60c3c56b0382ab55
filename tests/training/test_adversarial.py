"""The vocoder fine-tuning's spectrogram discriminator: its losses, that it hears a missing noise
floor, and that the generator's step leaves it alone. Skipped where torch is missing."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from training.model.discriminator import (  # noqa: E402
    SpectrogramDiscriminator,
    discriminator_loss,
    generator_losses,
)


def test_least_squares_losses():
    ones, zeros = torch.ones(4, 5), torch.zeros(4, 5)
    assert discriminator_loss(ones, zeros).item() == 0.0
    assert discriminator_loss(zeros, ones).item() == 2.0
    features = [torch.ones(2, 3, 4), torch.zeros(2, 3, 4)]
    adversarial, matching = generator_losses(ones, features, [f + 0.5 for f in features])
    assert adversarial.item() == 0.0
    assert matching.item() == pytest.approx(0.5)


def test_the_spectrogram_discriminator_hears_a_missing_noise_floor():
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
    disc = SpectrogramDiscriminator(fft_sizes=(128,), channels=4)
    fake = torch.randn(2, 1024, requires_grad=True)
    scores, _ = judged_frozen(disc, fake)
    scores.sum().backward()
    assert fake.grad is not None and fake.grad.abs().sum() > 0
    assert all(p.grad is None and p.requires_grad for p in disc.parameters())
