"""Do the predicted durations add up to the aligned ones? Per voice, the frames the duration
predictor gives (rounded as the engine rounds them) over the frames the aligner found, for
phones and for pauses (every non-phone token) apart, on held-out corpus sentences. It reads the
corpus's phone sequences, not the front end's, so that both sides time the same tokens.

    PYTHONPATH=. .venv/bin/python -m training.duration_check --checkpoint training/checkpoints/bittts.pt

A duration predictor trained on log(1 + frames) could run short on average (the mean of a log
is below the log of the mean); this measures whether it does before anything corrects for it.
"""
from __future__ import annotations

import argparse
from collections import defaultdict
from pathlib import Path

import numpy as np
import torch

from training.data import MANIFEST, load_split
from training.export import load_checkpoint
from training.model.networks import AcousticModel, durations_from_log, min_frames_for, sequence_mask


def length_ratios(rows) -> dict[str, dict[str, float]]:
    """rows: (voice, is_phone [P] bool, predicted [P], aligned [P]) -> per voice and "all", the
    ratio of predicted to aligned frames over phones, over pauses, and over both."""
    sums: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(4))
    for voice, is_phone, predicted, aligned in rows:
        is_phone = np.asarray(is_phone, bool)
        predicted, aligned = np.asarray(predicted, np.float64), np.asarray(aligned, np.float64)
        s = np.array([predicted[is_phone].sum(), aligned[is_phone].sum(),
                      predicted[~is_phone].sum(), aligned[~is_phone].sum()])
        sums[voice] += s
        sums["all"] += s

    def ratio(a: float, b: float) -> float:
        return a / b if b else float("nan")

    return {voice: {"phones": ratio(s[0], s[1]), "pauses": ratio(s[2], s[3]), "total": ratio(s[0] + s[2], s[1] + s[3])}
            for voice, s in sums.items()}


@torch.no_grad()
def predicted_frames(model: AcousticModel, phones: np.ndarray, speaker_id: int, min_frames: torch.Tensor) -> np.ndarray:
    """The duration predictor's frames per token for one utterance, as ``durations_from_log``
    (the trainer's twin of the engine's rounding) gives them at speed 1."""
    ids = torch.from_numpy(np.asarray(phones, np.int64))[None]
    mask = sequence_mask(torch.tensor([ids.shape[1]]), ids.shape[1])
    x = model.encode(ids, torch.tensor([speaker_id]), mask)
    log_dur, _ = model.predict(x, mask)
    return durations_from_log(log_dur, min_frames[ids])[0].numpy()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", default="training/checkpoints/bittts.pt")
    ap.add_argument("--split", default="test", choices=("valid", "test"))
    ap.add_argument("--manifest", default=str(MANIFEST))
    args = ap.parse_args(argv)

    from bittts.engine.text.phones import SYMBOLS

    _, model, _, ckpt = load_checkpoint(args.checkpoint)
    voices = [s["name"] for s in ckpt["speakers"]]
    min_frames = min_frames_for(torch.arange(len(SYMBOLS)), list(SYMBOLS))
    is_phone_symbol = (min_frames > 0).numpy()  # a real phone gets a frame at least; pauses none
    rows = []
    for u in load_split(args.split, Path(args.manifest)):
        rows.append((voices[u.speaker_id], is_phone_symbol[u.phones],
                     predicted_frames(model, u.phones, u.speaker_id, min_frames), u.durations))
    print(f"predicted / aligned frames, {len(rows)} {args.split} utterances")
    for voice, r in sorted(length_ratios(rows).items(), key=lambda kv: (kv[0] == "all", kv[0])):
        print(f"{voice:8} phones {r['phones']:.3f}  pauses {r['pauses']:.3f}  total {r['total']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
