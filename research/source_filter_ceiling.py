"""How much of a neural teacher a source-filter vocoder can keep: Kokoro's audio against its
WORLD resynthesis, by Distill-MOS (issue 30).

    PYTHONPATH=. nice -n 5 .venv/bin/python -m research.source_filter_ceiling [--per-voice 6] [--json PATH]

For the first ``--per-voice`` validation utterances of each Kokoro voice in
work-data/corpus/audio/ (24 kHz), WORLD (pyworld: harvest F0, CheapTrick envelope, D4C
aperiodicity, at the corpus' 12.5 ms hop) analyses and resynthesizes the audio, and Distill-MOS
scores both. WORLD keeps a full-resolution spectral envelope and aperiodicity per frame, so it
is an optimistic stand-in for any harmonic-plus-noise vocoder driven by frames, ours included:
what it loses, our DDSP vocoder loses at least. One thread; about 3 s of CPU an utterance.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

CORPUS = Path("work-data/corpus/audio")
HOP_SECONDS = 0.0125  # the Kokoro corpus' frames (training/corpus/features.py KOKORO_LAYOUT: hop 300 at 24 kHz)


def split_files(voice_dir: Path, split: str = "valid", count: int | None = None) -> list[Path]:
    """The first ``count`` (default: all) utterances of one split of a voice that have audio, by id."""
    found = []
    for meta in sorted(voice_dir.glob("*.json")):
        wav = meta.with_suffix(".wav")
        if wav.exists() and json.loads(meta.read_text(encoding="utf-8")).get("split") == split:
            found.append(wav)
        if count is not None and len(found) == count:
            break
    return found


def world_resynthesis(wave: np.ndarray, sample_rate: int) -> np.ndarray:
    from training.corpus.pyworld_compat import pyworld

    x = wave.astype(np.float64)
    period = HOP_SECONDS * 1000
    f0, times = pyworld.harvest(x, sample_rate, frame_period=period)
    envelope = pyworld.cheaptrick(x, f0, times, sample_rate)
    aperiodicity = pyworld.d4c(x, f0, times, sample_rate)
    return pyworld.synthesize(f0, envelope, aperiodicity, sample_rate, frame_period=period).astype(np.float32)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-voice", type=int, default=6, help="validation utterances a voice (default 6)")
    ap.add_argument("--json", type=Path, help="also write the scores here")
    args = ap.parse_args(argv)
    voices = sorted(d for d in CORPUS.iterdir() if d.is_dir()) if CORPUS.is_dir() else []
    if not voices:
        print(f"no corpus audio in {CORPUS}: run training/corpus/run_kokoro.sh first", file=sys.stderr)
        return 2
    from training.distill_mos import distill_mos

    rows = {}
    for voice_dir in voices:
        files = split_files(voice_dir, "valid", args.per_voice)
        if not files:
            continue
        teacher, world = [], []
        for wav in files:
            wave, rate = sf.read(wav, dtype="float32")
            teacher.append(distill_mos(wave, rate))
            world.append(distill_mos(world_resynthesis(wave, rate), rate))
        rows[voice_dir.name] = {
            "utterances": len(files),
            "teacher": float(np.mean(teacher)),
            "world": float(np.mean(world)),
        }
        r = rows[voice_dir.name]
        print(f"{voice_dir.name}: teacher {r['teacher']:.2f}, WORLD {r['world']:.2f}", file=sys.stderr, flush=True)
    print("| voice | utterances | Kokoro | WORLD resynthesis | lost |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['utterances']} | {r['teacher']:.2f} | {r['world']:.2f} | {r['teacher'] - r['world']:.2f} |"
        )
    teacher_mean = np.mean([r["teacher"] for r in rows.values()])
    world_mean = np.mean([r["world"] for r in rows.values()])
    print(f"| mean | | {teacher_mean:.2f} | {world_mean:.2f} | {teacher_mean - world_mean:.2f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
