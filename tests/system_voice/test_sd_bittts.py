"""sd_bittts, the Speech Dispatcher output module: driven through its protocol as Speech
Dispatcher drives it (a subprocess on pipes, audio into nothing), its settings, the install
command, and, when Speech Dispatcher is installed, the real server speaking through it."""

import io
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bittts import __version__, speechd
from bittts.cli import main as cli_main
from bittts.speechd import (
    SpeechDispatcherModule,
    key_text,
    parse_config,
    pitch_to_semitones,
    rate_to_speed,
    spell_ssml,
    volume_to_gain,
)
from bittts.system_voice import BEGIN_MARK, SystemVoiceError, install_speechd, uninstall_speechd

ROOT = Path(__file__).resolve().parents[2]
LONG = "<speak>" + " ".join(f"Sentence {n} is here to be cut off." for n in range(40)) + "</speak>"


@pytest.fixture(scope="module")
def module_conf(tiny_model_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("sd") / "bittts.conf"
    path.write_text(f'# test\nBitttsModel "{tiny_model_path}"\nBitttsVoice "spk2"\n', encoding="utf-8")
    return path


class Module:
    """sd_bittts on pipes, as Speech Dispatcher starts it; lines read on a thread."""

    def __init__(self, conf):
        env = dict(os.environ, BITTTS_SD_AUDIO="null")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bittts.speechd", str(conf)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def send(self, *lines):
        self.proc.stdin.write("".join(line + "\n" for line in lines))
        self.proc.stdin.flush()

    def expect(self, count, timeout=30.0):
        got = []
        for _ in range(count):
            line = self.lines.get(timeout=timeout)
            assert line is not None, f"the module ended; stderr: {self.proc.stderr.read()}"
            got.append(line)
        return got

    def until(self, last, timeout=30.0):
        got = []
        while not got or got[-1] not in last:
            got += self.expect(1, timeout)
        return got

    def quiet(self, seconds=0.3):
        try:
            line = self.lines.get(timeout=seconds)
        except queue.Empty:
            return True
        raise AssertionError(f"unexpected line {line!r}")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def module(module_conf):
    m = Module(module_conf)
    m.send("INIT")
    assert m.expect(2) == [f"299-BitTTS {__version__}: 3 voices", "299 OK LOADED SUCCESSFULLY"]
    m.send("AUDIO", "audio_output_method=server", ".")
    assert m.expect(3) == ["207 OK RECEIVING AUDIO SETTINGS", "300-BitTTS plays its own audio", "300 UNKNOWN ERROR"]
    m.send("AUDIO", "audio_output_method=pulse", "audio_pulse_device=default", ".")
    assert m.expect(2) == ["207 OK RECEIVING AUDIO SETTINGS", "203 OK AUDIO INITIALIZED"]
    yield m
    m.close()


def test_settings_map_onto_the_engine():
    assert rate_to_speed(0) == 1.0 and rate_to_speed(100) == pytest.approx(4.5) and rate_to_speed(-100) == 0.5
    assert rate_to_speed(50) == pytest.approx(4.5**0.5) and rate_to_speed(500) == pytest.approx(4.5)
    speeds = [rate_to_speed(r) for r in range(-100, 101, 10)]
    assert speeds == sorted(speeds)
    assert (pitch_to_semitones(-100), pitch_to_semitones(0), pitch_to_semitones(50)) == (-6.0, 0.0, 3.0)
    assert (volume_to_gain(-100), volume_to_gain(0), volume_to_gain(100)) == (0.0, 0.5, 1.0)


def test_ssml_is_spelled():
    spelled = spell_ssml('<speak>Hi <mark name="m"/>you2</speak>')
    assert spelled == (
        '<speak><say-as interpret-as="characters">Hi</say-as> <mark name="m"/>'
        '<say-as interpret-as="characters">you2</say-as></speak>'
    )
    assert key_text("shift_kp-enter") == "shift keypad enter" and key_text("a") == "a"


def test_config_file_is_read(module_conf, tiny_model_path):
    assert parse_config(str(module_conf)) == {"BitttsModel": str(tiny_model_path), "BitttsVoice": "spk2"}
    assert parse_config("/nonexistent/bittts.conf") == {}


def test_the_entry_point_is_declared():
    scripts = (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("[project.scripts]")[1].split("\n[")[0]
    assert 'sd_bittts = "bittts.speechd:main"' in scripts
    assert callable(speechd.main)


def test_init_fails_with_a_reason_for_a_bad_model(tmp_path):
    conf = tmp_path / "bittts.conf"
    conf.write_text(f'BitttsModel "{tmp_path / "missing.bttm"}"\n', encoding="utf-8")
    m = Module(conf)
    try:
        m.send("INIT")
        first, second = m.expect(2)
        assert first.startswith("399-BitTTS cannot load its model: model file not found")
        assert second == "399 ERR CANT INIT MODULE"
        m.send("LIST VOICES")
        assert m.expect(2) == ["300-INIT first", "300 UNKNOWN ERROR"]
        m.send("QUIT")
        assert m.expect(1) == ["210 OK QUIT"]
        assert m.proc.wait(timeout=10) == 0
    finally:
        m.close()


def test_list_voices_loglevel_set_and_unknown_commands(module):
    module.send("LIST VOICES")
    assert module.expect(4) == [
        "200-spk0\ten-US\tfemale",
        "200-spk1\ten-US\tfemale",
        "200-spk2\ten-US\tfemale",
        "200 OK VOICE LIST SENT",
    ]
    module.send("LOGLEVEL", "log_level=3", ".")
    assert module.expect(2) == ["207 OK RECEIVING LOGLEVEL SETTINGS", "203 OK LOGLEVEL SET"]
    module.send("SET", "rate=100", "pitch=-50", "pitch_range=0", "volume=100", "punctuation_mode=all")
    module.send(
        "spelling_mode=off", "cap_let_recogn=spell", "voice=female2", "language=en", "synthesis_voice=NULL", "."
    )
    assert module.expect(2) == ["203 OK RECEIVING SETTINGS", "203 OK SETTINGS RECEIVED"]
    module.send("DANCE")
    assert module.expect(1) == ["300 ERR UNKNOWN COMMAND DANCE"]
    module.send("QUIT")
    assert module.expect(1) == ["210 OK QUIT"]
    assert module.proc.wait(timeout=10) == 0


def test_ssml_the_engine_passes_over_is_spoken_not_refused(module):
    # Speech Dispatcher and its clients may send <voice>, <audio>, <lang> and CDATA: the module
    # hands them on, and the engine reads what it supports and the text of the rest.
    ssml = (
        '<speak><voice gender="female">Hi <mark name="one"/>there</voice> '
        '<audio src="bell.wav">ding</audio> <lang xml:lang="fr">merci</lang> <![CDATA[a > b & c]]></speak>'
    )
    module.send("SPEAK", ssml, ".")
    assert module.until({"702 END", "703 STOP"}) == [
        "202 OK RECEIVING MESSAGE",
        "200 OK SPEAKING",
        "701 BEGIN",
        "700-one",
        "700 INDEX MARK",
        "702 END",
    ]


def test_speak_reports_begin_marks_and_end(module):
    module.send("SPEAK", '<speak>Hello <mark name="one"/>there, <mark name="two"/>you.</speak>', ".")
    assert module.until({"702 END", "703 STOP"}) == [
        "202 OK RECEIVING MESSAGE",
        "200 OK SPEAKING",
        "701 BEGIN",
        "700-one",
        "700 INDEX MARK",
        "700-two",
        "700 INDEX MARK",
        "702 END",
    ]
    module.send("SPEAK", "<speak>A line", "..", "..dot first</speak>", ".")  # dots doubled by the server
    assert module.until({"702 END", "703 STOP"}) == [
        "202 OK RECEIVING MESSAGE",
        "200 OK SPEAKING",
        "701 BEGIN",
        "702 END",
    ]
    for command, data in (("CHAR", "A"), ("CHAR", ","), ("CHAR", " "), ("KEY", "control_c"), ("SOUND_ICON", "bell")):
        module.send(command, data, ".")
        assert module.until({"702 END", "703 STOP"}) == [
            "202 OK RECEIVING MESSAGE",
            "200 OK SPEAKING",
            "701 BEGIN",
            "702 END",
        ], command


def test_stop_ends_the_speech_with_a_stop_event(module):
    module.send("SPEAK", LONG, ".")
    assert module.expect(3) == ["202 OK RECEIVING MESSAGE", "200 OK SPEAKING", "701 BEGIN"]
    sent = time.perf_counter()
    module.send("STOP")
    assert module.expect(1) == ["703 STOP"]
    assert time.perf_counter() - sent < 2.0  # loose: bench/server_latency.py measures it
    module.quiet()
    module.send("STOP")  # nothing to stop: no reply, no event
    module.quiet()


def test_pause_stops_after_the_next_spd_mark(module):
    text = "<speak>" + " ".join(f'<mark name="__spd_{n}"/>Part {n} of the text goes on.' for n in range(30))
    module.send("SPEAK", text + "</speak>", ".")
    assert module.expect(3) == ["202 OK RECEIVING MESSAGE", "200 OK SPEAKING", "701 BEGIN"]
    module.send("PAUSE")
    got = module.until({"704 PAUSE", "703 STOP", "702 END"})
    assert got[-1] == "704 PAUSE" and got[-2] == "700 INDEX MARK" and got[-3].startswith("700-__spd_")
    module.quiet()
    # no __spd_ mark to stop at: it stops at once, still reported as a pause
    module.send("SPEAK", LONG, ".")
    assert module.expect(3) == ["202 OK RECEIVING MESSAGE", "200 OK SPEAKING", "701 BEGIN"]
    module.send("PAUSE")
    assert module.expect(1) == ["704 PAUSE"]


def _in_process(module_conf, script):
    out = io.StringIO()
    m = SpeechDispatcherModule(io.StringIO(script), out, str(module_conf), environ={"BITTTS_SD_AUDIO": "null"})
    return m, out


def test_settings_reach_the_server(module_conf):
    script = "INIT\nAUDIO\naudio_output_method=pulse\n.\nSET\nrate=100\npitch=50\nvolume=0\nvoice=female2\n.\n"
    m, out = _in_process(module_conf, script)
    for _ in range(3):
        m.handle(m.stdin.readline().strip())
    try:
        assert m.pick_voice() == "spk2"  # BitttsVoice from the configuration
        m.default_voice = ""
        assert m.pick_voice() == "spk1"  # the second female voice
        m.apply_settings()
        s = m.server.settings
        assert (s.voice, s.rate, s.pitch, s.volume) == ("spk1", pytest.approx(4.5), 3.0, 0.5)
        m.params["synthesis_voice"] = "spk0"
        assert m.pick_voice() == "spk0"  # a voice named wins over the type
        m.params["synthesis_voice"] = "nobody"
        m.params["voice"] = "male1"  # no male voice in the test model: the first voice
        assert m.pick_voice() == "spk0"
        assert m.message("CHAR", ["B"]) == ('<speak><say-as interpret-as="characters">B</say-as></speak>', True)
        m.params["cap_let_recogn"] = "spell"
        assert m.message("CHAR", ["B"])[0] == '<speak>capital <say-as interpret-as="characters">B</say-as></speak>'
        m.params["cap_let_recogn"] = "icon"
        assert '<prosody pitch="+4st">' in m.message("CHAR", ["B"])[0]
        m.params["spelling_mode"] = "on"
        assert m.message("SPEAK", ["<speak>ab</speak>"]) == (
            '<speak><say-as interpret-as="characters">ab</say-as></speak>',
            True,
        )
        assert m.message("SPEAK", ["plain text"]) == ("plain text", False)
    finally:
        m.server.close()


def test_a_configured_voice_the_model_lacks_is_logged_and_the_voice_type_decides(tiny_model_path, tmp_path, capsys):
    """A bittts.conf written for another model (the bundled model's voices renamed on an upgrade)."""
    conf = tmp_path / "bittts.conf"
    conf.write_text(f'BitttsModel "{tiny_model_path}"\nBitttsVoice "slt"\n', encoding="utf-8")
    m, out = _in_process(conf, "INIT\n")
    m.handle(m.stdin.readline().strip())
    assert out.getvalue().endswith("299 OK LOADED SUCCESSFULLY\n")
    said = 'sd_bittts: BitttsVoice "slt" is not a voice of this model (spk0, spk1, spk2); the voice type picks one\n'
    assert capsys.readouterr().err == said
    m.params["voice"] = "female2"
    assert m.default_voice == "" and m.pick_voice() == "spk1"


# --- the install command ----------------------------------------------------------------------
def _fake_module_folder(tmp_path):
    folder = tmp_path / "modules-dir"
    folder.mkdir()
    for name in ("sd_espeak-ng", "sd_dummy", "sd_generic"):
        path = folder / name
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    return folder


def test_install_writes_only_the_users_config_and_keeps_the_other_modules(tmp_path):
    system = tmp_path / "etc-speechd.conf"
    system.write_text('LogLevel 3\n#AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"\n')
    binary = tmp_path / "sd_bittts"
    binary.write_text("#!/bin/sh\n")
    home = tmp_path / "config"
    result = install_speechd(binary, home, system, [_fake_module_folder(tmp_path)])
    conf = (home / "speech-dispatcher" / "speechd.conf").read_text()
    assert conf.startswith("LogLevel 3\n")
    assert f'AddModule "bittts" "{binary.resolve()}" "bittts.conf"' in conf
    assert 'AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"' in conf.split(BEGIN_MARK)[1]
    assert "dummy" not in conf.split(BEGIN_MARK)[1] and result.kept_modules == ("espeak-ng",)
    assert "BitttsModel" in result.module_conf.read_text()
    assert system.read_text().startswith("LogLevel 3\n#AddModule")  # untouched
    again = install_speechd(binary, home, system, [])
    assert again.speechd_conf.read_text().count(BEGIN_MARK) == 1  # installing twice: one block
    assert uninstall_speechd(home) == [result.speechd_conf, result.module_conf]
    assert result.speechd_conf.read_text() == 'LogLevel 3\n#AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"\n'
    assert uninstall_speechd(home) == []


def test_install_beside_active_add_module_lines_adds_only_ours(tmp_path):
    home = tmp_path / "config"
    (home / "speech-dispatcher").mkdir(parents=True)
    (home / "speech-dispatcher" / "speechd.conf").write_text('AddModule "flite" "sd_flite" "flite.conf"\n')
    binary = tmp_path / "sd_bittts"
    binary.write_text("")
    result = install_speechd(binary, home, tmp_path / "none.conf", [_fake_module_folder(tmp_path)])
    assert result.kept_modules == ()
    assert result.speechd_conf.read_text().count("AddModule") == 2


def test_install_command_messages(tmp_path, capsys):
    code = cli_main(["system-voice", "install-speechd", "--config-home", str(tmp_path), "--module", "/nonexistent"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("bittts: error: the sd_bittts program was not found") and err.count("\n") == 1
    binary = tmp_path / "sd_bittts"
    binary.write_text("")
    assert cli_main(["system-voice", "install-speechd", "--config-home", str(tmp_path), "--module", str(binary)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'speech-dispatcher' / 'modules' / 'bittts.conf'}" in out
    assert cli_main(["system-voice", "uninstall-speechd", "--config-home", str(tmp_path)]) == 0
    assert "changed" in capsys.readouterr().out
    with pytest.raises(SystemVoiceError, match="not found"):
        install_speechd(tmp_path / "missing", tmp_path)


# --- the real Speech Dispatcher ---------------------------------------------------------------
@pytest.mark.skipif(
    shutil.which("speech-dispatcher") is None or shutil.which("spd-say") is None,
    reason="Speech Dispatcher is not installed (apt-get install speech-dispatcher; scripts/dev.sh installs it)",
)
def test_the_real_speech_dispatcher_speaks_through_the_module(tmp_path, tiny_model_path):
    wrapper = tmp_path / "sd_bittts"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bittts.speechd "$@"\n')
    wrapper.chmod(0o755)
    result = install_speechd(wrapper, tmp_path / "config", tmp_path / "no-system.conf", [])
    result.module_conf.write_text(f'BitttsModel "{tiny_model_path}"\n')
    config_dir = result.speechd_conf.parent
    socket_path = tmp_path / "speechd.sock"
    env = dict(os.environ, BITTTS_SD_AUDIO="null", PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        ["speech-dispatcher", "-s", "-t", "60", "-C", str(config_dir), "-S", str(socket_path)]
        + ["-L", str(tmp_path), "-P", str(tmp_path / "speechd.pid"), "-c", "unix_socket"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client_env = dict(env, SPEECHD_ADDRESS=f"unix_socket:{socket_path}")

    def spd_say(*args):
        return subprocess.run(["spd-say", *args], env=client_env, capture_output=True, text=True, timeout=60)

    try:
        deadline = time.monotonic() + 30
        while not socket_path.exists():
            assert server.poll() is None, "speech-dispatcher ended: " + (tmp_path / "speech-dispatcher.log").read_text()
            assert time.monotonic() < deadline, "speech-dispatcher did not open its socket"
            time.sleep(0.1)
        modules = spd_say("-O")
        assert "bittts" in modules.stdout.split()
        voices = spd_say("-o", "bittts", "-L")
        assert "spk0" in voices.stdout and "en-US" in voices.stdout
        # -w waits for the module's END: a module that never ends its speech times out here
        assert spd_say("-w", "-o", "bittts", "-r", "80", "Hello there, from the module.").returncode == 0
        assert spd_say("-w", "-x", "-o", "bittts", '<speak>Hi <mark name="m"/>you.</speak>').returncode == 0
        assert spd_say("-w", "-o", "bittts", "-c", "A").returncode == 0
    finally:
        server.terminate()
        server.wait(timeout=20)
    log = (tmp_path / "bittts.log").read_text(errors="replace") if (tmp_path / "bittts.log").exists() else ""
    assert "Traceback" not in log
