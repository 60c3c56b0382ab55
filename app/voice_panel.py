"""The voice panel: voice, blend, speed, pitch and volume, each change written to the settings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
)

from bittts.engine.synthesis_types import SPEED_RANGE


def _slider(name, lo, hi, step, page) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(lo, hi)
    slider.setSingleStep(step)
    slider.setPageStep(page)
    slider.setAccessibleName(name)
    slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return slider


def _with_value(slider, label) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(slider, 1)
    row.addWidget(label)
    return row


def _add_row(form, text, buddy, field=None) -> None:
    label = QLabel(text)
    label.setBuddy(buddy)
    form.addRow(label, field if field is not None else buddy)


class VoicePanel(QGroupBox):
    """The "Voice" box. It writes every change to ``context`` (``update_settings``); the window
    connects ``preview_button``."""

    def __init__(self, context):
        super().__init__("Voice")
        self.context = context
        self.voice_combo = QComboBox()
        self.voice_combo.setAccessibleName("Voice")
        self.preview_button = QPushButton("Previe&w")
        self.preview_button.setAccessibleName("Preview voice")
        self.blend_combo = QComboBox()
        self.blend_combo.setAccessibleName("Blend with voice")
        self.blend_slider = _slider("Blend amount, percent of the second voice", 0, 100, 5, 25)
        self.speed_slider = _slider("Speed, percent", round(100 * SPEED_RANGE[0]), round(100 * SPEED_RANGE[1]), 5, 25)
        self.pitch_slider = _slider("Pitch, semitones", -6, 6, 1, 2)
        self.volume_slider = _slider("Volume, percent", 0, 200, 5, 25)
        self.blend_value = QLabel()
        self.speed_value = QLabel()
        self.pitch_value = QLabel()
        self.volume_value = QLabel()
        for label in (self.blend_value, self.speed_value, self.pitch_value, self.volume_value):
            label.setMinimumWidth(52)

        form = QFormLayout()
        _add_row(form, "V&oice:", self.voice_combo)
        form.addRow("", self.preview_button)
        _add_row(form, "&Blend with:", self.blend_combo)
        _add_row(form, "Blend a&mount:", self.blend_slider, _with_value(self.blend_slider, self.blend_value))
        _add_row(form, "Spee&d:", self.speed_slider, _with_value(self.speed_slider, self.speed_value))
        _add_row(form, "Pitc&h:", self.pitch_slider, _with_value(self.pitch_slider, self.pitch_value))
        _add_row(form, "Vol&ume:", self.volume_slider, _with_value(self.volume_slider, self.volume_value))
        self.setLayout(form)

        self.voice_combo.currentIndexChanged.connect(self._on_voice_controls)
        self.blend_combo.currentIndexChanged.connect(self._on_voice_controls)
        self.blend_slider.valueChanged.connect(self._on_voice_controls)
        self.speed_slider.valueChanged.connect(self._on_speed)
        self.pitch_slider.valueChanged.connect(self._on_pitch)
        self.volume_slider.valueChanged.connect(self._on_volume)

    def tab_order(self) -> list:
        """The panel's controls top to bottom."""
        return [
            self.voice_combo,
            self.preview_button,
            self.blend_combo,
            self.blend_slider,
            self.speed_slider,
            self.pitch_slider,
            self.volume_slider,
        ]

    # ---- from the settings and the synthesizer
    def restore(self, settings) -> None:
        """Put the sliders where ``settings`` has them (without writing them back)."""
        for slider, value in (
            (self.speed_slider, round(settings.speed * 100)),
            (self.pitch_slider, round(settings.pitch)),
            (self.volume_slider, round(settings.volume * 100)),
            (self.blend_slider, round(settings.blend_weight * 100)),
        ):
            slider.blockSignals(True)
            slider.setValue(value)
            slider.blockSignals(False)
        self._update_value_labels()

    def show_voices(self, voices, settings) -> str:
        """Fill both voice lists (each entry's tooltip: sex, accent, teacher, licence) and
        select the voices ``settings`` names. Returns a sentence naming the saved voices this
        model lacks (settings from another model: the bundled model's voices change with it),
        "" when there are none; the first voice and no blend take their place."""
        known = {v.name for v in voices}
        voice, blend = settings.voice, settings.blend_voice  # before the choice below rewrites them
        voice_gone = bool(voices) and bool(voice) and voice not in known
        blend_gone = bool(voices) and bool(blend) and blend not in known
        for combo in (self.voice_combo, self.blend_combo):
            combo.blockSignals(True)
            combo.clear()
        self.blend_combo.addItem("None", "")
        for v in voices:
            tip = (
                f"{v.sex}, {v.accent}"
                + (f"; learned from {v.teacher}" if v.teacher else "")
                + (f"; licence {v.licence}" if v.licence else "")
            )
            for combo in (self.voice_combo, self.blend_combo):
                combo.addItem(v.label, v.name)
                combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        i = self.voice_combo.findData(settings.voice)
        self.voice_combo.setCurrentIndex(max(i, 0))
        j = self.blend_combo.findData(settings.blend_voice)
        self.blend_combo.setCurrentIndex(max(j, 0))
        for combo in (self.voice_combo, self.blend_combo):
            combo.blockSignals(False)
            combo.setEnabled(bool(voices))
        self.blend_slider.setEnabled(bool(voices) and self.blend_combo.currentIndex() > 0)
        if voices:
            self._on_voice_controls()  # the settings name the voices shown, so this is said once
        said = []
        if voice_gone:
            reads = self.voice_combo.currentText().split(" (")[0]
            said.append(f"The saved voice {voice} is not in this voice model: {reads} reads instead.")
        if blend_gone:
            said.append(f"The blend's voice {blend} is not in this voice model: no blend.")
        return " ".join(said)

    def description(self) -> str:
        """The chosen voice in words, for the preview sentence."""
        name = self.voice_combo.currentText().split(" (")[0] or "this voice"
        if self.blend_combo.currentIndex() > 0:
            name = f"a blend of {name} and {self.blend_combo.currentText().split(' (')[0]}"
        return name

    # ---- to the settings
    def _on_voice_controls(self, *_):
        voice = self.voice_combo.currentData() or ""
        blend = self.blend_combo.currentData() or ""
        self.blend_slider.setEnabled(bool(blend))
        self.context.update_settings(voice=voice, blend_voice=blend, blend_weight=self.blend_slider.value() / 100)
        self._update_value_labels()

    def _on_speed(self, value):
        self.context.update_settings(speed=value / 100)
        self._update_value_labels()

    def _on_pitch(self, value):
        self.context.update_settings(pitch=float(value))
        self._update_value_labels()

    def _on_volume(self, value):
        self.context.update_settings(volume=value / 100)
        self._update_value_labels()

    def _update_value_labels(self):
        s = self.context.settings
        self.speed_value.setText(f"{s.speed:.2f}×")
        self.pitch_value.setText(f"{s.pitch:+.0f} st")
        self.volume_value.setText(f"{s.volume:.0%}")
        self.blend_value.setText(f"{self.blend_slider.value()}%")
        self.speed_slider.setAccessibleDescription(f"{s.speed:.2f} times")
        self.pitch_slider.setAccessibleDescription(f"{s.pitch:+.0f} semitones")
        self.volume_slider.setAccessibleDescription(f"{s.volume:.0%}")
