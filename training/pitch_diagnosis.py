"""Where the model's pitch goes wrong, per voice: the measurements behind docs/training.md's
"F0 error" paragraphs.

    PYTHONPATH=. .venv/bin/python -m training.pitch_diagnosis                 # 30 test sentences a voice
    PYTHONPATH=. .venv/bin/python -m training.pitch_diagnosis --finetune-minutes 8

With the teacher's durations forced, for each voice (the engine's model, resources/bittts-en.bttm):
- frame F0 RMSE (cents, frames voiced in both) of the rendered F0 against the corpus's track,
  with our predicted phone pitch, and with the teacher's phone pitch forced through
  ``pitch_shift`` (which part loses the pitch: the phone pitch predictor or the decoder);
- the phone pitch predictor's own RMSE (cents);
- the spread (standard deviation) of voiced log-F0 within a sentence, ours and the teacher's;
- the F0 RMSE with our excursions around the sentence mean scaled by 1.2 and 1.6;
- the frames where ours lies more than half an octave below the teacher's track: how many, and
  the median F0 there of ours, of the track, and of dio run on the teacher's audio (whether
  the track or our model is off).

``--finetune-minutes M`` then trains the PyTorch pitch predictor alone for M minutes (encoder
frozen, the training loss, AdamW 1e-3) from work-data/checkpoints/model.pt and prints the
validation phone-pitch RMSE per voice before and after. Nothing is saved: it is an experiment.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np
import soundfile as sf

from training.corpus.features import f0_track
from training.data import CORPUS, LOG_F0_MEAN, LOG_F0_STD, interpolated_log_f0, phone_means
from training.evaluate import f0_rmse_cents, rendered_f0, teacher_forced, test_sentences

CENTS_PER_NORM = LOG_F0_STD * 1200 / math.log(2)  # one unit of normalized log-F0, in cents


def diagnose_voice(model, speaker: np.ndarray, voice: str, count: int) -> dict:
    predicted, forced_pitch, pitch_err, ours_sd, teacher_sd = [], [], [], [], []
    scaled = {1.2: [], 1.6: []}
    low = []  # (ours, track, dio on the teacher's audio) at frames half an octave low
    voiced_frames = 0
    for r in test_sentences(voice, count):
        feats = np.load(CORPUS / "features" / r["path"])
        track = feats["f0"].astype(np.float64)
        out = teacher_forced(model, speaker, feats)
        ours = rendered_f0(out)
        predicted.append(f0_rmse_cents(ours, track))
        norm = (interpolated_log_f0(feats["f0"].astype(np.float32)) - LOG_F0_MEAN) / LOG_F0_STD
        teacher_pitch = phone_means(norm, feats["durations"].astype(np.int64))
        our_pitch = model.pitch_predictor(model.encode(feats["phone_ids"].astype(np.int64), speaker))
        pitch_err.append(float(np.sqrt(np.mean(((teacher_pitch - our_pitch) * CENTS_PER_NORM) ** 2))))
        shift = (teacher_pitch - our_pitch) * CENTS_PER_NORM / 100  # semitones
        forced = teacher_forced_with_pitch(model, speaker, feats, shift)
        forced_pitch.append(f0_rmse_cents(rendered_f0(forced), track))
        n = min(len(ours), len(track))
        ours, track = ours[:n], track[:n]
        voiced = ours > 0
        log_ours = np.log(np.where(voiced, ours, 1.0))
        mean = log_ours[voiced].mean()
        for k in scaled:
            scaled[k].append(f0_rmse_cents(np.where(voiced, np.exp(mean + k * (log_ours - mean)), 0.0), track))
        ours_sd.append(float(log_ours[voiced].std()))
        # a sentence the tracker found (almost) no voicing in has no spread to compare
        teacher_sd.append(float(np.log(track[track > 0]).std()) if (track > 0).sum() > 1 else float("nan"))
        both = voiced & (track > 0)
        voiced_frames += int(both.sum())
        is_low = both & (1200 * np.log2(np.where(both, ours, 1.0) / np.where(both, track, 1.0)) < -600)
        if is_low.any():
            audio, _ = sf.read(CORPUS / "audio" / voice / f"{r['id']}.wav", dtype="float32")
            dio = f0_track(audio, len(feats["f0"]), "dio")[:n]
            low.append(np.c_[ours[is_low], track[is_low], dio[is_low]])
    low_frames = np.concatenate(low) if low else np.zeros((0, 3))
    return {
        "f0_rmse_predicted_pitch": float(np.nanmean(predicted)),
        "f0_rmse_teacher_pitch_forced": float(np.nanmean(forced_pitch)),
        "phone_pitch_rmse": float(np.mean(pitch_err)),
        "log_f0_sd_ours": float(np.mean(ours_sd)), "log_f0_sd_teacher": float(np.nanmean(teacher_sd)),
        **{f"f0_rmse_excursions_x{k}": float(np.nanmean(v)) for k, v in scaled.items()},
        "low_frames": len(low_frames), "low_share": len(low_frames) / max(voiced_frames, 1),
        "low_median_hz_ours_track_dio": np.round(np.median(low_frames, axis=0), 1).tolist() if len(low_frames) else [],
    }


def teacher_forced_with_pitch(model, speaker, feats, shift_semitones: np.ndarray):
    return model.acoustic(feats["phone_ids"].astype(np.int64), speaker,
                          durations=feats["durations"].astype(np.int64), pitch_shift=shift_semitones)


def finetune_pitch_predictor(minutes: float, checkpoint: str) -> None:
    """The pitch predictor alone, trained ``minutes`` more; validation phone-pitch RMSE before/after."""
    import torch

    from training.data import acoustic_batches, collate_acoustic, load_split
    from training.export import load_checkpoint
    from training.model.networks import sequence_mask

    torch.set_num_threads(2)
    torch.manual_seed(0)
    _, model, _, ckpt = load_checkpoint(checkpoint)
    model.train()
    names = [s["name"] for s in ckpt["speakers"]]
    train, valid = load_split("train"), load_split("valid")
    model.requires_grad_(False)
    model.pitch_predictor.requires_grad_(True)
    opt = torch.optim.AdamW(model.pitch_predictor.parameters(), 1e-3, weight_decay=0.01)

    @torch.no_grad()
    def validation_rmse() -> dict[str, int]:
        model.eval()
        errors: dict[int, list[float]] = {}
        for i in range(0, len(valid), 32):
            b = collate_acoustic(valid[i : i + 32])
            mask = sequence_mask(b["phone_lengths"], b["phones"].shape[1])
            _, pitch = model.predict(model.encode(b["phones"], b["speakers"], mask), mask)
            diff = (pitch - b["phone_pitch"]) * CENTS_PER_NORM
            for k, n in enumerate(b["phone_lengths"].tolist()):
                errors.setdefault(int(b["speakers"][k]), []).append(diff[k, :n].pow(2).mean().sqrt().item())
        model.train()
        return {names[s]: round(float(np.mean(v))) for s, v in sorted(errors.items())}

    print("validation phone-pitch RMSE (cents) before:", validation_rmse(), flush=True)
    stream, step, start = acoustic_batches(train, 16 * 400, 1), 0, time.time()
    while time.time() - start < 60 * minutes:
        b = next(stream, None)
        if b is None:
            stream = acoustic_batches(train, 16 * 400, step)
            continue
        mask = sequence_mask(b["phone_lengths"], b["phones"].shape[1])
        with torch.no_grad():
            x = model.encode(b["phones"], b["speakers"], mask)
        pitch = model.pitch_predictor(x, mask)
        loss = (((pitch - b["phone_pitch"]) ** 2) * mask.squeeze(1)).sum() / mask.sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        step += 1
    print(f"after {step} batches ({minutes} min):", validation_rmse(), flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/bittts-en.bttm")
    ap.add_argument("--per-voice", type=int, default=30)
    ap.add_argument("--voices", default="", help="comma-separated (default: all)")
    ap.add_argument("--finetune-minutes", type=float, default=0.0)
    ap.add_argument("--checkpoint", default="work-data/checkpoints/model.pt")
    args = ap.parse_args(argv)
    from bittts.engine.synthesis import Synthesizer

    synth = Synthesizer(args.model)
    wanted = [v for v in args.voices.split(",") if v] or synth.voice_names
    for voice in wanted:
        r = diagnose_voice(synth.model, synth.speaker_vector(voice), voice, args.per_voice)
        print(voice, {k: (round(v, 3) if isinstance(v, float) else v) for k, v in r.items()}, flush=True)
    if args.finetune_minutes > 0:
        finetune_pitch_predictor(args.finetune_minutes, args.checkpoint)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
