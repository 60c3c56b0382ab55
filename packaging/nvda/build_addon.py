"""Build the NVDA add-on: ``BitTTS-VERSION.nvda-addon`` (a zip of packaging/nvda/addon/).

    python packaging/nvda/build_addon.py [--dist DIR]      # default: dist/

The add-on holds ``manifest.ini`` (its ``version`` line set to the package's version) and the
synth driver ``synthDrivers/bittts.py``; the driver starts the speech server of the BitTTS
installed on the computer (docs/system-voice.md). The manifest is checked first (the keys NVDA
requires, the name, NVDA versions YEAR.MAJOR.MINOR with the minimum not after the last tested,
the driver's ``name``); a problem stops the build with one line naming it (exit code 1).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ADDON = HERE / "addon"
ROOT = HERE.parents[1]
REQUIRED = ("name", "summary", "description", "author", "version", "minimumNVDAVersion", "lastTestedNVDAVersion")
NVDA_VERSION = re.compile(r"^(\d{4})\.(\d+)\.(\d+)$")


def read_manifest(text: str) -> dict[str, str]:
    """``key = value`` lines; values in quotes or triple quotes (configobj, as NVDA reads it)."""
    values: dict[str, str] = {}
    for match in re.finditer(r'^(\w+)\s*=\s*("""(.*?)"""|"([^"\n]*)"|([^\n]*))$', text, re.M | re.S):
        key = match.group(1)
        value = next(g for g in (match.group(3), match.group(4), match.group(5)) if g is not None)
        values[key] = value.strip()
    return values


def manifest_problems(manifest: dict[str, str], addon: Path = ADDON) -> list[str]:
    """What is wrong with a manifest (and the driver it names); empty when it is valid."""
    problems = [f"manifest.ini has no {key}" for key in REQUIRED if not manifest.get(key)]
    name = manifest.get("name", "")
    if name and not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        problems.append(f"manifest.ini: name {name!r} is not an identifier")
    versions = []
    for key in ("minimumNVDAVersion", "lastTestedNVDAVersion"):
        match = NVDA_VERSION.match(manifest.get(key, ""))
        if manifest.get(key) and not match:
            problems.append(f"manifest.ini: {key} {manifest[key]!r} is not YEAR.MAJOR.MINOR")
        versions.append(tuple(int(g) for g in match.groups()) if match else None)
    if None not in versions and versions[0] > versions[1]:
        problems.append("manifest.ini: minimumNVDAVersion is after lastTestedNVDAVersion")
    driver = addon / "synthDrivers" / f"{name}.py"
    if name and not driver.is_file():
        problems.append(f"no synth driver {driver.relative_to(addon.parent)} for the add-on named {name}")
    elif name:
        tree = ast.parse(driver.read_text(encoding="utf-8"))
        declared = [
            node.value.value
            for cls in tree.body
            if isinstance(cls, ast.ClassDef) and cls.name == "SynthDriver"
            for node in cls.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "name" for t in node.targets)
            and isinstance(node.value, ast.Constant)
        ]
        if declared != [name]:
            problems.append(f"{driver.name}: class SynthDriver must set name = {name!r} (found {declared})")
    return problems


def package_version() -> str:
    text = (ROOT / "bittts" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def build(dist: Path, version: str | None = None, addon: Path = ADDON) -> Path:
    """Write DIST/BitTTS-VERSION.nvda-addon; ValueError naming the first problem."""
    version = version or package_version()
    text = (addon / "manifest.ini").read_text(encoding="utf-8")
    text = re.sub(r"^version = .*$", f"version = {version}", text, count=1, flags=re.M)
    problems = manifest_problems(read_manifest(text), addon)
    if problems:
        raise ValueError(problems[0])
    dist.mkdir(parents=True, exist_ok=True)
    out = dist / f"BitTTS-{version}.nvda-addon"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.ini", text)
        for path in sorted(addon.rglob("*")):
            if path.is_file() and path.name != "manifest.ini" and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(addon).as_posix())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the BitTTS NVDA add-on.")
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    args = parser.parse_args(argv)
    try:
        out = build(Path(args.dist))
    except (ValueError, OSError) as exc:
        print(f"build_addon: error: {exc}", file=sys.stderr)
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
