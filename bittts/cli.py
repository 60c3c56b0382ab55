"""The `bittts` command (it imports the engine lazily, so that even a broken install reports in one line).

Exit codes: 0 success; 1 a runtime error (reported in one line); 2 a usage error;
3 the model file is missing or invalid; 130 interrupted.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_MODEL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


class CommandError(Exception):
    """A failure to report as one line, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


def _open_model(path: str | None):
    from bittts.engine.model_format import ModelFile, ModelFormatError
    from bittts.engine.model_info import bundled_model_path

    model_path = Path(path) if path else bundled_model_path()
    if not model_path.exists():
        hint = "" if path else " (no model is bundled with this build yet; pass --model FILE)"
        raise CommandError(f"model file not found: {model_path}{hint}", EXIT_MODEL)
    try:
        return ModelFile(model_path)
    except ModelFormatError as exc:
        raise CommandError(f"invalid model: {exc}", EXIT_MODEL) from None


def cmd_info(args) -> int:
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


def cmd_app(args) -> int:
    try:
        from bittts.app.main import run
    except ImportError as exc:
        raise CommandError(f"the desktop app cannot start: {exc}. Reinstall with scripts/dev.sh setup.") from None
    return run(args.app_args)


def build_parser() -> argparse.ArgumentParser:
    from bittts import __version__

    parser = argparse.ArgumentParser(prog="bittts", description="Offline text-to-speech with a 1.58-bit model.")
    parser.add_argument("--version", action="version", version=f"bittts {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("info", help="model size, parameters, bits per weight, memory")
    p.add_argument("--model", help="a .bttm file (default: the bundled model)")
    p.set_defaults(handler=cmd_info)
    p = sub.add_parser("app", help="start the desktop application")
    p.add_argument("app_args", nargs=argparse.REMAINDER, help="arguments for the app")
    p.set_defaults(handler=cmd_app)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
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


if __name__ == "__main__":
    sys.exit(main())
