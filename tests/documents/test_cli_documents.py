"""`bittts extract FILE` and documents through `--file`: the command line reads documents the
way the app does (bittts.documents), and says what it cannot read in one line."""

from __future__ import annotations

import json

import pytest
from corpus import SENTENCE, toc_nav, write_epub, write_pdf, xhtml

from bittts import cli

PAGE = (
    "<!DOCTYPE html><html><head><title>Page</title><script>var markup = 1;</script>"
    f"<body><nav>Menu</nav><h1>Heading</h1><p>{SENTENCE}</p><table><tr><td>Tea</td><td>Cake</td></tr></table>"
)


def run(argv, capsys):
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_prints_blocks_a_blank_line_apart(tmp_path, capsys):
    (tmp_path / "page.html").write_text(PAGE)
    code, out, err = run(["extract", str(tmp_path / "page.html")], capsys)
    assert code == cli.EXIT_OK and err == ""
    assert out == f"Heading\n\n{SENTENCE}\n\nTea\n\nCake\n"


def test_extract_marks_chapters(tmp_path, capsys):
    pages = [
        ("one", "one.xhtml", xhtml(f"<h1>One</h1><p>{SENTENCE}</p>")),
        ("two", "two.xhtml", xhtml("<p>Untitled start.</p>")),
    ]
    nav = toc_nav('<li><a href="one.xhtml">One</a></li><li><a href="two.xhtml">Second Part</a></li>')
    write_epub(tmp_path / "book.epub", pages, nav=nav)
    code, out, _ = run(["extract", str(tmp_path / "book.epub")], capsys)
    assert code == cli.EXIT_OK
    assert out == f"# One\n\n{SENTENCE}\n\n# Second Part\n\nUntitled start.\n"


def test_extract_markdown_keeps_no_markup(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("---\ntitle: x\n---\nTitle\n=====\n\nSome *words*.\n\nMore\n----\n\nEnd.\n")
    code, out, _ = run(["extract", str(tmp_path / "notes.md")], capsys)
    assert code == cli.EXIT_OK and out == "# Title\n\nSome words.\n\n## More\n\nEnd.\n"


@pytest.mark.parametrize(
    "name,data,fragment",
    [
        ("missing.epub", None, "does not exist"),
        (
            "blob.bin",
            b"\x00\x01\x02\x03" * 50,
            "blob.bin is not a document BitTTS can read (it looks like binary data)",
        ),
        ("empty.txt", b"", "empty.txt has no text to read"),
    ],
)
def test_extract_errors_are_one_line_with_the_input_exit_code(tmp_path, capsys, name, data, fragment):
    if data is not None:
        (tmp_path / name).write_bytes(data)
    code, out, err = run(["extract", str(tmp_path / name)], capsys)
    assert code == cli.EXIT_INPUT and out == ""
    assert err.startswith("bittts: error: ") and err.count("\n") == 1 and fragment in err


def test_normalize_file_reads_a_page_not_its_markup(tmp_path, capsys):
    (tmp_path / "page.html").write_text(PAGE)
    code, out, _ = run(["normalize", "--file", str(tmp_path / "page.html")], capsys)
    assert code == cli.EXIT_OK
    assert out == "heading.\nthe quick brown fox reads aloud.\ntea.\ncake\n"
    for markup in ("<", "var", "markup", "menu", "page"):
        assert markup not in out


def test_a_txt_file_stays_plain_text(tmp_path, capsys):
    # SSML or text with markup-like characters in a .txt is not taken for a document
    (tmp_path / "speech.txt").write_text("<speak>Hello <break time='1s'/> there.</speak>\n")
    code, out, _ = run(["normalize", "--file", str(tmp_path / "speech.txt")], capsys)
    assert code == cli.EXIT_OK and out == "hello\nthere.\n"
    (tmp_path / "old.txt").write_bytes("caf\u00e9 \u2013 ok".encode("cp1252"))  # was refused as "not UTF-8"
    code, out, _ = run(["normalize", "--file", str(tmp_path / "old.txt")], capsys)
    assert code == cli.EXIT_OK and "caf\u00e9" in out


def test_synth_reads_an_epub_and_a_pdf(tiny_model_path, tmp_path, capsys):
    pytest.importorskip("pypdf")
    write_epub(tmp_path / "book.epub", [("c1", "c1.xhtml", xhtml("<h1>Hello</h1><p>Good morning.</p>"))])
    write_pdf(tmp_path / "doc.pdf", "Good evening.")
    for name, words in (("book.epub", ["Hello", "Good", "morning"]), ("doc.pdf", ["Good", "evening"])):
        timings = tmp_path / f"{name}.json"
        argv = ["synth", "--file", str(tmp_path / name), "-o", str(tmp_path / f"{name}.wav")]
        code, _, err = run([*argv, "--timings", str(timings), "--model", str(tiny_model_path)], capsys)
        assert code == cli.EXIT_OK, err
        said = [w["text"] for w in json.loads(timings.read_text())["words"]]
        assert said == words
