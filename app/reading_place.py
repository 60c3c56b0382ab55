"""Remembering where the reader is in each opened file, and its bookmarks.

When a file is shown (``show``), the place of the file before is saved, the text is put in the
editor, its chapters (from the ``bittts.documents.Document``, when it is the same text) and its
saved bookmarks become marks, and the cursor goes to the saved place (the start of its sentence,
centred). The place is saved again when another file is opened, when a clipboard text replaces
the file, when the window closes, and every ``SAVE_INTERVAL_MS`` while the file is open; the file
is written only when the place or the bookmarks changed. A text typed or pasted without a file
has bookmarks for the session only. GUI thread only; ``positions.PositionStore`` writes the file.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QInputDialog, QLineEdit

from .positions import DocumentPlace, PositionStore, document_key

SAVE_INTERVAL_MS = 30_000


class ReadingPlace(QObject):
    def __init__(self, reader, store: PositionStore, status, parent=None):
        super().__init__(parent)
        self.reader, self.store, self.status = reader, store, status
        self.parent_widget = parent
        self.key: str | None = None  # the open file's document_key; None for a text without a file
        self._saved: DocumentPlace | None = None  # what the store holds for it
        self.timer = QTimer(self)
        self.timer.setInterval(SAVE_INTERVAL_MS)
        self.timer.timeout.connect(self.remember)
        reader.textReplaced.connect(self.close_document)
        reader.marks.changed.connect(self.remember)  # a bookmark added or deleted is saved at once

    def show(self, path: str, text: str, document=None) -> None:
        """Show ``text`` read from ``path`` (``document``: its ``Document``, or None) at its place."""
        self.close_document()
        self.reader.show_document(text)
        key = document_key(path, text)
        place = self.store.get(key) or DocumentPlace()
        chapters = document.chapters if document is not None and getattr(document, "text", None) == text else ()
        self.reader.marks.set_marks(chapters, place.bookmarks)  # before the key: nothing is saved
        self.key, self._saved = key, place
        if place.position > 0:
            self.reader.restore_position(place.position)
        self.timer.start()

    def current_place(self) -> DocumentPlace:
        _, text_map = self.reader.text_and_map()
        return DocumentPlace(self.reader.here(), self.reader.marks.saved_bookmarks(text_map))

    def remember(self) -> str:
        """Save the open file's place if it changed; returns an error message or ''."""
        if self.key is None:
            return ""
        place = self.current_place()
        if place == self._saved:
            return ""
        self.store.put(self.key, place)
        problem = self.store.save()
        if problem:
            self.status.announce(problem)
        else:
            self._saved = place
        return problem

    def close_document(self) -> None:
        """Save the place of the file shown (if any) and forget it and its marks."""
        self.remember()
        self.key, self._saved = None, None
        self.timer.stop()
        self.reader.marks.clear()  # after the key: nothing is saved

    def add_bookmark(self, name: str | None = None) -> bool:
        """Add a bookmark where the reader is; ``name`` None asks for one (the default is the first
        words of the sentence). Saved at once for a file. False if the dialog was cancelled."""
        if name is None:
            name, ok = QInputDialog.getText(
                self.parent_widget,
                "Add bookmark",
                "Bookmark &name:",
                QLineEdit.EchoMode.Normal,
                self.reader.bookmark_name(),
            )
            if not ok:
                return False
        self.reader.add_bookmark(" ".join(name.split()) or self.reader.bookmark_name())  # saved by marks.changed
        return True
