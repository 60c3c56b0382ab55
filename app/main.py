"""BitTTS Desktop: the application window (first version: text area and model readout)."""
from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QPlainTextEdit

from bittts import __version__
from bittts.engine import kernels
from bittts.engine.model_format import ModelFile, ModelFormatError
from bittts.engine.model_info import bundled_model_path, format_bytes, summarize


def model_readout_text(path=None) -> str:
    """One line for the status bar, with the same numbers as `bittts info`."""
    path = path or bundled_model_path()
    if not path.exists():
        return f"No voice model installed yet ({path.name}) · kernel {kernels.kernel_name()}"
    try:
        with ModelFile(path) as model:
            s = summarize(model)
    except ModelFormatError as exc:
        return f"The voice model cannot be read: {exc}"
    return (f"Model {format_bytes(s.file_bytes)} · {s.parameters:,} parameters · "
            f"{s.bits_per_weight:.2f} bits/weight · fp32 {format_bytes(s.fp32_bytes)} "
            f"({s.reduction:.0%} smaller) · kernel {kernels.kernel_name()}")


class MainWindow(QMainWindow):
    def __init__(self, model_path=None):
        super().__init__()
        self.setWindowTitle(f"BitTTS Desktop {__version__}")
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("Text to read")
        self.editor.setPlaceholderText("Type or paste text to read aloud.")
        self.setCentralWidget(self.editor)
        self.model_readout = QLabel(model_readout_text(model_path))
        self.model_readout.setAccessibleName("Model information")
        self.model_readout.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.model_readout)
        self.resize(900, 600)


def run(argv: list[str] | None = None) -> int:
    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    app.setApplicationName("BitTTS Desktop")
    window = MainWindow()
    window.show()
    return app.exec()
