"""The pronunciation editor: the user dictionary as a table, with add, remove, play and save.

It talks to ``engine_adapter.PronunciationStore`` only, never to the engine module directly.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

KINDS = ("respelling", "ARPAbet")


class PronunciationDialog(QDialog):
    def __init__(self, store, play_word, parent=None):
        super().__init__(parent)
        self.store, self.play_word = store, play_word
        self.setWindowTitle("Pronunciation dictionary")
        self.setAccessibleName("Pronunciation dictionary")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Word", "Kind", "Pronunciation"])
        self.table.setAccessibleName("Pronunciations")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_select)
        self.word_edit = QLineEdit()
        self.word_edit.setAccessibleName("Word")
        self.kind_combo = QComboBox()
        self.kind_combo.addItems(KINDS)
        self.kind_combo.setAccessibleName("Kind of pronunciation")
        self.pron_edit = QLineEdit()
        self.pron_edit.setAccessibleName("Pronunciation")
        self.pron_edit.setPlaceholderText("toe may toe   or   T AH0 M EY1 T OW2")
        self.add_button = QPushButton("&Add or replace")
        self.remove_button = QPushButton("&Remove")
        self.play_button = QPushButton("&Play word")
        self.save_button = QPushButton("&Save")
        self.close_button = QPushButton("&Close")
        for b, name in (
            (self.add_button, "Add or replace"),
            (self.remove_button, "Remove the selected entry"),
            (self.play_button, "Play the word"),
            (self.save_button, "Save the dictionary"),
            (self.close_button, "Close"),
        ):
            b.setAccessibleName(name)
        self.add_button.clicked.connect(self.add_entry)
        self.remove_button.clicked.connect(self.remove_entry)
        self.play_button.clicked.connect(self.play_entry)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Dictionary status")

        form = QFormLayout()
        for text, widget in (
            ("&Word:", self.word_edit),
            ("&Kind:", self.kind_combo),
            ("Pro&nunciation:", self.pron_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.play_button, self.save_button, self.close_button):
            buttons.addWidget(b)
        table_label = QLabel("&Entries:")
        table_label.setBuddy(self.table)
        layout = QVBoxLayout(self)
        layout.addWidget(table_label)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.resize(620, 420)
        enabled = store.available
        for w in (
            self.word_edit,
            self.kind_combo,
            self.pron_edit,
            self.add_button,
            self.remove_button,
            self.save_button,
            self.table,
        ):
            w.setEnabled(enabled)
        self._say(store.problem or (f"Saved in {store.path}" if enabled else ""))
        self.refresh()

    def _say(self, text: str) -> None:
        self.message.setText(text)

    def refresh(self) -> None:
        entries = self.store.entries()
        self.table.setRowCount(len(entries))
        for row, values in enumerate(entries):
            for col, value in enumerate(values):
                self.table.setItem(row, col, QTableWidgetItem(value))

    def _on_select(self) -> None:
        row = self.table.currentRow()
        if row < 0 or self.table.item(row, 0) is None:
            return
        self.word_edit.setText(self.table.item(row, 0).text())
        self.kind_combo.setCurrentText(self.table.item(row, 1).text())
        self.pron_edit.setText(self.table.item(row, 2).text())

    def add_entry(self) -> bool:
        word, kind, pron = self.word_edit.text().strip(), self.kind_combo.currentText(), self.pron_edit.text()
        try:
            self.store.add(word, kind, pron)
        except ValueError as exc:
            self._say(f"Not added: {exc}")
            return False
        self.refresh()
        self._say(f"{word!r} added; press Save to keep it.")
        return True

    def remove_entry(self) -> bool:
        word = self.word_edit.text().strip()
        if self.store.remove(word):
            self.refresh()
            self._say(f"{word!r} removed; press Save to keep the change.")
            return True
        self._say(f"{word!r} is not in the dictionary.")
        return False

    def play_entry(self) -> None:
        word = self.word_edit.text().strip()
        if word:
            self.play_word(word)

    def save(self) -> bool:
        try:
            self.store.save()
        except OSError as exc:
            self._say(f"The dictionary could not be saved: {exc}")
            return False
        self._say(self.store.problem or "Saved.")
        return True
