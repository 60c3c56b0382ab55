"""The sink buffer that sits between the playback worker and the audio callback."""

import threading

import numpy as np

from bittts.app.audio import BufferedSink, SoundDeviceSink


def make(rate=1000, **kw):
    sink = BufferedSink(**kw)
    sink.open(rate)
    return sink


def test_prefill_then_play_in_order_and_count_the_played_samples():
    sink = make(prefill_seconds=0.1, buffer_seconds=1.0)
    sink.write(np.arange(50, dtype=np.float32))
    assert not sink.pull(10).any() and sink.played_samples() == 0  # below the prefill: silence
    sink.write(np.arange(50, 150, dtype=np.float32))
    out = np.concatenate([sink.pull(64) for _ in range(3)])
    assert np.array_equal(out[:150], np.arange(150, dtype=np.float32)) and not out[150:].any()
    assert sink.played_samples() == 150


def test_end_of_stream_plays_a_short_tail_without_waiting_for_the_prefill():
    sink = make(prefill_seconds=1.0)
    sink.write(np.ones(20, np.float32))
    assert not sink.pull(20).any()
    sink.end_of_stream()
    assert sink.pull(20).sum() == 20


def test_pause_gain_and_reset():
    sink = make(prefill_seconds=0.0)
    sink.write(np.full(100, 0.8, np.float32))
    sink.set_paused(True)
    assert not sink.pull(50).any() and sink.played_samples() == 0
    sink.set_paused(False)
    sink.set_gain(2.0)
    assert np.allclose(sink.pull(50), 1.0)  # 0.8 x 2, clipped
    sink.reset()
    assert sink.played_samples() == 0 and sink.queued_samples() == 0 and not sink.pull(10).any()


def test_write_blocks_while_full_and_a_cancel_frees_it():
    sink = make(prefill_seconds=0.0, buffer_seconds=0.1)  # 100 samples of room (at least one block)
    cancel = threading.Event()
    result = []
    t = threading.Thread(target=lambda: result.append(sink.write(np.zeros(10_000, np.float32), cancel)))
    t.start()
    t.join(0.2)
    assert t.is_alive() and sink.queued_samples() <= 2 * sink.block_frames
    cancel.set()
    t.join(1.0)
    assert result == [False]


def test_sounddevice_callback_copies_from_the_buffer_without_a_device():
    sink = SoundDeviceSink(prefill_seconds=0.0)
    BufferedSink.open(sink, 1000)  # no stream: drive the callback by hand
    sink.write(np.full(30, 0.5, np.float32))
    outdata = np.ones((40, 1), np.float32)
    sink._callback(outdata, 40, None, None)
    assert np.allclose(outdata[:30, 0], 0.5) and not outdata[30:, 0].any()
    assert sink.played_samples() == 30


class LatentSink(BufferedSink):
    def latency_samples(self):
        return 10


def test_latency_is_taken_off_until_silence_pushes_the_last_samples_out():
    sink = LatentSink(prefill_seconds=0.0)
    sink.open(1000)
    sink.write(np.ones(100, np.float32))
    sink.end_of_stream()
    sink.pull(100)
    assert sink.played_samples() == 90  # 10 still inside the device
    sink.pull(4)
    assert sink.played_samples() == 94
    sink.pull(20)
    assert sink.played_samples() == 100  # the end is reached: playback can finish


def test_position_never_goes_back_after_an_underrun():
    sink = LatentSink(prefill_seconds=0.0)
    sink.open(1000)
    sink.write(np.ones(50, np.float32))
    sink.pull(50)
    sink.pull(30)  # underrun: silence
    assert sink.played_samples() == 50
    sink.write(np.ones(50, np.float32))
    sink.pull(5)
    assert sink.played_samples() == 50  # not 45: the new samples are not heard yet
    sink.pull(30)
    assert sink.played_samples() == 75


REAL_DEVICE_SCRIPT = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from PySide6.QtWidgets import QApplication
from app_fakes import FakeSynthesizer
from bittts.app.context import AppContext
from bittts.app.settings import SettingsStore
from bittts.app.window import MainWindow
from pathlib import Path
app = QApplication([])
tmp = Path(sys.argv[2])
ctx = AppContext(synthesizer=FakeSynthesizer(sample_rate=22050), settings_store=SettingsStore(tmp / "s.json"),
                 user_dict_path=tmp / "d.json", model_path=tmp / "absent.bttm")
w = MainWindow(ctx)
assert w.audio_ok and w.act_play.isEnabled(), ctx.audio_problem
done = []
w.controller.finished.connect(lambda: done.append(1))
words = []
w.controller.wordChanged.connect(lambda s, e: words.append(s) if s >= 0 else None)
w.editor.setPlainText("One two. Three four.")
w.play()
end = time.time() + 10
while not done and time.time() < end:
    app.processEvents(); time.sleep(0.005)
assert done, "playback through the real stream did not finish"
assert words == sorted(words) and words, words
print("played", ctx.sink().played_samples())
w.close(); ctx.shutdown()
"""


def test_real_sounddevice_stream_on_a_null_alsa_device(tmp_path):
    """The real OutputStream path, on ALSA's null device (skipped where there is no ALSA)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    home = tmp_path / "home"
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default {\n  type null\n}\n")
    env = dict(os.environ, HOME=str(home), QT_QPA_PLATFORM="offscreen")
    probe = subprocess.run(
        [sys.executable, "-c", "import sounddevice as sd; sd.query_devices(kind='output')"],
        env=env,
        capture_output=True,
        timeout=30,
    )
    if probe.returncode != 0:
        import pytest

        pytest.skip("no ALSA null device here")
    proc = subprocess.run(
        [sys.executable, "-c", REAL_DEVICE_SCRIPT, str(Path(__file__).parent), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "played" in proc.stdout
