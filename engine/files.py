"""Writing files so that a crash or a full disk never leaves half a file behind, and reading
input files with a bound (no device, no FIFO, no more than a limit)."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class InputFileError(ValueError):
    """An input file that is refused: not a regular file, or larger than the limit."""


def format_limit(n: int) -> str:
    """A size limit in words: "64 MB" for whole megabytes (MiB), else bytes."""
    mb = 1024 * 1024
    return f"{n // mb} MB" if n >= mb and n % mb == 0 else f"{n:,} bytes"


def file_kind(mode: int) -> str:
    """What a file of ``st_mode`` is, in words ("a FIFO (named pipe)", "a device", ...)."""
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def open_regular_file(path: str | os.PathLike) -> int:
    """A read-only descriptor of ``path``, which must be a regular file (after links are
    resolved); ``InputFileError`` for a device, a FIFO, a folder or a socket, OSError when it
    cannot be opened. The file is opened without blocking, so a FIFO is refused at once instead
    of waiting for a writer, and the type is checked on the opened file (no race with a swapped
    link)."""
    path = Path(path)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise InputFileError(f"{path.name or path} is {file_kind(mode)}, not a file to read")
    return fd


def read_regular_file(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of ``path``, which must be a regular file (``open_regular_file``) of at most
    ``limit`` bytes; reads at most ``limit + 1`` bytes whatever the file says its size is.
    Raises ``InputFileError`` for a device (``/dev/zero``, also through a link), a FIFO, a
    folder or a socket, and for a file over the limit; OSError when it cannot be opened.
    """
    path = Path(path)
    fd = open_regular_file(path)
    with os.fdopen(fd, "rb") as fh:
        too_large = f"{path.name} is larger than {format_limit(limit)}"
        if os.fstat(fd).st_size > limit:
            raise InputFileError(too_large)
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputFileError(too_large)
    return data


def write_atomically(path: str | os.PathLike, data: bytes | str) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``.

    The new file gets the usual permissions (0666 less the umask), not mkstemp's 0600.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def keep_aside(path: str | os.PathLike, tag: str = "corrupt") -> Path:
    """Move ``path`` to the first free name of ``<name>.corrupt``, ``<name>.corrupt.1``,
    ``<name>.corrupt.2``... and return it. An earlier backup is never overwritten: the name is
    taken with a hard link, which fails if it exists (or, where links cannot be made, after a
    check)."""
    path = Path(path)
    k = 0
    while True:
        aside = path.with_name(f"{path.name}.{tag}" + (f".{k}" if k else ""))
        k += 1
        try:
            os.link(path, aside)
        except FileExistsError:
            continue
        except OSError:  # no hard links here (some file systems): check, then rename
            if aside.exists():
                continue
            os.replace(path, aside)
            return aside
        os.unlink(path)
        return aside
