"""bittts.engine.audio_output: the one int16 rule, the file writer, synthesizing ahead, no device."""

import subprocess
import sys
import threading
import time
import types
import wave
from contextlib import closing

import numpy as np
import pytest

from bittts.engine import audio_output
from bittts.engine.audio_output import (
    AudioFileWriter,
    AudioUnavailable,
    UnsupportedFormat,
    available_formats,
    check_output_device,
    open_output_stream,
    synthesize_ahead,
    to_int16,
)

RATE = 8000


def tone(seconds=0.25, peak=0.5):
    t = np.arange(int(seconds * RATE)) / RATE
    return (peak * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def read_wav(path):
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        return np.frombuffer(w.readframes(w.getnframes()), "<i2")


@pytest.fixture
def no_soundfile(monkeypatch):
    monkeypatch.setitem(sys.modules, "soundfile", None)  # as if it (or libsndfile) were not installed


# --- the int16 rule ---------------------------------------------------------------------------
def test_int16_rounds_to_nearest_and_clips():
    one = 1 / 32767
    x = np.array([0.0, 0.4 * one, 0.6 * one, -0.6 * one, 2.5 * one, 1.0, -1.0, 1.5, -1.5, 1 + one, np.nan, np.inf])
    assert to_int16(x).tolist() == [0, 0, 1, -1, 2, 32767, -32767, 32767, -32768, 32767, 0, 32767]
    assert to_int16(x).dtype == np.int16


def test_int16_is_exact_on_the_int16_grid():
    grid = np.arange(-32767, 32768, 7)
    np.testing.assert_array_equal(to_int16(grid / 32767), grid)


# --- files ------------------------------------------------------------------------------------
def write(path, *blocks):
    with AudioFileWriter(path, RATE) as writer:
        for block in blocks:
            writer.write(block)
        writer.commit()
    return writer


def test_wav_holds_the_rounded_samples_and_no_temporary_file_is_left(tmp_path):
    samples = tone(peak=1.2)  # clipped
    writer = write(tmp_path / "out.wav", samples[:500], samples[500:])
    assert writer.frames == len(samples) and writer.seconds == pytest.approx(len(samples) / RATE)
    np.testing.assert_array_equal(read_wav(tmp_path / "out.wav"), to_int16(samples))
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]


def test_wav_without_soundfile_is_the_same_audio(tmp_path, no_soundfile):
    assert available_formats() == [".wav"]
    samples = tone()
    write(tmp_path / "plain.WAV", samples)
    np.testing.assert_array_equal(read_wav(tmp_path / "plain.WAV"), to_int16(samples))
    with pytest.raises(UnsupportedFormat, match="the formats available are .wav$"):
        AudioFileWriter(tmp_path / "x.flac", RATE)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".opus", ".mp3"])
def test_every_format_reads_back(tmp_path, suffix):
    if suffix not in available_formats():
        pytest.skip(f"{suffix} needs soundfile")
    import soundfile

    samples = tone(peak=0.6)
    write(tmp_path / f"out{suffix}", samples)
    if suffix in (".ogg", ".opus", ".mp3"):  # lossy: the same length and loudness
        data, rate = soundfile.read(str(tmp_path / f"out{suffix}"), dtype="float32")
        assert rate == RATE and abs(len(data) - len(samples)) < 1200  # MP3 pads a frame or so
        assert np.abs(data).max() == pytest.approx(0.6, abs=0.1)
    else:  # lossless: exactly the int16 rule's samples
        data, rate = soundfile.read(str(tmp_path / f"out{suffix}"), dtype="int16")
        assert rate == RATE
        np.testing.assert_array_equal(data, to_int16(samples))
    assert [p.name for p in tmp_path.iterdir()] == [f"out{suffix}"]


@pytest.mark.parametrize("name", ["out.aiff", "out"])
def test_an_unknown_suffix_is_refused_before_any_file_is_made(tmp_path, name):
    with pytest.raises(UnsupportedFormat, match="the formats available are .wav"):
        AudioFileWriter(tmp_path / name, RATE)
    assert not list(tmp_path.iterdir())


def test_an_error_leaves_no_partial_file_and_the_old_file_untouched(tmp_path):
    out = tmp_path / "out.wav"
    out.write_bytes(b"the old file")
    with pytest.raises(RuntimeError, match="synthesis broke"), AudioFileWriter(out, RATE) as writer:
        writer.write(tone())
        assert writer.temp_path.exists() and writer.temp_path.parent == tmp_path
        raise RuntimeError("synthesis broke")
    assert out.read_bytes() == b"the old file"
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]


def test_leaving_without_a_commit_discards(tmp_path):
    with AudioFileWriter(
        tmp_path / "out.flac" if ".flac" in available_formats() else tmp_path / "out.wav", RATE
    ) as writer:
        writer.write(tone())
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_is_an_oserror(tmp_path, no_soundfile):
    with pytest.raises(OSError):
        AudioFileWriter(tmp_path / "no" / "such" / "out.wav", RATE)


# --- synthesizing ahead -----------------------------------------------------------------------
def test_items_come_in_order_and_the_producer_stays_at_most_ahead_in_front():
    made = []

    def synthesize(cancel):
        for i in range(10):
            made.append(i)
            yield i

    got = []
    with closing(synthesize_ahead(synthesize, ahead=2, poll=0.005)) as items:
        for item in items:
            time.sleep(0.01)
            # consumed so far, plus the queue (2), plus the one the producer holds
            assert len(made) <= len(got) + 1 + 2 + 1
            got.append(item)
    assert got == list(range(10))


def test_a_producer_error_is_raised_in_the_consumer():
    def synthesize(cancel):
        yield 1
        raise ValueError("bad SSML")

    got = []
    with pytest.raises(ValueError, match="bad SSML"), closing(synthesize_ahead(synthesize, poll=0.005)) as items:
        got.extend(items)
    assert got == [1]


def test_stopping_early_cancels_the_synthesizer_and_ends_its_thread():
    seen_cancel = threading.Event()

    def synthesize(cancel):
        i = 0
        while not cancel.is_set():
            yield i
            i += 1
        seen_cancel.set()

    with closing(synthesize_ahead(synthesize, poll=0.005, thread_name="ahead-test")) as items:
        for item in items:
            if item == 3:
                break
    assert seen_cancel.wait(2)
    assert not any(t.name == "ahead-test" for t in threading.enumerate())


def test_a_cancel_from_outside_ends_the_iteration_quietly():
    cancel = threading.Event()

    def synthesize(cancel):
        while True:
            yield 0
            time.sleep(0.001)

    with closing(synthesize_ahead(synthesize, cancel=cancel, poll=0.005)) as items:
        for n, _ in enumerate(items):
            if n == 2:
                cancel.set()
    assert n < 5


# --- the sound card ---------------------------------------------------------------------------
def fake_sounddevice(monkeypatch, query=None, stream=None):
    module = types.SimpleNamespace(query_devices=query or (lambda kind: {"name": "fake"}), OutputStream=stream)
    monkeypatch.setitem(sys.modules, "sounddevice", module)


def test_no_audio_library_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    with pytest.raises(AudioUnavailable, match=r"^the audio library cannot be loaded \("):
        check_output_device()


def _raise(error):
    def fail(*args, **kwargs):
        raise error

    return fail


@pytest.mark.parametrize(
    "fakes, message",
    [
        ({"query": _raise(ValueError("No output device matching ''"))}, "no output device was found"),
        (
            {"stream": _raise(RuntimeError("Error opening OutputStream: Invalid sample rate\n[PaErrorCode -9997]"))},
            "the audio output cannot be opened (Error opening OutputStream: Invalid sample rate)",
        ),
    ],
)
def test_no_device_or_a_stream_that_cannot_open_says_why_in_one_line(monkeypatch, fakes, message):
    fake_sounddevice(monkeypatch, **fakes)
    with pytest.raises(AudioUnavailable) as info:
        open_output_stream(RATE)
    assert str(info.value) == message


def test_the_stream_is_mono_float32_and_started(monkeypatch):
    made = []

    class Stream:
        def __init__(self, **options):
            self.options, self.started = options, False
            made.append(self)

        def start(self):
            self.started = True

    fake_sounddevice(monkeypatch, stream=Stream)
    stream = open_output_stream(RATE, blocksize=1024)
    assert stream.started and stream.options == {
        "samplerate": RATE,
        "channels": 1,
        "dtype": "float32",
        "blocksize": 1024,
    }


def test_the_engine_imports_without_soundfile_and_sounddevice():
    code = (
        "import sys; sys.modules['soundfile'] = sys.modules['sounddevice'] = None; "
        "import bittts.engine.audio_output as a, bittts.engine.synthesis; print(a.available_formats())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['.wav']"
    assert audio_output.FILE_FORMATS[".flac"] == ("FLAC", "PCM_16")


# --- issue 29: the 4 GiB of a WAV file --------------------------------------------------------
def test_a_wav_that_may_pass_4_gib_is_written_as_rf64_with_a_note(tmp_path, monkeypatch):
    pytest.importorskip("soundfile")
    monkeypatch.setattr(audio_output, "WAV_MAX_DATA_BYTES", 2 * RATE)  # one second of audio
    with AudioFileWriter(tmp_path / "long.wav", RATE, expected_seconds=0.6) as w:
        assert "RF64" in w.note
        w.write(tone(2.0))  # past what a plain WAV could hold here
        w.commit()
    assert (tmp_path / "long.wav").read_bytes()[:4] == b"RF64"
    with AudioFileWriter(tmp_path / "short.wav", RATE, expected_seconds=0.4) as w:
        assert w.note == ""
        w.write(tone(0.25))
        w.commit()
    assert (tmp_path / "short.wav").read_bytes()[:4] == b"RIFF"


def test_without_soundfile_a_wav_too_long_is_refused_up_front(tmp_path, monkeypatch, no_soundfile):
    monkeypatch.setattr(audio_output, "WAV_MAX_DATA_BYTES", 2 * RATE)
    with pytest.raises(audio_output.AudioTooLong, match="flac"):
        AudioFileWriter(tmp_path / "long.wav", RATE, expected_seconds=0.6)
    assert list(tmp_path.iterdir()) == []


def test_a_plain_wav_stops_at_its_limit_with_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(audio_output, "WAV_MAX_DATA_BYTES", 2 * RATE)
    (tmp_path / "x.wav").write_bytes(b"old")
    with AudioFileWriter(tmp_path / "x.wav", RATE) as w:
        w.write(tone(0.5))
        with pytest.raises(audio_output.AudioTooLong, match="4 GiB"):
            w.write(tone(0.6))
    assert (tmp_path / "x.wav").read_bytes() == b"old"  # the old file stands, no partial file
    assert [p.name for p in tmp_path.iterdir()] == ["x.wav"]


def test_the_estimate_is_generous_for_ssml_and_slow_speech():
    plain = audio_output.estimated_audio_seconds(1000)
    assert plain >= 1000 / 15  # faster than real speech, about 15 characters a second
    assert audio_output.estimated_audio_seconds(1000, speed=0.5) == 2 * plain
    assert audio_output.estimated_audio_seconds(1000, ssml=True) > 4 * plain


# --- issue 31: MP3, Opus, tags and standard output ----------------------------------------------
TAGS = {"title": "Chapter One", "album": "A Book", "tracknumber": "3", "artist": "BitTTS", "comment": "read aloud"}


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".opus", ".mp3"])
def test_tags_are_read_back_from_every_format(tmp_path, suffix):
    if suffix not in available_formats():
        pytest.skip(f"{suffix} needs soundfile with this codec")
    import soundfile

    with AudioFileWriter(tmp_path / f"t{suffix}", RATE, tags=TAGS) as writer:
        writer.write(tone())
        writer.commit()
    with soundfile.SoundFile(str(tmp_path / f"t{suffix}")) as f:
        assert {name: f.copy_metadata().get(name) for name in TAGS} == TAGS


def test_an_unknown_tag_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown tags composer"):
        AudioFileWriter(tmp_path / "t.wav", RATE, tags={"composer": "x"})


def test_opus_at_a_rate_it_cannot_take_is_resampled_with_a_note(tmp_path):
    if ".opus" not in available_formats():
        pytest.skip("this libsndfile has no Opus")
    import soundfile

    rate = 22050
    t = np.arange(rate) / rate
    samples = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    with AudioFileWriter(tmp_path / "speech.opus", rate) as writer:
        assert "24,000 Hz" in writer.note
        writer.write(samples[:7000])
        writer.write(samples[7000:])
        writer.commit()
    data, file_rate = soundfile.read(str(tmp_path / "speech.opus"), dtype="float32")
    assert file_rate == 24000 and abs(len(data) - 24000) < 1000
    spectrum = np.abs(np.fft.rfft(data[2000:22000]))
    peak_hz = np.argmax(spectrum) * 24000 / 20000
    assert abs(peak_hz - 440) < 3  # the pitch is kept: resampled, not relabelled
    with AudioFileWriter(tmp_path / "narrow.opus", 16000) as writer:
        assert writer.note == ""  # a rate Opus takes is written as it is


def test_the_stdout_wav_stream_parses_once_its_sizes_are_patched():
    import io
    import struct

    samples = tone()
    buffer = io.BytesIO()
    stream = audio_output.PcmStreamWriter(buffer, RATE)
    stream.write(samples[:300])
    stream.write(samples[300:])
    stream.close()
    data = bytearray(buffer.getvalue())
    assert data[4:8] == data[40:44] == b"\xff\xff\xff\xff"  # "unknown length", as for a pipe
    data[4:8] = struct.pack("<I", len(data) - 8)
    data[40:44] = struct.pack("<I", len(data) - 44)
    with wave.open(io.BytesIO(bytes(data))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        np.testing.assert_array_equal(np.frombuffer(w.readframes(w.getnframes()), "<i2"), to_int16(samples))


def test_soundfile_reads_the_unpatched_stream_as_a_pipe_would_give_it():
    soundfile = pytest.importorskip("soundfile")
    import io

    samples = tone()
    buffer = io.BytesIO()
    audio_output.PcmStreamWriter(buffer, RATE).write(samples)
    buffer.seek(0)
    data, rate = soundfile.read(buffer, dtype="int16")
    assert rate == RATE
    np.testing.assert_array_equal(data, to_int16(samples))


def test_raw_stream_is_bare_s16le():
    import io

    samples = tone()
    buffer = io.BytesIO()
    writer = audio_output.PcmStreamWriter(buffer, RATE, raw=True)
    writer.write(samples)
    assert writer.frames == len(samples)
    np.testing.assert_array_equal(np.frombuffer(buffer.getvalue(), "<i2"), to_int16(samples))


def test_from_int16_round_trips_exactly():
    grid = np.arange(-32768, 32768, dtype=np.int16)
    np.testing.assert_array_equal(to_int16(audio_output.from_int16(grid)), grid)


def test_a_long_write_reaches_the_lossy_codec_in_pieces(tmp_path):
    if ".ogg" not in available_formats():
        pytest.skip(".ogg needs soundfile")
    import soundfile

    long = np.tile(tone(1.0), 400)  # 3.2 million samples in one write: libsndfile's Vorbis crashed on this
    with AudioFileWriter(tmp_path / "long.ogg", RATE) as writer:
        writer.write(long)
        writer.commit()
    assert abs(soundfile.info(str(tmp_path / "long.ogg")).frames - len(long)) < 2000
