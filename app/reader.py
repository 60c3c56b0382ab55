"""The text panel and reading it: play from the cursor or the selection, steps by sentence,
paragraph and chapter (the cursor moves when stopped; reading jumps while it reads), the
clipboard and texts sent by other launches, and the sentence and word highlight.

The sentences are the engine's (``textnav.SentenceFinder``, a window split at a time and kept
while the text does not change); the chapters and bookmarks are ``marks.DocumentMarks``."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QGuiApplication, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTextEdit, QVBoxLayout, QWidget

from .marks import DocumentMarks
from .playback import PAUSED, STOPPED
from .textnav import SentenceFinder, Utf16Map, next_paragraph_start, previous_paragraph_start
from .themes import HIGHLIGHT_COLOURS


class ReaderTextEdit(QPlainTextEdit):
    """The text area; dropping files on it opens them (dropped text is inserted as usual)."""

    filesDropped = Signal(list)

    def _local_files(self, mime):
        return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()] if mime.hasUrls() else []

    def dragEnterEvent(self, event):
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event):
        if self._local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event):
        files = self._local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.filesDropped.emit(files)
        else:
            super().dropEvent(event)


class Reader(QObject):
    """``panel`` (the label and ``editor``) and the reading of its text through ``controller``.

    ``can_play`` is set by the window (a synthesizer and an audio output are there).
    ``textReplaced`` is emitted just before a text from the clipboard or another launch replaces
    the document (its reading place is saved then)."""

    textReplaced = Signal()

    def __init__(self, controller, context, status, parent=None):
        super().__init__(parent)
        self.controller, self.context, self.status = controller, context, status
        self.can_play = False
        self._text_map = Utf16Map("")
        self._text: str | None = None  # the editor's plain text, None when it changed
        self._sentence_span = self._word_span = (-1, -1)
        self._finder: SentenceFinder | None = None  # of the text last navigated
        self.editor = ReaderTextEdit()
        self.editor.setAccessibleName("Text to read")
        self.editor.setAccessibleDescription("Type, paste or drop a file. F5 reads from the cursor.")
        self.editor.setPlaceholderText(
            "Type or paste text to read aloud, or open a file (Ctrl+O). F5 plays from the cursor, F6 pauses, F7 stops."
        )
        self.editor.setTabChangesFocus(True)
        text_label = QLabel("&Text to read:")
        text_label.setBuddy(self.editor)
        self.panel = QWidget()
        layout = QVBoxLayout(self.panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(text_label)
        layout.addWidget(self.editor)
        self.marks = DocumentMarks(self.editor.document(), self)
        self.editor.document().contentsChanged.connect(self._forget_text)
        controller.finished.connect(self._on_finished)
        controller.wordChanged.connect(self._on_word)
        controller.sentenceChanged.connect(self._on_sentence)

    # ---- reading
    def _document(self) -> str:
        """The plain text (its ``Utf16Map`` in ``_text_map``), kept until the document changes (a book's
        copy and map cost milliseconds, and a key press asks for them several times)."""
        if self._text is None:
            self._text = self.editor.toPlainText()
            self._text_map = Utf16Map(self._text)
        return self._text

    def _forget_text(self) -> None:
        self._text = None

    def text_and_map(self) -> tuple[str, Utf16Map]:
        """The editor's plain text and its Python index <-> Qt position map."""
        return self._document(), self._text_map

    def play(self) -> None:
        if self.controller.state == PAUSED:
            self.controller.resume()
            return
        text = self._document()
        cursor = self.editor.textCursor()
        m = self._text_map
        if cursor.hasSelection():
            start, end = m.from_qt(cursor.selectionStart()), m.from_qt(cursor.selectionEnd())
        else:
            start, end = m.from_qt(cursor.position()), len(text)
            if not text[start:].strip():
                start = 0  # at the end: read from the top
        while 0 < start < len(text) and not text[start - 1].isspace():
            start -= 1  # from the start of the word the cursor is in
        self.controller.play(text, start, end)

    def stop(self) -> None:
        self.controller.stop()

    def play_pause(self) -> None:
        """One key for the tray and media keys: play when stopped, else pause/resume."""
        if self.controller.state == STOPPED:
            self.play()
        else:
            self.controller.toggle_pause()

    def next_sentence(self) -> None:
        if self.controller.state != STOPPED:
            self.controller.next_sentence()
        else:
            self._move_cursor_by_sentence(+1)

    def previous_sentence(self) -> None:
        if self.controller.state != STOPPED:
            self.controller.previous_sentence()
        else:
            self._move_cursor_by_sentence(-1)

    def _move_cursor_by_sentence(self, step: int) -> None:
        text = self._document()
        finder = self.finder(text)
        here = self._text_map.from_qt(self.editor.textCursor().position())
        if step > 0:
            target = finder.next_start(here)
        else:
            current = finder.containing(here)
            target = current[0] if current and current[0] < here else finder.previous_start(here)
        if target is None:
            self.status.announce("This is the last sentence.")
            return
        self._place_cursor(target)
        self.status.announce(self.sentence_text(target))

    # ---- paragraphs, chapters, bookmarks, a remembered place
    def finder(self, text: str) -> SentenceFinder:
        """The sentence finder of ``text``, kept while the text stays the same (a window split
        costs ~20 ms; a look-up in it microseconds)."""
        if self._finder is None or self._finder.text != text:
            self._finder = SentenceFinder(text)
        return self._finder

    def sentence_text(self, position: int, limit: int = 200) -> str:
        """The sentence at or after ``position`` (a Python index), at most ``limit`` characters."""
        text = self._document()
        sentence = self.finder(text).containing(position)
        return text[sentence[0] : sentence[1]][:limit] if sentence else ""

    def here(self) -> int:
        """Where the reader is (a Python index): the word being read, else the cursor."""
        text = self._document()
        if self.controller.state != STOPPED and self.controller.highlight and self.controller.text == text:
            return self.controller.current_position()
        return self._text_map.from_qt(self.editor.textCursor().position())

    def _place_cursor(self, position: int) -> None:
        cursor = self.editor.textCursor()
        cursor.setPosition(self._text_map.to_qt(position))
        self.editor.setTextCursor(cursor)

    def go_to(self, position: int, announcement: str = "") -> None:
        """Move to ``position`` (a Python index): while the text is read, reading goes on from
        there; else the cursor moves there and the view centres it. Announces ``announcement``,
        else the sentence there."""
        text = self._document()
        position = min(max(position, 0), len(text))
        c = self.controller
        if c.state != STOPPED and c.highlight and c.text == text:
            c.play(text, position, max(c._end, position))
        else:
            self._place_cursor(position)
            self.editor.centerCursor()
        self.status.announce(announcement or self.sentence_text(position))

    def go_to_qt(self, qt_position: int, announcement: str = "") -> None:
        """``go_to`` for a Qt position (a chapter or bookmark mark)."""
        self._document()
        self.go_to(self._text_map.from_qt(qt_position), announcement)

    def restore_position(self, position: int) -> None:
        """Put the cursor at the start of the sentence holding ``position`` (a remembered place;
        between sentences: the next one) and centre the view on it; past the end: the end."""
        text = self._document()
        position = min(max(position, 0), len(text))
        sentence = self.finder(text).containing(position)  # or the next one, from a gap
        self._place_cursor(sentence[0] if sentence else position)
        self.editor.centerCursor()

    def _paragraph_step(self, step: int) -> None:
        find = next_paragraph_start if step > 0 else previous_paragraph_start
        target = find(self._document(), self.here())
        if target is None:
            self.status.announce("This is the last paragraph." if step > 0 else "This is the first paragraph.")
        else:
            self.go_to(target)

    def next_paragraph(self) -> None:
        self._paragraph_step(+1)

    def previous_paragraph(self) -> None:
        self._paragraph_step(-1)

    def _chapter_step(self, step: int) -> None:
        chapters = self.marks.chapters
        if not chapters:
            self.status.announce("This text has no chapters.")
            return
        self._document()
        here = self._text_map.to_qt(self.here())
        if step > 0:
            ahead = [c for c in chapters if c.qt_position > here]
            target = ahead[0] if ahead else None
        else:
            behind = [c for c in chapters if c.qt_position < here]
            target = behind[-1] if behind else None
        if target is None:
            self.status.announce("This is the last chapter." if step > 0 else "There is no chapter before this.")
            return
        self.go_to_qt(target.qt_position, f"Chapter: {target.title}")

    def next_chapter(self) -> None:
        self._chapter_step(+1)

    def previous_chapter(self) -> None:
        self._chapter_step(-1)

    def bookmark_name(self) -> str:
        """A default name for a bookmark here: the first words of the sentence (at most 6)."""
        words = self.sentence_text(self.here(), limit=400).split()
        return " ".join(words[:6]) + (" …" if len(words) > 6 else "") if words else "Bookmark"

    def add_bookmark(self, name: str) -> None:
        """A bookmark named ``name`` at the start of the sentence being read or at the cursor
        (between sentences: the next one)."""
        text = self._document()
        here = self.here()
        sentence = self.finder(text).containing(here)  # or the next one, from a gap
        self.marks.add_bookmark(name, self._text_map.to_qt(sentence[0] if sentence else here))
        self.status.announce(f"Bookmark added: {name}.")

    def read_clipboard(self) -> None:
        text = QGuiApplication.clipboard().text()
        self.read_text(text, source="the clipboard")

    def read_text(self, text: str, source: str = "the message") -> None:
        """Put ``text`` in the text area (undoable) and read it from the top."""
        if not text.strip():
            self.status.announce(f"There is no text on {source}.")
            return
        self.controller.stop()
        self.textReplaced.emit()
        cursor = self.editor.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.setPosition(0)
        self.editor.setTextCursor(cursor)
        self.status.announce(f"Reading {source} ({len(text.split())} words).")
        if self.can_play:
            self.play()

    def show_document(self, text: str) -> None:
        """Replace the text (an opened file), stopping any reading first."""
        self.controller.stop()
        self.editor.setPlainText(text)

    # ---- feedback from the controller
    def _on_finished(self) -> None:
        # Leave the cursor after what was read, so that F5 starts again from the top.
        if self.controller.highlight:
            cursor = self.editor.textCursor()
            cursor.setPosition(self._text_map.to_qt(min(self.controller._end, len(self.editor.toPlainText()))))
            self.editor.setTextCursor(cursor)

    def on_state(self, state: str) -> None:
        """Read-only while the document is read; the highlight goes when reading stops."""
        self.editor.setReadOnly(state != STOPPED and self.controller.highlight)
        if state == STOPPED:
            self.editor.setExtraSelections([])

    def _on_sentence(self, start: int, end: int) -> None:
        self._sentence_span = (start, end)
        self.apply_highlight()

    def _on_word(self, start: int, end: int) -> None:
        self._word_span = (start, end)
        self.apply_highlight()
        if start >= 0:
            cursor = self.editor.textCursor()
            cursor.setPosition(self._text_map.to_qt(start))
            self.editor.setTextCursor(cursor)  # the view follows the word (and F5 resumes here)
            self.editor.ensureCursorVisible()

    def apply_highlight(self) -> None:
        """The sentence and word highlight in the theme's colours."""
        sentence_bg, word_bg, word_fg = HIGHLIGHT_COLOURS.get(self.context.settings.theme, HIGHLIGHT_COLOURS["light"])
        selections = []
        m = self._text_map
        for span, bg, fg in ((self._sentence_span, sentence_bg, None), (self._word_span, word_bg, word_fg)):
            if span[0] < 0:
                continue
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.editor.document())
            cursor.setPosition(m.to_qt(span[0]))
            cursor.setPosition(m.to_qt(span[1]), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(QColor(bg))
            if fg:
                fmt.setForeground(QColor(fg))
            sel.cursor, sel.format = cursor, fmt
            selections.append(sel)
        self.editor.setExtraSelections(selections)

    def highlighted_word(self) -> str:
        """The text of the highlighted word ('' if none) - for tests and the accessible description."""
        span = self._word_span
        return self.editor.toPlainText()[span[0] : span[1]] if span[0] >= 0 else ""
