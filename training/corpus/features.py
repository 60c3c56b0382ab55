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
from functools import lru_cache
from pathlib import Path

import numpy as np

from training.corpus import frontend_adapter as fe
from training.corpus.parallel import imap_unordered
from training.corpus.align import align_path, generated_items
from training.corpus.generate import AUDIO, CORPUS, SAMPLE_RATE

FEATURES = CORPUS / "features"
MANIFEST = FEATURES / "manifest.jsonl"
N_FFT, HOP, WIN, N_MELS, FMIN, FMAX = 1024, 256, 1024, 80, 0.0, 11025.0
F0_FLOOR, F0_CEIL = 60.0, 500.0
F0_TRACKERS = {"joe": "pyin"}      # speaker -> tracker; the rest use "dio" (see the docstring)


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
def mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS,
                   fmin: float = FMIN, fmax: float = FMAX) -> np.ndarray:
    """[n_mels, n_fft // 2 + 1] float32."""
    fft_freqs = np.linspace(0, sr / 2, n_fft // 2 + 1)
    mel_pts = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_pts)
    ramps = mel_pts[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    w = np.maximum(0, np.minimum(lower, upper))
    w *= (2.0 / (mel_pts[2:n_mels + 2] - mel_pts[:n_mels]))[:, None]
    return w.astype(np.float32)


def stft_magnitude(x: np.ndarray) -> np.ndarray:
    """|STFT| [T, n_fft//2+1], centred frames, reflect padding, Hann window."""
    pad = N_FFT // 2
    xp = np.pad(x.astype(np.float32), (pad, pad), mode="reflect")
    n = 1 + (len(xp) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(n)[:, None]
    win = np.hanning(WIN + 1)[:-1].astype(np.float32)       # periodic Hann
    return np.abs(np.fft.rfft(xp[idx] * win, axis=1)).astype(np.float32)


def log_mel(mag: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(mag @ mel_filterbank().T, 1e-5))


def f0_track(x: np.ndarray, n_frames: int, tracker: str = "dio") -> np.ndarray:
    if tracker == "pyin":
        import librosa
        # frames centred like the mel's, so there is one per mel frame; 2,048 samples hold
        # two periods at the floor. Unvoiced frames come back as NaN.
        f0, _, _ = librosa.pyin(x.astype(np.float32), fmin=F0_FLOOR, fmax=F0_CEIL, sr=SAMPLE_RATE,
                                frame_length=2048, hop_length=HOP, center=True)
        f0 = np.nan_to_num(f0, nan=0.0)
    elif tracker in ("harvest", "dio"):
        from training.corpus.pyworld_compat import pyworld
        xd = x.astype(np.float64)
        period_ms = 1000.0 * HOP / SAMPLE_RATE
        if tracker == "harvest":
            f0, _ = pyworld.harvest(xd, SAMPLE_RATE, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=period_ms)
        else:
            f0, t = pyworld.dio(xd, SAMPLE_RATE, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=period_ms)
            f0 = pyworld.stonemask(xd, f0, t, SAMPLE_RATE)
    else:
        raise ValueError(f"unknown F0 tracker {tracker!r}")
    if len(f0) < n_frames:
        f0 = np.pad(f0, (0, n_frames - len(f0)))
    return f0[:n_frames]


def frame_durations(dur_s: list[float], n_frames: int) -> np.ndarray:
    """Seconds per symbol -> mel frames per symbol, summing to n_frames."""
    bounds = np.rint(np.cumsum(dur_s) * SAMPLE_RATE / HOP).astype(np.int64)
    bounds = np.minimum(bounds, n_frames)
    bounds[-1] = n_frames
    bounds = np.maximum.accumulate(bounds)
    return np.diff(np.concatenate([[0], bounds])).astype(np.int16)


def feature_path(speaker: str, sid: str) -> Path:
    return FEATURES / speaker / f"{sid}.npz"


def stored_f0_tracker(path: Path) -> str:
    with np.load(path) as z:
        return str(z["f0_tracker"]) if "f0_tracker" in z.files else "dio"   # files from before the field


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
    os.utime(out, (mtime, mtime))      # still as fresh as before relative to its alignment


def is_current(speaker: str, sid: str) -> bool:
    out, al_p = feature_path(speaker, sid), align_path(speaker, sid)
    return out.exists() and out.stat().st_mtime >= al_p.stat().st_mtime


def extract_one(speaker: str, sid: str) -> dict:
    """Features for one aligned utterance; cached. -> a status dict."""
    out = feature_path(speaker, sid)
    al_p = align_path(speaker, sid)
    if not al_p.exists():
        return {"status": "not aligned"}
    if is_current(speaker, sid):       # newer than its alignment (which is newer than its audio)
        if not f0_tracker_matches(speaker, sid):
            retrack_f0(speaker, sid)
            return {"status": "f0 re-tracked"}
        return {"status": "cached"}
    al = json.loads(al_p.read_text())
    if not al.get("ok"):
        if out.exists():
            out.unlink()                 # an older alignment had succeeded
        return {"status": "dropped"}
    import soundfile as sf
    meta = json.loads((AUDIO / speaker / f"{sid}.json").read_text())
    x, sr = sf.read(str(AUDIO / speaker / f"{sid}.wav"), dtype="float32")
    assert sr == SAMPLE_RATE, f"{speaker}/{sid}: {sr} Hz"
    mag = stft_magnitude(x)
    T = mag.shape[0]
    mel = log_mel(mag)
    energy = np.log(np.linalg.norm(mag, axis=1) + 1e-5)
    tracker = f0_tracker_for(speaker)
    f0 = f0_track(x, T, tracker)
    dur = frame_durations(al["dur_s"], T)
    ids = np.array([fe.PHONE_TO_ID[s] for s in al["symbols"]], dtype=np.uint8)
    assert int(dur.sum()) == T and len(dur) == len(ids)
    _write_npz(out, mel=mel.astype(np.float16), f0=f0.astype(np.float16),
               voiced=(f0 > 0).astype(np.uint8), energy=energy.astype(np.float16),
               phone_ids=ids, durations=dur, speaker_id=np.int16(meta["speaker_id"]),
               f0_tracker=np.array(tracker))
    return {"status": "done"}


def _work(item):
    try:
        return item, extract_one(*item)
    except Exception as e:  # noqa: BLE001
        return item, {"status": "error", "error": f"{type(e).__name__}: {e}"}


def write_manifest() -> dict:
    """Manifest + stats from the feature files that exist (cheap to rebuild, always current)."""
    rows = []
    per_spk: dict[str, dict] = {}
    mel_sum = np.zeros(N_MELS)
    mel_sq = np.zeros(N_MELS)
    mel_n = 0
    for spk_dir in sorted(p for p in FEATURES.iterdir() if p.is_dir()) if FEATURES.exists() else []:
        for k, f in enumerate(sorted(spk_dir.glob("s*.npz"))):
            meta = json.loads((AUDIO / spk_dir.name / f"{f.stem}.json").read_text())
            with np.load(f) as z:
                f0 = z["f0"].astype(np.float64)
                T = int(z["mel"].shape[0])
                n = int(z["phone_ids"].shape[0])
                if k % 20 == 0:   # global mel statistics from a 5% sample
                    m = z["mel"].astype(np.float64)
                    mel_sum += m.sum(0)
                    mel_sq += (m ** 2).sum(0)
                    mel_n += m.shape[0]
            lf0 = np.log(f0[f0 > 0])
            row = {"id": f.stem, "speaker": spk_dir.name, "speaker_id": meta["speaker_id"],
                   "split": meta["split"], "path": str(f.relative_to(FEATURES)), "frames": T,
                   "symbols": n, "seconds": round(T * HOP / SAMPLE_RATE, 3), "text": meta["text"],
                   "frontend_version": meta.get("frontend_version"),
                   "lf0_sum": round(float(lf0.sum()), 4), "lf0_sq": round(float((lf0 ** 2).sum()), 4),
                   "n_voiced": int(lf0.size)}
            rows.append(row)
            s = per_spk.setdefault(spk_dir.name, {"utterances": 0, "seconds": 0.0, "lf0_sum": 0.0,
                                                  "lf0_sq": 0.0, "n_voiced": 0})
            s["utterances"] += 1
            s["seconds"] += row["seconds"]
            s["lf0_sum"] += row["lf0_sum"]
            s["lf0_sq"] += row["lf0_sq"]
            s["n_voiced"] += row["n_voiced"]
    FEATURES.mkdir(parents=True, exist_ok=True)
    tmp = MANIFEST.with_suffix(".tmp")
    with open(tmp, "w") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    tmp.replace(MANIFEST)
    stats = {"speakers": {}, "frame": {"sample_rate": SAMPLE_RATE, "hop": HOP, "n_fft": N_FFT,
                                       "win": WIN, "n_mels": N_MELS, "fmin": FMIN, "fmax": FMAX},
             "symbols": list(fe.SYMBOLS), "frontend_version": fe.FRONTEND_VERSION}
    for spk, s in per_spk.items():
        mu = s["lf0_sum"] / max(s["n_voiced"], 1)
        var = s["lf0_sq"] / max(s["n_voiced"], 1) - mu ** 2
        stats["speakers"][spk] = {"utterances": s["utterances"], "hours": round(s["seconds"] / 3600, 3),
                                  "lf0_mean": round(mu, 4), "lf0_std": round(float(np.sqrt(max(var, 0))), 4)}
    if mel_n:
        mu = mel_sum / mel_n
        stats["mel_mean"] = [round(float(v), 4) for v in mu]
        stats["mel_std"] = [round(float(v), 4) for v in np.sqrt(np.maximum(mel_sq / mel_n - mu ** 2, 0))]
    (FEATURES / "stats.json").write_text(json.dumps(stats, indent=1))
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--speakers", default="")
    ap.add_argument("--manifest-only", action="store_true")
    args = ap.parse_args(argv)
    from tqdm import tqdm
    if not args.manifest_only:
        items = generated_items(set(args.speakers.split(",")) if args.speakers else None)
        todo = [it for it in items if align_path(*it).exists() and not (
            is_current(*it) and f0_tracker_matches(*it))]
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
