"""Training features, cached per utterance, with a manifest.

    nice -n 10 .venv/bin/python -m training.corpus.features           # extract what is aligned
    nice -n 10 .venv/bin/python -m training.corpus.features --manifest-only

Per utterance (work-data/corpus/features/<speaker>/<id>.npz, numpy .npz, not compressed):
    mel        float16 [T, 80]  log-mel: natural log of max(1e-5, mel magnitude) (see below)
    f0         float16 [T]      Hz, 0 where unvoiced (pyworld or pYIN, 60-500 Hz; tracker per speaker, below)
    f0_tracker str     []       "dio" (dio + stonemask), "harvest" or "pyin"
    voiced     uint8   [T]      1 where f0 > 0
    energy     float16 [T]      natural log of the frame's STFT magnitude L2 norm (+1e-5)
    phone_ids  uint8   [N]      ids into bittts.engine.text.phones.SYMBOLS
    durations  int16   [N]      mel frames per symbol; sum(durations) == T
    speaker_id int16   []
    duration_shift_s float32 []  (Kokoro voices only) how far Kokoro's boundaries were moved (s)
Frame layout: sample rate 22,050 Hz, hop 256 (11.61 ms), n_fft 1024 with a 1024 Hann window,
frames centred (the signal is reflect-padded by 512 each side): T = 1 + n_samples // 256.
Mel: magnitude (not power) spectrum, 80 Slaney-style triangular filters (area-normalized)
on the Slaney mel scale from 0 to 11,025 Hz. F0 is computed on the same 11.61 ms grid.

F0 tracker: dio + stonemask for most teachers, where it agrees with harvest (rms 104 vs 103 Hz
median) at a tenth of the cost. pYIN (librosa) for joe (``F0_TRACKERS``): on that low, creaky
Piper voice dio jumps an octave up and harvest leaves half the voiced frames unvoiced and reads
two or three times the pitch within words; pYIN follows the harmonics (docs/corpus.md has the
measurements). A file whose stored tracker differs from its speaker's gets its F0 re-tracked;
mel and the rest are kept.

Durations: the aligner's boundaries (seconds, 10 ms resolution) are rounded to the nearest mel
frame boundary (t * 22050 / 256); the last boundary is T, so the durations sum to T exactly.

The Kokoro voices (24 kHz, generate.py --teachers kokoro) get features of their own, in
work-data/corpus/features-24k/ with its own manifest and stats (`--teachers kokoro`), on the
frame layout `KOKORO_LAYOUT`: hop 300 (12.5 ms), a 1,200-sample Hann window and FFT, 80 bands
from 0 to 12 kHz. The hop is half of Kokoro's duration unit (600 samples), so its durations
land on frame boundaries; they come from the teacher itself (the .json's symbol_samples, no
aligner), moved by KOKORO_SHIFT_S and rounded the same way: Kokoro's audio runs a steady 55 ms
ahead of its own durations, measured against the pocketsphinx aligner (align.py --check-kokoro;
after the shift the boundaries lie 28 ms from the aligner's on average, within Kokoro's 25 ms
grid and the aligner's own 10 ms one). Everything else in the file is as above. A vocoder trains on
the .wav files themselves, beside these frames.

Manifest: work-data/corpus/features/manifest.jsonl, one line per kept utterance:
    {"id", "speaker", "speaker_id", "split", "path", "frames", "symbols", "seconds", "text",
     "frontend_version", "lf0_sum", "lf0_sq", "n_voiced"}
and stats.json: per-speaker log-F0 mean/std and counts (for normalization), plus global mel
mean/std per bin over a sample.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from training.corpus import frontend_adapter as fe
from training.corpus.align import align_path, generated_items
from training.corpus.generate import AUDIO, CORPUS, SAMPLE_RATE
from training.corpus.parallel import imap_unordered

FEATURES = CORPUS / "features"
MANIFEST = FEATURES / "manifest.jsonl"
FEATURES_KOKORO = CORPUS / "features-24k"
N_FFT, HOP, WIN, N_MELS, FMIN, FMAX = 1024, 256, 1024, 80, 0.0, 11025.0


@dataclass(frozen=True)
class FrameLayout:
    """Where the frames of one corpus lie: rate, hop, window, FFT and mel bands."""

    sample_rate: int
    hop: int
    n_fft: int
    win: int
    n_mels: int
    fmin: float
    fmax: float


CLASSIC_LAYOUT = FrameLayout(SAMPLE_RATE, HOP, N_FFT, WIN, N_MELS, FMIN, FMAX)
KOKORO_LAYOUT = FrameLayout(24000, 300, 1200, 1200, 80, 0.0, 12000.0)
F0_FLOOR, F0_CEIL = 60.0, 500.0
F0_TRACKERS = {"joe": "pyin"}  # speaker -> tracker; the rest use "dio" (see the docstring)


def f0_tracker_for(speaker: str) -> str:
    return F0_TRACKERS.get(speaker, "dio")


# --------------------------------------------------------------------------------------------
# Mel filterbank (Slaney mel scale, area-normalized triangles), written out here


def hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    f_sp = 200.0 / 3
    mel = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, mel)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


@lru_cache(maxsize=4)
def mel_filterbank(
    sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS, fmin: float = FMIN, fmax: float = FMAX
) -> np.ndarray:
    """[n_mels, n_fft // 2 + 1] float32."""
    fft_freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    mel_pts = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_pts)
    ramps = mel_pts[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0, np.minimum(lower, upper))
    w *= (2.0 / (mel_pts[2 : n_mels + 2] - mel_pts[:n_mels]))[:, None]
    return w.astype(np.float32)


def stft_magnitude(x: np.ndarray, layout: FrameLayout = CLASSIC_LAYOUT) -> np.ndarray:
    """|STFT| [T, n_fft//2+1], centred frames, reflect padding, Hann window."""
    n_fft, hop = layout.n_fft, layout.hop
    pad = n_fft // 2
    xp = np.pad(x.astype(np.float32), (pad, pad), mode="reflect")
    n = 1 + (len(xp) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n)[:, None]
    win = np.hanning(layout.win + 1)[:-1].astype(np.float32)  # periodic Hann
    return np.abs(np.fft.rfft(xp[idx] * win, axis=1)).astype(np.float32)


def log_mel(mag: np.ndarray, layout: FrameLayout = CLASSIC_LAYOUT) -> np.ndarray:
    fb = mel_filterbank(layout.sample_rate, layout.n_fft, layout.n_mels, layout.fmin, layout.fmax)
    return np.log(np.maximum(mag @ fb.T, 1e-5))


def f0_track(x: np.ndarray, n_frames: int, tracker: str = "dio", layout: FrameLayout = CLASSIC_LAYOUT) -> np.ndarray:
    sr, hop = layout.sample_rate, layout.hop
    if tracker == "pyin":
        import librosa

        # frames centred like the mel's, so there is one per mel frame; 2,048 samples hold
        # two periods at the floor. Unvoiced frames come back as NaN.
        f0, _, _ = librosa.pyin(
            x.astype(np.float32), fmin=F0_FLOOR, fmax=F0_CEIL, sr=sr, frame_length=2048, hop_length=hop, center=True
        )
        f0 = np.nan_to_num(f0, nan=0.0)
    elif tracker in ("harvest", "dio"):
        from training.corpus.pyworld_compat import pyworld

        xd = x.astype(np.float64)
        period_ms = 1000.0 * hop / sr
        if tracker == "harvest":
            f0, _ = pyworld.harvest(xd, sr, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=period_ms)
        else:
            f0, t = pyworld.dio(xd, sr, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=period_ms)
            f0 = pyworld.stonemask(xd, f0, t, sr)
    else:
        raise ValueError(f"unknown F0 tracker {tracker!r}")
    if len(f0) < n_frames:
        f0 = np.pad(f0, (0, n_frames - len(f0)))
    return f0[:n_frames]


def frame_durations(dur_s: list[float], n_frames: int, layout: FrameLayout = CLASSIC_LAYOUT) -> np.ndarray:
    """Seconds per symbol -> mel frames per symbol, summing to n_frames."""
    bounds = np.rint(np.cumsum(dur_s) * layout.sample_rate / layout.hop).astype(np.int64)
    bounds = np.minimum(bounds, n_frames)
    bounds[-1] = n_frames
    bounds = np.maximum.accumulate(bounds)
    return np.diff(np.concatenate([[0], bounds])).astype(np.int16)


def feature_path(speaker: str, sid: str) -> Path:
    return FEATURES / speaker / f"{sid}.npz"


def stored_f0_tracker(path: Path) -> str:
    with np.load(path) as z:
        return str(z["f0_tracker"]) if "f0_tracker" in z.files else "dio"  # files from before the field


def f0_tracker_matches(speaker: str, sid: str) -> bool:
    """The feature file's F0 came from its speaker's tracker (also after a speaker is switched back)."""
    return stored_f0_tracker(feature_path(speaker, sid)) == f0_tracker_for(speaker)


def _write_npz(out: Path, **arrays) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=out.parent)
    os.close(fd)
    with open(tmp, "wb") as f:
        np.savez(f, **arrays)
    os.replace(tmp, out)


def retrack_f0(speaker: str, sid: str) -> None:
    """Replace a feature file's F0 and voicing with its speaker's tracker; the rest is kept."""
    import soundfile as sf

    out = feature_path(speaker, sid)
    with np.load(out) as z:
        arrays = {k: z[k] for k in z.files}
    x, _ = sf.read(str(AUDIO / speaker / f"{sid}.wav"), dtype="float32")
    tracker = f0_tracker_for(speaker)
    f0 = f0_track(x, int(arrays["mel"].shape[0]), tracker)
    arrays.update(f0=f0.astype(np.float16), voiced=(f0 > 0).astype(np.uint8), f0_tracker=np.array(tracker))
    mtime = out.stat().st_mtime
    _write_npz(out, **arrays)
    os.utime(out, (mtime, mtime))  # still as fresh as before relative to its alignment


def is_current(speaker: str, sid: str) -> bool:
    out, al_p = feature_path(speaker, sid), align_path(speaker, sid)
    return out.exists() and out.stat().st_mtime >= al_p.stat().st_mtime


def extract_one(speaker: str, sid: str) -> dict:
    """Features for one aligned utterance; cached. -> a status dict."""
    out = feature_path(speaker, sid)
    al_p = align_path(speaker, sid)
    if not al_p.exists():
        return {"status": "not aligned"}
    if is_current(speaker, sid):  # newer than its alignment (which is newer than its audio)
        if not f0_tracker_matches(speaker, sid):
            retrack_f0(speaker, sid)
            return {"status": "f0 re-tracked"}
        return {"status": "cached"}
    al = json.loads(al_p.read_text())
    if not al.get("ok"):
        if out.exists():
            out.unlink()  # an older alignment had succeeded
        return {"status": "dropped"}
    import soundfile as sf

    meta = json.loads((AUDIO / speaker / f"{sid}.json").read_text())
    x, sr = sf.read(str(AUDIO / speaker / f"{sid}.wav"), dtype="float32")
    assert sr == SAMPLE_RATE, f"{speaker}/{sid}: {sr} Hz"
    _write_npz(out, **frame_arrays(x, al["dur_s"], speaker, al["symbols"], meta["speaker_id"], CLASSIC_LAYOUT))
    return {"status": "done"}


KOKORO_SHIFT_S = -0.055  # measured: docs/corpus.md, "Kokoro's durations as the alignment"


def shift_boundaries(dur_s, shift_s: float) -> np.ndarray:
    """Durations whose inner boundaries all move by shift_s (later when positive), the total
    kept: a boundary stops at the start or the end of the utterance."""
    d = np.asarray(dur_s, dtype=np.float64)
    total = d.sum()
    ends = np.clip(np.cumsum(d)[:-1] + shift_s, 0.0, total)
    return np.diff(np.concatenate([[0.0], ends, [total]]))


def kokoro_feature_path(speaker: str, sid: str) -> Path:
    return FEATURES_KOKORO / speaker / f"{sid}.npz"


def frame_arrays(x: np.ndarray, dur_s, speaker: str, symbols, speaker_id: int, layout: FrameLayout) -> dict:
    """All of one utterance's feature arrays, on one frame layout."""
    mag = stft_magnitude(x, layout)
    T = mag.shape[0]
    tracker = f0_tracker_for(speaker)
    f0 = f0_track(x, T, tracker, layout)
    dur = frame_durations(dur_s, T, layout)
    ids = np.array([fe.PHONE_TO_ID[s] for s in symbols], dtype=np.uint8)
    assert int(dur.sum()) == T and len(dur) == len(ids)
    return dict(
        mel=log_mel(mag, layout).astype(np.float16),
        f0=f0.astype(np.float16),
        voiced=(f0 > 0).astype(np.uint8),
        energy=np.log(np.linalg.norm(mag, axis=1) + 1e-5).astype(np.float16),
        phone_ids=ids,
        durations=dur,
        speaker_id=np.int16(speaker_id),
        f0_tracker=np.array(tracker),
    )


def extract_kokoro_one(speaker: str, sid: str) -> dict:
    """Features of one Kokoro utterance, its durations the teacher's own; cached."""
    import soundfile as sf

    out, wav = kokoro_feature_path(speaker, sid), AUDIO / speaker / f"{sid}.wav"
    if out.exists() and out.stat().st_mtime >= wav.stat().st_mtime:
        with np.load(out) as z:
            if "duration_shift_s" in z.files and abs(float(z["duration_shift_s"]) - KOKORO_SHIFT_S) < 1e-6:
                return {"status": "cached"}
    meta = json.loads((AUDIO / speaker / f"{sid}.json").read_text())
    x, sr = sf.read(str(wav), dtype="float32")
    assert sr == KOKORO_LAYOUT.sample_rate, f"{speaker}/{sid}: {sr} Hz"
    dur_s = shift_boundaries(np.asarray(meta["symbol_samples"], dtype=np.float64) / sr, KOKORO_SHIFT_S)
    _write_npz(
        out,
        **frame_arrays(x, dur_s, speaker, meta["symbols"], meta["speaker_id"], KOKORO_LAYOUT),
        duration_shift_s=np.float32(KOKORO_SHIFT_S),
    )
    return {"status": "done"}


def _work_kokoro(item):
    try:
        return item, extract_kokoro_one(*item)
    except Exception as e:  # noqa: BLE001
        return item, {"status": "error", "error": f"{type(e).__name__}: {e}"}


def _work(item):
    try:
        return item, extract_one(*item)
    except Exception as e:  # noqa: BLE001
        return item, {"status": "error", "error": f"{type(e).__name__}: {e}"}


def write_manifest(features: Path = FEATURES, layout: FrameLayout = CLASSIC_LAYOUT) -> dict:
    """Manifest + stats from the feature files that exist (cheap to rebuild, always current)."""
    rows = []
    per_spk: dict[str, dict] = {}
    mel_sum = np.zeros(layout.n_mels)
    mel_sq = np.zeros(layout.n_mels)
    mel_n = 0
    manifest = features / MANIFEST.name
    for spk_dir in sorted(p for p in features.iterdir() if p.is_dir()) if features.exists() else []:
        for k, f in enumerate(sorted(spk_dir.glob("s*.npz"))):
            meta = json.loads((AUDIO / spk_dir.name / f"{f.stem}.json").read_text())
            with np.load(f) as z:
                f0 = z["f0"].astype(np.float64)
                T = int(z["mel"].shape[0])
                n = int(z["phone_ids"].shape[0])
                if k % 20 == 0:  # global mel statistics from a 5% sample
                    m = z["mel"].astype(np.float64)
                    mel_sum += m.sum(0)
                    mel_sq += (m**2).sum(0)
                    mel_n += m.shape[0]
            lf0 = np.log(f0[f0 > 0])
            row = {
                "id": f.stem,
                "speaker": spk_dir.name,
                "speaker_id": meta["speaker_id"],
                "split": meta["split"],
                "path": str(f.relative_to(features)),
                "frames": T,
                "symbols": n,
                "seconds": round(T * layout.hop / layout.sample_rate, 3),
                "text": meta["text"],
                "frontend_version": meta.get("frontend_version"),
                "lf0_sum": round(float(lf0.sum()), 4),
                "lf0_sq": round(float((lf0**2).sum()), 4),
                "n_voiced": int(lf0.size),
            }
            rows.append(row)
            s = per_spk.setdefault(
                spk_dir.name, {"utterances": 0, "seconds": 0.0, "lf0_sum": 0.0, "lf0_sq": 0.0, "n_voiced": 0}
            )
            s["utterances"] += 1
            s["seconds"] += row["seconds"]
            s["lf0_sum"] += row["lf0_sum"]
            s["lf0_sq"] += row["lf0_sq"]
            s["n_voiced"] += row["n_voiced"]
    features.mkdir(parents=True, exist_ok=True)
    tmp = manifest.with_suffix(".tmp")
    with open(tmp, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(manifest)
    stats = {
        "speakers": {},
        "frame": asdict(layout),
        "symbols": list(fe.SYMBOLS),
        "frontend_version": fe.FRONTEND_VERSION,
    }
    for spk, s in per_spk.items():
        mu = s["lf0_sum"] / max(s["n_voiced"], 1)
        var = s["lf0_sq"] / max(s["n_voiced"], 1) - mu**2
        stats["speakers"][spk] = {
            "utterances": s["utterances"],
            "hours": round(s["seconds"] / 3600, 3),
            "lf0_mean": round(mu, 4),
            "lf0_std": round(float(np.sqrt(max(var, 0))), 4),
        }
    if mel_n:
        mu = mel_sum / mel_n
        stats["mel_mean"] = [round(float(v), 4) for v in mu]
        stats["mel_std"] = [round(float(v), 4) for v in np.sqrt(np.maximum(mel_sq / mel_n - mu**2, 0))]
    (features / "stats.json").write_text(json.dumps(stats, indent=1))
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--speakers", default="")
    ap.add_argument("--manifest-only", action="store_true")
    ap.add_argument(
        "--teachers",
        choices=("classic", "kokoro"),
        default="classic",
        help="the classic voices' features (aligned, 22,050 Hz) or the Kokoro voices' (24 kHz)",
    )
    args = ap.parse_args(argv)
    from tqdm import tqdm

    if args.teachers == "kokoro":
        from training.teachers.voices import KOKORO_VOICES

        names = {v.name for v in KOKORO_VOICES}
        if args.speakers:
            names &= set(args.speakers.split(","))
        if not args.manifest_only:
            items = generated_items(names)
            counts = {}
            for item, res in tqdm(
                imap_unordered(_work_kokoro, items, args.workers),
                total=len(items),
                unit="utt",
                mininterval=5,
                file=sys.stderr,
            ):
                counts[res["status"]] = counts.get(res["status"], 0) + 1
                if res["status"] == "error":
                    print(item, res["error"], file=sys.stderr)
            print(f"features: {counts}", file=sys.stderr)
        stats = write_manifest(FEATURES_KOKORO, KOKORO_LAYOUT)
        print(json.dumps(stats["speakers"], indent=1))
        return 0
    if not args.manifest_only:
        items = generated_items(set(args.speakers.split(",")) if args.speakers else None)
        todo = [it for it in items if align_path(*it).exists() and not (is_current(*it) and f0_tracker_matches(*it))]
        print(f"generated: {len(items)}; to extract: {len(todo)}", file=sys.stderr)
        counts: dict[str, int] = {}
        it = imap_unordered(_work, todo, args.workers)
        for item, res in tqdm(it, total=len(todo), unit="utt", mininterval=5, file=sys.stderr):
            counts[res["status"]] = counts.get(res["status"], 0) + 1
            if res["status"] == "error":
                print(item, res["error"], file=sys.stderr)
        print(f"features: {counts}", file=sys.stderr)
    stats = write_manifest()
    print(json.dumps({k: v for k, v in stats.items() if k in ("speakers",)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
