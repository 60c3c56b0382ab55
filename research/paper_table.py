"""The paper's comparison on our data, with equal training budgets (one command, resumable).

    nice .venv/bin/python -m research.paper_table [--vocoder-steps 2000 --acoustic-steps 4000 --per-voice 30]

Rows (paper.md, Table 1):
1. fp32, the same architecture;
2. fp32 with every conv width x0.25, so that its fp32 weights are about the size of the
   1.58-bit model's packed weights;
3. 1.58-bit acoustic model and vocoder (the shipped design);
4. 1.58-bit acoustic model only (fp32 vocoder).

Every component trains from scratch for the same number of steps on the same data, in the same
order, with no vocoder fine-tuning, so rows differ only in precision and width. The vocoder
learns from ground-truth features and never sees the acoustic model, so row 4 is row 3's
acoustic model with row 1's vocoder (not a separate run). Each row is exported and evaluated
with the engine (training/evaluate.py). Runs live in work-data/runs/<row>/; the table goes to
work-data/runs/paper_table.json and, for the model card, training/results/paper_table.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from training.model_card import paper_table_markdown
from training.run_info import PAPER_TABLE as RESULTS
from training.run_info import RUNS

LOCK = Path("/tmp/cpu.lock")  # another job holding both cores (e.g. the G2P's training)

TRAINED = {  # run name -> training flags
    "fp32": {"quantize_acoustic": False, "quantize_vocoder": False, "width": 1.0},
    "fp32-narrow": {"quantize_acoustic": False, "quantize_vocoder": False, "width": 0.25},
    "ternary": {"quantize_acoustic": True, "quantize_vocoder": True, "width": 1.0},
}
ROWS = [  # (row, label, acoustic from run, vocoder from run)
    ("fp32", "fp32, same architecture", "fp32", "fp32"),
    ("fp32-narrow", "fp32, channels x0.25 (about the 1.58-bit size)", "fp32-narrow", "fp32-narrow"),
    ("ternary", "1.58-bit acoustic model and vocoder", "ternary", "ternary"),
    ("ternary-acoustic", "1.58-bit acoustic model only (fp32 vocoder)", "ternary", "fp32"),
]


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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The defaults made the model card's table (1 h 50 min on 2 cores).
    ap.add_argument("--vocoder-steps", type=int, default=2000)
    ap.add_argument("--acoustic-steps", type=int, default=4000)
    ap.add_argument("--per-voice", type=int, default=30, help="held-out test sentences per voice")
    args = ap.parse_args(argv)
    py = sys.executable
    RUNS.mkdir(parents=True, exist_ok=True)
    log = RUNS / "paper_table.log"

    for name, flags in TRAINED.items():
        ckpt = RUNS / name / "model.pt"
        done = False
        if ckpt.exists():
            import torch

            c = torch.load(ckpt, map_location="cpu", weights_only=False)
            done = c["step_acoustic"] >= args.acoustic_steps and c["step_vocoder"] >= args.vocoder_steps
        if not done:
            run(
                [
                    py,
                    "-m",
                    "training.train",
                    "--run",
                    name,
                    "--vocoder-steps",
                    str(args.vocoder_steps),
                    "--acoustic-steps",
                    str(args.acoustic_steps),
                    "--finetune-steps",
                    "0",
                    *[f"--{k.replace('_', '-')}={v}" for k, v in flags.items()],
                ],
                log,
            )

    table = []
    for row, label, acoustic_run, vocoder_run in ROWS:
        ckpt = RUNS / row / "model.pt"
        if acoustic_run != vocoder_run:
            merged_checkpoint(acoustic_run, vocoder_run, ckpt)
        model = RUNS / row / "model.bttm"
        run([py, "-m", "training.export", "--checkpoint", str(ckpt), "--out", str(model)], log)
        results = Path("work-data/eval") / f"paper-{row}" / "results.json"
        if not _evaluated(results, model, args.per_voice):
            run(
                [
                    py,
                    "-m",
                    "training.evaluate",
                    "--model",
                    str(model),
                    "--tag",
                    f"paper-{row}",
                    "--per-voice",
                    str(args.per_voice),
                ],
                log,
            )
            r = json.loads(results.read_text())
            r["model_sha"] = _sha(model)
            results.write_text(json.dumps(r, indent=1))
        table.append(summarize(row, label, ckpt, model, json.loads(results.read_text())))

    out = {
        "budget": {
            "vocoder_steps": args.vocoder_steps,
            "acoustic_steps": args.acoustic_steps,
            "vocoder_fine_tuning_steps": 0,
            "test_sentences_per_voice": args.per_voice,
        },
        "rows": table,
    }
    (RUNS / "paper_table.json").write_text(json.dumps(out, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(paper_table_markdown(out))
    return 0


def _evaluated(results: Path, model: Path, per_voice: int) -> bool:
    """Whether results.json is this very file's evaluation on as many sentences as asked."""
    if not results.exists():
        return False
    r = json.loads(results.read_text())
    return r.get("model_sha") == _sha(model) and r.get("per_voice") == per_voice


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def summarize(row: str, label: str, ckpt: Path, model: Path, results: dict) -> dict:
    import torch

    c = torch.load(ckpt, map_location="cpu", weights_only=False)
    params = sum(v.numel() for part in ("acoustic", "vocoder") for v in c[part].values() if v.is_floating_point())
    mean = results["voices"]["_mean"]
    voices = [v for k, v in results["voices"].items() if not k.startswith("_")]
    return {
        "row": row,
        "label": label,
        "file_bytes": model.stat().st_size,
        "parameters": params,
        "fp32_weight_bytes": 4 * params,
        "wer": mean["wer"],
        "teacher_wer": mean["teacher_wer"],
        "dnsmos_ovrl": mean["dnsmos_ovrl"],
        "teacher_dnsmos_ovrl": mean["teacher_dnsmos_ovrl"],
        "mcd_db": mean["mcd_db"],
        "rtf": float(sum(v["rtf_2threads_shared"] for v in voices) / len(voices)),
        "train_seconds": {k: round(v, 1) for k, v in c["seconds"].items()},
    }


if __name__ == "__main__":
    sys.exit(main())
