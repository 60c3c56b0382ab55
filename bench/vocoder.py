"""Vocoder benchmark: the engine's vocoder alone, CPU seconds per second of audio, one thread.

    nice -n 5 .venv/bin/python bench/vocoder.py [--model FILE] [--repeat N]

Two vocoders on the same acoustic frames (the bundled model's acoustic output for the 30
sentences of bench/rates_sentences.txt, one sentence a call as the synthesizer vocodes them):

- the bundled model's DDSP vocoder (engine/ddsp_vocoder.py), split into its control network
  and the harmonic-plus-noise synthesis;
- a random-weight Vocos vocoder (engine/vocos_vocoder.py) at the default sizes (256 channels, 4
  blocks, kernel 7, 80 mels, 24 kHz, hop 300, n_fft 1200), split into its ternary layers (the
  native kernels), the NumPy layers (norms, depthwise convs, GELU, scales, residuals), the
  float head (one BLAS matmul, 256 -> 1202 a frame) and the inverse STFT (spectra, irfft,
  overlap-add); and once more in parts of about a second (the streaming path, each part
  recomputing the context its frames need).

Times are CPU time of the calling thread (``time.thread_time``), BLAS and OpenMP pinned to one
thread, so a loaded machine inflates them less than wall time, though caches and frequency still
suffer; the header prints the load average. Each figure is the median of ``--repeat`` runs.
The engine's target (acoustic model included) is RTF <= 0.01: 10 ms of CPU a second of audio.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"  # before NumPy is imported

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.random_model, when run as a script

from bench.random_model import add_random_layers  # noqa: E402
from bittts.engine import istft  # noqa: E402
from bittts.engine import tensor_names as names  # noqa: E402
from bittts.engine.layers import LayerReader  # noqa: E402
from bittts.engine.model_format import ModelFile, ModelWriter  # noqa: E402
from bittts.engine.synthesis import Synthesizer  # noqa: E402
from bittts.engine.vocos_vocoder import VocosVocoder  # noqa: E402

SENTENCES = Path(__file__).with_name("rates_sentences.txt")
VOCOS_DEFAULTS = {
    "sample_rate": 24000,
    "hop_size": 300,
    "n_mels": 80,
    "vocos_channels": 256,
    "vocos_blocks": 4,
    "vocos_kernel": 7,
    "vocos_fft": 1200,
}
TARGET_RTF = 0.01


class Clock:
    """CPU seconds of this thread, summed by stage name."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def timed(self, stage: str, fn: Callable) -> Callable:
        def run(*args, **kwargs):
            t0 = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[stage] += time.thread_time() - t0

        return run


def random_vocos(path: Path, seed: int = 0) -> VocosVocoder:
    """A Vocos vocoder of random weights at the default sizes, through a model file as the
    engine loads one (ternary layers TERNARY, the rest F16: bench/random_model.py, which
    writes whole models of random weights)."""
    writer = ModelWriter()
    writer.update_metadata({f"arch.{k}": v for k, v in VOCOS_DEFAULTS.items()})
    add_random_layers(writer, names.VOCOS, VOCOS_DEFAULTS, np.random.default_rng(seed))
    writer.write(path)
    return VocosVocoder(LayerReader(ModelFile(path)), VOCOS_DEFAULTS)


def acoustic_frames(synth: Synthesizer) -> tuple[list, float]:
    """The bundled model's acoustic output for every sentence, with its CPU seconds."""
    model, speaker = synth.model, synth.speaker_vector("")
    frames, t0 = [], time.thread_time()
    for line in SENTENCES.read_text().splitlines():
        for unit in synth._text_units(line):
            if unit.phones.ids:
                frames.append(model.acoustic(np.asarray(unit.phones.ids, np.int64), speaker))
    return frames, time.thread_time() - t0


def bench_ddsp(synth: Synthesizer, frames: list) -> dict[str, float]:
    model, vocoder = synth.model, synth.model.vocoder
    clock = Clock()
    controls = vocoder.controls
    vocoder.controls = clock.timed("network", controls)  # type: ignore[method-assign]
    try:
        t0 = time.thread_time()
        for out in frames:
            model.vocode(out.mel, out.f0, out.voiced)
        total = time.thread_time() - t0
    finally:
        vocoder.controls = controls  # type: ignore[method-assign]
    return {"total": total, "network": clock.seconds["network"], "synthesis": total - clock.seconds["network"]}


def instrument_vocos(vocoder: VocosVocoder, clock: Clock) -> None:
    vocoder.embed = clock.timed("ternary", vocoder.embed)
    for block in vocoder.blocks:
        block.expand = clock.timed("ternary", block.expand)
        block.project = clock.timed("ternary", block.project)
    vocoder.head = clock.timed("head", vocoder.head)
    vocoder.network = clock.timed("network", vocoder.network)  # type: ignore[method-assign]


def bench_vocos(vocoder: VocosVocoder, frames: list, part_frames: int | None) -> dict[str, float]:
    """Every sentence's log-mel through the vocoder (whole, or in parts of ``part_frames``)."""
    clock = Clock()
    instrument_vocos(vocoder, clock)
    t0 = time.thread_time()
    for out in frames:
        count = len(out.mel)
        stream = vocoder.stream(out.mel, out.f0, out.voiced)
        step = part_frames or count
        for start in range(0, count, step):
            stream.part(start, min(start + step, count), lambda: False)
    total = time.thread_time() - t0
    s = clock.seconds
    return {
        "total": total,
        "ternary": s["ternary"],
        "numpy layers": s["network"] - s["ternary"] - s["head"],
        "head": s["head"],
        "istft": total - s["network"],
    }


def median_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(r[key] for r in runs) for key in runs[0]}


def print_row(label: str, figures: dict[str, float], audio_seconds: float) -> None:
    rtf = figures["total"] / audio_seconds
    shares = ", ".join(
        f"{k} {v / audio_seconds * 1e3:.2f} ms ({v / figures['total']:.0%})" for k, v in figures.items() if k != "total"
    )
    print(f"{label:<28} {rtf * 1e3:6.2f} ms/s   {shares}")


def istft_alone(frames: int, repeat: int) -> float:
    """CPU seconds of the inverse STFT of ``frames`` random frames at the default sizes."""
    rng = np.random.default_rng(1)
    out = rng.normal(0, 1, (frames, VOCOS_DEFAULTS["vocos_fft"] + 2)).astype(np.float32)
    times = []
    for _ in range(repeat):
        t0 = time.thread_time()
        istft.istft(out, VOCOS_DEFAULTS["vocos_fft"], VOCOS_DEFAULTS["hop_size"])
        times.append(time.thread_time() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a DDSP model file (default: the bundled model)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    synth = Synthesizer(args.model)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs; one thread; CPU time")
    frames, acoustic_seconds = acoustic_frames(synth)
    count = sum(len(f.mel) for f in frames)
    ddsp_audio = count * synth.model.hop / synth.model.sample_rate
    vocos_audio = count * VOCOS_DEFAULTS["hop_size"] / VOCOS_DEFAULTS["sample_rate"]
    print(
        f"{len(frames)} sentences, {count} frames: {ddsp_audio:.1f} s at the bundled model's layout, "
        f"{vocos_audio:.1f} s at 24 kHz / hop 300"
    )
    print(f"{'acoustic model (bundled)':<28} {acoustic_seconds / ddsp_audio * 1e3:6.2f} ms/s   (one run)")
    print_row("DDSP vocoder (bundled)", median_of([bench_ddsp(synth, frames) for _ in range(args.repeat)]), ddsp_audio)
    with tempfile.TemporaryDirectory() as tmp:
        whole = median_of([bench_vocos(random_vocos(Path(tmp) / "v.bttm"), frames, None) for _ in range(args.repeat)])
        print_row("Vocos vocoder (random)", whole, vocos_audio)
        parts = median_of([bench_vocos(random_vocos(Path(tmp) / "v.bttm"), frames, 80) for _ in range(args.repeat)])
        print_row("Vocos, in 1 s parts", parts, vocos_audio)
    seconds = istft_alone(800, args.repeat)
    print(f"{'iSTFT alone, 10 s at once':<28} {seconds / 10 * 1e3:6.2f} ms/s")
    vocos_rtf = (acoustic_seconds / ddsp_audio) + whole["total"] / vocos_audio
    print(f"acoustic + Vocos: {vocos_rtf * 1e3:.2f} ms/s against the target {TARGET_RTF * 1e3:.0f} ms/s")


if __name__ == "__main__":
    main()
