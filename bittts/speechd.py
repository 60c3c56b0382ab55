"""``sd_bittts``: a Speech Dispatcher output module (Orca, spd-say) around the speech server.

Speech Dispatcher starts it as ``sd_bittts CONFIG_FILE`` and speaks the module protocol of
its 0.11 series (Debian 12) on standard input and output; replies are numbered lines, events
come between them, never inside a request's reply (docs/system-voice.md has the transcript):

    INIT                 299-... / 299 OK LOADED SUCCESSFULLY (399 ... when the model cannot load)
    AUDIO ... .          207, then 203 OK AUDIO INITIALIZED, or 300 when the audio cannot open
    LOGLEVEL ... .       207, then 203 OK LOGLEVEL SET
    SET ... .            203 OK RECEIVING SETTINGS, then 203 OK SETTINGS RECEIVED
    SPEAK|CHAR|KEY|SOUND_ICON ... .   202 OK RECEIVING MESSAGE, then 200 OK SPEAKING
    STOP, PAUSE          no reply; the speech ends with 703 STOP or 704 PAUSE
    LIST VOICES          200-NAME<tab>LANGUAGE<tab>GENDER ... / 200 OK VOICE LIST SENT
    QUIT                 210 OK QUIT
    events               701 BEGIN, 700-NAME + 700 INDEX MARK, 702 END, 703 STOP, 704 PAUSE

Audio: the module plays through the sound card itself (``bittts.server.DeviceSink``), so that
index marks follow the audio heard and a stop is silent within a block. Speech Dispatcher 0.11
first offers ``audio_output_method=server`` (audio sent back to it as 705 events); the module
declines it and Speech Dispatcher then sends its configured method, which the module accepts.

Settings (Speech Dispatcher's -100..100): rate 0 is 1x, +100 is 4.5x, -100 is 0.5x
(geometric between); pitch is +-6 semitones; volume +100 is the engine's own level, 0 half,
-100 silence. ``voice`` (male1, female2 ...) picks among the voices of that sex,
``synthesis_voice`` names one; ``spelling_mode=on`` spells every word; ``cap_let_recogn``
says "capital" before (spell) or raises the pitch of (icon) a capital letter spoken alone.
Punctuation is read by Speech Dispatcher itself before the text reaches a module (its
``SymbolsPreproc``), so ``punctuation_mode`` is taken and needs nothing more here.

The configuration file (``bittts.conf``, written by ``bittts system-voice install-speechd``):
``BitttsModel "/path/to/model.bttm"`` (default: the bundled model) and ``BitttsVoice "NAME"``
(the voice whenever Speech Dispatcher names none: it then wins over the voice type; a name the
model lacks is said on standard error, Speech Dispatcher's log, and left aside). For tests
only, ``BITTTS_SD_AUDIO=null`` in the environment replaces the sound card with a sink that
plays into nothing at real-time pace.
"""

from __future__ import annotations

import html
import os
import re
import sys
import threading
import unicodedata
from pathlib import Path

from bittts.server import RATE_RANGE, ClockedSink, DeviceSink, SpeechServer

SPD_PREFIX = "__spd_"  # Speech Dispatcher's own marks: PAUSE stops at the next one
CAPITAL_ICON_PITCH = "+4st"  # cap_let_recogn=icon: a capital letter alone is said this much higher
_TAG = re.compile(r"<[^>]*>")
_WORDS = re.compile(r"[^\W_]+", re.UNICODE)
KEY_NAMES = {"space": "space", "underscore": "underscore", "double-quote": "double quote", "kp": "keypad"}


def rate_to_speed(rate: float) -> float:
    """Speech Dispatcher's rate (-100..100) -> speed factor: 0 -> 1x, +100 -> 4.5x, -100 -> 0.5x."""
    r = max(-100.0, min(100.0, float(rate))) / 100
    return RATE_RANGE[1] ** r if r >= 0 else (1 / RATE_RANGE[0]) ** r


def pitch_to_semitones(pitch: float) -> float:
    """-100..100 -> -6..+6 semitones."""
    return 6.0 * max(-100.0, min(100.0, float(pitch))) / 100


def volume_to_gain(volume: float) -> float:
    """-100..100 -> 0..1: +100 is the engine's own level (Speech Dispatcher's default)."""
    return (max(-100.0, min(100.0, float(volume))) + 100) / 200


def parse_config(path: str | None) -> dict[str, str]:
    """``Key "value"`` lines of a Speech Dispatcher style configuration file (# comments)."""
    options: dict[str, str] = {}
    if not path or not os.path.isfile(path):
        return options
    for raw in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(" ")
        options[key] = value.strip().strip('"')
    return options


def spell_ssml(ssml: str) -> str:
    """spelling_mode=on: every word of the text read letter by letter."""
    pieces, last, depth = [], 0, 0
    for match in _TAG.finditer(ssml):
        pieces.append(_spell_text(ssml[last : match.start()]) if depth else ssml[last : match.start()])
        pieces.append(match.group(0))
        if match.group(0).startswith("<speak"):
            depth = 1
        last = match.end()
    pieces.append(ssml[last:])
    return "".join(pieces)


def _spell_text(text: str) -> str:
    return _WORDS.sub(lambda m: f'<say-as interpret-as="characters">{m.group(0)}</say-as>', text)


def key_text(key: str) -> str:
    """An SSIP key name ("shift_a", "kp-enter", "space") as words."""
    if len(key) == 1:
        return key
    parts = [p for p in re.split(r"[_\-]", key) if p]
    return " ".join(KEY_NAMES.get(p, p) for p in parts) or key


class SpeechDispatcherModule:
    """The protocol on a pair of text streams; ``run`` returns the exit code."""

    def __init__(self, stdin, stdout, config_path: str | None = None, environ=os.environ):
        self.stdin = stdin
        self.stdout = stdout
        self.config = parse_config(config_path)
        self.environ = environ
        self.out_lock = threading.Lock()  # a reply and its request are never split by an event
        self.server: SpeechServer | None = None
        self.synth = None
        self.params: dict[str, str] = {}
        self.default_voice = ""
        self.speaking_id = 0
        self._begun: set[int] = set()
        self._pausing: set[int] = set()

    # ---- output
    def _write(self, *lines: str) -> None:
        self.stdout.write("".join(line + "\n" for line in lines))
        self.stdout.flush()

    def reply(self, *lines: str) -> None:
        with self.out_lock:
            self._write(*lines)

    def log(self, message: str) -> None:
        print(f"sd_bittts: {message}", file=sys.stderr, flush=True)

    def on_event(self, event: dict) -> None:
        """A server event -> the module protocol's event lines."""
        uid, kind = event["id"], event["event"]
        lines = []
        if kind in ("stopped", "error", "end") and uid not in self._begun:
            self._begun.add(uid)
            lines.append("701 BEGIN")  # every END, STOP, PAUSE follows a BEGIN
        if kind == "begin":
            self._begun.add(uid)
            lines.append("701 BEGIN")
        elif kind == "mark":
            lines += [f"700-{event['name']}", "700 INDEX MARK"]
        elif kind == "end":
            lines.append("702 END")
        elif kind == "stopped":
            lines.append("704 PAUSE" if uid in self._pausing else "703 STOP")
        elif kind == "error":
            self.log(f"cannot speak: {event['message']}")
            lines.append("703 STOP")
        if kind in ("end", "stopped", "error"):
            self._begun.discard(uid)
            self._pausing.discard(uid)
        if lines:
            with self.out_lock:
                self._write(*lines)

    # ---- input
    def read_block(self) -> list[str] | None:
        """Lines up to a line holding one dot (a leading dot doubled is undone); None at EOF."""
        lines = []
        while True:
            raw = self.stdin.readline()
            if not raw:
                return None
            line = raw.rstrip("\n").rstrip("\r")
            if line == ".":
                return lines
            lines.append(line[1:] if line.startswith("..") else line)

    def run(self) -> int:
        try:
            while True:
                raw = self.stdin.readline()
                if not raw:
                    return 0
                command = raw.strip()
                if not command:
                    continue
                if command == "QUIT":
                    self.reply("210 OK QUIT")
                    return 0
                self.handle(command)
        finally:
            if self.server is not None:
                self.server.close()

    def handle(self, command: str) -> None:
        if command == "INIT":
            self.reply(*self.init())
        elif command in ("AUDIO", "SET", "LOGLEVEL"):
            self.settings_block(command)
        elif command == "STOP":
            if self.server is not None:
                self.server.stop()
        elif command == "PAUSE":
            self.pause()
        elif command == "LIST VOICES":
            self.reply(*self.list_voices())
        elif command in ("SPEAK", "CHAR", "KEY", "SOUND_ICON"):
            self.speak(command)
        else:
            self.reply(f"300 ERR UNKNOWN COMMAND {command}")

    # ---- commands
    def init(self) -> list[str]:
        from bittts import __version__
        from bittts.engine.synthesis import Synthesizer

        model = self.config.get("BitttsModel") or None
        try:
            self.synth = Synthesizer(model)
        except Exception as exc:  # noqa: BLE001 - told to Speech Dispatcher in one line
            reason = str(exc).replace("\n", " ")
            return [f"399-BitTTS cannot load its model: {reason}", "399 ERR CANT INIT MODULE"]
        voice = self.config.get("BitttsVoice", "")
        self.default_voice = voice if voice in self.synth.voice_names else ""
        if voice and not self.default_voice:
            # a configuration written for another model (the bundled one changed its voices):
            # said in Speech Dispatcher's log of this module, and speech goes on with the voice type
            names = ", ".join(self.synth.voice_names)
            self.log(f'BitttsVoice "{voice}" is not a voice of this model ({names}); the voice type picks one')
        return [f"299-BitTTS {__version__}: {len(self.synth.voices)} voices", "299 OK LOADED SUCCESSFULLY"]

    def audio(self, settings: dict[str, str]) -> list[str]:
        from bittts.engine.audio_output import AudioUnavailable

        if self.synth is None:
            return ["300-INIT first", "300 UNKNOWN ERROR"]
        if settings.get("audio_output_method") == "server":
            # Declined: Speech Dispatcher then sends its configured method, and we play ourselves.
            return ["300-BitTTS plays its own audio", "300 UNKNOWN ERROR"]
        if self.server is None:
            null = self.environ.get("BITTTS_SD_AUDIO") == "null"
            sink = ClockedSink() if null else DeviceSink()
            try:
                self.server = SpeechServer(self.synth, sink, self.on_event)
            except AudioUnavailable as exc:
                return [f"300-no audio output device ({exc})", "300 UNKNOWN ERROR"]
        return ["203 OK AUDIO INITIALIZED"]

    def apply_settings(self) -> None:
        """Speech Dispatcher's settings -> the server's voice, rate, pitch and volume."""
        p, server = self.params, self.server
        if server is None:
            return

        def number(key: str) -> float:
            try:
                return float(p.get(key, "0"))
            except ValueError:
                return 0.0

        server.set(
            voice=self.pick_voice(),
            rate=rate_to_speed(number("rate")),
            pitch=pitch_to_semitones(number("pitch")),
            volume=volume_to_gain(number("volume") if "volume" in p else 100.0),
        )

    def pick_voice(self) -> str:
        """synthesis_voice when it names a voice, else BitttsVoice from the configuration, else
        the voice type (male1, female2 ...)."""
        voices = self.synth.voices
        named = self.params.get("synthesis_voice", "")
        if named in self.synth.voice_names:
            return named
        if self.default_voice:
            return self.default_voice
        kind = self.params.get("voice", "").lower()
        match = re.fullmatch(r"(male|female|child_male|child_female)(\d*)", kind)
        if match:
            sex = "male" if match.group(1).endswith("male") and not match.group(1).endswith("female") else "female"
            same = [v.name for v in voices if v.sex == sex]
            if same:
                return same[(int(match.group(2) or 1) - 1) % len(same)]
        return voices[0].name

    def list_voices(self) -> list[str]:
        from bittts.server import language_of

        if self.synth is None:
            return ["300-INIT first", "300 UNKNOWN ERROR"]
        lines = [f"200-{v.name}\t{language_of(v.accent)}\t{v.sex or 'none'}" for v in self.synth.voices]
        return lines + ["200 OK VOICE LIST SENT"]

    def pause(self) -> None:
        server = self.server
        if server is None:
            return
        uid = self.speaking_id
        self._pausing.add(uid)
        if not server.pause_at_mark(SPD_PREFIX):
            server.stop()  # no position to stop at: stop now (reported as the pause it was)

    def message(self, command: str, lines: list[str]) -> tuple[str, bool]:
        """The text to speak and whether it is SSML, for each kind of message."""
        if command == "SPEAK":
            text = "\n".join(lines)
            if not text.lstrip().startswith("<speak"):
                return text, False
            # As it comes: the engine reads what SSML it supports (<voice> included) and passes over
            # the rest (<audio>, <lang>, unknown elements) as the SSML specification says.
            return (spell_ssml(text) if self.params.get("spelling_mode") == "on" else text), True
        item = lines[0] if lines else ""
        if command == "SOUND_ICON":
            return item.replace("_", " ").replace("-", " "), False
        if command == "KEY" and len(item) != 1:
            return key_text(item), False
        return self.character(item)

    def character(self, item: str) -> tuple[str, bool]:
        """One character (CHAR, or a one-letter KEY): a letter or digit by its name, a capital
        as cap_let_recogn says, a symbol by its Unicode name."""
        if not item.strip():
            return "space", False
        if len(item) != 1:
            return item, False
        if not item.isalnum():
            return unicodedata.name(item, item).lower(), False
        said = f'<say-as interpret-as="characters">{html.escape(item)}</say-as>'
        if item.isupper():
            mode = self.params.get("cap_let_recogn", "none")
            if mode == "spell":
                said = f"capital {said}"
            elif mode == "icon":
                said = f'<prosody pitch="{CAPITAL_ICON_PITCH}">{said}</prosody>'
        return f"<speak>{said}</speak>", True

    def speak(self, command: str) -> None:
        with self.out_lock:
            self._write("202 OK RECEIVING MESSAGE")
            lines = self.read_block()
            if lines is None:
                return
            if self.server is None:
                self._write("300-AUDIO was not initialized", "300 UNKNOWN ERROR")
                return
            text, ssml = self.message(command, lines)
            self.speaking_id += 1
            self._write("200 OK SPEAKING")
        self.apply_settings()
        self.server.speak(self.speaking_id, text, ssml=ssml)

    def settings_block(self, command: str) -> None:
        """AUDIO, SET and LOGLEVEL: ``name=value`` lines up to a dot, then the reply."""
        first = {
            "AUDIO": "207 OK RECEIVING AUDIO SETTINGS",
            "SET": "203 OK RECEIVING SETTINGS",
            "LOGLEVEL": "207 OK RECEIVING LOGLEVEL SETTINGS",
        }[command]
        with self.out_lock:
            self._write(first)
            lines = self.read_block()
            if lines is None:
                return
            settings = {}
            for line in lines:
                name, _, value = line.partition("=")
                settings[name.strip()] = value.strip()
            if command == "AUDIO":
                self._write(*self.audio(settings))
            elif command == "SET":
                for name, value in settings.items():
                    if value == "NULL":
                        self.params.pop(name, None)
                    else:
                        self.params[name] = value
                self._write("203 OK SETTINGS RECEIVED")
            else:
                self._write("203 OK LOGLEVEL SET")


def main(argv: list[str] | None = None) -> int:
    """The ``sd_bittts`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    module = SpeechDispatcherModule(stdin, stdout, argv[0] if argv else None)
    try:
        return module.run()
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one line for Speech Dispatcher's log, not a traceback
        print(f"sd_bittts: error: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
