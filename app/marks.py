"""Chapter starts and bookmarks of the text shown, held as ``QTextCursor``s of the editor's
document, so they move with the text when it is edited (text typed before a chapter start moves
it on; deleting the text around a mark leaves it where the deletion was).

Positions in and out are Python indices into the plain text (``textnav.Utf16Map`` converts);
a whole new text (``setPlainText``) sends every cursor to 0, so the marks are set again after
it. GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor, QTextDocument

from .positions import Bookmark
from .textnav import Utf16Map


@dataclass
class Mark:
    """A named place: a chapter (``level`` 1 = top) or a bookmark (``level`` 0)."""

    title: str
    cursor: QTextCursor
    level: int = 0

    @property
    def qt_position(self) -> int:
        return self.cursor.position()


class DocumentMarks(QObject):
    """The chapters (in text order) and the bookmarks (in the order added) of ``document``."""

    changed = Signal()

    def __init__(self, document: QTextDocument, parent=None):
        super().__init__(parent)
        self.document = document
        self.chapters: list[Mark] = []
        self.bookmarks: list[Mark] = []

    def _cursor(self, qt_position: int) -> QTextCursor:
        cursor = QTextCursor(self.document)
        cursor.setPosition(min(max(qt_position, 0), self.document.characterCount() - 1))
        return cursor

    def set_marks(self, chapters, bookmarks) -> None:
        """``chapters``: objects with ``title``, ``start`` (Python index) and ``level`` (such as
        ``bittts.documents.Chapter``); ``bookmarks``: ``positions.Bookmark``s."""
        m = Utf16Map(self.document.toPlainText())
        self.chapters = [Mark(c.title, self._cursor(m.to_qt(c.start)), max(1, c.level)) for c in chapters]
        self.chapters.sort(key=lambda mark: mark.qt_position)
        self.bookmarks = [Mark(b.name, self._cursor(m.to_qt(b.position))) for b in bookmarks]
        self.changed.emit()

    def clear(self) -> None:
        self.set_marks((), ())

    def add_bookmark(self, name: str, qt_position: int) -> None:
        self.bookmarks.append(Mark(name, self._cursor(qt_position)))
        self.changed.emit()

    def remove_bookmark(self, index: int) -> None:
        if 0 <= index < len(self.bookmarks):
            del self.bookmarks[index]
            self.changed.emit()

    def saved_bookmarks(self, m: Utf16Map) -> list[Bookmark]:
        """The bookmarks as stored: names and Python indices (``m``: the editor text's map)."""
        return [Bookmark(b.title, m.from_qt(b.qt_position)) for b in self.bookmarks]

    def chapter_positions(self) -> list[int]:
        """The chapters' Qt positions, ascending (edits never reorder them)."""
        return [c.qt_position for c in self.chapters]
