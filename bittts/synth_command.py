"""`bittts synth`: speech written to a file, a folder of chapter files or standard output, through
the audiobook exporter (bittts/audiobook.py) the app uses too; docs/cli.md has the reference."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bittts.command_support import (
    EXIT_ERROR,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    NOTHING_TO_SAY,
    CommandError,
    Progress,
    checked_chunks,
    prepare,
)

if TYPE_CHECKING:
    import threading

    from bittts.engine.synthesis import Synthesizer
    from bittts.engine.synthesis_types import AudioChunk, SynthesisConfig


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
        for chunk in checked_chunks(synth, text, config):
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
    text, config, synth = prepare(args)
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
    """The synthesizer as the exporter sees it, its input errors turned into CommandErrors (``checked_chunks``)."""

    def __init__(self, synth: Synthesizer):
        self.synth = synth
        self.sample_rate = synth.sample_rate

    def synthesize(
        self, text: str, config: SynthesisConfig, cancel: threading.Event | None = None
    ) -> Iterator[AudioChunk]:
        return checked_chunks(self.synth, text, config, cancel)


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
