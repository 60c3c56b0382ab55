"""Issue 29: hostile documents are read in linear time, within a size limit, never from a
device or a FIFO, and the read can be cancelled."""

import gc
import os
import time
import zipfile

import corpus
import pytest

import bittts.documents as documents
from bittts.documents import DocumentCancelled, DocumentError, read_document
from bittts.documents import epub as epub_reader
from bittts.documents.html import html_to_text
from bittts.documents.markdown import markdown_to_text

MB = 1_000_000
# fmt: off
HOSTILE = ["[", "![", "*a ", "_a ", "* ", "**a ", "[a](", "[]()", "`", "a*", "*a _b `c **d __e ", "](",
           "<", "<a ", "</", "<!--", "<a x='", "<![", "<?", "&#", "<a>", "<p>", "<b/>", "<head>", "<script>",
           '<a x="', "<a =", "&amp;"]
# fmt: on


def cpu_seconds(fn, *args):
    # This thread's CPU time: neither the machine's other load nor threads that earlier tests
    # left in the process count (process time made linear work look superlinear in a full
    # run); the garbage collector paused, so a collection of the whole heap does not either
    gc.collect()
    gc.disable()
    try:
        started = time.thread_time()
        fn(*args)
        return time.thread_time() - started
    finally:
        gc.enable()


@pytest.mark.parametrize("pattern", HOSTILE)
def test_a_megabyte_of_hostile_markup_reads_in_linear_time(pattern):
    # 1 MB of "[" in a .md file froze the window (quadratic regular expressions). The HTML parser
    # takes a megabyte in well under a second; markdown-it-py is linear but slow on such input (up
    # to 16 us a character), so it gets 64 KB, and a quarter of that must take no more than about
    # a quarter of the time (quadratic would be a sixteenth)
    html = (pattern * (MB // len(pattern) + 1))[:MB]
    assert cpu_seconds(html_to_text, html) < 2.0
    small, large = (pattern * (64_000 // len(pattern) + 1))[:16_000], (pattern * (64_000 // len(pattern) + 1))[:64_000]
    assert cpu_seconds(markdown_to_text, large) < 2.5
    assert cpu_seconds(markdown_to_text, large) < 8 * cpu_seconds(markdown_to_text, small) + 0.05


def test_two_hundred_thousand_nested_elements_read_at_once():
    # the HTML5 tree builder looks through the open elements for each <div>: quadratic past a depth
    for page in ("<div>" * 200_000, "<blockquote><span>" * 100_000, "<div>" * 100_000 + "deep" + "</div>" * 100_000):
        assert cpu_seconds(html_to_text, page) < 2.0
    assert html_to_text("<div>" * 100_000 + "deep" + "</div>" * 100_000) == "deep"


def test_the_readers_still_read_markup_as_before():
    md = "# T\n**bold** and __b__ and *it* and `code`, a [link](http://x.invalid/a_(b)) ![alt](i.png)\n* item"
    assert markdown_to_text(md) == "T\n\nbold and b and it and code, a link alt\n\nitem"
    assert markdown_to_text("snake_case_name and 2 * 3") == "snake_case_name and 2 * 3"
    page = (
        "<html><head><title>T</title></head><body><p title='a > b'>One<br/>two</p><!-- no -->"
        "<script type='x'>if (a < b) {}</script><div>Fish &amp; <b>chips</b></div><svg><text>no</text></svg>"
        "<p>x &lt;p&gt; y</p></body></html>"
    )
    assert html_to_text(page) == "One two\n\nFish & chips\n\nx <p> y"


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
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1000)
    (tmp_path / "big.txt").write_bytes(b"a" * 1001)
    with pytest.raises(DocumentError, match="larger than 1,000 bytes"):
        read_document(tmp_path / "big.txt")
    (tmp_path / "ok.txt").write_bytes(b"a" * 1000)
    assert read_document(tmp_path / "ok.txt").text == "a" * 1000


def write_book(path):
    """Two chapters, the spine's first in OEBPS/text/ch2.xhtml."""
    pages = [
        ("c2", "text/ch2.xhtml", corpus.xhtml(f"<h1>First</h1><p>{corpus.SENTENCE}</p>")),
        ("c1", "text/ch1.xhtml", corpus.xhtml("<p>Second chapter.</p>")),
    ]
    return corpus.write_epub(path, pages)


def bomb_epub(path, chapter_bytes, declared=None):
    write_book(path)
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
    monkeypatch.setattr(epub_reader, "MAX_DOCUMENT_BYTES", 1_000_000)
    with pytest.raises(DocumentError, match="unpacks to more than"):
        read_document(bomb_epub(tmp_path / "declared.epub", 2_000_000))
    # a member that says it is small but is not: still refused, and only what was allowed is read
    with pytest.raises(DocumentError):
        read_document(bomb_epub(tmp_path / "lies.epub", 2_000_000, declared=100))
    assert corpus.SENTENCE in read_document(bomb_epub(tmp_path / "fine.epub", 1000)).text


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
    write_book(unsupported)
    data = bytearray(unsupported.read_bytes())
    name = b"META-INF/container.xml"
    local, central = data.index(name) - 30, data.rindex(name) - 46  # the two headers of the member
    assert data[local : local + 4] == b"PK\x03\x04" and data[central : central + 4] == b"PK\x01\x02"
    data[local + 8 : local + 10] = data[central + 10 : central + 12] = (99).to_bytes(2, "little")  # AES
    unsupported.write_bytes(bytes(data))
    with pytest.raises(DocumentError, match="method.epub"):
        read_document(unsupported)


def test_a_book_of_a_thousand_pages_and_a_hundred_thousand_ids_reads_in_linear_time(tmp_path):
    # every page's ids are kept apart ("page#id") without going over the ids of the pages before
    page = corpus.xhtml("".join(f'<p id="a{k}">Para {k}.</p>' for k in range(100)))
    pages = [(f"p{i}", f"p{i}.xhtml", page) for i in range(1000)]
    nav = corpus.toc_nav("".join(f'<li><a href="p{i}.xhtml#a50">Part {i}</a></li>' for i in range(1000)))
    path = corpus.write_epub(tmp_path / "big.epub", pages, nav=nav)
    started = time.process_time()
    doc = read_document(path)
    assert time.process_time() - started < 10.0  # 1 CPU second on the development machine
    assert len(doc.blocks) == 100_000 and len(doc.chapters) == 1000
    assert all(doc.text[c.start :].startswith("Para 50.") for c in doc.chapters)
