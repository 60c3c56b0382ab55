"""Synthesize the corpus: every (speaker, sentence) assignment, at 22,050 Hz, loudness-normalized
and trimmed. Cached and resumable (a rerun skips existing files), deterministic assignments.

    nice -n 10 .venv/bin/python -m training.corpus.generate              # 1.5 h/speaker (default)
    nice -n 10 .venv/bin/python -m training.corpus.generate --hours 0.5  # a smaller first pass
    nice -n 10 .venv/bin/python -m training.corpus.generate --plan-only  # write the plan, no audio

Background run (what the corpus session does):
    nohup nice -n 10 .venv/bin/python -m training.corpus.generate > work-data/logs/generate.log 2>&1 &

Assignment: every speaker speaks ALL validation and test sentences; for training, each speaker
gets its own seeded permutation of the train sentences and takes from it until the estimated
audio reaches --hours (estimate: phones x the speaker's seconds per phone, measured once and
kept in SEC_PER_PHONE below). The plan depends only on the text and the seed, never on timing.
Put first in the speakers' lists: the ~110 diphone-fill sentences (every speaker) and a greedy
set of "coverage sentences" that together hold every diphone of the train text, dealt out
round-robin over the speakers, so the union of what they say covers the diphones.
Jobs run in plan order: validation/test first, then the train lists interleaved across speakers,
so a partial run gives every speaker a similar amount.

Sample rate 22,050 Hz: the teachers are 16 kHz (flite, Pico), 22.05 kHz (Piper) and 24 kHz
(RHVoice). 22.05 kHz keeps all of the 24 kHz voices' useful band below 11 kHz (HTS voices have
little energy near 12 kHz), matches Piper exactly, and costs the model (and the vocoder) half
what 44.1 kHz would; 24 kHz would only add 0.95 kHz of band that five of eight voices lack.
Resampling: scipy.signal.resample_poly (polyphase, Kaiser-windowed FIR), e.g. 24000 -> 22050 is
up 147 / down 160.

Per file: native wav -> float -> resample -> trim -> loudness-normalize -> PCM16 wav.
- trim: 10 ms frames; a frame is speech when its RMS is within 40 dB of the loudest frame;
  cut to the first/last speech frame and keep a fixed 50 ms margin each side.
- loudness: RMS over the speech frames set to -20 dBFS (peak limited to -1 dBFS by lowering
  the gain if needed; the gain is recorded).
A file is reused when it exists and its .json records the same spoken text as the current
front end gives; otherwise it is made again.
Outputs under work-data/corpus/: plan.jsonl, audio/<speaker>/<sentence id>.wav and .json (the
trim, gain, spoken text and, for joe, Piper's own phone timings).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from math import gcd
from pathlib import Path

import numpy as np

from training.corpus import frontend_adapter as fe
from training.corpus.text import SENTENCES, load_sentences
from training.teachers.voices import TEACHER_SETS, VOICES, TeacherVoice, voice_by_name

SAMPLE_RATE = 22050
CORPUS = Path("work-data/corpus")
AUDIO = CORPUS / "audio"
PLAN = CORPUS / "plan.jsonl"  # the classic teachers' plan; see plan_path()
KOKORO_RATE = 24000  # the Kokoro voices' corpus rate (docs/corpus.md)

# Seconds of trimmed audio per phone (incl. word-boundary pauses), measured on 50 validation sentences per
# voice (see docs/corpus.md). Used only to plan how many sentences make --hours.
SEC_PER_PHONE = {
    "bdl": 0.0607,
    "slt": 0.0635,
    "clb": 0.0695,
    "alan": 0.0661,
    "rms": 0.0703,
    "joe": 0.0577,
    "pico_us": 0.0633,
    "pico_gb": 0.0619,
}
SEC_FIXED = 0.25  # per utterance: the two 50 ms margins and the final fall
# The Kokoro voices, measured on 10 validation sentences each (docs/corpus.md); a voice not
# measured yet plans with SEC_PER_PHONE_KOKORO. Kokoro reads more slowly than the classic voices.
SEC_PER_PHONE.update(
    {
        "heart": 0.0743,
        "bella": 0.0778,
        "sarah": 0.0816,
        "fenrir": 0.0731,
        "michael": 0.0832,
        "eric": 0.0756,
        "emma": 0.0808,
        "isabella": 0.0835,
        "george": 0.0940,
        "fable": 0.0879,
    }
)
SEC_PER_PHONE_KOKORO = 0.080


@dataclass
class GenerateConfig:
    hours: float = 2.0  # training audio per speaker (estimated when planning); the bundled
    # model learned from 2.0 (16 h over 8 voices): 1.5 makes a 12 h corpus, a subset of it
    seed: int = 1234  # per-speaker permutations use seed * 1000 + speaker_id
    workers: int = 2  # process pool (both cores); every worker runs at nice +10
    top_db: float = 40.0  # trim: speech frames are within this of the loudest frame
    margin_s: float = 0.05  # trim: silence kept at each end
    target_dbfs: float = -20.0  # loudness: RMS over speech frames
    peak_dbfs: float = -1.0  # loudness: peak ceiling
    speakers: str = ""  # comma-separated names; empty: all
    teachers: str = "classic"  # which teacher set (voices.TEACHER_SETS): classic | kokoro
    eval_head: int = 0  # >0: only the first N test and N valid sentences come first;
    # the rest of the evaluation sentences are spread through the train jobs, so a partial run
    # of a slow teacher has train audio early (0: all evaluation sentences first)


def plan_path(teachers: str) -> Path:
    return PLAN if teachers == "classic" else CORPUS / f"plan-{teachers}.jsonl"


def corpus_rate(voice: TeacherVoice) -> int:
    """The rate a voice's corpus audio is written at: Kokoro's own 24 kHz, else 22,050 Hz."""
    return KOKORO_RATE if voice.engine == "kokoro" else SAMPLE_RATE


def sec_per_phone(voice: TeacherVoice) -> float:
    return SEC_PER_PHONE.get(voice.name, SEC_PER_PHONE_KOKORO if voice.engine == "kokoro" else 0.08)


# --------------------------------------------------------------------------------------------
# Plan


def make_plan(rows: list[dict], cfg: GenerateConfig, voices=VOICES) -> list[dict]:
    # sentences that the current front end cannot read (it changes while it is being written)
    # are left out of the plan
    n_phones = {}
    for r in rows:
        u = fe.utterance(r["text"])
        if u is not None:
            n_phones[r["id"]] = sum(len(p) for p in u.word_phones) + len(u.words)
    rows = [r for r in rows if r["id"] in n_phones]
    evals = sorted((r for r in rows if r["split"] in ("valid", "test")), key=lambda r: r["id"])
    train = sorted((r for r in rows if r["split"] == "train"), key=lambda r: r["id"])
    cover = coverage_sentences(train, cfg.seed)
    per_spk: dict[str, list[dict]] = {}
    for v in voices:
        rng = random.Random(cfg.seed * 1000 + v.speaker_id)
        order = list(range(len(train)))
        rng.shuffle(order)
        # first: the diphone-fill sentences (every speaker) and this speaker's share of the
        # coverage sentences; then the speaker's own random order
        mine = {i for k, i in enumerate(cover) if k % len(voices) == v.speaker_id % len(voices)}
        order.sort(key=lambda i: (train[i]["source"] != "generated/diphone-fill", i not in mine))
        total, picks = 0.0, []
        spp = sec_per_phone(v)
        for i in order:
            if total >= cfg.hours * 3600:
                break
            r = train[i]
            total += n_phones[r["id"]] * spp + SEC_FIXED
            picks.append(r)
        per_spk[v.name] = picks
    head, rest = evals, []
    if cfg.eval_head > 0:
        rank = {}
        for split in ("test", "valid"):
            for k, r in enumerate(r for r in evals if r["split"] == split):
                rank[r["id"]] = k
        head = [r for r in evals if rank[r["id"]] < cfg.eval_head]
        rest = [r for r in evals if rank[r["id"]] >= cfg.eval_head]

    def every_voice(r):
        return [{"speaker": v.name, "id": r["id"], "split": r["split"]} for v in voices]

    plan = [job for r in head for job in every_voice(r)]
    longest = max((len(p) for p in per_spk.values()), default=0)
    step = -(-longest // len(rest)) if rest else 0  # train rounds per spread eval sentence
    for k in range(longest):
        for v in voices:
            if k < len(per_spk[v.name]):
                plan.append({"speaker": v.name, "id": per_spk[v.name][k]["id"], "split": "train"})
        if rest and (k + 1) % step == 0:
            plan.extend(every_voice(rest.pop(0)))
    for r in rest:
        plan.extend(every_voice(r))
    return plan


def coverage_sentences(train: list[dict], seed: int) -> list[int]:
    """Indexes of train sentences that together hold every word-internal diphone (stress
    removed) that the train text has: greedy, in a seeded order, each pick adding a diphone not
    yet held. Spread over the speakers, they make the union of what the speakers say cover the
    diphones even though each speaker says only a random subset."""
    rng = random.Random(seed + 99)
    order = list(range(len(train)))
    rng.shuffle(order)
    held: set = set()
    picks = []
    for i in order:
        u = fe.utterance(train[i]["text"])
        if u is None:
            continue
        ds = set()
        for wp in u.word_phones:
            b = [p.rstrip("012") for p in wp]
            ds.update(zip(b, b[1:]))
        if ds - held:
            held |= ds
            picks.append(i)
    # keep only the picks that still add something rare: most early picks are common
    # sentences; re-check in reverse and drop those whose diphones are held by others
    counts: dict = {}
    sets = {}
    for i in picks:
        u = fe.utterance(train[i]["text"])
        ds = set()
        for wp in u.word_phones:
            b = [p.rstrip("012") for p in wp]
            ds.update(zip(b, b[1:]))
        sets[i] = ds
        for d in ds:
            counts[d] = counts.get(d, 0) + 1
    kept = []
    for i in reversed(picks):
        if all(counts[d] > 1 for d in sets[i]):
            for d in sets[i]:
                counts[d] -= 1
        else:
            kept.append(i)
    return sorted(kept)


# --------------------------------------------------------------------------------------------
# Audio processing


def resample(x: np.ndarray, sr: int, target: int = SAMPLE_RATE) -> np.ndarray:
    if sr == target:
        return x
    from scipy.signal import resample_poly

    g = gcd(sr, target)
    return resample_poly(x, target // g, sr // g).astype(np.float32)


def speech_frames(x: np.ndarray, sr: int, cfg: GenerateConfig):
    """-> (10 ms frames as float64 [n, hop], which of them are speech, hop): a frame is speech
    when its RMS lies within cfg.top_db of the loudest frame's."""
    hop = int(0.01 * sr)
    n = len(x) // hop
    if n < 3:
        raise ValueError("audio too short")
    frames = x[: n * hop].reshape(n, hop).astype(np.float64)
    db = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1) + 1e-12))
    return frames, db > db.max() - cfg.top_db, hop


def loudness_gain_db(speech: np.ndarray, peak: float, cfg: GenerateConfig) -> float:
    """The gain that sets the RMS of the speech samples to cfg.target_dbfs, lowered if it would
    lift the peak above cfg.peak_dbfs."""
    gain_db = cfg.target_dbfs - 20 * np.log10(np.sqrt(np.mean(speech**2)) + 1e-12)
    ceiling = 10 ** (cfg.peak_dbfs / 20)
    if peak * 10 ** (gain_db / 20) > ceiling:
        gain_db -= 20 * np.log10(peak * 10 ** (gain_db / 20) / ceiling)
    return float(gain_db)


def trim_and_normalize(x: np.ndarray, sr: int, cfg: GenerateConfig):
    """-> (audio, info) with info = trim start/end (s, in the resampled input) and gain (dB)."""
    frames, speech, hop = speech_frames(x, sr, cfg)
    idx = np.flatnonzero(speech)
    margin = int(cfg.margin_s * sr)
    start = max(0, idx[0] * hop - margin)
    end = min(len(x), (idx[-1] + 1) * hop + margin)
    y = x[start:end].astype(np.float64)
    pad_l = margin - (idx[0] * hop - start)  # keep the margin fixed even at the file edge
    pad_r = margin - (end - (idx[-1] + 1) * hop)
    y = np.concatenate([np.zeros(max(pad_l, 0)), y, np.zeros(max(pad_r, 0))])
    gain_db = loudness_gain_db(frames[speech], float(np.max(np.abs(y))), cfg)
    y = y * 10 ** (gain_db / 20)
    info = {"trim_start_s": (start - max(pad_l, 0)) / sr, "trim_end_s": end / sr, "gain_db": round(float(gain_db), 3)}
    return y.astype(np.float32), info


def out_paths(speaker: str, sid: str) -> tuple[Path, Path]:
    d = AUDIO / speaker
    return d / f"{sid}.wav", d / f"{sid}.json"


def _atomic_write_wav(path: Path, audio: np.ndarray, sr: int) -> None:
    import soundfile as sf

    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=path.parent)
    os.close(fd)
    sf.write(tmp, audio, sr, subtype="PCM_16", format="WAV")
    os.replace(tmp, path)


def _atomic_write_json(path: Path, obj) -> None:
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def process_one(job: dict, text: str, cfg: GenerateConfig) -> dict:
    """Synthesize, resample, trim, normalize and write one utterance. Idempotent."""
    import soundfile as sf

    from training.teachers.voices import synthesize_with_info

    voice = voice_by_name(job["speaker"])
    wav, meta = out_paths(voice.name, job["id"])
    u = fe.utterance(text)
    if u is None:
        return {"status": "no-frontend"}
    if voice.engine == "kokoro":
        return process_kokoro(job, voice, u, cfg)
    if wav.exists() and meta.exists():
        with open(meta) as f:
            old = json.load(f)
        if old.get("spoken") == u.spoken:  # made from the same spoken text: keep it
            return {"status": "cached"}
    wav.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gen-", dir=wav.parent) as td:
        native = Path(td) / "native.wav"
        _, engine_info = synthesize_with_info(voice, u.spoken, native)
        x, sr = sf.read(str(native), dtype="float32", always_2d=True)
    x = x[:, 0]
    native_dur = len(x) / sr
    y, info = trim_and_normalize(resample(x, sr), SAMPLE_RATE, cfg)
    return store_utterance(job, voice, u, y, SAMPLE_RATE, sr, native_dur, {**info, **(engine_info or {})})


def store_utterance(
    job: dict, voice: TeacherVoice, u, y: np.ndarray, sr: int, native_rate: int, native_duration_s: float, extra: dict
) -> dict:
    """Write one finished utterance: its audio, then its record (the .json, written last,
    marks the pair complete). -> the status for the driver."""
    wav, meta = out_paths(voice.name, job["id"])
    _atomic_write_wav(wav, y, sr)
    rec = {
        "id": job["id"],
        "speaker": voice.name,
        "speaker_id": voice.speaker_id,
        "split": job["split"],
        "text": u.text,
        "spoken": u.spoken,
        "frontend": fe.FRONTEND_NAME,
        "frontend_version": fe.FRONTEND_VERSION,
        "native_rate": native_rate,
        "native_duration_s": round(native_duration_s, 4),
        "duration_s": round(len(y) / sr, 4),
        **extra,
    }
    _atomic_write_json(meta, rec)
    return {"status": "done", "duration_s": rec["duration_s"]}


_KOKORO = {}


def kokoro_teacher():
    """One Kokoro session per worker process, one onnxruntime thread (two workers, two cores)."""
    if "teacher" not in _KOKORO:
        from training.teachers.kokoro import KokoroTeacher

        _KOKORO["teacher"] = KokoroTeacher(threads=1)
    return _KOKORO["teacher"]


def trim_kokoro(x: np.ndarray, durations: np.ndarray, sr: int, cfg: GenerateConfig):
    """Trim a Kokoro utterance inside its leading and trailing silence only (what the <bos> and
    <eos> durations hold), keeping up to cfg.margin_s of it, and shorten those two durations to
    match, so the durations still sum to the audio's length. -> (audio, durations, info)."""
    _, speech_mask, hop = speech_frames(x, sr, cfg)
    speech = np.flatnonzero(speech_mask)
    margin = int(cfg.margin_s * sr)
    lead, tail = int(durations[0]), int(durations[-1])
    start = min(max(0, speech[0] * hop - margin), lead)
    end = max(min(len(x), (speech[-1] + 1) * hop + margin), len(x) - tail)
    d = durations.copy()
    d[0] -= start
    d[-1] -= len(x) - end
    return x[start:end], d, {"trim_start_s": start / sr, "trim_end_s": end / sr}


def process_kokoro(job: dict, voice: TeacherVoice, u, cfg: GenerateConfig) -> dict:
    """Kokoro reads our symbols; its own per-token durations become the alignment (samples per
    symbol of u.symbols, summing to the file's length). Written at 24 kHz, no resampling."""

    from training.teachers.kokoro import kokoro_tokens

    wav, meta = out_paths(voice.name, job["id"])
    phonemes = kokoro_tokens(u.symbols, voice.accent).phonemes
    if wav.exists() and meta.exists():
        with open(meta) as f:
            if json.load(f).get("kokoro_phonemes") == phonemes:  # same phones: keep it
                return {"status": "cached"}
    wav.parent.mkdir(parents=True, exist_ok=True)
    audio, durations = kokoro_teacher().synthesize(u.symbols, voice.voice, voice.accent)
    sr = KOKORO_RATE
    y, d, info = trim_kokoro(audio, durations, sr, cfg)
    frames, speech, _ = speech_frames(y, sr, cfg)
    gain_db = loudness_gain_db(frames[speech], float(np.max(np.abs(y))), cfg)
    y = (y * 10 ** (gain_db / 20)).astype(np.float32)
    extra = {
        **info,
        "gain_db": round(gain_db, 3),
        "kokoro_voice": voice.voice,
        "kokoro_phonemes": phonemes,
        "symbols": list(u.symbols),
        "symbol_samples": [int(v) for v in d],
    }
    return store_utterance(job, voice, u, y, sr, sr, len(audio) / sr, extra)


# --------------------------------------------------------------------------------------------
# Driver

_TEXTS: dict[str, str] = {}
_CFG: GenerateConfig | None = None


def _init_worker(texts, cfg):
    global _TEXTS, _CFG
    try:
        os.nice(10 - os.nice(0) if os.nice(0) < 10 else 0)
    except OSError:
        pass
    _TEXTS, _CFG = texts, cfg


def _work(job):
    try:
        return job, process_one(job, _TEXTS[job["id"]], _CFG)
    except Exception as e:  # noqa: BLE001 - count and go on; a rerun retries it
        return job, {"status": "error", "error": f"{type(e).__name__}: {e}"}


def load_or_make_plan(cfg: GenerateConfig, rows: list[dict]) -> list[dict]:
    voices = TEACHER_SETS[cfg.teachers]
    key = {
        "plan_version": 2,
        "hours": cfg.hours,
        "seed": cfg.seed,
        "sentences": SENTENCES.stat().st_size,
        "sec_per_phone": {v.name: sec_per_phone(v) for v in voices},
        "voices": [v.name for v in voices],
    }
    if cfg.eval_head:
        key["eval_head"] = cfg.eval_head
    path = plan_path(cfg.teachers)
    if path.exists():
        with open(path) as f:
            head = json.loads(f.readline())
            if head.get("plan_key") == key:
                return [json.loads(line) for line in f]
    plan = make_plan(rows, cfg, voices)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        f.write(json.dumps({"plan_key": key}) + "\n")
        for j in plan:
            f.write(json.dumps(j) + "\n")
    tmp.replace(path)
    return plan


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hours", type=float, default=GenerateConfig.hours)
    ap.add_argument("--seed", type=int, default=GenerateConfig.seed)
    ap.add_argument("--workers", type=int, default=GenerateConfig.workers)
    ap.add_argument("--speakers", default="", help="comma-separated speaker names (default all)")
    ap.add_argument(
        "--teachers",
        choices=sorted(TEACHER_SETS),
        default=GenerateConfig.teachers,
        help="the teacher set: the classic eight voices or the Kokoro voices",
    )
    ap.add_argument(
        "--eval-head",
        type=int,
        default=None,
        help="evaluation sentences per split that come first (default: all for "
        "classic, 40 for kokoro; the rest are spread through the train jobs)",
    )
    ap.add_argument("--limit", type=int, default=0, help="stop after this many plan entries")
    ap.add_argument("--plan-only", action="store_true")
    args = ap.parse_args(argv)
    eval_head = args.eval_head if args.eval_head is not None else (40 if args.teachers == "kokoro" else 0)
    cfg = GenerateConfig(
        hours=args.hours,
        seed=args.seed,
        workers=args.workers,
        speakers=args.speakers,
        teachers=args.teachers,
        eval_head=eval_head,
    )
    from tqdm import tqdm

    rows = load_sentences()
    texts = {r["id"]: r["text"] for r in rows}
    plan = load_or_make_plan(cfg, rows)
    print(f"plan: {len(plan)} utterances ({plan_path(cfg.teachers)})", file=sys.stderr)
    if args.plan_only:
        return 0
    if cfg.speakers:
        keep = set(cfg.speakers.split(","))
        plan = [j for j in plan if j["speaker"] in keep]
    if args.limit:
        plan = plan[: args.limit]
    todo = plan  # the workers skip what exists (and was made from the same spoken text)
    print(f"to do: {len(todo)} (existing files are checked and skipped)", file=sys.stderr)
    counts = {"done": 0, "error": 0, "no-frontend": 0, "cached": 0}
    audio_s = 0.0
    t0 = time.time()
    errlog = Path("work-data/logs/generate-errors.log")
    errlog.parent.mkdir(parents=True, exist_ok=True)
    if cfg.workers <= 1:
        _init_worker(texts, cfg)
        it = map(_work, todo)
        pool = None
    else:
        import multiprocessing as mp

        pool = mp.get_context("fork").Pool(cfg.workers, initializer=_init_worker, initargs=(texts, cfg))
        it = pool.imap(_work, todo, chunksize=4)
    bar = tqdm(it, total=len(todo), unit="utt", mininterval=5, file=sys.stderr)
    with open(errlog, "a") as elog:
        for job, res in bar:
            counts[res["status"]] = counts.get(res["status"], 0) + 1
            audio_s += res.get("duration_s", 0.0)
            if res["status"] == "error":
                elog.write(json.dumps({**job, **res}) + "\n")
            el = time.time() - t0
            bar.set_postfix(
                audio_h=f"{audio_s / 3600:.2f}",
                xrt=f"{audio_s / max(el, 1e-9):.1f}",
                err=counts["error"],
                refresh=False,
            )
    if pool is not None:
        pool.close()
        pool.join()
    el = time.time() - t0
    print(
        f"finished: {counts}; {audio_s / 3600:.2f} h of audio in {el / 60:.1f} min "
        f"({audio_s / max(el, 1e-9):.1f}x real time)",
        file=sys.stderr,
    )
    return 0 if counts["error"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
