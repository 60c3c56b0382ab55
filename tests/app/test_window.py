import numpy as np

from bittts.app.main import MainWindow, model_readout_text
from bittts.engine.model_format import ModelWriter


def test_window_shows_the_model_readout(qtbot, tmp_path):
    path = tmp_path / "m.bttm"
    w = ModelWriter()
    w.add_ternary("conv.weight", np.zeros((8, 8, 5), np.int8), 0.1)
    w.write(path)
    window = MainWindow(model_path=path)
    qtbot.addWidget(window)
    text = window.model_readout.text()
    assert "320 parameters" in text and "bits/weight" in text
    assert window.editor.accessibleName() == "Text to read"


def test_readout_explains_a_missing_or_broken_model(tmp_path):
    assert "No voice model installed" in model_readout_text(tmp_path / "absent.bttm")
    bad = tmp_path / "bad.bttm"
    bad.write_bytes(b"\0" * 100)
    assert "cannot be read" in model_readout_text(bad)
