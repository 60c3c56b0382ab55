"""Parameter-free harmonic-plus-noise synthesizer (differentiable) and the spectral losses.

The engine implements the same maths in NumPy/C (engine/dsp.py, docs/dsp.md): keep the two
in step; the parity fixture (training/make_fixture.py) checks they agree.

Harmonic part: F0 and per-harmonic amplitudes are defined at frame starts (sample t * hop)
and linearly interpolated to samples (held after the last frame). Phase is the running sum of
2 pi f0 / sr in float64, starting at 0. Amplitude of harmonic k at frame t is
exp(interp(envelope[t], k f0 / nyquist * (E - 1))), zero where k f0 >= ceiling * nyquist.

Noise part: every frame t filters its own white-noise frame u_t (length noise_fft) in the
frequency domain by exp(gains[t]) interpolated linearly over the rfft bins, windows it with a
periodic Hann window and overlap-adds it centred on sample t * hop (Hann at 50% overlap sums
to one).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def upsample_frames(values: torch.Tensor, hop: int) -> torch.Tensor:
    """[..., T] frame values -> [..., T * hop] samples, linear between frame starts."""
    last = values[..., -1:]
    nxt = torch.cat([values[..., 1:], last], dim=-1)
    frac = torch.arange(hop, device=values.device, dtype=values.dtype) / hop
    out = values[..., :, None] * (1 - frac) + nxt[..., :, None] * frac
    return out.reshape(*values.shape[:-1], -1)


def harmonic_amplitudes(
    f0: torch.Tensor, envelope: torch.Tensor, sample_rate: int, max_harmonics: int, ceiling: float
) -> torch.Tensor:
    """f0 [B, T] Hz, envelope [B, E, T] log amplitude -> amplitudes [B, H, T]."""
    nyquist = sample_rate / 2
    points = envelope.shape[1]
    k = torch.arange(1, max_harmonics + 1, device=f0.device, dtype=f0.dtype)
    freqs = k[None, :, None] * f0[:, None, :]  # [B, H, T]
    pos = (freqs / nyquist * (points - 1)).clamp(0, points - 1)
    lo = pos.floor().clamp(max=points - 2).long()
    frac = pos - lo
    env_lo = torch.gather(envelope, 1, lo)
    env_hi = torch.gather(envelope, 1, lo + 1)
    log_amp = env_lo + (env_hi - env_lo) * frac
    return torch.exp(log_amp) * (freqs < ceiling * nyquist)


def harmonic_signal(f0: torch.Tensor, amplitudes: torch.Tensor, sample_rate: int, hop: int) -> torch.Tensor:
    """f0 [B, T], amplitudes [B, H, T] -> [B, T * hop]."""
    f0_s = upsample_frames(f0.double(), hop)
    phase = torch.remainder(2 * math.pi * torch.cumsum(f0_s / sample_rate, dim=-1), 2 * math.pi).float()
    amps = upsample_frames(amplitudes, hop)  # [B, H, N]
    k = torch.arange(1, amplitudes.shape[1] + 1, device=f0.device, dtype=torch.float32)
    return (amps * torch.sin(k[None, :, None] * phase[:, None, :])).sum(dim=1)


def noise_signal(gains: torch.Tensor, noise_frames: torch.Tensor, hop: int) -> torch.Tensor:
    """gains [B, G, T] log gain, noise_frames [B, T, n_fft] white noise -> [B, T * hop]."""
    batch, _, frames = gains.shape
    n_fft = noise_frames.shape[-1]
    bins = n_fft // 2 + 1
    response = _interp_bins(torch.exp(gains), bins)  # [B, bins, T]
    spectrum = torch.fft.rfft(noise_frames, dim=-1) * response.transpose(1, 2)
    window = torch.hann_window(n_fft, periodic=True, device=gains.device)
    filtered = torch.fft.irfft(spectrum, n=n_fft, dim=-1) * window  # [B, T, n_fft]
    out_len = (frames - 1) * hop + n_fft
    out = F.fold(filtered.transpose(1, 2), output_size=(1, out_len), kernel_size=(1, n_fft), stride=(1, hop))
    out = out.reshape(batch, out_len)
    start = n_fft // 2
    total = frames * hop
    if out_len - start < total:
        out = F.pad(out, (0, total - (out_len - start)))
    return out[:, start : start + total]


def _interp_bins(values: torch.Tensor, bins: int) -> torch.Tensor:
    """[B, G, T] -> [B, bins, T]: linear over G points spread evenly from bin 0 to bins - 1."""
    points = values.shape[1]
    pos = torch.arange(bins, device=values.device, dtype=values.dtype) * (points - 1) / (bins - 1)
    lo = pos.floor().clamp(max=points - 2).long()
    frac = (pos - lo)[None, :, None]
    return values[:, lo] * (1 - frac) + values[:, lo + 1] * frac


def synthesize(f0, envelope, gains, noise_frames, sample_rate: int, hop: int, max_harmonics: int, ceiling: float):
    amps = harmonic_amplitudes(f0, envelope, sample_rate, max_harmonics, ceiling)
    return harmonic_signal(f0, amps, sample_rate, hop) + noise_signal(gains, noise_frames, hop)


def stft_magnitude(x: torch.Tensor, n_fft: int) -> torch.Tensor:
    window = torch.hann_window(n_fft, device=x.device)
    spec = torch.stft(x, n_fft, hop_length=n_fft // 4, window=window, return_complex=True)
    return spec.abs().clamp(min=1e-7)


def multi_resolution_stft_loss(pred: torch.Tensor, target: torch.Tensor, sizes=(512, 1024, 2048)) -> torch.Tensor:
    """Spectral convergence + log-magnitude L1, averaged over FFT sizes."""
    loss = 0.0
    for n_fft in sizes:
        p, t = stft_magnitude(pred, n_fft), stft_magnitude(target, n_fft)
        sc = torch.linalg.norm(t - p) / torch.linalg.norm(t).clamp(min=1e-7)
        loss = loss + sc + F.l1_loss(torch.log(p), torch.log(t))
    return loss / len(sizes)


def log_mel(x: torch.Tensor, filterbank: torch.Tensor, hop: int) -> torch.Tensor:
    """Waveforms [B, N] -> natural-log mel spectra [B, n_mels, T], framed as the corpus features
    are (``filterbank`` [n_mels, n_fft // 2 + 1]; training/corpus/features.py)."""
    n_fft = (filterbank.shape[1] - 1) * 2
    mag = torch.stft(
        x, n_fft, hop_length=hop, window=torch.hann_window(n_fft, device=x.device), return_complex=True
    ).abs()
    return torch.log(torch.clamp(torch.einsum("mf,bft->bmt", filterbank, mag), min=1e-5))


def log_mel_l1(pred: torch.Tensor, target: torch.Tensor, filterbank: torch.Tensor, hop: int) -> torch.Tensor:
    """L1 between the log-mel spectra of two waveforms. Averaged within mel bands, the random
    noise path's per-bin scatter cancels out, and the spectral envelope the listener hears is
    left to compare."""
    return F.l1_loss(log_mel(pred, filterbank, hop), log_mel(target, filterbank, hop))
