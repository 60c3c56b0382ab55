"""Where the engine's memory goes: loading step by step, the parts it holds, then synthesis.

    .venv/bin/python bench/memory_breakdown.py                       # the bundled model
    .venv/bin/python bench/memory_breakdown.py --model FILE.bttm --words 3000
    .venv/bin/python bench/memory_breakdown.py --no-trace            # RSS only, as bench/e2e.py sees it

bench/e2e.py's memory figure is the RSS peak while synthesizing minus the RSS after importing
NumPy and bittts. This script splits it, in one fresh process (itself):

1. loading: ``Synthesizer.__init__``'s steps one by one (map and verify the file, build the
   acoustic model and vocoder, decode the lexicon, build the G2P, release the file's pages),
   each with the RSS it added and the heap it still holds; then a whole ``Synthesizer`` (the
   one that synthesizes) in the memory the steps freed;
2. what the loaded engine holds, part by part: decoded ternary layers (``nbytes``), every array
   of the networks, the lexicon's arrays;
3. the phone n-gram model the G2P counts from the lexicon at the first unknown word (bench/e2e.py's
   passage has one): RSS and resident arrays;
4. synthesis of ``--words`` words: the RSS peak above the loaded engine and, with tracemalloc,
   the heap peak and the heap peak inside each stage (front end, acoustic model, vocoder
   network, a vocoder part: network, synthesis and iSTFT together).

Heap figures come from tracemalloc, which NumPy reports its buffers to; tracemalloc slows the
run and adds its own memory to RSS, so RSS figures are best read with ``--no-trace``. RSS is
Linux's /proc/self/statm. Freed memory stays in the allocator and is reused by the next step, so
a step's RSS can be less than what it holds (read the heap column and the parts list for that).
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import sys
import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np

MB = 1e6


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def heap_bytes() -> int:
    return tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0


class Steps:
    """Prints one line per step: RSS added since the previous step, heap held since it."""

    def __init__(self) -> None:
        self.first_rss = self.rss = rss_bytes()
        self.heap = heap_bytes()

    def __call__(self, what: str) -> None:
        rss, heap = rss_bytes(), heap_bytes()
        heap_note = f"  heap {(heap - self.heap) / MB:+7.2f} MB" if tracemalloc.is_tracing() else ""
        print(f"  {what:<52} RSS {(rss - self.rss) / MB:+7.2f} MB{heap_note}", flush=True)
        self.rss, self.heap = rss, heap


def reachable_arrays(root) -> list:
    """The NumPy arrays and native ternary layers reachable from ``root`` through attributes,
    lists, tuples and dicts, each once."""
    seen: set[int] = set()
    found, todo = [], [root]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, int, float, type)):
            continue
        seen.add(id(obj))
        if isinstance(obj, np.ndarray) or type(obj).__module__.endswith("_native"):
            found.append(obj)
        elif isinstance(obj, (list, tuple)):
            todo.extend(obj)
        elif isinstance(obj, dict):
            todo.extend(obj.values())
        elif hasattr(obj, "__dict__"):
            todo.extend(vars(obj).values())
    return found


def array_bytes(root) -> int:
    """Bytes of the arrays and native layers reachable from ``root`` (a view's belong to its base)."""
    return sum(
        getattr(a, "nbytes", 0) for a in reachable_arrays(root) if not isinstance(a, np.ndarray) or a.base is None
    )


def part_line(what: str, nbytes: int) -> None:
    print(f"  {what:<52}{nbytes / MB:7.2f} MB")


def print_parts(synth) -> None:
    model = synth.model
    ternary = list(model._ternary_layers())
    part_line(f"acoustic model + vocoder: {len(ternary)} ternary layers (int8)", sum(t.nbytes for t in ternary))
    part_line("acoustic model + vocoder: all arrays", array_bytes(model))
    network = getattr(synth.frontend.g2p, "network", None)
    if network is not None:
        part_line("G2P network: all arrays", array_bytes(network))
    lexicon = synth.lexicon
    for slot in type(lexicon).__slots__:
        part_line(f"lexicon ({len(lexicon):,} words): {slot}", sys.getsizeof(getattr(lexicon, slot)))


def phone_lm_bytes(lm) -> int:
    return sum(a.nbytes for table in (*lm._grams, *lm._contexts) for a in table)


class StagePeaks:
    """Wraps the synthesis stages so that each records the heap peak above its start (MB), and
    keeps the peak of the whole run. tracemalloc has one peak counter: a stage resets it when it
    starts, after handing the peak so far to the stages around it and to the whole run's."""

    def __init__(self, synth) -> None:
        from bittts.engine import model as model_module

        self.peaks: dict[str, float] = collections.defaultdict(float)
        self.open: list[list] = []  # [label, heap at its start, its peak so far]
        self.overall = heap_bytes()
        vocoder = synth.model.vocoder
        network = "network" if hasattr(vocoder, "network") else "controls"
        stages = [
            ("front end: TextFrontEnd.process (a chunk)", synth.frontend, "process", True),
            ("acoustic model: BitTTSModel.acoustic", synth.model, "acoustic", False),
            (f"vocoder network: {type(vocoder).__name__}.{network}", vocoder, network, False),
            ("vocoder part: network + synthesis/iSTFT", model_module.VocoderRun, "part", False),
        ]
        for label, owner, name, generator in stages:
            setattr(owner, name, self._wrap(getattr(owner, name), label, generator))

    def _seen(self) -> None:
        peak = tracemalloc.get_traced_memory()[1]
        self.overall = max(self.overall, peak)
        for stage in self.open:
            stage[2] = max(stage[2], peak)

    def _measure(self, call, label: str):
        self._seen()
        stage = [label, heap_bytes(), 0]
        self.open.append(stage)
        tracemalloc.reset_peak()
        try:
            return call()
        finally:
            self._seen()
            self.open.pop()
            self.peaks[label] = max(self.peaks[label], (stage[2] - stage[1]) / MB)

    def _wrap(self, original, label: str, generator: bool):
        if generator:

            def stream(*args, **kwargs):
                items = original(*args, **kwargs)
                while True:
                    try:
                        yield self._measure(lambda: next(items), label)
                    except StopIteration:
                        return

            return functools.wraps(original)(stream)

        def call(*args, **kwargs):
            return self._measure(lambda: original(*args, **kwargs), label)

        return functools.wraps(original)(call)

    def overall_above(self, start: int) -> float:
        self._seen()
        return (self.overall - start) / MB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="a .bttm file (default: the bundled model)")
    parser.add_argument("--words", type=int, default=1000, help="words to synthesize (default 1,000)")
    parser.add_argument("--no-trace", action="store_true", help="RSS only (no tracemalloc)")
    args = parser.parse_args()

    from bittts.engine.model import BitTTSModel
    from bittts.engine.model_format import ModelFile
    from bittts.engine.model_info import bundled_model_path, summarize
    from bittts.engine.synthesis import Synthesizer, limit_blas_threads
    from bittts.engine.text.frontend import TextFrontEnd
    from bittts.engine.text.lexicon import Lexicon
    from bittts.engine.text.neural_g2p import g2p_for_model

    sys.path.insert(0, str(Path(__file__).parent))
    from e2e import words_of

    path = Path(args.model) if args.model else bundled_model_path()
    limit_blas_threads()
    if not args.no_trace:
        tracemalloc.start()
    print(f"{path} ({path.stat().st_size / MB:.2f} MB)")
    print("1. loading, step by step:")
    step = Steps()
    file = ModelFile(path)
    step("ModelFile: map, verify the checksum, read the tables")
    model = BitTTSModel(file)
    step("BitTTSModel: acoustic model and vocoder")
    summarize(file)
    step("summarize")
    lexicon = Lexicon.from_bytes(file.blob("lexicon"))
    step("Lexicon.from_bytes")
    g2p = g2p_for_model(file, lexicon)
    step("G2P network")
    TextFrontEnd(lexicon, None, g2p=g2p)
    step("TextFrontEnd")
    file.release_pages()
    step("ModelFile.release_pages")
    print(f"  {'the steps together':<52} RSS {(step.rss - step.first_rss) / MB:+7.2f} MB")
    del model, lexicon, g2p
    file.close()
    step.heap = heap_bytes()
    synth = Synthesizer(path)
    step("a Synthesizer, in the memory the steps freed")

    print("2. what the loaded engine holds:")
    print_parts(synth)

    print("3. the phone n-gram model (at the first unknown word):")
    lm = synth.frontend.g2p.phone_lm() if hasattr(synth.frontend.g2p, "phone_lm") else None
    step("NeuralG2P.phone_lm: counted from the lexicon")
    if lm is not None:
        part_line("its arrays", phone_lm_bytes(lm))

    text = words_of(args.words)
    loaded_rss, loaded_heap = rss_bytes(), heap_bytes()
    if not args.no_trace:
        tracemalloc.reset_peak()
        stages = StagePeaks(synth)
    rss_peak = [loaded_rss]
    done = threading.Event()

    def sample():
        while not done.wait(0.002):
            rss_peak.append(rss_bytes())

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    samples = sum(len(chunk.samples) for chunk in synth.synthesize(text))
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    print(
        f"4. synthesis of {len(text.split()):,} words ({samples / synth.sample_rate:.0f} s of audio, {elapsed:.1f} s):"
    )
    print(f"  {'RSS peak above the loaded engine':<52}{(max(rss_peak) - loaded_rss) / MB:+7.2f} MB")
    if not args.no_trace:
        print(f"  {'heap peak above the loaded engine':<52}{stages.overall_above(loaded_heap):7.2f} MB")
        for label, peak in stages.peaks.items():
            print(f"    {'inside ' + label:<50}{peak:7.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
