"""Shrink the ICU data library that the Linux PySide6 wheel bundles (libicudata.so.NN, 32 MB)
to the data an English-language app uses (about 5 MB). packaging/build.sh runs this on the
frozen bundle (Linux only; --full-icu skips it).

    python packaging/linux/trim_icu.py BUNDLE_DIR

Why: Qt on Linux links ICU for collation (QCollator, file dialog sorting), locale-aware case
mapping and legacy text codecs. ICU's data holds every locale's names, currencies, units and
time zones, word-break dictionaries for Thai, Lao, Khmer, Burmese and CJK, and the big CJK
codecs. Kept: all of ICU's core data (Unicode properties, normalization, names, break rules,
the root collation table), the root and English locales in every category, the supplemental
tables, and the single-byte codecs. A locale that is dropped falls back to root (ICU's normal
fallback), so nothing fails; text sorts by the root (Unicode default) order there.

How: the data is one symbol, icudtNN_dat, in the library's .rodata. It is cut out, listed and
repacked with icupkg (Debian package icu-devtools), and wrapped in a new shared library with
the same soname and symbol (gcc). Needs: icupkg, gcc, readelf.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

LOCALE_FILE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")  # de.res, zh_Hant_TW.res, de_.res, ...
KEEP_LOCALE = re.compile(r"^(root|en(_[A-Za-z0-9]+)*)\.res$")
MAX_CODEC_BYTES = 20_000  # single-byte codecs (ISO-8859-x, windows-125x) are a few KB each


def keep(item: str, size: int) -> bool:
    """item: a package item such as 'coll/de.res' or 'ibm-5348_P100-1997.cnv'."""
    folder, _, name = item.rpartition("/")
    if name.endswith(".dict"):  # word-break dictionaries (Thai, Lao, Khmer, Burmese, CJK)
        return False
    if name.endswith(".cnv"):
        return size <= MAX_CODEC_BYTES
    if name.endswith(".res") and LOCALE_FILE.match(name):
        return bool(KEEP_LOCALE.match(name))
    return True  # core data (.icu, .nrm, .brk, .spp, ...) and non-locale tables (pool, supplementalData, ...)


def data_symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the icudtNN_dat symbol."""
    symbols = subprocess.run(
        ["readelf", "--dyn-syms", "-W", str(library)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)", symbols)
    if not found:
        raise SystemExit(f"trim_icu: no icudt*_dat symbol in {library}")
    value, size, section, name = int(found[1], 16), int(found[2], 0), int(found[3]), found[4]
    sections = subprocess.run(["readelf", "-S", "-W", str(library)], capture_output=True, text=True, check=True).stdout
    row = re.search(rf"\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    if not row:
        raise SystemExit(f"trim_icu: section {section} not found in {library}")
    address, offset = int(row[1], 16), int(row[2], 16)
    return name, value - address + offset, size


def trim(library: Path) -> None:
    for tool in ("icupkg", "gcc", "readelf"):
        if not shutil.which(tool):
            raise SystemExit(f"trim_icu: {tool} is not installed (icupkg: apt-get install icu-devtools)")
    symbol, offset, size = data_symbol(library)
    package = symbol.removesuffix("_dat") + "l"  # icudt73l: the package name ICU looks for
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        original = work / f"{package}.dat"
        with open(library, "rb") as fh:
            fh.seek(offset)
            original.write_bytes(fh.read(size))
        items = subprocess.run(
            ["icupkg", "-l", str(original)], capture_output=True, text=True, check=True
        ).stdout.split()
        (work / "all.txt").write_text("\n".join(items) + "\n")
        (work / "items").mkdir()
        subprocess.run(["icupkg", "-d", str(work / "items"), "-x", str(work / "all.txt"), str(original)], check=True)
        drop = {i for i in items if not keep(i, (work / "items" / i).stat().st_size)}
        (work / "out").mkdir()
        trimmed = work / "out" / f"{package}.dat"  # the file name sets the package's item prefix
        # Items that need a dropped item go too (codec aliases, locale aliases). The one kept
        # item with dropped needs is brkitr/root.res, which names the break dictionaries: ICU
        # treats a missing dictionary as "no dictionary" and breaks such text by rules alone.
        while True:
            (work / "drop.txt").write_text("\n".join(sorted(drop)) + "\n")
            dry = subprocess.run(
                ["icupkg", "-r", str(work / "drop.txt"), str(original), str(trimmed)], capture_output=True, text=True
            )
            needs = re.findall(r"Item (\S+) depends on missing item (\S+)", dry.stdout + dry.stderr)
            more = {item for item, _ in needs if item.endswith(".cnv") or LOCALE_FILE.match(item.rpartition("/")[2])}
            if not more - drop:
                break
            drop |= more
        unmet = sorted({item for item, _ in needs})
        if unmet != [] and unmet != ["brkitr/root.res"]:
            raise SystemExit(f"trim_icu: unexpected unmet dependencies: {needs}")
        subprocess.run(
            ["icupkg", "--ignore-deps", "-r", str(work / "drop.txt"), str(original), str(trimmed)], check=True
        )
        (work / "data.S").write_text(
            "\t.section .rodata\n\t.balign 16\n"
            f"\t.globl {symbol}\n\t.type {symbol}, @object\n{symbol}:\n"
            f'\t.incbin "{trimmed}"\n\t.size {symbol}, . - {symbol}\n'
            '\t.section .note.GNU-stack,"",@progbits\n'
        )
        built = work / library.name
        subprocess.run(
            ["gcc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(built), str(work / "data.S")],
            check=True,
        )
        check_symbol, _, check_size = data_symbol(built)
        if check_symbol != symbol or check_size != trimmed.stat().st_size:
            raise SystemExit("trim_icu: the rebuilt library does not export the data as expected")
        before = library.stat().st_size
        shutil.copyfile(built, library)
        print(
            f"trim_icu: {library.name}: {before / 1e6:.1f} MB -> {library.stat().st_size / 1e6:.1f} MB "
            f"({len(items) - len(drop)} of {len(items)} data items kept)"
        )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: trim_icu.py BUNDLE_DIR", file=sys.stderr)
        return 2
    libraries = [p for p in Path(argv[0]).rglob("libicudata.so.*") if p.is_file() and not p.is_symlink()]
    if not libraries:
        print(f"trim_icu: no libicudata.so.* under {argv[0]}: nothing to do")
        return 0
    for library in libraries:
        trim(library)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
