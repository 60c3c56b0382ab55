"""A full training checkpoint as a compact copy: fp16 weights, no optimizer or discriminator state.

A compact copy exports, evaluates and resumes like training/checkpoints/bittts.pt (Adam restarts,
a discriminator warms up anew) at a third of the size: what a lent GPU machine sends back for
a side run whose optimizer state is not worth the transfer (research/device_run.sh, "runs").

    PYTHONPATH=. .venv/bin/python -m research.compact work-data/runs/v0/model.pt --out v0.compact.pt
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

NETWORKS = ("acoustic", "vocoder")  # the weights a compact copy keeps, in fp16
# training state that belongs to one point of a run's trajectory: a compact copy leaves it behind
DROPPED = (
    "opt_acoustic",
    "opt_vocoder",
    "discriminator",
    "opt_discriminator",
    "wave_discriminator",
    "opt_wave_discriminator",
    "step_wave_discriminator",
)


def compact_copy(checkpoint: dict) -> dict:
    out = {k: v for k, v in checkpoint.items() if k not in DROPPED}
    for part in NETWORKS:
        out[part] = {k: v.half() if v.is_floating_point() else v for k, v in checkpoint[part].items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    compact = compact_copy(torch.load(args.checkpoint, map_location="cpu", weights_only=False))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(compact, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
