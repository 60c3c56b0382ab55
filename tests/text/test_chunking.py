"""Sentence splitting and clause chunking."""

import importlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bittts.engine.text.chunking import chunks, iter_chunks, split_sentences
from bittts.engine.text.normalize import normalize


def texts(result):
    return [c.text for c in result]


def test_basic_sentences():
    text = "Hello there. How are you? I am fine! Good."
    assert texts(split_sentences(text)) == ["Hello there.", "How are you?", "I am fine!", "Good."]


def test_abbreviations_do_not_split():
    text = "Dr. Smith met Mr. Jones at 5 p.m. on Jan. 5. They talked, e.g. about cats."
    assert texts(split_sentences(text)) == [
        "Dr. Smith met Mr. Jones at 5 p.m. on Jan. 5.",
        "They talked, e.g. about cats.",
    ]


def test_abbreviation_at_sentence_end_splits_before_capital():
    text = "We sold apples, pears, etc. The rest was given away."
    assert texts(split_sentences(text)) == ["We sold apples, pears, etc.", "The rest was given away."]


def test_an_initialism_before_the_word_it_qualifies_does_not_split():
    text = "The U.S. Army met U.K. Government officials. They flew to the U.S. Then they rested."
    assert texts(split_sentences(text)) == [
        "The U.S. Army met U.K. Government officials.",
        "They flew to the U.S.",
        "Then they rested.",
    ]


def test_decimals_and_urls_do_not_split():
    text = "Pi is 3.14 or so. See example.com for more."
    assert texts(split_sentences(text)) == ["Pi is 3.14 or so.", "See example.com for more."]


def test_ellipsis():
    text = "Well... I suppose so. Wait\u2026 What?"
    assert texts(split_sentences(text)) == ["Well... I suppose so.", "Wait\u2026", "What?"]


def test_quotes_after_the_period_stay_with_the_sentence():
    text = '\u201cStop.\u201d He left. She said "Go!" Then (quietly) she sat.'
    assert texts(split_sentences(text)) == [
        "\u201cStop.\u201d",
        "He left.",
        'She said "Go!"',
        "Then (quietly) she sat.",
    ]


def test_paragraph_break_splits_without_punctuation():
    text = "A Heading\n\nThe body text follows here."
    assert texts(split_sentences(text)) == ["A Heading", "The body text follows here."]


def test_spans_slice_the_original_text():
    text = "  One two.   Three \u2018four\u2019 five!  "
    for c in split_sentences(text):
        assert text[c.start : c.end] == c.text
        assert all(c.start <= w.start and w.end <= c.end for w in c.words)


def test_long_sentence_is_cut_at_clause_marks():
    text = (
        "When the long sentence keeps going on and on, with many clauses and words that "
        "never seem to stop, because the writer likes commas, and semicolons; and dashes "
        "\u2014 like this one \u2014 the chunker must cut it somewhere sensible."
    )
    result = chunks(text, max_words=20, min_words=5)
    assert len(result) >= 2
    assert all(len(c.words) <= 20 for c in result)
    for c in result[:-1]:
        assert (
            c.words[-1].punct_after in {",", ";", ":", "\u2014"}
            or c.words[-1].text in {"and", "but"}
            or len(c.words) == 20
        )
        assert c.sentence_end is False
    assert result[-1].sentence_end is True
    # no word lost or duplicated
    assert [w for c in result for w in c.words] == [w for c in split_sentences(text) for w in c.words]


def test_long_sentence_without_marks_cut_before_conjunction_or_hard():
    words = " ".join(["word"] * 30) + " and " + " ".join(["more"] * 10)
    result = chunks(words, max_words=25, min_words=5)
    assert all(len(c.words) <= 25 for c in result)
    assert sum(len(c.words) for c in result) == 41


def test_never_cuts_inside_one_token():
    text = "a b c d e f $4.50 g h i j k l m n o p"
    for c in chunks(text, max_words=12, min_words=6):
        assert c.text.count("$") in (0, 1)
        if "$" in c.text:
            assert "$4.50" in c.text


def test_min_max_validation():
    with pytest.raises(ValueError, match="max_words"):
        chunks("hi there", max_words=5, min_words=4)


def test_empty_and_symbol_only_text():
    assert chunks("") == []
    assert chunks("   \U0001f600  ") == []


def test_iter_chunks_matches_chunks_and_is_lazy():
    text = (
        "First paragraph. It has two sentences.\n\n  Second one, with $4.50 in it.\n"
        "Same paragraph.\n \n\nThird \u201cquoted\u201d paragraph!"
    )
    assert list(iter_chunks(text)) == chunks(text)
    gen = iter_chunks(text + "\n\n" + "x " * 100_000)
    first = next(gen)
    assert first.text == "First paragraph."


def test_headings_and_list_items_end_sentences_but_wrapped_prose_runs_on():
    text = (
        "Chapter 1\n"
        "It was a dark night and the rain fell on the roof of the\n"
        "House of the Seven Gables, as it always did.\n"
        "Shopping list\n- eggs\n- Milk\nBread"
    )
    assert texts(split_sentences(text)) == [
        "Chapter 1",
        "It was a dark night and the rain fell on the roof of the\nHouse of the Seven Gables, as it always did.",
        "Shopping list",
        "eggs",
        "Milk",
        "Bread",
    ]


# ----------------------------------------------------------------------------------------------
# Lazy chunking: the same chunks as the whole-text path, the first one before the rest is read

normalize_module = importlib.import_module("bittts.engine.text.normalize")

LONG_PARAGRAPH = " ".join(
    [
        "Dr. Smith paid $4.50 on 03/04/2021 at 3:45 pm, and in 1987 he had 1500 apples.",
        "It was a long day; the rain fell, the wind blew and nobody came home before nine.",
        "Then THE END came \u201cquite\u201d suddenly\u2026 I think so.",
        "Words without any clause mark run on and on until the chunker has to cut them somewhere "
        "because there is no comma and no conjunction to cut before for a very long time indeed.",
    ]
    * 40
)
LONG_TEXT = LONG_PARAGRAPH + "\n\n" + "Heading\n- item one\n- item two\n\n" + LONG_PARAGRAPH + "\n\n\n  Last paragraph!"


@pytest.mark.parametrize(
    "text",
    [LONG_PARAGRAPH, LONG_TEXT, "word " * 3000, "$4.50 " * 500 + "end."],
    ids=["paragraph", "paragraphs", "no punctuation", "multi-word tokens"],
)
@pytest.mark.parametrize("max_words,min_words", [(25, 6), (12, 3), (None, 6)])
def test_lazy_chunks_equal_the_whole_text_path(text, max_words, min_words):
    lazy = list(iter_chunks(text, max_words=max_words, min_words=min_words))
    whole = chunks(text, normalize(text), max_words=max_words, min_words=min_words)
    assert lazy == whole
    assert [w for c in lazy for w in c.words] == normalize(text)
    if max_words is not None:
        assert max(len(c.words) for c in lazy) <= max(max_words, 5)  # "$4.50" is 5 words


def _furthest_scan(monkeypatch):
    """Record the furthest text position the normalizer's scanner has looked at."""
    seen = [0]
    scanner = normalize_module._Scanner
    for name in ("alpha", "numeric", "symbol"):
        method = getattr(scanner, name)

        def spy(self, i, _method=method):
            seen[0] = max(seen[0], i)
            return _method(self, i)

        monkeypatch.setattr(scanner, name, spy)
    return seen


@pytest.mark.parametrize(
    "paragraph",
    [
        "The first sentence is short. " + "Then many more sentences follow, one after another. " * 20000,
        "words without any punctuation at all " * 50000,
    ],
    ids=["sentences", "no punctuation"],
)
def test_first_chunk_of_a_huge_paragraph_reads_only_its_start(monkeypatch, paragraph):
    seen = _furthest_scan(monkeypatch)
    first = next(iter_chunks(paragraph))
    assert first.start == 0 and first.words
    assert len(paragraph) > 1_000_000
    assert seen[0] < 2_000  # the scanner stopped right after the first chunk


def test_iter_chunks_accepts_given_words_and_checks_its_arguments():
    text = "One two. Three four."
    assert list(iter_chunks(text, iter(normalize(text)))) == chunks(text)
    with pytest.raises(ValueError):
        iter_chunks(text, max_words=5, min_words=4)  # refused at the call, not later
    with pytest.raises(ValueError):
        iter_chunks(text, date_order="XYZ")


# fmt: off
PIECES = st.sampled_from(["Dr.", "Smith", "paid", "$4.50", "1500", "apples", "in", "1987",
                          "03/04/2021", ",", ".", "?", " ", " ", "\n", "\n\n", "\u2026", "and",
                          "FBI", "\u201c", "\u201d", "(", ")", "3:45", "pm", "I", "The"])
# fmt: on


@settings(max_examples=150, deadline=None)
@given(st.lists(PIECES, max_size=60).map(" ".join), st.sampled_from([(8, 2), (12, 3)]))
def test_lazy_chunks_property(text, sizes):
    max_words, min_words = sizes
    lazy = list(iter_chunks(text, max_words=max_words, min_words=min_words))
    assert lazy == chunks(text, normalize(text), max_words=max_words, min_words=min_words)
    words = [w for c in lazy for w in c.words]
    assert words == normalize(text)
    assert all(0 <= w.start < w.end <= len(text) for w in words)
    assert all(a.start <= b.start for a, b in zip(words, words[1:]))
    assert all(a.end <= b.start for a, b in zip(lazy, lazy[1:]))
    assert all(text[c.start : c.end] == c.text for c in lazy)


def test_a_token_of_100k_words_and_a_sentence_of_100k_words_chunk_in_linear_time():
    # issue 29: "x" * 100000 is read letter by letter as one token; waiting for its end asked
    # again on every word (quadratic), and cutting a long sentence copied its rest each time
    import time

    from bittts.engine.text.chunking import iter_chunks

    for text in ("Visit www.example.com/a?b=1&c=2." + "x" * 100_000 + " and more.", "word " * 100_000 + "."):
        started = time.process_time()
        pieces = list(iter_chunks(text))
        assert time.process_time() - started < 10
        assert sum(len(c.words) for c in pieces) >= 100_000
