"""Evaluate a packed model with the ENGINE against its teachers, per voice.

    nice .venv/bin/python -m training.evaluate --model resources/bittts-en.bttm [--per-voice 60] [--voices joe,bdl]
    nice .venv/bin/python -m training.evaluate --model work-data/cand/kokoro.bttm --per-voice 100 \
        [--speeds 0.5,2,3,4.5] [--speed-per-voice 20]

The model's voices (``speakers.name`` in its metadata) are matched to the corpus that holds all
of them (``training.data.CORPORA``: the first model's 8 voices at 22,050 Hz, hop 256, or the 10
Kokoro voices at 24 kHz, hop 300); a model whose rate or hop is not its corpus's is refused. The
test sentences are that corpus's features manifest's test rows (the Kokoro corpus:
work-data/corpus/features-24k/manifest.jsonl), each voice's first ``--per-voice`` by id: the
manifest, not the audio's .json, because the teacher-forced measures need the features (run
``training.corpus.features --teachers kokoro`` after generating). For those sentences, per voice:
- Whisper-base word error rate of our audio and of the teacher's audio (same sentences);
- DNSMOS OVRL and SIG (speechmos) of both, and Distill-MOS (training/distill_mos.py) of both;
- mel-cepstral distortion (dB) and F0 RMSE (cents, frames voiced in both) of ours against the
  teacher, with the teacher's phone durations forced so frames line up, on the corpus's frame
  layout (our F0: with the DDSP vocoder the one the synthesizer renders, the acoustic model's;
  with Vocos, which renders no F0 of its own, our audio's tracked by the corpus's tracker for
  that voice; the teacher's is the corpus's track);
- the 4-8 kHz energy share of ours relative to the teacher's (below 1: muffled);
- the engine's real-time factor.
Then the issue-30 gates (``gate_verdicts``: mean Distill-MOS >= 4.0, no voice below 3.8, each
voice at most 0.5 below its teacher's Distill-MOS, WER at most the teacher's + 1.5 points), and
with ``--speeds`` (default 0.5,2,3,4.5; "" skips) our WER and Distill-MOS at each engine speed
(``SynthesisConfig.speed``) on each voice's first ``--speed-per-voice`` test sentences, with the
same sentences at 1x from the main run beside them.

Audio is kept in work-data/eval/<tag>/ (<voice>/<id>.wav, <voice>/x<speed>/<id>.wav); results
go to work-data/eval/<tag>/results.json (what Whisper heard in our audio to transcripts.jsonl
and speed_transcripts.jsonl, for reading the errors) and a table is printed. The teachers' side
is the same for every model and cached in work-data/eval/ (teacher_cache.json: errors, DNSMOS,
transcript; teacher_distill_mos.json), keyed "voice/id" (voice names are unique across the
corpora). ``--rescore`` scores the stored transcripts again (after a change to the scoring's
text normalization) without synthesizing or transcribing anything. Needs the training extras
plus the evaluation extra: faster-whisper, speechmos, distillmos (and librosa).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.corpus.features import CLASSIC_LAYOUT, FrameLayout, f0_track, f0_tracker_for, log_mel, stft_magnitude
from training.corpus.teacher_wer import assemble_model, canonical_words, edit_distance, norm_words
from training.data import CORPORA, CORPUS, MANIFEST, Corpus, select_rows

EVAL = Path("work-data/eval")
MCD_COEFFS = 24  # mel-cepstral coefficients 1..24 (c0, the energy, excluded)
DEFAULT_SPEEDS = "0.5,2,3,4.5"  # the extremes of the engine's speed range; screen readers use 4x and more

# The issue-30 gates on Distill-MOS and WER (``gate_verdicts``), for the shipped voices.
GATE_MEAN_MOS = 4.0  # mean Distill-MOS over the voices at least this
GATE_MIN_MOS = 3.8  # no voice below this
GATE_MOS_BELOW_TEACHER = 0.5  # a voice at most this far below its own teacher's Distill-MOS
GATE_WER_ABOVE_TEACHER = 0.015  # a voice's WER at most its teacher's + 1.5 points
_SLACK = 1e-9  # WERs are ratios of word counts: 0.115 - 0.1 must count as 1.5 points


def mel_cepstrum(wave: np.ndarray, layout: FrameLayout = CLASSIC_LAYOUT) -> np.ndarray:
    """[frames, 1 + MCD_COEFFS] mel-cepstra in SPTK's convention, from the corpus's 80-band
    natural-log amplitude mel spectrum on ``layout``: log|H(w~)| = c0 + sum_m c_m cos(m w~), w~ on
    the mel scale, so that MCD comes out on the usual dB scale (a cosine series, not an orthonormal
    DCT, whose coefficients are sqrt(bands / 2) times larger)."""
    return cepstrum_of_log_mel(log_mel(stft_magnitude(wave, layout), layout))


def cepstrum_of_log_mel(lm: np.ndarray) -> np.ndarray:
    """[frames, bands] natural-log mel amplitudes -> [frames, 1 + MCD_COEFFS] cosine-series coefficients."""
    bands = lm.shape[1]
    m = np.arange(MCD_COEFFS + 1)[:, None]
    w = np.pi * (np.arange(bands)[None, :] + 0.5) / bands
    basis = np.cos(m * w) * np.where(m == 0, 1.0, 2.0) / bands
    return lm @ basis.T


def mcd_db(ours: np.ndarray, theirs: np.ndarray, layout: FrameLayout = CLASSIC_LAYOUT) -> float:
    """Mel-cepstral distortion (dB), coefficients 1..24 (c0, the energy, excluded), frame by frame
    on ``layout`` (the corpus's: its rate, hop and bands)."""
    a, b = mel_cepstrum(ours, layout), mel_cepstrum(theirs, layout)
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


def corpus_for(voice_names) -> Corpus | None:
    """The corpus (``training.data.CORPORA``) whose voices include every one of ``voice_names``,
    or None."""
    names = set(voice_names)
    return next((c for c in CORPORA.values() if names <= {v.name for v in c.voices}), None)


def model_corpus(synth, model_path) -> Corpus:
    """The corpus a model learned from, by its voice names; refused where the model's rate or hop
    is not the corpus's (its audio and frames could not be compared with the teacher's)."""
    corpus = corpus_for(synth.voice_names)
    if corpus is None:
        raise SystemExit(f"{model_path}: no corpus holds all of its voices {', '.join(synth.voice_names)}")
    lay = corpus.layout
    if (synth.sample_rate, synth.model.hop) != (lay.sample_rate, lay.hop):
        raise SystemExit(
            f"{model_path}: {synth.sample_rate} Hz, hop {synth.model.hop}, but its voices' corpus "
            f"{corpus.name!r} is {lay.sample_rate} Hz, hop {lay.hop}"
        )
    return corpus


def test_sentences(voice: str, count: int, corpus: Corpus | None = None) -> list[dict]:
    """The first ``count`` held-out test rows, by id, of ``voice`` in the features manifest of its
    corpus (``corpus``, or the one that holds the voice)."""
    corpus = corpus or corpus_for([voice])
    if corpus is None:
        raise SystemExit(f"no corpus holds the voice {voice!r}")
    # the first corpus's manifest by this module's name for it, which tests point elsewhere
    manifest = MANIFEST if corpus.name == "classic" else corpus.manifest
    return select_rows("test", manifest, speakers={voice})[:count]


def feature_file(corpus: Corpus, row: dict) -> Path:
    """A manifest row's features (its path is relative to the manifest's folder, or absolute)."""
    return corpus.manifest.parent / row["path"]


def teacher_audio(corpus: Corpus, voice: str, sid: str) -> Path:
    """The teacher's audio of one utterance: ``audio/<voice>/<id>.wav`` beside the features' folder."""
    return corpus.manifest.parent.parent / "audio" / voice / f"{sid}.wav"


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


def our_f0(model, forced, forced_audio: np.ndarray, voice: str, layout: FrameLayout) -> np.ndarray:
    """Our F0 frame by frame (0 where unvoiced): the DDSP vocoder's is the rendered one
    (``rendered_f0``); a Vocos vocoder makes its pitch from the mel alone, so its audio's is
    tracked, by the tracker that tracked the teacher's for the corpus."""
    if model.vocoder.kind == "ddsp":
        return rendered_f0(forced)
    return f0_track(forced_audio, len(forced.mel), f0_tracker_for(voice), layout)


def teacher_forced(model, speaker: np.ndarray, feats):
    """The engine acoustic model's (a BitTTSModel's) output for a corpus utterance, with the
    teacher's phones and durations forced (so that its frames line up with the teacher's)."""
    return model.acoustic(feats["phone_ids"].astype(np.int64), speaker, durations=feats["durations"].astype(np.int64))


def f0_rmse_by_voice(synth, per_voice: int) -> dict[str, float]:
    """Mean F0 RMSE (cents) per voice of our F0 (``our_f0``) against the teacher's, with the
    teacher's durations forced (the acoustic model alone with the DDSP vocoder: fast)."""
    corpus = model_corpus(synth, "the model")
    out = {}
    for voice in synth.voices:
        speaker = synth.speaker_vector(voice.name)
        errors = []
        for r in test_sentences(voice.name, per_voice, corpus):
            feats = np.load(feature_file(corpus, r))
            forced = teacher_forced(synth.model, speaker, feats)
            audio = np.zeros(0) if synth.model.vocoder.kind == "ddsp" else synth.model.vocode(*forced_frames(forced))
            errors.append(f0_rmse_cents(our_f0(synth.model, forced, audio, voice.name, corpus.layout), feats["f0"]))
        if errors:
            out[voice.name] = float(np.nanmean(errors))
    return out


def forced_frames(forced) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the vocoder reads of an acoustic output: mel, F0, voicing."""
    return forced.mel, forced.f0, forced.voiced


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


@dataclass(frozen=True)
class Scorers:
    """What judges the audio: a transcriber (wav path -> text), DNSMOS (wave, rate -> OVRL, SIG)
    and Distill-MOS (wave, rate -> MOS). ``real_scorers`` loads the real ones; tests pass fakes."""

    transcribe: Callable[[Path], str]
    dnsmos: Callable[[np.ndarray, int], tuple[float, float]]
    distill_mos: Callable[[np.ndarray, int], float]


def real_scorers(threads: int) -> Scorers:
    """Whisper base, DNSMOS and Distill-MOS, loaded now (a missing package fails before any audio)."""
    from training.distill_mos import distill_mos

    distill_mos(np.zeros(16000, np.float32), 16000)  # loads the predictor
    return Scorers(whisper_transcriber(threads), dnsmos, distill_mos)


def teacher_heard(key: str, teacher_cache: dict) -> list[str] | None:
    """What Whisper heard in the teacher's audio of ``key`` ("voice/id"), as scoring words: from
    the cache (entries since the cache kept transcripts), else from the corpus's teacher-WER
    records (training/corpus/teacher_wer.py), else None."""
    entry = teacher_cache.get(key)
    if entry is not None and len(entry) > 3:
        return canonical_words(entry[3].split())
    voice, sid = key.split("/", 1)
    records = _corpus_wer_records(voice)
    return canonical_words(records[sid]["hyp"].split()) if sid in records else None


def teacher_distill_mos(key: str, mos_cache: dict) -> float | None:
    """The teacher's Distill-MOS of ``key`` ("voice/id"): from the cache, else from the corpus's
    teacher-WER records (which score it on the same audio), else None."""
    if key in mos_cache:
        return mos_cache[key]
    voice, sid = key.split("/", 1)
    return _corpus_wer_records(voice).get(sid, {}).get("dmos")


@functools.cache
def _corpus_wer_records(voice: str) -> dict[str, dict]:
    """id -> the corpus's teacher-WER record (its "hyp", and "dmos" where scored) of ``voice``."""
    path = CORPUS / "wer" / f"{voice}.jsonl"
    if not path.exists():
        return {}
    return {r["id"]: r for r in map(json.loads, path.read_text().splitlines()) if "hyp" in r}


class TeacherCache:
    """The teachers' side of the evaluation, the same for every model: per "voice/id", the list
    [errors, DNSMOS OVRL, DNSMOS SIG, transcript] in ``root``/teacher_cache.json (the first
    model's format, kept) and the Distill-MOS in ``root``/teacher_distill_mos.json."""

    def __init__(self, root: Path):
        self.path, self.mos_path = root / "teacher_cache.json", root / "teacher_distill_mos.json"
        self.entries = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.mos = json.loads(self.mos_path.read_text()) if self.mos_path.exists() else {}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.entries))
        self.mos_path.write_text(json.dumps(self.mos))

    def scores(self, key: str, text: str, wav: Path, scorers: Scorers) -> tuple[int, float, float, float]:
        """(word errors, DNSMOS OVRL, SIG, Distill-MOS) of the teacher's audio of ``key`` reading
        ``text``, scored now where the cache lacks them."""
        import soundfile as sf

        ref = norm_words(text)
        wave, sr = None, 0
        if key not in self.entries:
            wave, sr = sf.read(wav, dtype="float32")
            heard = norm_words(scorers.transcribe(wav))
            self.entries[key] = [edit_distance(ref, heard), *scorers.dnsmos(wave, sr), " ".join(heard)]
        errors, ovrl, sig = self.entries[key][:3]
        heard_words = teacher_heard(key, self.entries)
        if heard_words is not None:  # scored again: the scoring may have changed since
            errors = edit_distance(ref, heard_words)
        mos = teacher_distill_mos(key, self.mos)
        if mos is None:
            if wave is None:
                wave, sr = sf.read(wav, dtype="float32")
            mos = scorers.distill_mos(wave, sr)
        self.mos[key] = mos
        return errors, ovrl, sig, mos


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


def gate_verdicts(voices: dict) -> dict | None:
    """The issue-30 gates on a results.json's "voices" (entries named "_..." are summaries, left
    out), or None where Distill-MOS was not measured:
    - "mean_distill_mos": the mean over the voices >= GATE_MEAN_MOS;
    - "min_distill_mos": the lowest voice (named) >= GATE_MIN_MOS;
    - per voice, "distill_mos_vs_teacher": ours - the teacher's >= -GATE_MOS_BELOW_TEACHER (above
      the teacher passes), and "wer_vs_teacher": ours - the teacher's <= GATE_WER_ABOVE_TEACHER;
    - "pass": every one of them."""
    rows = {k: v for k, v in voices.items() if not k.startswith("_")}
    if not rows or not all("distill_mos" in r and "teacher_distill_mos" in r for r in rows.values()):
        return None
    moses = {k: r["distill_mos"] for k, r in rows.items()}
    worst = min(moses, key=moses.__getitem__)
    mean = float(np.mean(list(moses.values())))
    out: dict = {
        "mean_distill_mos": {"value": mean, "limit": GATE_MEAN_MOS, "pass": mean >= GATE_MEAN_MOS - _SLACK},
        "min_distill_mos": {
            "value": moses[worst],
            "voice": worst,
            "limit": GATE_MIN_MOS,
            "pass": moses[worst] >= GATE_MIN_MOS - _SLACK,
        },
        "voices": {},
    }
    for name, r in rows.items():
        mos_gap = r["distill_mos"] - r["teacher_distill_mos"]
        wer_gap = r["wer"] - r["teacher_wer"]
        out["voices"][name] = {
            "distill_mos_vs_teacher": {
                "value": mos_gap,
                "limit": -GATE_MOS_BELOW_TEACHER,
                "pass": mos_gap >= -GATE_MOS_BELOW_TEACHER - _SLACK,
            },
            "wer_vs_teacher": {
                "value": wer_gap,
                "limit": GATE_WER_ABOVE_TEACHER,
                "pass": wer_gap <= GATE_WER_ABOVE_TEACHER + _SLACK,
            },
        }
    out["pass"] = (
        out["mean_distill_mos"]["pass"]
        and out["min_distill_mos"]["pass"]
        and all(g["pass"] for v in out["voices"].values() for g in v.values())
    )
    return out


def gate_lines(gates: dict | None) -> list[str]:
    """The gates' verdicts as lines of text (for the printed table and the model card)."""
    if gates is None:
        return ["gates: not judged (no Distill-MOS)"]
    verdict = {True: "pass", False: "FAIL"}
    m, low = gates["mean_distill_mos"], gates["min_distill_mos"]
    lines = [
        f"gates: {verdict[gates['pass']]}",
        f"- mean Distill-MOS {m['value']:.2f} >= {m['limit']:.1f}: {verdict[m['pass']]}",
        f"- lowest Distill-MOS {low['value']:.2f} ({low['voice']}) >= {low['limit']:.1f}: {verdict[low['pass']]}",
    ]
    for name, g in gates["voices"].items():
        mos, wer = g["distill_mos_vs_teacher"], g["wer_vs_teacher"]
        lines.append(
            f"- {name}: Distill-MOS {mos['value']:+.2f} vs teacher (>= {mos['limit']:+.1f}): {verdict[mos['pass']]}; "
            f"WER {100 * wer['value']:+.1f} points vs teacher (<= {100 * wer['limit']:+.1f}): {verdict[wer['pass']]}"
        )
    return lines


def parse_speeds(text: str) -> list[float]:
    """ "0.5,2,3,4.5" -> [0.5, 2.0, 3.0, 4.5]; "" -> none. Refused outside the engine's range."""
    from bittts.engine.synthesis_types import SPEED_RANGE

    speeds = [float(s) for s in text.split(",") if s.strip()]
    if bad := [s for s in speeds if not SPEED_RANGE[0] <= s <= SPEED_RANGE[1]]:
        raise SystemExit(f"--speeds {bad} outside the engine's range {SPEED_RANGE}")
    return speeds


def speed_key(speed: float) -> str:
    """A speed as results.json names it: 0.5 -> "0.5", 2.0 -> "2"."""
    return f"{speed:g}"


@dataclass
class Said:
    """One sentence we synthesized, scored: its words, our errors and Distill-MOS, its length."""

    words: int
    errors: int
    distill_mos: float
    seconds: float


def speed_summary(said: list[Said]) -> dict:
    """The results of one voice at one speed from its sentences."""
    words = sum(s.words for s in said)
    return {
        "utterances": len(said),
        "words": words,
        "wer": sum(s.errors for s in said) / max(words, 1),
        "distill_mos": float(np.mean([s.distill_mos for s in said])),
        "audio_seconds": float(sum(s.seconds for s in said)),
    }


def speak(synth, text: str, voice: str, speed: float = 1.0) -> tuple[np.ndarray, float]:
    """(our audio of ``text``, the wall seconds it took), at ``speed`` (SynthesisConfig.speed)."""
    from bittts.engine.synthesis_types import SynthesisConfig

    started = time.perf_counter()
    chunks = synth.synthesize(text, SynthesisConfig(voice=voice, speed=speed))
    audio = np.concatenate([c.samples for c in chunks])
    return audio, time.perf_counter() - started


def hear(
    synth, scorers: Scorers, r: dict, voice: str, wav: Path, speed: float = 1.0
) -> tuple[Said, dict, float, np.ndarray]:
    """Synthesize one test row, keep its audio at ``wav`` and score it: (Said, its transcript
    record, the real-time factor, the audio)."""
    import soundfile as sf

    audio, seconds = speak(synth, r["text"], voice, speed)
    wav.parent.mkdir(parents=True, exist_ok=True)
    sf.write(wav, audio, synth.sample_rate)
    ref = norm_words(r["text"])
    heard = scorers.transcribe(wav)
    errors = edit_distance(ref, norm_words(heard))
    said = Said(len(ref), errors, scorers.distill_mos(audio, synth.sample_rate), len(audio) / synth.sample_rate)
    record = {"voice": voice, "id": r["id"], "text": r["text"], "heard": heard, "errors": errors, "words": len(ref)}
    return said, record, seconds / max(said.seconds, 1e-9), audio


def evaluate_voice(
    synth, corpus: Corpus, voice: str, rows: list[dict], vdir: Path, scorers: Scorers, teachers: TeacherCache
) -> tuple[dict, list[Said], list[dict]]:
    """One voice on its test ``rows``: (its results, each sentence's Said, the transcripts)."""
    import soundfile as sf

    keys = ("teacher_err", "ours_ovrl", "ours_sig", "teacher_ovrl", "teacher_sig", "teacher_mos")
    acc: dict[str, list[float]] = {k: [] for k in (*keys, "mcd", "f0_rmse", "band_ratio", "rtf")}
    said, transcripts = [], []
    speaker = synth.speaker_vector(voice)
    sr, layout = synth.sample_rate, corpus.layout
    for r in rows:
        teacher_wav = teacher_audio(corpus, voice, r["id"])
        s, record, rtf, ours = hear(synth, scorers, r, voice, vdir / f"{r['id']}.wav")
        said.append(s)
        transcripts.append(record)
        acc["rtf"].append(rtf)
        o_ovrl, o_sig = scorers.dnsmos(ours, sr)
        t_err, t_ovrl, t_sig, t_mos = teachers.scores(f"{voice}/{r['id']}", r["text"], teacher_wav, scorers)
        for k, v in zip(keys, (t_err, o_ovrl, o_sig, t_ovrl, t_sig, t_mos)):
            acc[k].append(v)
        # Teacher-forced durations: frames line up with the teacher's, for MCD and F0 error.
        teacher, _ = sf.read(teacher_wav, dtype="float32")
        feats = np.load(feature_file(corpus, r))
        forced = teacher_forced(synth.model, speaker, feats)
        forced_audio = synth.model.vocode(*forced_frames(forced))
        acc["mcd"].append(mcd_db(forced_audio, teacher, layout))
        acc["f0_rmse"].append(f0_rmse_cents(our_f0(synth.model, forced, forced_audio, voice, layout), feats["f0"]))
        acc["band_ratio"].append(band_share(forced_audio, sr) / max(band_share(teacher, sr), 1e-9))
    words = sum(s.words for s in said)
    res = {
        "utterances": len(rows),
        "words": words,
        "wer": sum(s.errors for s in said) / words,
        "teacher_wer": sum(acc["teacher_err"]) / words,
        "dnsmos_ovrl": float(np.mean(acc["ours_ovrl"])),
        "teacher_dnsmos_ovrl": float(np.mean(acc["teacher_ovrl"])),
        "dnsmos_sig": float(np.mean(acc["ours_sig"])),
        "teacher_dnsmos_sig": float(np.mean(acc["teacher_sig"])),
        "distill_mos": float(np.mean([s.distill_mos for s in said])),
        "teacher_distill_mos": float(np.mean(acc["teacher_mos"])),
        "mcd_db": float(np.mean(acc["mcd"])),
        "f0_rmse_cents": float(np.nanmean(acc["f0_rmse"])),
        "band_4_8k_ratio": float(np.mean(acc["band_ratio"])),
        "rtf_2threads_shared": float(np.median(acc["rtf"])),
    }
    return res, said, transcripts


def evaluate_speeds(
    synth, voice: str, rows: list[dict], at_1x: list[Said], vdir: Path, scorers: Scorers, speeds: list[float]
) -> tuple[dict, list[dict]]:
    """One voice at each of ``speeds`` on ``rows`` (its first test rows), with ``at_1x`` (the
    main run's Said of the same rows) as speed "1": ({speed: results}, the transcripts)."""
    out = {speed_key(1.0): speed_summary(at_1x[: len(rows)])}
    transcripts = []
    for speed in speeds:
        said = []
        for r in rows:
            s, record, _, _ = hear(synth, scorers, r, voice, vdir / f"x{speed_key(speed)}" / f"{r['id']}.wav", speed)
            said.append(s)
            transcripts.append({**record, "speed": speed})
        out[speed_key(speed)] = speed_summary(said)
    return dict(sorted(out.items(), key=lambda kv: float(kv[0]))), transcripts


def mean_results(results: dict) -> dict:
    """The "_mean" entry: WERs weighed by words, the rest a plain mean over the voices."""
    total_words = sum(r["words"] for r in results.values())
    mean = {
        "wer": sum(r["wer"] * r["words"] for r in results.values()) / total_words,
        "teacher_wer": sum(r["teacher_wer"] * r["words"] for r in results.values()) / total_words,
    }
    for key in ("dnsmos_ovrl", "teacher_dnsmos_ovrl", "distill_mos", "teacher_distill_mos", "mcd_db"):
        mean[key] = float(np.mean([r[key] for r in results.values()]))
    return mean


def mean_speeds(speeds: dict) -> dict:
    """{speed: results} over all voices: WER weighed by words, Distill-MOS a mean over the voices."""
    out: dict[str, list[dict]] = {}
    for by_speed in speeds.values():
        for key, r in by_speed.items():
            out.setdefault(key, []).append(r)
    return {
        key: {
            "words": sum(r["words"] for r in rs),
            "wer": sum(r["wer"] * r["words"] for r in rs) / max(sum(r["words"] for r in rs), 1),
            "distill_mos": float(np.mean([r["distill_mos"] for r in rs])),
        }
        for key, rs in out.items()
    }


def evaluate_model(
    synth,
    model_path,
    out_dir: Path,
    scorers: Scorers,
    per_voice: int,
    voices: list[str] | None = None,
    speeds: Sequence[float] = (),
    speed_per_voice: int = 20,
    teacher_root: Path | None = None,
) -> dict:
    """Evaluate ``synth``'s voices (``voices``, or every one) against their corpus's teachers;
    writes results.json, transcripts.jsonl and speed_transcripts.jsonl to ``out_dir`` and the
    teachers' cache to ``teacher_root`` (default: EVAL). Returns the results."""
    corpus = model_corpus(synth, model_path)
    teachers = TeacherCache(teacher_root or EVAL)
    results, speed_results = {}, {}
    transcripts, speed_transcripts = [], []  # what Whisper heard in our audio, for reading the errors
    for voice in synth.voices:
        if voices and voice.name not in voices:
            continue
        mine = test_sentences(voice.name, per_voice, corpus)
        if not mine:
            print(f"{voice.name}: no test sentences in {corpus.manifest}", file=sys.stderr)
            continue
        vdir = out_dir / voice.name
        res, said, heard = evaluate_voice(synth, corpus, voice.name, mine, vdir, scorers, teachers)
        teachers.save()
        results[voice.name] = res
        transcripts += heard
        print(voice_line(voice.name, res), file=sys.stderr, flush=True)
        if speeds:
            speed_rows = mine[:speed_per_voice]
            speed_results[voice.name], heard = evaluate_speeds(
                synth, voice.name, speed_rows, said, vdir, scorers, list(speeds)
            )
            speed_transcripts += heard
    if results:
        results["_mean"] = mean_results(results)
    summary = {
        "model": str(model_path),
        "corpus": corpus.name,
        "vocoder_kind": synth.model.vocoder.kind,
        "sample_rate": synth.sample_rate,
        "file_bytes": synth.summary.file_bytes,
        "parameters": synth.summary.parameters,
        "per_voice": per_voice,
        "voices": results,
        "gates": gate_verdicts(results),
    }
    if speed_results:
        summary["speed_per_voice"] = speed_per_voice
        summary["speeds"] = {**speed_results, "_mean": mean_speeds(speed_results)}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "results.json").write_text(json.dumps(summary, indent=1))
    for name, rows in (("transcripts.jsonl", transcripts), ("speed_transcripts.jsonl", speed_transcripts)):
        (out_dir / name).write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in rows))
    return summary


def voice_line(name: str, res: dict) -> str:
    """One voice's results on a line."""
    return (
        f"{name:8} WER {100 * res['wer']:5.1f}% (teacher {100 * res['teacher_wer']:4.1f}%)  "
        + (
            f"D-MOS {res['distill_mos']:.2f} ({res['teacher_distill_mos']:.2f})  "
            if "distill_mos" in res and "teacher_distill_mos" in res
            else ""
        )
        + f"OVRL {res['dnsmos_ovrl']:.2f} ({res['teacher_dnsmos_ovrl']:.2f})  SIG {res['dnsmos_sig']:.2f} "
        f"({res['teacher_dnsmos_sig']:.2f})  MCD {res['mcd_db']:.2f} dB  F0 {res['f0_rmse_cents']:.0f} c  "
        f"4-8k x{res['band_4_8k_ratio']:.2f}"
    )


def speed_table(speeds: dict) -> list[str]:
    """Our WER / Distill-MOS per voice (rows) and speed (columns), as markdown table lines."""
    keys = sorted({k for by_speed in speeds.values() for k in by_speed}, key=float)
    lines = [
        "| voice | " + " | ".join(f"{k}x WER | {k}x Distill-MOS" for k in keys) + " |",
        "|---|" + "---|---|" * len(keys),
    ]
    for name, by_speed in speeds.items():
        cells = [
            f"{100 * by_speed[k]['wer']:.1f}% | {by_speed[k]['distill_mos']:.2f}" if k in by_speed else " | "
            for k in keys
        ]
        lines.append(f"| {'**mean**' if name == '_mean' else name} | " + " | ".join(cells) + " |")
    return lines


def results_table(summary: dict) -> str:
    """The printed table: each voice's line, the gates' verdicts, the speeds."""
    lines = [voice_line(n, r) for n, r in summary["voices"].items() if not n.startswith("_")]
    lines += gate_lines(summary.get("gates"))
    if summary.get("speeds"):
        lines += [f"speeds ({summary['speed_per_voice']} sentences a voice):", *speed_table(summary["speeds"])]
    return "\n".join(lines)


def rescore(tag: str, model: str | None = None) -> dict:
    """Word error rates of an evaluation done before, scored again with the current
    ``norm_words`` from the stored transcripts (ours in transcripts.jsonl, the teachers' as
    ``teacher_heard`` finds them), and with ``model`` (the file evaluated) the F0 error measured
    again; results.json is updated in place, its gates judged again and its speeds' WERs
    scored again (``rescore_speeds``)."""
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
    if "gates" in summary:
        summary["gates"] = gate_verdicts(voices)
    rescore_speeds(out_dir, summary)
    (out_dir / "results.json").write_text(json.dumps(summary, indent=1))
    for voice, r in voices.items():
        print(
            f"{voice:8} WER {100 * r['wer']:5.1f}% (teacher {100 * r['teacher_wer']:4.1f}%)"
            + (f"  F0 {r['f0_rmse_cents']:.0f} c" if "f0_rmse_cents" in r else ""),
            file=sys.stderr,
        )
    return summary


def rescore_speeds(out_dir: Path, summary: dict) -> None:
    """The speeds' WERs in ``summary`` scored again from ``out_dir``'s speed_transcripts.jsonl;
    1x from each voice's first ``speed_per_voice`` rows of transcripts.jsonl, as the run took them."""
    if not summary.get("speeds"):
        return
    counts: dict[tuple[str, str], list[int]] = {}

    def tally(voice: str, key: str, row: dict) -> None:
        ref = norm_words(row["text"])
        c = counts.setdefault((voice, key), [0, 0])
        c[0] += edit_distance(ref, norm_words(row["heard"]))
        c[1] += len(ref)

    taken: dict[str, int] = {}
    for row in map(json.loads, (out_dir / "transcripts.jsonl").read_text().splitlines()):
        taken[row["voice"]] = taken.get(row["voice"], 0) + 1
        if taken[row["voice"]] <= summary["speed_per_voice"]:
            tally(row["voice"], speed_key(1.0), row)
    for row in map(json.loads, (out_dir / "speed_transcripts.jsonl").read_text().splitlines()):
        tally(row["voice"], speed_key(row["speed"]), row)
    speeds = {voice: by_speed for voice, by_speed in summary["speeds"].items() if voice != "_mean"}
    for (voice, key), (errors, words) in counts.items():
        if key in speeds.get(voice, {}):
            speeds[voice][key].update(words=words, wer=errors / max(words, 1))
    summary["speeds"] = {**speeds, "_mean": mean_speeds(speeds)}


def main(argv=None, scorers: Scorers | None = None) -> int:
    """The command line; ``scorers`` replaces Whisper, DNSMOS and Distill-MOS (tests)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/bittts-en.bttm")
    ap.add_argument("--tag", default=None, help="name of the results folder (default: the model file's stem)")
    ap.add_argument("--per-voice", type=int, default=60, help="test sentences per voice (100+ for final figures)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--voices", default="", help="comma-separated voice names (default: every voice)")
    ap.add_argument(
        "--speeds", default=DEFAULT_SPEEDS, help=f'engine speeds to measure (default {DEFAULT_SPEEDS}; "" skips)'
    )
    ap.add_argument(
        "--speed-per-voice", type=int, default=20, help="test sentences per voice at each speed (the first ones)"
    )
    ap.add_argument(
        "--rescore",
        action="store_true",
        help="synthesize and transcribe nothing: score the stored transcripts of --tag again",
    )
    args = ap.parse_args(argv)
    if args.rescore:
        rescore(args.tag or Path(args.model).stem, args.model)
        return 0

    from bittts.engine.synthesis import Synthesizer

    speeds = parse_speeds(args.speeds)
    synth = Synthesizer(args.model)
    chosen = chosen_voices(synth, args.voices, args.model)
    model_corpus(synth, args.model)  # refused before anything is loaded
    tag = args.tag or Path(args.model).stem
    summary = evaluate_model(
        synth,
        args.model,
        EVAL / tag,
        scorers or real_scorers(args.threads),
        args.per_voice,
        chosen,
        speeds,
        args.speed_per_voice,
    )
    print(json.dumps(summary, indent=1))
    print(results_table(summary), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
