"""What candidate ternary neural vocoders cost on this CPU, to train and to run (issue 30).

    PYTHONPATH=. .venv/bin/python -m research.vocoder_cost [--rounds 3] [--steps 1] [--json PATH]

Builds small TERNARY vocoders for the Kokoro corpus' frames (training/corpus/features.py
KOKORO_LAYOUT: 24 kHz, hop 300, 80 mel bands), quantized with the recipe's own QAT layers
(training/model/quant.py: ternary weights, int8 frames, straight-through), and measures each:

- size: parameters, the share that is ternary, the packed size (5 trits per byte, rows padded
  to whole bytes as pack_trits does, plus fp16 for every other parameter);
- training: the seconds of one step (forward, backward, Adam) on a batch of ``--batch``
  segments of ``--seconds`` s, with the recipe's losses (multi-resolution STFT 256-2048 + log-mel
  L1), three ways: no discriminator; the recipe's spectrogram discriminator
  (training/model/discriminator.py); a HiFi-GAN multi-period waveform discriminator (periods 2,
  3, 5, 7, 11, channels 32-1024, or ``--mpd-width`` times those). The generator's network runs
  under bf16 autocast where the CPU has it, as the trainer's does; the discriminators in fp32.
  2 threads;
- running: the multiply-accumulates of its convolutions per second of audio (FFTs and the DDSP
  synthesis not counted), the measured time of a no-grad forward pass per second of audio on ONE
  thread (``--infer-seconds`` of frames, fake quantization included: an upper bound), and the
  time the engine's native ternary kernel (bittts.engine.kernels) takes for the candidate's
  dense ternary layers at their shapes and rates (a lower bound on the engine: depthwise and
  fp16 layers and the inverse STFT are not in it).

Candidates (``--candidates``, comma-separated names):
- vocos-CxB (C channels, B blocks): ConvNeXt-like blocks (depthwise k7, LayerNorm, 1x1 to
  3C, GELU, 1x1 back, layer scale) at FRAME rate; an fp 1x1 head predicts log-magnitude and
  phase of an STFT with n_fft 1200, hop 300; torch.istft makes the waveform.
- istftnet: iSTFTNet-style: two ternary upsampling stages x5, x6 (frame rate 80 -> 2,400 Hz),
  a HiFi-GAN residual block (k3, dilations 1, 3, 5) after each, an fp conv to magnitude and
  phase of a small STFT (n_fft 40, hop 10).
- hifigan: a HiFi-GAN V2-sized generator (128 channels, x5 x5 x4 x3, residual blocks k3, 7, 11
  with dilations 1, 3, 5), ternary but for its last conv, for reference.
- ddsp: the recipe's vocoder as it is (training/model: VocoderNet + the harmonic-plus-noise
  synthesizer) at its own rate (22,050 Hz, hop 256, 82 inputs).
Upsampling is a ternary conv to rate x channels followed by a reshape (sub-pixel: the polyphase
form of a transposed conv), so the engine's one conv kernel would run it.

The machine is shared: every candidate is measured in turn within each round, the figure is the
median over rounds, and ``os.getloadavg()`` (1 minute) is recorded beside each figure. Every
figure is taken twice: wall seconds, and the CPU seconds of this process (time.process_time,
all its threads), which waiting for a core does not inflate (contention for caches and memory
bandwidth still does). Absolute times are under load; compare ratios within one run.

Results: docs/experiments/2026-12-vocoder-cost.md. The recipe never imports this module.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from training.corpus.features import KOKORO_LAYOUT, mel_filterbank
from training.model import ddsp
from training.model.config import ModelConfig
from training.model.discriminator import SpectrogramDiscriminator, discriminator_loss, generator_losses, judged_frozen
from training.model.networks import VocoderNet
from training.model.quant import TernaryConv1d
from training.model.vocos import VocosVocoder, spectrum_to_wave

SAMPLE_RATE = KOKORO_LAYOUT.sample_rate  # 24,000 Hz
HOP = KOKORO_LAYOUT.hop  # 300 samples a frame (12.5 ms)
N_MELS = KOKORO_LAYOUT.n_mels  # 80
FFT_SIZES = (256, 512, 1024, 2048)  # the recipe's --vocoder-fft-sizes
MPD_PERIODS = (2, 3, 5, 7, 11)
MPD_CHANNELS = (32, 128, 512, 1024, 1024)  # HiFi-GAN's


# --------------------------------------------------------------------------------------------
# Building blocks


class SubpixelUpsample(nn.Module):
    """[B, c_in, T] -> [B, c_out, T * rate]: a ternary conv to c_out * rate channels, each group
    of ``rate`` channels laid out as consecutive output samples."""

    def __init__(self, c_in: int, c_out: int, rate: int, kernel: int = 3):
        super().__init__()
        self.rate, self.c_out = rate, c_out
        self.conv = TernaryConv1d(c_in, c_out * rate, kernel, padding=kernel // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.conv(x)  # [B, c_out * rate, T]
        b, _, t = y.shape
        return y.view(b, self.c_out, self.rate, t).permute(0, 1, 3, 2).reshape(b, self.c_out, t * self.rate)


class ResBlock(nn.Module):
    """HiFi-GAN's ResBlock1: for each dilation, x + conv(lrelu(conv_d(lrelu(x)))), ternary convs."""

    def __init__(self, channels: int, kernel: int, dilations: tuple[int, ...] = (1, 3, 5)):
        super().__init__()
        self.dilated = nn.ModuleList(
            TernaryConv1d(channels, channels, kernel, dilation=d, padding=d * (kernel // 2)) for d in dilations
        )
        self.plain = nn.ModuleList(TernaryConv1d(channels, channels, kernel, padding=kernel // 2) for _ in dilations)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for c1, c2 in zip(self.dilated, self.plain):
            x = x + c2(F.leaky_relu(c1(F.leaky_relu(x, 0.1)), 0.1))
        return x


class MultiReceptiveField(nn.Module):
    """The mean of ResBlocks with different kernels (HiFi-GAN's MRF)."""

    def __init__(self, channels: int, kernels: tuple[int, ...]):
        super().__init__()
        self.blocks = nn.ModuleList(ResBlock(channels, k) for k in kernels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return sum(block(x) for block in self.blocks) / len(self.blocks)


# --------------------------------------------------------------------------------------------
# The candidates: each maps features [B, inputs, frames] to audio [B, frames * hop]


class UpsamplingStack(nn.Module):
    """HiFi-GAN's body: a conv from the mel, then per rate a ternary upsampling that halves the
    channels and a multi-receptive-field block; [B, n_mels, T] -> [B, out_channels, T * prod(rates)]."""

    def __init__(self, channels: int, rates: tuple[int, ...], kernels: tuple[int, ...]):
        super().__init__()
        self.pre = TernaryConv1d(N_MELS, channels, 7, padding=3)
        self.ups, self.mrfs = nn.ModuleList(), nn.ModuleList()
        for rate in rates:
            self.ups.append(SubpixelUpsample(channels, channels // 2, rate))
            channels //= 2
            self.mrfs.append(MultiReceptiveField(channels, kernels))
        self.out_channels = channels

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        h = self.pre(mel)
        for up, mrf in zip(self.ups, self.mrfs):
            h = mrf(up(F.leaky_relu(h, 0.1)))
        return h


class ISTFTNetVocoder(nn.Module):
    """Two ternary upsampling stages with residual blocks, then an fp conv to a small STFT."""

    def __init__(
        self,
        channels: int = 256,
        rates: tuple[int, ...] = (5, 6),
        kernels: tuple[int, ...] = (3,),
        n_fft: int = 40,
        hop: int = 10,
    ):
        super().__init__()
        assert math.prod(rates) * hop == HOP, "upsampling x iSTFT hop must make the frame hop"
        self.n_fft, self.hop = n_fft, hop
        self.body = UpsamplingStack(channels, rates, kernels)
        self.post = nn.Conv1d(self.body.out_channels, n_fft + 2, 7, padding=3)  # fp: the sensitive last layer

    def network(self, mel: torch.Tensor) -> torch.Tensor:
        return self.post(F.leaky_relu(self.body(mel), 0.1))

    def synthesize(self, out: torch.Tensor, extra) -> torch.Tensor:
        return spectrum_to_wave(out, self.n_fft, self.hop)


class HiFiGANVocoder(nn.Module):
    """HiFi-GAN's generator, ternary but for its last conv (the paper's choice)."""

    def __init__(
        self, channels: int = 128, rates: tuple[int, ...] = (5, 5, 4, 3), kernels: tuple[int, ...] = (3, 7, 11)
    ):
        super().__init__()
        assert math.prod(rates) == HOP, "the upsampling rates must make the frame hop"
        self.body = UpsamplingStack(channels, rates, kernels)
        self.post = nn.Conv1d(self.body.out_channels, 1, 7, padding=3)  # fp: the sensitive last layer

    def network(self, mel: torch.Tensor) -> torch.Tensor:
        return torch.tanh(self.post(F.leaky_relu(self.body(mel), 0.01)))

    def synthesize(self, out: torch.Tensor, extra) -> torch.Tensor:
        return out.float()[:, 0]


class DDSPBaseline(nn.Module):
    """The recipe's vocoder network and harmonic-plus-noise synthesizer, as the trainer runs them."""

    def __init__(self, cfg: ModelConfig | None = None):
        super().__init__()
        self.cfg = cfg or ModelConfig()
        self.net = VocoderNet(self.cfg)

    def network(self, features: torch.Tensor) -> torch.Tensor:
        mask = torch.ones(features.shape[0], 1, features.shape[2], device=features.device)
        envelope, gains = self.net(features, mask)
        return torch.cat([envelope, gains], dim=1)

    def synthesize(self, out: torch.Tensor, f0: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        out = out.float()
        envelope, gains = out[:, : cfg.envelope_points], out[:, cfg.envelope_points :]
        noise = torch.randn(out.shape[0], out.shape[2], cfg.noise_fft, device=out.device)
        return ddsp.synthesize(
            f0, envelope, gains, noise, cfg.sample_rate, cfg.hop_size, cfg.max_harmonics, cfg.harmonic_ceiling
        )


@dataclass(frozen=True)
class Candidate:
    name: str
    build: object  # () -> nn.Module with network() and synthesize()
    sample_rate: int = SAMPLE_RATE
    hop: int = HOP
    inputs: int = N_MELS
    note: str = ""


def candidates(tiny: bool = False) -> dict[str, Candidate]:
    """Every candidate by name; ``tiny`` builds each at a few channels (for the tests)."""
    if tiny:
        vocos = lambda c, b: lambda: VocosVocoder(16, 1, hop=HOP, inputs=N_MELS, depthwise_quantized=True)  # noqa: E731
        istft = lambda: ISTFTNetVocoder(16)  # noqa: E731
        hifi = lambda: HiFiGANVocoder(32, kernels=(3,))  # noqa: E731
        base = lambda: DDSPBaseline(ModelConfig(vocoder_channels=16, vocoder_layers=1))  # noqa: E731
    else:
        vocos = lambda c, b: lambda: VocosVocoder(c, b, hop=HOP, inputs=N_MELS, depthwise_quantized=True)  # noqa: E731
        istft = lambda: ISTFTNetVocoder(256)  # noqa: E731
        hifi = lambda: HiFiGANVocoder(128)  # noqa: E731
        base = lambda: DDSPBaseline()  # noqa: E731
    ddsp_cfg = ModelConfig()
    return {
        "vocos-256x4": Candidate("vocos-256x4", vocos(256, 4), note="frame rate, iSTFT 1200/300"),
        "vocos-256x8": Candidate("vocos-256x8", vocos(256, 8), note="frame rate, iSTFT 1200/300"),
        "vocos-384x8": Candidate("vocos-384x8", vocos(384, 8), note="frame rate, iSTFT 1200/300"),
        "istftnet": Candidate("istftnet", istft, note="256 ch, x5 x6, k3 blocks, iSTFT 40/10"),
        "hifigan": Candidate("hifigan", hifi, note="128 ch, x5 x5 x4 x3, k3/7/11 blocks"),
        "ddsp": Candidate(
            "ddsp",
            base,
            sample_rate=ddsp_cfg.sample_rate,
            hop=ddsp_cfg.hop_size,
            inputs=ddsp_cfg.n_mels + 2,
            note="the recipe's, 22,050 Hz hop 256",
        ),
    }


def generate(model: nn.Module, features: torch.Tensor, extra=None, bf16: bool = False) -> torch.Tensor:
    """features [B, inputs, frames] -> audio [B, frames * hop]; the network under bf16 autocast
    when asked (as the trainer runs its vocoder), the synthesis in fp32."""
    with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=bf16):
        out = model.network(features)
    return model.synthesize(out, extra)


# --------------------------------------------------------------------------------------------
# Size


def ternary_layers(model: nn.Module) -> list[TernaryConv1d]:
    return [m for m in model.modules() if isinstance(m, TernaryConv1d) and m.quantized]


def size_report(model: nn.Module) -> dict:
    """Parameters, the ternary share, and the packed bytes: 5 trits a byte per row (c_out rows of
    c_in / groups x kernel trits), a fp32 scale per layer, fp16 for every other parameter."""
    ternary_ids = {id(layer.weight) for layer in ternary_layers(model)}
    total = sum(p.numel() for p in model.parameters())
    ternary = sum(p.numel() for p in model.parameters() if id(p) in ternary_ids)
    packed = 0
    for layer in ternary_layers(model):
        rows, row_len = layer.weight.shape[0], layer.weight[0].numel()
        packed += rows * math.ceil(row_len / 5) + 4
    packed += 2 * (total - ternary)
    return {"params": total, "ternary_share": ternary / total, "packed_bytes": packed}


# --------------------------------------------------------------------------------------------
# Discriminators


class PeriodDiscriminator(nn.Module):
    """HiFi-GAN's: the waveform folded into [samples / period, period], 2-D convs along time."""

    def __init__(self, period: int, channels: tuple[int, ...]):
        super().__init__()
        self.period = period
        c = (1, *channels)
        strides = (3, 3, 3, 3, 1)
        self.convs = nn.ModuleList(
            nn.Conv2d(c[i], c[i + 1], (5, 1), (strides[i], 1), padding=(2, 0)) for i in range(len(channels))
        )
        self.post = nn.Conv2d(c[-1], 1, (3, 1), padding=(1, 0))

    def forward(self, wave: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        b, n = wave.shape
        if n % self.period:
            wave = F.pad(wave, (0, self.period - n % self.period), mode="reflect")
        x = wave.view(b, 1, -1, self.period)
        features = []
        for conv in self.convs:
            x = F.leaky_relu(conv(x), 0.1)
            features.append(x)
        return self.post(x).flatten(1), features


class MultiPeriodDiscriminator(nn.Module):
    def __init__(self, periods: tuple[int, ...] = MPD_PERIODS, width: float = 1.0):
        super().__init__()
        channels = tuple(max(4, int(round(c * width))) for c in MPD_CHANNELS)
        self.discriminators = nn.ModuleList(PeriodDiscriminator(p, channels) for p in periods)

    def forward(self, wave: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        scores, features = [], []
        for d in self.discriminators:
            s, f = d(wave)
            scores.append(s)
            features.extend(f)
        return torch.cat(scores, dim=1), features


# --------------------------------------------------------------------------------------------
# Measurements


@dataclass
class Bench:
    """One candidate's models, optimizers and batch, kept across rounds."""

    candidate: Candidate
    model: nn.Module
    features: torch.Tensor
    extra: torch.Tensor | None
    audio: torch.Tensor
    filterbank: torch.Tensor
    opt: torch.optim.Optimizer
    discriminators: dict = field(default_factory=dict)  # name -> (module, optimizer)


def make_batch(c: Candidate, batch: int, seconds: float, generator: torch.Generator):
    """Random features, F0 (the DDSP baseline's) and audio of the candidate's rate and frames."""
    frames = round(seconds * c.sample_rate / c.hop)
    features = torch.randn(batch, c.inputs, frames, generator=generator)
    f0 = 100 + 100 * torch.rand(batch, frames, generator=generator) if c.name == "ddsp" else None
    audio = 0.1 * torch.randn(batch, frames * c.hop, generator=generator)
    return features, f0, audio


def make_bench(c: Candidate, batch: int, seconds: float, mpd_width: float, seed: int = 0) -> Bench:
    torch.manual_seed(seed)
    model = c.build()
    features, f0, audio = make_batch(c, batch, seconds, torch.Generator().manual_seed(seed))
    n_fft = 4 * c.hop  # the corpus' frames: a window of 4 hops (1,200 at 24 kHz, 1,024 at 22,050)
    fb = torch.from_numpy(mel_filterbank(c.sample_rate, n_fft, 80, 0.0, c.sample_rate / 2))
    if c.name == "ddsp":
        fb = torch.from_numpy(mel_filterbank())  # the recipe's own
    discs = {}
    for name, module in (("spec", SpectrogramDiscriminator()), ("mpd", MultiPeriodDiscriminator(width=mpd_width))):
        discs[name] = (module, torch.optim.Adam(module.parameters(), 2e-4, betas=(0.8, 0.99)))
    return Bench(c, model, features, f0, audio, fb, torch.optim.Adam(model.parameters(), 2e-4), discs)


def train_step(b: Bench, discriminator: str | None, bf16: bool) -> tuple[float, float]:
    """One generator step (and one discriminator step when there is one), as the recipe's
    fine-tuning does it; returns its (wall seconds, CPU seconds of this process, all threads)."""
    t0, c0 = time.perf_counter(), time.process_time()
    wave = generate(b.model, b.features, b.extra, bf16)
    loss = ddsp.multi_resolution_stft_loss(wave, b.audio, FFT_SIZES)
    loss = loss + ddsp.log_mel_l1(wave, b.audio, b.filterbank, b.candidate.hop)
    if discriminator:
        disc, opt_d = b.discriminators[discriminator]
        real_scores, real_features = disc(b.audio)
        fake_scores, fake_features = judged_frozen(disc, wave)
        adv, matching = generator_losses(fake_scores, fake_features, real_features)
        loss = loss + 0.3 * (adv + 2 * matching)
    b.opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(b.model.parameters(), 1.0)
    b.opt.step()
    if discriminator:
        d_loss = discriminator_loss(real_scores, disc(wave.detach())[0])
        opt_d.zero_grad(set_to_none=True)
        d_loss.backward()
        opt_d.step()
    return time.perf_counter() - t0, time.process_time() - c0


def conv_macs(model: nn.Module, features: torch.Tensor, extra) -> tuple[int, list[tuple]]:
    """(multiply-accumulates of every Conv1d in one forward pass, the dense ternary layers'
    shapes as (c_in, c_out, kernel, dilation, input frames))."""
    macs, shapes = [0], []

    def hook(module, inputs, output):
        macs[0] += (
            output.shape[0] * output.shape[2] * module.out_channels * module.weight.shape[1] * module.kernel_size[0]
        )
        if isinstance(module, TernaryConv1d) and module.quantized and module.groups == 1:
            shapes.append(
                (module.in_channels, module.out_channels, module.kernel_size[0], module.dilation[0], inputs[0].shape[2])
            )

    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, nn.Conv1d)]
    try:
        with torch.no_grad():
            model.network(features)
    finally:
        for h in handles:
            h.remove()
    return macs[0], shapes


def native_seconds(shapes: list[tuple], repeat: int = 3) -> float | None:
    """Seconds the engine's native ternary kernel takes for these layers (random trits, a third
    zeros; random frames), best of ``repeat``; None without the built engine."""
    try:
        import numpy as np

        from bittts.engine import kernels
    except ImportError:
        return None
    rng = np.random.default_rng(0)
    total = 0.0
    for c_in, c_out, k, d, frames in shapes:
        w = rng.integers(-1, 2, size=(c_out, c_in, k)).astype(np.int8)
        w[rng.random(w.shape) < 0.35] = 0
        layer = kernels.TernaryConv1d(w, np.float32(0.05), dilation=d, padding=d * (k // 2))
        x = rng.normal(size=(frames, c_in)).astype(np.float32)
        layer(x)
        best = math.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            layer(x)
            best = min(best, time.perf_counter() - t0)
        total += best
    return total


def inference_report(c: Candidate, model: nn.Module, seconds: float) -> dict:
    """MACs per second of audio, and the native kernel's seconds for the dense ternary layers."""
    frames = round(seconds * c.sample_rate / c.hop)
    features = torch.randn(1, c.inputs, frames)
    extra = torch.full((1, frames), 150.0) if c.name == "ddsp" else None
    macs, shapes = conv_macs(model, features, extra)
    native = native_seconds(shapes)
    return {"gmac_per_s": macs / seconds / 1e9, "native_s_per_s": None if native is None else native / seconds}


def infer_time(c: Candidate, model: nn.Module, seconds: float) -> tuple[float, float]:
    """(wall, CPU) seconds of a no-grad forward pass (network + synthesis) per second of audio."""
    frames = round(seconds * c.sample_rate / c.hop)
    features = torch.randn(1, c.inputs, frames)
    extra = torch.full((1, frames), 150.0) if c.name == "ddsp" else None
    with torch.no_grad():
        t0, c0 = time.perf_counter(), time.process_time()
        generate(model, features, extra)
        return (time.perf_counter() - t0) / seconds, (time.process_time() - c0) / seconds


def load1() -> float:
    return os.getloadavg()[0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", default="ddsp,vocos-256x4,vocos-256x8,vocos-384x8,istftnet,hifigan")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over every candidate; figures are medians")
    parser.add_argument("--steps", type=int, default=1, help="timed training steps a figure (after one warm-up)")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=0.5, help="seconds of audio a training segment")
    parser.add_argument("--infer-seconds", type=float, default=4.0)
    parser.add_argument("--mpd-width", type=float, default=1.0, help="x HiFi-GAN's MPD channels (32-1024)")
    parser.add_argument("--discriminators", default="none,spec,mpd")
    parser.add_argument("--no-bf16", action="store_true", help="the generator in fp32 even where the CPU has bf16")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)

    from training.train import cpu_has_bf16

    bf16 = cpu_has_bf16() and not args.no_bf16
    table = candidates()
    names = args.candidates.split(",")
    discs = [None if d == "none" else d for d in args.discriminators.split(",")]
    benches = {n: make_bench(table[n], args.batch, args.seconds, args.mpd_width) for n in names}
    results = {n: {"note": table[n].note, **size_report(benches[n].model)} for n in names}
    print(f"bf16 autocast: {bf16}; batch {args.batch} x {args.seconds} s; {args.rounds} rounds", flush=True)

    torch.set_num_threads(1)
    for n in names:
        results[n].update(inference_report(table[n], benches[n].model, args.infer_seconds))

    started = time.time()
    samples: dict = {n: {} for n in names}  # key -> [(wall, cpu, load), ...], one a round

    def record(n: str, r: int, key: str, wall: float, cpu: float, unit: str = "s") -> None:
        load = load1()
        samples[n].setdefault(key, []).append((wall, cpu, load))
        print(f"round {r + 1} {n:<12} {key:<10} wall {wall:8.4f} {unit}  cpu {cpu:8.4f} {unit}  load {load:.2f}")

    for r in range(args.rounds):
        for n in names:
            b = benches[n]
            b.model.train()
            torch.set_num_threads(2)
            if r == 0:
                train_step(b, None, bf16)  # warm-up: allocations, Adam's state
            for d in discs:
                steps = [train_step(b, d, bf16) for _ in range(args.steps)]
                record(n, r, f"step_{d or 'none'}", *(statistics.mean(x) for x in zip(*steps)))
            torch.set_num_threads(1)
            b.model.eval()
            infer_time(table[n], b.model, 0.5)  # warm-up
            record(n, r, "infer", *infer_time(table[n], b.model, args.infer_seconds), unit="s/s")
            sys.stdout.flush()
    for n in names:
        for key, values in samples[n].items():
            walls, cpus, loads = zip(*values)
            results[n][key] = statistics.median(walls)
            results[n][key + "_cpu"] = statistics.median(cpus)
            results[n][key + "_load"] = [round(x, 2) for x in loads]
    elapsed = time.time() - started

    print(f"\n{elapsed / 60:.1f} minutes of measurement; bf16 {bf16}\n")
    print(markdown_tables(results, names))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"args": vars(args), "bf16": bf16, "minutes": elapsed / 60, "results": results}, f, indent=1)
    return 0


def markdown_tables(results: dict, names: list[str]) -> str:
    """Two Markdown tables: size and running cost; training steps (CPU and wall, with loads)."""

    def loads(r: dict, key: str) -> str:
        return "/".join(f"{x:.1f}" for x in r[key + "_load"])

    lines = [
        "| candidate | params | ternary | packed | GMAC / s of audio | torch, 1 thread: CPU s / s (wall; loads) "
        "| native ternary layers (s / s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in names:
        r = results[n]
        native = "-" if r.get("native_s_per_s") is None else f"{r['native_s_per_s']:.4f}"
        infer = f"{r['infer_cpu']:.4f} ({r['infer']:.4f}; {loads(r, 'infer')})" if "infer" in r else "-"
        lines.append(
            f"| {n} | {r['params'] / 1e6:.2f}M | {100 * r['ternary_share']:.1f}% | {r['packed_bytes'] / 1e6:.2f} MB | "
            f"{r['gmac_per_s']:.3f} | {infer} | {native} |"
        )
    base = results[names[0]].get("step_none_cpu")
    lines += [
        "",
        f"| candidate | {' | '.join(f'{k}: CPU s (x {names[0]}) / wall s (loads)' for k in STEP_KEYS)} |",
        "|---|---|---|---|",
    ]
    for n in names:
        r = results[n]
        cells = []
        for key in STEP_KEYS:
            if key not in r:
                cells.append("-")
                continue
            ratio = f" (x{r[key + '_cpu'] / base:.1f})" if base else ""
            cells.append(f"{r[key + '_cpu']:.2f}{ratio} / {r[key]:.2f} ({loads(r, key)})")
        lines.append(f"| {n} | {' | '.join(cells)} |")
    return "\n".join(lines)


STEP_KEYS = ("step_none", "step_spec", "step_mpd")


if __name__ == "__main__":
    raise SystemExit(main())
