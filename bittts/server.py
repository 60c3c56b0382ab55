"""The resident speech server: one model loaded once, many short requests, events as audio plays.

Screen readers speak through it (``bittts serve``, the Speech Dispatcher module ``sd_bittts``,
the NVDA add-on). ``SpeechServer`` is the core, used in-process by the Speech Dispatcher module
and through the JSON line protocol of ``serve_lines`` (docs/system-voice.md) by the others:

    server = SpeechServer(Synthesizer(), sink, emit)   # emit(event: dict), from server threads
    server.speak(7, "<speak>Hello <mark name='m'/>world</speak>", ssml=True)
    server.stop()                                       # silent within one sink block

Threads: the caller's (requests), one synthesis worker (sentence by sentence into the sink),
one reporter (polls the sink's played position every ``REPORT_POLL_SECONDS`` and emits the
events whose sample has been heard). The audio thread only copies from the sink's buffer.

Latency and memory: a speak cancels the speech before it (its audio is dropped from the sink at
once, its synthesis stops at the engine's next stage boundary) and only the newest request
waits for the worker, so a burst of interrupting requests never queues stale speech and holds
at most two utterances. Stop drops the queued audio; what is left is the block the device
already holds (``SERVER_BLOCK_FRAMES``, 5.8 ms at 22,050 Hz) plus the device's own latency.

Events, in this order for one utterance and never after its final event:
``begin`` (its first sample is heard), ``word`` (when asked for) and ``mark`` as each is
reached, then exactly one of ``end`` (all heard), ``stopped`` (``reason``: ``stop``,
``interrupted`` by a newer speak, ``mark`` after ``pause_at_mark``) or ``error``.
A mark is reached when the first word after it starts to be heard; marks after the last word
when the audio ends.
"""

from __future__ import annotations

import html
import json
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from bittts.app.audio import BufferedSink, SoundDeviceSink
from bittts.engine.synthesis_types import PITCH_RANGE, SPEED_RANGE, VOLUME_RANGE, SynthesisConfig

RATE_RANGE = SPEED_RANGE  # the server's rate is the engine's speed factor (0.5 to 4.5)
SERVER_BLOCK_FRAMES = 128  # samples the device is handed at a time: what may still sound after a stop
REPORT_POLL_SECONDS = 0.002  # how often the played position is read for events

Emit = Callable[[dict], None]

_MARK = re.compile(r"""<mark\b[^>]*?\bname\s*=\s*(?:"([^"]*)"|'([^']*)')[^>]*?/?>""")

# A voice's accent (model metadata) -> its language tag.
ACCENT_LANGUAGES = {"US": "en-US", "GB": "en-GB", "Scottish": "en-GB", "British": "en-GB", "Canadian": "en-CA"}


class ServerError(ValueError):
    """A request that cannot be served; the message says why (sent back as the reply)."""


@dataclass(frozen=True)
class VoiceSettings:
    """What ``set`` changes: applied from the next sentence of the speech being spoken."""

    voice: str = ""  # "" = the model's first voice
    rate: float = 1.0  # RATE_RANGE, speed factor
    pitch: float = 0.0  # PITCH_RANGE, semitones
    volume: float = 1.0  # VOLUME_RANGE, linear gain


def _in_range(name: str, value, bounds: tuple[float, float]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise ServerError(f"{name} must be a number, got {value!r}")
    if not bounds[0] <= value <= bounds[1]:
        raise ServerError(f"{name} must be between {bounds[0]:g} and {bounds[1]:g}, got {value:g}")
    return float(value)


def language_of(accent: str) -> str:
    """The language tag of a voice from its accent ("US" -> "en-US"); "en" when unknown."""
    return ACCENT_LANGUAGES.get(accent, "en")


def find_marks(ssml: str) -> list[tuple[int, str]]:
    """The ``<mark name="..."/>`` elements of an SSML string: (offset, name) in text order."""
    return [
        (m.start(), html.unescape(m.group(1) if m.group(1) is not None else m.group(2))) for m in _MARK.finditer(ssml)
    ]


# --- sinks ------------------------------------------------------------------------------------
class DeviceSink(SoundDeviceSink):
    """The sound card with small blocks and no prefill: first audio and silence come fast."""

    block_frames = SERVER_BLOCK_FRAMES

    def __init__(self, device=None):
        super().__init__(device=device, buffer_seconds=0.5, prefill_seconds=0.0)


class ClockedSink(BufferedSink):
    """A sink without a sound card: a thread pulls a block every block period, as a device
    would, and throws the samples away (``bittts serve --audio null``, tests, the benchmark).
    ``on_pull(samples, time)``, when set, sees every block handed out."""

    block_frames = SERVER_BLOCK_FRAMES

    def __init__(self, speedup: float = 1.0, on_pull: Callable[[np.ndarray, float], None] | None = None):
        super().__init__(buffer_seconds=0.5, prefill_seconds=0.0)
        self.speedup = speedup
        self.on_pull = on_pull
        self._closing = threading.Event()
        self._clock: threading.Thread | None = None

    def open(self, sample_rate: int) -> None:
        super().open(sample_rate)
        if self._clock is None:
            self._closing.clear()
            self._clock = threading.Thread(target=self._run, name="bittts-null-audio", daemon=True)
            self._clock.start()

    def _run(self) -> None:
        period = self.block_frames / self.sample_rate / self.speedup
        next_time = time.perf_counter()
        while not self._closing.is_set():
            next_time += period
            delay = next_time - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            else:
                next_time = time.perf_counter()  # late: do not catch up in a burst
            out = self.pull(self.block_frames)
            if self.on_pull is not None:
                self.on_pull(out, time.perf_counter())

    def close(self) -> None:
        super().close()
        self._closing.set()
        if self._clock is not None:
            self._clock.join(timeout=1.0)
            self._clock = None


# --- the core ---------------------------------------------------------------------------------
@dataclass
class _Utterance:
    id: object
    text: str
    ssml: bool
    words: bool
    cancel: threading.Event = field(default_factory=threading.Event)
    marks: deque[tuple[int, str]] = field(default_factory=deque)  # (offset, name) not yet placed
    events: deque[tuple[int, dict]] = field(default_factory=deque)  # (sample, event) in order
    total: int | None = None  # samples written, once synthesis is done
    begun: bool = False
    finished: bool = False
    pause_prefix: str | None = None


class SpeechServer:
    """Speak, stop, pause, resume, set, voices; events through ``emit`` as the audio is heard."""

    def __init__(self, synth, sink: BufferedSink, emit: Emit):
        self.synth = synth
        self.sink = sink
        self.emit = emit
        self.settings = VoiceSettings()
        self._lock = threading.RLock()  # guards the utterances; events are emitted holding it
        self._wake = threading.Condition(self._lock)
        self._pending: _Utterance | None = None  # waiting for the worker (only the newest)
        self._current: _Utterance | None = None  # being synthesized or played
        self._closed = False
        self._paused = False  # kept across the sink's reset at the start of each utterance
        self.sink.open(synth.sample_rate)
        self._worker = threading.Thread(target=self._synthesis_loop, name="bittts-server-synthesis", daemon=True)
        self._reporter = threading.Thread(target=self._report_loop, name="bittts-server-events", daemon=True)
        self._worker.start()
        self._reporter.start()

    # ---- requests
    def voices(self) -> list[dict]:
        return [
            {"name": v.name, "language": language_of(v.accent), "gender": v.sex, "accent": v.accent}
            for v in self.synth.voices
        ]

    def set(self, **changes) -> VoiceSettings:
        """Change voice, rate, pitch or volume; ServerError (nothing changed) for a bad value."""
        unknown = set(changes) - {"voice", "rate", "pitch", "volume"}
        if unknown:
            raise ServerError(f"unknown setting {sorted(unknown)[0]!r}; the settings are voice, rate, pitch, volume")
        checked = {}
        if "voice" in changes:
            voice = changes["voice"]
            if not isinstance(voice, str):
                raise ServerError(f"voice must be a name, got {voice!r}")
            try:
                self.synth.speaker_vector(voice)
            except ValueError as exc:  # UnknownVoiceError lists the voices
                raise ServerError(str(exc)) from None
            checked["voice"] = voice
        for name, bounds in (("rate", RATE_RANGE), ("pitch", PITCH_RANGE), ("volume", VOLUME_RANGE)):
            if name in changes:
                checked[name] = _in_range(name, changes[name], bounds)
        with self._lock:
            self.settings = replace(self.settings, **checked)
            return self.settings

    def speak(self, utterance_id, text: str, *, ssml: bool = False, words: bool = False) -> None:
        """Speak ``text`` (SSML when ``ssml``), interrupting whatever is being spoken."""
        if not isinstance(text, str):
            raise ServerError("text must be a string")
        utterance = _Utterance(utterance_id, text, bool(ssml), bool(words))
        if utterance.ssml:
            utterance.marks = deque(find_marks(text))
        with self._lock:
            self._interrupt("interrupted")
            self._paused = False  # new speech is heard (a pause after this request still holds it)
            self._pending = utterance
            self._wake.notify_all()

    def stop(self) -> bool:
        """Silence now and drop the rest; False when nothing was being spoken."""
        with self._lock:
            self._paused = False
            return self._interrupt("stop")

    def pause(self) -> None:
        """Hold the speech where it is (also one requested but not yet begun)."""
        with self._lock:
            self._paused = True
            self.sink.set_paused(True)

    def resume(self) -> None:
        with self._lock:
            self._paused = False
            self.sink.set_paused(False)

    def pause_at_mark(self, prefix: str = "") -> bool:
        """Stop when the next mark whose name starts with ``prefix`` is reached (its ``mark``
        event, then ``stopped`` with reason ``mark``). False, and nothing changes, when the
        speech holds no such mark that is still to come."""
        with self._lock:
            utterance = self._pending or self._current
            if utterance is None or utterance.finished:
                return False
            ahead = [name for _, name in utterance.marks] + [
                e["name"] for _, e in utterance.events if e["event"] == "mark"
            ]
            if not any(name.startswith(prefix) for name in ahead):
                return False
            utterance.pause_prefix = prefix
            return True

    def close(self) -> None:
        with self._lock:
            self._interrupt("stop")
            self._closed = True
            self._wake.notify_all()
        self._worker.join(timeout=2.0)
        self._reporter.join(timeout=2.0)
        self.sink.close()

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._pending is not None or (self._current is not None and not self._current.finished)

    # ---- internals (callers hold the lock)
    def _interrupt(self, reason: str) -> bool:
        stopped = False
        for utterance in (self._current, self._pending):
            if utterance is not None and not utterance.finished:
                utterance.cancel.set()
                self._finish(utterance, {"event": "stopped", "reason": reason})
                stopped = True
        self._pending = None
        if stopped:
            self.sink.reset()  # the queued audio goes now; the synthesis stops at its next stage
        return stopped

    def _finish(self, utterance: _Utterance, event: dict) -> None:
        utterance.finished = True
        utterance.events.clear()
        self._send(utterance, event)

    def _send(self, utterance: _Utterance, event: dict) -> None:
        self.emit({"event": event["event"], "id": utterance.id, **{k: v for k, v in event.items() if k != "event"}})

    def _config(self, ssml: bool) -> SynthesisConfig:
        s = self.settings
        return SynthesisConfig(voice=s.voice, speed=s.rate, pitch=s.pitch, volume=s.volume, ssml=ssml)

    # ---- the synthesis worker
    def _synthesis_loop(self) -> None:
        while True:
            with self._lock:
                while self._pending is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                utterance, self._pending = self._pending, None
                self._current = utterance
                if utterance.finished:
                    continue
                self.sink.reset()  # counting from 0 for this utterance
                if self._paused:
                    self.sink.set_paused(True)
            self._synthesize(utterance)

    def _synthesize(self, utterance: _Utterance) -> None:
        written = 0
        try:
            chunks = self.synth.synthesize(
                utterance.text, lambda: self._config(utterance.ssml), utterance.cancel, quick_start=True
            )
            for chunk in chunks:
                self._place_events(utterance, chunk)
                if not self.sink.write(chunk.samples, utterance.cancel):
                    return
                written += len(chunk.samples)
        except ValueError as exc:  # SsmlError, UnknownVoiceError: the request's own fault
            with self._lock:
                if not utterance.finished:
                    self.sink.reset()
                    self._finish(utterance, {"event": "error", "message": str(exc)})
            return
        except Exception as exc:  # noqa: BLE001 - reported, and the server keeps serving
            with self._lock:
                if not utterance.finished:
                    self.sink.reset()
                    self._finish(
                        utterance, {"event": "error", "message": f"internal error: {type(exc).__name__}: {exc}"}
                    )
            return
        with self._lock:
            if utterance.finished:
                return
            for _, name in utterance.marks:  # marks after the last word: when the audio ends
                utterance.events.append((written, {"event": "mark", "name": name}))
            utterance.marks.clear()
            utterance.total = written
            self.sink.end_of_stream()

    def _place_events(self, utterance: _Utterance, chunk) -> None:
        """Word and mark events of one chunk at their samples from the utterance's start."""
        placed = []
        for word in chunk.words:
            sample = chunk.stream_offset + word.start_sample
            while utterance.marks and utterance.marks[0][0] <= word.start_char:
                placed.append((sample, {"event": "mark", "name": utterance.marks.popleft()[1]}))
            if utterance.words:
                placed.append(
                    (sample, {"event": "word", "start": word.start_char, "end": word.end_char, "text": word.text})
                )
        with self._lock:
            if not utterance.finished:
                utterance.events.extend(placed)

    # ---- the reporter
    def _report_loop(self) -> None:
        while not self._closed:
            time.sleep(REPORT_POLL_SECONDS)
            with self._lock:
                utterance = self._current
                if utterance is None or utterance.finished:
                    continue
                played = self.sink.played_samples()
                if not utterance.begun:
                    if played <= 0 and utterance.total != 0:
                        continue
                    utterance.begun = True
                    self._send(utterance, {"event": "begin"})
                while utterance.events and utterance.events[0][0] <= played and not utterance.finished:
                    _, event = utterance.events.popleft()
                    self._send(utterance, event)
                    prefix = utterance.pause_prefix
                    if prefix is not None and event["event"] == "mark" and event["name"].startswith(prefix):
                        utterance.cancel.set()
                        self.sink.reset()
                        self._finish(utterance, {"event": "stopped", "reason": "mark"})
                if not utterance.finished and utterance.total is not None and played >= utterance.total:
                    self._finish(utterance, {"event": "end"})


# --- the line protocol --------------------------------------------------------------------------
class LineChannel:
    """Writes whole JSON lines to a text stream from any thread."""

    def __init__(self, stream):
        self.stream = stream
        self._lock = threading.Lock()

    def send(self, message: dict) -> None:
        line = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (OSError, ValueError):  # the client went away: nothing to tell it
                pass


def handle_request(server: SpeechServer, request: dict) -> dict:
    """One request (a decoded JSON object) -> its reply (``ok``, and what was asked for)."""
    command = request.get("cmd")
    if command == "speak":
        if "text" not in request:
            raise ServerError("speak needs text")
        server.speak(
            request.get("id"), request["text"], ssml=request.get("ssml", False), words=request.get("words", False)
        )
        return {}
    if command == "stop":
        return {"stopped": server.stop()}
    if command == "pause":
        server.pause()
        return {}
    if command == "resume":
        server.resume()
        return {}
    if command == "set":
        settings = server.set(**{k: v for k, v in request.items() if k not in ("cmd", "id")})
        return {"settings": settings.__dict__}
    if command == "voices":
        return {"voices": server.voices()}
    if command == "hello":
        from bittts import __version__

        return {
            "version": __version__,
            "sample_rate": server.synth.sample_rate,
            "rate_range": list(RATE_RANGE),
            "pitch_range": list(PITCH_RANGE),
            "volume_range": list(VOLUME_RANGE),
        }
    raise ServerError(
        f"unknown command {command!r}; the commands are hello, speak, stop, pause, resume, set, voices, quit"
    )


def serve_lines(server: SpeechServer, lines, channel: LineChannel) -> None:
    """Answer requests from ``lines`` (one JSON object a line) until ``quit`` or their end.

    Every request gets one reply line, ``{"reply": CMD, "ok": true, ...}`` or
    ``{"reply": CMD, "ok": false, "error": "..."}``; events come between replies, never inside one.
    """
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            channel.send({"reply": None, "ok": False, "error": f"not a JSON object: {exc.msg} at column {exc.colno}"})
            continue
        if not isinstance(request, dict):
            channel.send({"reply": None, "ok": False, "error": "a request is a JSON object"})
            continue
        command = request.get("cmd")
        if command == "quit":
            server.stop()
            channel.send({"reply": "quit", "ok": True})
            return
        echo = {"id": request["id"]} if "id" in request else {}
        try:
            reply = {"reply": command, **echo, "ok": True, **handle_request(server, request)}
        except (ServerError, TypeError) as exc:
            reply = {"reply": command, **echo, "ok": False, "error": str(exc)}
        channel.send(reply)


def serve_stdio(server_factory: Callable[[Emit], SpeechServer]) -> None:
    """The protocol on standard input and output (one client: the process that started us)."""
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    channel = LineChannel(open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False))  # noqa: SIM115
    server = server_factory(channel.send)
    try:
        serve_lines(server, stdin, channel)
    finally:
        server.close()


def serve_socket(path: str, server_factory: Callable[[Emit], SpeechServer]) -> None:
    """The protocol on a Unix socket that only this user can open, one client at a time;
    ServerError when another server already answers there."""
    import os
    import socket

    if os.path.exists(path):
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(path)
        except OSError:
            os.unlink(path)  # left by a server that is gone
        else:
            raise ServerError(f"a speech server is already running at {path}")
        finally:
            probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)  # the socket file is created rw------- (only this user)
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(1)
    relay = _Relay()
    server = server_factory(relay.send)
    try:
        while True:
            connection, _ = listener.accept()
            with connection:
                reader = connection.makefile("r", encoding="utf-8", errors="replace")
                channel = LineChannel(connection.makefile("w", encoding="utf-8"))
                relay.channel = channel
                serve_lines(server, reader, channel)
                relay.channel = None
                server.stop()
    finally:
        server.close()
        listener.close()
        os.unlink(path)


class _Relay:
    """Events go to whichever client is connected (none: dropped)."""

    channel: LineChannel | None = None

    def send(self, message: dict) -> None:
        channel = self.channel
        if channel is not None:
            channel.send(message)


def default_socket_path() -> str:
    """$XDG_RUNTIME_DIR/bittts/speech.sock (a folder only the user can enter), else one in /tmp
    named for the user id."""
    import os

    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = os.path.join(runtime, "bittts") if runtime else f"/tmp/bittts-{os.getuid()}"
    os.makedirs(folder, mode=0o700, exist_ok=True)
    return os.path.join(folder, "speech.sock")


def open_sink(audio: str) -> BufferedSink:
    """``"device"``: the sound card (``open`` raises AudioUnavailable without one); ``"null"``:
    a ClockedSink that plays into nothing at real-time pace (tests and benchmarks)."""
    if audio == "null":
        return ClockedSink()
    if audio == "device":
        return DeviceSink()
    raise ServerError(f"unknown audio output {audio!r}; use device or null")


def run_server(synth, *, audio: str = "device", socket_path: str | None = None) -> None:
    """``bittts serve``: the protocol on stdin/stdout, or on ``socket_path``. Raises
    AudioUnavailable (no sound card) or ServerError (the socket is taken) before serving."""

    def factory(emit: Emit) -> SpeechServer:
        return SpeechServer(synth, open_sink(audio), emit)

    if socket_path is None:
        serve_stdio(factory)
    else:
        serve_socket(socket_path, factory)
