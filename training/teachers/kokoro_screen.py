"""Screen Kokoro voices before choosing the corpus' voices: each reads the first N validation
sentences from OUR phones; Distill-MOS, Whisper-base WER and seconds per phone per voice.

    nice -n 5 .venv/bin/python -m training.teachers.kokoro_screen                      # 21 voices, 10 sentences
    nice -n 5 .venv/bin/python -m training.teachers.kokoro_screen --voices af_heart,bm_george

The table in docs/corpus.md ("Choosing the voices") came from this. Seconds per phone are measured
between the leading and trailing silence (Kokoro's pads), as generate.py's plan counts phones.
Audio goes to work-data/teachers/kokoro/screen/, results to screen.json beside it.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from training.teachers.kokoro import KOKORO_DIR, SAMPLE_RATE, KokoroTeacher

SCREENED = (
    "af_heart,af_bella,af_sarah,af_aoede,af_kore,af_nicole,am_eric,am_adam,am_liam,am_santa,am_michael,"
    "am_fenrir,am_echo,am_onyx,am_puck,bf_emma,bf_alice,bf_isabella,bm_fable,bm_george,bm_lewis"
)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--voices", default=SCREENED, help="Kokoro voice names, comma-separated")
    ap.add_argument("--sentences", type=int, default=10)
    args = ap.parse_args(argv)
    import soundfile as sf
    from faster_whisper import WhisperModel

    from training.corpus import frontend_adapter as fe
    from training.corpus.teacher_wer import assemble_model, edit_distance, norm_words
    from training.corpus.text import load_sentences
    from training.distill_mos import distill_mos

    rows = sorted((r for r in load_sentences() if r["split"] == "valid"), key=lambda r: r["id"])
    utts = [(r, u) for r in rows if (u := fe.utterance(r["text"])) is not None][: args.sentences]
    teacher = KokoroTeacher(threads=1)
    whisper = WhisperModel(str(assemble_model()), device="cpu", compute_type="int8", cpu_threads=1)
    out_dir = KOKORO_DIR / "screen"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {}
    for name in args.voices.split(","):
        accent = "GB" if name.startswith("b") else "US"
        errors = words = phones = 0
        seconds, moses = 0.0, []
        for r, u in utts:
            audio, durations = teacher.synthesize(u.symbols, name, accent)
            wav = out_dir / f"{name}-{r['id']}.wav"
            sf.write(str(wav), audio, SAMPLE_RATE)  # 16-bit, as the corpus stores it
            moses.append(distill_mos(sf.read(str(wav), dtype="float32")[0], SAMPLE_RATE))
            segs, _ = whisper.transcribe(
                str(wav), language="en", beam_size=1, vad_filter=False, condition_on_previous_text=False
            )
            ref = norm_words(r["text"])
            errors += edit_distance(ref, norm_words(" ".join(s.text for s in segs)))
            words += len(ref)
            seconds += float(audio.size - durations[0] - durations[-1]) / SAMPLE_RATE
            phones += sum(len(p) for p in u.word_phones) + len(u.words)
        results[name] = {
            "distill_mos": round(float(np.mean(moses)), 3),
            "wer": round(100 * errors / max(words, 1), 2),
            "sec_per_phone": round(seconds / max(phones, 1), 4),
        }
        print(name, results[name], file=sys.stderr, flush=True)
    (KOKORO_DIR / "screen.json").write_text(json.dumps({"sentences": len(utts), "voices": results}, indent=1))
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
