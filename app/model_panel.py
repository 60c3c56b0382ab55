"""The model readout: the numbers `bittts info` prints, and live memory and real-time factor."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

from .engine_adapter import live_readout_text, model_readout_text, summary_text


class ModelPanel(QGroupBox):
    """The "Model" box: ``readout`` (size, parameters, bits per weight, ...) and ``live`` (the
    engine's and the process's memory, the RTF), refreshed every second."""

    def __init__(self, context, readout_override: str | None = None):
        super().__init__("Model")
        self.context = context
        self._override = readout_override
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        self.readout.setAccessibleName("Model information")
        self.readout.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.readout.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.live = QLabel()
        self.live.setWordWrap(True)
        self.live.setAccessibleName("Memory and speed")
        layout = QVBoxLayout(self)
        layout.addWidget(self.readout)
        layout.addWidget(self.live)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(1000)
        self.live_timer.timeout.connect(self.update_live)
        self.live_timer.start()

    def update_model(self) -> None:
        """The readout of the loaded synthesizer, else of the model file."""
        synth = self.context.synthesizer
        if self._override is not None:
            readout = self._override
        elif synth is not None and getattr(synth, "summary", None) is not None:
            readout = summary_text(synth.summary)
        else:
            readout = model_readout_text(self.context.model_path)
        self.readout.setText(readout.replace(" · ", "\n"))
        self.update_live()

    def update_live(self) -> None:
        self.live.setText(live_readout_text(self.context.synthesizer, self.context.rtf).replace(" · ", "\n"))
