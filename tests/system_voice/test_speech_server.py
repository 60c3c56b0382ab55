"""The resident speech server (bittts.server) on the small test model, with a clocked sink
instead of a sound card: event order, marks by the played position, stop, interrupts, pause."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from bittts.engine.synthesis import Synthesizer
from bittts.engine.synthesis_types import SPEED_RANGE, SynthesisConfig
from bittts.server import (
    RATE_RANGE,
    ClockedSink,
    LineChannel,
    ServerError,
    SpeechServer,
    find_marks,
    serve_lines,
)

SSML = '<speak>Hello <mark name="a"/>there. <mark name="b"/>How are you today?<mark name="z"/></speak>'
LONG = " ".join(f"Sentence number {n} goes on for a little while." for n in range(1, 30))


@pytest.fixture(scope="module")
def synth(tiny_model_path):
    return Synthesizer(tiny_model_path)


class Recorder:
    """Events with the time they came and the sink's played position at that moment."""

    def __init__(self):
        self.events = []
        self.cond = threading.Condition()
        self.sink = None

    def __call__(self, event):
        with self.cond:
            played = self.sink.played_samples() if self.sink is not None else 0
            self.events.append((time.perf_counter(), played, event))
            self.cond.notify_all()

    def of(self, utterance_id):
        return [e for _, _, e in self.events if e["id"] == utterance_id]

    def wait_final(self, utterance_id, timeout=20.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                finals = [e for e in self.of(utterance_id) if e["event"] in ("end", "stopped", "error")]
                if finals:
                    return finals[0]
                left = deadline - time.monotonic()
                assert left > 0, f"no final event for {utterance_id}: {self.of(utterance_id)}"
                self.cond.wait(left)


class Tape:
    """Every block the clocked sink hands out, with its time."""

    def __init__(self):
        self.blocks = []

    def __call__(self, samples, when):
        self.blocks.append((when, samples.copy()))

    def after(self, t):
        return [b for when, b in self.blocks if when > t]


def make_server(synth, speedup=4.0):
    recorder, tape = Recorder(), Tape()
    sink = ClockedSink(speedup=speedup, on_pull=tape)
    recorder.sink = sink
    return SpeechServer(synth, sink, recorder), recorder, tape


def test_find_marks_gives_offsets_and_names_in_order():
    marks = find_marks(SSML)
    assert [name for _, name in marks] == ["a", "b", "z"]
    assert all(SSML[offset:].startswith("<mark") for offset, _ in marks)
    assert find_marks("<speak><mark name='x &amp; y'></mark>Hi</speak>") == [(7, "x & y")]


def test_events_come_in_order_when_the_audio_is_heard(synth):
    server, recorder, _ = make_server(synth, speedup=2.0)
    try:
        server.speak(1, SSML, ssml=True, words=True)
        assert recorder.wait_final(1)["event"] == "end"
    finally:
        server.close()
    events = recorder.of(1)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    assert [e["name"] for e in events if e["event"] == "mark"] == ["a", "b", "z"]
    assert [e["text"] for e in events if e["event"] == "word"] == ["Hello", "there", "How", "are", "you", "today"]
    # a mark comes just before the word that follows it, and "z" (after the last word) at the end
    assert kinds.index("mark") == kinds.index("word") + 1
    assert events[kinds.index("mark") + 1]["text"] == "there"
    assert kinds[-2] == "mark" and events[-2]["name"] == "z"

    # Each word is reported once its first sample has been heard, not when it was synthesized.
    expected = {}
    for chunk in synth.synthesize(SSML, SynthesisConfig(ssml=True)):
        for w in chunk.words:
            expected[w.start_char] = chunk.stream_offset + w.start_sample
        total = chunk.stream_offset + len(chunk.samples)
    heard = [(played, e) for _, played, e in recorder.events if e["id"] == 1]
    for played, e in heard:
        if e["event"] == "word":
            assert played >= expected[e["start"]]
    assert heard[-1][0] >= total
    # The speech lasts total / rate / speedup seconds; synthesis is far quicker, so events that
    # followed synthesis would all come at once.
    times = [t for t, _, e in recorder.events if e["id"] == 1]
    assert times[-1] - times[0] >= 0.6 * total / synth.sample_rate / 2.0


def test_stop_silences_at_once_and_no_stale_audio_follows(synth):
    server, recorder, tape = make_server(synth, speedup=1.0)
    try:
        server.speak(1, LONG)
        deadline = time.monotonic() + 20
        while not any(e["event"] == "begin" for e in recorder.of(1)):
            assert time.monotonic() < deadline, "speech never began"
            time.sleep(0.005)
        time.sleep(0.2)
        assert server.sink.queued_samples() > 0  # audio was waiting to be played
        stopped_at = time.perf_counter()
        assert server.stop() is True
        time.sleep(0.3)
        after = tape.after(stopped_at)
        assert len(after) > 10
        assert all(not np.any(block) for block in after), "audio was heard after stop returned"
        assert recorder.of(1)[-1] == {"event": "stopped", "id": 1, "reason": "stop"}
        assert server.stop() is False  # nothing left to stop
        assert not server.speaking
        # the next speech still works and is heard
        server.speak(2, "Next one.")
        assert recorder.wait_final(2)["event"] == "end"
    finally:
        server.close()
    silence_after = min((t for t, b in tape.blocks if t > stopped_at and not np.any(b)), default=None)
    assert silence_after is not None and silence_after - stopped_at < 0.5  # loose: the benchmark measures it


def test_a_burst_of_interrupts_never_queues_stale_speech(synth):
    server, recorder, tape = make_server(synth, speedup=2.0)
    threads_before = threading.active_count()
    texts = [f"Item {n} of the list, then more words after it." for n in range(120)]
    try:
        for n, text in enumerate(texts[:-1]):
            server.speak(n, text)
            time.sleep(0.01)  # 100 requests a second, as when an arrow key is held down
        last_at = time.perf_counter()
        server.speak(len(texts) - 1, texts[-1])
        assert recorder.wait_final(len(texts) - 1)["event"] == "end"
        time.sleep(0.05)
    finally:
        server.close()
    for n in range(len(texts) - 1):
        events = recorder.of(n)
        assert events[-1] == {"event": "stopped", "id": n, "reason": "interrupted"}
        assert [e["event"] for e in events].count("stopped") == 1
    assert threading.active_count() <= threads_before
    # After the last request exactly its own audio is heard: nothing of the ones before.
    heard = np.concatenate(tape.after(last_at))
    expected = np.concatenate([c.samples for c in synth.synthesize(texts[-1], SynthesisConfig(), quick_start=True)])
    nonzero = np.flatnonzero(heard)
    heard = heard[nonzero[0] : nonzero[-1] + 1]
    nonzero = np.flatnonzero(expected)
    assert np.array_equal(heard, expected[nonzero[0] : nonzero[-1] + 1])


def test_pause_holds_the_position_and_resume_goes_on(synth):
    server, recorder, _ = make_server(synth, speedup=1.0)
    try:
        server.speak(1, "One sentence here. And another one after it.")
        deadline = time.monotonic() + 20
        while server.sink.played_samples() == 0:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        server.pause()
        time.sleep(0.05)
        held = server.sink.played_samples()
        time.sleep(0.2)
        assert server.sink.played_samples() == held
        assert "end" not in [e["event"] for e in recorder.of(1)]
        server.resume()
        assert recorder.wait_final(1)["event"] == "end"
    finally:
        server.close()


def test_pause_at_mark_stops_after_the_next_matching_mark(synth):
    text = (
        '<speak><mark name="__spd_1"/>First part of it. <mark name="other"/>Second part of it. '
        '<mark name="__spd_2"/>Third part of it.</speak>'
    )
    server, recorder, _ = make_server(synth, speedup=1.0)
    try:
        assert server.pause_at_mark("__spd_") is False  # nothing is being spoken
        server.speak(1, text, ssml=True)
        deadline = time.monotonic() + 20
        while "__spd_1" not in [e.get("name") for e in recorder.of(1)]:
            assert time.monotonic() < deadline
            time.sleep(0.005)
        assert server.pause_at_mark("__spd_") is True
        assert recorder.wait_final(1) == {"event": "stopped", "id": 1, "reason": "mark"}
        assert [e.get("name") for e in recorder.of(1) if e["event"] == "mark"] == ["__spd_1", "other", "__spd_2"]
        server.speak(2, "<speak>No marks here.</speak>", ssml=True)
        time.sleep(0.01)
        assert server.pause_at_mark("__spd_") is False
        recorder.wait_final(2)
    finally:
        server.close()


def test_settings_are_checked_and_rate_reaches_four_and_a_half(synth):
    server, recorder, tape = make_server(synth, speedup=8.0)
    try:
        with pytest.raises(ServerError, match="rate must be between 0.5 and 4.5"):
            server.set(rate=5)
        with pytest.raises(ServerError, match="unknown voice 'nobody'; the voices are: spk0"):
            server.set(voice="nobody")
        with pytest.raises(ServerError, match="unknown setting 'speed'"):
            server.set(speed=2)
        with pytest.raises(ServerError, match="pitch must be a number"):
            server.set(pitch="high")
        assert server.settings.rate == 1.0  # nothing changed by a refused request
        settings = server.set(rate=4.5, pitch=2, volume=0.5, voice="spk1")
        assert (settings.rate, settings.pitch, settings.volume, settings.voice) == (4.5, 2.0, 0.5, "spk1")
        # the engine's own config and range: 4.5x reaches the synthesizer unclamped
        assert RATE_RANGE == SPEED_RANGE == (0.5, 4.5)
        assert type(server._config(False)) is SynthesisConfig and server._config(False).speed == 4.5
        voices = server.voices()
        assert voices[0] == {"name": "spk0", "language": "en-US", "gender": "female", "accent": "US"}
    finally:
        server.close()
    text = "A sentence of some length to time at two rates."
    fast = sum(len(c.samples) for c in synth.synthesize(text, SynthesisConfig(speed=4.5)))
    three = sum(len(c.samples) for c in synth.synthesize(text, SynthesisConfig(speed=3.0)))
    assert fast < three


def test_bad_ssml_is_an_error_event_and_the_server_goes_on(synth):
    server, recorder, _ = make_server(synth)
    try:
        server.speak(1, "<speak>unclosed <emphasis>tag</speak>", ssml=True)
        error = recorder.wait_final(1)
        assert error["event"] == "error" and "SSML error at line 1" in error["message"]
        server.speak(2, "Fine.")
        assert recorder.wait_final(2)["event"] == "end"
    finally:
        server.close()


def _serve(synth, lines):
    class Out:
        def __init__(self):
            self.lines = []

        def write(self, text):
            self.lines.extend(json.loads(x) for x in text.splitlines())

        def flush(self):
            pass

    out = Out()
    channel = LineChannel(out)
    server = SpeechServer(synth, ClockedSink(speedup=8.0), channel.send)
    try:
        serve_lines(server, iter(lines), channel)
    finally:
        server.close()
    return out.lines


def test_the_line_protocol_answers_every_request(synth):
    replies = _serve(
        synth,
        [
            '{"cmd": "hello"}',
            '{"cmd": "voices", "id": 4}',
            '{"cmd": "set", "rate": 9}',
            '{"cmd": "set", "rate": 2.5, "voice": "spk2"}',
            "not json",
            "[1, 2]",
            '{"cmd": "dance"}',
            '{"cmd": "speak"}',
            '{"cmd": "pause"}',
            '{"cmd": "resume"}',
            '{"cmd": "stop"}',
            '{"cmd": "quit"}',
            '{"cmd": "hello"}',  # after quit: not read
        ],
    )
    assert replies[0]["reply"] == "hello" and replies[0]["rate_range"] == [0.5, 4.5]
    assert replies[1]["id"] == 4 and [v["name"] for v in replies[1]["voices"]] == ["spk0", "spk1", "spk2"]
    assert replies[2] == {"reply": "set", "ok": False, "error": "rate must be between 0.5 and 4.5, got 9"}
    assert replies[3]["ok"] and replies[3]["settings"]["voice"] == "spk2"
    assert replies[4]["ok"] is False and "not a JSON object" in replies[4]["error"]
    assert replies[5] == {"reply": None, "ok": False, "error": "a request is a JSON object"}
    assert replies[6]["ok"] is False and replies[6]["error"].startswith("unknown command 'dance'")
    assert replies[7] == {"reply": "speak", "ok": False, "error": "speak needs text"}
    assert [r["reply"] for r in replies[8:]] == ["pause", "resume", "stop", "quit"]
    assert replies[10]["stopped"] is False


def _command(model, *extra):
    return [sys.executable, "-m", "bittts.cli", "serve", "--audio", "null", "--model", str(model), *extra]


def test_bittts_serve_speaks_over_stdin_and_stdout(tiny_model_path):
    proc = subprocess.Popen(
        _command(tiny_model_path), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        proc.stdin.write('{"cmd": "speak", "id": "u1", "text": "<speak>Hi <mark name=\\"m\\"/>there.</speak>", ')
        proc.stdin.write('"ssml": true}\n')
        proc.stdin.flush()
        seen = []
        while not seen or seen[-1].get("event") not in ("end", "error"):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            seen.append(json.loads(line))
        proc.stdin.write('{"cmd": "quit"}\n')
        proc.stdin.flush()
        assert json.loads(proc.stdout.readline()) == {"reply": "quit", "ok": True}
        assert proc.wait(timeout=20) == 0
    finally:
        proc.kill()
    assert seen == [
        {"reply": "speak", "id": "u1", "ok": True},
        {"event": "begin", "id": "u1"},
        {"event": "mark", "id": "u1", "name": "m"},
        {"event": "end", "id": "u1"},
    ]


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="Unix sockets only")
def test_bittts_serve_on_a_private_unix_socket_one_server_per_path(tiny_model_path, tmp_path):
    path = tmp_path / "speech.sock"
    proc = subprocess.Popen(_command(tiny_model_path, "--socket", str(path)), stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not path.exists():
            assert proc.poll() is None, proc.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert oct(os.stat(path).st_mode & 0o777) == "0o600"
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.connect(str(path))
        reader = client.makefile("r", encoding="utf-8")
        client.sendall(b'{"cmd": "speak", "id": 1, "text": "Hello."}\n')
        kinds = []
        while "end" not in kinds:
            kinds.append(json.loads(reader.readline()).get("event"))
        assert kinds == [None, "begin", "end"]
        second = subprocess.run(_command(tiny_model_path, "--socket", str(path)), capture_output=True, text=True)
        assert second.returncode == 1
        assert second.stderr.strip() == f"bittts: error: a speech server is already running at {path}"
        client.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_a_pause_right_after_speak_holds_it_until_resume_and_stop_clears_it(synth):
    server, recorder, _ = make_server(synth, speedup=2.0)
    try:
        server.speak(1, "Held before it begins.")
        server.pause()
        time.sleep(0.4)
        assert recorder.of(1) == []  # not begun: the worker's fresh start kept the pause
        server.resume()
        assert recorder.wait_final(1)["event"] == "end"
        server.speak(2, "Paused, then stopped.")
        server.pause()
        server.stop()
        server.speak(3, "Heard after the stop.")
        assert recorder.wait_final(3)["event"] == "end"
    finally:
        server.close()


def test_the_frozen_entry_script_dispatches_serve(tiny_model_path):
    entry = Path(__file__).resolve().parents[2] / "packaging" / "entry.py"
    done = subprocess.run(
        [sys.executable, str(entry), "serve", "--audio", "null", "--model", str(tiny_model_path)],
        input='{"cmd": "hello"}\n{"cmd": "quit"}\n',
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["reply"] for r in replies] == ["hello", "quit"]
