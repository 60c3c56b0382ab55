"""The errors every document reader raises, and the cancel check they share."""

from __future__ import annotations

from collections.abc import Callable

Cancelled = Callable[[], bool] | None
CHECK_EVERY = 4096  # lines, tags or elements between two looks at ``cancelled``


class DocumentError(Exception):
    """A file that cannot be read as a document; the message names the file and the reason."""


class DocumentCancelled(DocumentError):
    """The read was cancelled (``cancelled()`` said True)."""


def never() -> bool:
    return False


def check_cancelled(cancelled: Callable[[], bool], what: str = "reading the document") -> None:
    if cancelled():
        raise DocumentCancelled(f"{what} was cancelled")
