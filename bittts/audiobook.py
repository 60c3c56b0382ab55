"""The audiobook exporter shared by `bittts synth` and the app's Export: a text (with its
chapters) into one audio file or one file per chapter, with tags and subtitles, in flat
memory, cancellable and resumable.

How it runs (``AudiobookExport.run``, on the caller's thread):

- the text is cut into tracks (one, or one per chapter: ``NN - Chapter title.ext``) and each
  track into segments: paragraphs gathered up to ``segment_chars`` characters, a longer one cut
  at a sentence end (``text_segments``). Each segment is one ``synthesize()`` call, so the audio
  of a segment depends on its text only, and a resumed export gives the same samples as one
  that ran straight through;
- chunks are taken one at a time: their 16-bit samples (``to_int16``) are appended to a spool
  file beside the output (``.NAME.bittts-spool``, raw int16) and their cues go straight to the
  subtitle file; nothing grows with the length of the book but the files on disk;
- after each segment the state file (``.NAME.bittts-export.json`` beside the output) records
  the settings, a hash of the input, the finished tracks and, for the track under way, the
  character offset, the samples and the subtitle bytes reached; a cancel (``cancel``, checked
  per chunk), an error or a crash leaves it in place, and ``resume=True`` continues from there
  (the spool and subtitles are cut back to what the state says, the segment is made again);
- when a track's text is done, its spool is encoded into the target format through
  ``audio_output.AudioFileWriter`` (format from the suffix, tags, written atomically), then
  the spool is removed; when all tracks are done, the state file is removed.

``progress`` (an ``ExportProgress``) is called after every chunk and every encoded block;
``eta_seconds`` is the text left divided by this run's pace so far.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from io import TextIOWrapper
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

import numpy as np

from bittts.subtitles import SUBTITLE_FORMATS, SUBTITLE_LEVELS, SubtitleWriter

if TYPE_CHECKING:
    from bittts.engine.synthesis_types import AudioChunk, SynthesisConfig

STATE_VERSION = 1
SEGMENT_CHARS = 2000  # characters per synthesize() call (about two minutes of speech): the resume step
ENCODE_BLOCK_SAMPLES = 1 << 18  # samples read from the spool per write into the target file
FILE_TITLE_CHARS = 80  # the longest chapter title kept in a file name
_SENTENCE_END = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*\s+")
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_WORD_CHAR = re.compile(r"\w")
HASH_BLOCK_CHARS = 1 << 16  # the text is hashed in pieces: no second copy of a book in memory


class Chapter(Protocol):
    """A chapter as the exporter reads it (``bittts.documents.model.Chapter`` is one)."""

    @property
    def title(self) -> str: ...

    @property
    def start(self) -> int: ...  # in the exported text


class ExportError(Exception):
    """The export cannot go on; the message is one line for the user."""


class NothingToSay(ExportError):
    """The text made no audio (no words)."""


class ExportCancelled(Exception):
    """The export stopped on a cancel; what was done is kept for a resume."""


@dataclass(frozen=True)
class ExportOptions:
    """What to make. ``output``: the audio file (one file), or the folder (``per_chapter``).
    ``suffix``: the per-chapter files' format (".mp3"...); one file takes it from ``output``.
    ``subtitles``: "" (none), "srt" or "vtt"; ``subtitle_level``: "word" or "sentence"."""

    output: Path
    per_chapter: bool = False
    suffix: str = ".wav"
    subtitles: str = ""
    subtitle_level: str = "sentence"
    resume: bool = False
    segment_chars: int = SEGMENT_CHARS


@dataclass(frozen=True)
class Track:
    """One output file: ``text[start:end]``."""

    number: int  # 1, 2, ...
    title: str
    start: int
    end: int
    path: Path


@dataclass(frozen=True)
class ExportProgress:
    done_chars: int  # characters of the text spoken so far (resumed ones included)
    total_chars: int
    audio_seconds: float  # audio made so far (all tracks)
    eta_seconds: float | None  # time left for the text, from this run's pace; None until known
    stage: str = "synthesis"  # or "encoding" (a track's spool into its file)
    file_name: str = ""  # the file being made
    encoded: float = 0.0  # while encoding: the share of the track's audio encoded, 0 to 1


@dataclass(frozen=True)
class ExportResult:
    files: tuple[Path, ...]
    subtitle_files: tuple[Path, ...]
    audio_seconds: float
    resumed_at: int  # the character the export resumed from (0: from the start)
    notes: tuple[str, ...] = ()  # lines for the user (a resampled Opus file, an RF64 WAV)


@dataclass
class _Position:
    """Where the track under way stands (saved after each segment)."""

    number: int
    char: int
    samples: int = 0
    subtitle_bytes: int = 0
    cues: int = 0
    last_end_ms: int = 0


@dataclass
class _State:
    settings: dict[str, Any]
    input_sha256: str
    finished: list[int] = field(default_factory=list)  # track numbers
    finished_seconds: float = 0.0
    position: _Position | None = None


# --- planning ---------------------------------------------------------------------------------
def sanitize_file_name(title: str, limit: int = FILE_TITLE_CHARS) -> str:
    """A chapter title as a file name on every system: no path separators, control or
    reserved characters, no leading or trailing dots and spaces, at most ``limit`` characters."""
    name = " ".join(_UNSAFE_IN_NAME.sub(" ", title).split())
    name = name[:limit].strip(" .")
    return name or "Chapter"


def plan_tracks(
    text: str, chapters: Sequence[Chapter], title: str, output: Path, per_chapter: bool, suffix: str
) -> list[Track]:
    """The files to write. One file: ``output``. Per chapter: a track from each chapter's start
    to the next chapter's (any level), the text before the first chapter a track of its own
    when it has words, tracks without words left out; files ``NN - Title.ext`` in ``output``."""
    if not per_chapter:
        return [Track(1, title, 0, len(text), output)]  # no title: no title tag
    starts = sorted({min(max(c.start, 0), len(text)): c.title for c in reversed(chapters)}.items())
    spans: list[tuple[str, int, int]] = []
    if not starts or starts[0][0] > 0:
        spans.append((title or "Introduction", 0, starts[0][0] if starts else len(text)))
    for k, (start, chapter_title) in enumerate(starts):
        spans.append((chapter_title, start, starts[k + 1][0] if k + 1 < len(starts) else len(text)))
    spans = [s for s in spans if _WORD_CHAR.search(text, s[1], s[2])]
    width = max(2, len(str(len(spans))))
    return [
        Track(n, t, a, b, output / f"{n:0{width}d} - {sanitize_file_name(t)}{suffix}")
        for n, (t, a, b) in enumerate(spans, 1)
    ]


def text_segments(text: str, start: int, end: int, max_chars: int = SEGMENT_CHARS) -> Iterator[tuple[int, int]]:
    """``text[start:end]`` as spans of at most ``max_chars``: cut at the last blank line in
    reach, else the last sentence end, else the last space (a hard cut only in a space-less
    run). Each cut depends only on where its segment starts, so segments made from any
    segment's start on are the same as those made from ``start``."""
    pos = start
    while pos < end:
        if end - pos <= max_chars:
            yield pos, end
            return
        window = text[pos : pos + max_chars]
        blank = window.rfind("\n\n")
        cut = blank + 2 if blank >= 0 else -1  # after the blank line: the next segment starts with words
        if cut < max_chars // 4:
            sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window)]
            cut = sentence_ends[-1] if sentence_ends and sentence_ends[-1] >= max_chars // 4 else -1
        if cut < max_chars // 4:
            cut = max(window.rfind(" "), window.rfind("\n"))
        if cut <= 0:
            cut = max_chars
        yield pos, pos + cut
        pos += cut


def state_path(output: Path) -> Path:
    """The state file of an export to ``output`` (a file, or the per-chapter folder): beside it."""
    return output.with_name(f".{output.name}.bittts-export.json")


def _spool_path(track: Track) -> Path:
    return track.path.with_name(f".{track.path.name}.bittts-spool")


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


def input_hash(text: str, chapters: Sequence[Chapter], title: str) -> str:
    digest = hashlib.sha256()
    for start in range(0, len(text), HASH_BLOCK_CHARS):
        digest.update(text[start : start + HASH_BLOCK_CHARS].encode("utf-8", "surrogatepass"))
    digest.update(json.dumps([title, [[c.title, c.start] for c in chapters]]).encode())
    return digest.hexdigest()


# --- the export -------------------------------------------------------------------------------
class AudiobookExport:
    """One export (see the module docstring). ``synthesizer``: the engine's ``Synthesizer`` (or
    anything with ``sample_rate`` and ``synthesize(text, config, cancel)``). ``config``: a
    fixed SynthesisConfig (a callable is read once, at the start). ``on_chunk(chunk, char_base,
    sample_base)`` sees each chunk: its character spans index ``text`` from ``char_base``, its
    samples start at ``sample_base + chunk.stream_offset`` in its file."""

    def __init__(
        self,
        synthesizer: Any,
        text: str,
        config: SynthesisConfig | Callable[[], SynthesisConfig],
        options: ExportOptions,
        *,
        chapters: Sequence[Chapter] = (),
        title: str = "",
        cancel: threading.Event | None = None,
        progress: Callable[[ExportProgress], None] | None = None,
        on_chunk: Callable[[AudioChunk, int, int], None] | None = None,
    ):
        from bittts.engine.audio_output import check_format, estimated_audio_seconds, wav_needs_rf64

        self.synthesizer, self.text = synthesizer, text
        self.config = config() if callable(config) else config
        self.options, self.title = options, title
        self.chapters = tuple(chapters)
        self.cancel = cancel or threading.Event()
        self.progress, self.on_chunk = progress, on_chunk
        self.rate = int(synthesizer.sample_rate)
        if options.subtitles and options.subtitles not in SUBTITLE_FORMATS:
            raise ExportError(f"subtitles are {' or '.join(SUBTITLE_FORMATS)}, not {options.subtitles}")
        if options.subtitle_level not in SUBTITLE_LEVELS:
            raise ExportError(f"the subtitle level is {' or '.join(SUBTITLE_LEVELS)}, not {options.subtitle_level}")
        output = Path(options.output)
        self.suffix = options.suffix.lower() if options.per_chapter else output.suffix.lower()
        check_format(Path("x" + self.suffix) if options.per_chapter else output)  # UnsupportedFormat
        self.output = output
        if self.suffix == ".wav":  # a WAV too long for its layout is refused now, not after hours of work
            wav_needs_rf64(self.rate, estimated_audio_seconds(len(text), self.config.speed, self.config.ssml))
        self.tracks = plan_tracks(text, self.chapters, title, output, options.per_chapter, self.suffix)
        self.state_file = state_path(output)
        self.notes: list[str] = []
        self._started = time.monotonic()  # run() sets these three again when it starts
        self._start_chars = 0  # where this run started in the text (for the pace)
        self._seconds = 0.0  # audio of the tracks before the one under way

    # --- state ---
    def _settings(self) -> dict[str, Any]:
        c = self.config
        o = self.options
        return {
            "voice": c.voice,
            "speed": c.speed,
            "pitch": c.pitch,
            "volume": c.volume,
            "ssml": c.ssml,
            "sample_rate": self.rate,
            "format": self.suffix,
            "per_chapter": o.per_chapter,
            "subtitles": o.subtitles,
            "subtitle_level": o.subtitle_level,
            "segment_chars": o.segment_chars,
        }

    def _load_state(self) -> _State | None:
        """The saved state of this very export (same settings and input), else None."""
        try:
            raw = json.loads(self.state_file.read_text(encoding="utf-8"))
            if raw.get("version") != STATE_VERSION:
                return None
            position = _Position(**raw["position"]) if raw.get("position") else None
            state = _State(
                raw["settings"], raw["input_sha256"], list(raw["finished"]), float(raw["finished_seconds"]), position
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ExportError(f"cannot resume: the saved state {self.state_file.name} is unreadable ({exc})") from None
        if state.settings != self._settings() or state.input_sha256 != input_hash(self.text, self.chapters, self.title):
            raise ExportError(
                "cannot resume: the interrupted export was made from another text or with other settings; "
                "export again without resuming"
            )
        return state

    def _save_state(self, state: _State) -> None:
        from bittts.engine.files import write_atomically

        data = asdict(state)
        data["version"] = STATE_VERSION
        write_atomically(self.state_file, json.dumps(data, ensure_ascii=False, indent=1))

    # --- running ---
    def run(self) -> ExportResult:
        """Make the files; raises ExportCancelled (resumable), NothingToSay, ExportError, or
        OSError / AudioTooLong from the files."""
        if self.options.per_chapter:
            try:
                self.output.mkdir(exist_ok=True)
            except OSError as exc:
                raise ExportError(f"cannot make the folder {self.output}: {exc.strerror or exc}") from None
        elif not self.output.parent.is_dir():
            raise ExportError(f"cannot write {self.output}: the folder {self.output.parent} does not exist")
        state = self._load_state() if self.options.resume else None
        resumed_at = 0
        if state is None:
            state = _State(self._settings(), input_hash(self.text, self.chapters, self.title))
        else:
            if state.position is not None:
                resumed_at = state.position.char
            elif state.finished:
                last = max(state.finished)
                resumed_at = next((t.end for t in self.tracks if t.number == last), 0)
        self._started = time.monotonic()
        self._start_chars = resumed_at
        self._seconds = state.finished_seconds
        files, subtitle_files = [], []
        for track in self.tracks:
            subtitles = self._subtitle_path(track)
            if track.number in state.finished and track.path.exists():
                files.append(track.path)
                if subtitles is not None and subtitles.exists():
                    subtitle_files.append(subtitles)
                continue
            position = state.position if state.position and state.position.number == track.number else None
            if position is None:
                position = _Position(track.number, track.start)
            state.position = position
            self._save_state(state)  # a cancel even before the first segment ends leaves a resumable export
            seconds = self._run_track(track, state, position, subtitles)
            state.position = None
            if seconds > 0:
                state.finished.append(track.number)
                state.finished_seconds += seconds
                files.append(track.path)
                if subtitles is not None:
                    subtitle_files.append(subtitles)
            self._save_state(state)
        self.state_file.unlink(missing_ok=True)
        if not files:
            raise NothingToSay("nothing to say: the text has no words")
        return ExportResult(tuple(files), tuple(subtitle_files), state.finished_seconds, resumed_at, tuple(self.notes))

    def _subtitle_path(self, track: Track) -> Path | None:
        return track.path.with_suffix(f".{self.options.subtitles}") if self.options.subtitles else None

    def _report(self, progress: ExportProgress) -> None:
        if self.progress is not None:
            self.progress(progress)

    def _eta(self, done: int) -> float | None:
        elapsed = time.monotonic() - self._started
        spoken = done - self._start_chars
        if spoken <= 0 or elapsed <= 0:
            return None
        return (len(self.text) - done) * elapsed / spoken

    def _run_track(self, track: Track, state: _State, position: _Position, subtitles: Path | None) -> float:
        """Synthesize the rest of ``track`` into its spool and subtitles, then encode it;
        returns its seconds of audio (0: it had none, and no file was made)."""
        spool_path = _spool_path(track)
        sub_partial = _partial(subtitles) if subtitles is not None else None
        fresh = position.char == track.start and position.samples == 0
        try:
            spool = open(spool_path, "wb" if fresh else "r+b")  # noqa: SIM115 - closed in the finally below
        except FileNotFoundError:
            raise ExportError(
                f"cannot resume: the partial audio {spool_path.name} is gone; export again without resuming"
            ) from None
        sub_raw: BinaryIO | None = None
        try:
            if not fresh:
                _cut_back(spool, position.samples * 2, spool_path)
            writer = None
            if sub_partial is not None:
                try:
                    sub_raw = open(sub_partial, "wb" if fresh else "r+b")  # noqa: SIM115 - closed below
                except FileNotFoundError:
                    raise ExportError(
                        f"cannot resume: the partial subtitles {sub_partial.name} are gone; "
                        "export again without resuming"
                    ) from None
                if not fresh:
                    _cut_back(sub_raw, position.subtitle_bytes, sub_partial)
                sub_text = TextIOWrapper(sub_raw, encoding="utf-8", newline="\n", write_through=True)
                writer = SubtitleWriter(
                    sub_text,
                    self.options.subtitles,
                    self.options.subtitle_level,
                    header=fresh,
                    cues=position.cues,
                    last_end_ms=position.last_end_ms,
                    markup=self.config.ssml,
                )
            self._synthesize_track(track, state, position, spool, sub_raw, writer)
        finally:
            spool.close()
            if sub_raw is not None:
                sub_raw.close()
        if position.samples == 0:
            spool_path.unlink(missing_ok=True)
            if sub_partial is not None:
                sub_partial.unlink(missing_ok=True)
            return 0.0
        self._encode(track, spool_path, position.samples)
        if subtitles is not None and sub_partial is not None:
            os.replace(sub_partial, subtitles)
        spool_path.unlink(missing_ok=True)
        return position.samples / self.rate

    def _synthesize_track(
        self,
        track: Track,
        state: _State,
        position: _Position,
        spool: BinaryIO,
        sub_raw: BinaryIO | None,
        subtitles: SubtitleWriter | None,
    ) -> None:
        from bittts.engine.audio_output import to_int16

        whole = (track.start, track.end)
        segments = [whole] if self.config.ssml else None  # SSML is one document: never cut
        for a, b in segments or text_segments(self.text, position.char, track.end, self.options.segment_chars):
            if a < position.char:  # the SSML span of a resumed track: already done
                continue
            piece = self.text[a:b]
            if _WORD_CHAR.search(piece):
                base = position.samples
                samples = base
                for chunk in self.synthesizer.synthesize(piece, self.config, self.cancel):
                    if self.cancel.is_set():
                        break
                    pcm = to_int16(chunk.samples)
                    spool.write(pcm.astype("<i2", copy=False).tobytes())
                    if subtitles is not None:
                        subtitles.add_chunk(chunk, piece, base)
                    if self.on_chunk is not None:
                        self.on_chunk(chunk, a, base)
                    samples = base + chunk.stream_offset + len(pcm)
                    done = a + chunk.text_span[1]
                    seconds = self._seconds + samples / self.rate
                    self._report(
                        ExportProgress(done, len(self.text), seconds, self._eta(done), file_name=track.path.name)
                    )
                if self.cancel.is_set():
                    raise ExportCancelled()
                position.samples = samples
            spool.flush()
            os.fsync(spool.fileno())
            if sub_raw is not None and subtitles is not None:
                sub_raw.flush()
                position.subtitle_bytes = sub_raw.tell()
                position.cues, position.last_end_ms = subtitles.cues, subtitles.last_end_ms
            position.char = b
            self._save_state(state)
        self._seconds += position.samples / self.rate

    def _encode(self, track: Track, spool_path: Path, samples: int) -> None:
        from bittts import __version__
        from bittts.engine.audio_output import AudioFileWriter, from_int16

        tags = {
            "title": track.title,
            "album": self.title,
            "tracknumber": str(track.number) if self.options.per_chapter else "",
            "software": f"BitTTS {__version__}",
            "comment": f"Read by BitTTS, voice {self.config.voice or 'default'}",
        }
        with AudioFileWriter(track.path, self.rate, expected_seconds=samples / self.rate, tags=tags) as writer:
            if writer.note and writer.note not in self.notes:
                self.notes.append(writer.note)
            with open(spool_path, "rb") as spool:  # read in blocks: a map would make the whole book resident
                for start in range(0, samples, ENCODE_BLOCK_SAMPLES):
                    if self.cancel.is_set():
                        raise ExportCancelled()
                    block = np.fromfile(spool, dtype="<i2", count=min(ENCODE_BLOCK_SAMPLES, samples - start))
                    if len(block) == 0:
                        raise ExportError(f"the partial audio {spool_path.name} ends early; export again")
                    writer.write(from_int16(block))
                    self._report(
                        ExportProgress(
                            track.end,
                            len(self.text),
                            self._seconds,
                            None,
                            "encoding",
                            track.path.name,
                            min(1.0, (start + len(block)) / samples),
                        )
                    )
            writer.commit()


def _cut_back(fh: BinaryIO, size: int, path: Path) -> None:
    """Cut a resumed partial file back to what the state recorded (the unfinished segment is
    made again); a file shorter than that cannot be resumed."""
    fh.seek(0, os.SEEK_END)
    if fh.tell() < size:
        raise ExportError(f"cannot resume: {path.name} is shorter than the saved state says; export again")
    fh.truncate(size)
    fh.seek(size)


def export_audiobook(
    synthesizer: Any,
    text: str,
    config: SynthesisConfig | Callable[[], SynthesisConfig],
    options: ExportOptions,
    **kwargs: Any,
) -> ExportResult:
    """``AudiobookExport(...).run()``: see there."""
    return AudiobookExport(synthesizer, text, config, options, **kwargs).run()
