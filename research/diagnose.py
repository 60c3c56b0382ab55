"""Where a model's word errors come from: the vocoder, the acoustic model, or the durations.

    nice .venv/bin/python -m research.diagnose --model resources/bittts-en.bttm [--per-voice 12] [--voices pico_gb]

For held-out test sentences, Whisper-base WER of four renderings, all through the ENGINE:
- teacher:  the teacher's own audio (the floor);
- copy:     the vocoder alone, on the teacher's ground-truth features (mel, F0, voicing);
- forced:   acoustic model + vocoder with the teacher's phone durations;
- full:     text to speech, as users hear it.
copy - teacher is the vocoder's share of the errors, forced - copy the acoustic model's, full -
forced the duration predictor's (and the front end's). Pick stages with --stages; --dnsmos also
scores each rendering's DNSMOS OVRL, to see which stage loses voice quality. The copy and
forced renderings, whose frames line up with the teacher's, also get the log-mel L1 of their
audio against the teacher's features (natural log, all frames): what each stage loses of the
spectrum, with less noise than a word count.

Two more renderings on request. With --stages teacher,world,copy: *world*, the teacher's audio
analysed and resynthesized by WORLD (pyworld: CheapTrick envelope, D4C aperiodicity) with the
corpus's own F0 and voicing. It is a classical source-filter vocoder's reading of the features
the copy gets, so a voice that loses as much there as in the copy loses it to that family of
vocoders, not to our training.

And *pitched* (--stages forced,pitched): forced with the teacher's phone pitch as well, so
forced - pitched is what the phone pitch predictor costs.

--teacher-bands LO:HI puts the teacher's log-mel bands LO to HI - 1 into the forced and pitched
frames before vocoding: which bands of ours cost the words (bands 0-29 lie below 1.3 kHz, 30-54
below 3.8 kHz, 55-79 above).

--copy-noise SIGMA [--noise-bands LO:HI] adds smooth Gaussian noise (natural-log units, a fixed
seed per sentence) to the teacher's log-mel in those bands before the copy renders it: one
error of one size for every voice, to see which voices' words it costs more.

--sharpen F scales the engine's frames around each band's sentence mean before vocoding (a
post-filter against regression's smoothing; docs/experiments/2026-11-voices.md, "Sharper frames").
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

from training.corpus.features import log_mel, stft_magnitude
from training.corpus.teacher_wer import edit_distance, norm_words
from training.data import CORPUS, interpolated_log_f0, phone_means
from training.evaluate import (
    chosen_voices,
    dnsmos,
    teacher_forced,
    test_sentences,
    whisper_transcriber,
)

STAGES = ("teacher", "copy", "forced", "full")
OPTIONAL_STAGES = ("world", "pitched")  # not in the default: world is slow and measures the features
ALIGNED = ("world", "copy", "pitched", "forced")  # renderings on the teacher's frames


def mel_l1(audio: np.ndarray, teacher_mel: np.ndarray) -> float:
    ours = log_mel(stft_magnitude(audio))
    n = min(len(ours), len(teacher_mel))
    return float(np.abs(ours[:n] - teacher_mel[:n]).mean())


def world_resynthesis(audio: np.ndarray, f0: np.ndarray, voiced: np.ndarray, sample_rate: int, hop: int) -> np.ndarray:
    """``audio`` analysed by WORLD at our frames (``f0`` in Hz, unvoiced where not ``voiced``) and
    synthesized again: the envelope and aperiodicity WORLD reads, with our F0 and voicing."""
    from training.corpus.pyworld_compat import pyworld

    x = np.asarray(audio, np.float64)
    f0 = np.where(voiced, f0, 0.0).astype(np.float64)
    times = np.arange(len(f0)) * hop / sample_rate
    envelope = pyworld.cheaptrick(x, f0, times, sample_rate)
    aperiodicity = pyworld.d4c(x, f0, times, sample_rate)
    return pyworld.synthesize(f0, envelope, aperiodicity, sample_rate, frame_period=1000 * hop / sample_rate).astype(
        np.float32
    )


def teacher_pitched(model, speaker: np.ndarray, feats):
    """The engine's acoustic output with the teacher's durations and its phone pitch forced (the
    mean normalized log-F0 over each phone, as the trainer forces it), through the engine's
    per-phone pitch shift on top of the predicted pitch."""
    ids = feats["phone_ids"].astype(np.int64)
    durations = feats["durations"].astype(np.int64)
    log_f0 = interpolated_log_f0(feats["f0"].astype(np.float32))
    teacher = phone_means((log_f0 - model.log_f0_mean) / model.log_f0_std, durations)
    predicted = model.pitch_predictor(model.encode(ids, speaker))
    semitones = (teacher - predicted) * model.log_f0_std * 12 / np.log(2)
    return model.acoustic(ids, speaker, durations=durations, pitch_shift=semitones.astype(np.float32))


def band_range(text: str, option: str) -> slice | None:
    """ "LO:HI" -> slice(LO, HI); "" -> None. ``option`` names the flag in the error message."""
    if not text:
        return None
    try:
        lo, hi = (int(v) for v in text.split(":"))
    except ValueError:
        raise SystemExit(f"{option} wants LO:HI, two whole numbers, not {text!r}") from None
    if not 0 <= lo < hi:
        raise SystemExit(f"{option} {text}: LO must be at least 0 and below HI")
    return slice(lo, hi)


def with_teacher_bands(a, teacher_mel: np.ndarray, bands: slice | None):
    """``a`` (an AcousticOutput on the teacher's frames) with the teacher's log-mel in ``bands``."""
    if bands is None:
        return a
    mel = a.mel.copy()
    n = min(len(mel), len(teacher_mel))
    mel[:n, bands] = teacher_mel[:n, bands]
    return replace(a, mel=mel)


def with_noise(mel: np.ndarray, sigma: float, bands: slice, seed: str) -> np.ndarray:
    """``mel`` with smooth Gaussian noise of standard deviation ``sigma`` added in ``bands``: white
    noise averaged over 5 frames and 3 bands, then scaled back to ``sigma``, an error that varies
    as slowly as a model's does (white noise the vocoder's convolutions average away). The same
    noise every time for one ``seed`` (a sentence id), so that voices reading one sentence get
    one noise."""
    if sigma <= 0:
        return mel
    rng = np.random.default_rng(int.from_bytes(seed.encode()[-8:], "little"))
    out = mel.copy()
    frames, width = out[:, bands].shape
    white = rng.normal(0.0, 1.0, (frames + 4, width + 2))
    smooth = sum(white[i : i + frames, j : j + width] for i in range(5) for j in range(3)) / 15
    out[:, bands] += (sigma * smooth / smooth.std()).astype(np.float32)
    return out


def sharpen_acoustic(model, factor: float, shape_only: bool = False) -> None:
    """Make ``model.acoustic`` return frames whose log-mel deviations from each band's sentence
    mean are ``factor`` times larger: the classic remedy for regression's over-smoothing (global
    variance), to hear whether sharper frames lose fewer words. ``shape_only``: each frame keeps
    its level (its deviation averaged over the bands) and only the spectral shape around it is
    scaled, so pauses and quiet consonants stay as loud as they were."""
    plain = model.acoustic

    def sharpened(*args, **kwargs):
        a = plain(*args, **kwargs)
        mean = a.mel.mean(axis=0, keepdims=True)
        deviation = a.mel - mean
        level = deviation.mean(axis=1, keepdims=True) if shape_only else 0.0
        return replace(a, mel=(mean + level + factor * (deviation - level)).astype(np.float32))

    model.acoustic = sharpened


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/bittts-en.bttm")
    ap.add_argument("--per-voice", type=int, default=12)
    ap.add_argument("--stages", default=",".join(STAGES))
    ap.add_argument("--out", default="work-data/diagnose", help="where the audio goes")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--dnsmos", action="store_true", help="also the mean DNSMOS OVRL of each stage")
    ap.add_argument("--voices", default="", help="comma-separated voice names (default: every voice)")
    ap.add_argument(
        "--sharpen",
        type=float,
        default=1.0,
        help="scale each mel band's deviation from its sentence mean by this before vocoding "
        "(forced, pitched and full stages; 1: as the engine does)",
    )
    ap.add_argument(
        "--teacher-bands",
        default="",
        metavar="LO:HI",
        help="the forced and pitched stages take the teacher's log-mel bands LO..HI-1 in place of ours",
    )
    ap.add_argument(
        "--copy-noise",
        type=float,
        default=0.0,
        metavar="SIGMA",
        help="the copy stage renders the teacher's log-mel with Gaussian noise of this size added",
    )
    ap.add_argument("--noise-bands", default="0:80", metavar="LO:HI", help="the bands --copy-noise touches")
    ap.add_argument(
        "--sharpen-shape-only",
        action="store_true",
        help="with --sharpen: scale only each frame's spectral shape, not its level",
    )
    args = ap.parse_args(argv)
    stages = [s for s in args.stages.split(",") if s]
    bands = band_range(args.teacher_bands, "--teacher-bands")
    noise_bands = band_range(args.noise_bands, "--noise-bands")
    if unknown := set(stages) - set(STAGES) - set(OPTIONAL_STAGES):
        raise SystemExit(
            f"unknown stages: {', '.join(sorted(unknown))} (choose from {', '.join(STAGES + OPTIONAL_STAGES)})"
        )

    import soundfile as sf

    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import SynthesisConfig

    synth = Synthesizer(args.model)
    model, sr = synth.model, synth.sample_rate
    if args.sharpen != 1.0:
        sharpen_acoustic(model, args.sharpen, args.sharpen_shape_only)
    chosen = chosen_voices(synth, args.voices, args.model)
    transcribe = whisper_transcriber(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    def errors(ref: list[str], audio_path: Path) -> int:
        return edit_distance(ref, norm_words(transcribe(audio_path)))

    totals = dict.fromkeys(stages, 0)
    total_words = 0
    report = {}
    quality = {}  # voice -> stage -> mean DNSMOS OVRL (with --dnsmos)
    spectra = {}  # voice -> stage -> mean log-mel L1 against the teacher (aligned stages)
    for voice in synth.voices:
        if chosen and voice.name not in chosen:
            continue
        mine = test_sentences(voice.name, args.per_voice)
        speaker = synth.speaker_vector(voice.name)
        errs, words = dict.fromkeys(stages, 0), 0
        ovrl = {s: [] for s in stages}
        mel_err = {s: [] for s in stages if s in ALIGNED}
        for r in mine:
            ref = norm_words(r["text"])
            words += len(ref)
            feats = np.load(CORPUS / "features" / r["path"])
            rendered = {}
            teacher_path = CORPUS / "audio" / voice.name / f"{r['id']}.wav"
            if "world" in stages or ("teacher" in stages and args.dnsmos):  # read once for both
                teacher_audio, teacher_sr = sf.read(teacher_path, dtype="float32")
            if "world" in stages:
                if teacher_sr != sr:  # WORLD's frames must be the engine's frames
                    raise SystemExit(f"the corpus audio is at {teacher_sr} Hz and the model at {sr} Hz")
                rendered["world"] = world_resynthesis(teacher_audio, feats["f0"], feats["voiced"] > 0, sr, model.hop)
            if "copy" in stages:
                f0 = np.exp(interpolated_log_f0(feats["f0"].astype(np.float32)))
                mel = with_noise(feats["mel"].astype(np.float32), args.copy_noise, noise_bands, seed=r["id"])
                rendered["copy"] = model.vocode(mel, f0, feats["voiced"] > 0)
            if "forced" in stages:
                a = with_teacher_bands(teacher_forced(model, speaker, feats), feats["mel"], bands)
                rendered["forced"] = model.vocode(a.mel, a.f0, a.voiced)
            if "pitched" in stages:
                a = with_teacher_bands(teacher_pitched(model, speaker, feats), feats["mel"], bands)
                rendered["pitched"] = model.vocode(a.mel, a.f0, a.voiced)
            if "full" in stages:
                rendered["full"] = np.concatenate(
                    [c.samples for c in synth.synthesize(r["text"], SynthesisConfig(voice=voice.name))]
                )
            for stage, audio in rendered.items():
                path = out / f"{voice.name}_{r['id']}_{stage}.wav"
                sf.write(path, audio, sr)
                errs[stage] += errors(ref, path)
                if stage in mel_err:
                    mel_err[stage].append(mel_l1(audio, feats["mel"]))
                if args.dnsmos:
                    ovrl[stage].append(dnsmos(audio, sr)[0])
            if "teacher" in stages:
                errs["teacher"] += errors(ref, teacher_path)
                if args.dnsmos:
                    ovrl["teacher"].append(dnsmos(teacher_audio, teacher_sr)[0])
        report[voice.name] = {s: e / max(words, 1) for s, e in errs.items()}
        if args.dnsmos:
            quality[voice.name] = {s: float(np.mean(v)) for s, v in ovrl.items()}
            print(
                f"{voice.name:8} DNSMOS OVRL " + "  ".join(f"{s} {v:.2f}" for s, v in quality[voice.name].items()),
                flush=True,
            )
        if mel_err:
            spectra[voice.name] = {s: float(np.mean(v)) for s, v in mel_err.items()}
            print(
                f"{voice.name:8} log-mel L1 " + "  ".join(f"{s} {v:.3f}" for s, v in spectra[voice.name].items()),
                flush=True,
            )
        for s, e in errs.items():
            totals[s] += e
        total_words += words
        print(f"{voice.name:8} " + "  ".join(f"{s} {100 * v:5.1f}%" for s, v in report[voice.name].items()), flush=True)
    report["_mean"] = {s: e / max(total_words, 1) for s, e in totals.items()}
    print(f"{'mean':8} " + "  ".join(f"{s} {100 * v:5.1f}%" for s, v in report["_mean"].items()))
    results = {"model": args.model, "per_voice": args.per_voice, "wer": report}
    if args.dnsmos:
        results["dnsmos_ovrl"] = quality
    if spectra:
        spectra["_mean"] = {s: float(np.mean([v[s] for v in spectra.values()])) for s in ALIGNED if s in stages}
        print(f"{'mean':8} log-mel L1 " + "  ".join(f"{s} {v:.3f}" for s, v in spectra["_mean"].items()))
        results["mel_l1"] = spectra
    (out / "results.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
