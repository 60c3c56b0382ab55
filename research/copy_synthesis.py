"""Copy synthesis on the Kokoro voices: candidate ternary vocoders trained on the teacher's own
audio and judged against it (issue 30).

    # train one candidate (resumable: run it again to go on; stops after --minutes of wall time)
    PYTHONPATH=. nice -n 5 .venv/bin/python -m research.copy_synthesis train vocos-256x4 --minutes 120
    # render the first validation utterances of every voice and score them beside the teacher's
    PYTHONPATH=. .venv/bin/python -m research.copy_synthesis evaluate vocos-256x4 istftnet --per-voice 3 [--wer]
    # the same for the trainer's vocoder (scored into work-data/copysynth/kokoro-vocoder-v<step>/)
    PYTHONPATH=. .venv/bin/python -m research.copy_synthesis evaluate work-data/runs/kokoro-vocoder/model.pt
    # a run that goes on from the trainer's vocoder (here: given F0 and voicing too, as zero-weight inputs)
    PYTHONPATH=. .venv/bin/python -m research.copy_synthesis fork work-data/runs/kokoro-vocoder/model.pt \
        --run v10k-f0 --candidate vocos-256x4-f0
    # which half of the copy's spectrum falls short: its magnitudes or its phases
    PYTHONPATH=. .venv/bin/python -m research.copy_synthesis swap vocos-256x4

Each candidate (research/vocoder_cost.py builds them; the Vocos ones here with their depthwise
convs in float; ``vocos-CxB-f0`` also reads the F0 and voicing of the corpus features, normalized
as the DDSP vocoder reads them) learns to turn the teacher's log-mel frames (training/corpus/features.py
KOKORO_LAYOUT: 24 kHz, hop 300, 80 bands, framed exactly as ``ddsp.log_mel`` frames them) back
into the teacher's waveform, from the train split of work-data/corpus/audio/<voice>/. Losses are
the recipe's vocoder losses (multi-resolution STFT 256-2048 and log-mel L1) and, after
``--discriminator-from`` steps, the recipe's spectrogram discriminator with its fine-tuning
weights (0.3 x (adversarial + 2 x feature matching)). The learning rate is constant after a
warm-up, so a run can always be extended; one thread, the generator under bf16 autocast where
the CPU has it, as the trainer runs it.

State lives in work-data/copysynth/<candidate>/: ``state.pt`` (weights, optimizers, step; saved
every few minutes and at the end, atomically) and ``log.jsonl`` (a line every 50 steps: step,
wall and CPU seconds, losses). ``evaluate`` writes the renders under ``render/`` and the scores to
``scores.json``: Distill-MOS of the copy and of the teacher's own audio on the same utterances
and, with ``--wer``, Whisper-base word errors of both against the text.

Results: docs/experiments/2026-12-vocoder-cost.md. The recipe never imports this module.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import torch
import torch.nn.functional as F

from research.source_filter_ceiling import split_files
from research.vocoder_cost import HOP, N_MELS, SAMPLE_RATE, ISTFTNetVocoder, generate
from training.corpus.features import FEATURES_KOKORO as FEATURES
from training.corpus.features import KOKORO_LAYOUT, mel_filterbank
from training.data import interpolated_log_f0
from training.model import ddsp
from training.model.discriminator import SpectrogramDiscriminator, discriminator_loss, generator_losses, judged_frozen
from training.model.networks import LOG_F0_MEAN, LOG_F0_STD
from training.model.vocos import VocosVocoder

CORPUS = Path("work-data/corpus/audio")
ROOT = Path("work-data/copysynth")
FFT_SIZES = (256, 512, 1024, 2048)
ADVERSARIAL_WEIGHT = 0.3  # training/train.py TrainConfig.finetune_adversarial_weight
DISCRIMINATOR_WARMUP = 200  # steps the discriminator learns alone first (the recipe's discriminator_warmup)
SAVE_EVERY_SECONDS = 300


def takes_pitch(name: str) -> bool:
    """Whether a candidate reads F0 and voicing beside the log-mel (a name ending in -f0)."""
    return name.endswith("-f0")


def build(name: str) -> torch.nn.Module:
    """A candidate by name: vocos-CxB (C channels, B blocks, float depthwise; vocos-CxB-f0 also
    reads F0 and voicing) or istftnet."""
    if name.startswith("vocos-"):
        channels, blocks = (int(v) for v in name.removeprefix("vocos-").removesuffix("-f0").split("x"))
        return VocosVocoder(channels, blocks, hop=HOP, inputs=N_MELS + 2 * takes_pitch(name))
    if name == "istftnet":
        return ISTFTNetVocoder(256)
    raise SystemExit(f"unknown candidate {name!r}: vocos-CxB[-f0] (e.g. vocos-256x4) or istftnet")


def filterbank() -> torch.Tensor:
    lay = KOKORO_LAYOUT
    return torch.from_numpy(mel_filterbank(lay.sample_rate, lay.n_fft, lay.n_mels, lay.fmin, lay.fmax))


def utterances(split: str, per_voice: int | None = None) -> list[tuple[str, Path]]:
    """(voice, wav) of one split, every voice, in id order; at most ``per_voice`` a voice."""
    voices = sorted(d for d in CORPUS.iterdir() if d.is_dir()) if CORPUS.is_dir() else []
    return [(voice.name, wav) for voice in voices for wav in split_files(voice, split, per_voice)]


def read_wave(path: Path) -> np.ndarray:
    wave, rate = sf.read(path, dtype="float32")
    if rate != SAMPLE_RATE:
        raise SystemExit(f"{path}: {rate} Hz, expected {SAMPLE_RATE}")
    return wave


def pitch_rows(wav: Path, frames: int) -> np.ndarray:
    """[2, frames]: the normalized, interpolated log-F0 and the voicing of an utterance's features
    (work-data/corpus/features-24k/<voice>/<id>.npz, framed as its log-mel), as the DDSP vocoder
    takes them (training/data.py); the last frame held where the features are shorter."""
    with np.load(FEATURES / wav.parent.name / f"{wav.stem}.npz") as z:
        f0, voiced = z["f0"].astype(np.float32), z["voiced"].astype(np.float32)
    norm = (interpolated_log_f0(f0) - LOG_F0_MEAN) / LOG_F0_STD
    rows = np.stack([norm, voiced])[:, :frames]
    return np.pad(rows, ((0, 0), (0, frames - rows.shape[1])), mode="edge")


def vocoder_inputs(wave: np.ndarray, wav: Path, fb: torch.Tensor, pitch: bool) -> torch.Tensor:
    """[80 (+ 2 with ``pitch``), frames + 1]: the log-mel of the whole utterance, framed as the
    corpus features, and with ``pitch`` its F0 and voicing rows."""
    mel = ddsp.log_mel(torch.from_numpy(wave)[None], fb, HOP)[0]
    if not pitch:
        return mel
    return torch.cat([mel, torch.from_numpy(pitch_rows(wav, mel.shape[1]))])


class Segments:
    """Random (inputs [B, 80 or 82, n], audio [B, n * hop]) segments of the train split. Each
    utterance's inputs are computed once over the whole utterance, so a segment's edge frames see
    their real context, as the acoustic model's frames will."""

    def __init__(self, files: list[Path], fb: torch.Tensor, seed: int, pitch: bool = False):
        self.files, self.fb, self.rng, self.pitch = files, fb, random.Random(seed), pitch
        self.cache: dict[Path, tuple[np.ndarray, torch.Tensor]] = {}

    def load(self, path: Path) -> tuple[np.ndarray, torch.Tensor]:
        if path not in self.cache:
            wave = read_wave(path)
            inputs = vocoder_inputs(wave, path, self.fb, self.pitch)
            self.cache[path] = ((wave * 32767).astype(np.int16), inputs.to(torch.float16))
        return self.cache[path]

    def batch(self, size: int, frames: int) -> tuple[torch.Tensor, torch.Tensor]:
        mels, waves = [], []
        while len(mels) < size:
            wave, mel = self.load(self.rng.choice(self.files))
            usable = min(mel.shape[1], len(wave) // HOP) - frames
            if usable < 0:
                continue
            t0 = self.rng.randint(0, usable)
            mels.append(mel[:, t0 : t0 + frames].float())
            waves.append(torch.from_numpy(wave[t0 * HOP : (t0 + frames) * HOP].astype(np.float32) / 32767))
        return torch.stack(mels), torch.stack(waves)


def atomic_save(state: dict, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def widened(tensor: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """``tensor`` zero-padded at the end of each dimension to ``shape``: a layer given more inputs
    (the log-F0 and voicing rows after the log-mel) that ignores them until it learns otherwise."""
    out = tensor.new_zeros(shape)
    out[tuple(slice(0, n) for n in tensor.shape)] = tensor
    return out


def fork(args) -> int:
    """A new copy-synthesis run that starts where a trainer checkpoint's vocoder (``*.pt``) or
    another run stopped: weights, discriminator, both optimizers and the step count. A candidate
    that reads F0 and voicing forked from one that does not gets zero weights for those rows, which
    it ignores until it learns otherwise; its ternary embedding's scale (the mean |W|) sees the
    zeros, 80/82 of the source's, so a few of its trits move and it starts near, not at, the
    function it forked."""
    if args.source.endswith(".pt"):
        ckpt = torch.load(args.source, map_location="cpu", weights_only=False)
        weights, opt_g = ckpt["vocoder"], ckpt["opt_vocoder"]
        disc, opt_d = ckpt["wave_discriminator"], ckpt["opt_wave_discriminator"]
        # the trainer's clock is not the vocoder's alone: the fork's starts at 0
        step, cpu_seconds, wall_seconds = ckpt["step_vocoder"], 0.0, 0.0
    else:
        state = torch.load(ROOT / args.source / "state.pt", weights_only=False)
        weights, opt_g, disc, opt_d = state["model"], state["opt_g"], state["discriminator"], state["opt_d"]
        step, cpu_seconds, wall_seconds = state["step"], state["cpu_seconds"], state["wall_seconds"]
    out = ROOT / args.run
    if (out / "state.pt").exists():
        raise SystemExit(f"{out / 'state.pt'} exists: fork into a new --run")
    model = build(args.candidate)
    weights = {k: widened(v.float(), model.state_dict()[k].shape) for k, v in weights.items()}
    model.load_state_dict(weights)
    moments = opt_g["state"]
    for index, p in enumerate(model.parameters()):  # Adam's moments follow the parameters' order
        for key in ("exp_avg", "exp_avg_sq"):
            if index in moments and key in moments[index]:
                moments[index][key] = widened(moments[index][key], p.shape)
    out.mkdir(parents=True, exist_ok=True)
    atomic_save(
        {
            "candidate": args.candidate,
            "model": model.state_dict(),
            "discriminator": disc,
            "opt_g": opt_g,
            "opt_d": opt_d,
            "step": step,
            "cpu_seconds": cpu_seconds,
            "wall_seconds": wall_seconds,
            "forked_from": f"{args.source} at step {step}",
        },
        out / "state.pt",
    )
    print(f"{out / 'state.pt'}: {args.candidate} from {args.source} at step {step}")
    return 0


def train(args) -> int:
    from training.train import cpu_has_bf16

    torch.set_num_threads(args.threads)
    files = [wav for _, wav in utterances("train")]
    pitch = takes_pitch(args.candidate)
    if pitch:  # only the utterances whose features exist (the features step runs behind generation)
        files = [wav for wav in files if (FEATURES / wav.parent.name / f"{wav.stem}.npz").exists()]
    if not files:
        print(f"no train-split audio in {CORPUS}: run training/corpus/run_kokoro.sh first", file=sys.stderr)
        return 2
    out = ROOT / (args.run or args.candidate)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)
    model, disc = build(args.candidate), SpectrogramDiscriminator()
    opt_g = torch.optim.AdamW(model.parameters(), args.lr, betas=(0.8, 0.99))
    opt_d = torch.optim.AdamW(disc.parameters(), 2e-4, betas=(0.5, 0.9))
    step, cpu_before, wall_before = 0, 0.0, 0.0
    if (out / "state.pt").exists():
        state = torch.load(out / "state.pt", weights_only=False)
        if state["candidate"] != args.candidate:
            raise SystemExit(f"{out / 'state.pt'} trains {state['candidate']}: go on with it, or name another --run")
        model.load_state_dict(state["model"])
        disc.load_state_dict(state["discriminator"])
        opt_g.load_state_dict(state["opt_g"])
        opt_d.load_state_dict(state["opt_d"])
        step, cpu_before, wall_before = state["step"], state["cpu_seconds"], state["wall_seconds"]
    fb = filterbank()
    segments = Segments(files, fb, args.seed + step, pitch)
    bf16 = cpu_has_bf16() and not args.fp32
    print(f"{args.candidate}: {len(files)} train utterances, from step {step}, bf16 {bf16}", flush=True)
    started, cpu_started, last_save = time.time(), time.process_time(), time.time()
    parts_sum: dict[str, float] = {}

    def save() -> None:
        atomic_save(
            {
                "candidate": args.candidate,
                "model": model.state_dict(),
                "discriminator": disc.state_dict(),
                "opt_g": opt_g.state_dict(),
                "opt_d": opt_d.state_dict(),
                "step": step,
                "cpu_seconds": cpu_before + time.process_time() - cpu_started,
                "wall_seconds": wall_before + time.time() - started,
            },
            out / "state.pt",
        )

    while time.time() - started < 60 * args.minutes and (args.steps is None or step < args.steps):
        for g in opt_g.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / 200)
        mel, real = segments.batch(args.batch, args.frames)
        wave = generate(model, mel, None, bf16)
        loss = ddsp.multi_resolution_stft_loss(wave, real, FFT_SIZES)
        parts = {"stft": loss.item()}
        mel_l1 = ddsp.log_mel_l1(wave, real, fb, HOP)
        loss = loss + mel_l1
        parts["mel"] = mel_l1.item()
        adversarial = step >= args.discriminator_from
        hearing = step >= args.discriminator_from + DISCRIMINATOR_WARMUP
        if adversarial:
            real_scores, real_features = disc(real)
        if hearing:
            fake_scores, fake_features = judged_frozen(disc, wave)
            adv, matching = generator_losses(fake_scores, fake_features, real_features)
            loss = loss + ADVERSARIAL_WEIGHT * (adv + 2 * matching)
            parts.update(adv=adv.item(), fm=matching.item())
        if not adversarial or hearing:
            opt_g.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt_g.step()
        if adversarial:
            d_loss = discriminator_loss(real_scores, disc(wave.detach())[0])
            opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            opt_d.step()
            parts["disc"] = d_loss.item()
        step += 1
        for k, v in parts.items():
            parts_sum[k] = parts_sum.get(k, 0.0) + v
        if step % 50 == 0:
            record = {
                "step": step,
                "wall_s": round(wall_before + time.time() - started, 1),
                "cpu_s": round(cpu_before + time.process_time() - cpu_started, 1),
                "load": round(os.getloadavg()[0], 2),
                **{k: round(v / 50, 4) for k, v in parts_sum.items()},
            }
            parts_sum.clear()
            with open(out / "log.jsonl", "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
            print(json.dumps(record), flush=True)
        if time.time() - last_save > SAVE_EVERY_SECONDS:
            save()
            last_save = time.time()
    save()
    print(f"{args.candidate}: stopped at step {step}", flush=True)
    return 0


def render(model: torch.nn.Module, inputs: torch.Tensor, samples: int) -> np.ndarray:
    """The candidate's copy of one whole utterance of ``samples`` from its inputs (vocoder_inputs)."""
    with torch.no_grad():
        return generate(model, inputs[None, :, : samples // HOP], None)[0].numpy()


def load_trained(name: str) -> tuple[torch.nn.Module, bool, Path, dict] | None:
    """(model in eval mode, whether it reads F0 and voicing, the folder its renders and scores go
    to, what the scores record of it) for a copy-synthesis run's name, or for a trainer
    checkpoint's path (``*.pt``: its vocoder, e.g. the ``kokoro-vocoder`` run's, scored into
    ``work-data/copysynth/<run>-v<step>/``). None (with a message) when there is nothing trained."""
    if name.endswith(".pt"):
        from training.model.config import ModelConfig

        path = Path(name)
        if not path.exists():
            print(f"{name}: no such checkpoint", file=sys.stderr)
            return None
        ckpt = torch.load(path, map_location="cpu", weights_only=False)
        cfg = ModelConfig.from_dict(ckpt["config"])
        if cfg.vocoder_kind != "vocos":
            print(f"{name}: a {cfg.vocoder_kind} vocoder, not a Vocos one", file=sys.stderr)
            return None
        model = VocosVocoder.from_config(cfg)
        model.load_state_dict({k: v.float() for k, v in ckpt["vocoder"].items()})
        step = ckpt["step_vocoder"]
        info = {"candidate": name, "step": step}
        return model.eval(), cfg.vocos_pitch_inputs, ROOT / f"{path.parent.name}-v{step}", info
    state_path = ROOT / name / "state.pt"
    if not state_path.exists():
        print(f"{name}: not trained ({state_path} missing)", file=sys.stderr)
        return None
    state = torch.load(state_path, weights_only=False)
    model = build(state["candidate"])
    model.load_state_dict(state["model"])
    info = {
        "candidate": name,
        "step": state["step"],
        "cpu_hours": round(state["cpu_seconds"] / 3600, 2),
        "wall_hours": round(state["wall_seconds"] / 3600, 2),
    }
    return model.eval(), takes_pitch(state["candidate"]), ROOT / name, info


def evaluate(args) -> int:
    from training.distill_mos import distill_mos

    torch.set_num_threads(args.threads)
    files = utterances("valid", args.per_voice)
    if not files:
        print(f"no validation audio in {CORPUS}", file=sys.stderr)
        return 2
    transcribe = None
    if args.wer:
        from training.evaluate import whisper_transcriber

        transcribe = whisper_transcriber(args.threads)
    fb = filterbank()
    teacher_cache_path = ROOT / "teacher_scores.json"
    teacher_cache = json.loads(teacher_cache_path.read_text()) if teacher_cache_path.exists() else {}
    for name in args.candidates:
        trained = load_trained(name)
        if trained is None:
            continue
        model, pitch, out, info = trained
        rows: dict[str, dict] = {}
        for voice, wav in files:
            key = f"{voice}/{wav.stem}"
            wave = read_wave(wav)
            copy = render(model, vocoder_inputs(wave, wav, fb, pitch), len(wave))
            dest = out / "render" / voice / wav.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            sf.write(dest, copy, SAMPLE_RATE, subtype="PCM_16")
            teacher = teacher_cache.setdefault(key, {})
            if "mos" not in teacher:
                teacher["mos"] = distill_mos(wave, SAMPLE_RATE)
            row = rows.setdefault(voice, {"mos": [], "teacher_mos": [], "words": 0, "errors": 0, "teacher_errors": 0})
            row["mos"].append(distill_mos(copy, SAMPLE_RATE))
            row["teacher_mos"].append(teacher["mos"])
            if transcribe is not None:
                from training.evaluate import edit_distance, norm_words

                text = json.loads(wav.with_suffix(".json").read_text(encoding="utf-8"))["text"]
                ref = norm_words(text)
                if "heard" not in teacher:
                    teacher["heard"] = transcribe(wav)
                row["words"] += len(ref)
                row["errors"] += edit_distance(ref, norm_words(transcribe(dest)))
                row["teacher_errors"] += edit_distance(ref, norm_words(teacher["heard"]))
        teacher_cache_path.write_text(json.dumps(teacher_cache, indent=1))
        summary = {
            **info,
            "voices": {
                v: {
                    "utterances": len(r["mos"]),
                    "mos": round(float(np.mean(r["mos"])), 3),
                    "teacher_mos": round(float(np.mean(r["teacher_mos"])), 3),
                    **(
                        {
                            "wer": round(100 * r["errors"] / max(r["words"], 1), 2),
                            "teacher_wer": round(100 * r["teacher_errors"] / max(r["words"], 1), 2),
                        }
                        if transcribe is not None
                        else {}
                    ),
                }
                for v, r in rows.items()
            },
        }
        (out / "scores.json").write_text(json.dumps(summary, indent=1))
        print(table(summary))
    return 0


def swapped(args) -> int:
    """Which half of the copy's STFT falls short: Distill-MOS of the copy, and of the waveforms
    made from the copy's magnitudes with the teacher's phases, the teacher's magnitudes with the
    copy's phases, and the teacher's magnitudes with random phases (same frames: n_fft, hop and
    window of the candidate's inverse STFT)."""
    from training.distill_mos import distill_mos

    torch.set_num_threads(args.threads)
    state = torch.load(ROOT / args.candidate / "state.pt", weights_only=False)
    model = build(state["candidate"])
    model.load_state_dict(state["model"])
    model.eval()
    fb, n_fft, hop = filterbank(), model.n_fft, model.hop
    window = torch.hann_window(n_fft)
    generator = torch.Generator().manual_seed(0)
    scores: dict[str, list[float]] = {}
    for _, wav in utterances("valid", args.per_voice):
        wave = read_wave(wav)
        frames = len(wave) // hop
        x = torch.from_numpy(wave[: frames * hop])
        with torch.no_grad():
            inputs = vocoder_inputs(wave[: frames * hop], wav, fb, takes_pitch(state["candidate"]))
            out = model.network(inputs[None, :, :frames]).float()
        log_mag, phase = F.pad(out, (0, 1), mode="replicate")[0].chunk(2, dim=0)  # frames + 1, as spectrum_to_wave
        teacher = torch.stft(x, n_fft, hop, window=window, center=True, return_complex=True)
        mags, phases = (
            {"copy": torch.exp(log_mag.clamp(max=6.0)), "teacher": teacher.abs()},
            {
                "copy": phase,
                "teacher": teacher.angle(),
                "random": torch.rand(teacher.shape, generator=generator) * 2 * math.pi,
            },
        )
        for mag, ph in (("copy", "copy"), ("copy", "teacher"), ("teacher", "copy"), ("teacher", "random")):
            spec = torch.polar(mags[mag], phases[ph])
            y = torch.istft(spec, n_fft, hop, window=window, center=True, length=frames * hop)
            scores.setdefault(f"{mag} magnitudes, {ph} phases", []).append(distill_mos(y.numpy(), SAMPLE_RATE))
    print(f"{args.candidate} at step {state['step']}, {len(next(iter(scores.values())))} utterances")
    for name, values in scores.items():
        print(f"{name}: Distill-MOS {np.mean(values):.2f}")
    return 0


def table(summary: dict) -> str:
    """A Markdown table of one candidate's scores."""
    voices = summary["voices"]
    wer = any("wer" in r for r in voices.values())
    hours = f" ({summary['cpu_hours']} CPU h)" if "cpu_hours" in summary else ""
    head = f"{summary['candidate']} at step {summary['step']}{hours}\n\n"
    head += "| voice | n | Kokoro MOS | copy MOS | lost |" + (" Kokoro WER | copy WER |" if wer else "") + "\n"
    head += "|---|---|---|---|---|" + ("---|---|" if wer else "") + "\n"
    lines = []
    for voice, r in voices.items():
        lost = r["teacher_mos"] - r["mos"]
        line = f"| {voice} | {r['utterances']} | {r['teacher_mos']:.2f} | {r['mos']:.2f} | {lost:.2f} |"
        if wer:
            line += f" {r['teacher_wer']:.1f} | {r['wer']:.1f} |"
        lines.append(line)
    mean_t = np.mean([r["teacher_mos"] for r in voices.values()])
    mean_c = np.mean([r["mos"] for r in voices.values()])
    lines.append(f"| mean | | {mean_t:.2f} | {mean_c:.2f} | {mean_t - mean_c:.2f} |" + (" | |" if wer else ""))
    return head + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train (or go on training) one candidate")
    t.add_argument("candidate", help="vocos-CxB (e.g. vocos-256x4) or istftnet")
    t.add_argument("--minutes", type=float, default=60, help="wall-clock minutes this run (default 60)")
    t.add_argument("--steps", type=int, help="stop at this total step count")
    t.add_argument("--batch", type=int, default=8)
    t.add_argument("--frames", type=int, default=40, help="frames a segment (default 40: 0.5 s)")
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--discriminator-from", type=int, default=1000, help="step the discriminator starts learning")
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--seed", type=int, default=1234)
    t.add_argument("--fp32", action="store_true", help="no bf16 autocast")
    t.add_argument("--run", help="the run's folder under work-data/copysynth/ (default: the candidate's name)")
    f = sub.add_parser("fork", help="a new run from a trainer checkpoint's vocoder or another run")
    f.add_argument("source", help="a trainer checkpoint (*.pt) or a run (a folder under work-data/copysynth/)")
    f.add_argument("--run", required=True, help="the new run's folder under work-data/copysynth/")
    f.add_argument("--candidate", default="vocos-256x4", help="vocos-CxB[-f0] (default vocos-256x4)")
    e = sub.add_parser("evaluate", help="render and score trained candidates")
    e.add_argument(
        "candidates", nargs="+", help="runs (folders under work-data/copysynth/) or trainer checkpoints (*.pt)"
    )
    e.add_argument("--per-voice", type=int, default=3, help="validation utterances a voice (default 3)")
    e.add_argument("--wer", action="store_true", help="also Whisper-base word errors (slower)")
    e.add_argument("--threads", type=int, default=1)
    w = sub.add_parser("swap", help="Distill-MOS with the copy's and the teacher's magnitudes and phases swapped")
    w.add_argument("candidate")
    w.add_argument("--per-voice", type=int, default=2)
    w.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    return {"train": train, "fork": fork, "evaluate": evaluate, "swap": swapped}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
