"""The app against the real bittts.engine.synthesis.Synthesizer on the small random model of
the engine tests (noise for a voice, but every code path real). Skipped where the engine or
its fixture is missing."""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def real_model(tiny_model_path):
    pytest.importorskip("bittts.engine.synthesis")
    return tiny_model_path


def test_load_play_highlight_and_export_with_the_real_engine(qtbot, make_context, fake_sink, real_model, tmp_path):
    from bittts.app.engine_adapter import PronunciationStore, load_synthesizer
    from bittts.app.window import MainWindow

    store = PronunciationStore(tmp_path / "d.json")
    load = load_synthesizer(real_model, store.user_dict)
    assert load.synthesizer is not None, load.problem
    ctx = make_context(load.synthesizer, fake_sink)
    fake_sink.speedup = 8.0
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.voice_combo.count() == len(load.synthesizer.voices) >= 1
    assert f"{load.synthesizer.summary.parameters:,} parameters" in window.model_readout.text()
    text = "Hello there. It costs $4.50 today."
    window.editor.setPlainText(text)
    seen = []
    window.controller.wordChanged.connect(lambda s, e: seen.append(s) if s >= 0 else None)
    with qtbot.waitSignal(window.controller.finished, timeout=20000):
        window.play()
    assert seen == sorted(seen) and len(seen) >= 3
    assert len(fake_sink.played) > 0.5 * load.synthesizer.sample_rate
    window.export_to(str(tmp_path / "real.wav"))
    qtbot.waitUntil(lambda: window.export_worker is None, timeout=20000)
    import wave

    with wave.open(str(tmp_path / "real.wav")) as wav:
        pcm = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
        assert wav.getframerate() == load.synthesizer.sample_rate
    assert np.abs(pcm).max() > 0


def test_a_broken_model_file_is_a_message(tmp_path):
    pytest.importorskip("bittts.engine.synthesis")
    from bittts.app.engine_adapter import load_synthesizer

    bad = tmp_path / "bad.bttm"
    bad.write_bytes(b"\0" * 64)
    load = load_synthesizer(bad)
    assert load.synthesizer is None and "cannot be loaded" in load.problem
    assert "not found" in load_synthesizer(tmp_path / "absent.bttm").problem


def test_a_failed_warm_up_still_gives_the_synthesizer(tmp_path, monkeypatch):
    pytest.importorskip("bittts.engine.synthesis")
    from app_fakes import FakeSynthesizer

    import bittts.engine.synthesis as synthesis
    from bittts.app.engine_adapter import load_synthesizer

    class NoMemoryForTheExtras(FakeSynthesizer):
        def __init__(self, model_path=None, user_dict=None, date_order="MDY"):
            super().__init__(model_path)

        def warm_up(self):
            raise MemoryError

    monkeypatch.setattr(synthesis, "Synthesizer", NoMemoryForTheExtras)
    model = tmp_path / "m.bttm"
    model.write_bytes(b"x")
    load = load_synthesizer(model)
    assert isinstance(load.synthesizer, NoMemoryForTheExtras) and load.problem == ""
