"""Where, phone by phone, does the acoustic model fit a voice worse than another? Per voice and
phone (stress dropped; post-vocalic R and BATH words' AE apart: ``phone_labels``), on held-out
corpus sentences with the teacher's durations and phone pitch forced: the share of frames, the
mean frames a token, the decoded log-mel L1, and the duration predictor's squared log error;
per voice the frames of wrong voicing, the F0 error, how much of the teacher's variance and
frame-to-frame change our frames keep, and the L1 in three groups of bands; and, for pairs of labels, how far apart
their vowel centres lie in the teacher's audio and in ours.

    PYTHONPATH=. .venv/bin/python -m research.phone_fit --voices pico_gb,pico_us,bdl,alan

With two voices or more it ranks the phones by how much of the first voice's excess mel error
over the second's they carry (excess per frame x the first voice's share of frames). Written to
test whether pico_gb's British speech, written with US CMUdict phones and aligned by a US
acoustic model, is fitted worst where the accents part (docs/experiments/2026-11-voices.md).
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from training.data import MANIFEST, load_split
from training.export import load_checkpoint
from training.model.networks import LOG_F0_STD

LOW_MEL_BANDS = 30  # of the 80 mel bands to 11 kHz: those below 1.3 kHz
BAND_GROUPS = (
    (0, LOW_MEL_BANDS),
    (LOW_MEL_BANDS, 55),
    (55, 80),
)  # of the 80 mel bands to 11 kHz: below 1.3 kHz, to 3.8 kHz, above
BATH_CODAS = (("F",), ("TH",), ("S",), ("N", "T"), ("N", "S"), ("N", "CH"), ("N", "D"))


def phone_labels(symbols: list[str], phone_ids: np.ndarray) -> list[str]:
    """The label each token is counted under: the symbol without its stress digit, with two
    splits where British and US English part: R is "R+V" when a vowel follows it (pronounced in
    both accents) or "R-V" otherwise (silent in non-rhotic British speech), and a stressed AE
    before F, TH or S, or N with T, S, CH or D, and then no vowel is "AE(bath)" (after, ask,
    can't, dance: British /a:/, US /ae/). Pauses and punctuation are "pause"."""
    names = [symbols[i] for i in phone_ids]
    is_vowel = lambda n: n[-1:].isdigit()  # noqa: E731
    out = []
    for k, name in enumerate(names):
        after = names[k + 1 : k + 4] + [""] * 3
        if not name[:1].isalpha():
            out.append("pause")
        elif name == "R":
            following = next((n for n in names[k + 1 :] if n[:1].isalpha() or n in ("<sil>", "<sp>", "<eos>")), "")
            out.append("R+V" if is_vowel(following) else "R-V")
        elif name == "AE1" and any(tuple(after[: len(c)]) == c and not is_vowel(after[len(c)]) for c in BATH_CODAS):
            out.append("AE(bath)")
        else:
            out.append(name.rstrip("012"))
    return out


class PhoneTally:
    """Per (voice, label): frames, summed frame mel L1, tokens, summed squared log-duration error;
    and the mean log-mel of the middle half of tokens of 3 frames or more, the teacher's and ours
    (where a vowel's quality sits, away from its neighbours)."""

    def __init__(self):
        self.sums = defaultdict(lambda: np.zeros(4))
        self.middles = defaultdict(list)  # (voice, label) -> [(teacher mean, our mean)]

    def add(
        self,
        voice: str,
        labels: list[str],
        durations: np.ndarray,
        frame_l1: np.ndarray,
        log_dur_error: np.ndarray,
        teacher_mel: np.ndarray | None = None,
        our_mel: np.ndarray | None = None,
    ):
        ends = np.cumsum(durations)
        for label, d, end, err in zip(labels, durations, ends, log_dur_error):
            self.sums[voice, label] += (d, frame_l1[end - d : end].sum(), 1, err**2)
            if teacher_mel is not None and d >= 3:
                middle = slice(end - d + d // 4, end - d // 4)
                self.middles[voice, label].append((teacher_mel[middle].mean(axis=0), our_mel[middle].mean(axis=0)))

    def centroid_distance(self, voice: str, label: str, other: str, ours: bool = False) -> float:
        """Mean absolute log-mel distance between the teacher's mean middle frame of ``label`` and
        of ``other``; with ``ours``, between our mean middle frame of ``label`` and the
        teacher's of ``other``. NaN where a label has no token of 3 frames."""
        a, b = self.middles.get((voice, label)), self.middles.get((voice, other))
        if not a or not b:
            return float("nan")
        mine = np.mean([m[1 if ours else 0] for m in a], axis=0)
        return float(np.abs(mine - np.mean([m[0] for m in b], axis=0)).mean())

    def voice_total(self, voice: str) -> np.ndarray:
        return sum((s for (v, _), s in self.sums.items() if v == voice), np.zeros(4))

    def row(self, voice: str, label: str) -> dict:
        frames, l1, tokens, dur = self.sums.get((voice, label), np.zeros(4))
        total = self.voice_total(voice)
        return {
            "frames": frames,
            "frame_share": frames / max(total[0], 1),
            "mel_l1": l1 / frames if frames else float("nan"),
            "tokens": tokens,
            "mean_frames": frames / tokens if tokens else float("nan"),
            "dur_mse": dur / tokens if tokens else float("nan"),
        }

    def excess(self, voice: str, reference: str) -> list[tuple[str, float]]:
        """(label, share of ``voice``'s mel L1 excess over ``reference`` it carries), largest first."""
        labels = {label for v, label in self.sums if v == voice}
        parts = []
        for label in labels:
            a, b = self.row(voice, label), self.row(reference, label)
            if a["frames"] and b["frames"]:
                parts.append((label, a["frame_share"] * (a["mel_l1"] - b["mel_l1"])))
        gap = sum(p for _, p in parts)
        return sorted(((label, p / gap if gap else float("nan")) for label, p in parts), key=lambda kv: -kv[1])


def spread(mel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(variance of each band over the utterance, mean absolute frame-to-frame change of each band)."""
    return mel.var(axis=0), np.abs(np.diff(mel, axis=0)).mean(axis=0)


def smoothing_kept(pairs) -> tuple[float, float]:
    """pairs: per utterance, (ours, the teacher's) as ``spread`` gives them -> the share of the
    teacher's band variance and of its frame-to-frame change that ours keeps (per band, over the
    utterances, then averaged over bands): below 1 where regression smooths."""
    ours_var, ours_change = (np.mean([p[0][k] for p in pairs], axis=0) for k in (0, 1))
    teacher_var, teacher_change = (np.mean([p[1][k] for p in pairs], axis=0) for k in (0, 1))
    return float(np.mean(ours_var / teacher_var)), float(np.mean(ours_change / teacher_change))


@torch.no_grad()
def forced_outputs(model, cfg, u, predicted_pitch: bool = False):
    """(our log-mel [frames, n_mels], log-duration error per token, share of frames whose voicing
    is wrong, normalized log-F0 error on the teacher's voiced frames) for one utterance, with the
    teacher's durations and phone pitch forced (``predicted_pitch``: the predictor's phone pitch
    instead, as the engine's forced rendering has it)."""
    phones = torch.from_numpy(u.phones)[None]
    durations = torch.from_numpy(u.durations)[None]
    out, _, log_dur, _, _, free = model(
        phones,
        torch.tensor([phones.shape[1]]),
        torch.tensor([u.speaker_id]),
        durations,
        torch.from_numpy(u.phone_pitch)[None],
        free_pitch=True,
    )
    if predicted_pitch:
        out = free
    log_dur_error = (log_dur[0] - torch.log1p(durations[0].float())).numpy()
    voiced = u.voiced > 0.5
    voicing_wrong = float(((out[0, cfg.n_mels + 1] > 0).numpy() != voiced).mean())
    f0_error = (out[0, cfg.n_mels].numpy() - u.norm_log_f0)[voiced]
    return out[0, : cfg.n_mels].T.numpy(), log_dur_error, voicing_wrong, f0_error


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default="training/checkpoints/bittts.pt")
    ap.add_argument("--voices", default="pico_gb,pico_us", help="comma-separated; the first two are compared")
    ap.add_argument("--split", default="test", choices=("valid", "test"))
    ap.add_argument("--manifest", default=str(MANIFEST))
    ap.add_argument(
        "--per-voice",
        type=int,
        default=0,
        help="only each voice's first N sentences of the split by id (on test, those training.evaluate "
        "and diagnose take); 0: all",
    )
    ap.add_argument(
        "--predicted-pitch",
        action="store_true",
        help="decode from the predicted phone pitch (as the engine's forced rendering does), not the teacher's",
    )
    ap.add_argument("--top", type=int, default=12, help="phones listed in the ranking")
    ap.add_argument(
        "--pairs",
        default="AE(bath):AE,AE(bath):AA,AE:AH",
        help="label pairs A:B whose vowel centres are compared (the teacher's A to B, ours A to the teacher's A and B)",
    )
    args = ap.parse_args(argv)

    from bittts.engine.text.phones import SYMBOLS

    torch.set_num_threads(2)
    cfg, model, _, ckpt = load_checkpoint(args.checkpoint)
    model.eval()
    voices = [s["name"] for s in ckpt["speakers"]]
    wanted = args.voices.split(",")
    if unknown := [v for v in wanted if v not in voices]:
        raise SystemExit(f"no such voice in {args.checkpoint}: {', '.join(unknown)} (it has {', '.join(voices)})")
    tally = PhoneTally()
    voicing = defaultdict(list)  # voice -> (frames, share wrong) per utterance
    f0_errors = defaultdict(list)
    smoothing = defaultdict(list)  # voice -> per utterance, ours and the teacher's: band variance, mean |frame change|
    band_l1 = defaultdict(list)  # voice -> per utterance, the mean L1 of each mel band
    symbols = list(SYMBOLS)
    for u in load_split(args.split, Path(args.manifest), speakers=set(wanted), per_speaker=args.per_voice):
        ours, log_dur_error, voicing_wrong, f0_error = forced_outputs(model, cfg, u, args.predicted_pitch)
        teacher = u.mel.astype(np.float32)
        error = np.abs(ours - teacher)  # [frames, n_mels]
        voice = voices[u.speaker_id]
        tally.add(voice, phone_labels(symbols, u.phones), u.durations, error.mean(axis=1), log_dur_error, teacher, ours)
        voicing[voice].append((u.frames, voicing_wrong))
        smoothing[voice].append([spread(m) for m in (ours, teacher)])
        band_l1[voice].append(error.mean(axis=0))
        f0_errors[voice].append(f0_error)

    labels = sorted({label for _, label in tally.sums})
    pitch_source = "predicted" if args.predicted_pitch else "the teacher's"
    print(
        f"teacher-forced ({pitch_source} phone pitch), {args.split} split; "
        "per phone: share of frames, mean frames a token, mel L1, duration MSE"
    )
    print("phone     " + "  ".join(f"{v:>28}" for v in wanted))
    for label in ["all"] + labels:
        cells = []
        for v in wanted:
            if label == "all":
                f, l1, n, d = tally.voice_total(v)
                cells.append(f"{1:5.3f} {f / max(n, 1):5.1f} {l1 / max(f, 1):7.4f} {d / max(n, 1):7.4f}")
            else:
                r = tally.row(v, label)
                cells.append(f"{r['frame_share']:5.3f} {r['mean_frames']:5.1f} {r['mel_l1']:7.4f} {r['dur_mse']:7.4f}")
        print(f"{label:9} " + "  ".join(f"{c:>28}" for c in cells))
    print(
        "\nframes of wrong voicing; F0 RMSE on the teacher's voiced frames (cents); of the teacher's "
        "variance per mel band and its frame-to-frame change, the share ours keeps"
    )
    for v in wanted:
        frames, wrong = np.array(voicing[v]).T
        rmse = np.sqrt(np.mean(np.concatenate(f0_errors[v]) ** 2)) * LOG_F0_STD * 1200 / np.log(2)
        kept = smoothing_kept(smoothing[v])
        print(
            f"  {v:8} {np.sum(frames * wrong) / frames.sum():6.2%} {rmse:6.0f}   "
            f"variance {kept[0]:.3f}  change {kept[1]:.3f}"
        )
    print("\nlog-mel L1 by bands (utterances weighed alike): " + "  ".join(f"{lo}-{hi - 1}" for lo, hi in BAND_GROUPS))
    for v in wanted:
        per_band = np.mean(band_l1[v], axis=0)
        print(f"  {v:8} " + "  ".join(f"{per_band[lo:hi].mean():.3f}" for lo, hi in BAND_GROUPS))
    pairs = [p.split(":") for p in args.pairs.split(",") if p]
    if pairs:
        print("\nlog-mel distance of mean middle frames: the teacher's A to B | ours A to the teacher's A, to B")
        for v in wanted:
            cells = [
                f"{a}:{b} {tally.centroid_distance(v, a, b):.3f} | {tally.centroid_distance(v, a, a, True):.3f} "
                f"{tally.centroid_distance(v, a, b, True):.3f}"
                for a, b in pairs
            ]
            print(f"  {v:8} " + "   ".join(cells))
    if len(wanted) >= 2:
        print(f"\nshare of {wanted[0]}'s excess mel L1 over {wanted[1]}'s, by phone")
        for label, share in tally.excess(wanted[0], wanted[1])[: args.top]:
            print(f"  {label:9} {share:6.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
