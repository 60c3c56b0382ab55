"""Reading members of a zip container (EPUB, DOCX, ODT) within one decompression budget.

A container may unpack to at most ``budget`` bytes in all: each member's declared size is
checked before it is read, and its real size while it is read, so a zip bomb is refused after
reading no more than the budget.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from urllib.parse import unquote

from bittts.engine.files import format_limit

from .errors import DocumentError


class ZipMembers:
    """``read(name)``: a member's bytes; ``names``: the members. ``label`` names the file in errors."""

    def __init__(self, data: bytes, label: str, budget: int):
        self.label, self.budget, self._limit = label, budget, budget
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.names = set(self.zip.namelist())

    def __enter__(self) -> ZipMembers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.zip.close()

    def find(self, name: str) -> str | None:
        """The member called ``name``, also when the reference is percent-encoded ("a%20b.xhtml")
        or differs in case only; None when there is none."""
        for candidate in (name, unquote(name)):
            if candidate in self.names:
                return candidate
        folded = {n.lower(): n for n in self.names}
        return folded.get(name.lower()) or folded.get(unquote(name).lower())

    def read(self, name: str) -> bytes:
        member = self.find(name)
        if member is None:
            raise DocumentError(f"{self.label} is damaged: it has no member {name!r}")
        info = self.zip.getinfo(member)
        too_much = DocumentError(f"{self.label} unpacks to more than {format_limit(self._limit)}; it is not read")
        if info.file_size > self.budget:
            raise too_much
        with self.zip.open(info) as fh:
            content = fh.read(self.budget + 1)
        if len(content) > self.budget:
            raise too_much
        self.budget -= len(content)
        return content


def join_href(base: str, href: str) -> str:
    """A reference relative to ``base`` (a member's folder), without its fragment, normalized."""
    return posixpath.normpath(posixpath.join(base, unquote(href.split("#")[0])))
