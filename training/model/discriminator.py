"""The spectrogram discriminator of the vocoder's fine-tuning, and its losses (training only,
never exported): least-squares GAN with feature matching, as in HiFi-GAN.

The STFT and log-mel losses reward the average of what the random noise path might do; the
discriminator asks for the texture of the teacher's spectrum too (docs/experiments/2026-11-models.md,
"Adversarial stages", which also has the acoustic model's frame discriminator that was removed).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.model.ddsp import stft_magnitude


def discriminator_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    return ((real_scores - 1) ** 2).mean() + (fake_scores**2).mean()


def judged_frozen(discriminator: nn.Module, fake: torch.Tensor, *condition) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The discriminator's (scores, features) of ``fake`` with gradients to ``fake`` only: the
    generator's step must not touch the discriminator's weights (autograd records this at the
    forward pass, so the weights can learn again right after)."""
    discriminator.requires_grad_(False)
    try:
        return discriminator(fake, *condition)
    finally:
        discriminator.requires_grad_(True)


def generator_losses(
    fake_scores: torch.Tensor, fake_features: list[torch.Tensor], real_features: list[torch.Tensor]
) -> tuple[torch.Tensor, torch.Tensor]:
    """(least-squares adversarial loss, feature-matching L1 averaged over layers)."""
    adversarial = ((fake_scores - 1) ** 2).mean()
    matching = sum((f - r.detach()).abs().mean() for f, r in zip(fake_features, real_features)) / len(fake_features)
    return adversarial, matching


class SpectrogramDiscriminator(nn.Module):
    """Judges a waveform by its log-magnitude spectrograms at several resolutions (2-D convs,
    strided in frequency), for the vocoder: the STFT loss cannot ask the random noise path for
    texture, only for its average energy."""

    def __init__(self, fft_sizes: tuple[int, ...] = (256, 512, 1024), channels: int = 16):
        super().__init__()
        self.fft_sizes = fft_sizes
        self.stacks = nn.ModuleList()
        for _ in fft_sizes:
            self.stacks.append(
                nn.ModuleList(
                    [
                        nn.Conv2d(1, channels, (9, 3), stride=(2, 1), padding=(4, 1)),
                        nn.Conv2d(channels, channels, (9, 3), stride=(2, 1), padding=(4, 1)),
                        nn.Conv2d(channels, channels, (9, 3), stride=(2, 1), padding=(4, 1)),
                        nn.Conv2d(channels, channels, 3, padding=1),
                        nn.Conv2d(channels, 1, 3, padding=1),
                    ]
                )
            )

    def forward(self, wave: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """wave [B, samples] -> (scores of every resolution, flattened and joined; hidden features)."""
        scores, features = [], []
        for n_fft, stack in zip(self.fft_sizes, self.stacks):
            x = torch.log(stft_magnitude(wave, n_fft).clamp(min=1e-5))[:, None]
            for layer in stack[:-1]:
                x = F.leaky_relu(layer(x), 0.2)
                features.append(x)
            scores.append(stack[-1](x).flatten(1))
        return torch.cat(scores, dim=1), features
