"""Train the neural G2P on this CPU, resumably, within a time budget.

    nice .venv/bin/python -m training.g2p.train --minutes 20   # resume (or start) and train
    .venv/bin/python -m training.g2p.evaluate                   # test WER/PER -> training/g2p/results.json
    .venv/bin/python -m training.export --checkpoint ... --out ...   # packs training/checkpoints/g2p.pt too

The schedule is by time: linear warm-up, then cosine decay of the learning rate to 10% as the
training time, counted over resumed runs, reaches --minutes (or the step count reaches
--max-steps, when that comes first). An exponential moving average of the weights (--ema-decay,
per step; for the ternary convs the latent float weights are averaged and quantized in the
forward pass as usual) is what validation scores and what the compact checkpoint holds: it
smooths out the flipping of trits near the rounding thresholds that makes the raw weights'
validation error wobble. The full state (optimizer and average included) goes to
work-data/g2p/state.pt (--state) every --save-every minutes and at the end, so the same command
resumes after an interruption; at the end a compact fp16 copy of the averaged weights goes to
training/checkpoints/g2p.pt (committed; the exporter reads it). Architecture options
(--channels, --encoder-dilations 1,2,4 ..., --dropout) must match the state being resumed.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
import torch.nn.functional as F

from training.g2p.data import batches, fits, g2p_words
from training.g2p.evaluate import decode, score
from training.g2p.model import CHECKPOINT, G2PConfig, G2PNet
from training.model.quant import TernaryConv1d
from training.train import cpu_has_bf16, lr_at


@dataclass
class G2PTrainConfig:
    minutes: float = 20.0  # training time of the whole schedule (the learning rate is at its floor then)
    max_steps: int = 0  # or this many steps, whichever comes first (0: time only; fixtures use steps)
    lr: float = 3e-3  # peak AdamW learning rate (ternary QAT wants a larger one than fp32)
    warmup_steps: int = 200
    weight_decay: float = 0.01
    ema_decay: float = 0.999  # per step, of the weight average validated and saved (0: the raw weights)
    batch_letters: int = 4096  # letters a batch, padding included (about 400 words)
    threads: int = 2  # the machine's cores
    bf16: bool | None = None  # bf16 autocast for the convs; None: where the CPU has native bf16
    seed: int = 1
    validate_every: float = 2.0  # minutes of training between validations
    validation_words: int = 1000  # validation words decoded each time (a fixed sample)
    save_every: float = 3.0  # minutes between full-state saves
    train_limit: int = 0  # use only this many training words (0: all; quick experiments)
    state: str = "work-data/g2p/state.pt"  # full state, for resuming
    out: str = str(CHECKPOINT)  # compact fp16 weights, what the exporter packs


def parameter_counts(model: G2PNet) -> tuple[int, int]:
    """(all parameters, those in ternary convs)."""
    ternary = sum(m.weight.numel() for m in model.modules() if isinstance(m, TernaryConv1d) and m.quantized)
    return sum(p.numel() for p in model.parameters()), ternary


class G2PTrainer:
    def __init__(self, tc: G2PTrainConfig, cfg: G2PConfig):
        self.tc, self.cfg = tc, cfg
        torch.manual_seed(tc.seed)
        torch.set_num_threads(tc.threads)
        self.bf16 = cpu_has_bf16() if tc.bf16 is None else tc.bf16
        self.model = G2PNet(cfg)
        self.ema = copy.deepcopy(self.model).eval().requires_grad_(False)  # the weight average
        self.opt = torch.optim.AdamW(self.model.parameters(), tc.lr, weight_decay=tc.weight_decay)
        self.step, self.seconds, self.history = 0, 0.0, []
        self.resume()

    def resume(self) -> None:
        path = Path(self.tc.state)
        if not path.exists():
            print("starting a new G2P", flush=True)
            return
        ckpt = torch.load(path, map_location="cpu", weights_only=False)
        if ckpt["config"] != self.cfg.to_dict():
            raise SystemExit(f"{path} holds another architecture ({ckpt['config']}); move it away to start anew")
        self.model.load_state_dict(ckpt["model"])
        self.ema.load_state_dict(ckpt.get("ema", ckpt["model"]))  # a state from before the average: its weights
        self.opt.load_state_dict(ckpt["optimizer"])
        self.step, self.seconds, self.history = ckpt["step"], ckpt["seconds"], ckpt["history"]
        print(f"resumed from {path}: step {self.step}, {self.seconds / 60:.1f} min trained", flush=True)

    def _save(self, path: Path, state: dict) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save(state, tmp)
        os.replace(tmp, path)

    def save(self, compact: bool = False) -> None:
        total, ternary = parameter_counts(self.model)
        state = {
            "config": self.cfg.to_dict(),
            "train_config": asdict(self.tc),
            "step": self.step,
            "seconds": round(self.seconds, 1),
            "history": self.history,
            "parameters": total,
            "ternary_parameters": ternary,
        }
        if compact:
            state["model"] = {k: v.half() for k, v in self.ema.state_dict().items()}
            path = Path(self.tc.out)
        else:
            state["model"] = self.model.state_dict()
            state["ema"] = self.ema.state_dict()
            state["optimizer"] = self.opt.state_dict()
            path = Path(self.tc.state)
        self._save(path, state)
        print(f"saved {path} ({path.stat().st_size / 1e6:.2f} MB)", flush=True)

    def progress(self) -> float:
        """How far through the schedule training is, 0..1: by time, or by steps when those end first."""
        by_time = self.seconds / (60 * self.tc.minutes)
        return max(by_time, self.step / self.tc.max_steps) if self.tc.max_steps else by_time

    @torch.no_grad()
    def update_ema(self) -> None:
        """Move the average towards the weights just stepped. The decay ramps up over the first
        steps ((1 + step) / (10 + step)), so that early validations are not of the random start."""
        decay = min(self.tc.ema_decay, (1 + self.step) / (10 + self.step))
        torch._foreach_lerp_(list(self.ema.parameters()), list(self.model.parameters()), 1.0 - decay)

    def validate(self, valid) -> dict:
        """Scores the average (what gets saved); "raw": the current weights' rates, for comparison."""
        result = score(decode(self.ema, valid), valid)
        raw = score(decode(self.model, valid), valid)
        record = {
            "step": self.step,
            "minutes": round(self.seconds / 60, 2),
            **result,
            "raw": {"wer": raw["wer"], "per": raw["per"]},
        }
        self.history.append(record)
        print(json.dumps(record), flush=True)
        self.model.train()
        return result

    def run(self) -> None:
        tc, cfg = self.tc, self.cfg
        words = g2p_words()
        train = [e for e in words["train"] if fits(e, cfg.upsample)]
        if tc.train_limit:
            train = train[:: max(1, len(train) // tc.train_limit)][: tc.train_limit]
        valid = words["valid"][:: max(1, len(words["valid"]) // tc.validation_words)][: tc.validation_words]
        total, ternary = parameter_counts(self.model)
        print(
            f"{len(train)} training words; {total:,} parameters, {ternary / total:.1%} ternary; "
            f"bf16 {self.bf16}, {tc.threads} threads",
            flush=True,
        )
        stream = batches(train, tc.batch_letters, tc.seed + self.step)
        last_valid = last_save = self.seconds
        self.model.train()
        while (progress := self.progress()) < 1:
            t0 = time.time()
            for g in self.opt.param_groups:
                g["lr"] = lr_at(self.step, progress, tc.lr, tc.warmup_steps)
            b = next(stream)
            with torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=self.bf16):
                logits, out_lengths = self.model(b["letters"], b["lengths"])
            log_probs = logits.float().log_softmax(dim=1).permute(2, 0, 1)
            loss = F.ctc_loss(log_probs, b["targets"], out_lengths, b["target_lengths"], blank=0, zero_infinity=True)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            self.update_ema()
            self.step += 1
            self.seconds += time.time() - t0
            if self.step % 50 == 0:
                print(
                    json.dumps(
                        {
                            "step": self.step,
                            "minutes": round(self.seconds / 60, 2),
                            "ctc": round(loss.item(), 4),
                            "lr": round(self.opt.param_groups[0]["lr"], 6),
                            "words_per_s": round(len(b["lengths"]) / (time.time() - t0)),
                        }
                    ),
                    flush=True,
                )
            if self.seconds - last_valid >= 60 * tc.validate_every:
                self.validate(valid)
                last_valid = self.seconds
            if self.seconds - last_save >= 60 * tc.save_every:
                self.save()
                last_save = self.seconds
        self.validate(valid)
        self.save()
        self.save(compact=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for dc in (G2PTrainConfig(), G2PConfig()):
        for f in fields(dc):
            if f.name in ("n_letters", "n_outputs"):
                continue
            value = getattr(dc, f.name)
            flag = f"--{f.name.replace('_', '-')}"
            if isinstance(value, tuple):
                parser.add_argument(flag, type=lambda s: tuple(int(x) for x in s.split(",") if x), default=value)
            elif isinstance(value, bool) or f.name == "bf16":
                parser.add_argument(flag, type=lambda s: s.lower() in ("1", "true", "yes"), default=value)
            else:
                parser.add_argument(flag, type=type(value), default=value)
    args = vars(parser.parse_args())
    tc = G2PTrainConfig(**{f.name: args[f.name] for f in fields(G2PTrainConfig)})
    cfg = G2PConfig(**{f.name: args[f.name] for f in fields(G2PConfig) if f.name in args})
    G2PTrainer(tc, cfg).run()


if __name__ == "__main__":
    main()
