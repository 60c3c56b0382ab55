"""Measures how late the GUI event loop runs a timer: the app's responsiveness check.

A precise timer asks to fire every ``interval_ms``; the lateness of each tick beyond that is
how long the event loop was blocked (by the GUI thread itself, or by another thread holding
the GIL). Used by tests/app/test_latency.py and bench/gui_latency.py.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer


class LatencyProbe(QObject):
    def __init__(self, interval_ms: int = 10, parent=None):
        super().__init__(parent)
        self.interval = interval_ms / 1000
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self.lateness: list[float] = []  # seconds, one per tick
        self._last = 0.0

    def start(self) -> None:
        self.lateness.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.lateness.append(max(0.0, now - self._last - self.interval))
        self._last = now

    @property
    def max_ms(self) -> float:
        return 1000 * max(self.lateness, default=0.0)

    def percentile_ms(self, q: float) -> float:
        if not self.lateness:
            return 0.0
        ordered = sorted(self.lateness)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]
