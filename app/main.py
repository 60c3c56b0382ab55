"""BitTTS Desktop: start-up (`bittts app [ARGS]`, `python -m bittts.app [ARGS]`).

bittts app                       start, or bring the running window to the front
bittts app FILE                  open FILE (in the running window if there is one)
bittts app --read-text "TEXT"    read TEXT aloud in the running window (for shortcuts)
bittts app --read-clipboard      read the clipboard in the running window
bittts app --screenshot OUT.png  render the window headless into OUT.png and exit
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .engine_adapter import load_synthesizer, model_readout_text  # noqa: F401  (model_readout_text is public)

QT_MISSING = (
    'the desktop app needs Qt (PySide6), which is not installed: install the app extra, pip install "bittts[app]"'
)


def qt_problem() -> str:
    """'' when Qt loads; else one line that says why (no PySide6: install ``bittts[app]``)."""
    try:
        import PySide6.QtWidgets  # noqa: F401
    except ImportError as exc:
        if (exc.name or "").split(".")[0] == "PySide6":
            return QT_MISSING
        return f"the desktop app cannot start: Qt does not load ({exc})"
    return ""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bittts app", description="The BitTTS Desktop reader.")
    p.add_argument("file", nargs="?", help="a document to open (txt, md, html, epub, pdf)")
    p.add_argument("--read-text", metavar="TEXT", help="read TEXT aloud (in the running window if there is one)")
    p.add_argument("--read-clipboard", action="store_true", help="read the clipboard aloud (in the running window)")
    p.add_argument("--new-instance", action="store_true", help="start a separate window even if one is running")
    p.add_argument("--model", type=Path, help="a .bttm model file (default: the bundled model)")
    p.add_argument("--settings", type=Path, help="the settings file (default: the user config folder)")
    p.add_argument("--theme", choices=("system", "light", "dark", "high-contrast"), help="the theme for this run")
    p.add_argument("--screenshot", type=Path, metavar="PNG", help="save a picture of the window and exit")
    return p


def synthesizer_loader(context, model_path: Path | None):
    """The window's loader (run on a worker): it reads the settings it depends on when it runs,
    so the window reloads with it after such a setting changes."""
    return lambda: load_synthesizer(
        model_path, context.pronunciations().user_dict, date_order=context.settings.date_order
    )


def _message_for(args) -> dict:
    if args.read_text is not None:
        return {"action": "read_text", "text": args.read_text}
    if args.read_clipboard:
        return {"action": "read_clipboard"}
    if args.file:
        return {"action": "open", "path": str(Path(args.file).resolve())}
    return {"action": "show"}


def run(argv: list[str] | None = None) -> int:
    argv = list(argv or [])
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)

    if args.screenshot:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # headless: no display needed
    from PySide6.QtWidgets import QApplication

    from .context import AppContext, tune_interpreter_for_gui
    from .instance import InstanceServer, send_to_running_instance
    from .qtcompat import guard_singleton_refcounts
    from .settings import SettingsStore
    from .window import MainWindow

    guard_singleton_refcounts()  # PySide6 6.12.0 on Python < 3.12: see qtcompat
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName("BitTTS Desktop")
    app.setDesktopFileName("bittts-desktop")
    message = _message_for(args)

    server = None
    if not args.new_instance and not args.screenshot:
        if send_to_running_instance(message):
            return 0
        server = InstanceServer()
        if not server.listen():
            server = None  # cannot listen (odd platform): run on our own

    tune_interpreter_for_gui()
    context = AppContext(settings_store=SettingsStore(args.settings), model_path=args.model)
    if args.theme:
        context.settings.theme = args.theme
    window = MainWindow(context, synthesizer_loader=synthesizer_loader(context, args.model))
    if server is not None:
        server.messageReceived.connect(window.handle_message)
    window.show()
    if message["action"] != "show":
        window.handle_message(message)

    if args.screenshot:
        from PySide6.QtCore import QTimer

        def shoot():
            window.grab().save(str(args.screenshot))
            window.close()
            app.quit()

        window.editor.setPlainText(
            "BitTTS Desktop reads text aloud, offline. The current word and its sentence "
            "are highlighted as they are spoken.\n\nOpen a document with Ctrl+O, or type here."
        )
        QTimer.singleShot(1500, shoot)

    app.aboutToQuit.connect(window.save_settings)
    previous_hook = sys.excepthook

    def report_unexpected(kind, value, tb):
        # A bug in a slot must not end the reading session: log it, and say it in the window.
        previous_hook(kind, value, tb)
        if issubclass(kind, Exception):
            window.show_error(f"Something went wrong: {value}")

    sys.excepthook = report_unexpected
    try:
        return app.exec()
    finally:
        sys.excepthook = previous_hook
        context.shutdown()
        if server is not None:
            server.close()


def main() -> int:
    """The ``bittts-desktop`` entry point."""
    problem = qt_problem()
    if problem:
        print(f"bittts-desktop: error: {problem}", file=sys.stderr)
        return 1
    return run(sys.argv[1:])
