"""The GUI thread stays responsive while a slow synthesizer that holds the GIL works."""

import sys

from bittts.app.context import tune_interpreter_for_gui
from bittts.app.latency import LatencyProbe


def test_event_loop_latency_stays_low_during_slow_synthesis(window, qtbot, fake_synth, fake_sink):
    fake_synth.chunk_delay = 0.15  # each sentence costs 150 ms of pure-Python work (GIL held)
    fake_synth.busy = True
    fake_sink.speedup = 3.0
    window.editor.setPlainText("Word after word in a long sentence. " * 40)
    old = sys.getswitchinterval()
    tune_interpreter_for_gui()  # as main.run does
    probe = LatencyProbe(10)
    probe.start()
    window.play()
    qtbot.waitUntil(lambda: len(fake_synth.configs_seen) >= 6, timeout=10000)
    probe.stop()
    window.stop()
    sys.setswitchinterval(old)
    assert len(probe.lateness) > 50  # the probe really ran during the synthesis
    assert probe.max_ms < 50, f"max event-loop latency {probe.max_ms:.1f} ms"
