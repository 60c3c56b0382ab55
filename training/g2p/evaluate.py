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
import dataclasses
import json
from pathlib import Path

import numpy as np
import torch

from bittts.engine.text.lexicon import Lexicon, cmudict_entries
from bittts.engine.text.neural_g2p import G2P_OUTPUTS, BeamSettings, ctc_beam_decode, ctc_decode, ctc_greedy
from bittts.engine.text.phone_lm import PhoneNgram
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
def word_logits(model: G2PNet, examples: list[Example], batch_words: int = 512) -> list[np.ndarray]:
    """The quantized PyTorch model's logits [frames, outputs] of every word."""
    model.eval()
    out: list[np.ndarray] = []
    for i in range(0, len(examples), batch_words):
        b = collate(examples[i : i + batch_words])
        logits, lengths = model(b["letters"], b["lengths"])
        out.extend(row[:n] for row, n in zip(logits.float().transpose(1, 2).numpy(), lengths.tolist()))
    return out


def decode(
    model: G2PNet,
    examples: list[Example],
    mend_stress: bool = True,
    lm: PhoneNgram | None = None,
    beam: BeamSettings | None = None,
) -> list[list[str]]:
    """The model's phones, decoded as the engine decodes them: the beam search with ``lm`` when
    both are given, else greedy CTC with stress mending (``mend_stress=False``: without)."""
    return decode_logits(word_logits(model, examples), mend_stress, lm, beam)


def decode_logits(
    logits: list[np.ndarray], mend_stress: bool = True, lm: PhoneNgram | None = None, beam: BeamSettings | None = None
) -> list[list[str]]:
    if lm is not None and beam is not None:
        return [ctc_beam_decode(row, G2P_OUTPUTS, lm, beam) for row in logits]
    return [
        ctc_decode(row, G2P_OUTPUTS) if mend_stress else [G2P_OUTPUTS[c] for c in ctc_greedy(row)] for row in logits
    ]


def lexicon_without(held_out: set[str]) -> Lexicon:
    """The packed dictionary less the ``held_out`` words: what the engine has when it meets them."""
    return Lexicon.from_entries({w: p for w, p in cmudict_entries().items() if w not in held_out})


def lexicon_lm(held_out: set[str], order: int) -> PhoneNgram:
    """The engine's phone n-gram model, counted from the lexicon less the ``held_out`` words
    (as the engine counts it from its whole lexicon: the words scored are never in it)."""
    return PhoneNgram.from_lexicon(lexicon_without(held_out), G2P_OUTPUTS, order=order)


# The grid --tune searches (lm_weight, length_bonus); the order and width stay at their defaults.
TUNE_GRID = [(w, b) for w in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3) for b in (0.0, 0.2, 0.4)]


def tune(
    model: G2PNet, words: dict[str, list[Example]], base: BeamSettings | None = None
) -> tuple[BeamSettings, list[dict]]:
    """The beam settings of ``TUNE_GRID`` with the lowest validation WER (LM without the
    validation and test words)."""
    base = base or BeamSettings()
    valid = words["valid"]
    lm = lexicon_lm({e.word for e in valid} | {e.word for e in words["test"]}, base.lm_order)
    logits = word_logits(model, valid)
    rows = [{"lm_weight": 0.0, "length_bonus": 0.0, "greedy": True, **score(decode_logits(logits), valid)}]
    for lm_weight, bonus in TUNE_GRID:
        settings = dataclasses.replace(base, lm_weight=lm_weight, length_bonus=bonus)
        rows.append(
            {"lm_weight": lm_weight, "length_bonus": bonus, **score(decode_logits(logits, lm=lm, beam=settings), valid)}
        )
        print(json.dumps(rows[-1]), flush=True)
    best = min(rows[1:], key=lambda r: (r["wer"], r["per"]))
    return dataclasses.replace(base, lm_weight=best["lm_weight"], length_bonus=best["length_bonus"]), rows


def engine_scores(model_path: str, examples: list[Example]) -> dict:
    """The packed model's G2P in the engine: the bare network, and the whole OOV path."""
    from bittts.engine.model_format import ModelFile
    from bittts.engine.text.g2p import FallbackG2P
    from bittts.engine.text.neural_g2p import G2PNetwork, NeuralG2P, g2p_letters

    net = G2PNetwork(ModelFile(model_path))
    lexicon = lexicon_without({e.word for e in examples})
    oov_path = NeuralG2P(net, lexicon)
    bare = [net.phonemes(g2p_letters(e.word), oov_path.phone_lm()) for e in examples]
    full = [oov_path.phonemes(e.word) for e in examples]
    fallback = [FallbackG2P(lexicon).phonemes(e.word) for e in examples]
    return {
        "model": str(model_path),
        "network": score(bare, examples),
        "oov_path": score(full, examples),
        "fallback_g2p": score(fallback, examples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", default=str(CHECKPOINT))
    parser.add_argument("--engine", metavar="BTTM", help="also score this packed model's G2P in the engine")
    parser.add_argument(
        "--tune",
        action="store_true",
        help="first pick the beam search's LM weight and length bonus on the validation "
        "words and store them in the checkpoint (the exporter writes them to the file)",
    )
    parser.add_argument("--out", default=str(RESULTS), help="the results JSON ('' to print only)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    model, ckpt = load_g2p_checkpoint(args.checkpoint)
    words = g2p_words()
    test = words["test"]
    results = {
        "split": "test: CRC-32 of the word mod 1000 < 30 (training/g2p/data.py)",
        "checkpoint": {k: ckpt.get(k) for k in ("step", "seconds", "config", "parameters", "ternary_parameters")},
    }
    if args.tune:
        beam, rows = tune(model, words)
        ckpt["decoder"] = dataclasses.asdict(beam)
        torch.save(ckpt, args.checkpoint)
        results["tuning"] = {"words": len(words["valid"]), "chosen": ckpt["decoder"], "grid": rows}
    # Without --tune, keep the record of how the settings in use were chosen.
    earlier = json.loads(Path(args.out).read_text()).get("tuning") if args.out and Path(args.out).exists() else None
    beam = BeamSettings(**ckpt["decoder"]) if ckpt.get("decoder") else None
    logits = word_logits(model, test)
    if beam is not None:
        lm = lexicon_lm({e.word for e in test}, beam.lm_order)
        results["decoder"] = dataclasses.asdict(beam)
        results["pytorch"] = score(decode_logits(logits, lm=lm, beam=beam), test)
    results["pytorch_greedy"] = score(decode_logits(logits), test)
    results["pytorch_greedy_without_stress_mending"] = score(decode_logits(logits, mend_stress=False), test)
    if args.engine:
        results["engine"] = engine_scores(args.engine, test)
    if not args.tune and earlier and earlier.get("chosen") == ckpt.get("decoder"):
        results["tuning"] = earlier
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
