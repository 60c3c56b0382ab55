"""Train the BitTTS model (vocoder, then acoustic model) on this CPU, resumably.

Stages, each resumed where it stopped: vocoder on ground-truth features; acoustic model (L1);
vocoder fine-tuning on the acoustic model's frames, the acoustic model learning with it (unless
--finetune-acoustic-lr 0) against a spectrogram discriminator (unless --finetune-adversarial-weight 0).
The vocoder is the DDSP (harmonic-plus-noise, --vocoder-kind ddsp) or the neural Vocos
(--vocoder-kind vocos, training/model/vocos.py), whose first stage also meets the discriminator
(--vocoder-adversarial-from), and which reads F0 and voicing beside the log-mel with
--vocos-pitch-inputs 1. The corpus is the first one (8 voices, 22,050 Hz) or the Kokoro
voices' (--corpus kokoro: 10 voices, 24 kHz; its state in work-data/runs/kokoro/ by default).
The run of the bundled model's corpus (the committed compact checkpoint's: training.run_info
``bundled_corpus``) without --run is the main run; any other is a side run (docs/training.md,
"Switching the bundled model"). docs/training.md has the procedure; docs/experiments/ why each
setting is what it is.

    nice .venv/bin/python -m training.train                   # resume (or start), run the schedule
    .venv/bin/python -m training.train --minutes 60           # stop after an hour, saving state
    .venv/bin/python -m training.train --device cuda          # the same code on a GPU
    nice .venv/bin/python -m training.train --corpus kokoro --vocoder-kind vocos   # the second generation

Needs the corpus features (python -m training.corpus.features). Saves the full state
(optimizers included) to work-data/checkpoints/model.pt every --checkpoint-every steps, and a
compact fp16 copy of the weights to training/checkpoints/bittts.pt at milestones when it is the
main run (committed only when the bundled model changes: docs/training.md, "Checkpoints"). A
Kokoro run keeps its full state in work-data/runs/kokoro/model.pt. A new machine without
work-data resumes the main run from the compact copy. Export with
python -m training.export --checkpoint work-data/checkpoints/model.pt --out resources/bittts-en.bttm.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import torch
import torch.nn.functional as F

from training.corpus.features import mel_filterbank
from training.data import CORPORA, WaveCache, acoustic_batches, load_split, vocoder_batches
from training.model import ddsp
from training.model.config import ModelConfig
from training.model.discriminator import SpectrogramDiscriminator, discriminator_loss, generator_losses, judged_frozen
from training.model.networks import LOG_F0_MEAN, LOG_F0_STD, AcousticModel, VocoderNet, vocoder_for
from training.model.vocos import VocosVocoder
from training.run_info import (
    COMPACT_CHECKPOINT,
    FULL_CHECKPOINT,
    RUNS,
    bundled_corpus,
    checkpoint_vocoder_kind,
    finetune_steps_heard,
    hardware_hours,
)

# a fine-tuning step by vocoder kind, used to leave the fine-tuning its time within --minutes (the DDSP's
# on 2 cores; the Vocos one at 1 s segments, CPU seconds at 1 thread on 7 December: docs/training.md)
FINETUNE_SECONDS_PER_STEP = {"ddsp": 0.5, "vocos": 0.6}
ADVERSARIAL_FINETUNE_SECONDS_PER_STEP = {"ddsp": 1.0, "vocos": 1.7}  # the same with the spectrogram discriminator
# the configuration's fields only the vocoder reads: a resumed run whose vocoder has not trained
# yet may change them (the acoustic stage first, then the vocoder's shape decided by measurement)
VOCODER_ONLY_FIELDS = {"vocos_channels", "vocos_blocks", "vocos_kernel", "vocos_fft", "vocos_pitch_inputs"}
VOCOS_ADVERSARIAL_FROM = 1000  # the Vocos vocoder stage's default --vocoder-adversarial-from
# (research.copy_synthesis --discriminator-from's default)
VOCOS_BETAS = (0.8, 0.99)  # the Vocos vocoder's Adam betas: research.copy_synthesis's (HiFi-GAN's)


@dataclass
class TrainConfig:
    corpus: str = "classic"  # "classic": the first 8 voices (22,050 Hz, hop 256); "kokoro": the 10 Kokoro
    # voices (24 kHz, hop 300; training.data.CORPORA), its state in work-data/runs/kokoro/ unless --run names another
    vocoder_kind: str = "ddsp"  # "ddsp": VocoderNet + harmonic-plus-noise; "vocos": VocosVocoder (issue 30)
    vocos_pitch_inputs: bool = False  # the Vocos vocoder also reads the normalized log-F0 and voicing
    # (ModelConfig.vocos_pitch_inputs; research.copy_synthesis' vocos-CxB-f0); the DDSP always does
    vocoder_steps: int = 4000  # 1,000 -> 3,500 -> 7,000 steps took copy-synthesis WER 15.9% -> 9.8% -> 8.3% (8 voices)
    acoustic_steps: int = 20000  # where the rest of the time goes (--minutes usually ends it first)
    finetune_steps: int = 300  # vocoder on the acoustic model's own (teacher-forced) frames
    vocoder_batch: int = 8
    segment_seconds: float = 1.0  # vocoder segments (86 frames at hop 256, 80 at hop 300: segment_frames)
    vocoder_utterances: int = 3000  # waveforms kept in memory for vocoder training
    acoustic_batch_seconds: float = 65.0  # audio per acoustic batch at most: about 16 utterances of 4 s
    # (5,599 frames at hop 256, 5,200 at hop 300: acoustic_max_frames)
    vocoder_lr: float = 1e-3
    vocoder_fft_sizes: str = "256,512,1024,2048"  # 256 resolves consonant onsets the larger sizes smear
    vocoder_mel_weight: float = 1.0  # the vocoder's stages add this x log-mel L1 (ddsp.log_mel_l1; 0: off)
    vocoder_adversarial_from: int | None = None  # the vocoder stage meets the spectrogram discriminator from
    # this step (it learns discriminator_warmup steps alone first); None: 1000 for vocos (it needs one to
    # learn phase; research.copy_synthesis), never for the DDSP (its recipe); < 0: never
    vocoder_adversarial_weight: float = 0.3  # that stage's weight on (adversarial + 2 x feature matching)
    acoustic_lr: float = 1e-3
    mel_edge_weight: float = 1.0  # the acoustic model's mel L1 weighs frames at phone boundaries (within
    # EDGE_FRAMES of one: the transitions that carry consonants) this many times the others (1: plain L1)
    discriminator_warmup: int = 200  # steps the spectrogram discriminator learns alone before the vocoder hears it
    finetune_acoustic_lr: float = 1e-4  # > 0: the fine-tuning also trains the acoustic model, through the
    # vocoder's losses on the audio (its own L1 losses kept), at this learning rate (JETS trains jointly)
    finetune_anneal_steps: int = 800  # the fine-tuning's last N steps lower both learning rates to 10% (cosine;
    # docs/experiments/2026-11-models.md, "Settling the fine-tuning": MCD 3.59 -> 3.42 dB; 0: constant rates)
    finetune_adversarial_weight: float = 0.3  # > 0: the vocoder fine-tuning also against a spectrogram
    # discriminator (docs/experiments/2026-11-models.md: OVRL +0.05 on every voice, MCD -0.09 dB; 0 turns it off)
    warmup_steps: int = 300
    weight_decay: float = 0.01
    bf16: bool | None = None  # None: on where the CPU has native bf16 (it halves a conv step)
    threads: int = 2  # the machine's cores; one training job at a time
    log_every: int = 50
    checkpoint_every: int = 500
    compact_every: int = 1000  # milestones for the committed fp16 checkpoint
    validate_every: int = 500
    validation_utterances: int = 96
    seed: int = 1234
    minutes: float | None = None  # wall-clock budget for this run
    device: str = "cpu"
    quantize_acoustic: bool = True
    quantize_vocoder: bool = True
    width: float = 1.0  # channel multiplier for the acoustic model and vocoder (ablations)
    run: str = ""  # a named side run (ablations): its own checkpoint under work-data/runs/, nothing committed
    vocoder_init: str = ""  # the vocoder (weights, optimizer, discriminator, step) from this file while this run's
    # has not trained: a copy-synthesis state (research/copy_synthesis.py: the same stage and losses) or a checkpoint

    @property
    def segment_frames(self) -> int:
        return CORPORA[self.corpus].seconds_to_frames(self.segment_seconds)

    @property
    def acoustic_max_frames(self) -> int:
        return CORPORA[self.corpus].seconds_to_frames(self.acoustic_batch_seconds)

    @property
    def adversarial_from(self) -> int | None:
        """The vocoder stage's first step against the discriminator, None for never."""
        step = self.vocoder_adversarial_from
        if step is None:
            step = VOCOS_ADVERSARIAL_FROM if self.vocoder_kind == "vocos" else -1
        return step if step >= 0 and self.vocoder_adversarial_weight > 0 else None

    def run_name(self) -> str:
        """The folder under work-data/runs/ that holds this run's full state: --run, or "kokoro"
        for the Kokoro corpus (where its run has trained since issue 30, before and after it
        became the bundled model's: ``Trainer.bundled_run``); "" for work-data/checkpoints/."""
        return self.run or ("kokoro" if self.corpus == "kokoro" else "")


def scaled_config(cfg: ModelConfig, width: float) -> ModelConfig:
    """The configuration with every conv width multiplied by ``width`` (multiples of 16): the
    acoustic model's and the vocoder's (the Vocos channels for a Vocos vocoder)."""
    if width == 1.0:
        return cfg
    scale = lambda c: max(16, int(round(c * width / 16)) * 16)  # noqa: E731
    scaled = replace(
        cfg,
        encoder_channels=scale(cfg.encoder_channels),
        decoder_channels=scale(cfg.decoder_channels),
        vocoder_channels=scale(cfg.vocoder_channels),
    )
    return replace(scaled, vocos_channels=scale(cfg.vocos_channels)) if cfg.vocoder_kind == "vocos" else scaled


def cpu_has_bf16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def cosine_to_floor(progress: float) -> float:
    """1 at progress 0, a cosine down to a floor of 0.1 (reached at 0.8), held past 1."""
    return max(0.1, 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def lr_at(step: int, progress: float, base: float, warmup: int) -> float:
    """Linear warm-up, then cosine decay to a floor of 10% as progress goes from 0 to 1."""
    warm = min(1.0, (step + 1) / warmup)
    return base * warm * cosine_to_floor(progress)


def finetune_anneal(step: int, total: int, anneal_steps: int) -> float:
    """The fine-tuning's learning-rate factor: 1, then over the last ``anneal_steps`` steps (at
    most the stage's second half) a cosine down to 0.1, so that the stage ends on a settled
    model, not on a noisy iterate."""
    anneal_steps = min(anneal_steps, total // 2)
    start = total - anneal_steps
    if anneal_steps <= 0 or step < start:
        return 1.0
    return cosine_to_floor((step - start) / anneal_steps)


EDGE_FRAMES = 2  # frames on each side of a phone boundary that count as its transition


def phone_edge_frames(durations: torch.Tensor, frames: int, width: int = EDGE_FRAMES) -> torch.Tensor:
    """[batch, frames]: 1 on the ``width`` frames either side of each boundary between two
    phones (not the utterance's start or end), else 0."""
    ends = torch.cumsum(durations, dim=1)
    inside = (ends > 0) & (ends < ends[:, -1:])
    marks = torch.zeros(durations.shape[0], frames + 1, device=durations.device)
    marks.scatter_(1, ends.clamp(max=frames), inside.float())
    # frame t is an edge when a boundary b (between frames b - 1 and b) has b - width <= t < b + width
    near = F.max_pool1d(marks[:, None], kernel_size=2 * width, stride=1, padding=width)[:, 0]
    return near[:, 1 : frames + 1]


def acoustic_loss(
    model: AcousticModel,
    batch: dict,
    cfg: ModelConfig,
    device,
    bf16: bool,
    return_frames: bool = False,
    mel_edge_weight: float = 1.0,
):
    """(total loss, its parts as floats), and the decoded frames when ``return_frames``.
    ``mel_edge_weight``: the mel L1 weighs phone-boundary frames (``phone_edge_frames``) this
    many times the others. The parts report the plain L1 and the L1 on the boundary frames alone."""
    b = {k: v.to(device) for k, v in batch.items()}
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bf16):
        out, frame_mask, log_dur, pitch, phone_mask, *_ = model(
            b["phones"], b["phone_lengths"], b["speakers"], b["durations"], b["phone_pitch"]
        )
    out = out.float()
    frames = frame_mask.sum()
    mel_error = out[:, : cfg.n_mels] - b["mel"]
    frame_error = mel_error.abs().mean(dim=1, keepdim=True) * frame_mask  # [batch, 1, frames]
    mel_l1 = frame_error.sum() / frames
    edges = phone_edge_frames(b["durations"], mel_error.shape[2])[:, None] * frame_mask
    mel_edges = (frame_error * edges).sum() / edges.sum().clamp(min=1)
    weights = frame_mask + (mel_edge_weight - 1.0) * edges
    mel_loss = (frame_error * weights).sum() / weights.sum()  # at weights 1: mel_l1
    fmask = frame_mask[:, 0]
    f0_l1 = ((out[:, cfg.n_mels] - b["norm_log_f0"]).abs() * fmask).sum() / frames
    voicing = (
        F.binary_cross_entropy_with_logits(out[:, cfg.n_mels + 1], b["voiced"], reduction="none") * fmask
    ).sum() / frames
    pmask = phone_mask[:, 0]
    phones = pmask.sum()
    dur = (((log_dur.float() - torch.log1p(b["durations"].float())) ** 2) * pmask).sum() / phones
    pit = (((pitch.float() - b["phone_pitch"]) ** 2) * pmask).sum() / phones
    total = mel_loss + 0.5 * f0_l1 + 0.2 * voicing + 0.5 * dur + 0.2 * pit
    parts = {
        "mel_l1": mel_l1.item(),
        "mel_edges": mel_edges.item(),
        "f0_l1": f0_l1.item(),
        "voicing": voicing.item(),
        "dur": dur.item(),
        "pitch": pit.item(),
    }
    return (total, parts, out) if return_frames else (total, parts)


def vocoder_wave(
    model: VocoderNet | VocosVocoder, feats: torch.Tensor, f0: torch.Tensor | None, cfg: ModelConfig, device, bf16: bool
) -> torch.Tensor:
    """The vocoder's waveform [B, S * hop] of frames ``feats`` [B, n_mels + 2, S] (the Vocos
    vocoder reads their mel alone, and takes [B, n_mels, S] too, unless ``vocos_pitch_inputs``:
    then all of them) and F0 in Hz [B, S] (the DDSP's harmonics; None for Vocos). The network
    runs under bf16 autocast when ``bf16``, the synthesis (harmonic-plus-noise or inverse STFT)
    in fp32."""
    with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=bf16):
        if cfg.vocoder_kind == "vocos":
            out = model.network(feats if cfg.vocos_pitch_inputs else feats[:, : cfg.n_mels])
        else:
            mask = torch.ones(feats.shape[0], 1, feats.shape[2], device=device)
            envelope, gains = model(feats, mask)
    if cfg.vocoder_kind == "vocos":
        return model.synthesize(out)
    noise = torch.randn(feats.shape[0], feats.shape[2], cfg.noise_fft, device=device)
    return ddsp.synthesize(
        f0,
        envelope.float(),
        gains.float(),
        noise,
        cfg.sample_rate,
        cfg.hop_size,
        cfg.max_harmonics,
        cfg.harmonic_ceiling,
    )


def vocoder_loss(
    model: VocoderNet | VocosVocoder,
    batch,
    cfg: ModelConfig,
    device,
    bf16: bool,
    fft_sizes: tuple[int, ...] = (512, 1024, 2048),
    return_wave: bool = False,
    mel_weight: float = 0.0,
    mel_filterbank: torch.Tensor | None = None,
):
    """(multi-resolution STFT loss, plus ``mel_weight`` x log-mel L1 (``ddsp.log_mel_l1``), its
    parts as floats), and the waveform when ``return_wave``. ``batch``: (features, F0 in Hz or
    None, audio), as ``vocoder_wave`` reads them."""
    feats, f0, audio = (None if t is None else t.to(device) for t in batch)
    wave = vocoder_wave(model, feats, f0, cfg, device, bf16)
    loss = ddsp.multi_resolution_stft_loss(wave, audio, fft_sizes)
    parts = {"stft": loss.item()}
    if mel_weight > 0:
        mel = ddsp.log_mel_l1(wave, audio, mel_filterbank, cfg.hop_size)
        loss = loss + mel_weight * mel
        parts["mel"] = mel.item()
    return (loss, parts, wave, audio) if return_wave else (loss, parts)


def vocoder_inputs(frames: torch.Tensor, cfg: ModelConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """The acoustic model's output frames [C, S] -> the vocoder's (features [n_mels + 2, S], F0 Hz
    [S]; the DDSP's, and the Vocos vocoder's with ``vocos_pitch_inputs``), as the engine hands them
    over (engine/vocoder_inputs.py): voicing decided (> 0), log-F0 denormalized. Only the
    mel stays differentiable, so the vocoder's losses can reach the acoustic model's spectra:
    a spectral loss's gradient on F0 is ill-conditioned, and it threw the F0 off (log-F0 L1
    about 0.06 -> 0.30 in 50 joint steps)."""
    log_f0 = frames[cfg.n_mels].detach()
    voiced = (frames[cfg.n_mels + 1] > 0).float()
    features = torch.cat([frames[: cfg.n_mels], log_f0[None], voiced[None]], dim=0)
    return features, torch.exp(log_f0 * LOG_F0_STD + LOG_F0_MEAN)


class Trainer:
    def __init__(self, tc: TrainConfig):
        if tc.corpus not in CORPORA:
            raise SystemExit(f"--corpus {tc.corpus}: one of {', '.join(CORPORA)}")
        if tc.vocoder_kind not in ("ddsp", "vocos"):
            raise SystemExit(f"--vocoder-kind {tc.vocoder_kind}: ddsp or vocos")
        if tc.vocos_pitch_inputs and tc.vocoder_kind != "vocos":
            raise SystemExit("--vocos-pitch-inputs is an option of --vocoder-kind vocos (the DDSP reads F0 always)")
        self.tc = tc
        self.corpus = CORPORA[tc.corpus]
        torch.manual_seed(tc.seed)
        torch.set_num_threads(tc.threads)
        self.device = torch.device(tc.device)
        self.fft_sizes = tuple(int(n) for n in tc.vocoder_fft_sizes.split(","))
        lay = self.corpus.layout
        self.mel_filterbank = torch.from_numpy(
            mel_filterbank(lay.sample_rate, lay.n_fft, lay.n_mels, lay.fmin, lay.fmax)
        ).to(self.device)
        self.bf16 = (cpu_has_bf16() if tc.device == "cpu" else True) if tc.bf16 is None else tc.bf16
        from bittts.engine.text.phones import SYMBOLS

        self.phones = list(SYMBOLS)
        self.speakers = [  # in the model's order: speaker i is the corpus' voices[i]
            {
                "name": v.name,
                "sex": {"F": "female", "M": "male"}[v.sex],
                "accent": v.accent,
                "licence": v.licence,
                "teacher": f"{v.engine} {v.voice}",
            }
            for v in self.corpus.voices
        ]
        self.cfg = scaled_config(
            ModelConfig(
                sample_rate=lay.sample_rate,
                hop_size=lay.hop,
                n_mels=lay.n_mels,
                n_phones=len(SYMBOLS),
                n_speakers=len(self.corpus.voices),
                vocoder_kind=tc.vocoder_kind,
                vocos_pitch_inputs=tc.vocos_pitch_inputs,
                quantize_acoustic=tc.quantize_acoustic,
                quantize_vocoder=tc.quantize_vocoder,
            ),
            tc.width,
        )
        run = tc.run_name()
        self.full_checkpoint = RUNS / run / "model.pt" if run else FULL_CHECKPOINT
        self.compact_checkpoint = COMPACT_CHECKPOINT if self.bundled_run() else None
        self.acoustic = AcousticModel(self.cfg).to(self.device)
        self.vocoder = vocoder_for(self.cfg).to(self.device)  # as the exporter rebuilds it
        with torch.no_grad():
            if isinstance(self.vocoder, VocoderNet):  # start the DSP quiet instead of 100 unit-amplitude harmonics
                self.vocoder.out.bias[: self.cfg.envelope_points].fill_(-5.0)
                self.vocoder.out.bias[self.cfg.envelope_points :].fill_(-4.0)
            self.acoustic.duration_predictor.out.bias.fill_(1.5)
        self.opt_a = torch.optim.AdamW(self.acoustic.parameters(), tc.acoustic_lr, weight_decay=tc.weight_decay)
        betas = VOCOS_BETAS if self.cfg.vocoder_kind == "vocos" else (0.9, 0.999)  # torch's default for the DDSP
        self.opt_v = torch.optim.AdamW(self.vocoder.parameters(), tc.vocoder_lr, betas, weight_decay=tc.weight_decay)
        self.step_a = self.step_v = self.step_f = 0
        self.wave_discriminator = SpectrogramDiscriminator().to(self.device)
        self.opt_wd = torch.optim.AdamW(self.wave_discriminator.parameters(), 2e-4, betas=(0.5, 0.9))
        self.step_wd = 0  # steps the spectrogram discriminator has learned
        # fine-tuning steps the vocoder took against that discriminator: kept in the compact copy too, so
        # the count survives a resume that restarts the discriminator (the model card reports it)
        self.step_f_heard = 0
        self.seconds = {"vocoder": 0.0, "acoustic": 0.0, "finetune": 0.0}
        self.audio_seconds = {"vocoder": 0.0, "acoustic": 0.0, "finetune": 0.0}
        self.device_seconds: dict[str, float] = {}  # the same time by device kind ("cpu", "cuda")
        self.history: list[dict] = []
        self.started = time.time()
        self.resume()

    # --- checkpoints ---------------------------------------------------------------------
    def bundled_run(self) -> bool:
        """Whether this is the bundled model's run, which resumes from the committed compact
        checkpoint (without a full state of its own) and rewrites it at milestones: no --run, and
        the corpus the committed checkpoint learned (``bundled_corpus``; the first corpus' until
        a second-generation checkpoint is committed: that commit alone makes the Kokoro run the
        main run). Every other run is a side run that never touches that file."""
        if self.tc.run:
            return False
        bundled = bundled_corpus(COMPACT_CHECKPOINT)
        if self.tc.corpus != bundled:
            print(f"a side run: {COMPACT_CHECKPOINT} is the {bundled} corpus' model, and stays as it is", flush=True)
        return self.tc.corpus == bundled

    def state(self, compact: bool) -> dict:
        def weights(m):
            return {k: (v.half() if compact and v.is_floating_point() else v).cpu() for k, v in m.state_dict().items()}

        state = {
            "config": self.cfg.to_dict(),
            "train_config": asdict(self.tc),
            "phones": self.phones,
            "speakers": self.speakers,
            "acoustic": weights(self.acoustic),
            "vocoder": weights(self.vocoder),
            "step_acoustic": self.step_a,
            "step_vocoder": self.step_v,
            "step_finetune": self.step_f,
            "step_finetune_adversarial": self.step_f_heard,
            "seconds": self.seconds,
            "audio_seconds": self.audio_seconds,
            "device_seconds": self.device_seconds,
            "history": self.history[-200:],
            "provenance": self.provenance(),
        }
        if not compact:
            state["opt_acoustic"] = self.opt_a.state_dict()
            state["opt_vocoder"] = self.opt_v.state_dict()
            if self.step_wd:
                state["wave_discriminator"] = self.wave_discriminator.state_dict()
                state["opt_wave_discriminator"] = self.opt_wd.state_dict()
                state["step_wave_discriminator"] = self.step_wd
        return state

    def provenance(self) -> str:
        return (
            f"distilled from {len(self.speakers)} teacher voices ({', '.join(s['name'] for s in self.speakers)}); "
            f"vocoder {self.step_v} steps, acoustic {self.step_a} steps, "
            f"vocoder fine-tuning {self.step_f} steps; "
            f"{sum(self.seconds.values()) / 3600:.2f} h of training ({hardware_hours(self.device_seconds)})"
        )

    def save(self, compact: bool = False) -> None:
        path = self.compact_checkpoint if compact else self.full_checkpoint
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save(self.state(compact), tmp)
        os.replace(tmp, path)
        print(f"saved {path} ({path.stat().st_size / 1e6:.1f} MB)", flush=True)

    def resume(self) -> None:
        candidates = [p for p in (self.full_checkpoint, self.compact_checkpoint) if p is not None and p.exists()]
        path = candidates[0] if candidates else None
        if path is None:
            print("starting a new model", flush=True)
            if self.tc.vocoder_init:
                self.start_vocoder_from(Path(self.tc.vocoder_init))
            return
        ckpt = torch.load(path, map_location="cpu", weights_only=False)
        kind = checkpoint_vocoder_kind(ckpt)
        if kind != self.cfg.vocoder_kind:
            raise SystemExit(
                f"{path} holds a {kind} vocoder, and this run trains a {self.cfg.vocoder_kind} one: "
                f"resume it with --vocoder-kind {kind}, or start the other with --run NAME"
            )
        stored = ModelConfig.from_dict(ckpt["config"]).to_dict()
        differ = {k: v for k, v in stored.items() if v != getattr(self.cfg, k)}
        # a vocoder that never trained (the acoustic stage ran first) may change its own shape
        untrained_vocoder = ckpt["step_vocoder"] == 0 and ckpt.get("step_finetune", 0) == 0
        new_vocoder = bool(differ) and untrained_vocoder and set(differ) <= VOCODER_ONLY_FIELDS
        if differ and not new_vocoder:
            listed = ", ".join(f"{k} {v} (this run: {getattr(self.cfg, k)})" for k, v in differ.items())
            raise SystemExit(
                f"{path} was trained with another model configuration ({listed}); move it away to start anew"
            )
        self.acoustic.load_state_dict({k: v.float() for k, v in ckpt["acoustic"].items()})
        if "opt_acoustic" in ckpt:
            self.opt_a.load_state_dict(ckpt["opt_acoustic"])
        if new_vocoder:
            print(f"{path}: its untrained vocoder is replaced by this run's ({', '.join(differ)})", flush=True)
        else:
            self.vocoder.load_state_dict({k: v.float() for k, v in ckpt["vocoder"].items()})
            if "opt_vocoder" in ckpt:
                self.opt_v.load_state_dict(ckpt["opt_vocoder"])
        self.step_a, self.step_v = ckpt["step_acoustic"], ckpt["step_vocoder"]
        self.step_f = ckpt.get("step_finetune", 0)
        if "wave_discriminator" in ckpt and not new_vocoder:  # the compact copy has none: a new one warms up
            self.wave_discriminator.load_state_dict(ckpt["wave_discriminator"])
            self.opt_wd.load_state_dict(ckpt["opt_wave_discriminator"])
            self.step_wd = ckpt["step_wave_discriminator"]
        self.step_f_heard = finetune_steps_heard(ckpt)
        self.seconds.update(ckpt["seconds"])
        self.audio_seconds.update(ckpt["audio_seconds"])
        # checkpoints from before the split trained on one device, the one their config names
        self.device_seconds = dict(
            ckpt.get("device_seconds")
            or {ckpt.get("train_config", {}).get("device", "cpu"): sum(ckpt["seconds"].values())}
        )
        self.history = ckpt.get("history", [])
        print(f"resumed from {path}: vocoder step {self.step_v}, acoustic step {self.step_a}", flush=True)
        if self.tc.vocoder_init and self.step_v == 0:  # e.g. the acoustic stage ran first (--vocoder-steps 0)
            self.start_vocoder_from(Path(self.tc.vocoder_init))

    def start_vocoder_from(self, path: Path) -> None:
        """This run's untrained vocoder goes on from ``path``: a copy-synthesis state (``model``,
        ``opt_g``, ``discriminator``, ``opt_d``, ``step``) or a trainer checkpoint (``vocoder``...).
        Its steps count as this run's vocoder steps; its time is not this run's."""
        if not path.exists():
            raise SystemExit(f"--vocoder-init {path}: no such file")
        state = torch.load(path, map_location="cpu", weights_only=False)
        copy_synthesis = "model" in state
        weights = state["model"] if copy_synthesis else state["vocoder"]
        try:
            self.vocoder.load_state_dict({k: v.float() for k, v in weights.items()})
        except RuntimeError as exc:
            raise SystemExit(f"--vocoder-init {path}: not a vocoder of this configuration ({exc})") from exc
        optimizer = state.get("opt_g" if copy_synthesis else "opt_vocoder")
        if optimizer is not None:
            self.opt_v.load_state_dict(optimizer)
        discriminator = state.get("discriminator" if copy_synthesis else "wave_discriminator")
        if discriminator is not None:
            self.wave_discriminator.load_state_dict(discriminator)
            self.opt_wd.load_state_dict(state["opt_d" if copy_synthesis else "opt_wave_discriminator"])
            self.step_wd = state.get("step", 0) if copy_synthesis else state.get("step_wave_discriminator", 0)
        self.step_v = state["step"] if copy_synthesis else state["step_vocoder"]
        self.history.append({"stage": "vocoder_init", "from": str(path), "step_vocoder": self.step_v})
        print(f"vocoder from {path}: step {self.step_v}", flush=True)

    def out_of_time(self, reserve_seconds: float = 0.0) -> bool:
        return self.tc.minutes is not None and time.time() - self.started > 60 * self.tc.minutes - reserve_seconds

    def finetune_reserve(self) -> float:
        """Seconds the acoustic stage leaves for the vocoder fine-tuning after it."""
        left = max(0, self.tc.finetune_steps - self.step_f)
        if not left:
            return 0.0
        plain = FINETUNE_SECONDS_PER_STEP[self.cfg.vocoder_kind]
        if self.tc.finetune_adversarial_weight > 0:
            warmup = max(0, self.tc.discriminator_warmup - self.step_wd)
            return 60.0 + plain * warmup + ADVERSARIAL_FINETUNE_SECONDS_PER_STEP[self.cfg.vocoder_kind] * left
        return 60.0 + plain * left

    def progress(self, step: int, total: int, stage_started: float, stage_start_step: int) -> float:
        """How far through its schedule a stage is: by steps, or by this run's time budget when
        that ends first (so the learning rate has decayed when time runs out)."""
        by_steps = step / total
        if self.tc.minutes is None:
            return by_steps
        budget = 60 * self.tc.minutes - (stage_started - self.started) - self.finetune_reserve()
        remaining_steps_share = 1 - stage_start_step / total
        elapsed = time.time() - stage_started
        return max(by_steps, stage_start_step / total + remaining_steps_share * elapsed / max(budget, 1))

    # --- stages ----------------------------------------------------------------------------
    def load(self, split: str, limit: int | None = None):
        """A split of this run's corpus, its speakers numbered as the model numbers them."""
        c = self.corpus
        utts = load_split(
            split, c.manifest, limit, speakers={v.name for v in c.voices}, speaker_index=c.speaker_index()
        )
        if split == "train" and not utts:  # a corpus being generated may have its other splits first
            raise SystemExit(
                f"no train-split utterances in {c.manifest} yet: make their features first (docs/training.md)"
            )
        return utts

    def train_vocoder(self) -> None:
        tc = self.tc
        if self.step_v >= tc.vocoder_steps:
            return
        utts = self.load("train", tc.vocoder_utterances)
        batches = vocoder_batches(
            utts, WaveCache(utts), tc.segment_frames, tc.vocoder_batch, self.cfg.hop_size, tc.seed + self.step_v
        )
        print(f"vocoder: {len(utts)} utterances, from step {self.step_v} to {tc.vocoder_steps}", flush=True)
        self.vocoder.train()
        adversarial_from = tc.adversarial_from
        while self.step_v < tc.vocoder_steps and not self.out_of_time():
            t0 = time.time()
            for g in self.opt_v.param_groups:
                g["lr"] = lr_at(self.step_v, self.step_v / tc.vocoder_steps, tc.vocoder_lr, tc.warmup_steps)
            loss, parts, wave, real = vocoder_loss(
                self.vocoder,
                next(batches),
                self.cfg,
                self.device,
                self.bf16,
                self.fft_sizes,
                return_wave=True,
                mel_weight=tc.vocoder_mel_weight,
                mel_filterbank=self.mel_filterbank,
            )
            judged = adversarial_from is not None and self.step_v >= adversarial_from
            weight = tc.vocoder_adversarial_weight if judged else 0.0
            stepped, _ = self.adversarial_step(loss, parts, wave, real, weight, self.step_vocoder)
            self.step_v += int(stepped)
            self._account(
                "vocoder",
                t0,
                tc.vocoder_batch * tc.segment_frames * self.cfg.hop_size / self.cfg.sample_rate,
                self.step_v if stepped else self.step_wd,
                parts,
            )

    def step_vocoder(self, loss: torch.Tensor) -> None:
        """One optimizer step of the vocoder on ``loss`` (gradients clipped to norm 1)."""
        self.opt_v.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.vocoder.parameters(), 1.0)
        self.opt_v.step()

    def step_joint(self, loss: torch.Tensor) -> None:
        """One step of the vocoder and the acoustic model together on ``loss`` (each clipped to norm 1)."""
        self.opt_v.zero_grad(set_to_none=True)
        self.opt_a.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.vocoder.parameters(), 1.0)
        self.opt_v.step()
        torch.nn.utils.clip_grad_norm_(self.acoustic.parameters(), 1.0)
        self.opt_a.step()

    def adversarial_step(
        self,
        loss: torch.Tensor,
        parts: dict,
        wave: torch.Tensor,
        real: torch.Tensor,
        weight: float,
        step_generator: Callable[[torch.Tensor], None],
    ) -> tuple[bool, bool]:
        """One step of a vocoder stage against the spectrogram discriminator (the vocoder stage's
        and the fine-tuning's one implementation). With ``weight`` > 0: once the discriminator has
        learned ``discriminator_warmup`` steps, ``weight`` x (adversarial + 2 x feature matching)
        of ``wave`` joins ``loss`` and ``step_generator(loss)`` steps the generator (not while the
        discriminator warms up: the generator waits); then the discriminator learns ``real`` from
        ``wave``. With ``weight`` 0: ``step_generator(loss)`` alone. ``parts`` gains the losses
        (adv, fm, disc). Returns (whether the generator stepped, whether it heard the discriminator)."""
        adversarial = weight > 0
        hearing = adversarial and self.step_wd >= self.tc.discriminator_warmup
        if adversarial:  # one pass over the real audio: features to match, scores for its loss
            real_scores, real_features = self.wave_discriminator(real)
        if hearing:
            fake_scores, fake_features = judged_frozen(self.wave_discriminator, wave)
            adv, matching = generator_losses(fake_scores, fake_features, real_features)
            loss = loss + weight * (adv + 2 * matching)
            parts.update(adv=adv.item(), fm=matching.item())
        stepped = hearing or not adversarial
        if stepped:
            step_generator(loss)
        if adversarial:
            d_loss = discriminator_loss(real_scores, self.wave_discriminator(wave.detach())[0])
            self.opt_wd.zero_grad(set_to_none=True)
            d_loss.backward()
            self.opt_wd.step()
            self.step_wd += 1
            parts["disc"] = d_loss.item()
        return stepped, hearing

    def train_acoustic(self) -> None:
        tc = self.tc
        if self.step_a >= tc.acoustic_steps:
            return
        utts = self.load("train")
        valid = self.load("valid", tc.validation_utterances)
        batches = acoustic_batches(utts, tc.acoustic_max_frames, tc.seed + self.step_a)
        hours = sum(u.frames for u in utts) * self.cfg.hop_size / self.cfg.sample_rate / 3600
        print(
            f"acoustic: {len(utts)} utterances ({hours:.1f} h), from step {self.step_a} to {tc.acoustic_steps}",
            flush=True,
        )
        stage_started, first_step = time.time(), self.step_a
        while self.step_a < tc.acoustic_steps and not self.out_of_time(self.finetune_reserve()):
            self.acoustic.train()
            t0 = time.time()
            progress = self.progress(self.step_a, tc.acoustic_steps, stage_started, first_step)
            for g in self.opt_a.param_groups:
                g["lr"] = lr_at(self.step_a, progress, tc.acoustic_lr, tc.warmup_steps)
            batch = next(batches)
            loss, parts = acoustic_loss(
                self.acoustic, batch, self.cfg, self.device, self.bf16, mel_edge_weight=tc.mel_edge_weight
            )
            self.opt_a.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.acoustic.parameters(), 1.0)
            self.opt_a.step()
            self.step_a += 1
            audio = batch["frame_lengths"].sum().item() * self.cfg.hop_size / self.cfg.sample_rate
            self._account("acoustic", t0, audio, self.step_a, parts)
            if self.step_a % tc.validate_every == 0:
                self.validate(valid)

    def finetune_vocoder(self) -> None:
        """The vocoder on the acoustic model's teacher-forced frames (aligned with the real audio),
        so that it learns the acoustic model's smoother features, not only the ground truth. With
        ``finetune_acoustic_lr`` the acoustic model learns too, from the vocoder's losses on the
        audio (through its mel; ``vocoder_inputs``) next to its own L1 losses."""
        tc = self.tc
        if self.step_f >= tc.finetune_steps:
            return
        utts = [u for u in self.load("train", tc.vocoder_utterances) if u.frames > tc.segment_frames + 2]
        waves = WaveCache(utts)
        rng = torch.Generator().manual_seed(tc.seed + self.step_f)
        print(
            f"vocoder fine-tuning: {len(utts)} utterances, from step {self.step_f} to {tc.finetune_steps}", flush=True
        )
        joint = tc.finetune_acoustic_lr > 0
        self.acoustic.eval()  # no dropout, even when it learns here: the vocoder hears what the engine makes
        self.vocoder.train()
        hop, seg = self.cfg.hop_size, tc.segment_frames
        from training.data import collate_acoustic

        while self.step_f < tc.finetune_steps and not self.out_of_time():
            t0 = time.time()
            picks = [utts[i] for i in torch.randint(0, len(utts), (tc.vocoder_batch,), generator=rng).tolist()]
            anneal = finetune_anneal(self.step_f, tc.finetune_steps, tc.finetune_anneal_steps)
            batch = {k: v.to(self.device) for k, v in collate_acoustic(picks).items()}
            if joint:
                acoustic_total, acoustic_parts, out = acoustic_loss(
                    self.acoustic,
                    batch,
                    self.cfg,
                    self.device,
                    self.bf16,
                    return_frames=True,
                    mel_edge_weight=tc.mel_edge_weight,
                )
            else:
                with (
                    torch.no_grad(),
                    torch.autocast(device_type=self.device.type, dtype=torch.bfloat16, enabled=self.bf16),
                ):
                    out, *_ = self.acoustic(
                        batch["phones"],
                        batch["phone_lengths"],
                        batch["speakers"],
                        batch["durations"],
                        batch["phone_pitch"],
                    )
            out = out.float()
            feats, f0s, audio = [], [], []
            for i, u in enumerate(picks):
                start = int(torch.randint(0, u.frames - seg, (1,), generator=rng))
                frames = out[i, :, start : start + seg]
                if self.cfg.vocoder_kind == "vocos" and not self.cfg.vocos_pitch_inputs:  # the mel alone
                    feats.append(frames[: self.cfg.n_mels])
                else:  # the mel differentiable, the pitch rows as the engine hands them over
                    features, f0 = vocoder_inputs(frames, self.cfg)
                    feats.append(features)
                    if self.cfg.vocoder_kind == "ddsp":
                        f0s.append(f0)
                wav = waves.get(u)[start * hop : (start + seg) * hop].astype("float32") / 32768
                audio.append(torch.from_numpy(wav).to(self.device))
            for g in self.opt_v.param_groups:
                g["lr"] = 0.3 * tc.vocoder_lr * anneal
            loss, parts, wave, real = vocoder_loss(
                self.vocoder,
                (torch.stack(feats), torch.stack(f0s) if f0s else None, torch.stack(audio)),
                self.cfg,
                self.device,
                self.bf16,
                self.fft_sizes,
                return_wave=True,
                mel_weight=tc.vocoder_mel_weight,
                mel_filterbank=self.mel_filterbank,
            )
            if joint:
                loss = loss + acoustic_total
                parts.update({f"acoustic_{k}": v for k, v in acoustic_parts.items()})
                for g in self.opt_a.param_groups:
                    g["lr"] = tc.finetune_acoustic_lr * anneal
            stepped, hearing = self.adversarial_step(
                loss, parts, wave, real, tc.finetune_adversarial_weight, self.step_joint if joint else self.step_vocoder
            )
            self.step_f += int(stepped)
            self.step_f_heard += int(hearing)
            self._account(
                "finetune",
                t0,
                tc.vocoder_batch * seg * hop / self.cfg.sample_rate,
                self.step_f if stepped else self.step_wd,
                parts,
            )
        if joint:  # the acoustic model moved: the model card reads its last validation
            self.validate(self.load("valid", tc.validation_utterances))

    @torch.no_grad()
    def validate(self, valid) -> None:
        from training.data import collate_acoustic

        self.acoustic.eval()
        totals, n = {}, 0
        for i in range(0, len(valid), 16):
            _, parts = acoustic_loss(self.acoustic, collate_acoustic(valid[i : i + 16]), self.cfg, self.device, False)
            for k, v in parts.items():
                totals[k] = totals.get(k, 0.0) + v
            n += 1
        record = {"stage": "validation", "step": self.step_a, **{k: round(v / n, 4) for k, v in totals.items()}}
        self.history.append(record)
        print(json.dumps(record), flush=True)

    def _account(self, stage: str, t0: float, audio_seconds: float, step: int, parts: dict) -> None:
        spent = time.time() - t0
        self.seconds[stage] += spent
        self.device_seconds[self.device.type] = self.device_seconds.get(self.device.type, 0.0) + spent
        self.audio_seconds[stage] += audio_seconds
        tc = self.tc
        if step % tc.log_every == 0:
            rate = self.audio_seconds[stage] / max(self.seconds[stage], 1e-9)
            lr = (self.opt_a if stage == "acoustic" else self.opt_v).param_groups[0]["lr"]
            record = {
                "stage": stage,
                "step": step,
                **{k: round(v, 4) for k, v in parts.items()},
                "lr": round(lr, 6),
                "s_per_step": round(time.time() - t0, 3),
                "audio_s_per_s": round(rate, 1),
            }
            self.history.append(record)
            print(json.dumps(record), flush=True)
        if step % tc.checkpoint_every == 0:
            self.save()
        if step % tc.compact_every == 0:
            self.save(compact=True)

    def run(self) -> None:
        print(f"bf16 autocast: {self.bf16}; threads {self.tc.threads}; device {self.device}", flush=True)
        self.train_vocoder()
        self.train_acoustic()
        self.finetune_vocoder()
        self.save()
        self.save(compact=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = TrainConfig()
    none_default_types = {"minutes": float, "vocoder_adversarial_from": int}  # the rest: str
    choices = {"corpus": tuple(CORPORA), "vocoder_kind": ("ddsp", "vocos")}
    for name, value in asdict(defaults).items():
        kind = type(value) if value is not None else none_default_types.get(name, str)
        if isinstance(value, bool) or name == "bf16":
            parser.add_argument(
                f"--{name.replace('_', '-')}", type=lambda s: s.lower() in ("1", "true", "yes"), default=value
            )
        else:
            parser.add_argument(f"--{name.replace('_', '-')}", type=kind, default=value, choices=choices.get(name))
    args = parser.parse_args()
    tc = TrainConfig(**vars(args))
    manifest = CORPORA[tc.corpus].manifest
    if not manifest.exists():
        teachers = " --teachers kokoro" if tc.corpus == "kokoro" else ""
        raise SystemExit(f"no corpus features at {manifest}: run python -m training.corpus.features{teachers} first")
    Trainer(tc).run()


if __name__ == "__main__":
    main()
