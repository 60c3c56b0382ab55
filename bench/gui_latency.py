"""GUI event-loop latency while the app synthesizes and plays a long text.

    .venv/bin/python bench/gui_latency.py [--seconds 10] [--model FILE] [--fake] [--export]

Opens the real main window (offscreen), plays a long text through a sink that plays in real
time without a sound card, and meanwhile measures how late a 10 ms timer fires on the GUI
thread. Uses the real synthesizer when bittts.engine.synthesis and the bundled model are there,
otherwise (or with --fake) the test suite's FakeSynthesizer in its GIL-holding mode, which is
the harsher case for a Python GUI. --export runs an export at the same time. Target: max < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "app"))

TEXT = (
    "The quick brown fox jumps over the lazy dog, and then it reads a long book aloud. "
    "Numbers such as 1,234 and dates like March 3rd, 2024 are read as words. "
) * 60


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--model", type=Path, help="a .bttm file (default: the bundled model)")
    ap.add_argument("--fake", action="store_true", help="use the fake synthesizer even if the real one loads")
    ap.add_argument("--export", action="store_true", help="export the text at the same time")
    ap.add_argument(
        "--switch-ms", type=float, default=0, help="GIL switch interval in ms (default: the app's own setting)"
    )
    args = ap.parse_args()

    from app_fakes import FakeSink, FakeSynthesizer
    from PySide6.QtWidgets import QApplication

    from bittts.app.context import AppContext, tune_interpreter_for_gui
    from bittts.app.engine_adapter import load_synthesizer
    from bittts.app.latency import LatencyProbe
    from bittts.app.qtcompat import guard_singleton_refcounts
    from bittts.app.settings import SettingsStore
    from bittts.app.window import MainWindow

    guard_singleton_refcounts()  # as main.run does

    if args.switch_ms:
        sys.setswitchinterval(args.switch_ms / 1000)
    else:
        tune_interpreter_for_gui()  # what the app does at start-up
    app = QApplication([sys.argv[0]])
    synth, which = None, "fake (GIL-holding, 120 ms per sentence)"
    if not args.fake:
        load = load_synthesizer(args.model)
        if load.synthesizer is not None:
            synth, which = load.synthesizer, "real"
        else:
            print(f"real synthesizer unavailable: {load.problem}")
    if synth is None:
        synth = FakeSynthesizer(sample_rate=22050, chunk_delay=0.12, busy=True)
    sink = FakeSink(speedup=1.0)
    tmp = Path(tempfile.mkdtemp())
    ctx = AppContext(
        synthesizer=synth,
        sink_factory=lambda: sink,
        settings_store=SettingsStore(tmp / "s.json"),
        user_dict_path=tmp / "d.json",
        model_path=tmp / "absent.bttm",
    )
    window = MainWindow(ctx)
    window.show()
    window.editor.setPlainText(TEXT)
    for _ in range(20):
        app.processEvents()
    probe = LatencyProbe(10)
    probe.start()
    window.play()
    if args.export:
        window.export_to(str(tmp / "bench.wav"))
    words = set()
    window.controller.wordChanged.connect(lambda s, e: words.add(s))
    end = time.perf_counter() + args.seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    probe.stop()
    window.stop()
    print(
        f"synthesizer: {which}; {len(probe.lateness)} timer ticks over {args.seconds:.0f} s; "
        f"{len(words)} words highlighted; RTF {ctx.rtf or 0:.3f}"
    )
    print(
        f"GUI event-loop latency: max {probe.max_ms:.1f} ms, p99 {probe.percentile_ms(0.99):.1f} ms, "
        f"p50 {probe.percentile_ms(0.5):.1f} ms (target: max < 50 ms)"
    )
    window.close()
    ctx.shutdown()
    sink.close()
    return 0 if probe.max_ms < 50 else 1


if __name__ == "__main__":
    sys.exit(main())
