"""Word and phone error rates of the G2P on the held-out test words.

    .venv/bin/python -m training.g2p.evaluate                      # training/checkpoints/g2p.pt
    .venv/bin/python -m training.g2p.evaluate --engine model.bttm  # also through the engine

Scoring (the usual CMUdict G2P convention): a word is right when the output equals any of its
dictionary pronunciations; its phone errors are the edit distance to the nearest one, and the
phone error rate is the sum of those over the sum of those pronunciations' lengths. Both with
stress digits; the rates without them are reported too, and the strict rates against the first
pronunciation only. Results go to training/g2p/results.json (committed).

``--engine`` runs the same words through the packed model's G2P in the engine (NumPy +
ternary kernels): the bare network, the whole OOV path of ``NeuralG2P`` (possessive of a known
word, spelling of vowel-less strings) with a lexicon that lacks the test words, and the
rule-based ``FallbackG2P`` with that lexicon for comparison.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from bittts.engine.text.neural_g2p import G2P_OUTPUTS, ctc_decode, ctc_greedy
from training.corpus.teacher_wer import edit_distance
from training.g2p.data import Example, collate, g2p_words
from training.g2p.model import CHECKPOINT, G2PNet, load_g2p_checkpoint

RESULTS = Path("training/g2p/results.json")


def strip_stress(phones) -> list[str]:
    return [p.rstrip("012") for p in phones]


def score(hyps: list[list[str]], examples: list[Example]) -> dict:
    """Word and phone error rates of ``hyps`` against the examples' pronunciations."""
    word_errors = phone_errors = phones = 0
    plain_word_errors = plain_errors = plain_phones = 0
    strict_word_errors = strict_phone_errors = strict_phones = 0
    for hyp, e in zip(hyps, examples, strict=True):
        hyp = list(hyp)
        dist, ref = min((edit_distance(hyp, list(r)), len(r)) for r in e.prons)
        word_errors += dist > 0
        phone_errors += dist
        phones += ref
        plain = strip_stress(hyp)
        pdist, pref = min((edit_distance(plain, strip_stress(r)), len(r)) for r in e.prons)
        plain_word_errors += pdist > 0
        plain_errors += pdist
        plain_phones += pref
        first = list(e.prons[0])
        sdist = edit_distance(hyp, first)
        strict_word_errors += sdist > 0
        strict_phone_errors += sdist
        strict_phones += len(first)
    n = max(len(examples), 1)
    return {
        "words": len(examples),
        "wer": round(word_errors / n, 4),
        "per": round(phone_errors / max(phones, 1), 4),
        "wer_without_stress": round(plain_word_errors / n, 4),
        "per_without_stress": round(plain_errors / max(plain_phones, 1), 4),
        "wer_first_pronunciation": round(strict_word_errors / n, 4),
        "per_first_pronunciation": round(strict_phone_errors / max(strict_phones, 1), 4),
    }


@torch.no_grad()
def decode(model: G2PNet, examples: list[Example], batch_words: int = 512,
           mend_stress: bool = True) -> list[list[str]]:
    """The quantized PyTorch model's phones, decoded as the engine decodes them (with
    ``mend_stress=False``: plain greedy CTC, no stress mending)."""
    model.eval()
    out: list[list[str]] = []
    for i in range(0, len(examples), batch_words):
        chunk = examples[i : i + batch_words]
        b = collate(chunk)
        logits, lengths = model(b["letters"], b["lengths"])
        for row, n in zip(logits.float().transpose(1, 2).numpy(), lengths.tolist()):
            out.append(ctc_decode(row[:n], G2P_OUTPUTS) if mend_stress
                       else [G2P_OUTPUTS[c] for c in ctc_greedy(row[:n])])
    return out


def engine_scores(model_path: str, examples: list[Example]) -> dict:
    """The packed model's G2P in the engine: the bare network, and the whole OOV path."""
    from bittts.engine.model_format import ModelFile
    from bittts.engine.text.g2p import FallbackG2P
    from bittts.engine.text.lexicon import Lexicon, cmudict_entries
    from bittts.engine.text.neural_g2p import G2PNetwork, NeuralG2P, g2p_letters

    net = G2PNetwork(ModelFile(model_path))
    bare = [net.phonemes(g2p_letters(e.word)) for e in examples]
    entries = cmudict_entries()
    held_out = {e.word for e in examples}
    lexicon = Lexicon.from_entries({w: p for w, p in entries.items() if w not in held_out})
    full = [NeuralG2P(net, lexicon).phonemes(e.word) for e in examples]
    fallback = [FallbackG2P(lexicon).phonemes(e.word) for e in examples]
    return {"model": str(model_path), "network": score(bare, examples), "oov_path": score(full, examples),
            "fallback_g2p": score(fallback, examples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=str(CHECKPOINT))
    parser.add_argument("--engine", metavar="BTTM", help="also score this packed model's G2P in the engine")
    parser.add_argument("--out", default=str(RESULTS), help="the results JSON ('' to print only)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model, ckpt = load_g2p_checkpoint(args.checkpoint)
    words = g2p_words()
    test = words["test"]
    results = {
        "split": "test: CRC-32 of the word mod 1000 < 30 (training/g2p/data.py)",
        "checkpoint": {k: ckpt.get(k) for k in ("step", "seconds", "config", "parameters", "ternary_parameters")},
        "pytorch": score(decode(model, test), test),
        "pytorch_without_stress_mending": score(decode(model, test, mend_stress=False), test),
    }
    if args.engine:
        results["engine"] = engine_scores(args.engine, test)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
