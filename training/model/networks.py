"""Acoustic model (FastSpeech2/JETS-style, conv only) and the DDSP vocoder network.

Shapes are [batch, channels, frames]; ``mask`` is [batch, 1, frames] with 1 on real frames.
Layers kept at higher precision (exported as fp16): embeddings, layer norms, biases, the
predictors' and decoders' final projections, and the pitch embedding. Everything else is a
TernaryConv1d.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.model.config import ModelConfig
from training.model.quant import ConvBlock, MaskedLayerNorm, TernaryConv1d
from training.model.vocos import VocosVocoder

LOG_F0_MEAN = math.log(150.0)  # centre log-F0 values so the networks see numbers near zero
LOG_F0_STD = 0.35


def sequence_mask(lengths: torch.Tensor, max_len: int | None = None) -> torch.Tensor:
    max_len = int(max_len or lengths.max())
    return (torch.arange(max_len, device=lengths.device)[None, :] < lengths[:, None]).unsqueeze(1).float()


class Predictor(nn.Module):
    """A conv stack over phones predicting one value per phone (log duration or pitch)."""

    def __init__(self, channels: int, layers: int, kernel: int, quantized: bool, dropout: float):
        super().__init__()
        self.blocks = nn.ModuleList(
            ConvBlock(channels, kernel, quantized=quantized, dropout=dropout) for _ in range(layers)
        )
        self.norm = MaskedLayerNorm(channels)
        self.out = nn.Conv1d(channels, 1, 1)

    def forward(self, x, mask):
        for block in self.blocks:
            x = block(x, mask)
        return self.out(self.norm(x, mask)).squeeze(1) * mask.squeeze(1)


class AcousticModel(nn.Module):
    """Phones + speaker -> durations, phone pitch, and frames of (log-mel, log-F0, voicing)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c, q = cfg.encoder_channels, cfg.quantize_acoustic
        self.cfg = cfg
        self.phone_embedding = nn.Embedding(cfg.n_phones, c)
        self.speaker_embedding = nn.Embedding(cfg.n_speakers, c)
        nn.init.normal_(self.phone_embedding.weight, 0, 0.3)
        nn.init.normal_(self.speaker_embedding.weight, 0, 0.3)
        self.encoder = nn.ModuleList(
            ConvBlock(c, cfg.encoder_kernel, quantized=q, dropout=cfg.dropout) for _ in range(cfg.encoder_layers)
        )
        self.duration_predictor = Predictor(c, cfg.predictor_layers, cfg.predictor_kernel, q, cfg.dropout)
        self.pitch_predictor = Predictor(c, cfg.predictor_layers, cfg.predictor_kernel, q, cfg.dropout)
        self.pitch_embedding = nn.Conv1d(1, c, 3, padding=1)
        self.encoder_norm = MaskedLayerNorm(c)
        self.decoder_in = TernaryConv1d(c, cfg.decoder_channels, 1, quantized=q)
        self.decoder = nn.ModuleList(
            ConvBlock(cfg.decoder_channels, cfg.decoder_kernel, quantized=q, dropout=cfg.dropout)
            for _ in range(cfg.decoder_layers)
        )
        self.decoder_norm = MaskedLayerNorm(cfg.decoder_channels)
        self.decoder_out = nn.Conv1d(cfg.decoder_channels, cfg.n_mels + 2, 1)

    def encode(self, phones, speakers, phone_mask):
        spk = self.speaker_embedding(speakers)[:, :, None]
        x = (self.phone_embedding(phones).transpose(1, 2) + spk) * phone_mask
        for block in self.encoder:
            x = block(x, phone_mask)
        return (x + spk) * phone_mask

    def predict(self, x, phone_mask):
        """-> (log(1 + duration in frames), normalized phone log-F0), each [batch, phones]."""
        return self.duration_predictor(x, phone_mask), self.pitch_predictor(x, phone_mask)

    def decode(self, x, phone_mask, phone_pitch, durations, frame_len=None):
        """Expand phones to frames by integer durations and decode [batch, n_mels + 2, frames]."""
        x = self.encoder_norm(x + self.pitch_embedding(phone_pitch[:, None, :]) * phone_mask, phone_mask)
        frames = regulate_length(x, durations, frame_len)
        frame_lengths = durations.sum(dim=1)
        mask = sequence_mask(frame_lengths, frames.shape[2])
        h = self.decoder_in(frames) * mask
        for block in self.decoder:
            h = block(h, mask)
        return self.decoder_out(self.decoder_norm(h, mask)) * mask, mask

    def forward(self, phones, phone_lengths, speakers, durations, phone_pitch, free_pitch: bool = False):
        """Teacher-forced: ground-truth durations and phone pitch drive the decoder. With
        ``free_pitch`` the frames decoded from the predicted phone pitch come last as well (the
        adversarial stage judges them, so the pitch predictor learns from the judgement)."""
        phone_mask = sequence_mask(phone_lengths, phones.shape[1])
        x = self.encode(phones, speakers, phone_mask)
        log_dur, pitch = self.predict(x, phone_mask)
        out, frame_mask = self.decode(x, phone_mask, phone_pitch, durations)
        if free_pitch:
            free, _ = self.decode(x, phone_mask, pitch, durations)
            return out, frame_mask, log_dur, pitch, phone_mask, free
        return out, frame_mask, log_dur, pitch, phone_mask

    @torch.no_grad()
    def infer(self, phones, speakers, min_frames, speed: float = 1.0, pitch_shift_semitones: float = 0.0):
        phone_mask = torch.ones(1, 1, phones.shape[1])
        x = self.encode(phones, speakers, phone_mask)
        log_dur, pitch = self.predict(x, phone_mask)
        durations = durations_from_log(log_dur, min_frames, speed)
        pitch = pitch + pitch_shift_semitones * math.log(2) / 12 / LOG_F0_STD
        out, _ = self.decode(x, phone_mask, pitch, durations)
        return out, durations


def durations_from_log(log_dur: torch.Tensor, min_frames: torch.Tensor, speed: float = 1.0) -> torch.Tensor:
    """Predicted log(1 + frames) -> integer frames scaled by 1 / speed, at least min_frames
    (1 for a phone, 0 for boundary, pause and punctuation tokens: see min_frames_for)."""
    frames = torch.round(torch.expm1(log_dur.float()).clamp(min=0) / speed)
    return torch.maximum(frames, min_frames.to(frames.dtype)).long()


def min_frames_for(phone_ids: torch.Tensor, symbols: list[str]) -> torch.Tensor:
    """1 frame at least for real phones (ARPAbet symbols start with a letter), 0 for the rest."""
    is_phone = torch.tensor([s[:1].isalpha() for s in symbols], dtype=torch.long)
    return is_phone[phone_ids]


def regulate_length(x: torch.Tensor, durations: torch.Tensor, frame_len: int | None = None) -> torch.Tensor:
    """Repeat each phone vector durations[b, i] times: [B, C, phones] -> [B, C, frames]."""
    total = durations.sum(dim=1)
    frame_len = int(frame_len or total.max())
    # index of the phone that covers each frame
    ends = durations.cumsum(dim=1)
    frame_idx = torch.arange(frame_len, device=x.device)[None, :]
    phone_idx = torch.searchsorted(ends, frame_idx.expand(x.shape[0], -1).contiguous(), right=True)
    phone_idx = phone_idx.clamp(max=x.shape[2] - 1)
    out = torch.gather(x, 2, phone_idx[:, None, :].expand(-1, x.shape[1], -1))
    return out * (frame_idx < total[:, None]).unsqueeze(1)


class VocoderNet(nn.Module):
    """(log-mel, normalized log-F0, voicing) per frame -> (log harmonic envelope, log noise gains)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        c, q = cfg.vocoder_channels, cfg.quantize_vocoder
        self.cfg = cfg
        self.inp = TernaryConv1d(cfg.n_mels + 2, c, cfg.vocoder_kernel, padding=cfg.vocoder_kernel // 2, quantized=q)
        self.blocks = nn.ModuleList(
            ConvBlock(c, cfg.vocoder_kernel, quantized=q, leaky=0.1) for _ in range(cfg.vocoder_layers)
        )
        self.norm = MaskedLayerNorm(c)
        self.out = nn.Conv1d(c, cfg.envelope_points + cfg.noise_bands, 1)  # fp: the sensitive last layer

    def forward(self, features, mask):
        h = F.leaky_relu(self.inp(features * mask), 0.1) * mask
        for block in self.blocks:
            h = block(h, mask)
        out = self.out(self.norm(h, mask))
        e = self.cfg.envelope_points
        return out[:, :e], out[:, e:]


def vocoder_for(cfg: ModelConfig) -> VocoderNet | VocosVocoder:
    """The untrained vocoder ``cfg.vocoder_kind`` names: the trainer trains, and the exporter
    rebuilds, this one (ValueError for another kind)."""
    if cfg.vocoder_kind == "vocos":
        return VocosVocoder.from_config(cfg)
    if cfg.vocoder_kind == "ddsp":
        return VocoderNet(cfg)
    raise ValueError(f"vocoder_kind {cfg.vocoder_kind!r}: known kinds are 'ddsp' and 'vocos'")
