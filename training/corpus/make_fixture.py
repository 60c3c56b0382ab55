"""Write a tiny corpus fixture for CI (which has neither the teachers nor the corpus):
a few utterances of real features and durations, taken from the feature cache.

    .venv/bin/python -m training.corpus.make_fixture       # -> tests/fixtures/corpus/

Output (a few hundred KB at most):
    tests/fixtures/corpus/manifest.json    frame settings, the symbol inventory, one entry per
                                           utterance (id, speaker, split, text, frames, symbols)
    tests/fixtures/corpus/<speaker>-<id>.npz   the feature file as features.py writes it
                                           (compressed here)
Selection (deterministic): for each of up to --speakers speakers, the shortest validation
utterance of at least --min-frames frames that has features.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from training.corpus import frontend_adapter as fe
from training.corpus.features import FEATURES, FMAX, FMIN, HOP, MANIFEST, N_FFT, N_MELS, WIN
from training.corpus.generate import SAMPLE_RATE

FIXTURE = Path("tests/fixtures/corpus")
PREFERRED = ("slt", "joe", "pico_gb", "rms", "bdl", "clb", "alan", "pico_us")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speakers", type=int, default=4)
    ap.add_argument("--min-frames", type=int, default=120)
    ap.add_argument("--max-bytes", type=int, default=300_000)
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in open(MANIFEST)]
    by_spk: dict[str, list[dict]] = {}
    for r in rows:
        if r["split"] == "valid" and r["frames"] >= args.min_frames:
            by_spk.setdefault(r["speaker"], []).append(r)
    chosen = []
    for spk in PREFERRED:
        if spk in by_spk and len(chosen) < args.speakers:
            chosen.append(min(by_spk[spk], key=lambda r: (r["frames"], r["id"])))
    if not chosen:
        print("no validation features yet: run generate, align and features first", file=sys.stderr)
        return 1
    FIXTURE.mkdir(parents=True, exist_ok=True)
    for old in FIXTURE.glob("*.npz"):
        old.unlink()
    entries = []
    total = 0
    for r in chosen:
        name = f"{r['speaker']}-{r['id']}.npz"
        with np.load(FEATURES / r["path"]) as z:
            arrays = {k: z[k] for k in z.files}
        with open(FIXTURE / name, "wb") as f:
            np.savez_compressed(f, **arrays)
        total += (FIXTURE / name).stat().st_size
        entries.append({"file": name, "id": r["id"], "speaker": r["speaker"],
                        "speaker_id": r["speaker_id"], "split": r["split"], "text": r["text"],
                        "frames": r["frames"], "symbols": r["symbols"]})
    manifest = {
        "format": "bittts-corpus-fixture", "version": 1,
        "frame": {"sample_rate": SAMPLE_RATE, "hop": HOP, "n_fft": N_FFT, "win": WIN,
                  "n_mels": N_MELS, "fmin": FMIN, "fmax": FMAX},
        "symbols": list(fe.SYMBOLS), "frontend_version": fe.FRONTEND_VERSION,
        "utterances": entries,
    }
    (FIXTURE / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    total += (FIXTURE / "manifest.json").stat().st_size
    print(f"fixture: {len(entries)} utterances, {total / 1000:.0f} kB in {FIXTURE}", file=sys.stderr)
    if total > args.max_bytes:
        print(f"fixture is larger than {args.max_bytes} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
