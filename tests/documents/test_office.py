"""The DOCX and ODT readers on documents written by the tests (office_maker): what a person reads
on the page, in order, and nothing else; notes after the text; hostile and damaged files."""

import zipfile

import pytest
from office_maker import ODF_NAMESPACES, STYLES, W_NS, docx, odt, p, r, table, zip_parts

from bittts.documents.errors import CHECK_EVERY, DocumentCancelled, DocumentError
from bittts.documents.office import read_docx, read_odt, roman
from bittts.engine.limits import MAX_DOCUMENT_BYTES


def never() -> bool:
    return False


def blocks(doc) -> list[tuple[str, str]]:
    return [(b.kind, doc.text[b.start : b.end]) for b in doc.blocks]


def covers(doc) -> bool:
    return "\n\n".join(doc.text[b.start : b.end] for b in doc.blocks) == doc.text


# ---- DOCX


def full_docx() -> bytes:
    body = "".join(
        [
            p("The Annual Report", style="Title"),
            p("Contents", style="TOC1"),
            p("Introduction\t1", style="TOC1"),
            p("Introduction", style="berschrift1"),
            p(
                runs=r("The survey")
                + '<w:r><w:footnoteReference w:id="2"/></w:r>'
                + r(" showed growth.")
                + '<w:r><w:endnoteReference w:id="5"/></w:r>'
            ),
            p(runs=r("Name:") + "<w:r><w:tab/></w:r>" + r("Ada") + "<w:r><w:br/></w:r>" + r("Role: chair")),
            p(
                runs=r("We ")
                + '<w:del w:id="1" w:author="A"><w:r><w:delText>never </w:delText></w:r></w:del>'
                + '<w:ins w:id="2" w:author="A">'
                + r("always ")
                + "</w:ins>"
                + r("win.")
            ),
            p("Methods", style="berschrift2"),
            p("apples", numbered=True),
            p("pears", style="ListBullet"),
            table([["Year", "Sales"], ["2024", "12"]]),
            p(
                runs='<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
                + r("seven")
                + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
                + r(" pages.")
            ),
            p(
                runs=r("A well")
                + "<w:r><w:noBreakHyphen/></w:r>"
                + r("known co\u00adoperative")
                + "<w:r><w:softHyphen/></w:r>"
                + r("ly.")
            ),
            p(runs=r("Shown") + "<w:r><w:rPr><w:vanish/></w:rPr><w:t>SECRET</w:t></w:r>" + r(" only.")),
            p(
                runs=r("Anchor.")
                + '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
                + p("Boxed aside.")
                + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
                + p("Boxed aside.")
                + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
            ),
            p("Well said.", style="Quote"),
            p("Results", style="berschrift1"),
            p("It worked."),
        ]
    )
    return docx(
        body,
        title="Report 2024",
        footnotes={"2": "Survey of 2024."},
        endnotes={"5": "See the appendix."},
        header="ACME CONFIDENTIAL",
        footer="Page 1",
    )


def test_docx_reads_what_the_page_shows_in_order():
    doc = read_docx("report.docx", full_docx(), never)
    assert doc.format == "docx"
    assert doc.title == "Report 2024"
    assert blocks(doc) == [
        ("heading", "The Annual Report"),
        ("heading", "Introduction"),
        ("paragraph", "The survey 1 showed growth. i"),
        ("paragraph", "Name: Ada Role: chair"),
        ("paragraph", "We always win."),
        ("heading", "Methods"),
        ("item", "apples"),
        ("item", "pears"),
        ("cell", "Year"),
        ("cell", "Sales"),
        ("cell", "2024"),
        ("cell", "12"),
        ("paragraph", "seven pages."),
        ("paragraph", "A well-known cooperatively."),
        ("paragraph", "Shown only."),
        ("paragraph", "Anchor."),
        ("paragraph", "Boxed aside."),
        ("quote", "Well said."),
        ("heading", "Results"),
        ("paragraph", "It worked."),
        ("note", "1 Survey of 2024."),
        ("note", "i See the appendix."),
    ]
    assert [b.level for b in doc.blocks if b.kind == "heading"] == [1, 1, 2, 1]
    assert covers(doc)


def test_docx_leaves_out_headers_footers_deletions_fields_and_the_contents():
    text = read_docx("report.docx", full_docx(), never).text
    for absent in ("ACME", "Page 1", "never", "PAGE", "SECRET", "Contents", "Introduction 1"):
        assert absent not in text


def test_docx_chapters_from_level_1_and_2_headings_not_the_title():
    doc = read_docx("report.docx", full_docx(), never)
    assert [(c.title, c.level) for c in doc.chapters] == [("Introduction", 1), ("Methods", 2), ("Results", 1)]
    for chapter in doc.chapters:
        assert doc.text[chapter.start :].startswith(chapter.title)


def test_docx_with_one_heading_has_no_chapters():
    doc = read_docx("a.docx", docx(p("Only", style="berschrift1") + p("Text.")), never)
    assert doc.chapters == () and blocks(doc)[0] == ("heading", "Only")


def test_docx_heading_style_ids_without_styles_part():
    body = p("Part", style="Heading1") + p("Sub", style="Heading2") + p("Deep", style="Heading8") + p("Body.")
    doc = read_docx("a.docx", docx(body, styles=None), never)
    assert [(b.kind, b.level) for b in doc.blocks] == [("heading", 1), ("heading", 2), ("heading", 6), ("paragraph", 0)]
    assert [c.title for c in doc.chapters] == ["Part", "Sub"]


def test_docx_outline_level_in_the_paragraph_makes_a_heading():
    body = '<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr>' + r("Custom heading") + "</w:p>" + p("Text.")
    doc = read_docx("a.docx", docx(body), never)
    assert (doc.blocks[0].kind, doc.blocks[0].level) == ("heading", 3)


def test_docx_title_falls_back_to_the_title_paragraph():
    assert read_docx("a.docx", docx(p("My Title", style="Title") + p("Text.")), never).title == "My Title"


def test_docx_numbering_switched_off_is_a_paragraph():
    body = '<w:p><w:pPr><w:numPr><w:numId w:val="0"/></w:numPr></w:pPr>' + r("Not a list.") + "</w:p>"
    assert blocks(read_docx("a.docx", docx(body), never)) == [("paragraph", "Not a list.")]


def test_docx_nested_table_cells_and_multi_paragraph_cells():
    inner = table([["inner a", "inner b"]])
    body = (
        f"<w:tbl><w:tr><w:tc>{p('first line')}{p('second line')}</w:tc><w:tc>{p('outer')}{inner}</w:tc></w:tr></w:tbl>"
    )
    assert blocks(read_docx("a.docx", docx(body), never)) == [
        ("cell", "first line second line"),
        ("cell", "outer"),
        ("cell", "inner a"),
        ("cell", "inner b"),
    ]


def test_docx_content_controls_hyperlinks_and_moves():
    body = (
        "<w:sdt><w:sdtPr><w:alias w:val='x'/></w:sdtPr><w:sdtContent>"
        + p(runs='<w:hyperlink r:id="rId9">' + r("Linked words") + "</w:hyperlink>" + r(" here."))
        + "</w:sdtContent></w:sdt>"
        + p(
            runs='<w:moveFrom w:id="3">'
            + r("old place ")
            + "</w:moveFrom>"
            + r("Moved ")
            + '<w:moveTo w:id="4">'
            + r("new place")
            + "</w:moveTo>"
        )
    )
    assert blocks(read_docx("a.docx", docx(body), never)) == [
        ("paragraph", "Linked words here."),
        ("paragraph", "Moved new place"),
    ]


def test_docx_footnotes_in_reference_order_and_a_custom_mark():
    body = p(
        runs=r("First")
        + '<w:r><w:footnoteReference w:id="9"/></w:r>'
        + r(" second")
        + '<w:r><w:footnoteReference w:id="4"/></w:r>'
        + r(" third")
        + '<w:r><w:footnoteReference w:customMarkFollows="1" w:id="6"/><w:t>*</w:t></w:r>'
        + r(" end.")
    )
    doc = read_docx("a.docx", docx(body, footnotes={"4": "Four.", "6": "Starred.", "9": "Nine."}), never)
    assert blocks(doc) == [
        ("paragraph", "First 1 second 2 third * end."),
        ("note", "1 Nine."),
        ("note", "2 Four."),
        ("note", "Starred."),
    ]


def test_docx_unreferenced_footnotes_are_not_read():
    doc = read_docx("a.docx", docx(p("No notes."), footnotes={"1": "Orphan."}), never)
    assert doc.text == "No notes."


def test_docx_strict_namespace_and_a_renamed_main_part():
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    data = docx(p("Strict heading", style="Heading1") + p("Strict text."), styles=None, main="doc/main.xml")
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["doc/main.xml"] = parts["doc/main.xml"].replace(W_NS.encode(), strict.encode())
    doc = read_docx("a.docx", zip_parts(parts), never)
    assert blocks(doc) == [("heading", "Strict heading"), ("paragraph", "Strict text.")]


def test_docx_roman_endnote_marks():
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1999)] == ["i", "iv", "ix", "xiv", "xl", "mcmxcix"]


# ---- hostile and damaged DOCX


@pytest.mark.parametrize(
    "data, message",
    [
        (b"PK\x03\x04 not really", "a.docx is not a Word document (.docx) file"),
        (b"plain text, not a zip", "a.docx is not a Word document (.docx) file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "legacy Word .doc file or a password-protected"),
        (zip_parts({"other.xml": b"<x/>"}), "it has no main document part"),
        (zip_parts({"word/document.xml": b"<w:document xmlns:w='x'><w:body><w:p>"}), "is not well-formed XML"),
        (zip_parts({"word/document.xml": b"<w:document xmlns:w='x'/>"}), "has no body"),
    ],
    ids=["bad-zip", "not-zip", "ole", "no-main", "malformed", "no-body"],
)
def test_docx_damaged_files_are_clear_errors(data, message):
    with pytest.raises(DocumentError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        read_docx("a.docx", data, never)


def test_docx_entity_declarations_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<w:document xmlns:w='"
        + W_NS.encode()
        + b"'><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(DocumentError, match="declares XML entities in word/document.xml"):
        read_docx("a.docx", zip_parts({"word/document.xml": laughs}), never)


def test_docx_zip_bomb_member_is_refused():
    bomb = (
        b"<w:document xmlns:w='"
        + W_NS.encode()
        + b"'><w:body>"
        + b" " * (MAX_DOCUMENT_BYTES + 1)
        + b"</w:body></w:document>"
    )
    with pytest.raises(DocumentError, match="unpacks to more than 64 MB"):
        read_docx("a.docx", zip_parts({"word/document.xml": bomb}), never)


def test_docx_cancel():
    body = p("word") * (2 * CHECK_EVERY)
    with pytest.raises(DocumentCancelled):
        read_docx("a.docx", docx(body), lambda: True)


def test_docx_styles_part_is_optional_and_damaged_optional_parts_are_errors():
    assert read_docx("a.docx", docx(p("Fine."), styles=None), never).text == "Fine."
    with pytest.raises(DocumentError, match="styles.xml is not well-formed"):
        read_docx("a.docx", docx(p("Fine."), styles=STYLES[:-5]), never)


# ---- ODT


def full_odt() -> bytes:
    body = (
        '<text:table-of-content text:name="TOC"><text:index-body><text:p>Beginning 1</text:p>'
        "</text:index-body></text:table-of-content>"
        '<text:h text:outline-level="1">Beginning</text:h>'
        '<text:p>Two<text:s text:c="3"/>spaces,<text:tab/>a tab,<text:line-break/>a break'
        '<text:note text:id="n1" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
        "<text:note-body><text:p>A footnote.</text:p></text:note-body></text:note>"
        " and more.</text:p>"
        "<text:p>Kept<office:annotation><dc:creator>Ed</dc:creator><text:p>A COMMENT</text:p></office:annotation>"
        ' tail <text:span text:style-name="T1">spanned</text:span> <text:a xlink:href="x">linked</text:a>.</text:p>'
        '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><text:p>REMOVED</text:p>'
        "</text:deletion></text:changed-region></text:tracked-changes>"
        '<text:h text:outline-level="2">Details</text:h>'
        "<text:list><text:list-item><text:p>first item</text:p></text:list-item>"
        "<text:list-item><text:p>second item</text:p><text:list><text:list-item><text:p>nested item</text:p>"
        "</text:list-item></text:list></text:list-item></text:list>"
        "<table:table><table:table-column/><table:table-header-rows><table:table-row>"
        "<table:table-cell><text:p>Head A</text:p></table:table-cell>"
        "<table:table-cell><text:p>Head B</text:p></table:table-cell></table:table-row></table:table-header-rows>"
        '<table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Wide</text:p>'
        "<text:p>cell</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table>"
        "<text:soft-page-break/>"
        "<text:p>See<draw:frame><draw:text-box><text:p>Framed note.</text:p></draw:text-box></draw:frame>"
        " this.</text:p>"
        '<text:section text:name="S1"><text:h text:outline-level="1">Ending</text:h>'
        "<text:p>Soft\u00adly done.</text:p></text:section>"
    )
    return odt(body, title="An ODT", styles_header="RUNNING HEAD", styles_footer="FOOT")


def test_odt_reads_what_the_page_shows_in_order():
    doc = read_odt("story.odt", full_odt(), never)
    assert doc.format == "odt" and doc.title == "An ODT"
    assert blocks(doc) == [
        ("heading", "Beginning"),
        ("paragraph", "Two spaces, a tab, a break 1 and more."),
        ("paragraph", "Kept tail spanned linked."),
        ("heading", "Details"),
        ("item", "first item"),
        ("item", "second item"),
        ("item", "nested item"),
        ("cell", "Head A"),
        ("cell", "Head B"),
        ("cell", "Wide cell"),
        ("paragraph", "See this."),
        ("paragraph", "Framed note."),
        ("heading", "Ending"),
        ("paragraph", "Softly done."),
        ("note", "1 A footnote."),
    ]
    assert [b.level for b in doc.blocks if b.kind == "heading"] == [1, 2, 1]
    assert covers(doc)


def test_odt_leaves_out_changes_comments_headers_and_the_contents():
    text = read_odt("story.odt", full_odt(), never).text
    for absent in ("REMOVED", "A COMMENT", "Ed", "RUNNING HEAD", "FOOT", "Beginning 1"):
        assert absent not in text


def test_odt_chapters_from_headings():
    doc = read_odt("story.odt", full_odt(), never)
    assert [(c.title, c.level) for c in doc.chapters] == [("Beginning", 1), ("Details", 2), ("Ending", 1)]
    assert all(doc.text[c.start :].startswith(c.title) for c in doc.chapters)


def test_odt_heading_levels_are_capped_and_defaulted():
    body = '<text:h text:outline-level="9">Deep</text:h><text:h>Plain</text:h><text:p>x</text:p>'
    doc = read_odt("a.odt", odt(body), never)
    assert [(b.kind, b.level) for b in doc.blocks] == [("heading", 6), ("heading", 1), ("paragraph", 0)]
    assert doc.title == "" and doc.chapters == ()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a zip", "a.odt is not an OpenDocument text"),
        (zip_parts({"mimetype": b"application/vnd.oasis.opendocument.text"}), "it has no content.xml"),
        (zip_parts({"content.xml": b"<office:document-content/>"}), "is not well-formed XML"),
        (
            zip_parts({"content.xml": f"<office:document-content {ODF_NAMESPACES}/>".encode()}),
            "it has no text body",
        ),
        (
            zip_parts({"content.xml": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'}),
            "declares XML entities in content.xml",
        ),
    ],
    ids=["not-zip", "no-content", "malformed", "spreadsheet-like", "external-entity"],
)
def test_odt_damaged_files_are_clear_errors(data, message):
    with pytest.raises(DocumentError, match=message):
        read_odt("a.odt", data, never)


def test_odt_cancel():
    body = "<text:p>word</text:p>" * (2 * CHECK_EVERY)
    with pytest.raises(DocumentCancelled):
        read_odt("a.odt", odt(body), lambda: True)


@pytest.mark.parametrize("reader, make", [(read_docx, full_docx), (read_odt, full_odt)], ids=["docx", "odt"])
def test_mutated_parts_read_or_fail_with_a_document_error(reader, make):
    """XML parts with bytes flipped or cut at random (seeded), zipped again: a Document or a
    DocumentError, never another exception."""
    import io
    import random

    rng = random.Random(29)
    with zipfile.ZipFile(io.BytesIO(make())) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for _ in range(150):
        name = rng.choice(sorted(parts))
        data = bytearray(parts[name])
        for _ in range(rng.randint(1, 6)):
            if not data:
                break
            at = rng.randrange(len(data))
            if rng.random() < 0.7:
                data[at] = rng.choice(b"<>/=\"' &;:x\x00\xff")
            else:
                del data[at : at + rng.randint(1, 30)]
        try:
            reader("m", zip_parts({**parts, name: bytes(data)}), never)
        except DocumentError as exc:
            assert "\n" not in str(exc)


def damaged_container(how: str) -> bytes:
    data = bytearray(docx(p("Text.")))
    # the central directory's entry of word/document.xml: its name starts 46 bytes in
    directory = data.index(b"word/document.xml", data.index(b"PK\x01\x02")) - 46
    if how == "version":
        data[directory + 6] = 0xFF  # "version needed to extract" beyond what zipfile knows
    else:
        data[directory + 42 : directory + 46] = (0xFFFFFF00).to_bytes(4, "little")  # its member's offset
    return bytes(data)


@pytest.mark.parametrize("how", ["version", "offset"])
def test_docx_damaged_zip_directory_is_a_clear_error(how):
    with pytest.raises(DocumentError, match="^a.docx is"):
        read_docx("a.docx", damaged_container(how), never)


def test_odt_title_paragraph_by_style_and_by_automatic_style():
    automatic = (
        '<office:automatic-styles><style:style style:name="P7" style:family="paragraph" '
        'style:parent-style-name="Title"/></office:automatic-styles>'
    )
    body = (
        '<text:p text:style-name="P7">The Story</text:p><text:p text:style-name="Subtitle">Told again</text:p>'
        '<text:h text:outline-level="1">One</text:h><text:h text:outline-level="1">Two</text:h>'
    )
    doc = read_odt("a.odt", odt(body, automatic_styles=automatic), never)
    assert doc.title == "The Story"  # no meta.xml: the Title paragraph
    assert blocks(doc)[:2] == [("heading", "The Story"), ("paragraph", "Told again")]
    assert [c.title for c in doc.chapters] == ["One", "Two"]


def test_entity_declarations_in_a_utf16_part_are_refused_too():
    laughs = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "ha">]><x>&a;</x>'.encode("utf-16")
    with pytest.raises(DocumentError, match="declares XML entities in content.xml"):
        read_odt("a.odt", zip_parts({"content.xml": laughs}), never)
    with pytest.raises(DocumentError, match="declares XML entities in content.xml"):
        read_odt("a.odt", zip_parts({"content.xml": laughs[2:]}), never)  # no byte order mark


def test_a_utf16_part_is_read():
    content = odt("<text:p>Wide characters.</text:p>")
    with zipfile.ZipFile(__import__("io").BytesIO(content)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["content.xml"] = (
        parts["content.xml"].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    )
    assert read_odt("a.odt", zip_parts(parts), never).text == "Wide characters."


def test_docx_inline_odds_and_ends():
    body = p(
        runs='<w:fldSimple w:instr=" DATE ">'
        + r("7 December")
        + "</w:fldSimple>"
        + "<w:r><w:ptab/></w:r>"
        + "<w:ruby><w:rt><w:r><w:t>kan</w:t></w:r></w:rt><w:rubyBase><w:r><w:t>漢</w:t></w:r></w:rubyBase></w:ruby>"
        + '<w:smartTag w:element="place">'
        + r(" Oslo")
        + "</w:smartTag>"
        + '<w:r><w:cr/><w:sym w:font="Wingdings" w:char="F04A"/></w:r>'
        + '<w:r><w:commentReference w:id="1"/></w:r>'
        + r("end.")
    )
    assert read_docx("a.docx", docx(body), never).text == "7 December 漢 Oslo end."


def test_odt_protected_by_a_password_says_so():
    manifest = (
        b'<m:manifest xmlns:m="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        b'<m:file-entry m:full-path="content.xml" m:media-type="text/xml"><m:encryption-data m:checksum="x">'
        b'<m:algorithm m:algorithm-name="AES"/></m:encryption-data></m:file-entry></m:manifest>'
    )
    data = zip_parts({"content.xml": bytes(range(256)) * 4, "META-INF/manifest.xml": manifest})
    with pytest.raises(DocumentError, match="^a.odt is protected by a password"):
        read_odt("a.odt", data, never)
