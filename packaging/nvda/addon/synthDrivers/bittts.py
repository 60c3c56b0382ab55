# BitTTS synth driver for NVDA: speaks through the BitTTS speech server (`bittts serve`), a
# process of its own that this driver starts on demand and talks to over its standard input
# and output (JSON lines, docs/system-voice.md). The server loads the model once, plays the
# audio itself and reports each index as it is heard.
#
# NVDA's speech sequences become SSML: text (escaped), IndexCommand -> <mark name="N"/>,
# CharacterModeCommand -> <say-as interpret-as="characters">, BreakCommand -> <break>,
# PitchCommand/RateCommand/VolumeCommand -> <prosody> relative to the current settings.
# Utterances given while one is being spoken wait here, in order, and each is sent when the one
# before it ends (the server cancels whatever it speaks when it is given new speech); cancel()
# drops them and stops the server at once.
#
# Where the server is: the BITTTS_SERVER_COMMAND environment variable (a JSON list, the command
# line), else bittts-console.exe of a BitTTS Desktop installation, else `bittts` on PATH.

import collections
import json
import math
import os
import shutil
import subprocess
import threading
from collections import OrderedDict
from xml.sax.saxutils import escape, quoteattr

import synthDriverHandler
from logHandler import log
from speech.commands import (
    BreakCommand,
    CharacterModeCommand,
    IndexCommand,
    LangChangeCommand,
    PitchCommand,
    RateCommand,
    VolumeCommand,
)
from synthDriverHandler import VoiceInfo, synthDoneSpeaking, synthIndexReached

REQUEST_TIMEOUT = 20.0  # seconds to wait for the server's reply (the first one loads the model)
MIN_SPEED, NORMAL_MAX_SPEED, BOOST_MAX_SPEED = 0.5, 2.0, 4.5
PITCH_SEMITONES = 6.0  # NVDA's pitch 0..100 spans -6..+6 semitones
NO_VARIANT = "none"
BLEND_WEIGHT = 0.3  # a variant mixes this much of another voice into the chosen one


def nvda_rate_to_speed(rate, boost):
    """NVDA's rate 0..100 -> a speed factor. Without boost 0 is 0.5x, 50 normal, 100 2x; with
    rate boost 0 is normal and 100 is 4.5x (about 800 words a minute)."""
    r = max(0, min(100, rate)) / 100.0
    if boost:
        return BOOST_MAX_SPEED**r
    return MIN_SPEED * (NORMAL_MAX_SPEED / MIN_SPEED) ** r


def nvda_pitch_to_semitones(pitch):
    return PITCH_SEMITONES * (max(0, min(100, pitch)) - 50) / 50.0


def nvda_volume_to_gain(volume):
    return max(0, min(100, volume)) / 100.0


def find_server_command():
    """The command line that starts the speech server, or None when BitTTS is not installed."""
    configured = os.environ.get("BITTTS_SERVER_COMMAND")
    if configured:
        return json.loads(configured)
    roots = [os.environ.get("LOCALAPPDATA", ""), os.environ.get("ProgramFiles", ""), os.environ.get("ProgramW6432", "")]
    for root in roots:
        for sub in (os.path.join("Programs", "BitTTS Desktop"), "BitTTS Desktop"):
            exe = os.path.join(root, sub, "bittts-console.exe")
            if root and os.path.isfile(exe):
                return [exe, "serve"]
    found = shutil.which("bittts")
    return [found, "serve"] if found else None


class ServerConnection:
    """The server process and its JSON lines: requests with replies, and events to ``on_event``."""

    def __init__(self, command, on_event):
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            creationflags=flags,
            encoding="utf-8",
            bufsize=1,
        )
        self.on_event = on_event
        self._write_lock = threading.Lock()
        self._waiting = {}  # request id -> [threading.Event, reply]
        self._next = 0
        self._reader = threading.Thread(target=self._read, name="bittts-server-reader", daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                log.warning("BitTTS: unreadable line from the speech server: %r", line)
                continue
            if "event" in message:
                try:
                    self.on_event(message)
                except Exception:
                    log.error("BitTTS: handling a speech server event", exc_info=True)
                continue
            slot = self._waiting.pop(message.get("id"), None)
            if slot is not None:
                slot[1] = message
                slot[0].set()
            elif not message.get("ok", True):
                log.warning("BitTTS: the speech server refused a request: %s", message.get("error"))
        for slot in list(self._waiting.values()):
            slot[0].set()  # the server is gone: no one waits for ever

    def send(self, message):
        line = json.dumps(message) + "\n"
        with self._write_lock:
            try:
                self.process.stdin.write(line)
                self.process.stdin.flush()
            except (OSError, ValueError):
                log.error("BitTTS: the speech server has stopped")

    def request(self, message):
        """Send and wait for the reply; RuntimeError when it refuses or does not answer."""
        with self._write_lock:
            self._next += 1
            request_id = f"r{self._next}"
        slot = [threading.Event(), None]
        self._waiting[request_id] = slot
        self.send(dict(message, id=request_id))
        if not slot[0].wait(REQUEST_TIMEOUT) or slot[1] is None:
            self._waiting.pop(request_id, None)
            raise RuntimeError(f"the BitTTS speech server did not answer {message.get('cmd')}")
        if not slot[1].get("ok"):
            raise RuntimeError(f"the BitTTS speech server refused {message.get('cmd')}: {slot[1].get('error')}")
        return slot[1]

    @property
    def alive(self):
        return self.process.poll() is None

    def close(self):
        try:
            self.send({"cmd": "quit"})
            self.process.stdin.close()
            self.process.wait(5)
        except Exception:
            self.process.kill()


def _numeric_setting(attribute, kind):
    """The _get_/_set_ pair NVDA reads a setting through: the value kept here, sent on change."""

    def get(self):
        return getattr(self, attribute)

    def set(self, value):
        setattr(self, attribute, kind(value))
        self._apply()

    return get, set


class SynthDriver(synthDriverHandler.SynthDriver):
    name = "bittts"
    description = "BitTTS"
    supportedSettings = (
        synthDriverHandler.SynthDriver.VoiceSetting(),
        synthDriverHandler.SynthDriver.VariantSetting(),
        synthDriverHandler.SynthDriver.RateSetting(),
        synthDriverHandler.SynthDriver.RateBoostSetting(),
        synthDriverHandler.SynthDriver.PitchSetting(),
        synthDriverHandler.SynthDriver.VolumeSetting(),
    )
    supportedCommands = {
        IndexCommand,
        CharacterModeCommand,
        BreakCommand,
        PitchCommand,
        RateCommand,
        VolumeCommand,
        LangChangeCommand,
    }
    supportedNotifications = {synthIndexReached, synthDoneSpeaking}

    @classmethod
    def check(cls):
        return find_server_command() is not None

    def __init__(self):
        super().__init__()
        command = find_server_command()
        if command is None:
            raise RuntimeError("BitTTS is not installed: no bittts-console.exe and no bittts on PATH")
        self._lock = threading.Lock()
        self._queue = collections.deque()  # SSML waiting for the utterance being spoken
        self._speaking = None  # id of the utterance the server speaks, None when idle
        self._count = 0
        self._rate, self._rate_boost, self._pitch, self._volume = 50, False, 50, 100
        self._command = command
        self._server = ServerConnection(command, self._on_event)
        hello = self._server.request({"cmd": "hello"})
        self.sample_rate = hello.get("sample_rate")
        self._voices = self._server.request({"cmd": "voices"})["voices"]
        self._voice = self._voices[0]["name"]
        self._variant = NO_VARIANT
        self._apply()

    def terminate(self):
        self.cancel()
        self._server.close()
        super().terminate()

    def _ensure_server(self):
        """Start the server again if it has ended (it is started on demand, as at first)."""
        if not self._server.alive:
            log.warning("BitTTS: the speech server had stopped; starting it again")
            with self._lock:
                self._queue.clear()
                self._speaking = None
            self._server = ServerConnection(self._command, self._on_event)
            self._apply()

    # ---- speech
    def speak(self, speechSequence):
        self._ensure_server()
        ssml = self.sequence_to_ssml(speechSequence)
        with self._lock:
            if self._speaking is not None:
                self._queue.append(ssml)
                return
            self._start(ssml)

    def _start(self, ssml):
        """Send one utterance (the caller holds the lock)."""
        self._count += 1
        self._speaking = f"u{self._count}"
        self._server.send({"cmd": "speak", "id": self._speaking, "text": ssml, "ssml": True})

    def cancel(self):
        with self._lock:
            self._queue.clear()
            self._speaking = None
        self._server.send({"cmd": "stop"})

    def pause(self, switch):
        self._server.send({"cmd": "pause" if switch else "resume"})

    def _on_event(self, event):
        kind = event.get("event")
        with self._lock:
            if event.get("id") != self._speaking:
                return  # from speech already cancelled
            if kind == "mark":
                name = event.get("name", "")
                index = int(name) if name.isdigit() else None
            elif kind in ("end", "error", "stopped"):
                if kind == "error":
                    log.warning("BitTTS could not speak: %s", event.get("message"))
                self._speaking = None
                if self._queue:
                    self._start(self._queue.popleft())
                    return
                index = None
            else:
                return
        if kind == "mark":
            if index is not None:
                synthIndexReached.notify(synth=self, index=index)
        else:
            synthDoneSpeaking.notify(synth=self)

    def sequence_to_ssml(self, sequence):
        """NVDA's speech sequence -> SSML for the server."""
        parts = ["<speak>"]
        characters = False
        prosody_open = False
        pitch, rate, volume = self._pitch, self._rate, self._volume
        for item in sequence:
            if isinstance(item, str):
                text = escape(item)
                parts.append(f'<say-as interpret-as="characters">{text}</say-as>' if characters else text)
            elif isinstance(item, IndexCommand):
                parts.append(f"<mark name={quoteattr(str(item.index))}/>")
            elif isinstance(item, CharacterModeCommand):
                characters = bool(item.state)
            elif isinstance(item, BreakCommand):
                parts.append(f'<break time="{int(item.time)}ms"/>')
            elif isinstance(item, (PitchCommand, RateCommand, VolumeCommand)):
                if isinstance(item, PitchCommand):
                    pitch = _relative(self._pitch, item)
                elif isinstance(item, RateCommand):
                    rate = _relative(self._rate, item)
                else:
                    volume = _relative(self._volume, item)
                if prosody_open:
                    parts.append("</prosody>")
                prosody_open = (pitch, rate, volume) != (self._pitch, self._rate, self._volume)
                if prosody_open:
                    parts.append(self._prosody(pitch, rate, volume))
            # LangChangeCommand and others: English only, nothing to change
        if prosody_open:
            parts.append("</prosody>")
        parts.append("</speak>")
        return "".join(parts)

    def _prosody(self, pitch, rate, volume):
        semitones = nvda_pitch_to_semitones(pitch) - nvda_pitch_to_semitones(self._pitch)
        factor = nvda_rate_to_speed(rate, self._rate_boost) / nvda_rate_to_speed(self._rate, self._rate_boost)
        base = nvda_volume_to_gain(self._volume)
        gain = nvda_volume_to_gain(volume) / base if base else 1.0
        loudness = "silent" if gain <= 0 else f"{20 * math.log10(gain):+.1f}dB"
        return f'<prosody pitch="{semitones:+.1f}st" rate="{factor:.3f}" volume="{loudness}">'

    # ---- settings
    def _apply(self):
        voice = self._voice
        if self._variant != NO_VARIANT:
            voice = f"{self._voice}:{1 - BLEND_WEIGHT:g}+{self._variant}:{BLEND_WEIGHT:g}"
        self._server.request(
            {
                "cmd": "set",
                "voice": voice,
                "rate": nvda_rate_to_speed(self._rate, self._rate_boost),
                "pitch": nvda_pitch_to_semitones(self._pitch),
                "volume": nvda_volume_to_gain(self._volume),
            }
        )

    def _getAvailableVoices(self):
        voices = OrderedDict()
        for v in self._voices:
            label = f"{v['name']} ({v.get('gender', '')}, {v.get('accent', '')})"
            voices[v["name"]] = VoiceInfo(v["name"], label, v.get("language", "en").replace("-", "_"))
        return voices

    def _getAvailableVariants(self):
        variants = OrderedDict([(NO_VARIANT, VoiceInfo(NO_VARIANT, "none"))])
        for v in self._voices:
            if v["name"] != self._voice:
                label = f"with {round(100 * BLEND_WEIGHT)}% of {v['name']}"
                variants[v["name"]] = VoiceInfo(v["name"], label)
        return variants

    def _get_voice(self):
        return self._voice

    def _set_voice(self, value):
        if value in [v["name"] for v in self._voices]:
            self._voice = value
            if self._variant == value:
                self._variant = NO_VARIANT
            self._apply()

    def _get_variant(self):
        return self._variant

    def _set_variant(self, value):
        names = [v["name"] for v in self._voices]
        self._variant = value if value in names and value != self._voice else NO_VARIANT
        self._apply()

    _get_rate, _set_rate = _numeric_setting("_rate", int)
    _get_rateBoost, _set_rateBoost = _numeric_setting("_rate_boost", bool)
    _get_pitch, _set_pitch = _numeric_setting("_pitch", int)
    _get_volume, _set_volume = _numeric_setting("_volume", int)


def _relative(current, command):
    """The value a PitchCommand, RateCommand or VolumeCommand asks for, from the current one."""
    if getattr(command, "isDefault", False):
        return current
    return max(0, min(100, int(current * getattr(command, "multiplier", 1) + getattr(command, "offset", 0))))
