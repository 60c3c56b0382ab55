"""Where the reader was in each document, and its named bookmarks: ``positions.json`` beside
``settings.json`` in the config folder.

A document is known by its resolved path and a short hash of its text (``document_key``), so a
file changed since it was last read does not restore a place in a different text. At most
``MAX_DOCUMENTS`` documents are kept; the least recently used go first. Positions are Python
string indices into the document's text.

Loading never fails, like the settings: a missing file gives no places; a file that cannot be
read (bad JSON, too deep, too large, the wrong layout) gives no places and a ``problem`` line,
and is kept aside as ``positions.json.corrupt`` (``.corrupt.1``, ...) when the places are next
saved; in a readable file each bad entry or bookmark is dropped alone. Saving writes atomically.
Plain Python, no Qt; the window calls it on the GUI thread (a full file is a few MB at most).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from bittts.engine.files import InputFileError, keep_aside, read_regular_file, write_atomically

FILE_NAME = "positions.json"
MAX_DOCUMENTS = 500
MAX_BOOKMARKS = 200  # per document
MAX_NAME = 200  # characters of a bookmark's name
MAX_FILE_BYTES = 64 * 1024 * 1024  # 500 documents of 200 bookmarks of 200 characters is ~30 MB


def document_key(path: str | os.PathLike, text: str) -> str:
    """The resolved path, "#", and the first 16 hex digits of the text's SHA-256."""
    try:
        resolved = str(Path(path).resolve())
    except (OSError, RuntimeError):  # a link loop: the path as given still names the file
        resolved = str(Path(path).absolute())
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{resolved}#{digest}"


@dataclass(frozen=True)
class Bookmark:
    name: str
    position: int  # Python index into the document's text


@dataclass
class DocumentPlace:
    """The reading position (Python index) and the bookmarks of one document."""

    position: int = 0
    bookmarks: list[Bookmark] = field(default_factory=list)


def _index(value) -> int | None:
    """A non-negative int, else None (bools and 400-digit numbers included: they are no index)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        return None
    return value


def _place(raw) -> DocumentPlace | None:
    if not isinstance(raw, dict) or _index(raw.get("position")) is None:
        return None
    bookmarks = []
    for b in raw.get("bookmarks", []) if isinstance(raw.get("bookmarks"), list) else []:
        if isinstance(b, dict) and isinstance(b.get("name"), str) and _index(b.get("position")) is not None:
            bookmarks.append(Bookmark(b["name"][:MAX_NAME], b["position"]))
    return DocumentPlace(raw["position"], bookmarks[:MAX_BOOKMARKS])


class PositionStore:
    """The places of the documents read, in least- to most-recently-used order."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.problem = ""
        self._corrupt = False
        self._places: dict[str, DocumentPlace] = {}
        self._loaded = False
        self._load()

    def __len__(self) -> int:
        self._load()
        return len(self._places)

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            raw = json.loads(read_regular_file(self.path, MAX_FILE_BYTES).decode("utf-8"))
        except FileNotFoundError:
            return
        except (OSError, InputFileError, UnicodeDecodeError, ValueError) as exc:  # bad JSON, too many digits
            self._unreadable(f"could not be read ({exc})")
            return
        except RecursionError:
            self._unreadable("is nested too deeply to read")
            return
        documents = raw.get("documents") if isinstance(raw, dict) else None
        if not isinstance(documents, dict):
            self._unreadable("has the wrong layout")
            return
        for key, value in list(documents.items())[-MAX_DOCUMENTS:]:
            place = _place(value)
            if place is not None:
                self._places[key] = place

    def _unreadable(self, why: str) -> None:
        self.problem = (
            f"The reading positions file {why}; positions and bookmarks start afresh, and the file is kept "
            f"aside as {self.path.name}.corrupt when they are next saved."
        )
        self._corrupt = True

    def get(self, key: str) -> DocumentPlace | None:
        """The place of document ``key`` (a copy), marked as just used; None if unknown."""
        self._load()
        place = self._places.pop(key, None)
        if place is None:
            return None
        self._places[key] = place
        return DocumentPlace(place.position, list(place.bookmarks))

    def put(self, key: str, place: DocumentPlace) -> None:
        """Remember ``place`` for ``key`` (most recently used); the oldest go past MAX_DOCUMENTS."""
        self._load()
        self._places.pop(key, None)
        self._places[key] = DocumentPlace(max(0, place.position), list(place.bookmarks[:MAX_BOOKMARKS]))
        while len(self._places) > MAX_DOCUMENTS:
            del self._places[next(iter(self._places))]

    def save(self) -> str:
        """Write the file atomically (a corrupt earlier one is first kept aside); returns an error
        message or ''."""
        self._load()
        data = {
            "documents": {
                key: {
                    "position": place.position,
                    "bookmarks": [{"name": b.name, "position": b.position} for b in place.bookmarks],
                }
                for key, place in self._places.items()
            }
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._corrupt and self.path.exists():
                keep_aside(self.path)
            self._corrupt = False
            # ASCII escapes: a lone surrogate in a name or a path is written, not an encoding error
            write_atomically(self.path, json.dumps(data, indent=0))
        except OSError as exc:
            return f"The reading positions could not be saved: {exc}"
        return ""
