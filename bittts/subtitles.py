"""Subtitles beside exported audio: SubRip (.srt) and WebVTT (.vtt), from the engine's timings.

``SubtitleWriter`` takes the synthesizer's ``AudioChunk``s as they come and writes their cues
at once (nothing is held back, so a book's subtitles cost no memory). Cues are a word each
(``level="word"``) or a chunk each, the sentence or clause the engine spoke (``"sentence"``).
Times are stream times: ``sample_base`` is the audio already in the file before the chunk's
synthesize() call, so one file's cues run on across calls and chapters. Times are rounded to
milliseconds and never go backwards: a cue starts no earlier than the one before it ended.
"""

from __future__ import annotations

import re
import textwrap
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from bittts.engine.synthesis_types import AudioChunk

SUBTITLE_FORMATS = ("srt", "vtt")
SUBTITLE_LEVELS = ("word", "sentence")
LINE_CHARS = 42  # the usual longest subtitle line
VTT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def timestamp(ms: int, kind: str) -> str:
    """Milliseconds as HH:MM:SS,mmm (SRT) or HH:MM:SS.mmm (WebVTT)."""
    seconds, millis = divmod(max(ms, 0), 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    mark = "," if kind == "srt" else "."
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{mark}{millis:03d}"


def cue_text(text: str, kind: str) -> str:
    """One cue's text: whitespace collapsed (a blank line would end the cue), wrapped at
    ``LINE_CHARS``, no "-->" (it would read as a timing line), WebVTT's markup characters escaped."""
    text = " ".join(text.replace("-->", "->").split())
    if kind == "vtt":
        text = re.sub(r"[&<>]", lambda m: VTT_ESCAPES[m.group()], text)
    return "\n".join(textwrap.wrap(text, LINE_CHARS, break_long_words=False, break_on_hyphens=False)) or text


class SubtitleWriter:
    """Writes cues to ``stream`` (text, UTF-8) as chunks arrive. Not thread-safe.

    ``kind``: "srt" or "vtt"; ``level``: "word" or "sentence". To continue a file (a resumed
    export), pass ``header=False`` and the ``cues`` and ``last_end_ms`` reached before.
    ``markup``: the synthesized text is SSML, whose tags a sentence cue leaves out.
    """

    def __init__(
        self,
        stream: TextIO,
        kind: str,
        level: str = "sentence",
        *,
        header: bool = True,
        cues: int = 0,
        last_end_ms: int = 0,
        markup: bool = False,
    ):
        if kind not in SUBTITLE_FORMATS:
            raise ValueError(f"subtitles are {' or '.join(SUBTITLE_FORMATS)}, not {kind!r}")
        if level not in SUBTITLE_LEVELS:
            raise ValueError(f"the subtitle level is {' or '.join(SUBTITLE_LEVELS)}, not {level!r}")
        self.stream, self.kind, self.level = stream, kind, level
        self.cues, self.last_end_ms = cues, last_end_ms
        self.markup = markup  # the text is SSML: its tags are not shown
        if header and kind == "vtt":
            stream.write("WEBVTT\n\n")

    def cue(self, start_ms: int, end_ms: int, text: str) -> None:
        """One cue; its start is moved to the previous cue's end if it would come before it."""
        body = cue_text(text, self.kind)
        if not body:
            return
        start_ms = max(start_ms, self.last_end_ms)
        end_ms = max(end_ms, start_ms + 1)
        self.cues += 1
        number = f"{self.cues}\n" if self.kind == "srt" else ""
        self.stream.write(f"{number}{timestamp(start_ms, self.kind)} --> {timestamp(end_ms, self.kind)}\n{body}\n\n")
        self.last_end_ms = end_ms

    def add_chunk(self, chunk: AudioChunk, text: str, sample_base: int = 0) -> None:
        """The cues of one chunk; ``text`` is the string given to the synthesize() call that
        made it (its words' character spans index it)."""
        if not chunk.words:
            return
        rate = chunk.sample_rate
        base = sample_base + chunk.stream_offset

        def ms(sample: int) -> int:
            return round((base + sample) * 1000 / rate)

        if self.level == "word":
            for word in chunk.words:
                self.cue(ms(word.start_sample), ms(word.end_sample), text[word.start_char : word.end_char])
        else:
            first, last = chunk.words[0], chunk.words[-1]
            start, end = chunk.text_span
            spoken = text[start:end]
            if self.markup:
                spoken = re.sub(r"<[^>]*(?:>|$)", " ", spoken)  # a tag cut by the span end too
            self.cue(ms(first.start_sample), ms(last.end_sample), spoken)
