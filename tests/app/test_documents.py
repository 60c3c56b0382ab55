import doc_fixtures as docs
import pytest

from bittts.app.documents import DocumentError, read_document


def test_txt_keeps_the_text_and_normalizes_newlines(tmp_path):
    text = read_document(docs.write_txt(tmp_path / "a.txt"))
    assert text == "Caf\u00e9 au lait.\n" + docs.SENTENCE + "\n"


def test_txt_in_a_legacy_encoding(tmp_path):
    (tmp_path / "w.txt").write_bytes("na\u00efve \u2013 caf\u00e9".encode("cp1252"))
    assert read_document(tmp_path / "w.txt") == "na\u00efve \u2013 caf\u00e9"


def test_markdown_drops_the_markup(tmp_path):
    text = read_document(docs.write_md(tmp_path / "a.md"))
    assert "Title" in text and "Some bold and a link." in text and docs.SENTENCE in text
    assert "#" not in text and "**" not in text and "http" not in text and "code stays" in text


def test_html_visible_text_only(tmp_path):
    text = read_document(docs.write_html(tmp_path / "a.html"))
    assert "Heading" in text and docs.SENTENCE in text and "Fish & chips." in text
    assert "var x" not in text and "color" not in text


def test_epub_chapters_in_spine_order(tmp_path):
    text = read_document(docs.write_epub(tmp_path / "a.epub"))
    assert text.index(docs.SENTENCE) < text.index("Second chapter.")


def test_pdf_text_layer(tmp_path):
    pytest.importorskip("pypdf")
    text = read_document(docs.write_pdf(tmp_path / "a.pdf"))
    assert docs.SENTENCE in text


@pytest.mark.parametrize(
    "name,data", [("bad.epub", b"not a zip"), ("bad.pdf", b"%PDF-1.4 garbage"), ("missing.txt", None)]
)
def test_unreadable_files_raise_a_document_error(tmp_path, name, data):
    if name == "bad.pdf":
        pytest.importorskip("pypdf")
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert name.split(".")[0] in str(info.value) or "does not exist" in str(info.value)


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
    assert len(window.recent_menu.actions()) >= len(writers)


def test_window_reports_an_unreadable_file(window, qtbot, tmp_path):
    (tmp_path / "bad.epub").write_bytes(b"junk")
    window.editor.setPlainText("kept")
    window.open_file(str(tmp_path / "bad.epub"))
    qtbot.waitUntil(lambda: bool(window.last_error), timeout=5000)
    assert "bad.epub" in window.last_error
    assert window.editor.toPlainText() == "kept"
