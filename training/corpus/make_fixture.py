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

    .venv/bin/python -m training.corpus.make_fixture --teachers kokoro   # -> tests/fixtures/corpus-kokoro/

The Kokoro fixture holds the same per utterance, plus the generation record (<name>.json: the
symbols and Kokoro's durations in samples) and the audio itself (<name>.flac, lossless), so that
tests can check the features against the audio and the durations without Kokoro or the corpus.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np

from training.corpus import frontend_adapter as fe
from training.corpus.features import CLASSIC_LAYOUT, FEATURES, FEATURES_KOKORO, KOKORO_LAYOUT, MANIFEST
from training.corpus.generate import AUDIO

FIXTURE = Path("tests/fixtures/corpus")
PREFERRED = ("slt", "joe", "pico_gb", "rms", "bdl", "clb", "alan", "pico_us")
KOKORO_FIXTURE = Path("tests/fixtures/corpus-kokoro")
KOKORO_PREFERRED = ("heart", "fenrir", "emma", "george")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--speakers", type=int, default=4)
    ap.add_argument("--min-frames", type=int, default=120)
    ap.add_argument(
        "--max-bytes",
        type=int,
        default=None,
        help="the largest fixture allowed (default 300 kB; 400 kB with its audio for kokoro)",
    )
    ap.add_argument("--teachers", choices=("classic", "kokoro"), default="classic")
    args = ap.parse_args(argv)
    kokoro = args.teachers == "kokoro"
    max_bytes = args.max_bytes or (400_000 if kokoro else 300_000)
    fixture, features, layout, preferred = (
        (KOKORO_FIXTURE, FEATURES_KOKORO, KOKORO_LAYOUT, KOKORO_PREFERRED)
        if kokoro
        else (FIXTURE, FEATURES, CLASSIC_LAYOUT, PREFERRED)
    )
    rows = [json.loads(line) for line in open(features / MANIFEST.name)]
    by_spk: dict[str, list[dict]] = {}
    for r in rows:
        if r["split"] == "valid" and r["frames"] >= args.min_frames:
            by_spk.setdefault(r["speaker"], []).append(r)
    chosen = []
    for spk in preferred:
        if spk in by_spk and len(chosen) < args.speakers:
            chosen.append(min(by_spk[spk], key=lambda r: (r["frames"], r["id"])))
    if not chosen:
        print("no validation features yet: run generate, align and features first", file=sys.stderr)
        return 1
    fixture.mkdir(parents=True, exist_ok=True)
    for old in [*fixture.glob("*.npz"), *fixture.glob("*.flac"), *fixture.glob("*-s*.json")]:
        old.unlink()
    entries = []
    total = 0
    for r in chosen:
        name = f"{r['speaker']}-{r['id']}.npz"
        with np.load(features / r["path"]) as z:
            arrays = {k: z[k] for k in z.files}
        with open(fixture / name, "wb") as f:
            np.savez_compressed(f, **arrays)
        total += (fixture / name).stat().st_size
        if kokoro:
            import soundfile as sf

            stem = fixture / name[: -len(".npz")]
            x, sr = sf.read(str(AUDIO / r["speaker"] / f"{r['id']}.wav"), dtype="int16")
            sf.write(str(stem) + ".flac", x, sr, subtype="PCM_16")
            meta = json.loads((AUDIO / r["speaker"] / f"{r['id']}.json").read_text())
            (Path(str(stem) + ".json")).write_text(json.dumps(meta, ensure_ascii=False) + "\n")
            total += Path(str(stem) + ".flac").stat().st_size + Path(str(stem) + ".json").stat().st_size
        entries.append(
            {
                "file": name,
                "id": r["id"],
                "speaker": r["speaker"],
                "speaker_id": r["speaker_id"],
                "split": r["split"],
                "text": r["text"],
                "frames": r["frames"],
                "symbols": r["symbols"],
            }
        )
    manifest = {
        "format": "bittts-corpus-fixture",
        "version": 1,
        "frame": asdict(layout),
        "symbols": list(fe.SYMBOLS),
        "frontend_version": fe.FRONTEND_VERSION,
        "utterances": entries,
    }
    (fixture / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    total += (fixture / "manifest.json").stat().st_size
    print(f"fixture: {len(entries)} utterances, {total / 1000:.0f} kB in {fixture}", file=sys.stderr)
    if total > max_bytes:
        print(f"fixture is larger than {max_bytes} bytes", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
