"""Writes resources/MODEL_CARD.md from the model file, its checkpoint, the corpus and the evaluation.

    python -m training.model_card --model resources/bittts-en.bttm \
        --checkpoint work-data/checkpoints/model.pt --results work-data/eval/bittts-en/results.json
    python -m training.model_card --model work-data/cand/kokoro.bttm --checkpoint work-data/runs/kokoro/model.pt \
        --results work-data/eval/kokoro/results.json --out work-data/cand/MODEL_CARD-kokoro.md

The model's voices (``speakers.name``) say which corpus it learned from (training.evaluate
``corpus_for``). A Kokoro model's card names each voice's Kokoro voice, carries Kokoro's
attribution and the Apache-2.0 notice, the vocoder kind and the Distill-MOS gates and speed
table of its evaluation (training/evaluate.py writes them to results.json); the first model's
card is what it always was.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from bittts.engine.model_format import DType, ModelFile
from bittts.engine.model_info import format_bytes, summarize
from bittts.engine.text.lexicon import CORRECTIONS
from training.data import MANIFEST, Corpus
from training.evaluate import corpus_for, gate_lines, speed_table
from training.run_info import PAPER_TABLE, finetune_steps_heard, hardware_hours
from training.teachers.voices import ALL_VOICES, TeacherVoice


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


def corpus_hours(manifest: Path | None = None) -> dict:
    """Training-split hours per voice in a features manifest (default: the first corpus's)."""
    manifest = manifest or MANIFEST
    hours: dict[str, float] = defaultdict(float)
    if manifest.exists():
        for line in manifest.read_text().splitlines():
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
    """research/paper_table.py's table (training/results/paper_table.json) as markdown. Where every
    row has Distill-MOS (the second generation's table), a Distill-MOS column and the paper's MOS
    beside it, and under the table the 1.58-bit rows' gaps to fp32 against the paper's (0.66)."""
    b = table["budget"]
    mos = bool(table["rows"]) and all(r.get("distill_mos") is not None for r in table["rows"])
    lines = [
        f"Equal budgets: vocoder {b['vocoder_steps']} steps, acoustic model {b['acoustic_steps']} steps, "
        f"no fine-tuning; {b['test_sentences_per_voice']} held-out sentences per voice.",
        "",
        "| model | file (MB) | params | fp32 weights (MB) | WER | DNSMOS OVRL | "
        + ("Distill-MOS | paper's MOS | " if mos else "")
        + "MCD (dB) | engine RTF | training (min) |",
        "|---|---|---|---|---|---|---|---|---|" + ("---|---|" if mos else ""),
    ]
    for r in table["rows"]:
        lines.append(
            f"| {r['label']} | {r['file_bytes'] / 1e6:.2f} | {r['parameters'] / 1e6:.2f}M | "
            f"{r['fp32_weight_bytes'] / 1e6:.1f} | {100 * r['wer']:.1f}% | {r['dnsmos_ovrl']:.2f} | "
            + (f"{r['distill_mos']:.2f} | {r.get('paper_mos', '')} | " if mos else "")
            + f"{r['mcd_db']:.2f} | {r['rtf']:.4f} | {paper_table_minutes(r)} |"
        )
    first = table["rows"][0] if table["rows"] else None
    if first:
        teacher_mos = f"{first['teacher_distill_mos']:.2f} | | " if mos and first.get("teacher_distill_mos") else ""
        lines.append(
            f"| teacher voices | | | | {100 * first['teacher_wer']:.1f}% | {first['teacher_dnsmos_ovrl']:.2f} | "
            + (teacher_mos or ("| | " if mos else ""))
            + "| | |"
        )
    gaps = table.get("distill_mos_gap") or {}
    names = {"ternary": "1.58-bit acoustic model and vocoder", "ternary-acoustic": "1.58-bit acoustic model only"}
    if gaps:
        lines += [
            "",
            "Distill-MOS below fp32 of the same architecture: "
            + "; ".join(
                f"{names.get(design, design)} {g['ours']:.2f} (the paper's MOS: {g['paper']:.2f})"
                for design, g in gaps.items()
            )
            + ".",
        ]
    return "\n".join(lines)


def paper_table_section(results: Path = PAPER_TABLE, command: str = "python -m research.paper_table") -> list[str]:
    """The paper's four-row comparison (research/paper_table.py), when it has been measured."""
    if not results.exists():
        return []
    return [
        "## The paper's comparison on our data",
        "",
        f"Measured with `{command}`: each row trained from scratch with the same",
        "budget, exported, and evaluated with the engine like the shipped model (fewer sentences).",
        "The file column is the packed file as the exporter writes it (fp16 for non-ternary weights,",
        "lexicon included); the fp32 column is the weights alone at 4 bytes each. What it says of the",
        "paper's claims: docs/experiments/2026-11-paper-table.md.",
        "",
        paper_table_markdown(json.loads(results.read_text())),
        "",
    ]


VOCODERS = {  # arch.vocoder_kind -> how the card names the vocoder (a file without the key: "ddsp")
    "ddsp": "a DDSP (harmonic-plus-noise) vocoder",
    "vocos": "a Vocos vocoder (log-mel frames to a spectrum, then an inverse STFT)",
}

PITCH_INPUTS_LINES = [  # a Vocos vocoder with arch.vocos_pitch_inputs, in the intro
    "Its vocoder also reads F0 and voicing (the acoustic model's normalized log-F0 and voiced flag)",
    "beside the log-mel frames, so that pitch shifts made in the acoustic model reach it through F0.",
]

# Kokoro's terms (shared/research/teachers.md, docs/corpus.md): Apache-2.0 weights and voices by
# hexgrad, an MIT int8 export; distilling and shipping are allowed with attribution and its NOTICE.
KOKORO_ATTRIBUTION = [
    "## Kokoro attribution and licence",
    "",
    "The voices of this model are distilled from Kokoro-82M v1.0 (StyleTTS2/iSTFTNet, 82M parameters):",
    "its weights and voices are by hexgrad and licensed under the Apache License, Version 2.0; the",
    "int8 ONNX export it ran from is MIT-licensed; its voices' style tables came from the npm package",
    "kokoro-js 1.2.1. Kokoro read the phones of our own front end; no Kokoro weights are in this file.",
    "The licence allows distillation and redistribution with attribution: this section is that",
    "attribution, and Kokoro's NOTICE travels with the installers. This model is not Kokoro and its",
    "authors do not endorse it.",
    "",
    '> Kokoro-82M v1.0, by hexgrad. Licensed under the Apache License, Version 2.0 (the "License");',
    "> you may not use it except in compliance with the License. You may obtain a copy of the",
    "> License at http://www.apache.org/licenses/LICENSE-2.0. Unless required by applicable law or",
    '> agreed to in writing, software distributed under the License is distributed on an "AS IS"',
    "> BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the",
    "> License for the specific language governing permissions and limitations under the License.",
    "",
]


def intro_lines(vocoder_kind: str, vocos_pitch_inputs: bool = False) -> list[str]:
    """What the model is, in a paragraph; with ``vocos_pitch_inputs`` (the file's
    ``arch.vocos_pitch_inputs``) it says that the vocoder reads F0 and voicing too."""
    if vocoder_kind == "ddsp":  # the first model's words, as they always were
        return [
            "An English text-to-speech model for BitTTS Desktop: a FastSpeech2-style convolutional acoustic",
            "model and a DDSP (harmonic-plus-noise) vocoder, trained with 1.58-bit quantization-aware",
            "training and stored with 5 ternary weights per byte. It speaks in the voices below, which it",
            "learned by distillation from other text-to-speech engines (its teachers).",
        ]
    return [
        "An English text-to-speech model for BitTTS Desktop: a FastSpeech2-style convolutional acoustic",
        f"model and {VOCODERS.get(vocoder_kind, vocoder_kind + ' vocoder')}, trained with",
        "1.58-bit quantization-aware training and stored with 5 ternary weights per byte. It speaks in the",
        "voices below, which it learned by distillation from another text-to-speech model (its teacher).",
        *(PITCH_INPUTS_LINES if vocos_pitch_inputs else []),
    ]


def voice_table(voices: list[TeacherVoice], hours: dict) -> list[str]:
    """The voices with their teachers and licences; a Kokoro voice with its Kokoro voice."""
    if voices and all(v.engine == "kokoro" for v in voices):
        lines = [
            "| voice | sex | accent | Kokoro voice | teacher | licence of the teacher voice | training hours |",
            "|---|---|---|---|---|---|---|",
        ]
        return lines + [
            f"| {v.name} | {v.sex} | {v.accent} | {v.voice} | Kokoro-82M v1.0 (hexgrad) | {v.licence} "
            f"| {hours.get(v.name, 0):.2f} |"
            for v in voices
        ]
    lines = [
        "| voice | sex | accent | teacher (engine, voice) | licence of the teacher voice | training hours |",
        "|---|---|---|---|---|---|",
    ]
    return lines + [
        f"| {v.name} | {v.sex} | {v.accent} | {v.engine} {v.voice} | {v.licence} | {hours.get(v.name, 0):.2f} |"
        for v in voices
    ]


def training_lines(ckpt: dict, meta: dict, per_device: bool) -> list[str]:
    """The stages, losses, throughput and hardware of the checkpoint's training; with
    ``per_device`` the hours on each device too (run_info.hardware_hours)."""
    secs = ckpt.get("seconds", {})
    adversarial_finetune = finetune_steps_heard(ckpt)
    audio = ckpt.get("audio_seconds", {})
    out = [
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
    ]
    if per_device:
        device = ckpt.get("train_config", {}).get("device", "cpu")
        devices = ckpt.get("device_seconds") or {device: float(sum(secs.values()))}
        out.append(f"- training hours by device: {hardware_hours(devices)}")
    out.append(f"- provenance: {ckpt.get('provenance', meta.get('general.provenance', ''))}")
    vals = [h for h in ckpt.get("history", []) if h.get("stage") == "validation"]
    if vals:
        last = vals[-1]
        out.append(
            f"- last validation (teacher-forced): mel L1 {last['mel_l1']}, log-F0 L1 {last['f0_l1']}, "
            f"log-duration MSE {last['dur']}"
        )
    return out


def corpus_line(corpus: Corpus | None, hours: dict) -> str:
    """How much the model learned from, and which corpus."""
    if corpus is None or corpus.name == "classic":
        return (
            f"- corpus: {sum(hours.values()):.1f} h of training audio over {len(hours)} voices "
            "(training/corpus, docs/corpus.md)"
        )
    lay = corpus.layout
    return (
        f"- corpus: {corpus.name} ({corpus.manifest.parent}, {lay.sample_rate:,} Hz, hop {lay.hop}): "
        f"{sum(hours.values()):.1f} h of training audio over {len(hours)} voices "
        f'(training/corpus, docs/corpus.md, "The Kokoro voices")'
    )


# The evaluation table's columns: (header, results.json key, format, shown in the mean row).
EVAL_COLUMNS = (
    ("WER", "wer", "{:.1%}", True),
    ("teacher WER", "teacher_wer", "{:.1%}", True),
    ("Distill-MOS", "distill_mos", "{:.2f}", True),
    ("teacher Distill-MOS", "teacher_distill_mos", "{:.2f}", True),
    ("DNSMOS OVRL", "dnsmos_ovrl", "{:.2f}", True),
    ("teacher OVRL", "teacher_dnsmos_ovrl", "{:.2f}", True),
    ("DNSMOS SIG", "dnsmos_sig", "{:.2f}", False),
    ("teacher SIG", "teacher_dnsmos_sig", "{:.2f}", False),
    ("MCD (dB)", "mcd_db", "{:.2f}", True),
    ("F0 RMSE (cents)", "f0_rmse_cents", "{:.0f}", False),
    ("4-8 kHz share vs teacher", "band_4_8k_ratio", "{:.2f}", False),
)


def metrics_table(voices: dict) -> list[str]:
    """A results.json's "voices" as a markdown table, a row per voice and the mean; the
    Distill-MOS columns where every voice has them (evaluations before them had none)."""
    rows = {k: v for k, v in voices.items() if not k.startswith("_")}
    cols = [c for c in EVAL_COLUMNS if "distill_mos" not in c[1] or all(c[1] in r for r in rows.values())]

    def line(name: str, cells: list[str]) -> str:
        return f"| {name} |" + "|".join(f" {c} " if c else " " for c in cells) + "|"

    out = [line("voice", [c[0] for c in cols]), "|---|" + "---|" * len(cols)]
    out += [line(name, [fmt.format(r[key]) for _, key, fmt, _ in cols]) for name, r in rows.items()]
    if m := voices.get("_mean"):
        out.append(line("**mean**", [fmt.format(m[key]) if mean and key in m else "" for _, key, fmt, mean in cols]))
    return out


def evaluation_lines(results: dict) -> list[str]:
    """The evaluation section's body: how it was measured, the table, the gates, the speeds."""
    out = [
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
        *metrics_table(results["voices"]),
    ]
    if results.get("gates"):
        out += [
            "",
            "Distill-MOS (training/distill_mos.py) predicts a MOS from the audio; the gates (issue 30, "
            "training/evaluate.py `gate_verdicts`):",
            "",
            *gate_lines(results["gates"]),
        ]
    if results.get("speeds"):
        out += [
            "",
            f"At other engine speeds (`SynthesisConfig.speed`; screen readers listen at 4x and more): our WER "
            f"and Distill-MOS on each voice's first {results['speed_per_voice']} test sentences, 1x being the "
            "same sentences in the run above:",
            "",
            *speed_table(results["speeds"]),
        ]
    return out


def card_lines(model: ModelFile, ckpt: dict, results: dict | None) -> list[str]:
    """The card, line by line, for ``model`` with its checkpoint (``{}``: none) and its
    evaluation's results.json (None: not evaluated)."""
    s = summarize(model)
    meta = model.metadata
    g2p_params = sum(t.count for t in model.tensors.values() if t.name.startswith("g2p."))
    # the voices this model holds, in its speaker order, and the corpus that has them
    names = list(meta.get("speakers.name") or [])
    voices = [v for name in names for v in ALL_VOICES if v.name == name]
    corpus = corpus_for(names)
    hours = corpus_hours(corpus.manifest if corpus else None)
    kokoro = any(v.engine == "kokoro" for v in voices)
    vocoder_kind = meta.get("arch.vocoder_kind", "ddsp")

    out = [
        f"# Model card: {meta.get('general.name', 'BitTTS')}",
        "",
        *intro_lines(vocoder_kind, bool(meta.get("arch.vocos_pitch_inputs", False))),
        "",
        "## The file",
        "",
        f"- size {format_bytes(s.file_bytes)} ({s.file_bytes:,} bytes), everything included (lexicon too)",
        f"- {s.parameters:,} parameters, {s.ternary_share:.1%} of them ternary; "
        f"{s.bits_per_weight:.2f} bits per parameter over the whole file",
        *([f"  ({s.parameters - g2p_params:,} in the speech model, {g2p_params:,} in the G2P)"] if g2p_params else []),
        f"- the same parameters at fp32: {format_bytes(s.fp32_bytes)}; this file is {s.reduction:.1%} smaller",
        f"- sample rate {meta.get('audio.sample_rate')} Hz, hop {meta.get('audio.hop_size')} samples",
        *([f"- vocoder kind: {vocoder_kind}"] if "arch.vocoder_kind" in meta else []),
        "- SHA-256 of the body: see the file's last 32 bytes (docs/model-format.md)",
        "",
        *layer_table(model),
        "",
        "## Voices and their teachers",
        "",
        *voice_table(voices, hours),
        "",
        "Provenance notes:",
        "",
        *[f"- {v.name}: {v.provenance}" for v in voices if v.provenance],
        "",
        "The voices imitate synthetic teacher voices, not recordings of people; each real person",
        "behind a teacher voice has one voice id here.",
        "",
        *(KOKORO_ATTRIBUTION if kokoro else []),
        "## Training",
        "",
        *(training_lines(ckpt, meta, per_device=kokoro or vocoder_kind != "ddsp") if ckpt else []),
        corpus_line(corpus, hours),
        "",
        "## Evaluation",
        "",
        *(evaluation_lines(results) if results else ["Not evaluated yet."]),
        "",
        *(
            paper_table_section(
                PAPER_TABLE.with_name("paper_table-kokoro.json"),
                "python -m research.paper_table --corpus kokoro --vocoder-kind vocos",
            )
            if kokoro
            else paper_table_section()
        ),
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
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="resources/bittts-en.bttm")
    ap.add_argument("--checkpoint", default="work-data/checkpoints/model.pt")
    ap.add_argument("--results", default=None)
    ap.add_argument("--out", default="resources/MODEL_CARD.md")
    args = ap.parse_args(argv)
    import torch

    ckpt = torch.load(args.checkpoint, map_location="cpu", weights_only=False) if Path(args.checkpoint).exists() else {}
    results = json.loads(Path(args.results).read_text()) if args.results and Path(args.results).exists() else None
    Path(args.out).write_text("\n".join(card_lines(ModelFile(args.model), ckpt, results)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
