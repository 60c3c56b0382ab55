"""The document layer on a corpus of real-world-shaped documents the tests write (corpus.py):
each case holds a trap and asserts it is handled: what is read is what a person would read."""

from __future__ import annotations

import zipfile

import pytest
from corpus import SENTENCE, nav_point, toc_nav, write_docx, write_epub, write_pdf, xhtml

from bittts.documents import FILE_DIALOG_FILTER, SUPPORTED_SUFFIXES, DocumentError, read_document
from bittts.documents.extract import extracted_text


def blocks(doc) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def texts(doc, kind: str) -> list[str]:
    return [t for k, t in blocks(doc) if k == kind]


def chapters(doc) -> list[tuple[str, int, str]]:
    """(title, level, the first words at the chapter's start)."""
    return [(c.title, c.level, doc.text[c.start :].split("\n")[0]) for c in doc.chapters]


def consistent(doc) -> bool:
    """The blocks cover the text in order, one blank line apart."""
    return "\n\n".join(t for _, t in blocks(doc)) == doc.text


def read(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    doc = read_document(path)
    assert consistent(doc)
    return doc


# ---- HTML


def test_html5_page_without_head_end_tag_is_read(tmp_path):
    # valid HTML5: </head> and <body> may be left out; the regex reader opened it blank
    page = f"<!DOCTYPE html><html lang=en><meta charset=utf-8><title>No head end</title><p>{SENTENCE}<p>Second."
    doc = read(tmp_path, "nohead.html", page)
    assert doc.text == f"{SENTENCE}\n\nSecond."
    assert doc.title == "No head end" and doc.format == "html"


def test_html_without_html_head_or_body_tags(tmp_path):
    doc = read(tmp_path, "bare.htm", f"<title>T</title><h1>Top</h1>{SENTENCE}")
    assert blocks(doc) == [("heading", "Top"), ("paragraph", SENTENCE)]


def test_html_scripts_styles_navigation_and_hidden_parts_are_not_read(tmp_path):
    page = (
        "<html><head><title>T</title><style>p{color:red}</style><script>var x = 1 < 2;</script></head><body>"
        "<a class='skip' href='#main'>Skip to main content</a>"
        "<nav><a href='/'>Home</a> | <a href='/about'>About</a></nav>"
        "<div role='navigation'>Skip menu</div><noscript>Enable JavaScript</noscript>"
        f"<main><p>{SENTENCE}</p><p hidden>Hidden text</p><span aria-hidden='true'>icon</span>"
        "<div style='display: none'>Collapsed</div><div style='color: red'>Shown</div>"
        "<template><p>Template</p></template><svg><text>Drawing</text></svg>"
        "<form><button>Submit</button><select><option>Pick one</option></select></form></main>"
        "<script>document.write('late')</script></body></html>"
    )
    doc = read(tmp_path, "page.html", page)
    assert doc.text == f"{SENTENCE}\n\nShown"
    for unwanted in ("var", "Home", "Skip", "Enable", "Hidden", "icon", "Collapsed", "Template", "Drawing", "Submit"):
        assert unwanted not in doc.text


def test_html_navigation_bars_by_class_and_manual_page_links_are_not_read(tmp_path):
    # DocBook and Texinfo manuals, and site templates, mark their navigation with classes and rel
    page = (
        "<title>T</title><div class='navheader'><table><tr><td><a accesskey='p' href='a.html'>Prev</a></td>"
        "<td>Chapter 2</td></tr></table></div><div class='header'><p>Next: <a href='b.html' rel='next'>Using it</a>, "
        "Previous: <a href='a.html' rel='prev'>Intro</a>, Up: <a href='index.html' rel='up'>Top</a> &nbsp; "
        "[<a href='i.html' rel='index'>Index</a>]</p></div><ul class='breadcrumb'><li>Docs</li><li>Manual</li></ul>"
        f"<p>{SENTENCE}</p><p>See the <a href='b.html' rel='next'>next chapter</a> for the rest of it.</p>"
        "<div class='navfooter'><a href='b.html'>Next page</a></div>"
    )
    doc = read(tmp_path, "manual.html", page)
    assert doc.text == f"{SENTENCE}\n\nSee the next chapter for the rest of it."


def test_html_closed_details_show_their_summary_only(tmp_path):
    page = (
        f"<title>T</title><p>{SENTENCE}</p><details><summary>Keyboard shortcuts</summary><p>Press F1 for help.</p>"
        "</details><details open><summary>Notes</summary><p>Shown when open.</p></details>"
    )
    doc = read(tmp_path, "details.html", page)
    assert doc.text == f"{SENTENCE}\n\nKeyboard shortcuts\n\nNotes\n\nShown when open."


def test_html_table_cells_are_blocks_of_their_own(tmp_path):
    page = (
        "<table><caption>Prices</caption><tr><th>Item</th><th>Cost</th></tr>"
        "<tr><td>Tea</td><td>2 pounds</td></tr></table>"
    )
    doc = read(tmp_path, "table.html", page)
    assert blocks(doc) == [
        ("caption", "Prices"), ("cell", "Item"), ("cell", "Cost"), ("cell", "Tea"), ("cell", "2 pounds"),
    ]  # fmt: skip


def test_html_lists_headings_quotes_code_and_definitions(tmp_path):
    page = (
        "<h2>Steps</h2><ol><li>Boil the water</li><li>Pour it <p>slowly</p></li></ol>"
        "<blockquote><p>To be or not to be.</p></blockquote><pre>x = 1\n    y = 2</pre>"
        "<dl><dt>Term</dt><dd>Its meaning</dd></dl><figure><img src=a.png alt=A><figcaption>A cat</figcaption></figure>"
    )
    doc = read(tmp_path, "list.html", page)
    assert blocks(doc) == [
        ("heading", "Steps"), ("item", "Boil the water"), ("item", "Pour it"), ("item", "slowly"),
        ("quote", "To be or not to be."), ("code", "x = 1\n    y = 2"), ("paragraph", "Term"),
        ("paragraph", "Its meaning"), ("caption", "A cat"),
    ]  # fmt: skip
    assert doc.blocks[0].level == 2


def test_html_inline_elements_join_without_spaces_and_br_is_a_space(tmp_path):
    doc = read(tmp_path, "inline.html", "<p>un<b>believ</b><i>able</i> story<br>next line&nbsp;here &amp; there</p>")
    assert doc.text == "unbelievable story next line here & there"


def test_html_footnote_markers_are_kept_apart_from_their_words(tmp_path):
    page = (
        "<p>A claim<sup>1</sup> and another<sup><a href='#n2'>2</a></sup>, a third"
        "<a epub:type='noteref' href='#n3'>3</a> and a fourth<a role='doc-noteref' href='#n4'>*</a>."
        " Water is H<sub>2</sub>O and x<sup>2</sup>.</p>"
        "<aside epub:type='footnote' id='n1'><p>1. The first note.</p></aside>"
        "<section role='doc-endnotes'><ol><li role='doc-endnote' id='n2'>The second note.</li></ol></section>"
    )
    doc = read(tmp_path, "notes.html", page)
    first = doc.text.split("\n\n")[0]
    assert "claim 1 and another 2, a third 3 and a fourth *." in first
    assert "H2O" in first  # a subscript is part of its word
    assert texts(doc, "note") == ["1. The first note.", "The second note."]


def test_html_two_or_more_top_headings_become_chapters(tmp_path):
    page = (
        "<title>Guide</title><h1>Guide</h1><p>Intro.</p><h2>Install</h2><p>Run it.</p>"
        "<h2>Use</h2><h3>Minor</h3><p>x</p>"
    )
    doc = read(tmp_path, "chapters.html", page)
    assert chapters(doc) == [("Guide", 1, "Guide"), ("Install", 2, "Install"), ("Use", 2, "Use")]
    single = read(tmp_path, "single.html", "<h1>Only</h1><p>Text.</p>")
    assert single.chapters == ()


def test_html_soft_hyphens_ruby_annotations_and_wbr(tmp_path):
    doc = read(
        tmp_path,
        "soft.html",
        "<p>hy&shy;phen&shy;ated long<wbr>word <ruby>\u6f22<rp>(</rp><rt>kan</rt><rp>)</rp></ruby></p>",
    )
    assert doc.text == "hyphenated longword \u6f22"


def test_html_comments_cdata_entities_and_stray_markup(tmp_path):
    page = "<p>a <!-- not read --> b &lt;tag&gt; &#169; &eacute;</p></div></span><p>c</p>"
    doc = read(tmp_path, "stray.html", page)
    assert doc.text == "a b <tag> \u00a9 \u00e9\n\nc"


def test_html_in_a_legacy_charset_declared_in_a_meta(tmp_path):
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>na\u00efve caf\u00e9</p></body></html>'
    doc = read(tmp_path, "latin.html", page.encode("latin-1"))
    assert doc.text == "na\u00efve caf\u00e9"


def test_xhtml_with_self_closed_title_and_script_is_read(tmp_path):
    # read by an HTML parser, <title/> and <script/> would open elements that hide the whole page
    page = (
        '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title/>'
        '<script src="a.js"/><link rel="stylesheet" href="s.css"/></head><body><div id="x"/>'
        f"<p>{SENTENCE}</p><p>Line<br/>break</p></body></html>"
    )
    doc = read(tmp_path, "page.xhtml", page)
    assert doc.text == f"{SENTENCE}\n\nLine break"


def test_deeply_nested_markup_reads_quickly(tmp_path):
    doc = read(tmp_path, "deep.html", "<div>" * 20_000 + "deep text" + "</div>" * 20_000)
    assert doc.text == "deep text"


# ---- Markdown


def test_markdown_front_matter_is_not_read_and_gives_the_title(tmp_path):
    source = "---\ntitle: My Notes\ntags: [a, b]\ndate: 2024-01-01\n---\n\nFirst paragraph.\n"
    doc = read(tmp_path, "fm.md", source)
    assert doc.text == "First paragraph." and doc.title == "My Notes"
    toml = read(tmp_path, "toml.md", '+++\ntitle = "Toml"\n+++\nBody.\n')
    assert toml.text == "Body." and toml.title == "Toml"


def test_markdown_setext_headings_are_headings_not_equals_signs(tmp_path):
    source = "Big Title\n=============\n\nText one.\n\nSection\n-------\n\nText two.\n"
    doc = read(tmp_path, "setext.md", source)
    assert blocks(doc) == [("heading", "Big Title"), ("paragraph", "Text one."), ("heading", "Section"),
                           ("paragraph", "Text two.")]  # fmt: skip
    assert "=" not in doc.text and "-" not in doc.text
    assert chapters(doc) == [("Big Title", 1, "Big Title"), ("Section", 2, "Section")]


def test_markdown_tables_code_lists_links_and_emphasis(tmp_path):
    source = (
        "# Title\n\nSome **bold**, _it_, `code` and a [link](http://x.invalid) and ![an image](i.png).\n\n"
        "| Name | Age |\n|------|----:|\n| Ann  | 31  |\n\n"
        "```python\nx = 1\n\ny = 2\n```\n\n- one\n- two\n  * nested\n\n1. first\n2. second\n\n> quoted\n\n---\n\nEnd.\n"
    )
    doc = read(tmp_path, "rich.md", source)
    assert texts(doc, "cell") == ["Name", "Age", "Ann", "31"]
    assert texts(doc, "code") == ["x = 1\n\ny = 2"]
    assert texts(doc, "item") == ["one", "two", "nested", "first", "second"]
    assert texts(doc, "quote") == ["quoted"]
    assert "Some bold, it, code and a link and an image." in doc.text  # alt text of the image
    for mark in ("**", "`", "http", "|", "#", "[", "(i.png"):
        assert mark not in doc.text.replace("x = 1\n\ny = 2", "")
    assert doc.title == "Title"


def test_code_blocks_lose_their_shared_indentation_and_keep_the_rest(tmp_path):
    # hypothesis found "     [" read as " [": an indented code block kept its fifth space
    doc = read(tmp_path, "code.md", "Intro.\n\n     [\n\n```\n  def f():\n      return 1\n```\n")
    assert texts(doc, "code") == ["[", "def f():\n    return 1"]


def test_markdown_reference_links_defined_far_below_resolve(tmp_path):
    source = "See [the docs][docs] now.\n\n" + "Filler paragraph.\n\n" * 3000 + "[docs]: http://x.invalid\n"
    doc = read(tmp_path, "refs.md", source)
    assert doc.text.startswith("See the docs now.") and "[" not in doc.text


def test_markdown_footnotes_are_numbers_apart_from_words_and_task_boxes_are_not_read(tmp_path):
    source = (
        "A claim[^1] and more[^note].\n\n- [ ] todo\n- [x] done\n\n"
        "Regex `[^abc]` stays.\n\n[^1]: The first.\n[^note]: Second note.\n"
    )
    doc = read(tmp_path, "notes.md", source)
    assert doc.text == "A claim 1 and more 2.\n\ntodo\n\ndone\n\nRegex [^abc] stays.\n\n1 The first.\n\n2 Second note."


def test_markdown_hard_breaks_indented_code_and_entities(tmp_path):
    doc = read(
        tmp_path, "misc.md", "Line one  \nline two &amp; more\n\n    indented code\n\n<!-- a comment -->\nEnd.\n"
    )
    assert blocks(doc) == [("paragraph", "Line one line two & more"), ("code", "indented code"), ("paragraph", "End.")]


def test_markdown_raw_html_inside_is_read_as_html(tmp_path):
    doc = read(tmp_path, "raw.md", "Text <b>bold</b>.\n\n<script>alert(1)</script>\n\n<div>Block</div>\n")
    assert doc.text == "Text bold.\n\nBlock"


# ---- plain text


def test_text_hard_wraps_and_hyphenation_are_joined(tmp_path):
    source = (
        "The committee met on a cold morning to discuss the infor-\nmation that had been gathered over the\n"
        "previous weeks.\n\nA second para-\ngraph, and an Anglo-\nSaxon name.\n"
    )
    doc = read(tmp_path, "wrapped.txt", source)
    assert blocks(doc) == [
        ("paragraph", "The committee met on a cold morning to discuss the information that had been gathered "
                      "over the previous weeks."),
        ("paragraph", "A second paragraph, and an Anglo-Saxon name."),
    ]  # fmt: skip


def test_text_windows_newlines_lists_rules_and_underlined_headings(tmp_path):
    source = (
        "Chapter One\r\n===========\r\n\r\nFirst line\r\nsecond line.\r\n\r\n"
        "- apples\r\n- pears\r\n1. one\r\n\r\n* * *\r\n\r\nEnd.\r\n"
    )
    doc = read(tmp_path, "win.txt", source.encode("utf-8"))
    assert blocks(doc) == [
        ("heading", "Chapter One"), ("paragraph", "First line second line."),
        ("item", "apples"), ("item", "pears"), ("item", "1. one"), ("paragraph", "End."),
    ]  # fmt: skip
    assert "=" not in doc.text and "*" not in doc.text


def test_text_form_feed_ends_a_paragraph(tmp_path):
    assert read(tmp_path, "ff.txt", "Page one.\fPage two.\n").text == "Page one.\n\nPage two."


@pytest.mark.parametrize(
    "encoding,bom",
    [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""), ("utf-8", b"\xef\xbb\xbf")],
)
def test_text_in_utf16_and_with_byte_order_marks(tmp_path, encoding, bom):
    doc = read(tmp_path, "wide.txt", bom + f"Caf\u00e9 and {SENTENCE}\n".encode(encoding))
    assert doc.text == f"Caf\u00e9 and {SENTENCE}"


def test_text_in_windows_1252(tmp_path):
    doc = read(tmp_path, "w.txt", "na\u00efve \u2013 caf\u00e9 \u201cquoted\u201d".encode("cp1252"))
    assert doc.text == "na\u00efve \u2013 caf\u00e9 \u201cquoted\u201d"


def test_unknown_suffix_with_text_content_is_read_as_text(tmp_path):
    doc = read(tmp_path, "README", f"{SENTENCE}\n")
    assert doc.text == SENTENCE and doc.format == "txt" and doc.title == "README"
    doc = read(tmp_path, "notes.log", "<!DOCTYPE html><p>An HTML page under another name.</p>")
    assert doc.format == "html" and doc.text == "An HTML page under another name."


# ---- refusals


@pytest.mark.parametrize(
    "name,data",
    [
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        ("program.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(range(200))),
        ("controls.txt", b"text\x01\x02\x03\x04\x05\x06\x07\x08 more text\x0e\x0f\x10\x11" * 10),
        ("odd16.txt", b"\xff\xfeA\x00B"),  # UTF-16 cut in the middle of a character
    ],
)
def test_binary_files_are_refused_with_a_clear_message(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError) as info:
        read_document(path)
    assert str(info.value) == f"{name} is not a document BitTTS can read (it looks like binary data)"


def test_a_zip_that_is_no_document_and_a_damaged_zip_are_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as z:
        z.writestr("a.jpg", b"\xff\xd8 not really")
    with pytest.raises(DocumentError, match="photos.zip is a zip archive that holds no document"):
        read_document(tmp_path / "photos.zip")
    (tmp_path / "cut.epub").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(DocumentError, match="cut.epub"):
        read_document(tmp_path / "cut.epub")


@pytest.mark.parametrize(
    "name,content",
    [
        ("empty.txt", ""),
        ("blank.md", "\n\n   \n"),
        ("empty.html", "<html><head><title>x</title></head><body> </body></html>"),
    ],
)
def test_an_empty_document_is_a_clear_error(tmp_path, name, content):
    (tmp_path / name).write_text(content)
    with pytest.raises(DocumentError, match=f"^{name} has no text to read$"):
        read_document(tmp_path / name)


@pytest.mark.parametrize(
    "name,fmt", [("fake.epub", "EPUB"), ("fake.pdf", "PDF"), ("fake.docx", "DOCX"), ("fake.odt", "ODT")]
)
def test_text_named_as_a_container_format_is_refused(tmp_path, name, fmt):
    (tmp_path / name).write_text("Just some text.")
    with pytest.raises(DocumentError, match=f"^{name} is not a valid {fmt} file"):
        read_document(tmp_path / name)


def test_a_missing_file(tmp_path):
    with pytest.raises(DocumentError, match="does not exist"):
        read_document(tmp_path / "nope.txt")


# ---- lying suffixes


def test_a_txt_that_is_really_a_pdf_or_an_epub_is_read_as_what_it_is(tmp_path):
    pytest.importorskip("pypdf")
    pdf = write_pdf(tmp_path / "really-a-pdf.txt")
    assert read_document(pdf).format == "pdf" and SENTENCE in read_document(pdf).text
    epub = write_epub(tmp_path / "book.txt", [("c1", "one.xhtml", xhtml(f"<p>{SENTENCE}</p>"))])
    assert read_document(epub).text == SENTENCE


def test_an_html_page_named_md_keeps_its_markdown_reading_and_a_pdf_named_html_is_a_pdf(tmp_path):
    pytest.importorskip("pypdf")
    pdf = write_pdf(tmp_path / "page.html")
    assert read_document(pdf).format == "pdf"


def test_docx_and_odt_are_dispatched_by_content(tmp_path):
    docx = write_docx(tmp_path / "letter.docx", ["Dear reader,", SENTENCE])
    doc = read_document(docx)
    assert doc.format == "docx" and SENTENCE in doc.text and "<w:" not in doc.text
    renamed = write_docx(tmp_path / "letter.bin", ["Dear reader,", SENTENCE])
    assert read_document(renamed).format == "docx"


def test_supported_suffixes_are_in_the_dialog_filter():
    for suffix in SUPPORTED_SUFFIXES:
        assert f"*{suffix}" in FILE_DIALOG_FILTER.split(";;")[0]
    assert {".docx", ".odt", ".epub", ".pdf", ".md", ".html"} <= set(SUPPORTED_SUFFIXES)


# ---- EPUB


def test_epub3_with_nav_cover_and_non_linear_notes(tmp_path):
    pages = [
        ("cover", "cover.xhtml", xhtml('<div><img src="cover.jpg" alt="Cover of A Book"/></div>')),
        ("nav-copy", "toc.xhtml", xhtml("<h1>Contents</h1><p>Chapter One ..... 1</p>")),
        ("contents", "contents.xhtml", xhtml("<h1>Table of Contents</h1><p>Chapter Two ..... 9</p>")),
        ("one", "one.xhtml", xhtml(f'<h1>Chapter One</h1><p>{SENTENCE}</p><p id="mid">Middle part.</p>')),
        ("notes", "notes.xhtml", xhtml("<p>Note text that is out of the reading order.</p>")),
        ("two", "two.xhtml", xhtml('<section><h1 id="c2">Chapter Two</h1><p>The end.</p></section>')),
    ]
    nav = toc_nav(
        '<li><a href="cover.xhtml">Cover</a></li><li><a href="one.xhtml">Chapter One</a>'
        '<ol><li><a href="one.xhtml#mid">The Middle</a></li></ol></li><li><a href="two.xhtml#c2">Chapter Two</a></li>'
        '<li><a href="notes.xhtml">Notes</a></li>'
    )
    path = write_epub(
        tmp_path / "book.epub", pages, title="A Book", nav=nav,
        itemref_attrs={"notes": 'linear="no"'}, guide='<reference type="toc" href="toc.xhtml" title="Contents"/>',
    )  # fmt: skip
    doc = read_document(path)
    assert consistent(doc) and doc.title == "A Book" and doc.format == "epub"
    assert doc.text == f"Chapter One\n\n{SENTENCE}\n\nMiddle part.\n\nChapter Two\n\nThe end."
    assert chapters(doc) == [("Chapter One", 1, "Chapter One"), ("The Middle", 2, "Middle part."),
                             ("Chapter Two", 1, "Chapter Two")]  # fmt: skip
    assert (
        extracted_text(doc)
        == f"# Chapter One\n\n{SENTENCE}\n\n## The Middle\n\nMiddle part.\n\n# Chapter Two\n\nThe end.\n"
    )


def test_epub2_with_ncx_and_a_guide_cover(tmp_path):
    pages = [
        ("titlepage", "titlepage.xhtml", xhtml("<h1>A Book</h1><p>by Someone</p>")),
        ("c1", "Text/chapter1.xhtml", xhtml(f"<h2>I</h2><p>{SENTENCE}</p>")),
        ("c2", "Text/chapter2.xhtml", xhtml("<h2>II</h2><p>More.</p>")),
    ]
    ncx = nav_point("n1", "Part I", "Text/chapter1.xhtml", nav_point("n2", "Chapter II", "Text/chapter2.xhtml"))
    path = write_epub(tmp_path / "old.epub", pages, version="2.0", ncx=ncx,
                      guide='<reference type="cover" href="titlepage.xhtml" title="Cover"/>')  # fmt: skip
    doc = read_document(path)
    assert doc.text == f"I\n\n{SENTENCE}\n\nII\n\nMore."
    assert chapters(doc) == [("Part I", 1, "I"), ("Chapter II", 2, "II")]
    assert extracted_text(doc) == f"# Part I\n\nI\n\n{SENTENCE}\n\n## Chapter II\n\nII\n\nMore.\n"


def test_epub_chapter_file_names_with_spaces_and_other_case(tmp_path):
    pages = [
        ("c1", "Chapter%201.xhtml", xhtml(f"<p>{SENTENCE}</p>")),
        ("c2", "chapter two.xhtml", xhtml("<p>Two.</p>")),
    ]
    nav = toc_nav('<li><a href="Chapter%201.xhtml">One</a></li><li><a href="Chapter%20Two.xhtml">Two</a></li>')
    path = write_epub(tmp_path / "spaces.epub", pages, nav=nav,
                      stored_names={"Chapter%201.xhtml": "Chapter 1.xhtml"})  # fmt: skip
    doc = read_document(path)
    assert doc.text == f"{SENTENCE}\n\nTwo."
    assert chapters(doc) == [("One", 1, SENTENCE), ("Two", 1, "Two.")]


def test_epub_page_numbers_running_heads_and_noterefs(tmp_path):
    body = (
        '<p>Start of the page<span epub:type="pagebreak" id="p12" title="12">12</span> goes on'
        '<a epub:type="noteref" href="#fn1">1</a>.</p><div role="doc-pagebreak" aria-label="13">13</div>'
        '<aside epub:type="footnote" id="fn1"><p>The footnote.</p></aside>'
    )
    doc = read_document(write_epub(tmp_path / "pages.epub", [("c1", "c1.xhtml", xhtml(body))]))
    assert doc.text == "Start of the page goes on 1.\n\nThe footnote."
    assert blocks(doc)[-1] == ("note", "The footnote.")


def test_epub_without_mimetype_and_with_the_opf_at_the_top(tmp_path):
    path = write_epub(
        tmp_path / "flat.epub", [("c1", "c1.xhtml", xhtml(f"<p>{SENTENCE}</p>"))], opf_dir="", mimetype=False
    )
    assert read_document(path).text == SENTENCE


def test_epub_page_titles_are_not_read_and_images_in_the_spine_are_skipped(tmp_path):
    pages = [
        ("c1", "c1.xhtml", xhtml("<p>Body one.</p>", title="Running Title")),
        ("c2", "c2.xhtml", xhtml("<p>Body two.</p>", title="Running Title")),
    ]
    extra = '<item id="pic" href="pic.jpg" media-type="image/jpeg"/>'
    path = write_epub(tmp_path / "titles.epub", pages, extra_items=extra, title="Book")
    with zipfile.ZipFile(path) as z:  # an image item in the spine, as some converters write
        opf = z.read("OEBPS/content.opf").decode().replace("<spine>", '<spine><itemref idref="pic"/>')
    rewritten = tmp_path / "titles2.epub"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(rewritten, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, opf if info.filename == "OEBPS/content.opf" else src.read(info))
        dst.writestr("OEBPS/pic.jpg", b"\xff\xd8\xff\xe0 jpeg bytes")
    doc = read_document(rewritten)
    assert doc.text == "Body one.\n\nBody two." and doc.title == "Book"


def test_epub_without_a_toc_uses_headings(tmp_path):
    pages = [("a", "a.xhtml", xhtml("<h1>Alpha</h1><p>x</p>")), ("b", "b.xhtml", xhtml("<h1>Beta</h1><p>y</p>"))]
    doc = read_document(write_epub(tmp_path / "notoc.epub", pages))
    assert [c.title for c in doc.chapters] == ["Alpha", "Beta"]


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_epub_damaged_parts_are_clear_errors(tmp_path):
    path = tmp_path / "broken.epub"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", "<container><rootfiles>")
    with pytest.raises(DocumentError, match="broken.epub is damaged: META-INF/container.xml is not well-formed"):
        read_document(path)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/epub+zip")
        z.writestr("META-INF/container.xml", "<container/>")
    with pytest.raises(DocumentError, match="names no package file"):
        read_document(path)
    write_epub(path, [("c1", "c1.xhtml", xhtml("<p>x</p>"))])
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("OEBPS/content.opf", "<package><manifest><item id='c1' href='missing.xhtml'/></manifest>"
                   "<spine><itemref idref='c1'/></spine></package>")  # fmt: skip
    with pytest.raises(DocumentError, match="has no member"):
        read_document(path)


# ---- extract format


def test_extract_inserts_a_chapter_line_when_the_first_block_is_not_its_heading(tmp_path):
    pages = [("c1", "c1.xhtml", xhtml(f"<p>{SENTENCE}</p>"))]
    doc = read_document(write_epub(tmp_path / "e.epub", pages, nav=toc_nav('<li><a href="c1.xhtml">Opening</a></li>')))
    assert extracted_text(doc) == f"# Opening\n\n{SENTENCE}\n"


# ---- small traps, one line each: (file name, content, the text read)
# fmt: off
TRAPS = [
    ("space.html", "<p>Hello<span> </span>world</p>", "Hello world"),
    ("nested-list.html", "<ul><li>One<ul><li>Nested</li></ul></li><li>Two</li></ul>", "One\n\nNested\n\nTwo"),
    ("heading-small.html", "<h1>Title <small>subtitle</small></h1>", "Title subtitle"),
    ("div-text.html", "<div>Text<div>inner</div>tail</div>", "Text\n\ninner\n\ntail"),
    ("nbsp.html", "<p>e.g.&nbsp;this&#x2014;that &mdash; end</p>", "e.g. this\u2014that \u2014 end"),
    ("dagger.html", "<p>A claim<sup>\u2020</sup> here.</p>", "A claim \u2020 here."),
    ("bracket-ref.html", "<p>see<a href='#fn1' role='doc-noteref'>[1]</a> it</p>", "see [1] it"),
    ("comment-inside.html", "<p>A<!-- c -->B</p>", "AB"),
    ("inline-code.html", "<p>Call <code>run()</code> now.</p>", "Call run() now."),
    ("img-inline.html", "<p>Text <img src=x.png alt='ignored'> more</p>", "Text more"),
    ("address.html", "<address>Street 1<br>Town</address>", "Street 1 Town"),
    ("uppercase.html", "<P CLASS=x>Upper</P><BR><DIV>Case</DIV>", "Upper\n\nCase"),
    ("after-html.html", "<html><body><p>a</p></body></html><p>after the end</p>", "a\n\nafter the end"),
    ("visibility.html", "<p style='visibility:hidden'>no</p><p style='border:none'>yes</p>", "yes"),
    ("hidden-toc.html", "<section epub:type='toc'><p>1. One</p></section><p>Body</p>", "Body"),
    ("cell-paragraphs.html", "<table><tr><td><p>a</p><p>b</p></td><td>c</td></tr></table>", "a\n\nb\n\nc"),
    ("escaped.md", "With \\*escaped\\* stars and ~~struck~~ words.", "With *escaped* stars and struck words."),
    ("rule.md", "Above.\n\n* * *\n\nBelow.", "Above.\n\nBelow."),
    ("short-underline.md", "Title\n===\n\nBody.", "Title\n\nBody."),
    ("ordered.md", "1) first\n2) second", "first\n\nsecond"),
    ("nested-quote.md", "> outer\n>\n> > inner", "outer\n\ninner"),
    ("backslash-break.md", "Line\\\nbreak", "Line break"),
    ("html-comment.md", "Before <!-- hidden --> after.", "Before after."),
    ("indented.txt", "  An indented paragraph\n  that continues.", "An indented paragraph that continues."),
    ("numbered.txt", "1. apples\n2. pears", "1. apples\n\n2. pears"),
    ("tab-bullet.txt", "\u2022\tBullet one\n\u2022\tBullet two", "Bullet one\n\nBullet two"),
    ("dash-end.txt", "a word -\nand the next", "a word - and the next"),
    ("crlf-cr.txt", "One\rtwo\r\rThree", "One two\n\nThree"),
    ("trailing-spaces.txt", "Spaces   \t\nhere  \n\n\n\nAgain", "Spaces here\n\nAgain"),
]
# fmt: on


@pytest.mark.parametrize("name,content,expected", TRAPS, ids=[t[0] for t in TRAPS])
def test_small_traps(tmp_path, name, content, expected):
    assert read(tmp_path, name, content).text == expected
