"""Installation self-test: does this install (a frozen bundle or a wheel) really work?

    python -m bittts.selftest [--model FILE] [--text TEXT] [--no-qt] [--no-audio]
    BitTTS --self-test [...]          (the frozen application; see packaging/entry.py)

It runs headless (Qt on the "offscreen" platform), needs no audio device and no network, and
checks, printing one line per check:

- the native engine extension (bittts.engine._native) loads, and which kernel it picked;
- the bundled model (or --model FILE) loads;
- every voice synthesizes a sentence whose audio is finite, long enough and not silent
  (RMS above RMS_FLOOR);
- PortAudio loads through sounddevice (in a frozen Linux bundle: the bundled copy);
- soundfile (libsndfile) writes FLAC and Ogg Vorbis, as the app's export does;
- Qt starts offscreen and shows and renders a widget; its local-socket module (used for the
  single-instance server) works.

BITTTS_SELFTEST_QPA=xcb (or wayland, ...) runs the Qt check on that platform instead of offscreen.

Exit codes: 0 every check passed; 1 a check failed (the line starting with FAIL says which
and why); 2 a usage error.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path
from typing import TextIO

SENTENCE = "Hello there. This is BitTTS Desktop checking that it can speak, offline."
# Silence and an all-zero vocoder output sit far below this; quiet speech is around 0.03-0.1.
RMS_FLOOR = 1e-3
MIN_SECONDS = 0.5  # the sentence takes well over a second to say at any speed


class CheckFailed(Exception):
    """One check failed; the message says what to do about it."""


class Report:
    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stdout
        self.passed = 0

    def ok(self, name: str, detail: str) -> None:
        self.passed += 1
        print(f"ok    {name:<14} {detail}", file=self.out, flush=True)

    def info(self, name: str, detail: str) -> None:
        print(f"      {name:<14} {detail}", file=self.out, flush=True)

    def fail(self, name: str, detail: str) -> None:
        print(f"FAIL  {name:<14} {detail}", file=self.out, flush=True)


def _frozen_root() -> Path | None:
    root = getattr(sys, "_MEIPASS", None)
    return Path(root) if root else None


def check_engine(report: Report) -> None:
    try:
        from bittts.engine import (
            _native,  # noqa: F401
            kernels,
        )
    except ImportError as exc:
        raise CheckFailed(f"the native engine extension does not load: {exc}") from None
    report.ok(
        "engine",
        f"bittts.engine._native from {Path(_native.__file__).name}; kernel "
        f"{kernels.kernel_name()} (available: {', '.join(kernels.available_kernels())})",
    )


def check_model_and_voices(report: Report, model: Path | None, text: str) -> None:
    import numpy as np

    from bittts.engine.model_info import bundled_model_path, format_bytes
    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import SynthesisConfig

    path = model or bundled_model_path()
    if not path.exists():
        where = "given with --model" if model else "bundled with this build"
        raise CheckFailed(f"the model file {where} is missing: {path}")
    started = time.perf_counter()
    try:
        synth = Synthesizer(path if model else None)
    except Exception as exc:  # ModelFormatError, MemoryError, ...: report, do not trace back
        raise CheckFailed(f"the model {path} does not load: {type(exc).__name__}: {exc}") from None
    load_s = time.perf_counter() - started
    voices = synth.voice_names
    if not voices:
        raise CheckFailed(f"the model {path} has no voices")
    report.ok(
        "model",
        f"{synth.summary.name} ({format_bytes(synth.summary.file_bytes)}, "
        f"{len(voices)} voices, {synth.sample_rate} Hz) loaded in {load_s:.2f} s from {path}",
    )

    failures = []
    for voice in voices:
        started = time.perf_counter()
        try:
            chunks = list(synth.synthesize(text, SynthesisConfig(voice=voice)))
        except Exception as exc:
            failures.append(f"{voice}: synthesis raised {type(exc).__name__}: {exc}")
            report.fail(f"voice {voice}", failures[-1])
            continue
        took = time.perf_counter() - started
        audio = np.concatenate([c.samples for c in chunks]) if chunks else np.zeros(0, np.float32)
        seconds = audio.size / synth.sample_rate
        problem = ""
        if audio.size == 0:
            problem = "no audio"
        elif not np.all(np.isfinite(audio)):
            problem = f"{int(np.count_nonzero(~np.isfinite(audio)))} samples are NaN or infinite"
        rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size and not problem else 0.0
        peak = float(np.max(np.abs(audio))) if audio.size and not problem else 0.0
        if not problem and seconds < MIN_SECONDS:
            problem = f"only {seconds:.2f} s of audio"
        elif not problem and rms < RMS_FLOOR:
            problem = f"silent: RMS {rms:.2e} is below the floor {RMS_FLOOR:.0e}"
        detail = (
            f"{seconds:.2f} s of audio, RMS {rms:.4f} ({20 * math.log10(max(rms, 1e-12)):.1f} dBFS), "
            f"peak {peak:.3f}, made in {took:.2f} s"
        )
        if problem:
            failures.append(f"{voice}: {problem}")
            report.fail(f"voice {voice}", f"{problem} ({detail})")
        else:
            report.ok(f"voice {voice}", detail)
    if failures:
        raise CheckFailed(f"{len(failures)} of {len(voices)} voices failed: " + "; ".join(failures))


def check_export(report: Report) -> None:
    """FLAC and Ogg Vorbis export go through soundfile (libsndfile): write both into memory."""
    import io

    import numpy as np

    try:
        import soundfile
    except (ImportError, OSError) as exc:
        raise CheckFailed(f"soundfile (libsndfile, for FLAC/Ogg export) does not load: {exc}") from None
    tone = (0.2 * np.sin(np.arange(4410) * 2 * np.pi * 440 / 22050)).astype(np.float32)
    sizes = []
    for fmt, subtype in (("FLAC", "PCM_16"), ("OGG", "VORBIS")):
        buffer = io.BytesIO()
        try:
            soundfile.write(buffer, tone, 22050, format=fmt, subtype=subtype)
        except Exception as exc:
            raise CheckFailed(f"soundfile cannot write {fmt}: {exc}") from None
        sizes.append(f"{fmt} {len(buffer.getvalue()):,} bytes")
    report.ok(
        "export",
        f"soundfile {soundfile.__version__} ({soundfile.__libsndfile_version__}): wrote "
        + ", ".join(sizes)
        + " to memory",
    )


def _loaded_library(fragment: str) -> str | None:
    """The path of a loaded shared library whose name contains fragment (Linux only)."""
    try:
        with open("/proc/self/maps") as fh:
            for line in fh:
                path = line.split(maxsplit=5)[-1].strip()
                if fragment in Path(path).name:
                    return path
    except OSError:
        pass
    return None


def check_audio_library(report: Report) -> None:
    try:
        import sounddevice as sd
    except (ImportError, OSError) as exc:
        hint = " (on Debian/Ubuntu: apt-get install libportaudio2)" if not _frozen_root() else ""
        raise CheckFailed(f"PortAudio does not load through sounddevice: {exc}{hint}") from None
    version = sd.get_portaudio_version()[1]
    where = _loaded_library("portaudio")
    root = _frozen_root()
    if root and where and sys.platform.startswith("linux"):
        if not Path(where).resolve().is_relative_to(root.resolve()):
            raise CheckFailed(f"PortAudio was loaded from the system ({where}), not from the bundle ({root})")
    try:
        device_note = f"default output: {sd.query_devices(kind='output')['name']}"
    except Exception:  # no device here is fine: the self-test never plays anything
        device_note = "no output device here (not needed for this test)"
    report.ok("portaudio", f"{version}" + (f" from {where}" if where else "") + f"; {device_note}")


def check_qt(report: Report) -> None:
    os.environ["QT_QPA_PLATFORM"] = os.environ.get("BITTTS_SELFTEST_QPA", "offscreen")
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import QCollator, QCoreApplication, QLocale, QTimer
        from PySide6.QtNetwork import QLocalServer
        from PySide6.QtWidgets import QApplication, QLabel
    except ImportError as exc:
        raise CheckFailed(f"Qt (PySide6) does not load: {exc}") from None
    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "bittts-selftest"])
    label = QLabel("BitTTS Desktop self-test")
    label.resize(320, 80)
    label.show()
    QTimer.singleShot(0, QCoreApplication.quit)
    app.exec()
    image = label.grab().toImage()
    label.close()
    if image.isNull() or image.width() < 1:
        raise CheckFailed("Qt started but could not render a widget")
    server = QLocalServer()
    name = f"bittts-selftest-{os.getpid()}"
    QLocalServer.removeServer(name)
    listening = server.listen(name)
    server.close()
    if not listening:
        raise CheckFailed(f"QtNetwork cannot open a local server: {server.errorString()}")
    # Collation goes through ICU on Linux: "apple" sorts before "Banana" only with real
    # collation data (a plain code-point comparison puts capitals first).
    collator = QCollator(QLocale("en_US"))
    if not collator.compare("apple", "Banana") < 0:
        raise CheckFailed("Qt's collation (ICU on Linux) does not work: 'apple' does not sort before 'Banana'")
    report.ok(
        "qt",
        f"PySide6 {pyside_version}, platform {QApplication.platformName()}: a widget rendered "
        f"{image.width()}x{image.height()}; local server works; collation works",
    )


def check_app_imports(report: Report) -> None:
    try:
        from bittts.app.main import run  # noqa: F401
    except ImportError as exc:
        raise CheckFailed(f"the desktop application does not import: {exc}") from None
    report.ok("app", "bittts.app.main.run imports")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bittts-selftest", description="Check that this BitTTS install works (headless).")
    p.add_argument("--model", type=Path, help="check this .bttm file instead of the bundled model")
    p.add_argument("--text", default=SENTENCE, help="the sentence each voice says")
    p.add_argument("--no-qt", action="store_true", help="skip the Qt and app checks")
    p.add_argument("--no-audio", action="store_true", help="skip the PortAudio and export (soundfile) checks")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from bittts import __version__

    report = Report()
    frozen = _frozen_root()
    report.info(
        "install",
        f"bittts {__version__}, Python {sys.version.split()[0]}, "
        + (f"frozen bundle at {frozen}" if frozen else f"package at {Path(__file__).parent}"),
    )
    started = time.perf_counter()
    steps = [check_engine, lambda r: check_model_and_voices(r, args.model, args.text)]
    if not args.no_audio:
        steps += [check_audio_library, check_export]
    if not args.no_qt:
        steps += [check_qt, check_app_imports]
    for step in steps:
        try:
            step(report)
        except CheckFailed as exc:
            report.fail("self-test", str(exc))
            print(f"bittts self-test: FAILED: {exc}", file=sys.stderr, flush=True)
            return 1
    print(f"bittts self-test: all {report.passed} checks passed in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
