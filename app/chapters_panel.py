"""The Chapters and bookmarks panel: a dock listing the open document's chapters (nested by
level) and its bookmarks. Enter or a double click on an entry moves the cursor there
(``goTo`` with a Qt position); Delete (or the button) removes the selected bookmark. It shows
what ``marks.DocumentMarks`` holds and refreshes when the marks change. GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .marks import DocumentMarks

_MARK_ROLE = Qt.ItemDataRole.UserRole  # an entry's index in marks.chapters / marks.bookmarks


class ChaptersPanel(QDockWidget):
    goTo = Signal(int)  # Qt position in the editor's document

    def __init__(self, marks: DocumentMarks, parent=None):
        super().__init__("Chapters and bookmarks", parent)
        self.setObjectName("chapters")
        self.setAccessibleName("Chapters and bookmarks")
        self.marks = marks
        self.chapter_tree = QTreeWidget()
        self.chapter_tree.setHeaderHidden(True)
        self.chapter_tree.setAccessibleName("Chapters")
        self.chapter_tree.setAccessibleDescription("Enter goes to the chapter.")
        chapters_label = QLabel("&Chapters:")
        chapters_label.setBuddy(self.chapter_tree)
        self.no_chapters = QLabel("This document has no chapters.")
        self.bookmark_list = QListWidget()
        self.bookmark_list.setAccessibleName("Bookmarks")
        self.bookmark_list.setAccessibleDescription("Enter goes to the bookmark, Delete removes it.")
        bookmarks_label = QLabel("Bookmar&ks:")
        bookmarks_label.setBuddy(self.bookmark_list)
        self.delete_button = QPushButton("De&lete bookmark")
        self.delete_button.setAccessibleName("Delete bookmark")
        self.delete_button.clicked.connect(self.delete_selected_bookmark)
        body = QWidget()
        layout = QVBoxLayout(body)
        for w in (chapters_label, self.no_chapters, self.chapter_tree, bookmarks_label, self.bookmark_list):
            layout.addWidget(w)
        layout.addWidget(self.delete_button)
        self.setWidget(body)
        self.chapter_tree.itemActivated.connect(self._chapter_activated)
        self.bookmark_list.itemActivated.connect(self._bookmark_activated)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.bookmark_list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self.delete_selected_bookmark)
        marks.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """List the marks again (chapters nested under the last one of a higher level)."""
        self.chapter_tree.clear()
        parents: list[tuple[int, QTreeWidgetItem]] = []  # (level, item) of the open branches
        for i, chapter in enumerate(self.marks.chapters):
            while parents and parents[-1][0] >= chapter.level:
                parents.pop()
            item = QTreeWidgetItem([chapter.title])
            item.setData(0, _MARK_ROLE, i)
            if parents:
                parents[-1][1].addChild(item)
            else:
                self.chapter_tree.addTopLevelItem(item)
            parents.append((chapter.level, item))
        self.chapter_tree.expandAll()
        first = self.chapter_tree.topLevelItem(0)
        if first is not None:
            self.chapter_tree.setCurrentItem(first)
        self.no_chapters.setVisible(not self.marks.chapters)
        row = self.bookmark_list.currentRow()
        self.bookmark_list.clear()
        for i, bookmark in enumerate(self.marks.bookmarks):
            entry = QListWidgetItem(bookmark.title)
            entry.setData(_MARK_ROLE, i)
            self.bookmark_list.addItem(entry)
        if self.marks.bookmarks:
            self.bookmark_list.setCurrentRow(min(max(row, 0), len(self.marks.bookmarks) - 1))
        self.delete_button.setEnabled(bool(self.marks.bookmarks))

    def chapter_items(self) -> list[QTreeWidgetItem]:
        """Every chapter entry, in text order (depth first)."""
        items: list[QTreeWidgetItem] = []

        def walk(item):
            items.append(item)
            for k in range(item.childCount()):
                walk(item.child(k))

        for k in range(self.chapter_tree.topLevelItemCount()):
            walk(self.chapter_tree.topLevelItem(k))
        return items

    def focus_bookmarks(self) -> None:
        self.show()
        self.raise_()
        (self.bookmark_list if self.marks.bookmarks else self.chapter_tree).setFocus()

    def focus_chapters(self) -> None:
        self.show()
        self.raise_()
        self.chapter_tree.setFocus()

    def _chapter_activated(self, item: QTreeWidgetItem) -> None:
        i = item.data(0, _MARK_ROLE)
        if i is not None and 0 <= i < len(self.marks.chapters):
            self.goTo.emit(self.marks.chapters[i].qt_position)

    def _bookmark_activated(self, item: QListWidgetItem) -> None:
        i = item.data(_MARK_ROLE)
        if i is not None and 0 <= i < len(self.marks.bookmarks):
            self.goTo.emit(self.marks.bookmarks[i].qt_position)

    def delete_selected_bookmark(self) -> None:
        self.marks.remove_bookmark(self.bookmark_list.currentRow())
