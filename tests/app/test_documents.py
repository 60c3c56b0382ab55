"""The app reads documents through bittts.documents off the GUI thread: each format opens in the
window, the Document (with its chapters) is kept, a read can be cancelled, and an unreadable
file is one message (issue 29, 31)."""

import threading
import time

import doc_fixtures as docs
import pytest

from bittts.app.workers import FileLoadWorker


def test_window_opens_each_format_off_the_gui_thread(window, qtbot, tmp_path):
    writers = [docs.write_txt, docs.write_md, docs.write_html, docs.write_epub]
    try:
        import pypdf  # noqa: F401

        writers.append(docs.write_pdf)
    except ImportError:
        pass
    suffix = {
        docs.write_txt: "txt",
        docs.write_md: "md",
        docs.write_html: "html",
        docs.write_epub: "epub",
        docs.write_pdf: "pdf",
    }
    for write in writers:
        path = write(tmp_path / f"doc.{suffix[write]}")
        window.editor.setPlainText("")
        window.open_file(str(path))
        qtbot.waitUntil(lambda: docs.SENTENCE in window.editor.toPlainText(), timeout=5000)
        assert window.context.settings.recent_files[0] == str(path)
        document = window.files.current_document
        assert document is not None and document.format == suffix[write] and docs.SENTENCE in document.text
    assert len(window.recent_menu.actions()) >= len(writers)


def test_window_keeps_the_document_with_its_chapters(window, qtbot, tmp_path):
    page = tmp_path / "guide.html"
    page.write_text("<title>Guide</title><h1>One</h1><p>First part.</p><h1>Two</h1><p>Second part.</p>")
    window.open_file(str(page))
    qtbot.waitUntil(lambda: "Second part." in window.editor.toPlainText(), timeout=5000)
    document = window.files.current_document
    assert document.title == "Guide" and [c.title for c in document.chapters] == ["One", "Two"]
    assert window.editor.toPlainText().startswith(document.text[:10])


@pytest.mark.parametrize(
    "name,data,fragment", [("bad.epub", b"junk", "bad.epub"), ("blob.txt", b"\x00\x01\x02" * 9, "binary")]
)
def test_window_reports_an_unreadable_file(window, qtbot, tmp_path, name, data, fragment):
    (tmp_path / name).write_bytes(data)
    window.editor.setPlainText("kept")
    window.open_file(str(tmp_path / name))
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=5000)
    assert fragment in window.last_error and "Traceback" not in window.last_error
    assert window.editor.toPlainText() == "kept"


def test_a_cancelled_worker_says_so_and_never_delivers_the_text(qtbot, tmp_path):
    path = tmp_path / "long.html"
    path.write_text("<p>Some text here.</p>\n" * 50_000, encoding="utf-8")
    worker = FileLoadWorker(str(path))
    got = []
    worker.signals.loaded.connect(lambda p, t: got.append("loaded"))
    worker.signals.cancelled.connect(lambda p: got.append("cancelled"))
    worker.cancel()
    thread = threading.Thread(target=worker.run)
    with qtbot.waitSignal(worker.signals.cancelled, timeout=5000):
        thread.start()
    thread.join()
    assert got == ["cancelled"]


def test_the_window_reads_off_the_gui_thread_and_a_newer_open_cancels_the_older(window, qtbot, tmp_path):
    big = tmp_path / "big.md"
    big.write_text("Some *text* here, [with](a link).\n" * 200_000, encoding="utf-8")  # 7 MB
    small = docs.write_txt(tmp_path / "small.txt")
    window.editor.setPlainText("")
    started = time.monotonic()
    first = window.open_file(str(big))
    assert time.monotonic() - started < 1.0  # the GUI thread only starts the worker (reading takes far longer)
    second = window.open_file(str(small))
    assert first.is_cancelled and not second.is_cancelled
    qtbot.waitUntil(lambda: docs.SENTENCE in window.editor.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: first.done_at is not None, timeout=10_000)
    qtbot.wait(50)
    assert "with" not in window.editor.toPlainText()  # the big file's text never arrived
    assert window.context.settings.recent_files[0] == str(small)
