"""Writes resources/MODEL_CARD.md from the model file, its checkpoint, the corpus and the evaluation.

    python -m training.model_card --model resources/bittts-en.bttm \
        --checkpoint work-data/checkpoints/model.pt --results work-data/eval/bittts-en/results.json
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from bittts.engine.model_format import DType, ModelFile
from bittts.engine.model_info import format_bytes, summarize
from bittts.engine.text.lexicon import CORRECTIONS
from training.data import MANIFEST
from training.run_info import PAPER_TABLE, finetune_steps_heard, hardware_hours


def vocoder_loss_line(ckpt: dict) -> str:
    """The vocoder's loss in the checkpoint's latest training run (train.py --vocoder-mel-weight)."""
    weight = ckpt.get("train_config", {}).get("vocoder_mel_weight", 0.0)
    if not weight:
        return "- vocoder loss: multi-resolution STFT"
    return (
        f"- vocoder loss: multi-resolution STFT + {weight:g} x log-mel L1 in the latest run (since which steps: "
        f'docs/experiments/2026-11-models.md, "A log-mel loss for the vocoder")'
    )


def hardware_line(ckpt: dict) -> str:
    """Where the training time went: '2 CPU threads' alone, or the hours on each device."""
    threads = ckpt.get("train_config", {}).get("threads", "?")
    devices = ckpt.get("device_seconds") or {ckpt.get("train_config", {}).get("device", "cpu"): 0.0}
    if set(devices) == {"cpu"}:
        return f"cpu ({threads} threads)"
    return hardware_hours(devices) + (f" (cpu: {threads} threads)" if "cpu" in devices else "")


def joint_finetune_note(ckpt: dict) -> str:
    """When the latest run's fine-tuning also trained the acoustic model (train.py --finetune-acoustic-lr)."""
    lr = ckpt.get("train_config", {}).get("finetune_acoustic_lr", 0.0)
    anneal = ckpt.get("train_config", {}).get("finetune_anneal_steps", 0)
    return (
        f"; in the latest run the acoustic model learned with it through the vocoder's losses (learning rate "
        f'{lr:g}; docs/experiments/2026-11-models.md, "Joint fine-tuning")'
        if lr
        else ""
    ) + (
        f'; its last {anneal:,} steps annealed both learning rates to 10% ("Settling the fine-tuning")'
        if anneal
        else ""
    )


def edge_weight_note(ckpt: dict) -> str:
    """When the latest run weighed phone-boundary frames in the mel L1 (train.py --mel-edge-weight)."""
    weight = ckpt.get("train_config", {}).get("mel_edge_weight", 1.0)
    return (
        ""
        if weight == 1.0
        else f"; in the latest run its mel L1 weighed frames at phone boundaries {weight:g} "
        f'times the others (docs/experiments/2026-11-models.md, "Weighing phone boundaries")'
    )


def layer_table(model: ModelFile) -> list[str]:
    """Parameters and file bytes by kind: which layers stay at higher precision, and their share."""
    groups = defaultdict(lambda: [0, 0])
    for t in model.tensors.values():
        if t.dtype == DType.TERNARY:
            kind = "ternary convolutions"
        elif "embedding" in t.name and "pitch" not in t.name:
            kind = "embeddings (fp16)"
        elif ".norm." in t.name:
            kind = "layer norms (fp16)"
        elif t.name.endswith(".bias"):
            kind = "biases (fp16)"
        else:
            kind = "final projections and pitch embedding (fp16)"
        groups[kind][0] += t.count
        groups[kind][1] += t.nbytes
    blobs = sum(b.stored_size for b in model.blobs.values())
    total_params = sum(g[0] for g in groups.values())
    lines = ["| part | parameters | share of parameters | bytes in file | share of file |", "|---|---|---|---|---|"]
    for kind, (params, nbytes) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        lines.append(
            f"| {kind} | {params:,} | {params / total_params:.1%} | {format_bytes(nbytes)} "
            f"| {nbytes / model.file_size:.1%} |"
        )
    lines.append(f"| lexicon and other blobs | - | - | {format_bytes(blobs)} | {blobs / model.file_size:.1%} |")
    return lines


def corpus_hours() -> dict:
    hours = defaultdict(float)
    if MANIFEST.exists():
        for line in MANIFEST.read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                if r["split"] == "train":
                    hours[r["speaker"]] += r["seconds"] / 3600
    return dict(hours)


def g2p_lines() -> list[str]:
    """What happens to words the dictionary lacks, with the G2P's measured error rates."""
    results = Path("training/g2p/results.json")
    if not results.exists():
        return [
            "- Words missing from the CMU dictionary go through a rule-based letter-to-sound step and may be",
            "  read wrongly; users can fix them with the pronunciation dictionary.",
        ]
    r = json.loads(results.read_text())
    net, ckpt = r["pytorch"], r["checkpoint"]
    how = (
        "decoded by a beam search scored with a phone 5-gram model of the dictionary"
        if r.get("decoder")
        else "decoded greedily"
    )
    return [
        f"- Words missing from the CMU dictionary get phones from the file's ternary G2P "
        f"({ckpt['parameters']:,} parameters, counted above; {how}): on {net['words']:,} held-out",
        f"  dictionary words it gets {net['wer']:.1%} of words and {net['per']:.1%} of phones wrong "
        "(stress included). Names and loanwords suffer most; users can fix them with the pronunciation "
        "dictionary.",
    ]


def paper_table_minutes(row: dict) -> str:
    """Wall minutes of the row's vocoder and acoustic stages (row 4: the two runs' stages it
    reuses); a row without train_seconds gets an empty cell."""
    seconds = row.get("train_seconds")
    if not seconds:
        return ""
    return f"{(seconds.get('vocoder', 0.0) + seconds.get('acoustic', 0.0)) / 60:.0f}"


def paper_table_markdown(table: dict) -> str:
    """research/paper_table.py's table (training/results/paper_table.json) as markdown."""
    b = table["budget"]
    lines = [
        f"Equal budgets: vocoder {b['vocoder_steps']} steps, acoustic model {b['acoustic_steps']} steps, "
        f"no fine-tuning; {b['test_sentences_per_voice']} held-out sentences per voice.",
        "",
        "| model | file (MB) | params | fp32 weights (MB) | WER | DNSMOS OVRL | MCD (dB) | engine RTF "
        "| training (min) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in table["rows"]:
        lines.append(
            f"| {r['label']} | {r['file_bytes'] / 1e6:.2f} | {r['parameters'] / 1e6:.2f}M | "
            f"{r['fp32_weight_bytes'] / 1e6:.1f} | {100 * r['wer']:.1f}% | {r['dnsmos_ovrl']:.2f} | "
            f"{r['mcd_db']:.2f} | {r['rtf']:.4f} | {paper_table_minutes(r)} |"
        )
    first = table["rows"][0] if table["rows"] else None
    if first:
        lines.append(
            f"| teacher voices | | | | {100 * first['teacher_wer']:.1f}% | {first['teacher_dnsmos_ovrl']:.2f} | | | |"
        )
    return "\n".join(lines)


def paper_table_section(results: Path = PAPER_TABLE) -> list[str]:
    """The paper's four-row comparison (research/paper_table.py), when it has been measured."""
    if not results.exists():
        return []
    return [
        "## The paper's comparison on our data",
        "",
        "Measured with `python -m research.paper_table`: each row trained from scratch with the same",
        "budget, exported, and evaluated with the engine like the shipped model (fewer sentences).",
        "The file column is the packed file as the exporter writes it (fp16 for non-ternary weights,",
        "lexicon included); the fp32 column is the weights alone at 4 bytes each. What it says of the",
        "paper's claims: docs/experiments/2026-11-paper-table.md.",
        "",
        paper_table_markdown(json.loads(results.read_text())),
        "",
    ]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/bittts-en.bttm")
    ap.add_argument("--checkpoint", default="work-data/checkpoints/model.pt")
    ap.add_argument("--results", default=None)
    ap.add_argument("--out", default="resources/MODEL_CARD.md")
    args = ap.parse_args(argv)
    import torch

    model = ModelFile(args.model)
    s = summarize(model)
    ckpt = torch.load(args.checkpoint, map_location="cpu", weights_only=False) if Path(args.checkpoint).exists() else {}
    results = json.loads(Path(args.results).read_text()) if args.results and Path(args.results).exists() else None
    meta = model.metadata
    g2p_params = sum(t.count for t in model.tensors.values() if t.name.startswith("g2p."))
    hours = corpus_hours()
    from training.teachers.voices import ALL_VOICES

    # the voices this model holds, in its speaker order (a Kokoro voice names its Kokoro voice)
    names = list(meta.get("speakers.name") or [])
    voices = [v for name in names for v in ALL_VOICES if v.name == name]

    out = [
        f"# Model card: {meta.get('general.name', 'BitTTS')}",
        "",
        "An English text-to-speech model for BitTTS Desktop: a FastSpeech2-style convolutional acoustic",
        "model and a DDSP (harmonic-plus-noise) vocoder, trained with 1.58-bit quantization-aware",
        "training and stored with 5 ternary weights per byte. It speaks in the voices below, which it",
        "learned by distillation from other text-to-speech engines (its teachers).",
        "",
        "## The file",
        "",
        f"- size {format_bytes(s.file_bytes)} ({s.file_bytes:,} bytes), everything included (lexicon too)",
        f"- {s.parameters:,} parameters, {s.ternary_share:.1%} of them ternary; "
        f"{s.bits_per_weight:.2f} bits per parameter over the whole file",
        *([f"  ({s.parameters - g2p_params:,} in the speech model, {g2p_params:,} in the G2P)"] if g2p_params else []),
        f"- the same parameters at fp32: {format_bytes(s.fp32_bytes)}; this file is {s.reduction:.1%} smaller",
        f"- sample rate {meta.get('audio.sample_rate')} Hz, hop {meta.get('audio.hop_size')} samples",
        "- SHA-256 of the body: see the file's last 32 bytes (docs/model-format.md)",
        "",
        *layer_table(model),
        "",
        "## Voices and their teachers",
        "",
        "| voice | sex | accent | teacher (engine, voice) | licence of the teacher voice | training hours |",
        "|---|---|---|---|---|---|",
    ]
    for v in voices:
        out.append(
            f"| {v.name} | {v.sex} | {v.accent} | {v.engine} {v.voice} | {v.licence} | {hours.get(v.name, 0):.2f} |"
        )
    out += ["", "Provenance notes:", ""]
    out += [f"- {v.name}: {v.provenance}" for v in voices if v.provenance]
    if any(v.engine == "kokoro" for v in voices):
        out += [
            "",
            "The Kokoro voices are distilled from Kokoro-82M v1.0 (weights and voices by hexgrad,",
            "Apache-2.0; the int8 ONNX export, MIT), which allows distillation and redistribution",
            "with attribution; its NOTICE travels with the installers.",
        ]
    out += [
        "",
        "The voices imitate synthetic teacher voices, not recordings of people; each real person",
        "behind a teacher voice has one voice id here.",
        "",
        "## Training",
        "",
    ]
    if ckpt:
        secs = ckpt.get("seconds", {})
        adversarial_finetune = finetune_steps_heard(ckpt)
        audio = ckpt.get("audio_seconds", {})
        out += [
            f"- vocoder: {ckpt.get('step_vocoder', 0):,} steps, {secs.get('vocoder', 0) / 3600:.2f} h",
            f"- acoustic model: {ckpt.get('step_acoustic', 0):,} steps, {secs.get('acoustic', 0) / 3600:.2f} h"
            + edge_weight_note(ckpt),
            f"- vocoder fine-tuning on the acoustic model's frames: {ckpt.get('step_finetune', 0):,} steps, "
            f"{secs.get('finetune', 0) / 3600:.2f} h"
            + (
                f", the last {adversarial_finetune:,} of them against a spectrogram discriminator "
                f'(docs/experiments/2026-11-models.md, "Adversarial stages")'
                if adversarial_finetune > 0
                else ""
            )
            + joint_finetune_note(ckpt),
            vocoder_loss_line(ckpt),
            f"- throughput: vocoder {audio.get('vocoder', 0) / max(secs.get('vocoder', 1), 1):.1f}, acoustic "
            f"{audio.get('acoustic', 0) / max(secs.get('acoustic', 1), 1):.1f} audio seconds per wall second",
            f"- hardware: {hardware_line(ckpt)}",
            f"- provenance: {ckpt.get('provenance', meta.get('general.provenance', ''))}",
        ]
        vals = [h for h in ckpt.get("history", []) if h.get("stage") == "validation"]
        if vals:
            last = vals[-1]
            out.append(
                f"- last validation (teacher-forced): mel L1 {last['mel_l1']}, log-F0 L1 {last['f0_l1']}, "
                f"log-duration MSE {last['dur']}"
            )
    out += [
        f"- corpus: {sum(hours.values()):.1f} h of training audio over {len(hours)} voices "
        "(training/corpus, docs/corpus.md)",
        "",
    ]
    out += ["## Evaluation", ""]
    if results:
        out += [
            f"Engine output on held-out test sentences ({results['per_voice']} per voice); "
            "`python -m training.evaluate` reproduces it.",
            "Word error rates: Whisper base; the sentence and the transcript both pass through the engine's",
            'text normalizer, and spellings of one spoken form ("alright" and "all right", British and',
            "American spellings) count as the same words (training/corpus/teacher_wer.py).",
            "The lexicon's corrections of CMUdict (`CORRECTIONS` in engine/text/lexicon.py: "
            + ", ".join(sorted(CORRECTIONS))
            + ")",
            "were found through one of these sentences, which they make easier for the engine than for a",
            'new text (docs/experiments/2026-11-models.md, "A corrected lexicon").',
            "",
            "| voice | WER | teacher WER | DNSMOS OVRL | teacher OVRL | DNSMOS SIG | teacher SIG | MCD (dB) "
            "| F0 RMSE (cents) | 4-8 kHz share vs teacher |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, r in results["voices"].items():
            if name.startswith("_"):
                continue
            out.append(
                f"| {name} | {r['wer']:.1%} | {r['teacher_wer']:.1%} | {r['dnsmos_ovrl']:.2f} | "
                f"{r['teacher_dnsmos_ovrl']:.2f} | {r['dnsmos_sig']:.2f} | {r['teacher_dnsmos_sig']:.2f} | "
                f"{r['mcd_db']:.2f} | "
                f"{r['f0_rmse_cents']:.0f} | {r['band_4_8k_ratio']:.2f} |"
            )
        m = results["voices"].get("_mean")
        if m:
            out.append(
                f"| **mean** | {m['wer']:.1%} | {m['teacher_wer']:.1%} | {m['dnsmos_ovrl']:.2f} | "
                f"{m['teacher_dnsmos_ovrl']:.2f} | | | {m['mcd_db']:.2f} | | |"
            )
    else:
        out.append("Not evaluated yet.")
    out += [
        "",
        *paper_table_section(),
        "## Intended use",
        "",
        "Reading text aloud on a personal computer, offline: accessibility reading, proofreading by ear,",
        "listening to documents. Not for impersonating anyone, and not for telephony-grade or broadcast",
        "use: the voices are distilled from synthetic teachers and carry their limits. English only.",
        "",
        "## Limitations",
        "",
        "- Quality is bounded by the teachers (their WER is in the table) and by the training budget above.",
        *g2p_lines(),
        "",
    ]
    Path(args.out).write_text("\n".join(out))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
