"""The product's surfaces on a small Vocos model at 24,000 Hz, hop 300: the kind of model the
second bundled model is (Kokoro voices, a Vocos vocoder), while most tests run on the DDSP
parity fixture at 22,050 Hz. Each surface takes its rate, voices and default voice from the
model: the command line (files, timings, subtitles, chapters), the speech server's protocol,
the Speech Dispatcher module, and blends at the speed extremes."""

import io
import json
import threading
import wave

import numpy as np
import pytest

from bittts import __version__, cli
from bittts.engine.synthesis import Synthesizer
from bittts.engine.synthesis_types import SPEED_RANGE, SynthesisConfig
from bittts.server import ClockedSink, LineChannel, SpeechServer, serve_lines
from bittts.speechd import SpeechDispatcherModule

TEXT = "Hello there. How are you today?"
RATE = 24000


@pytest.fixture(scope="module")
def synth(tiny_vocos_model_path):
    return Synthesizer(tiny_vocos_model_path)


def test_the_fixture_is_a_vocos_model_at_24_khz(synth):
    assert synth.sample_rate == RATE and synth.model.hop == 300
    assert type(synth.model.vocoder).__name__ == "VocosVocoder"
    assert synth.voice_names == ["spk0", "spk1", "spk2"]


@pytest.mark.parametrize("speed", SPEED_RANGE)
def test_a_blend_at_the_speed_extremes_is_whole_and_quick_start_joins_up(synth, speed):
    config = SynthesisConfig(voice="spk0:0.3+spk2:0.7", speed=speed)
    whole = list(synth.synthesize(TEXT, config))
    quick = list(synth.synthesize(TEXT, config, quick_start=True))
    assert all(c.sample_rate == RATE for c in whole + quick)
    a = np.concatenate([c.samples for c in whole])
    b = np.concatenate([c.samples for c in quick])
    assert len(a) == len(b) > 0 and np.isfinite(a).all() and np.abs(a).max() <= 1.0
    np.testing.assert_allclose(a, b, atol=1e-5)
    for chunk in whole:  # every word inside its chunk's audio
        assert all(0 <= w.start_sample <= w.end_sample <= len(chunk.samples) for w in chunk.words)


def test_synth_writes_24_khz_files_timings_and_the_default_voice(tiny_vocos_model_path, tmp_path, capsys):
    sf = pytest.importorskip("soundfile")
    out, timings = tmp_path / "out.opus", tmp_path / "t.json"
    args = ["synth", TEXT, "--model", str(tiny_vocos_model_path), "-o", str(out), "--timings", str(timings)]
    assert cli.main(args) == cli.EXIT_OK
    assert "resampled" not in capsys.readouterr().err  # Opus takes 24 kHz as it is
    assert sf.info(str(out)).samplerate == RATE
    document = json.loads(timings.read_text())
    assert document["sample_rate"] == RATE and document["voice"] == "spk0"  # speaker 0: the default
    assert document["words"] and document["words"][-1]["end"] <= document["duration"]


def test_chapters_with_subtitles_at_24_khz(tiny_vocos_model_path, tmp_path):
    book = tmp_path / "book.md"
    book.write_text("# One\n\nHello there.\n\n# Two\n\nHow are you today?\n", encoding="utf-8")
    folder = tmp_path / "book"
    args = [
        "synth",
        "--file",
        str(book),
        "--model",
        str(tiny_vocos_model_path),
        "--voice",
        "spk1+spk2",
        "--speed",
        "4.5",
    ]
    assert cli.main(args + ["--chapters", "-o", str(folder), "--subtitles", "vtt"]) == cli.EXIT_OK
    wavs = sorted(folder.glob("*.wav"))
    assert len(wavs) == 2 and len(sorted(folder.glob("*.vtt"))) == 2
    for path in wavs:
        with wave.open(str(path)) as w:
            assert w.getframerate() == RATE and w.getnframes() > 0


class _Lines:
    """A text stream the server writes JSON lines to; ``ended`` is set by an utterance's end."""

    def __init__(self):
        self.lines, self.ended = [], threading.Event()

    def write(self, text):
        for line in text.splitlines():
            self.lines.append(json.loads(line))
            if self.lines[-1].get("event") in ("end", "error"):
                self.ended.set()

    def flush(self):
        pass


def test_the_server_says_the_models_rate_and_voices_and_speaks_a_blend(synth):
    out = _Lines()
    channel = LineChannel(out)
    sink = ClockedSink(speedup=8.0)
    server = SpeechServer(synth, sink, channel.send)

    def requests():
        yield '{"cmd": "hello"}'
        yield '{"cmd": "voices"}'
        yield '{"cmd": "set", "voice": "spk1:0.5+spk2:0.5", "rate": 4.5}'
        yield '{"cmd": "set", "voice": "heart"}'
        yield '{"cmd": "speak", "id": "u1", "text": "Hello there."}'
        assert out.ended.wait(20)

    try:
        serve_lines(server, requests(), channel)
    finally:
        server.close()
    replies = out.lines
    assert replies[0]["reply"] == "hello" and replies[0]["sample_rate"] == RATE == sink.sample_rate
    assert [v["name"] for v in replies[1]["voices"]] == synth.voice_names
    assert replies[2]["ok"] and replies[2]["settings"]["voice"] == "spk1:0.5+spk2:0.5"
    assert replies[3]["ok"] is False and "unknown voice 'heart'" in replies[3]["error"]
    assert [r.get("event") for r in replies[5:]] == ["begin", "end"]


def test_the_speech_dispatcher_module_lists_the_models_voices_and_picks_by_type(tiny_vocos_model_path, tmp_path):
    conf = tmp_path / "bittts.conf"
    conf.write_text(f'BitttsModel "{tiny_vocos_model_path}"\n', encoding="utf-8")
    script = "INIT\nLIST VOICES\nAUDIO\naudio_output_method=pulse\n.\n"
    out = io.StringIO()
    m = SpeechDispatcherModule(io.StringIO(script), out, str(conf), environ={"BITTTS_SD_AUDIO": "null"})
    for _ in range(3):
        m.handle(m.stdin.readline().strip())
    try:
        assert out.getvalue().splitlines() == [
            f"299-BitTTS {__version__}: 3 voices",
            "299 OK LOADED SUCCESSFULLY",
            "200-spk0\ten-US\tfemale",
            "200-spk1\ten-US\tfemale",
            "200-spk2\ten-US\tfemale",
            "200 OK VOICE LIST SENT",
            "207 OK RECEIVING AUDIO SETTINGS",
            "203 OK AUDIO INITIALIZED",
        ]
        assert m.server.sink.sample_rate == RATE
        m.params.update({"voice": "female3", "rate": "100"})
        m.apply_settings()
        assert m.server.settings.voice == "spk2" and m.server.settings.rate == pytest.approx(4.5)
    finally:
        m.server.close()
