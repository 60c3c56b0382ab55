"""The PDF reader on PDFs written by the tests (pdf_maker): running heads, hyphenation, columns,
footnote markers, headings and lists, the outline, encryption, no text layer, damaged files and a
decompression bomb."""

import resource
import time

import pytest
from pdf_maker import OutlineItem as Item
from pdf_maker import Page, make_pdf

from bittts.documents.errors import DocumentCancelled, DocumentError
from bittts.documents.pdf import join_lines, read_pdf
from bittts.engine.limits import MAX_DOCUMENT_BYTES

LEADING = 14.0  # baseline to baseline, for 11 pt body text


def read(data: bytes):
    return read_pdf("test.pdf", data, lambda: False)


def paragraph(page: Page, y: float, lines: list[str], x: float = 72, size: float = 11) -> float:
    """Lines one under the other from baseline ``y``; returns the baseline a blank line below."""
    for text in lines:
        page.line(x, y, text, size)
        y -= LEADING
    return y - LEADING


def blocks(doc) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def book(pages: int, header=lambda n: "The Book of Tests", footer=lambda n: str(n + 1), first_heading=True) -> bytes:
    out = []
    for n in range(pages):
        page = Page()
        if header(n):
            page.line(72, 760, header(n), 9)
        if footer(n):
            page.line(300, 30, footer(n), 9)
        y = 700.0
        if n == 0 and first_heading:
            page.line(72, y, "The Only Heading", 18)
            y -= 30
        paragraph(page, y, [f"Page {n + 1} says something worth reading, and it", "goes on to a full stop here."])
        out.append(page)
    return make_pdf(out)


# ---- running headers and footers


def test_running_header_and_page_numbers_are_dropped_but_a_single_heading_is_kept():
    doc = read(book(5))
    assert "The Book of Tests" not in doc.text
    assert doc.text.startswith(
        "The Only Heading\n\nPage 1 says something worth reading, and it goes on to a full stop here."
    )
    assert doc.text.count("says something") == 5
    for n in range(1, 6):
        assert f"\n\n{n}\n" not in doc.text and not doc.text.endswith(f"\n\n{n}")
    assert blocks(doc)[0] == ("heading", "The Only Heading")


@pytest.mark.parametrize(
    "footer",
    [
        lambda n: f"Page {n + 1} of 7",
        lambda n: f"- {n + 1} -",
        lambda n: ["i", "ii", "iii", "iv", "v", "vi", "vii"][n],
        lambda n: f"({n + 1})",
    ],
    ids=["page-n-of-m", "dashes", "roman", "parentheses"],
)
def test_page_number_styles_in_the_footer_are_dropped(footer):
    doc = read(book(7, footer=footer))
    assert len(doc.blocks) == 8  # the heading and one paragraph a page
    assert "of 7" not in doc.text and "- 3 -" not in doc.text and "\n\nvii" not in doc.text


def test_alternating_headers_with_chapter_names_and_numbers_are_dropped():
    doc = read(book(6, header=lambda n: "The Book of Tests" if n % 2 else f"Chapter {n // 2 + 1}: Beginnings"))
    assert "Book of Tests" not in doc.text and "Beginnings" not in doc.text


def test_a_line_in_the_top_band_on_few_pages_is_kept():
    # on 2 of 10 pages: under 40 %, so it is the page's own text, not a running head
    doc = read(book(10, header=lambda n: "A Note Before Chapter Two" if n in (2, 3) else ""))
    assert doc.text.count("A Note Before Chapter Two") == 2


def test_a_recurring_line_in_the_middle_of_the_page_is_kept():
    pages = []
    for _ in range(5):
        page = Page()
        paragraph(page, 400, ["Refrain: and the bells rang out."])
        pages.append(page)
    assert read(make_pdf(pages)).text.count("Refrain: and the bells rang out.") == 5


def test_a_short_document_keeps_its_top_band_text():
    # two pages: nothing recurs on three pages, so a top line is text (a letterhead)
    doc = read(book(2, header=lambda n: "ACME Ltd, 1 High Street", footer=lambda n: ""))
    assert doc.text.count("ACME Ltd, 1 High Street") == 2


# ---- lines, hyphenation, paragraphs


def test_hyphenated_line_ends_are_joined_when_the_word_goes_on_in_lower_case():
    page = Page()
    paragraph(
        page,
        700,
        ["The committee made an exam-", "ple of the well-known Anglo-", "Saxon rule, then re-", "turned home."],
    )
    assert (
        read(make_pdf([page])).text
        == "The committee made an example of the well-known Anglo-Saxon rule, then returned home."
    )


def test_join_lines():
    assert join_lines("exam-", "ple") == "example"
    assert join_lines("Anglo-", "Saxon") == "Anglo-Saxon"
    assert join_lines("pages 10-", "12 follow") == "pages 10- 12 follow"
    assert join_lines("a dash -", "then") == "a dash - then"
    assert join_lines("soft\u00ad", "ware") == "software"
    assert join_lines("end.", "Next") == "end. Next"


def test_lines_are_read_top_to_bottom_whatever_the_drawing_order():
    page = Page()
    for y, text in [(672, "third line."), (700, "First line and"), (686, "second line and")]:
        page.line(72, y, text)
    assert read(make_pdf([page])).text == "First line and second line and third line."


def test_pieces_of_one_line_are_read_left_to_right():
    page = Page().line(200, 700, "right half.").line(72, 700, "The left half and the")
    assert read(make_pdf([page])).text == "The left half and the right half."


def test_a_paragraph_ends_at_a_gap_an_indent_and_a_short_sentence_end():
    page = Page()
    y = paragraph(page, 700, ["A first paragraph that fills the line to the right margin of the", "page and ends."])
    page.line(90, y, "An indented first line starts the next paragraph, which fills its line to")
    page.line(72, y - LEADING, "the margin. It stops short.")
    page.line(72, y - 2 * LEADING, "A line after a short one is a new paragraph and it fills the line to the")
    page.line(72, y - 3 * LEADING, "right margin.")
    assert [text for _, text in blocks(read(make_pdf([page])))] == [
        "A first paragraph that fills the line to the right margin of the page and ends.",
        "An indented first line starts the next paragraph, which fills its line to the margin. It stops short.",
        "A line after a short one is a new paragraph and it fills the line to the right margin.",
    ]


def test_a_paragraph_goes_on_across_a_page_break_mid_sentence():
    first, second = Page(), Page()
    paragraph(first, 100, ["This sentence starts on one page and"])
    paragraph(second, 700, ["ends on the next one.", ""])
    paragraph(second, 650, ["Then a new one."])
    assert blocks(read(make_pdf([first, second]))) == [
        ("paragraph", "This sentence starts on one page and ends on the next one."),
        ("paragraph", "Then a new one."),
    ]


def test_a_footnote_marker_is_kept_apart_from_its_word():
    page = Page().line(72, 700, "As the survey showed").line(171.5, 704, "12", 6)
    page.line(180, 700, "the rate fell.")
    page.line(72, 80, "12", 6).line(78, 80, "Smith, 2020.", 9)
    doc = read(make_pdf([page]))
    assert "showed 12 the rate fell." in doc.text
    assert "showed12" not in doc.text


def test_unicode_superscript_markers_are_kept_apart():
    page = Page().line(72, 700, "The floor was fine\u00b9 indeed.")
    assert read(make_pdf([page])).text == "The floor was fine \u00b9 indeed."


def test_headings_by_type_size_and_list_items():
    page = Page()
    page.line(72, 740, "Part One", 24)
    page.line(72, 700, "The Setting", 16)
    y = paragraph(page, 670, ["Some words before a list."])
    for x, text in [
        (72, "\u2022 apples from the orchard"),
        (72, "\u2022 pears and"),
        (82, "quinces"),
        (72, "2. a numbered item"),
    ]:
        page.line(x, y, text)
        y -= LEADING
    paragraph(page, y - LEADING, ["And a closing line."])
    doc = read(make_pdf([page]))
    assert blocks(doc) == [
        ("heading", "Part One"),
        ("heading", "The Setting"),
        ("paragraph", "Some words before a list."),
        ("item", "\u2022 apples from the orchard"),
        ("item", "\u2022 pears and quinces"),
        ("item", "2. a numbered item"),
        ("paragraph", "And a closing line."),
    ]
    assert [b.level for b in doc.blocks[:2]] == [1, 2]


def test_a_heading_over_two_lines_is_one_block():
    page = Page().line(72, 700, "A Long Title That Needs", 20).line(72, 676, "Two Lines", 20)
    paragraph(page, 640, ["Body text, longer than the title, in the type of the body of the page."])
    assert blocks(read(make_pdf([page])))[0] == ("heading", "A Long Title That Needs Two Lines")


def test_text_scaled_by_the_text_matrix_has_its_real_size():
    # Tf 1 scaled by the matrix to 20 pt (as many typesetters write it) is a heading over 10 pt text
    raw = (
        b"BT /F1 1 Tf 20 0 0 20 72 700 Tm (Scaled Heading) Tj ET\n"
        b"BT /F1 10 Tf 1 0 0 1 72 670 Tm (Plain text here.) Tj ET\n"
    )
    doc = read(make_pdf([Page(raw=raw)]))
    assert blocks(doc) == [("heading", "Scaled Heading"), ("paragraph", "Plain text here.")]


# ---- columns


def two_column_page(title: bool) -> Page:
    page = Page()
    top = 700.0
    if title:
        page.line(150, 740, "Findings From Both Sides Of The Page", 16)
    left = [f"left {i} of the first column," for i in range(1, 12)] + ["and the left ends."]
    right = [f"right {i} of the second column," for i in range(1, 12)] + ["and the right ends."]
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        page.line(72, top - i * LEADING, a, 10)
        page.line(320, top - i * LEADING, b, 10)
    return page


@pytest.mark.parametrize("title", [False, True])
def test_two_columns_are_read_column_by_column(title):
    doc = read(make_pdf([two_column_page(title)]))
    left = " ".join(f"left {i} of the first column," for i in range(1, 12)) + " and the left ends."
    right = " ".join(f"right {i} of the second column," for i in range(1, 12)) + " and the right ends."
    expected = [("paragraph", left), ("paragraph", right)]
    if title:
        expected.insert(0, ("heading", "Findings From Both Sides Of The Page"))
    assert blocks(doc) == expected


def test_a_one_column_page_with_ragged_lines_is_not_split():
    page = Page()
    lines = ["Short.", "A much longer line that runs well across the middle of the page here,"] * 6
    y = 700.0
    for text in lines:
        page.line(72, y, text, 10)
        y -= LEADING
    doc = read(make_pdf([page]))
    assert doc.text.startswith("Short.\n\nA much longer line")
    assert doc.text.count("Short.") == 6


# ---- metadata, outline, chapters


def test_title_comes_from_the_metadata():
    assert read(make_pdf([Page().line(72, 700, "Text.")], title="A Proper Title")).title == "A Proper Title"
    assert read(make_pdf([Page().line(72, 700, "Text.")])).title == ""


def outlined_book() -> bytes:
    pages = []
    for n in range(4):
        page = Page()
        page.line(72, 720, f"Chapter {n + 1}", 16)
        y = paragraph(page, 690, [f"Opening words of chapter {n + 1}."])
        page.line(72, y, f"Section {n + 1}.1", 13)
        paragraph(page, y - 24, [f"The section of chapter {n + 1}."])
        pages.append(page)
    y_section = 690 - 2 * LEADING
    outline = [
        Item("Chapter 1", 0, 740, [Item("Section 1.1", 0, y_section + 14)]),
        Item("Chapter 2", 1, None),
        Item("Chapter 3", 2, 740, [Item("Section 3.1", 2, y_section + 14, [Item("Deep", 3, None)])]),
    ]
    return make_pdf(pages, title="Outlined", outline=outline)


def test_outline_entries_become_chapters_with_levels():
    doc = read(outlined_book())
    chapters = [(c.title, c.level, doc.text[c.start :].split("\n\n")[0]) for c in doc.chapters]
    assert chapters == [
        ("Chapter 1", 1, "Chapter 1"),
        ("Section 1.1", 2, "Section 1.1"),
        ("Chapter 2", 1, "Chapter 2"),
        ("Chapter 3", 1, "Chapter 3"),
        ("Section 3.1", 2, "Section 3.1"),
        ("Deep", 3, "Chapter 4"),
    ]
    assert [c.start for c in doc.chapters] == sorted(c.start for c in doc.chapters)
    assert all(any(b.start == c.start for b in doc.blocks) for c in doc.chapters)


def test_no_outline_no_chapters():
    assert read(book(3)).chapters == ()


# ---- encryption, no text, damage, limits


def test_encrypted_with_the_empty_password_is_read():
    from pdf_maker import encrypt

    doc = read(encrypt(make_pdf([Page().line(72, 700, "Readable after all.")]), user_password=""))
    assert doc.text == "Readable after all."


def test_encrypted_with_a_password_is_a_clear_error():
    from pdf_maker import encrypt

    with pytest.raises(DocumentError, match="test.pdf is protected by a password"):
        read(encrypt(make_pdf([Page().line(72, 700, "Hidden.")]), user_password="secret"))


def test_a_pdf_without_text_says_it_needs_ocr():
    drawing = b"0 0 1 rg 100 100 200 200 re f\n"
    with pytest.raises(DocumentError, match=r"test.pdf has no text layer \(a scanned PDF needs OCR first\)"):
        read(make_pdf([Page(raw=drawing), Page(raw=drawing)]))


def test_only_running_heads_is_no_text_either():
    pages = [Page().line(72, 760, "Scanned by the library", 9).line(300, 30, str(n), 9) for n in range(4)]
    with pytest.raises(DocumentError, match="no text layer"):
        read(make_pdf(pages))


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.4\n", b"not a pdf at all", make_pdf([Page().line(72, 700, "Cut short.")])[:250]],
    ids=["empty", "header-only", "not-pdf", "truncated"],
)
def test_damaged_files_are_a_clear_error(data):
    with pytest.raises(DocumentError) as caught:
        read(data)
    message = str(caught.value)
    assert "test.pdf" in message and "\n" not in message


def test_flate_compressed_pages_are_read():
    assert read(make_pdf([Page(flate=True).line(72, 700, "Packed words.")])).text == "Packed words."


def test_a_decompression_bomb_is_refused_quickly_and_in_bounded_memory():
    from pdf_maker import bomb_stream

    stream = bomb_stream(MAX_DOCUMENT_BYTES + (16 << 20))  # about 80 KB that inflate to 80 MB
    data = make_pdf([Page().line(72, 700, "Before the bomb."), Page()], raw_streams={1: stream})
    assert len(data) < MAX_DOCUMENT_BYTES // 500
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.process_time()
    with pytest.raises(DocumentError, match="test.pdf has a stream that unpacks to more than 64 MB"):
        read(data)
    assert time.process_time() - started < 10.0  # CPU seconds; it takes a fraction of one
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mib < 4 * MAX_DOCUMENT_BYTES / (1 << 20)  # about 140 MiB (the limit and a copy); never gigabytes


def test_a_stream_just_under_the_limit_is_read():
    from pdf_maker import bomb_stream

    data = make_pdf([Page().line(72, 700, "Words first."), Page()], raw_streams={1: bomb_stream(1 << 20)})
    assert read(data).text == "Words first."


def test_cancel_between_pages():
    asked = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(DocumentCancelled):
        read_pdf("test.pdf", book(5), cancelled)
    assert len(asked) == 3


def test_blocks_cover_the_text():
    doc = read(outlined_book())
    assert doc.format == "pdf"
    assert "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks) == doc.text


def test_mutated_pdfs_read_or_fail_with_a_document_error():
    """Bytes flipped, cut and repeated at random (seeded): a Document or a DocumentError, never
    another exception."""
    import random

    rng = random.Random(31)
    original = outlined_book()
    for _ in range(150):
        data = bytearray(original)
        for _ in range(rng.randint(1, 8)):
            at = rng.randrange(len(data))
            action = rng.random()
            if action < 0.6:
                data[at] = rng.randrange(256)
            elif action < 0.8:
                del data[at : at + rng.randint(1, 40)]
            else:
                data[at:at] = data[at : at + rng.randint(1, 40)]
        try:
            read(bytes(data))
        except DocumentError as exc:
            assert "\n" not in str(exc)


def test_a_chapters_own_running_head_with_its_page_number_is_dropped():
    # "Chapter 2: Methods 14" on two facing pages only: not 40 % of the book, but a running head
    pages = []
    for n in range(10):
        page = Page()
        if n in (4, 5):
            page.line(72, 760, f"Chapter 2: Methods {n + 10}", 9)
        paragraph(page, 700, [f"Body of page {n + 1}."])
        pages.append(page)
    doc = read(make_pdf(pages))
    assert "Methods" not in doc.text and doc.text.count("Body of page") == 10


def test_contents_lines_with_dot_leaders_are_left_out():
    page = Page()
    page.line(72, 700, "Contents", 16)
    for i, (title, number) in enumerate([("Introduction", "1"), ("Methods", "14"), ("Index", "xii")]):
        page.line(72, 670 - i * LEADING, f"{title} . . . . . . . . . . . . . {number}")
    paragraph(page, 600, ["The text begins here."])
    assert blocks(read(make_pdf([page]))) == [("heading", "Contents"), ("paragraph", "The text begins here.")]


def test_fixed_pitch_lines_are_a_code_block_with_their_lines_and_indentation():
    page = Page()
    y = paragraph(page, 700, ["Call it like this:"])
    for i, (indent, text) in enumerate([(0, "def greet(name):"), (4, 'print("hi", name)'), (0, "greet(x)")]):
        page.line(72 + indent * 6.6, y - i * 13, text, 11, font="F2")
    paragraph(page, y - 3 * 13 - 12, ["And that is all."])
    assert blocks(read(make_pdf([page]))) == [
        ("paragraph", "Call it like this:"),
        ("code", 'def greet(name):\n    print("hi", name)\ngreet(x)'),
        ("paragraph", "And that is all."),
    ]


def test_a_watermark_and_a_margin_identifier_at_an_angle_are_left_out():
    page = Page(
        raw=b"BT /F1 60 Tf 0.707 0.707 -0.707 0.707 150 300 Tm (DRAFT COPY) Tj ET\n"
        b"BT /F1 9 Tf 0 1 -1 0 30 200 Tm (arXiv:2101.00001v1 [cs.CL] 1 Jan 2021) Tj ET\n"
    )
    paragraph(page, 700, ["The abstract of the paper, which is read as it is set."])
    assert read(make_pdf([page])).text == "The abstract of the paper, which is read as it is set."


def test_a_page_set_sideways_is_still_read():
    raw = b"".join(
        b"BT /F1 11 Tf 0 1 -1 0 %d 72 Tm (Row %d of a landscape table.) Tj ET\n" % (100 + 14 * i, i) for i in range(5)
    )
    text = read(make_pdf([Page(raw=raw)])).text
    assert all(f"Row {i} of a landscape table." in text for i in range(5))


def test_a_paragraph_goes_on_from_the_left_column_to_the_right():
    page = Page()
    for i in range(8):
        left = f"left line {i} of a sentence" if i < 7 else "that goes on"
        page.line(72, 700 - i * LEADING, left, 10)
        right = "into the next column." if i == 0 else f"Then right line {i} here."
        page.line(320, 700 - i * LEADING, right, 10)
    doc = read(make_pdf([page]))
    first = blocks(doc)[0][1]
    assert first.startswith("left line 0 of a sentence left line 1")
    assert "left line 6 of a sentence that goes on into the next column. Then right line 1 here." in first


def test_aes_without_a_crypto_package_is_a_clear_error(monkeypatch):
    from pdf_maker import encrypt
    from pypdf import PdfReader
    from pypdf.errors import DependencyError

    def needs_crypto(self, password):
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", needs_crypto)
    data = encrypt(make_pdf([Page().line(72, 700, "Locked.")]), user_password="")
    with pytest.raises(DocumentError, match="^test.pdf is encrypted in a way that needs the cryptography package"):
        read(data)


def test_a_damaged_outline_costs_only_the_chapters():
    data = outlined_book().replace(b"/First", b"/Frist", 1)  # the outline root loses its first entry
    doc = read(data)
    assert doc.text.startswith("Chapter 1") and doc.chapters == ()


def test_footnotes_at_the_foot_of_the_page_are_read_after_the_text():
    first, second = Page(), Page()
    first.line(72, 700, "The claim was made").line(165, 704, "1", 6).line(172, 700, "in a paper").line(226, 704, "2", 6)
    first.line(233, 700, "and")
    first.line(72, 89, "1", 6).line(78, 86, "Smith, 2020, page 4.", 8)
    first.line(72, 76, "2 Jones, 2021.", 8)
    paragraph(second, 700, ["then it was repeated."])
    assert blocks(read(make_pdf([first, second]))) == [
        ("paragraph", "The claim was made 1 in a paper 2 and then it was repeated."),
        ("note", "1 Smith, 2020, page 4."),
        ("note", "2 Jones, 2021."),
    ]


def test_small_type_without_a_mark_in_the_text_stays_where_it_is():
    page = Page()
    paragraph(page, 700, ["The body text of the page, in its usual size, with no note marks", "at all in it."])
    page.line(72, 120, "Photograph: the harbour at dawn.", 8)
    page.line(72, 100, "4 CARD32 OFFSET (a table row in small type)", 8)
    assert [kind for kind, _ in blocks(read(make_pdf([page])))] == ["paragraph", "paragraph", "paragraph"]


def test_without_font_widths_the_estimate_still_reads_columns_and_paragraphs(monkeypatch):
    import dataclasses

    from bittts.documents import pdf

    measured = pdf._font_metrics
    monkeypatch.setattr(
        pdf, "_font_metrics", lambda font, known: dataclasses.replace(measured(font, known), width=None)
    )
    doc = read(make_pdf([two_column_page(title=True)]))
    assert [kind for kind, _ in blocks(doc)] == ["heading", "paragraph", "paragraph"]
    assert blocks(doc)[1][1].startswith("left 1 of the first column, left 2")
    page = Page()
    paragraph(page, 700, ["Word", "by word."])
    page.line(72, 650, "Then").line(100, 650, "placed").line(140, 650, "apart.")
    assert read(make_pdf([page])).text == "Word by word.\n\nThen placed apart."
