"""Compare evaluations (training.evaluate tags) sentence by sentence, and show where each loses
words to the teachers.

    PYTHONPATH=. .venv/bin/python -m research.compare_evals bittts-en delta60

Per voice: the word errors of each tag and, against the first tag, how many sentences got
better and worse. Per-voice rates over 60 sentences move by 1-2 points between models of
similar quality (docs/experiments/2026-11-models.md), so the sentence counts say more than a rate's difference;
over all voices, a sign test on them says how often two models of equal quality would split the
changed sentences at least that unevenly.
Then, per tag, ours and the teachers' rates by sentence length, and how often the first word
is wrong. Reads only stored transcripts: nothing is synthesized or transcribed.
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict

from training.evaluate import stored_scores

LENGTHS = ((5, "1-5 words"), (10, "6-10 words"), (None, "11+ words"))


def paired(base: dict, other: dict) -> dict[str, dict[str, int]]:
    """Per voice, over the sentences both evaluated: errors of each, sentences better and worse."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict(base=0, other=0, better=0, worse=0, sentences=0))
    for key in base.keys() & other.keys():
        row, a, b = table[key[0]], base[key].errors, other[key].errors
        row["base"] += a
        row["other"] += b
        row["better"] += b < a
        row["worse"] += b > a
        row["sentences"] += 1
    return dict(table)


def sign_test_p(better: int, worse: int) -> float:
    """Two-sided sign test: the chance that a fair coin splits better + worse sentences at least
    as unevenly (1.0 when nothing changed)."""
    n, k = better + worse, min(better, worse)
    if n == 0:
        return 1.0
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)


def by_length(scored: dict) -> dict[str, dict[str, int]]:
    """Ours and the teachers' errors by sentence length, and first words wrong."""
    table = {
        name: dict(sentences=0, words=0, errors=0, teacher_errors=0, first=0, teacher_first=0) for _, name in LENGTHS
    }
    for s in scored.values():
        name = next(name for limit, name in LENGTHS if limit is None or s.words <= limit)
        row = table[name]
        row["sentences"] += 1
        row["words"] += s.words
        row["errors"] += s.errors
        row["teacher_errors"] += s.teacher_errors
        row["first"] += s.first_word_wrong
        row["teacher_first"] += s.teacher_first_word_wrong
    return table


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tags", nargs="+", help="evaluation tags (work-data/eval/<tag>); the first is the base")
    args = ap.parse_args(argv)
    evals = {tag: stored_scores(tag) for tag in args.tags}
    base_tag, base = args.tags[0], evals[args.tags[0]]
    for tag in args.tags[1:]:
        print(f"{base_tag} -> {tag}: word errors, sentences better / worse")
        table = paired(base, evals[tag])
        for voice, r in sorted(table.items()):
            print(
                f"  {voice:8} {r['base']:4} -> {r['other']:4}   better {r['better']:3}  worse {r['worse']:3}"
                f"  of {r['sentences']}"
            )
        total = {k: sum(r[k] for r in table.values()) for k in ("base", "other", "better", "worse", "sentences")}
        print(
            f"  {'all':8} {total['base']:4} -> {total['other']:4}   better {total['better']:3}  worse "
            f"{total['worse']:3}  of {total['sentences']}   "
            f"sign test p = {sign_test_p(total['better'], total['worse']):.2f}"
        )
    for tag, scored in evals.items():
        print(f"{tag}: WER by sentence length, ours / teachers'; first word wrong, ours / teachers'")
        for name, r in by_length(scored).items():
            if r["words"]:
                print(
                    f"  {name:10} {r['sentences']:4} sentences  {100 * r['errors'] / r['words']:5.1f}% / "
                    f"{100 * r['teacher_errors'] / r['words']:5.1f}%   first word {r['first']} / {r['teacher_first']}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
