"""Work-arounds for defects of particular PySide6 releases, each detected before it is applied.

PySide6 6.12.0 drops one reference to ``True`` on every ``Signal.emit()`` made from Python and
one reference to ``None`` on every Python slot that Qt calls (timers, queued signals). On
Python 3.12+ these singletons are immortal and nothing happens; on Python 3.10/3.11 their
reference count reaches zero after a minute or so of playback (the highlight timer runs 50
times a second) and the interpreter aborts with "Fatal Python error: none_dealloc" or
"bool_dealloc". PySide6 6.11.3 does not have the defect.

``guard_singleton_refcounts`` checks for the leak with a few emissions and, only when it is
there, does what Python 3.12 does: it makes None, True and False effectively immortal by
adding a large constant to their reference counts (CPython keeps the count in the object's
first field; the change is verified through ``sys.getrefcount``).
"""

from __future__ import annotations

import ctypes
import sys

_BALLAST = 1 << 40  # far more references than a process can lose in its lifetime
_applied = False


def singleton_leak_detected(emissions: int = 64) -> bool:
    """True if ``Signal.emit`` loses references to True (the PySide6 6.12.0 defect)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal(int)

    probe = _Probe()
    before = sys.getrefcount(True)
    for i in range(emissions):
        probe.ping.emit(i)
    lost = before - sys.getrefcount(True)
    if lost > 0:  # put back what the probe itself took
        for _ in range(lost):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return lost >= emissions // 2


def guard_singleton_refcounts() -> bool:
    """Apply the work-around if this PySide6 leaks singleton references; True if applied."""
    global _applied
    if _applied:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal singletons: the leak is harmless
    if not singleton_leak_detected():
        return False
    for obj in (None, True, False):
        field = ctypes.c_ssize_t.from_address(id(obj))
        before = sys.getrefcount(obj)
        field.value += _BALLAST
        if sys.getrefcount(obj) - before != _BALLAST:  # not where we expected: undo, give up
            field.value -= _BALLAST
            return False
    _applied = True
    return True
