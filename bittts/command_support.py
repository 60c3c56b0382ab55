"""What the `bittts` commands share: exit codes, one-line command errors, the progress bar, the
model, the text and its settings read and checked before any audio is made (bittts/cli.py).

Imports the engine lazily, so that even a broken install reports in one line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # imported where used at run time
    import threading

    from bittts.engine.model_format import ModelFile
    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import AudioChunk, SynthesisConfig
    from bittts.engine.text.ssml import SsmlDocument

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_MODEL, EXIT_INPUT, EXIT_AUDIO = 0, 1, 2, 3, 4, 5
EXIT_INTERRUPTED = 130

PROGRESS_MIN_CHARS = 400  # texts at least this long show a progress bar (on a terminal only)


class CommandError(Exception):
    """A failure to report as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


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
        left = f"  {clock(eta_seconds)} left" if eta_seconds is not None else ""
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


def clock(seconds: float) -> str:
    """Seconds as H:MM:SS (M:SS under an hour)."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- shared steps ---------------------------------------------------------------------------
def find_model(path: str | None) -> Path:
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


def open_model(path: str | None) -> ModelFile:
    from bittts.engine.model_format import ModelFile, ModelFormatError

    model_path = find_model(path)
    try:
        return ModelFile(model_path)
    except ModelFormatError as exc:
        raise CommandError(f"invalid model: {exc}", EXIT_MODEL) from None


def load_synthesizer(path: str | None, date_order: str = "MDY") -> Synthesizer:
    from bittts.engine.model_format import ModelFormatError
    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.text.lexicon import LexiconError

    model_path = find_model(path)
    try:
        return Synthesizer(model_path, date_order=date_order)
    except (ModelFormatError, LexiconError, KeyError) as exc:
        raise CommandError(f"invalid model: {exc}", EXIT_MODEL) from None


def read_text(args: argparse.Namespace) -> str:
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
            text = read_file(args, read_regular_file(args.file, MAX_DOCUMENT_BYTES))
        except InputFileError as exc:
            raise CommandError(f"cannot read {args.file}: {exc}", EXIT_INPUT) from None
        except OSError as exc:
            raise CommandError(f"cannot read {args.file}: {exc.strerror or exc}", EXIT_INPUT) from None
    else:
        text = args.text
    if not text.strip():
        raise CommandError("the text is empty", EXIT_INPUT)
    return text


def read_file(args: argparse.Namespace, data: bytes) -> str:
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


def is_ssml(args: argparse.Namespace, text: str) -> bool:
    from bittts.engine.text.ssml import looks_like_ssml

    return bool(args.ssml) or looks_like_ssml(text)


def synthesis_config(args: argparse.Namespace, ssml: bool) -> SynthesisConfig:
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


def check_voice(synth: Synthesizer, voice: str) -> None:
    try:
        synth.speaker_vector(voice)
    except ValueError as exc:  # UnknownVoiceError lists the voices; a malformed blend says why
        raise CommandError(str(exc), EXIT_USAGE) from None


def checked_chunks(
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


def prepare(args: argparse.Namespace) -> tuple[str, SynthesisConfig, Synthesizer]:
    """Text, config and synthesizer, every input checked before any audio device is opened."""
    from bittts.engine.limits import InputLimitError
    from bittts.engine.synthesis import check_text_length

    text = read_text(args)
    config = synthesis_config(args, is_ssml(args, text))
    try:
        check_text_length(text, config.ssml)
    except InputLimitError as exc:
        raise CommandError(str(exc), EXIT_INPUT) from None
    document = parse_ssml(text, args.date_order) if config.ssml else None
    synth = load_synthesizer(args.model, args.date_order)
    check_voice(synth, config.voice)
    if document is not None:
        print_ssml_warnings(synth.ssml_warnings(document))
    return text, config, synth


def parse_ssml(text: str, date_order: str) -> SsmlDocument:
    """The SSML document, malformed SSML a one-line input error."""
    from bittts.engine.text.ssml import SsmlError, parse_ssml_document

    try:
        return parse_ssml_document(text, date_order=date_order)
    except SsmlError as exc:
        raise CommandError(f"bad SSML: {exc}", EXIT_INPUT) from None


def print_ssml_warnings(warnings: Sequence[str]) -> None:
    """What the SSML asked for that is not done (docs/frontend.md, "SSML"), once each, on stderr."""
    for warning in warnings:
        print(f"bittts: note: SSML: {warning}", file=sys.stderr)


NOTHING_TO_SAY = "nothing to say: the text has no words"
