"""Entry script of the frozen BitTTS Desktop application (PyInstaller runs this as __main__).

    BitTTS [APP ARGS]          the desktop application (bittts.app.main.run)
    BitTTS serve [...]         the speech server for screen readers (bittts serve; docs/system-voice.md),
                               bittts-console.exe serve on Windows
    BitTTS system-voice ...    bittts system-voice (install-speechd / uninstall-speechd)
    BitTTS sd-module CONFIG    the Speech Dispatcher output module (sd_bittts)
    BitTTS --self-test [...]   the headless installation self-test (bittts.selftest.main); from a
                               windowed Windows .exe the report goes to %TEMP%\bittts-selftest.txt
                               (bittts-console.exe --self-test prints it)

Start-up probe (for measuring only; packaging/build.sh and check.sh use it): with
BITTTS_STARTUP_PROBE=1 in the environment, the app starts as usual, and as soon as its first
window has been shown and painted the probe prints one line

    startup-probe: window shown 0.84 s, painted 0.91 s after process start (Python entry at 0.12 s)

and quits the app. BITTTS_STARTUP_PROBE_OUT=FILE also writes the numbers there as JSON.
"Process start" is the exec of the executable as the kernel saw it (Linux /proc), so the
bootloader and interpreter start-up count; elsewhere it falls back to the entry script start.
"""

from __future__ import annotations

import os
import sys
import time

_ENTRY_CLOCK = time.perf_counter()


def _seconds_since_exec() -> float | None:
    """How long ago this process was started, from /proc (Linux); None elsewhere."""
    try:
        with open("/proc/self/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        start_ticks = int(fields[19])  # field 22, starttime, counted after the "(comm)" field
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError, AttributeError):
        return None


_AGE_AT_ENTRY = _seconds_since_exec()


def _elapsed() -> float:
    """Seconds since process start (or since this script started, where that is unknown)."""
    return (_AGE_AT_ENTRY or 0.0) + time.perf_counter() - _ENTRY_CLOCK


def _install_startup_probe() -> None:
    import json

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication.instance() or QApplication([sys.argv[0]])  # run() reuses this instance
    times: dict[str, float] = {"python_entry_s": _AGE_AT_ENTRY or 0.0}

    def finish() -> None:
        shown, painted = times.get("window_shown_s"), times.get("window_painted_s")
        print(
            f"startup-probe: window shown {shown:.2f} s, painted {painted:.2f} s after process start "
            f"(Python entry at {times['python_entry_s']:.2f} s)",
            flush=True,
        )
        target = os.environ.get("BITTTS_STARTUP_PROBE_OUT")
        if target:
            with open(target, "w") as fh:
                json.dump(times, fh)
        QApplication.closeAllWindows()
        app.quit()

    class Probe(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 (Qt's name)
            kind = event.type()
            if (
                kind == QEvent.Type.Show
                and "window_shown_s" not in times
                and isinstance(obj, QWidget)
                and obj.isWindow()
            ):
                times["window_shown_s"] = _elapsed()
            elif (
                kind == QEvent.Type.Paint
                and "window_shown_s" in times
                and "window_painted_s" not in times
                and isinstance(obj, QWidget)
            ):
                times["window_painted_s"] = _elapsed()
                QTimer.singleShot(0, finish)
            return False

    probe = Probe(app)
    app.installEventFilter(probe)

    def give_up() -> None:
        print("startup-probe: FAILED: no window was painted within 60 s", file=sys.stderr, flush=True)
        app.exit(3)

    QTimer.singleShot(60_000, give_up)


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] in (["serve"], ["system-voice"]):  # the speech server (the NVDA add-on starts it), registering it
        from bittts.cli import main as command_line

        return command_line(argv)
    if argv[:1] == ["sd-module"]:  # Speech Dispatcher's output module (the tarball's sd_bittts runs this)
        from bittts.speechd import main as speech_dispatcher_module

        return speech_dispatcher_module(argv[1:])
    if "--self-test" in argv:
        argv.remove("--self-test")
        if sys.stdout is None or sys.stderr is None:  # a windowed .exe has no console to print to
            import tempfile

            report = os.path.join(tempfile.gettempdir(), "bittts-selftest.txt")
            sys.stdout = sys.stderr = open(report, "w", encoding="utf-8")  # noqa: SIM115 (lives to exit)
        from bittts.selftest import main as self_test

        return self_test(argv)
    if os.environ.get("BITTTS_STARTUP_PROBE") == "1":
        _install_startup_probe()
    from bittts.app.main import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
