"""The paper's comparison on our data, with equal training budgets (one command, resumable).

    nice .venv/bin/python -m research.paper_table [--vocoder-steps 2000 --acoustic-steps 4000 --per-voice 30]
    nice .venv/bin/python -m research.paper_table --corpus kokoro --vocoder-kind vocos   # the second generation
    .venv/bin/python -m research.paper_table --corpus kokoro --vocoder-kind vocos --sizes  # rows' sizes, no training

Rows (paper.md, Table 1):
1. fp32, the same architecture;
2. fp32 with every conv width x0.25 (the Vocos vocoder's channels too), so that its fp32 weights
   are about the size of the 1.58-bit model's packed weights;
3. 1.58-bit acoustic model and vocoder (the shipped design);
4. 1.58-bit acoustic model only (fp32 vocoder).

Every component trains from scratch for the same number of steps on the same data, in the same
order, with no vocoder fine-tuning, so rows differ only in precision and width. The vocoder
learns from ground-truth features and never sees the acoustic model, so row 4 is row 3's
acoustic model with row 1's vocoder (not a separate run). Each row is exported and evaluated
with the engine (training/evaluate.py, no speeds), WER, DNSMOS, MCD and Distill-MOS beside the
paper's MOS (the 1.58-bit vs fp32 gap: 0.66 there).

``--corpus`` / ``--vocoder-kind`` pick the model: the first one (the default: 8 voices, DDSP) or
the second generation (``--corpus kokoro --vocoder-kind vocos``: 10 Kokoro voices, 24 kHz, Vocos).
Runs live in work-data/runs/<row>/ (the second generation's named kokoro-fp32, kokoro-fp32-narrow,
kokoro-ternary, kokoro-ternary-acoustic); evaluations in work-data/eval/paper-<row>/. The table
goes to work-data/runs/<prefix>paper_table.json and, for the model card,
training/results/paper_table.json (the first model's) or training/results/paper_table-kokoro.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from training.model_card import paper_table_markdown
from training.run_info import PAPER_TABLE as RESULTS
from training.run_info import RUNS

LOCK = Path("/tmp/cpu.lock")  # another job holding both cores (e.g. the G2P's training)
EVAL = Path("work-data/eval")  # training.evaluate's folder (not imported: it loads the scorers' modules)

FIRST_MODEL = ("classic", "ddsp")  # (--corpus, --vocoder-kind): the first model, whose runs keep plain names
SECOND_GENERATION = ("kokoro", "vocos")  # issue 30's model: runs named kokoro-<row>
TRAINED = {  # run name (less the model's prefix) -> training flags
    "fp32": {"quantize_acoustic": False, "quantize_vocoder": False, "width": 1.0},
    "fp32-narrow": {"quantize_acoustic": False, "quantize_vocoder": False, "width": 0.25},
    "ternary": {"quantize_acoustic": True, "quantize_vocoder": True, "width": 1.0},
}
ROWS = [  # (row, label, acoustic from run, vocoder from run), names less the model's prefix
    ("fp32", "fp32, same architecture", "fp32", "fp32"),
    ("fp32-narrow", "fp32, channels x0.25 (about the 1.58-bit size)", "fp32-narrow", "fp32-narrow"),
    ("ternary", "1.58-bit acoustic model and vocoder", "ternary", "ternary"),
    ("ternary-acoustic", "1.58-bit acoustic model only (fp32 vocoder)", "ternary", "fp32"),
]
# The paper's MOS per row (paper.md, "Reported results": 15 raters, 30 utterances, 95% CI about
# +-0.1): the 1.58-bit rows' gaps to fp32 are 0.66 (acoustic model and vocoder) and 0.45.
PAPER_MOS = {"fp32": 3.75, "fp32-narrow": 1.20, "ternary": 3.09, "ternary-acoustic": 3.30}


def run_prefix(corpus: str, vocoder_kind: str) -> str:
    """What the model's run names start with: nothing for the first model (its runs and
    evaluations keep the names they have), "kokoro-" for the second generation, else
    "<corpus>-<vocoder kind>-"."""
    if (corpus, vocoder_kind) == FIRST_MODEL:
        return ""
    if (corpus, vocoder_kind) == SECOND_GENERATION:
        return f"{corpus}-"
    return f"{corpus}-{vocoder_kind}-"


def table_paths(prefix: str) -> tuple[Path, Path]:
    """(the run folder's table, the model card's) for a model's run-name prefix."""
    card = RESULTS if not prefix else RESULTS.with_name(f"{RESULTS.stem}-{prefix.rstrip('-')}.json")
    return RUNS / f"{prefix}paper_table.json", card


def wait_for_cores() -> None:
    """Let a job that holds /tmp/cpu.lock finish first: two jobs on two cores run 8-10x slower.
    If some process is waiting to take the lock, pause long enough for it to see the cores free."""
    if _lock_waiters():
        time.sleep(90)
    while LOCK.exists():
        time.sleep(30)


def _lock_waiters() -> bool:
    me = os.getpid()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            if int(proc.name) != me and str(LOCK).encode() in (proc / "cmdline").read_bytes():
                return True
        except (OSError, ValueError):
            continue
    return False


def run(cmd: list[str], log: Path) -> None:
    wait_for_cores()
    print("$", " ".join(cmd), flush=True)
    with log.open("a") as out:
        subprocess.run(cmd, check=True, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": "."})


def merged_checkpoint(acoustic_run: str, vocoder_run: str, out: Path) -> None:
    """Row 4: one run's acoustic model with another run's vocoder, in one checkpoint."""
    import torch

    a = torch.load(RUNS / acoustic_run / "model.pt", map_location="cpu", weights_only=False)
    v = torch.load(RUNS / vocoder_run / "model.pt", map_location="cpu", weights_only=False)
    merged = {
        k: a[k] for k in ("config", "phones", "speakers", "acoustic", "step_acoustic", "seconds", "audio_seconds")
    }
    merged["config"] = {**a["config"], "quantize_vocoder": v["config"]["quantize_vocoder"]}
    merged["vocoder"], merged["step_vocoder"], merged["step_finetune"] = v["vocoder"], v["step_vocoder"], 0
    merged["seconds"] = {**a["seconds"], "vocoder": v["seconds"]["vocoder"]}
    merged["provenance"] = f"paper table row: acoustic model of run {acoustic_run}, vocoder of run {vocoder_run}"
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(merged, out)


def row_config(corpus: str, vocoder_kind: str, flags: dict):
    """The ModelConfig training.train builds for a trained row (its corpus' layout and voices,
    the precision flags, every width scaled by ``scaled_config``)."""
    from bittts.engine.text.phones import SYMBOLS
    from training.data import CORPORA
    from training.model.config import ModelConfig
    from training.train import scaled_config

    lay = CORPORA[corpus].layout
    cfg = ModelConfig(
        sample_rate=lay.sample_rate,
        hop_size=lay.hop,
        n_mels=lay.n_mels,
        n_phones=len(SYMBOLS),
        n_speakers=len(CORPORA[corpus].voices),
        vocoder_kind=vocoder_kind,
        quantize_acoustic=flags["quantize_acoustic"],
        quantize_vocoder=flags["quantize_vocoder"],
    )
    return scaled_config(cfg, flags["width"])


def row_sizes(corpus: str, vocoder_kind: str) -> dict[str, dict]:
    """Each trained row's size, from an untrained model of its configuration (sizes do not depend
    on the weights): parameters, their fp32 bytes, and the bytes of the exporter's file of the
    weights alone (ternary packed, the rest fp16; no lexicon or G2P, which every row's file
    carries alike). Says whether the narrow fp32 row is still "about the 1.58-bit size"."""
    from training.export import build_writer
    from training.model.networks import AcousticModel, vocoder_for

    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, flags in TRAINED.items():
            cfg = row_config(corpus, vocoder_kind, flags)
            acoustic, vocoder = AcousticModel(cfg), vocoder_for(cfg)
            params = {
                part: sum(v.numel() for v in m.state_dict().values() if v.is_floating_point())
                for part, m in (("acoustic", acoustic), ("vocoder", vocoder))
            }
            speakers = [{"name": f"s{i}"} for i in range(cfg.n_speakers)]
            writer = build_writer(cfg, acoustic, vocoder, [f"p{i}" for i in range(cfg.n_phones)], speakers, None, "")
            sizes[name] = {
                "vocoder_channels": cfg.vocos_channels if vocoder_kind == "vocos" else cfg.vocoder_channels,
                "acoustic_parameters": params["acoustic"],
                "vocoder_parameters": params["vocoder"],
                "fp32_weight_bytes": 4 * sum(params.values()),
                "packed_weight_bytes": writer.write(Path(tmp) / f"{name}.bttm"),
            }
    return sizes


def sizes_lines(sizes: dict[str, dict]) -> list[str]:
    """``row_sizes`` as lines, the narrow fp32 row's weights against the 1.58-bit row's file."""
    lines = [
        f"{name:12} vocoder channels {s['vocoder_channels']:4}  parameters {s['acoustic_parameters'] / 1e6:.3f}M "
        f"acoustic + {s['vocoder_parameters'] / 1e6:.3f}M vocoder  fp32 weights {s['fp32_weight_bytes'] / 1e6:.2f} MB"
        f"  packed weights {s['packed_weight_bytes'] / 1e6:.2f} MB"
        for name, s in sizes.items()
    ]
    narrow, ternary = sizes["fp32-narrow"]["fp32_weight_bytes"], sizes["ternary"]["packed_weight_bytes"]
    lines.append(f"fp32-narrow's fp32 weights / ternary's packed weights: {narrow / ternary:.2f}")
    return lines


def train_command(py: str, name: str, flags: dict, corpus: str, vocoder_kind: str, args) -> list[str]:
    """training.train for one trained row: the model's corpus and vocoder, the equal budget, no fine-tuning."""
    return [
        py,
        "-m",
        "training.train",
        "--run",
        name,
        "--corpus",
        corpus,
        "--vocoder-kind",
        vocoder_kind,
        "--vocoder-steps",
        str(args.vocoder_steps),
        "--acoustic-steps",
        str(args.acoustic_steps),
        "--finetune-steps",
        "0",
        *[f"--{k.replace('_', '-')}={v}" for k, v in flags.items()],
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The defaults made the model card's table (1 h 50 min on 2 cores).
    ap.add_argument("--vocoder-steps", type=int, default=2000)
    ap.add_argument("--acoustic-steps", type=int, default=4000)
    ap.add_argument("--per-voice", type=int, default=30, help="held-out test sentences per voice")
    ap.add_argument("--corpus", default=FIRST_MODEL[0], choices=("classic", "kokoro"))
    ap.add_argument("--vocoder-kind", default=FIRST_MODEL[1], choices=("ddsp", "vocos"))
    ap.add_argument("--sizes", action="store_true", help="print each row's size before training, and stop")
    args = ap.parse_args(argv)
    if args.sizes:
        print("\n".join(sizes_lines(row_sizes(args.corpus, args.vocoder_kind))))
        return 0
    py = sys.executable
    prefix = run_prefix(args.corpus, args.vocoder_kind)
    RUNS.mkdir(parents=True, exist_ok=True)
    log = RUNS / f"{prefix}paper_table.log"

    for name, flags in TRAINED.items():
        ckpt = RUNS / (prefix + name) / "model.pt"
        done = False
        if ckpt.exists():
            import torch

            c = torch.load(ckpt, map_location="cpu", weights_only=False)
            done = c["step_acoustic"] >= args.acoustic_steps and c["step_vocoder"] >= args.vocoder_steps
        if not done:
            run(train_command(py, prefix + name, flags, args.corpus, args.vocoder_kind, args), log)

    table = []
    for row, label, acoustic_run, vocoder_run in ROWS:
        name = prefix + row
        ckpt = RUNS / name / "model.pt"
        if acoustic_run != vocoder_run:
            merged_checkpoint(prefix + acoustic_run, prefix + vocoder_run, ckpt)
        model = RUNS / name / "model.bttm"
        run([py, "-m", "training.export", "--checkpoint", str(ckpt), "--out", str(model)], log)
        results = EVAL / f"paper-{name}" / "results.json"
        if not _evaluated(results, model, args.per_voice):
            run(
                [
                    py,
                    "-m",
                    "training.evaluate",
                    "--model",
                    str(model),
                    "--tag",
                    f"paper-{name}",
                    "--per-voice",
                    str(args.per_voice),
                    "--speeds=",  # speeds are no part of the comparison
                ],
                log,
            )
            r = json.loads(results.read_text())
            r["model_sha"] = _sha(model)
            results.write_text(json.dumps(r, indent=1))
        table.append(summarize(name, row, label, ckpt, model, json.loads(results.read_text())))

    out = {
        "budget": {
            "vocoder_steps": args.vocoder_steps,
            "acoustic_steps": args.acoustic_steps,
            "vocoder_fine_tuning_steps": 0,
            "test_sentences_per_voice": args.per_voice,
        },
        "rows": table,
    }
    if (args.corpus, args.vocoder_kind) != FIRST_MODEL:
        out["model"] = {"corpus": args.corpus, "vocoder_kind": args.vocoder_kind}
    gaps = mos_gaps(table)
    if gaps:
        out["distill_mos_gap"] = gaps
    for path in table_paths(prefix):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out, indent=1) + "\n")
    print(paper_table_markdown(out))
    return 0


def mos_gaps(rows: list[dict]) -> dict | None:
    """How far each 1.58-bit row's mean Distill-MOS is below the fp32 row's, beside the paper's
    MOS gap for that row (0.66 for acoustic model and vocoder); None where a row has no Distill-MOS
    (evaluations from before it)."""
    by_design = {r["design"]: r for r in rows}
    if "fp32" not in by_design or any(r.get("distill_mos") is None for r in rows):
        return None
    fp32 = by_design["fp32"]["distill_mos"]
    return {
        design: {"ours": fp32 - by_design[design]["distill_mos"], "paper": PAPER_MOS["fp32"] - PAPER_MOS[design]}
        for design in ("ternary", "ternary-acoustic")
        if design in by_design
    }


def _evaluated(results: Path, model: Path, per_voice: int) -> bool:
    """Whether results.json is this very file's evaluation on as many sentences as asked."""
    if not results.exists():
        return False
    r = json.loads(results.read_text())
    return r.get("model_sha") == _sha(model) and r.get("per_voice") == per_voice


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def summarize(row: str, design: str, label: str, ckpt: Path, model: Path, results: dict) -> dict:
    """A table row: ``row`` the run's name, ``design`` the paper's row (a key of PAPER_MOS);
    Distill-MOS is None for an evaluation from before training.evaluate scored it."""
    import torch

    c = torch.load(ckpt, map_location="cpu", weights_only=False)
    params = sum(v.numel() for part in ("acoustic", "vocoder") for v in c[part].values() if v.is_floating_point())
    mean = results["voices"]["_mean"]
    voices = [v for k, v in results["voices"].items() if not k.startswith("_")]
    return {
        "row": row,
        "design": design,
        "label": label,
        "file_bytes": model.stat().st_size,
        "parameters": params,
        "fp32_weight_bytes": 4 * params,
        "wer": mean["wer"],
        "teacher_wer": mean["teacher_wer"],
        "dnsmos_ovrl": mean["dnsmos_ovrl"],
        "teacher_dnsmos_ovrl": mean["teacher_dnsmos_ovrl"],
        "distill_mos": mean.get("distill_mos"),
        "teacher_distill_mos": mean.get("teacher_distill_mos"),
        "paper_mos": PAPER_MOS[design],
        "mcd_db": mean["mcd_db"],
        "rtf": float(sum(v["rtf_2threads_shared"] for v in voices) / len(voices)),
        "train_seconds": {k: round(v, 1) for k, v in c["seconds"].items()},
    }


if __name__ == "__main__":
    sys.exit(main())
