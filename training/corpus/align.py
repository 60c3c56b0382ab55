"""Phone durations by pocketsphinx 5 forced alignment, on OUR phone sequences.

    nice -n 10 .venv/bin/python -m training.corpus.align            # align what is generated
    nice -n 10 .venv/bin/python -m training.corpus.align --check    # + compare with engine timings

For every generated utterance (work-data/corpus/audio/<speaker>/<id>.wav + .json) this writes
work-data/corpus/align/<speaker>/<id>.json:
    {"ok": true, "symbols": [...], "dur_s": [...], "phones": [...]}  durations in seconds, one per
                                                                   symbol (10 ms resolution)
or {"ok": false, "reason": ...}. Cached: a rerun reuses an alignment that is newer than its
audio and whose symbols are still what the front end gives.

How: the audio is resampled to 16 kHz (the en-us model's rate). Every word of the utterance is
added to an empty aligner dictionary under a private name (w0, w1, ...) with OUR pronunciation
(ARPAbet stress digits removed: pocketsphinx's en-us phone set is ARPAbet without stress, plus
SIL), so the aligner cannot pick another pronunciation. The text "<sil> w0 w1 ... <sil>" is
aligned (optional silences between words), then a second pass gives phone segments in 10 ms
frames (3 frames minimum per phone: one per HMM state).

Mapping to the model's symbols (see frontend_adapter): leading silence -> <bos>; silence
between two words -> the <wb> or punctuation token between them (0 frames if none was found);
trailing silence -> <eos>; a sentence-final punctuation token gets 0.

An utterance is dropped (and counted) when the aligner raises or finds no path, when its
segments do not match our phone sequence, or when its durations are implausible (a phone over
0.5 s, or most phones squeezed to the 3-frame minimum: the signs of a forced bad path).

--check compares boundaries with the engines' own timings: flite `-psdur` for rms (phones,
matched by sequence alignment; flite is deterministic, so it is rerun on the same text) and
Piper's alignment output for joe (word ends; stored at generation time), and, for the Kokoro
voices, Kokoro's own durations (every phone's end; stored at generation time, and the Kokoro
corpus's alignment: `--check-kokoro N` aligns N utterances a voice only for this check). It
reports the mean absolute boundary error and the share within 20 ms.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import tempfile
from math import gcd
from pathlib import Path

import numpy as np

from training.corpus import frontend_adapter as fe
from training.corpus.generate import AUDIO, CORPUS
from training.corpus.parallel import imap_unordered

ALIGN = CORPUS / "align"
ALIGN_RATE = 16000
FRAME_S = 0.01
# Signs of a forced path through audio that does not match the text (measured on clean
# teacher audio: the longest phone is at most ~0.37 s, and at most ~36% of phones sit at the
# 3-frame minimum):
MAX_PHONE_FRAMES = 50  # a non-pause phone longer than 0.5 s
MAX_MIN_DURATION_SHARE = 0.5  # more than half the phones squeezed to 3 frames


def align_path(speaker: str, sid: str) -> Path:
    return ALIGN / speaker / f"{sid}.json"


class Aligner:
    """One pocketsphinx decoder, reused across utterances (words are added as needed)."""

    def __init__(self):
        from pocketsphinx import Decoder

        fd, self._empty = tempfile.mkstemp(suffix=".dict")
        os.close(fd)
        self.decoder = Decoder(samprate=ALIGN_RATE, dict=self._empty, lm=None, bestpath=False, loglevel="FATAL")
        self._known: dict[str, str] = {}  # pron -> private word name

    def _name(self, phones: tuple[str, ...]) -> str:
        pron = " ".join(p.rstrip("012") for p in phones)
        name = self._known.get(pron)
        if name is None:
            name = f"w{len(self._known)}"
            self.decoder.add_word(name, pron, True)
            self._known[pron] = name
        return name

    def align(self, audio16: np.ndarray, utt: fe.Utterance) -> dict:
        """-> {"ok", "words": [(start_frame, n_frames, [(phone, start, n)])], "sil": [...]}"""
        d = self.decoder
        names = [self._name(ph) for ph in utt.word_phones]
        buf = (np.clip(audio16, -1, 1) * 32767).astype(np.int16).tobytes()
        try:
            d.set_align_text("<sil> " + " ".join(names) + " <sil>")
            d.start_utt()
            d.process_raw(buf, full_utt=True)
            d.end_utt()
            hyp = d.hyp()
            if hyp is None:
                return {"ok": False, "reason": "no path (word pass)"}
            score = hyp.score
            d.set_alignment()
            d.start_utt()
            d.process_raw(buf, full_utt=True)
            d.end_utt()
            al = d.get_alignment()  # (calling hyp() after this pass crashes pocketsphinx 5.1)
            if al is None:
                return {"ok": False, "reason": "no path (phone pass)"}
            segs = []
            for w in al:
                segs.append((w.name, w.start, w.duration, [(p.name, p.start, p.duration) for p in w]))
            n_frames = d.n_frames()
        except RuntimeError as e:
            return {"ok": False, "reason": f"aligner error: {e}"}
        return {"ok": True, "segs": segs, "score": score, "n_frames": n_frames}


def to_symbol_durations(utt: fe.Utterance, segs, n_frames: int) -> list[int] | None:
    """Aligner segments -> 10 ms frames per model symbol (sums to n_frames), or None."""
    words = [s for s in segs if not s[0].startswith("<") and s[0] not in ("SIL", "<sil>")]
    if len(words) != len(utt.words):
        return None
    dur = [0] * len(utt.symbols)
    # positions of each word's phones and of the boundary token after each word
    word_pos: list[list[int]] = [[] for _ in utt.words]
    for i, w in enumerate(utt.symbol_word):
        if w >= 0:
            word_pos[w].append(i)
    boundary_after = {}
    for wi in range(len(utt.words) - 1):
        boundary_after[wi] = word_pos[wi][-1] + 1  # <wb> or punctuation
    last = len(utt.symbols) - 1  # trailing <sil>
    wi = -1
    for name, _start, n, phones in segs:
        if name.startswith("<") or name == "SIL":
            if wi < 0:
                dur[0] += n
            elif wi == len(utt.words) - 1:
                dur[last] += n
            else:
                dur[boundary_after[wi]] += n
            continue
        wi += 1
        if len(phones) != len(word_pos[wi]):
            return None
        for (pname, _, pn), pos in zip(phones, word_pos[wi]):
            if pname != utt.symbols[pos].rstrip("012"):
                return None
            dur[pos] += pn
    total = sum(dur)
    if total != n_frames:  # the aligner covers every frame; absorb a rounding frame
        if abs(total - n_frames) > 2:
            return None
        dur[last] = max(0, dur[last] + n_frames - total)
    return dur


def _load16(wav: Path) -> np.ndarray:
    import soundfile as sf
    from scipy.signal import resample_poly

    x, sr = sf.read(str(wav), dtype="float32")
    g = gcd(sr, ALIGN_RATE)
    return resample_poly(x, ALIGN_RATE // g, sr // g).astype(np.float32)


_ALIGNER: Aligner | None = None


def align_one(speaker: str, sid: str) -> dict:
    """Align one utterance and cache the result. Idempotent."""
    global _ALIGNER
    out = align_path(speaker, sid)
    wav = AUDIO / speaker / f"{sid}.wav"
    meta = json.loads((AUDIO / speaker / f"{sid}.json").read_text())
    utt = fe.utterance(meta["text"])
    if out.exists() and out.stat().st_mtime >= wav.stat().st_mtime:
        with open(out) as f:
            rec = json.load(f)
        # reuse unless the front end now gives other symbols for this text
        if not rec.get("ok") or (utt is not None and rec["symbols"] == list(utt.symbols)):
            return rec
    if _ALIGNER is None:
        _ALIGNER = Aligner()
    if utt is None:
        rec = {"ok": False, "reason": "front end: no utterance"}
    elif utt.spoken != meta["spoken"]:
        # the audio was made from another front end's text: generate.py will redo it
        return {"ok": False, "reason": "front end changed since generation", "transient": True}
    else:
        audio = _load16(AUDIO / speaker / f"{sid}.wav")
        res = _ALIGNER.align(audio, utt)
        if not res["ok"]:
            rec = res
        else:
            dur = to_symbol_durations(utt, res["segs"], res["n_frames"])
            pd = [n for seg in res["segs"] for p, _, n in seg[3] if p != "SIL"]
            if dur is None:
                rec = {"ok": False, "reason": "alignment does not match the phone sequence"}
            elif max(pd) > MAX_PHONE_FRAMES:
                rec = {"ok": False, "reason": "implausible: a phone longer than 0.5 s"}
            elif sum(n <= 3 for n in pd) / len(pd) > MAX_MIN_DURATION_SHARE:
                rec = {"ok": False, "reason": "implausible: most phones at the minimum length"}
            else:
                rec = {
                    "ok": True,
                    "symbols": list(utt.symbols),
                    "dur_s": [round(n * FRAME_S, 3) for n in dur],
                    "frontend": fe.FRONTEND_NAME,
                    "frontend_version": fe.FRONTEND_VERSION,
                    "phones": [[p, s, n] for seg in res["segs"] for p, s, n in seg[3]],
                }
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=out.parent)
    with os.fdopen(fd, "w") as f:
        json.dump(rec, f)
    os.replace(tmp, out)
    return rec


def _work(item):
    try:
        os.nice(0)
        return item, align_one(*item)
    except Exception as e:  # noqa: BLE001
        return item, {"ok": False, "reason": f"{type(e).__name__}: {e}", "transient": True}


def generated_items(speakers: set[str] | None = None) -> list[tuple[str, str]]:
    items = []
    if not AUDIO.exists():
        return items
    for d in sorted(AUDIO.iterdir()):
        if d.is_dir() and (not speakers or d.name in speakers):
            for j in sorted(d.glob("s*.json")):
                if (d / f"{j.stem}.wav").exists():
                    items.append((d.name, j.stem))
    return items


# --------------------------------------------------------------------------------------------
# Check against the engines' own timings

_FLITE_MAP = {"ax": "AH", "pau": "SIL"}


def _ps_phone_ends(rec: dict) -> list[tuple[str, float]]:
    return [(p, (s + n) * FRAME_S) for p, s, n in rec["phones"] if p != "SIL"]


def check_flite(items, limit: int) -> dict:
    """rms: flite -psdur phone ends vs pocketsphinx phone ends, on matched phones."""
    from training.teachers.voices import flite_phone_durations, voice_by_name

    v = voice_by_name("rms")
    errs = []
    n_utt = 0
    for spk, sid in items:
        if spk != "rms" or n_utt >= limit:
            continue
        rec = align_one(spk, sid)
        if not rec.get("ok"):
            continue
        meta = json.loads((AUDIO / spk / f"{sid}.json").read_text())
        fl = flite_phone_durations(v, meta["spoken"])
        fl = [(_FLITE_MAP.get(p, p.upper()), t - meta["trim_start_s"]) for p, t in fl]
        fl = [(p, t) for p, t in fl if p != "SIL"]
        ps = _ps_phone_ends(rec)
        sm = difflib.SequenceMatcher(a=[p for p, _ in ps], b=[p for p, _ in fl], autojunk=False)
        for a, b, n in sm.get_matching_blocks():
            for k in range(n):
                if a + k == len(ps) - 1:
                    continue  # the utterance's last phone ends where trimming put the cut
                errs.append(abs(ps[a + k][1] - fl[b + k][1]))
        n_utt += 1
    return _err_summary(errs, n_utt, "rms: flite -psdur phone ends")


def check_piper(items, limit: int) -> dict:
    """joe: Piper's word ends (the space phoneme after a word) vs pocketsphinx word ends."""
    errs, signed = [], []
    n_utt = 0
    for spk, sid in items:
        if spk != "joe" or n_utt >= limit:
            continue
        rec = align_one(spk, sid)
        meta = json.loads((AUDIO / spk / f"{sid}.json").read_text())
        pa = meta.get("piper_alignment")
        if not rec.get("ok") or not pa:
            continue
        utt = fe.utterance(meta["text"])
        # piper: time at which each " " (word separator) phoneme starts = end of previous word
        t = 0.0
        piper_ends = []
        prev = None
        seps = (" ", "$", "_", ".", ",", "?", "!", ";", ":")
        for ph, n in pa:
            if ph in seps and prev not in (None, "^") and prev not in seps:
                piper_ends.append(t / meta["native_rate"] - meta["trim_start_s"])
            t += n
            prev = ph
        # ours: end of each word = sum of symbol durations through the word's last phone
        cum = np.cumsum(rec["dur_s"])
        last_pos = {}
        for i, w in enumerate(utt.symbol_word):
            if w >= 0:
                last_pos[w] = i
        ours = [float(cum[last_pos[w]]) for w in range(len(utt.words))]
        if len(piper_ends) != len(ours):
            continue  # espeak joined or split words ("of an" -> one word): skip the utterance
        for a, b in zip(ours[:-1], piper_ends[:-1]):
            errs.append(abs(a - b))
            signed.append(b - a)
        n_utt += 1
    s = _err_summary(errs, n_utt, "joe: Piper word ends")
    if signed:
        s.update(_offset_corrected(signed))
    return s


def check_kokoro(items, per_voice: int) -> dict:
    """The Kokoro voices: their own phone ends, moved by features.KOKORO_SHIFT_S as the features
    move them, vs pocketsphinx's, phone by phone (both are on our symbol sequence, so no
    matching is needed; pauses and the last phone are left out). Per voice and over all; each
    with the median offset still left, and the raw offset before the shift."""
    from training.corpus.features import KOKORO_SHIFT_S
    from training.teachers.voices import KOKORO_VOICES

    names = {v.name for v in KOKORO_VOICES}
    signed: dict[str, list[float]] = {}
    done: dict[str, int] = {}
    for spk, sid in items:
        if spk not in names or done.get(spk, 0) >= per_voice:
            continue
        meta = json.loads((AUDIO / spk / f"{sid}.json").read_text())
        rec = align_one(spk, sid)
        if not rec.get("ok") or rec["symbols"] != meta["symbols"]:
            continue
        ps_ends = np.cumsum(rec["dur_s"])
        kk_ends = np.cumsum(meta["symbol_samples"]) / meta["native_rate"] + KOKORO_SHIFT_S
        phones = [i for i, s in enumerate(meta["symbols"][:-2]) if s[0].isalpha()]
        signed.setdefault(spk, []).extend(float(kk_ends[i] - ps_ends[i]) for i in phones)
        done[spk] = done.get(spk, 0) + 1

    def summary(errs: list[float], n_utt: int, what: str) -> dict:
        s = _err_summary([abs(e) for e in errs], n_utt, what)
        if errs:
            s["median_offset_ms"] = round(float(np.median(errs)) * 1000, 1)
            s["raw_median_offset_ms"] = round((float(np.median(errs)) - KOKORO_SHIFT_S) * 1000, 1)
        return s

    what = f"Kokoro's own phone ends moved {KOKORO_SHIFT_S * 1000:+.0f} ms vs pocketsphinx"
    out = summary([e for v in signed.values() for e in v], sum(done.values()), what)
    out["per_voice"] = {spk: summary(signed[spk], done[spk], what) for spk in sorted(signed)}
    return out


def _offset_corrected(signed) -> dict:
    """The median signed error, and the errors once it is taken off every boundary."""
    off = float(np.median(signed))
    corr = np.abs(np.array(signed) - off)
    return {
        "median_offset_ms": round(off * 1000, 1),
        "mean_ms_offset_corrected": round(float(corr.mean()) * 1000, 1),
        "within_20ms_offset_corrected": round(float((corr <= 0.02).mean()), 3),
    }


def _err_summary(errs, n_utt, what) -> dict:
    e = np.array(errs) if errs else np.zeros(0)
    return {
        "what": what,
        "utterances": n_utt,
        "boundaries": int(e.size),
        "mean_ms": round(float(e.mean()) * 1000, 1) if e.size else None,
        "median_ms": round(float(np.median(e)) * 1000, 1) if e.size else None,
        "within_20ms": round(float((e <= 0.02).mean()), 3) if e.size else None,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--speakers", default="")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--check", action="store_true", help="compare with engine timings")
    ap.add_argument("--check-utts", type=int, default=200)
    ap.add_argument(
        "--check-kokoro",
        type=int,
        default=0,
        metavar="N",
        help="only compare N utterances a Kokoro voice with Kokoro's own durations",
    )
    args = ap.parse_args(argv)
    if args.check_kokoro:
        items = generated_items(set(args.speakers.split(",")) if args.speakers else None)
        res = check_kokoro(items, args.check_kokoro)
        (CORPUS / "align_check_kokoro.json").write_text(json.dumps(res, indent=1))
        print(json.dumps(res, indent=1))
        return 0
    from tqdm import tqdm

    items = generated_items(set(args.speakers.split(",")) if args.speakers else None)
    if args.limit:
        items = items[: args.limit]
    # every item goes to the workers: they reuse a cached alignment when it is newer than the
    # audio and the front end still gives the same symbols
    todo = items
    print(f"generated: {len(items)}; to align (or check): {len(todo)}", file=sys.stderr)
    stats = {"ok": 0, "failed": 0}
    reasons: dict[str, int] = {}
    if todo:
        it = imap_unordered(_work, todo, args.workers)
        for _, rec in tqdm(it, total=len(todo), unit="utt", mininterval=5, file=sys.stderr):
            if rec.get("transient"):
                stats["skipped (regenerate first)"] = stats.get("skipped (regenerate first)", 0) + 1
                continue
            stats["ok" if rec.get("ok") else "failed"] += 1
            if not rec.get("ok"):
                r = rec.get("reason", "?").split(":")[0]
                reasons[r] = reasons.get(r, 0) + 1
    print(f"aligned corpus: {stats}; failures by reason: {reasons}", file=sys.stderr)
    if args.check:
        res = {"rms": check_flite(items, args.check_utts), "joe": check_piper(items, args.check_utts)}
        (CORPUS / "align_check.json").write_text(json.dumps(res, indent=1))
        print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
