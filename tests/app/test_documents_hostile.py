"""Issue 29: hostile documents are read in linear time, within a size limit, never from a
device or a FIFO, and the read can be cancelled."""

import os
import threading
import time
import zipfile

import doc_fixtures as docs
import pytest

from bittts.app import documents
from bittts.app.documents import DocumentCancelled, DocumentError, html_to_text, markdown_to_text, read_document
from bittts.app.workers import FileLoadWorker

MB = 1_000_000
# fmt: off
HOSTILE = ["[", "![", "*a ", "_a ", "* ", "**a ", "[a](", "[]()", "`", "a*", "*a _b `c **d __e ", "](",
           "<", "<a ", "</", "<!--", "<a x='", "<![", "<?", "&#", "<a>", "<p>", "<b/>", "<head>", "<script>",
           '<a x="', "<a =", "&amp;"]
# fmt: on


def cpu_seconds(fn, *args):
    started = time.process_time()  # CPU time: the test machine's other load does not count
    fn(*args)
    return time.process_time() - started


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_megabyte_of_hostile_markup_reads_in_well_under_a_second(pattern):
    # 1 MB of "[" in a .md file froze the window (quadratic regular expressions)
    text = (pattern * (MB // len(pattern) + 1))[:MB]
    assert cpu_seconds(markdown_to_text, text) < 0.5
    assert cpu_seconds(html_to_text, text) < 0.5


def test_the_linear_readers_still_read_markup_as_before():
    md = "# T\n**bold** and __b__ and *it* and `code`, a [link](http://x.invalid/a_(b)) ![alt](i.png)\n* item"
    assert markdown_to_text(md) == "T\nbold and b and it and code, a link) alt\nitem\n"
    assert markdown_to_text("snake_case_name and 2 * 3") == "snake_case_name and 2 * 3\n"
    page = (
        "<html><head><title>T</title></head><body><p title='a > b'>One<br/>two</p><!-- no -->"
        "<script type='x'>if (a < b) {}</script><div>Fish &amp; <b>chips</b></div><svg><text>no</text></svg>"
        "<p>x &lt;p&gt; y</p></body></html>"
    )
    assert html_to_text(page) == "One\ntwo\n\nFish & chips\n\nx <p> y\n"


def test_a_link_to_dev_zero_and_a_fifo_are_refused_at_once(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    with pytest.raises(DocumentError, match="a device"):
        read_document(link)
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(DocumentError, match="FIFO"):
        read_document(fifo)  # no writer: a plain open would wait for ever
    assert time.monotonic() - started < 5  # refused at once; a plain open would never return
    with pytest.raises(DocumentError, match="folder"):
        read_document(tmp_path)


def test_a_file_over_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_TEXT_BYTES", 1000)
    (tmp_path / "big.txt").write_bytes(b"a" * 1001)
    with pytest.raises(DocumentError, match="larger than 1,000 bytes"):
        read_document(tmp_path / "big.txt")
    (tmp_path / "ok.txt").write_bytes(b"a" * 1000)
    assert read_document(tmp_path / "ok.txt") == "a" * 1000


def bomb_epub(path, chapter_bytes, declared=None):
    docs.write_epub(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("OEBPS/text/ch1.xhtml", "<p>" + "a" * chapter_bytes + "</p>")  # a duplicate name: read last
    if declared is not None:  # lie about the size in both headers
        data = bytearray(path.read_bytes())
        size = (chapter_bytes + 7).to_bytes(4, "little")
        lie = declared.to_bytes(4, "little")
        count = data.count(size)
        assert count >= 2
        path.write_bytes(bytes(data).replace(size, lie))
    return path


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_an_epub_that_unpacks_past_the_limit_is_refused(tmp_path, monkeypatch):
    # a 1.5 MB EPUB unpacked to 4.5 GB
    monkeypatch.setattr(documents, "MAX_TEXT_BYTES", 1_000_000)
    with pytest.raises(DocumentError, match="unpacks to more than"):
        read_document(bomb_epub(tmp_path / "declared.epub", 2_000_000))
    # a member that says it is small but is not: still refused, and only what was allowed is read
    with pytest.raises(DocumentError):
        read_document(bomb_epub(tmp_path / "lies.epub", 2_000_000, declared=100))
    assert docs.SENTENCE in read_document(bomb_epub(tmp_path / "fine.epub", 1000))


def test_a_read_can_be_cancelled_between_steps(tmp_path):
    path = tmp_path / "long.md"
    path.write_text("Some *text* here.\n" * 20_000, encoding="utf-8")
    with pytest.raises(DocumentCancelled):
        read_document(path, cancelled=lambda: True)
    calls = []

    def later():
        calls.append(1)
        return len(calls) > 2

    with pytest.raises(DocumentCancelled):
        read_document(path, cancelled=later)


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


def test_a_damaged_or_unsupported_epub_member_is_a_document_error(tmp_path):
    # found by bench/fuzz_inputs.py: zlib.error came out of read_document
    path = tmp_path / "damaged.epub"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/container.xml", "<container>" + "x" * 5000 + "</container>")
    data = bytearray(path.read_bytes())
    start = data.index(b"META-INF/container.xml") + len("META-INF/container.xml")
    for k in range(start + 2, start + 12):
        data[k] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(DocumentError, match="damaged.epub"):
        read_document(path)
    unsupported = tmp_path / "method.epub"
    docs.write_epub(unsupported)
    data = bytearray(unsupported.read_bytes())
    name = b"META-INF/container.xml"
    local, central = data.index(name) - 30, data.rindex(name) - 46  # the two headers of the member
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    data[local + 8 : local + 10] = data[central + 10 : central + 12] = (99).to_bytes(2, "little")  # AES
    unsupported.write_bytes(bytes(data))
    with pytest.raises(DocumentError, match="method.epub"):
        read_document(unsupported)
