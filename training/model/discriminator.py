"""A frame discriminator for the acoustic model's adversarial stage (training only, never exported).

Squared-error and L1 losses reward the average of what a voice might do, so the acoustic
model's log-mel frames come out smoother than the teacher's (docs/training.md). The
discriminator judges windows of frames (80 log-mel bands plus the log-F0 track, bands as
channels) and, through a projection of the speaker's embedding, whether they sound like that
speaker; the acoustic model learns from its judgement and from matching its features on real
frames (least-squares GAN with feature matching, as in HiFi-GAN).
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.model.ddsp import stft_magnitude


class FrameDiscriminator(nn.Module):
    def __init__(self, in_channels: int, n_speakers: int, channels: int = 160):
        super().__init__()
        self.layers = nn.ModuleList([
            nn.Conv1d(in_channels, channels, 3, padding=1),
            nn.Conv1d(channels, channels, 5, stride=2, padding=2),
            nn.Conv1d(channels, channels, 5, stride=2, padding=2),
            nn.Conv1d(channels, channels, 3, padding=1),
        ])
        self.out = nn.Conv1d(channels, 1, 3, padding=1)
        self.speaker = nn.Embedding(n_speakers, channels)
        nn.init.normal_(self.speaker.weight, 0, 0.1)

    def forward(self, frames: torch.Tensor, speakers: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """frames [B, in_channels, T] -> (scores [B, T / 4], hidden features of every layer)."""
        features = []
        x = frames
        for layer in self.layers:
            x = F.leaky_relu(layer(x), 0.2)
            features.append(x)
        projection = (self.speaker(speakers)[:, :, None] * x).sum(dim=1) / math.sqrt(x.shape[1])
        return self.out(x).squeeze(1) + projection, features


def random_windows(fake: torch.Tensor, real: torch.Tensor, lengths: torch.Tensor, width: int,
                   generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The same random window of ``width`` frames from each utterance at least that long:
    (fake windows, real windows, indices of the utterances used)."""
    keep = [i for i, n in enumerate(lengths.tolist()) if n >= width]
    starts = [int(torch.randint(0, int(lengths[i]) - width + 1, (1,), generator=generator)) for i in keep]
    fake_w = torch.stack([fake[i, :, s : s + width] for i, s in zip(keep, starts)])
    real_w = torch.stack([real[i, :, s : s + width] for i, s in zip(keep, starts)])
    return fake_w, real_w, torch.tensor(keep, dtype=torch.long)


def discriminator_loss(real_scores: torch.Tensor, fake_scores: torch.Tensor) -> torch.Tensor:
    return ((real_scores - 1) ** 2).mean() + (fake_scores ** 2).mean()


def judged_frozen(discriminator: nn.Module, fake: torch.Tensor, *condition) -> tuple[torch.Tensor, list[torch.Tensor]]:
    """The discriminator's (scores, features) of ``fake`` with gradients to ``fake`` only: the
    generator's step must not touch the discriminator's weights (autograd records this at the
    forward pass, so the weights can learn again right after)."""
    discriminator.requires_grad_(False)
    try:
        return discriminator(fake, *condition)
    finally:
        discriminator.requires_grad_(True)


def generator_losses(fake_scores: torch.Tensor, fake_features: list[torch.Tensor],
                     real_features: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
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
            self.stacks.append(nn.ModuleList([
                nn.Conv2d(1, channels, (9, 3), stride=(2, 1), padding=(4, 1)),
                nn.Conv2d(channels, channels, (9, 3), stride=(2, 1), padding=(4, 1)),
                nn.Conv2d(channels, channels, (9, 3), stride=(2, 1), padding=(4, 1)),
                nn.Conv2d(channels, channels, 3, padding=1),
                nn.Conv2d(channels, 1, 3, padding=1),
            ]))

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
