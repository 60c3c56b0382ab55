"""bittts.audiobook: one file or a file per chapter, tags, subtitles, cancel and resume, flat memory."""

import json
import re
import threading
import tracemalloc
import wave

import numpy as np
import pytest

from bittts.audiobook import (
    AudiobookExport,
    ExportCancelled,
    ExportError,
    ExportOptions,
    NothingToSay,
    export_audiobook,
    plan_tracks,
    sanitize_file_name,
    state_path,
    text_segments,
)
from bittts.documents.model import Chapter
from bittts.engine.audio_output import available_formats, to_int16
from bittts.engine.synthesis_types import AudioChunk, SynthesisConfig, WordTiming

RATE = 8000
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)", re.M)
_WORD = re.compile(r"\S+")


class NoisySynthesizer:
    """Like the engine: one chunk per sentence; each chunk's noise is seeded by its index in
    the call, so audio depends on how the text was cut into calls (as the real vocoder's does)."""

    sample_rate = RATE

    def __init__(self, cancel_after=None):
        self.cancel_after = cancel_after  # set the export's cancel after this many chunks
        self.chunks = 0
        self.calls = []

    def synthesize(self, text, config=SynthesisConfig(), cancel=None):
        self.calls.append(text)
        offset = 0
        for index, m in enumerate(m for m in _SENTENCE.finditer(text) if _WORD.search(m.group())):
            if cancel is not None and cancel.is_set():
                return
            words = list(_WORD.finditer(m.group()))
            rng = np.random.default_rng(index)
            per_word = 200 + 40 * (len(m.group()) % 5)
            samples = (0.2 * rng.standard_normal(per_word * len(words))).astype(np.float32)
            timings = tuple(
                WordTiming(
                    w.group(),
                    w.group(),
                    m.start() + w.start(),
                    m.start() + w.end(),
                    k * per_word,
                    (k + 1) * per_word - 20,
                )
                for k, w in enumerate(words)
            )
            span = (m.start() + words[0].start(), m.start() + words[-1].end())
            yield AudioChunk(samples, RATE, span, timings, (), index=index, stream_offset=offset)
            offset += len(samples)
            self.chunks += 1
            if self.cancel_after is not None and self.chunks >= self.cancel_after and cancel is not None:
                cancel.set()


def book(paragraphs=12):
    return "\n\n".join(
        f"Paragraph {p} begins here. It has a second sentence! And a third one?" for p in range(paragraphs)
    )


def read_wav(path):
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, RATE)
        return np.frombuffer(w.readframes(w.getnframes()), "<i2")


def cue_spans(path):
    text = path.read_text(encoding="utf-8")
    times = re.findall(r"(\d\d):(\d\d):(\d\d)[,.](\d{3}) --> (\d\d):(\d\d):(\d\d)[,.](\d{3})", text)
    ms = [
        (
            ((int(t[0]) * 60 + int(t[1])) * 60 + int(t[2])) * 1000 + int(t[3]),
            ((int(t[4]) * 60 + int(t[5])) * 60 + int(t[6])) * 1000 + int(t[7]),
        )
        for t in times
    ]
    return ms


# --- planning -----------------------------------------------------------------------------------
def test_segments_cut_at_blank_lines_then_sentences_and_restart_the_same_anywhere():
    text = book(30)
    segments = list(text_segments(text, 0, len(text), 300))
    assert segments[0][0] == 0 and segments[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(segments, segments[1:]))  # no gap, no overlap
    assert all(b - a <= 300 for a, b in segments)
    assert all(text[b - 2 : b] == "\n\n" for _, b in segments[:-1])
    middle = segments[3][0]
    assert list(text_segments(text, middle, len(text), 300)) == segments[3:]
    one_line = "Short sentence here. " * 40
    cuts = [b for _, b in text_segments(one_line, 0, len(one_line), 100)][:-1]
    assert cuts and all(one_line[b - 2 : b] == ". " for b in cuts)


def test_file_names_are_numbered_and_safe():
    assert sanitize_file_name('Chapter 2: "A/B" <c>?') == "Chapter 2 A B c"
    assert sanitize_file_name(" ..  ") == "Chapter"
    assert len(sanitize_file_name("x" * 300)) == 80
    text = "Title page words.\n\nChapter one text.\n\n\n\nChapter three text."
    chapters = [Chapter("One", 19), Chapter("Two/empty", 38), Chapter("Three", 40)]
    tracks = plan_tracks(text, chapters, "My Book", __import__("pathlib").Path("out"), True, ".mp3")
    assert [t.path.name for t in tracks] == ["01 - My Book.mp3", "02 - One.mp3", "03 - Three.mp3"]
    assert [text[t.start : t.end].strip() for t in tracks] == [
        "Title page words.",
        "Chapter one text.",
        "Chapter three text.",
    ]


# --- one file -----------------------------------------------------------------------------------
def test_one_file_holds_every_segment_and_the_subtitles_match_it(tmp_path):
    text = book()
    synth = NoisySynthesizer()
    result = export_audiobook(
        synth, text, SynthesisConfig(), ExportOptions(tmp_path / "book.wav", subtitles="srt", segment_chars=200)
    )
    assert result.files == (tmp_path / "book.wav",) and result.subtitle_files == (tmp_path / "book.srt",)
    want = []
    for a, b in text_segments(text, 0, len(text), 200):
        want += [c.samples for c in NoisySynthesizer().synthesize(text[a:b])]
    pcm = read_wav(tmp_path / "book.wav")
    np.testing.assert_array_equal(pcm, to_int16(np.concatenate(want)))
    assert result.audio_seconds == pytest.approx(len(pcm) / RATE)
    assert len(synth.calls) > 3  # it was cut into calls
    spans = cue_spans(tmp_path / "book.srt")
    assert len(spans) == 36  # a cue per sentence
    assert all(a < b for a, b in spans) and all(spans[k][1] <= spans[k + 1][0] for k in range(len(spans) - 1))
    assert len(pcm) / RATE * 1000 - 20 <= spans[-1][1] <= len(pcm) / RATE * 1000  # the last word ends the audio
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.srt", "book.wav"]  # no spool, no state left


def test_progress_counts_chars_audio_and_time_left(tmp_path):
    seen = []
    text = book(6)
    export_audiobook(
        NoisySynthesizer(),
        text,
        SynthesisConfig(),
        ExportOptions(tmp_path / "b.wav", segment_chars=150),
        progress=seen.append,
    )
    spoken = [p for p in seen if p.stage == "synthesis"]
    assert [p.done_chars for p in spoken] == sorted(p.done_chars for p in spoken)
    assert spoken[-1].done_chars == len(text) and all(p.total_chars == len(text) for p in seen)
    assert all(p.eta_seconds is not None and p.eta_seconds >= 0 for p in spoken)
    assert spoken[-1].eta_seconds == 0
    assert seen[-1].stage == "encoding" and seen[-1].encoded == 1.0
    assert [p.audio_seconds for p in spoken] == sorted(p.audio_seconds for p in spoken)


def test_a_text_without_words_is_nothing_to_say(tmp_path):
    with pytest.raises(NothingToSay):
        export_audiobook(NoisySynthesizer(), " ... !! ", SynthesisConfig(), ExportOptions(tmp_path / "x.wav"))
    assert not list(tmp_path.iterdir())


# --- per chapter --------------------------------------------------------------------------------
def test_a_file_per_chapter_with_tags_and_subtitles(tmp_path):
    soundfile = pytest.importorskip("soundfile")
    text = "Front matter.\n\nIt was a dark night. Rain fell.\n\nMorning came. The end."
    chapters = [Chapter("One: Night", 15), Chapter("Two", 48)]
    options = ExportOptions(tmp_path / "book", per_chapter=True, suffix=".flac", subtitles="vtt", subtitle_level="word")
    result = export_audiobook(NoisySynthesizer(), text, SynthesisConfig(), options, chapters=chapters, title="A Book")
    names = [p.name for p in result.files]
    assert names == ["01 - A Book.flac", "02 - One Night.flac", "03 - Two.flac"]
    for number, path in enumerate(result.files, 1):
        with soundfile.SoundFile(str(path)) as f:
            tags = f.copy_metadata()
            data = f.read(dtype="int16")
        assert tags["album"] == "A Book" and tags["tracknumber"] == str(number)
        spans = cue_spans(path.with_suffix(".vtt"))
        assert path.with_suffix(".vtt").read_text().startswith("WEBVTT\n\n")
        assert spans[0][0] < 100 and spans[-1][1] <= len(data) / RATE * 1000  # each file's own time
    assert soundfile.info(str(result.files[1])).frames == sum(
        len(c.samples) for c in NoisySynthesizer().synthesize(text[15:48])
    )
    with soundfile.SoundFile(str(result.files[1])) as f:
        assert f.title == "One: Night"
    assert not state_path(tmp_path / "book").exists()


# --- cancel and resume --------------------------------------------------------------------------
@pytest.mark.parametrize("cancel_after", [1, 5, 13, 35])
def test_cancel_then_resume_gives_the_same_audio_and_subtitles_as_a_straight_run(tmp_path, cancel_after):
    text = book()
    straight = tmp_path / "straight"
    straight.mkdir()
    options = dict(subtitles="srt", subtitle_level="word", segment_chars=200)
    export_audiobook(NoisySynthesizer(), text, SynthesisConfig(), ExportOptions(straight / "b.wav", **options))

    out = tmp_path / "b.wav"
    cancel = threading.Event()
    with pytest.raises(ExportCancelled):
        export_audiobook(
            NoisySynthesizer(cancel_after), text, SynthesisConfig(), ExportOptions(out, **options), cancel=cancel
        )
    assert not out.exists() and state_path(out).exists()
    saved = json.loads(state_path(out).read_text())
    assert saved["position"]["char"] < len(text)
    resumed_synth = NoisySynthesizer()
    result = export_audiobook(resumed_synth, text, SynthesisConfig(), ExportOptions(out, resume=True, **options))
    assert result.resumed_at == saved["position"]["char"]
    assert len("".join(resumed_synth.calls)) == len(text) - result.resumed_at  # only the rest is made
    np.testing.assert_array_equal(read_wav(out), read_wav(straight / "b.wav"))
    assert (tmp_path / "b.srt").read_text() == (straight / "b.srt").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.srt", "b.wav", "straight"]


def test_resume_per_chapter_keeps_finished_chapters(tmp_path):
    text = "Alpha one. Alpha two.\n\nBeta one. Beta two.\n\nGamma one. Gamma two."
    chapters = [Chapter("Alpha", 0), Chapter("Beta", 23), Chapter("Gamma", 44)]
    options = ExportOptions(tmp_path / "chapters", per_chapter=True, suffix=".wav")
    with pytest.raises(ExportCancelled):
        export_audiobook(
            NoisySynthesizer(cancel_after=3),
            text,
            SynthesisConfig(),
            options,
            chapters=chapters,
            cancel=threading.Event(),
        )
    assert [p.name for p in sorted((tmp_path / "chapters").glob("*.wav"))] == ["01 - Alpha.wav"]
    synth = NoisySynthesizer()
    result = AudiobookExport(
        synth, text, SynthesisConfig(), ExportOptions(**{**options.__dict__, "resume": True}), chapters=chapters
    ).run()
    assert [p.name for p in result.files] == ["01 - Alpha.wav", "02 - Beta.wav", "03 - Gamma.wav"]
    assert synth.calls == [text[23:44], text[44:]]  # Alpha is not made again
    for path, (a, b) in zip(result.files, [(0, 23), (23, 44), (44, len(text))]):
        want = np.concatenate([c.samples for c in NoisySynthesizer().synthesize(text[a:b])])
        np.testing.assert_array_equal(read_wav(path), to_int16(want))


def test_resume_with_other_settings_or_text_is_refused(tmp_path):
    text = book()
    out = tmp_path / "b.wav"
    with pytest.raises(ExportCancelled):
        export_audiobook(
            NoisySynthesizer(8),
            text,
            SynthesisConfig(),
            ExportOptions(out, segment_chars=200),
            cancel=threading.Event(),
        )
    with pytest.raises(ExportError, match="another text or with other settings"):
        export_audiobook(
            NoisySynthesizer(), text, SynthesisConfig(speed=2), ExportOptions(out, resume=True, segment_chars=200)
        )
    with pytest.raises(ExportError, match="another text or with other settings"):
        export_audiobook(
            NoisySynthesizer(), text + " More.", SynthesisConfig(), ExportOptions(out, resume=True, segment_chars=200)
        )
    (tmp_path / ".b.wav.bittts-spool").unlink()
    with pytest.raises(ExportError, match="partial audio .* is gone"):
        export_audiobook(
            NoisySynthesizer(), text, SynthesisConfig(), ExportOptions(out, resume=True, segment_chars=200)
        )
    result = export_audiobook(NoisySynthesizer(), text, SynthesisConfig(), ExportOptions(out, segment_chars=200))
    assert result.resumed_at == 0 and out.exists()  # without resume it starts again


def test_a_bad_format_is_refused_before_anything_is_written(tmp_path):
    from bittts.engine.audio_output import UnsupportedFormat

    with pytest.raises(UnsupportedFormat, match="the formats available are"):
        AudiobookExport(NoisySynthesizer(), "Hi.", SynthesisConfig(), ExportOptions(tmp_path / "x.aiff"))
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("suffix", [".mp3", ".opus"])
def test_lossy_formats_carry_the_book_title(tmp_path, suffix):
    if suffix not in available_formats():
        pytest.skip(f"{suffix} needs soundfile with this codec")
    import soundfile

    result = export_audiobook(
        NoisySynthesizer(), book(2), SynthesisConfig(), ExportOptions(tmp_path / f"b{suffix}"), title="Title"
    )
    with soundfile.SoundFile(str(result.files[0])) as f:
        assert f.title == "Title" and f.album == "Title" and f.frames > 0.8 * result.audio_seconds * f.samplerate


# --- memory -------------------------------------------------------------------------------------
def peak_bytes(tmp_path, paragraphs):
    text = book(paragraphs)
    synth = NoisySynthesizer()
    out = tmp_path / f"m{paragraphs}.wav"
    tracemalloc.start()
    try:
        export_audiobook(synth, text, SynthesisConfig(), ExportOptions(out, subtitles="vtt", segment_chars=400))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_as_the_text_grows(tmp_path, monkeypatch):
    import bittts.audiobook

    # a smaller encoding block than the short text's audio, so that both runs fill it
    monkeypatch.setattr(bittts.audiobook, "ENCODE_BLOCK_SAMPLES", 16384)
    short = peak_bytes(tmp_path, 40)
    long = peak_bytes(tmp_path, 800)  # twenty times the text and the audio
    assert long < 1.5 * short + 200_000, (short, long)
