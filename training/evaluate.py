"""Evaluate a packed model with the ENGINE against its teachers, per voice.

    nice .venv/bin/python -m training.evaluate --model resources/bittts-en.bttm [--per-voice 60] [--voices joe,bdl]

For held-out test sentences of the corpus (never trained on), per voice:
- Whisper-base word error rate of our audio and of the teacher's audio (same sentences);
- DNSMOS OVRL and SIG (speechmos) of both;
- mel-cepstral distortion (dB) and F0 RMSE (cents, frames voiced in both) of ours against the
  teacher, with the teacher's phone durations forced so frames line up (our F0 is the one the
  synthesizer renders, the acoustic model's; the teacher's is the corpus's track);
- the 4-8 kHz energy share of ours relative to the teacher's (below 1: muffled);
- the engine's real-time factor.
Audio is cached in work-data/eval/<tag>/; results go to work-data/eval/<tag>/results.json (what
Whisper heard in our audio to transcripts.jsonl, for reading the errors) and
a table is printed. ``--rescore`` scores the stored transcripts again (after a change to the
scoring's text normalization) without synthesizing or transcribing anything. Needs the training extras plus
faster-whisper, speechmos (and librosa).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.corpus.features import log_mel, stft_magnitude
from training.corpus.teacher_wer import assemble_model, canonical_words, edit_distance, norm_words
from training.data import CORPUS, MANIFEST, select_rows

EVAL = Path("work-data/eval")
MCD_COEFFS = 24  # mel-cepstral coefficients 1..24 (c0, the energy, excluded)


def mel_cepstrum(wave: np.ndarray) -> np.ndarray:
    """[frames, 1 + MCD_COEFFS] mel-cepstra in SPTK's convention, from the corpus's 80-band
    natural-log amplitude mel spectrum: log|H(w~)| = c0 + sum_m c_m cos(m w~), w~ on the mel scale,
    so that MCD comes out on the usual dB scale (a cosine series, not an orthonormal DCT, whose
    coefficients are sqrt(bands / 2) times larger)."""
    return cepstrum_of_log_mel(log_mel(stft_magnitude(wave)))


def cepstrum_of_log_mel(lm: np.ndarray) -> np.ndarray:
    """[frames, bands] natural-log mel amplitudes -> [frames, 1 + MCD_COEFFS] cosine-series coefficients."""
    bands = lm.shape[1]
    m = np.arange(MCD_COEFFS + 1)[:, None]
    w = np.pi * (np.arange(bands)[None, :] + 0.5) / bands
    basis = np.cos(m * w) * np.where(m == 0, 1.0, 2.0) / bands
    return lm @ basis.T


def mcd_db(ours: np.ndarray, theirs: np.ndarray) -> float:
    """Mel-cepstral distortion (dB), coefficients 1..24 (c0, the energy, excluded), frame by frame."""
    a, b = mel_cepstrum(ours), mel_cepstrum(theirs)
    n = min(len(a), len(b))
    diff = a[:n, 1:] - b[:n, 1:]
    return float(np.mean(10 / math.log(10) * np.sqrt(2 * np.sum(diff * diff, axis=1))))


def whisper_transcriber(threads: int):
    """path -> Whisper-base transcript (greedy, English, no VAD), the same for every script."""
    from faster_whisper import WhisperModel

    whisper = WhisperModel(str(assemble_model()), device="cpu", compute_type="int8", cpu_threads=threads)

    def transcribe(path: Path) -> str:
        segs, _ = whisper.transcribe(
            str(path), language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False
        )
        return " ".join(s.text for s in segs).strip()

    return transcribe


def chosen_voices(synth, voices: str, model_path) -> list[str]:
    """The names in ``voices`` ("a,b"; empty: none chosen, so every voice), refused with a clear
    message when the model lacks one."""
    chosen = [v for v in voices.split(",") if v]
    if unknown := set(chosen) - {v.name for v in synth.voices}:
        raise SystemExit(f"no such voice in {model_path}: {', '.join(sorted(unknown))}")
    return chosen


def test_sentences(voice: str, count: int) -> list[dict]:
    """The first ``count`` held-out test rows of the corpus manifest for ``voice``, by id."""
    return select_rows("test", MANIFEST, speakers={voice})[:count]


def f0_rmse_cents(ours_f0: np.ndarray, teacher_f0: np.ndarray) -> float:
    """RMS difference in cents over the frames voiced in both (0 = unvoiced)."""
    n = min(len(ours_f0), len(teacher_f0))
    ours_f0, teacher_f0 = np.asarray(ours_f0[:n], np.float64), np.asarray(teacher_f0[:n], np.float64)
    both = (ours_f0 > 0) & (teacher_f0 > 0)
    if not both.any():
        return float("nan")
    return float(np.sqrt(np.mean((1200 * np.log2(ours_f0[both] / teacher_f0[both])) ** 2)))


def rendered_f0(forced) -> np.ndarray:
    """The F0 our audio carries, frame by frame (0 where unvoiced): the acoustic model's, which
    the harmonic synthesizer renders exactly. Tracking our audio instead added the tracker's
    octave errors on low voices (dio: bdl 335 cents against 125 from the rendered F0, 60 test sentences)."""
    return np.where(forced.voiced, forced.f0, 0.0)


def teacher_forced(model, speaker: np.ndarray, feats):
    """The engine acoustic model's (a BitTTSModel's) output for a corpus utterance, with the
    teacher's phones and durations forced (so that its frames line up with the teacher's)."""
    return model.acoustic(feats["phone_ids"].astype(np.int64), speaker, durations=feats["durations"].astype(np.int64))


def f0_rmse_by_voice(synth, per_voice: int) -> dict[str, float]:
    """Mean F0 RMSE (cents) per voice of the rendered F0 against the teacher's, with the
    teacher's durations forced (the acoustic model alone: fast)."""
    out = {}
    for voice in synth.voices:
        speaker = synth.speaker_vector(voice.name)
        errors = []
        for r in test_sentences(voice.name, per_voice):
            feats = np.load(CORPUS / "features" / r["path"])
            forced = teacher_forced(synth.model, speaker, feats)
            errors.append(f0_rmse_cents(rendered_f0(forced), feats["f0"]))
        if errors:
            out[voice.name] = float(np.nanmean(errors))
    return out


def band_share(wave: np.ndarray, sr: int, lo: float = 4000, hi: float = 8000) -> float:
    spec = np.abs(np.fft.rfft(wave)) ** 2
    freqs = np.fft.rfftfreq(len(wave), 1 / sr)
    return float(spec[(freqs >= lo) & (freqs < hi)].sum() / max(spec.sum(), 1e-12))


def dnsmos(wave: np.ndarray, sr: int) -> tuple[float, float]:
    from math import gcd

    from scipy.signal import resample_poly
    from speechmos import dnsmos as dm

    g = gcd(16000, sr)
    x = resample_poly(wave.astype(np.float64), 16000 // g, sr // g).astype(np.float32)
    x = x / max(np.abs(x).max(), 1e-6) * 0.9
    r = dm.run(x, sr=16000)
    return float(r["ovrl_mos"]), float(r["sig_mos"])


def teacher_heard(key: str, teacher_cache: dict) -> list[str] | None:
    """What Whisper heard in the teacher's audio of ``key`` ("voice/id"), as scoring words: from
    the cache (entries since the cache kept transcripts), else from the corpus's teacher-WER
    records (training/corpus/teacher_wer.py), else None."""
    entry = teacher_cache.get(key)
    if entry is not None and len(entry) > 3:
        return canonical_words(entry[3].split())
    voice, sid = key.split("/", 1)
    records = _corpus_wer_records(voice)
    return canonical_words(records[sid].split()) if sid in records else None


@functools.cache
def _corpus_wer_records(voice: str) -> dict[str, str]:
    path = CORPUS / "wer" / f"{voice}.jsonl"
    if not path.exists():
        return {}
    return {r["id"]: r["hyp"] for r in map(json.loads, path.read_text().splitlines()) if "hyp" in r}


@dataclass(frozen=True)
class Scored:
    """One test sentence of a stored evaluation, scored."""

    words: int
    errors: int  # in our audio
    teacher_errors: int
    first_word_wrong: bool
    teacher_first_word_wrong: bool


def score(text: str, heard: str, teacher_words: list[str]) -> Scored:
    ref, ours = norm_words(text), norm_words(heard)
    return Scored(
        len(ref),
        edit_distance(ref, ours),
        edit_distance(ref, teacher_words),
        ours[:1] != ref[:1],
        teacher_words[:1] != ref[:1],
    )


def stored_scores(tag: str) -> dict[tuple[str, str], Scored]:
    """(voice, sentence id) -> Scored, from work-data/eval/<tag>/transcripts.jsonl and the
    teachers' stored transcripts (``teacher_heard``), with the current ``norm_words``."""
    path = EVAL / tag / "transcripts.jsonl"
    if not path.exists():
        raise SystemExit(f"no transcripts at {path}: run training.evaluate --tag {tag} first")
    cache_path = EVAL / "teacher_cache.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    out = {}
    for row in map(json.loads, path.read_text().splitlines()):
        heard = teacher_heard(f"{row['voice']}/{row['id']}", cache)
        if heard is None:
            raise SystemExit(f"no teacher transcript of {row['voice']}/{row['id']}: run the evaluation again")
        out[row["voice"], row["id"]] = score(row["text"], row["heard"], heard)
    return out


def rescore(tag: str, model: str | None = None) -> dict:
    """Word error rates of an evaluation done before, scored again with the current
    ``norm_words`` from the stored transcripts (ours in transcripts.jsonl, the teachers' as
    ``teacher_heard`` finds them), and with ``model`` (the file evaluated) the F0 error measured
    again; results.json is updated in place."""
    out_dir = EVAL / tag
    summary = json.loads((out_dir / "results.json").read_text())
    totals: dict[str, list[int]] = {}
    for (voice, _), s in stored_scores(tag).items():
        t = totals.setdefault(voice, [0, 0, 0])
        t[0] += s.errors
        t[1] += s.teacher_errors
        t[2] += s.words
    voices = summary["voices"]
    for voice, (ours, theirs, words) in totals.items():
        voices[voice].update(words=words, wer=ours / words, teacher_wer=theirs / words)
    if model is not None:  # the F0 error too (the acoustic model alone; no audio, no Whisper)
        from bittts.engine.synthesis import Synthesizer

        for voice, cents in f0_rmse_by_voice(Synthesizer(model), summary["per_voice"]).items():
            if voice in voices:
                voices[voice]["f0_rmse_cents"] = cents
    if "_mean" in voices:
        n = sum(t[2] for t in totals.values())
        voices["_mean"].update(
            wer=sum(t[0] for t in totals.values()) / n, teacher_wer=sum(t[1] for t in totals.values()) / n
        )
    (out_dir / "results.json").write_text(json.dumps(summary, indent=1))
    for voice, r in voices.items():
        print(
            f"{voice:8} WER {100 * r['wer']:5.1f}% (teacher {100 * r['teacher_wer']:4.1f}%)"
            + (f"  F0 {r['f0_rmse_cents']:.0f} c" if "f0_rmse_cents" in r else ""),
            file=sys.stderr,
        )
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/bittts-en.bttm")
    ap.add_argument("--tag", default=None, help="name of the results folder (default: the model file's stem)")
    ap.add_argument("--per-voice", type=int, default=60, help="test sentences per voice (100+ for final figures)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--voices", default="", help="comma-separated voice names (default: every voice)")
    ap.add_argument(
        "--rescore",
        action="store_true",
        help="synthesize and transcribe nothing: score the stored transcripts of --tag again",
    )
    args = ap.parse_args(argv)
    if args.rescore:
        rescore(args.tag or Path(args.model).stem, args.model)
        return 0

    import soundfile as sf

    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import SynthesisConfig

    synth = Synthesizer(args.model)
    sr = synth.sample_rate
    chosen = chosen_voices(synth, args.voices, args.model)
    tag = args.tag or Path(args.model).stem
    out_dir = EVAL / tag
    transcribe = whisper_transcriber(args.threads)
    # The teacher's side is the same for every model evaluated: cache its transcript errors and DNSMOS.
    teacher_cache_path = EVAL / "teacher_cache.json"
    teacher_cache = json.loads(teacher_cache_path.read_text()) if teacher_cache_path.exists() else {}
    results = {}
    transcripts = []  # what Whisper heard in our audio, for reading the errors
    for voice in synth.voices:
        if chosen and voice.name not in chosen:
            continue
        mine = test_sentences(voice.name, args.per_voice)
        if not mine:
            continue
        vdir = out_dir / voice.name
        vdir.mkdir(parents=True, exist_ok=True)
        acc = {
            k: []
            for k in (
                "ours_err",
                "teacher_err",
                "words",
                "ours_ovrl",
                "ours_sig",
                "teacher_ovrl",
                "teacher_sig",
                "mcd",
                "f0_rmse",
                "band_ratio",
                "rtf",
            )
        }
        speaker = synth.speaker_vector(voice.name)
        for r in mine:
            teacher_wav = CORPUS / "audio" / voice.name / f"{r['id']}.wav"
            ours_wav = vdir / f"{r['id']}.wav"
            started = time.perf_counter()
            audio = np.concatenate([c.samples for c in synth.synthesize(r["text"], SynthesisConfig(voice=voice.name))])
            acc["rtf"].append((time.perf_counter() - started) / (len(audio) / sr))
            sf.write(ours_wav, audio, sr)
            teacher, _ = sf.read(teacher_wav, dtype="float32")
            ref = norm_words(r["text"])
            acc["words"].append(len(ref))
            heard = transcribe(ours_wav)
            acc["ours_err"].append(edit_distance(ref, norm_words(heard)))
            transcripts.append(
                {
                    "voice": voice.name,
                    "id": r["id"],
                    "text": r["text"],
                    "heard": heard,
                    "errors": acc["ours_err"][-1],
                    "words": len(ref),
                }
            )
            o_ovrl, o_sig = dnsmos(audio, sr)
            key = f"{voice.name}/{r['id']}"
            if key not in teacher_cache:
                t_heard = norm_words(transcribe(teacher_wav))
                teacher_cache[key] = [edit_distance(ref, t_heard), *dnsmos(teacher, sr), " ".join(t_heard)]
            t_err, t_ovrl, t_sig = teacher_cache[key][:3]
            t_heard = teacher_heard(key, teacher_cache)
            if t_heard is not None:  # scored again: the scoring may have changed since
                t_err = edit_distance(ref, t_heard)
            acc["teacher_err"].append(t_err)
            acc["ours_ovrl"].append(o_ovrl), acc["ours_sig"].append(o_sig)
            acc["teacher_ovrl"].append(t_ovrl), acc["teacher_sig"].append(t_sig)
            # Teacher-forced durations: frames line up with the teacher's, for MCD and F0 error.
            feats = np.load(CORPUS / "features" / r["path"])
            forced = teacher_forced(synth.model, speaker, feats)
            forced_audio = synth.model.vocode(forced.mel, forced.f0, forced.voiced)
            acc["mcd"].append(mcd_db(forced_audio, teacher))
            acc["f0_rmse"].append(f0_rmse_cents(rendered_f0(forced), feats["f0"]))
            acc["band_ratio"].append(band_share(forced_audio, sr) / max(band_share(teacher, sr), 1e-9))
        EVAL.mkdir(parents=True, exist_ok=True)
        teacher_cache_path.write_text(json.dumps(teacher_cache))
        words = sum(acc["words"])
        res = {
            "utterances": len(mine),
            "words": words,
            "wer": sum(acc["ours_err"]) / words,
            "teacher_wer": sum(acc["teacher_err"]) / words,
            "dnsmos_ovrl": float(np.mean(acc["ours_ovrl"])),
            "teacher_dnsmos_ovrl": float(np.mean(acc["teacher_ovrl"])),
            "dnsmos_sig": float(np.mean(acc["ours_sig"])),
            "teacher_dnsmos_sig": float(np.mean(acc["teacher_sig"])),
            "mcd_db": float(np.mean(acc["mcd"])),
            "f0_rmse_cents": float(np.nanmean(acc["f0_rmse"])),
            "band_4_8k_ratio": float(np.mean(acc["band_ratio"])),
            "rtf_2threads_shared": float(np.median(acc["rtf"])),
        }
        results[voice.name] = res
        print(
            f"{voice.name:8} WER {100 * res['wer']:5.1f}% (teacher {100 * res['teacher_wer']:4.1f}%)  "
            f"OVRL {res['dnsmos_ovrl']:.2f} ({res['teacher_dnsmos_ovrl']:.2f})  SIG {res['dnsmos_sig']:.2f} "
            f"({res['teacher_dnsmos_sig']:.2f})  MCD {res['mcd_db']:.2f} dB  F0 {res['f0_rmse_cents']:.0f} c  "
            f"4-8k x{res['band_4_8k_ratio']:.2f}",
            file=sys.stderr,
            flush=True,
        )
    if results:
        total_words = sum(r["words"] for r in results.values())
        results["_mean"] = {
            "wer": sum(r["wer"] * r["words"] for r in results.values()) / total_words,
            "teacher_wer": sum(r["teacher_wer"] * r["words"] for r in results.values()) / total_words,
            "dnsmos_ovrl": float(np.mean([r["dnsmos_ovrl"] for r in results.values()])),
            "teacher_dnsmos_ovrl": float(np.mean([r["teacher_dnsmos_ovrl"] for r in results.values()])),
            "mcd_db": float(np.mean([r["mcd_db"] for r in results.values()])),
        }
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {
        "model": str(args.model),
        "file_bytes": synth.summary.file_bytes,
        "parameters": synth.summary.parameters,
        "per_voice": args.per_voice,
        "voices": results,
    }
    (out_dir / "results.json").write_text(json.dumps(summary, indent=1))
    (out_dir / "transcripts.jsonl").write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in transcripts))
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
