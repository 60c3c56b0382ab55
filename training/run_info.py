"""What a training run leaves behind, and how it is read: the trainer (training/train.py) writes
it, the model card (training/model_card.py) and the recipe (training/recipe.sh) read it. Neither
of the first two imports the other; both import this.

The bundled model's generation is the committed compact checkpoint's (``bundled_generation``):
the recipe builds that generation, and the trainer's run of that generation's corpus is the one
that writes the compact checkpoint (docs/training.md, "Switching the bundled model"):

    python -m training.run_info --generation [CHECKPOINT]   # 1 or 2 (default: the committed one)
    python -m training.run_info --train-flags 2             # the trainer's flags for that generation
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

FULL_CHECKPOINT = Path("work-data/checkpoints/model.pt")  # the full state, optimizers included
COMPACT_CHECKPOINT = Path("training/checkpoints/bittts.pt")  # fp16 weights, committed (docs/training.md)
RUNS = Path("work-data/runs")  # named side runs (train.py --run), never committed
PAPER_TABLE = Path("training/results/paper_table.json")  # research/paper_table.py's table, for the card


@dataclass(frozen=True)
class Generation:
    """A lineage of the bundled model: the corpus it learns (training.data.CORPORA) and its vocoder."""

    number: int
    corpus: str
    vocoder_kind: str

    def train_flags(self) -> list[str]:
        """The trainer's flags that make this generation's model (train.py --corpus, --vocoder-kind)."""
        return ["--corpus", self.corpus, "--vocoder-kind", self.vocoder_kind]


GENERATIONS = {  # by number, as training/recipe.sh's GENERATION names them
    1: Generation(1, "classic", "ddsp"),  # 8 voices, 22,050 Hz, DDSP vocoder: bundled until issue 30's switch day
    2: Generation(2, "kokoro", "vocos"),  # the 10 Kokoro voices, 24 kHz, Vocos vocoder (issue 30)
}


def checkpoint_corpus(ckpt: dict) -> str:
    """The corpus a checkpoint learned (its ``train_config.corpus``). The field came with the
    Kokoro corpus (7 December 2026): checkpoints from before it learned the first corpus."""
    return ckpt.get("train_config", {}).get("corpus", "classic")


def checkpoint_vocoder_kind(ckpt: dict) -> str:
    """A checkpoint's vocoder (its ``config.vocoder_kind``); checkpoints from before the field: the DDSP."""
    return ckpt["config"].get("vocoder_kind", "ddsp")


def checkpoint_generation(ckpt: dict) -> Generation:
    """The generation a checkpoint (full or compact) belongs to; ValueError for a corpus and
    vocoder pair that is no generation of the bundled model (e.g. a Kokoro run with the DDSP)."""
    pair = checkpoint_corpus(ckpt), checkpoint_vocoder_kind(ckpt)
    found = {(g.corpus, g.vocoder_kind): g for g in GENERATIONS.values()}.get(pair)
    if found is None:
        known = ", ".join(f"{g.number}: {g.corpus} + {g.vocoder_kind}" for g in GENERATIONS.values())
        raise ValueError(f"corpus {pair[0]} with a {pair[1]} vocoder is no generation of the bundled model ({known})")
    return found


def generation(number: int) -> Generation:
    """The generation numbered ``number``; ValueError naming the others for any other number."""
    if number not in GENERATIONS:
        raise ValueError(f"generation {number}: one of {', '.join(map(str, GENERATIONS))}")
    return GENERATIONS[number]


def load_checkpoint_record(path: Path) -> dict:
    """A checkpoint as saved (torch's pickle; torch is imported here, so that the model card and
    the tests that need no checkpoint do not need it)."""
    import torch

    return torch.load(path, map_location="cpu", weights_only=False)


def bundled_checkpoint(path: Path = COMPACT_CHECKPOINT) -> dict | None:
    """The committed compact checkpoint, or None where there is none (a tree without it: the recipe
    then starts the first generation anew)."""
    return load_checkpoint_record(path) if path.exists() else None


def bundled_generation(path: Path = COMPACT_CHECKPOINT) -> Generation:
    """The bundled model's generation: the committed compact checkpoint's, the first without one."""
    ckpt = bundled_checkpoint(path)
    return GENERATIONS[1] if ckpt is None else checkpoint_generation(ckpt)


def bundled_corpus(path: Path = COMPACT_CHECKPOINT) -> str:
    """The corpus of the bundled model's runs: the committed compact checkpoint's (the first
    without one). The trainer's run of this corpus without --run writes that checkpoint."""
    ckpt = bundled_checkpoint(path)
    return GENERATIONS[1].corpus if ckpt is None else checkpoint_corpus(ckpt)


def train_flags(number: int, path: Path = COMPACT_CHECKPOINT) -> list[str]:
    """The trainer's flags for generation ``number``'s run in the recipe: its corpus and vocoder
    and, where the committed checkpoint is of that generation, the model options it was trained
    with that have a flag (--vocos-pitch-inputs), so that the run resumes it instead of refusing."""
    wanted = generation(number)
    flags = wanted.train_flags()
    ckpt = bundled_checkpoint(path)
    if ckpt is not None and checkpoint_generation(ckpt) == wanted and ckpt["config"].get("vocos_pitch_inputs"):
        flags += ["--vocos-pitch-inputs", "1"]
    return flags


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


def main(argv: list[str] | None = None) -> int:
    """The recipe's questions, one line of output each (training/recipe.sh)."""
    ap = argparse.ArgumentParser(description="The bundled model's generation, for training/recipe.sh.")
    ask = ap.add_mutually_exclusive_group(required=True)
    ask.add_argument(
        "--generation",
        nargs="?",
        const=str(COMPACT_CHECKPOINT),
        metavar="CHECKPOINT",
        help=f"print the generation number of CHECKPOINT (default {COMPACT_CHECKPOINT}; 1 where it is missing)",
    )
    ask.add_argument("--train-flags", type=int, metavar="N", help="print the trainer's flags for generation N")
    args = ap.parse_args(argv)
    try:
        if args.train_flags is not None:
            print(" ".join(train_flags(args.train_flags)))
        else:
            path = Path(args.generation)
            if path != COMPACT_CHECKPOINT and not path.exists():  # only the committed one may be missing
                raise SystemExit(f"{path}: no such checkpoint")
            print(bundled_generation(path).number)
    except ValueError as exc:
        raise SystemExit(str(exc)) from exc
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
