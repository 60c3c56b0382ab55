import pytest

from bittts.app.qtcompat import guard_singleton_refcounts

# PySide6 6.12.0 loses references to None/True on every slot call and emit; without this the
# test process can abort ("deallocating None") once enough signals have run (see qtcompat).
guard_singleton_refcounts()

from app_fakes import FakeSink, FakeSynthesizer

from bittts.app.context import AppContext
from bittts.app.settings import SettingsStore
from bittts.engine.audio_output import AudioUnavailable


@pytest.fixture
def fake_synth():
    return FakeSynthesizer()


@pytest.fixture
def fake_sink():
    sink = FakeSink()
    yield sink
    sink.close()


@pytest.fixture
def make_context(tmp_path):
    """make_context(synthesizer=..., sink=...) -> an AppContext with files under tmp_path."""
    made = []

    def make(synthesizer=None, sink=None, no_audio=False, settings_path=None):
        def factory():
            if no_audio or sink is None:
                raise AudioUnavailable("no audio output device was found (test)")
            return sink

        ctx = AppContext(
            synthesizer=synthesizer,
            synthesizer_problem="" if synthesizer else "No voice model is installed.",
            sink_factory=factory,
            settings_store=SettingsStore(settings_path or tmp_path / "settings.json"),
            user_dict_path=tmp_path / "pronunciations.json",
            model_path=tmp_path / "absent.bttm",
        )
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.shutdown()


@pytest.fixture
def window(qtbot, make_context, fake_synth, fake_sink):
    from bittts.app.window import MainWindow

    ctx = make_context(fake_synth, fake_sink)
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.controller.stop()
