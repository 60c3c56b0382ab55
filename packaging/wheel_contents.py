"""Check a bittts wheel's contents and metadata (packaging/build.sh and check.sh run this).

    python packaging/wheel_contents.py dist/bittts-0.1.0-cp311-cp311-linux_x86_64.whl [--require-model]

Fails (exit 1) when the compiled engine extension, a package, the `bittts` entry point or a
metadata field is missing; reports the model and its card (required with --require-model).
"""

from __future__ import annotations

import sys
import zipfile
from email.parser import Parser
from pathlib import PurePosixPath

# fmt: off
REQUIRED_MODULES = ("bittts/__init__.py", "bittts/cli.py", "bittts/selftest.py", "bittts/engine/__init__.py",
                    "bittts/engine/synthesis.py", "bittts/engine/text/__init__.py", "bittts/app/__init__.py",
                    "bittts/app/main.py", "bittts/resources/__init__.py", "bittts/server.py",
                    # the normalizer's package and one of its word lists (package data)
                    "bittts/engine/text/normalize/__init__.py", "bittts/engine/text/normalize/units.tsv",
                    # documents as they are read (the app and the command line)
                    "bittts/documents/__init__.py", "bittts/documents/pdf.py")
# fmt: on
REQUIRED_METADATA = ("Name", "Version", "Summary", "Requires-Python", "License-Expression", "Author")


def check(path: str, require_model: bool = False) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        sizes = {i.filename: i.file_size for i in wheel.infolist()}
        meta_name = next((n for n in names if n.endswith(".dist-info/METADATA")), None)
        entry_name = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
        metadata = Parser().parsestr(wheel.read(meta_name).decode()) if meta_name else None
        entry_points = wheel.read(entry_name).decode() if entry_name else ""
        licences = [n for n in names if ".dist-info/licenses/" in n]

    print(f"wheel {PurePosixPath(path).name}: {len(names)} files")
    ext = [
        n
        for n in names
        if PurePosixPath(n).parent == PurePosixPath("bittts/engine")
        and PurePosixPath(n).name.startswith("_native.")
        and n.endswith((".so", ".pyd"))
    ]
    if ext:
        print(f"  engine extension: {ext[0]} ({sizes[ext[0]]:,} bytes)")
    else:
        problems.append("the compiled engine extension bittts/engine/_native.*.so|.pyd is missing")
    for module in REQUIRED_MODULES:
        if module not in names:
            problems.append(f"{module} is missing")
    model = "bittts/resources/bittts-en.bttm"
    card = "bittts/resources/MODEL_CARD.md"
    print(
        f"  model: {model} ({sizes[model]:,} bytes)"
        if model in names
        else "  model: NONE (no resources/bittts-en.bttm in the build)"
    )
    print(f"  model card: {card}" if card in names else "  model card: NONE (no resources/MODEL_CARD.md in the build)")
    if require_model:
        problems += [f"{f} is missing" for f in (model, card) if f not in names]
    for script in ("bittts = bittts.cli:main", "sd_bittts = bittts.speechd:main"):  # sd_bittts: Speech Dispatcher
        if script not in entry_points:
            problems.append(f"the console script '{script}' is missing from entry_points.txt")
        else:
            print(f"  entry point: {script}")
    if metadata is None:
        problems.append("no METADATA")
    else:
        for field in REQUIRED_METADATA:
            if not metadata.get(field):
                problems.append(f"metadata field {field} is missing")
        classifiers = metadata.get_all("Classifier") or []
        urls = metadata.get_all("Project-URL") or []
        print(
            f"  metadata: {metadata.get('Name')} {metadata.get('Version')}, licence "
            f"{metadata.get('License-Expression')}, {len(classifiers)} classifiers, "
            f"{len(metadata.get_all('Requires-Dist') or [])} requirements, {len(urls)} project URLs"
        )
    if not licences:
        problems.append("no licence file in .dist-info/licenses/")
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    require_model = "--require-model" in args
    wheels = [a for a in args if not a.startswith("--")]
    if len(wheels) != 1:
        print("usage: wheel_contents.py WHEEL [--require-model]", file=sys.stderr)
        return 2
    return 1 if check(wheels[0], require_model) else 0


if __name__ == "__main__":
    sys.exit(main())
