"""Sentence splitting and clause chunking."""

import pytest

from bittts.engine.text.chunking import chunks, iter_chunks, split_sentences


def texts(result):
    return [c.text for c in result]


def test_basic_sentences():
    text = "Hello there. How are you? I am fine! Good."
    assert texts(split_sentences(text)) == ["Hello there.", "How are you?", "I am fine!", "Good."]


def test_abbreviations_do_not_split():
    text = "Dr. Smith met Mr. Jones at 5 p.m. on Jan. 5. They talked, e.g. about cats."
    assert texts(split_sentences(text)) == ["Dr. Smith met Mr. Jones at 5 p.m. on Jan. 5.",
                                            "They talked, e.g. about cats."]


def test_abbreviation_at_sentence_end_splits_before_capital():
    text = "We sold apples, pears, etc. The rest was given away."
    assert texts(split_sentences(text)) == ["We sold apples, pears, etc.",
                                            "The rest was given away."]


def test_decimals_and_urls_do_not_split():
    text = "Pi is 3.14 or so. See example.com for more."
    assert texts(split_sentences(text)) == ["Pi is 3.14 or so.", "See example.com for more."]


def test_ellipsis():
    text = "Well... I suppose so. Wait\u2026 What?"
    assert texts(split_sentences(text)) == ["Well... I suppose so.", "Wait\u2026", "What?"]


def test_quotes_after_the_period_stay_with_the_sentence():
    text = '\u201cStop.\u201d He left. She said "Go!" Then (quietly) she sat.'
    assert texts(split_sentences(text)) == ["\u201cStop.\u201d", "He left.",
                                            'She said "Go!"', "Then (quietly) she sat."]


def test_paragraph_break_splits_without_punctuation():
    text = "A Heading\n\nThe body text follows here."
    assert texts(split_sentences(text)) == ["A Heading", "The body text follows here."]


def test_spans_slice_the_original_text():
    text = "  One two.   Three \u2018four\u2019 five!  "
    for c in split_sentences(text):
        assert text[c.start:c.end] == c.text
        assert all(c.start <= w.start and w.end <= c.end for w in c.words)


def test_long_sentence_is_cut_at_clause_marks():
    text = ("When the long sentence keeps going on and on, with many clauses and words that "
            "never seem to stop, because the writer likes commas, and semicolons; and dashes "
            "\u2014 like this one \u2014 the chunker must cut it somewhere sensible.")
    result = chunks(text, max_words=20, min_words=5)
    assert len(result) >= 2
    assert all(len(c.words) <= 20 for c in result)
    for c in result[:-1]:
        assert c.words[-1].punct_after in {",", ";", ":", "\u2014"} or \
            c.words[-1].text in {"and", "but"} or len(c.words) == 20
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
    assert chunks("   \U0001F600  ") == []


def test_iter_chunks_matches_chunks_and_is_lazy():
    text = ("First paragraph. It has two sentences.\n\n  Second one, with $4.50 in it.\n"
            "Same paragraph.\n \n\nThird \u201cquoted\u201d paragraph!")
    assert list(iter_chunks(text)) == chunks(text)
    gen = iter_chunks(text + "\n\n" + "x " * 100_000)
    first = next(gen)
    assert first.text == "First paragraph."


def test_headings_and_list_items_end_sentences_but_wrapped_prose_runs_on():
    text = ("Chapter 1\n"
            "It was a dark night and the rain fell on the roof of the\n"
            "House of the Seven Gables, as it always did.\n"
            "Shopping list\n- eggs\n- Milk\nBread")
    assert texts(split_sentences(text)) == [
        "Chapter 1",
        "It was a dark night and the rain fell on the roof of the\n"
        "House of the Seven Gables, as it always did.",
        "Shopping list", "eggs", "Milk", "Bread"]
