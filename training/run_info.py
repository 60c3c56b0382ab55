"""What a training run leaves behind, and how it is read: the trainer (training/train.py) writes
it, the model card (training/model_card.py) reads it. Neither imports the other; both import this.
"""

from __future__ import annotations

from pathlib import Path

FULL_CHECKPOINT = Path("work-data/checkpoints/model.pt")  # the full state, optimizers included
COMPACT_CHECKPOINT = Path("training/checkpoints/bittts.pt")  # fp16 weights, committed (docs/training.md)
RUNS = Path("work-data/runs")  # named side runs (train.py --run), never committed
PAPER_TABLE = Path("training/results/paper_table.json")  # research/paper_table.py's table, for the card


def hardware_hours(device_seconds: dict[str, float]) -> str:
    """'4.69 h on cpu, 0.09 h on cuda': where a model's training time was spent."""
    return ", ".join(f"{s / 3600:.2f} h on {d}" for d, s in sorted(device_seconds.items())) or "none yet"


def finetune_steps_heard(ckpt: dict) -> int:
    """Fine-tuning steps a checkpoint's vocoder took against the spectrogram discriminator. Checkpoints
    from before the count was kept: the discriminator's own steps less its warm-up (an undercount
    where a compact resume restarted the discriminator)."""
    if "step_finetune_adversarial" in ckpt:
        return ckpt["step_finetune_adversarial"]
    warmup = ckpt.get("train_config", {}).get("discriminator_warmup", 0)
    return max(0, ckpt.get("step_wave_discriminator", 0) - warmup)
