"""The speech server's latency for screen readers, with the model warm (issue 32).

    .venv/bin/python bench/server_latency.py                 # the bundled model
    .venv/bin/python bench/server_latency.py --model FILE --trials 50 --burst-seconds 10

The server (``bittts.server.SpeechServer``) runs in this process with a clocked sink that
pulls a 128-sample block every block period, as a sound card would, and throws it away; a real
device adds its own output latency to the first two figures (PortAudio's "low" latency, a few
milliseconds on most systems).

- first audio: from ``speak()`` of a 5-word phrase to the first block holding speech that the
  sink hands out (target <= 15 ms); the server asks for a quick start (the first chunk's first
  word or two are vocoded alone), and the CPU time of the work before the first chunk is shown
  with and without it, a figure that load on the machine does not inflate;
- stop to silence: from ``stop()`` during a long text to the first block that is silent
  (every block after it is silent too, which the benchmark checks) (target <= 10 ms);
- interrupts: a new speak request every 10 ms (100 a second) for ``--burst-seconds``, each one
  cancelling the last, as when an arrow key is held down: resident memory sampled every second
  must stay flat (target: grows by less than 5 MB after the first second), and after the last
  request only its own audio is heard.

Figures on a machine busy with other work are worse than the server's: the header prints the
load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time

import numpy as np

from bittts.engine.model_info import process_resident_bytes
from bittts.engine.synthesis import Synthesizer
from bittts.server import ClockedSink, SpeechServer

PHRASE = "Open the file menu now."  # 5 words, as a screen reader speaks a menu item
LONG = " ".join(f"This is sentence number {n}, read aloud to be stopped somewhere." for n in range(1, 40))
FIRST_AUDIO_TARGET_MS = 15.0
STOP_TARGET_MS = 10.0
MEMORY_GROWTH_TARGET_MB = 5.0


class Probe:
    """Watches the blocks the sink hands out and the server's events."""

    def __init__(self):
        self.lock = threading.Lock()
        self.first_sound: float | None = None
        self.first_silence: float | None = None
        self.sound_after_silence = False
        self.watch_sound = self.watch_silence = False
        self.finals: dict = {}

    def on_pull(self, samples: np.ndarray, when: float) -> None:
        sound = bool(np.any(samples))
        with self.lock:
            if self.watch_sound and sound and self.first_sound is None:
                self.first_sound = when
            if self.watch_silence:
                if not sound and self.first_silence is None:
                    self.first_silence = when
                elif sound and self.first_silence is not None:
                    self.sound_after_silence = True

    def on_event(self, event: dict) -> None:
        if event["event"] in ("end", "stopped", "error"):
            with self.lock:
                self.finals[event["id"]] = event

    def arm(self, sound: bool = False, silence: bool = False) -> None:
        with self.lock:
            self.first_sound = self.first_silence = None
            self.sound_after_silence = False
            self.watch_sound, self.watch_silence = sound, silence

    def wait_final(self, utterance_id, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if utterance_id in self.finals:
                    return self.finals[utterance_id]
            time.sleep(0.002)
        raise TimeoutError(f"utterance {utterance_id} did not finish")


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not answer in time")
        time.sleep(0.0005)


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
    return f"median {statistics.median(ordered):6.1f}  p90 {p90:6.1f}  max {ordered[-1]:6.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="a .bttm model (default: the bundled one)")
    parser.add_argument("--trials", type=int, default=30, help="repeats of each latency figure (default 30)")
    parser.add_argument("--burst-seconds", type=float, default=10.0, help="length of the interrupt burst (10)")
    args = parser.parse_args()

    synth = Synthesizer(args.model)
    synth.warm_up()
    probe = Probe()
    sink = ClockedSink(on_pull=probe.on_pull)
    server = SpeechServer(synth, sink, probe.on_event)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    block_ms = 1000 * sink.block_frames / synth.sample_rate
    print(f"bittts speech server, {os.cpu_count()} CPUs, load average {load:.1f}, sink block {block_ms:.1f} ms")

    # Warm the model and the front end (the first call builds caches).
    for n in range(3):
        server.speak(("warm", n), PHRASE)
        probe.wait_final(("warm", n))

    # The work before the first chunk, in CPU time of this thread: what the load average cannot
    # inflate (a busy machine delays the thread, it does not make it compute more).
    compute = {}
    for quick in (False, True):
        times = []
        for _ in range(args.trials):
            started_cpu = time.thread_time()
            stream = synth.synthesize(PHRASE, quick_start=quick)
            next(stream)
            times.append(1000 * (time.thread_time() - started_cpu))
            stream.close()
        compute[quick] = times

    first_audio = []
    for n in range(args.trials):
        probe.arm(sound=True)
        started = time.perf_counter()
        server.speak(("first", n), PHRASE)
        wait_for(lambda: probe.first_sound is not None)
        first_audio.append(1000 * (probe.first_sound - started))
        server.stop()
        probe.wait_final(("first", n))

    stop_to_silence = []
    leaks = 0
    for n in range(args.trials):
        server.speak(("stop", n), LONG)
        wait_for(lambda: sink.played_samples() > synth.sample_rate // 4)  # a quarter second into it
        time.sleep(0.05 * (n % 5))
        probe.arm(silence=True)
        started = time.perf_counter()
        server.stop()
        wait_for(lambda: probe.first_silence is not None)
        stop_to_silence.append(1000 * (probe.first_silence - started))
        time.sleep(0.1)
        leaks += probe.sound_after_silence
        probe.arm()

    rss = []
    requests = 0
    burst_start = time.perf_counter()
    next_sample = burst_start
    while time.perf_counter() - burst_start < args.burst_seconds:
        server.speak(("burst", requests), f"Item {requests} of a long list, with more words after it.")
        requests += 1
        if time.perf_counter() >= next_sample:
            rss.append(process_resident_bytes() / 2**20)
            next_sample += 1.0
        time.sleep(max(0.0, burst_start + 0.01 * requests - time.perf_counter()))  # 100 a second
    rate = requests / (time.perf_counter() - burst_start)
    last = ("burst", requests - 1)
    final = probe.wait_final(last)
    rss.append(process_resident_bytes() / 2**20)
    interrupted = sum(1 for n in range(requests - 1) if probe.finals.get(("burst", n), {}).get("event") == "stopped")
    server.close()

    growth = max(rss[1:]) - rss[1] if len(rss) > 1 else 0.0
    print()
    print(f"first audio, 5 words (ms, target <= {FIRST_AUDIO_TARGET_MS:g}):  {summary(first_audio)}")
    print(f"  compute to the first chunk (thread CPU ms), one chunk:  {summary(compute[False])}")
    print(f"  compute to the first chunk (thread CPU ms), quick start: {summary(compute[True])}")
    print(f"stop to silence (ms, target <= {STOP_TARGET_MS:g}):        {summary(stop_to_silence)}")
    print(f"  blocks with sound after the first silent one: {leaks} of {args.trials} stops")
    print(f"interrupts: {requests} requests at {rate:.0f}/s; {interrupted} of {requests - 1} cancelled by the next;")
    print(f"  the last one: {final['event']}")
    print(
        f"  resident memory (MB) each second: {' '.join(f'{m:.1f}' for m in rss)}; "
        f"growth after the first second {growth:+.1f} (target < {MEMORY_GROWTH_TARGET_MB:g})"
    )
    verdicts = [
        ("first audio", statistics.median(first_audio) <= FIRST_AUDIO_TARGET_MS),
        ("stop to silence", max(stop_to_silence) <= STOP_TARGET_MS and not leaks),
        ("memory flat", growth < MEMORY_GROWTH_TARGET_MB and final["event"] == "end"),
    ]
    print("targets: " + ", ".join(f"{name} {'met' if ok else 'MISSED'}" for name, ok in verdicts))


if __name__ == "__main__":
    main()
