"""Average the weights of checkpoints that share a training trajectory (a "model soup").

Before its anneal the fine-tuning runs at constant learning rates, so each checkpoint is a noisy iterate:
iterates a few thousand steps apart differ by 2-3 WER points a voice, in both directions
(docs/training.md, "Settling the fine-tuning"). Their mean sits nearer the centre. The latent
(full-precision) weights are averaged; the exporter ternarizes the result as usual. Steps,
times and history come from the first checkpoint, so the result exports and evaluates like
any other; it carries no optimizer or discriminator state, so training resumes from it like
from a compact copy.

    PYTHONPATH=. .venv/bin/python -m training.average work-data/checkpoints/model.pt \
        work-data/runs/joint2/model.pt --out work-data/runs/soup/model.pt
"""
from __future__ import annotations

import argparse
from pathlib import Path

import torch

from training.model.config import ModelConfig

AVERAGED = ("acoustic", "vocoder")
# training state that belongs to one checkpoint's trajectory point; the rest is kept from the first
DROPPED = ("opt_acoustic", "opt_vocoder", "discriminator", "opt_discriminator", "wave_discriminator",
           "opt_wave_discriminator", "step_wave_discriminator")


def average_state_dicts(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of floating-point tensors (in fp32, returned in the first's dtype);
    other tensors must agree and are kept."""
    if any(s.keys() != states[0].keys() for s in states):
        raise ValueError("the checkpoints hold different tensors")
    out = {}
    for name, first in states[0].items():
        if first.is_floating_point():
            out[name] = (sum(s[name].float() for s in states) / len(states)).to(first.dtype)
        else:
            if any(not torch.equal(s[name], first) for s in states):
                raise ValueError(f"{name}: integer tensors differ between the checkpoints")
            out[name] = first.clone()
    return out


def average_checkpoints(checkpoints: list[dict]) -> dict:
    configs = [ModelConfig(**c["config"]) for c in checkpoints]
    if any(c != configs[0] for c in configs):
        raise SystemExit("the checkpoints were trained with different model configurations")
    out = {k: v for k, v in checkpoints[0].items() if k not in DROPPED}
    for part in AVERAGED:
        out[part] = average_state_dicts([c[part] for c in checkpoints])
    out["provenance"] = (checkpoints[0].get("provenance", "")
                         + f"; weights averaged over {len(checkpoints)} checkpoints of its fine-tuning "
                         + "(fine-tuning steps " + ", ".join(str(c.get("step_finetune", "?")) for c in checkpoints) + ")")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoints", nargs="+", type=Path, help="the first gives steps, times and history")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if len(args.checkpoints) < 2:
        raise SystemExit("give at least two checkpoints")
    averaged = average_checkpoints([torch.load(p, map_location="cpu", weights_only=False) for p in args.checkpoints])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(averaged, args.out)
    print(f"wrote {args.out}: {averaged['provenance']}")


if __name__ == "__main__":
    main()
