"""bittts.subtitles: SRT and WebVTT cues from chunks' word timings, streamed."""

import io
import re

import numpy as np
import pytest

from bittts.engine.synthesis_types import AudioChunk, WordTiming
from bittts.subtitles import SubtitleWriter, cue_text, timestamp

RATE = 1000  # one sample a millisecond: times are easy to read
TEXT = "Hello there. A <b> & c."


def chunk(span, words, offset, length):
    return AudioChunk(np.zeros(length, np.float32), RATE, span, tuple(words), (), stream_offset=offset)


CHUNKS = [
    chunk(
        (0, 12), [WordTiming("Hello", "hello", 0, 5, 10, 400), WordTiming("there.", "there", 6, 12, 450, 900)], 0, 1000
    ),
    chunk((13, 23), [WordTiming("A", "a", 13, 14, 0, 100), WordTiming("c.", "c", 21, 23, 300, 500)], 1000, 600),
]


def test_timestamps_for_both_formats():
    assert timestamp(3_723_004, "srt") == "01:02:03,004"
    assert timestamp(3_723_004, "vtt") == "01:02:03.004"
    assert timestamp(-5, "srt") == "00:00:00,000"


def test_sentence_level_srt_numbers_cues_and_runs_on_across_chunks_and_calls():
    out = io.StringIO()
    writer = SubtitleWriter(out, "srt", "sentence")
    for c in CHUNKS:
        writer.add_chunk(c, TEXT)
    writer.add_chunk(CHUNKS[0], TEXT, sample_base=5000)  # a second synthesize() call, 5 s into the file
    assert out.getvalue() == (
        "1\n00:00:00,010 --> 00:00:00,900\nHello there.\n\n"
        "2\n00:00:01,000 --> 00:00:01,500\nA <b> & c.\n\n"
        "3\n00:00:05,010 --> 00:00:05,900\nHello there.\n\n"
    )
    assert writer.cues == 3 and writer.last_end_ms == 5900


def test_word_level_vtt_has_a_header_escapes_markup_and_never_goes_back():
    out = io.StringIO()
    writer = SubtitleWriter(out, "vtt", "word")
    for c in CHUNKS:
        writer.add_chunk(c, TEXT)
    overlapping = chunk((0, 5), [WordTiming("Hello", "hello", 0, 5, 0, 100)], 0, 100)
    writer.add_chunk(overlapping, TEXT, sample_base=1400)  # starts before the last cue's end
    text = out.getvalue()
    assert text.startswith("WEBVTT\n\n00:00:00.010 --> 00:00:00.400\nHello\n\n")
    times = re.findall(r"(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})", text)
    spans = [(int(t[3]) + 1000 * int(t[2]), int(t[7]) + 1000 * int(t[6])) for t in times]
    assert len(spans) == 5
    assert all(a < b for a, b in spans) and all(spans[k][1] <= spans[k + 1][0] for k in range(4))
    assert spans[-1][0] == 1500  # moved to the previous cue's end


def test_cue_text_wraps_collapses_and_escapes():
    assert cue_text("a\n\nb  -->  c", "srt") == "a b -> c"  # no blank line, no timing arrow
    assert cue_text("x < y & z", "vtt") == "x &lt; y &amp; z"
    long = " ".join(["word"] * 30)
    assert all(len(line) <= 42 for line in cue_text(long, "srt").split("\n"))


def test_ssml_sentences_lose_their_tags():
    ssml = '<speak>Hi <break time="1s"/> you.</speak>'
    c = chunk((7, 33), [WordTiming("Hi", "hi", 7, 9, 0, 50), WordTiming("you.", "you", 29, 33, 60, 90)], 0, 100)
    out = io.StringIO()
    SubtitleWriter(out, "srt", markup=True).add_chunk(c, ssml)
    assert out.getvalue().endswith("\nHi you.\n\n")


def test_bad_kind_or_level_is_a_clear_error():
    with pytest.raises(ValueError, match="srt or vtt"):
        SubtitleWriter(io.StringIO(), "ass")
    with pytest.raises(ValueError, match="word or sentence"):
        SubtitleWriter(io.StringIO(), "srt", "line")
