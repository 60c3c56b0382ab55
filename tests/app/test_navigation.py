"""Moving through a text from the keyboard (sentence, paragraph, chapter), bookmarks, the
chapters panel, and the reading place remembered per file."""

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from bittts.app.positions import Bookmark, DocumentPlace, PositionStore, document_key
from bittts.app.reading_place import SAVE_INTERVAL_MS
from bittts.documents.model import Chapter, Document

TEXT = (
    "Dr. Smith arrived at 3 a.m. in the U.S. with J. R. R. Tolkien. It cost 3.50 dollars… and more. "
    "Second sentence here.\n\n"
    "A new paragraph. Its second sentence.\n\n"
    "Last paragraph."
)


def cursor(window):
    return window.editor.textCursor().position()


def press(qtbot, window, key, modifier):
    window.editor.setFocus()
    qtbot.keyClick(window.editor, key, modifier)


def test_sentence_keys_skip_abbreviations_decimals_and_initials(window, qtbot):
    window.editor.setPlainText(TEXT)
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert cursor(window) == TEXT.index("It cost")
    assert window.last_announcement == "It cost 3.50 dollars… and more."
    press(qtbot, window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert cursor(window) == TEXT.index("Second sentence")
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    press(qtbot, window, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier)
    assert cursor(window) == 0


def test_paragraph_keys(window, qtbot):
    window.editor.setPlainText(TEXT)
    press(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert cursor(window) == TEXT.index("A new paragraph")
    press(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert cursor(window) == TEXT.index("Last paragraph")
    press(qtbot, window, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    assert cursor(window) == TEXT.index("Last paragraph") and window.last_announcement == "This is the last paragraph."
    press(qtbot, window, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert cursor(window) == TEXT.index("A new paragraph")


def _book():
    chapters = (
        Chapter("Part one", 0, 1),
        Chapter("A new start", TEXT.index("A new"), 2),
        Chapter("The end", TEXT.index("Last"), 1),
    )
    return Document(TEXT, "Book", "md", (), chapters)


def test_chapter_keys_and_panel(window, qtbot, tmp_path):
    window.show_opened(str(tmp_path / "book.md"), TEXT, _book())
    panel = window.chapters_panel
    assert panel.isVisible()
    items = panel.chapter_items()
    assert [i.text(0) for i in items] == ["Part one", "A new start", "The end"]
    assert items[1].parent() is items[0]  # level 2 nested under level 1
    assert panel.chapter_tree.accessibleName() == "Chapters" and panel.bookmark_list.accessibleName() == "Bookmarks"
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert cursor(window) == TEXT.index("A new") and window.last_announcement == "Chapter: A new start"
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert cursor(window) == TEXT.index("Last")
    press(qtbot, window, Qt.Key.Key_PageDown, Qt.KeyboardModifier.AltModifier)
    assert window.last_announcement == "This is the last chapter."
    press(qtbot, window, Qt.Key.Key_PageUp, Qt.KeyboardModifier.AltModifier)
    assert cursor(window) == TEXT.index("A new")
    # from the panel: Ctrl+3, arrow to the last chapter, Enter
    window.act_focus_chapters.trigger()
    assert panel.chapter_tree.hasFocus()
    panel.chapter_tree.setCurrentItem(items[2])
    qtbot.keyClick(panel.chapter_tree, Qt.Key.Key_Return)
    assert cursor(window) == TEXT.index("Last")


def test_chapter_starts_move_with_edits(window, qtbot, tmp_path):
    window.show_opened(str(tmp_path / "book.md"), TEXT, _book())
    edit = QTextCursor(window.editor.document())
    edit.insertText("Inserted before everything. ")
    window.editor.setTextCursor(QTextCursor(window.editor.document()))
    text = window.editor.toPlainText()
    window.act_next_chapter.trigger()
    assert cursor(window) == text.index("Dr. Smith")  # "Part one" moved on with its text
    window.act_next_chapter.trigger()
    assert cursor(window) == text.index("A new")


def test_chapter_keys_without_chapters_say_so(window):
    window.editor.setPlainText(TEXT)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    window.act_next_chapter.trigger()
    assert window.last_announcement == "This text has no chapters."
    assert cursor(window) == len(TEXT)


def test_bookmarks_are_named_listed_and_jumped_to(window, qtbot, tmp_path):
    path = tmp_path / "book.txt"
    path.write_text(TEXT)
    window.show_opened(str(path), TEXT)
    window.editor.setTextCursor(_at(window, TEXT.index("Its second") + 4))
    assert window.reader.bookmark_name() == "Its second sentence."
    assert window.places.add_bookmark("  Second   of two ")  # spaces tidied
    window.editor.setTextCursor(_at(window, TEXT.index("Last") + 2))
    window.places.add_bookmark(window.reader.bookmark_name())
    panel = window.chapters_panel
    assert [panel.bookmark_list.item(k).text() for k in range(2)] == ["Second of two", "Last paragraph."]
    window.editor.setTextCursor(_at(window, 0))
    window.act_go_bookmark.trigger()
    assert panel.bookmark_list.hasFocus()
    panel.bookmark_list.setCurrentRow(0)
    qtbot.keyClick(panel.bookmark_list, Qt.Key.Key_Return)
    assert cursor(window) == TEXT.index("Its second")  # the start of the sentence
    # saved at once, with the file's key
    saved = PositionStore(tmp_path / "positions.json").get(document_key(path, TEXT))
    assert saved.bookmarks == [
        Bookmark("Second of two", TEXT.index("Its second")),
        Bookmark("Last paragraph.", TEXT.index("Last")),
    ]
    qtbot.keyClick(panel.bookmark_list, Qt.Key.Key_Delete)
    assert [b.title for b in window.reader.marks.bookmarks] == ["Last paragraph."]
    saved = PositionStore(tmp_path / "positions.json").get(document_key(path, TEXT))
    assert saved.bookmarks == [Bookmark("Last paragraph.", TEXT.index("Last"))]  # deleted at once too


def _at(window, position):
    c = window.editor.textCursor()
    c.setPosition(position)
    return c


def _open(window, qtbot, path):
    with qtbot.waitSignal(window.files.opened, timeout=5000):
        window.open_file(str(path))


def test_reopening_a_file_restores_the_place(window, qtbot, tmp_path):
    book, other = tmp_path / "book.txt", tmp_path / "other.txt"
    long_text = "\n\n".join(f"Paragraph {k}. It has Dr. Who in it." for k in range(400))
    book.write_text(long_text)
    other.write_text("Another text.")
    _open(window, qtbot, book)
    here = long_text.index("Paragraph 300.") + 14  # inside the sentence after it
    window.editor.setTextCursor(_at(window, here))
    _open(window, qtbot, other)  # saves the place of book.txt
    assert cursor(window) == 0
    _open(window, qtbot, book)
    assert cursor(window) == long_text.index("It has Dr. Who", here - 1)  # the sentence's start
    rect, view = window.editor.cursorRect(), window.editor.viewport().rect()
    assert view.contains(rect.center())  # scrolled to it
    # a changed file is another document: no place restored
    book.write_text(long_text + "\n\nA new ending.")
    _open(window, qtbot, other)
    _open(window, qtbot, book)
    assert cursor(window) == 0


def test_the_place_is_saved_on_close_and_by_the_timer(qtbot, make_context, fake_synth, fake_sink, tmp_path):
    from bittts.app.window import MainWindow

    path = tmp_path / "book.txt"
    path.write_text(TEXT)
    window = MainWindow(make_context(fake_synth, fake_sink))
    qtbot.addWidget(window)
    assert window.places.timer.interval() == SAVE_INTERVAL_MS
    window.show_opened(str(path), TEXT)
    store_path = tmp_path / "positions.json"
    window.editor.setTextCursor(_at(window, TEXT.index("Second")))
    window.places.timer.timeout.emit()  # as every 30 s
    assert json.loads(store_path.read_text())["documents"][document_key(path, TEXT)]["position"] == TEXT.index("Second")
    window.editor.setTextCursor(_at(window, TEXT.index("Last")))
    window.close()
    assert PositionStore(store_path).get(document_key(path, TEXT)) == DocumentPlace(TEXT.index("Last"), [])


def test_a_clipboard_text_saves_the_files_place_and_drops_its_marks(window, tmp_path):
    path = tmp_path / "book.md"
    window.show_opened(str(path), TEXT, _book())
    window.editor.setTextCursor(_at(window, TEXT.index("Last")))
    window.read_text("Something else entirely.")
    assert window.reader.marks.chapters == [] and window.places.key is None
    assert PositionStore(tmp_path / "positions.json").get(document_key(path, TEXT)).position == TEXT.index("Last")


def test_a_bad_positions_file_is_said_and_not_a_crash(qtbot, make_context, fake_synth, fake_sink, tmp_path):
    from bittts.app.window import MainWindow

    (tmp_path / "positions.json").write_text("{broken")
    window = MainWindow(make_context(fake_synth, fake_sink))
    qtbot.addWidget(window)
    assert (
        "reading positions file" in window.last_announcement or "reading positions file" in window.status_label.text()
    )


def test_paragraph_and_chapter_keys_jump_the_reading(window, qtbot, fake_sink, fake_synth, tmp_path):
    fake_sink.speedup = 1.0
    window.show_opened(str(tmp_path / "book.md"), TEXT, _book())
    window.play()
    qtbot.waitUntil(lambda: window.highlighted_word() == "Dr.", timeout=3000)
    window.act_next_paragraph.trigger()
    qtbot.waitUntil(lambda: window.highlighted_word() == "A", timeout=3000)
    assert fake_synth.texts[-1] == TEXT[TEXT.index("A new") :]
    window.act_next_chapter.trigger()
    qtbot.waitUntil(lambda: window.highlighted_word() == "Last", timeout=3000)
    assert fake_synth.texts[-1] == "Last paragraph."
    window.stop()


def test_next_sentence_while_reading_skips_abbreviations(window, qtbot, fake_sink, fake_synth):
    fake_sink.speedup = 1.0
    window.editor.setPlainText(TEXT)
    window.play()
    qtbot.waitUntil(lambda: window.highlighted_word() == "Dr.", timeout=3000)
    window.act_next.trigger()
    qtbot.waitUntil(lambda: fake_synth.texts[-1] != TEXT, timeout=3000)
    assert fake_synth.texts[-1] == TEXT[TEXT.index("It cost") :]
    window.stop()


def test_the_panel_comes_after_the_voice_panel_in_the_tab_order(window, tmp_path):
    window.show_opened(str(tmp_path / "book.md"), TEXT, _book())
    w, names = window.model_panel, []
    for _ in range(3):
        w = w.nextInFocusChain()
        while not (w.focusPolicy() & Qt.FocusPolicy.TabFocus) or not w.isVisible():
            w = w.nextInFocusChain()
        names.append(w.accessibleName())
    assert names == ["Chapters", "Bookmarks", "Delete bookmark"]


def test_an_opened_markdown_files_headings_are_its_chapters(window, qtbot, tmp_path):
    path = tmp_path / "book.md"
    path.write_text("# One\n\nFirst text. More.\n\n## One point one\n\nSub text.\n\n# Two\n\nSecond text.\n")
    _open(window, qtbot, path)
    panel = window.chapters_panel
    assert panel.isVisible()
    assert [i.text(0) for i in panel.chapter_items()] == ["One", "One point one", "Two"]
    window.act_next_chapter.trigger()
    window.act_next_chapter.trigger()
    assert window.editor.toPlainText()[cursor(window) :].startswith("Two")


def test_bookmarks_move_with_edits_and_are_saved_where_they_moved(window, tmp_path):
    path = tmp_path / "book.txt"
    window.show_opened(str(path), TEXT)
    window.editor.setTextCursor(_at(window, TEXT.index("Last")))
    window.places.add_bookmark("End")
    QTextCursor(window.editor.document()).insertText("New first line.\n\n")
    window.places.remember()
    text = window.editor.toPlainText()
    saved = PositionStore(tmp_path / "positions.json").get(document_key(path, TEXT))
    assert saved.bookmarks == [Bookmark("End", text.index("Last"))]
