import sys
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from bittts.app.qtcompat import guard_singleton_refcounts, singleton_leak_detected


def test_long_sessions_do_not_exhaust_singleton_references(qtbot):
    """Tens of thousands of slot calls and emits (an hour of highlighting) must not bring the
    reference counts of None/True near zero, whatever the PySide6 release."""
    guard_singleton_refcounts()

    class S(QObject):
        a = Signal(int, int, object)

    s, got = S(), []
    s.a.connect(lambda x, y, o: got.append(x))
    before = min(sys.getrefcount(None), sys.getrefcount(True))

    def worker():
        for i in range(3000):
            s.a.emit(i, 0, None)

    t = threading.Thread(target=worker)
    t.start()
    ticks = []
    timer = QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start()
    qtbot.waitUntil(lambda: len(got) == 3000 and len(ticks) >= 3000, timeout=20000)
    timer.stop()
    t.join()
    for _ in range(3000):
        s.a.emit(0, 0, None)
    after = min(sys.getrefcount(None), sys.getrefcount(True))
    # Either this PySide6 does not leak, or the guard made the singletons immortal.
    assert after > 100_000 or before - after < 100, (before, after)


def test_detection_is_stable():
    assert singleton_leak_detected() == singleton_leak_detected()
