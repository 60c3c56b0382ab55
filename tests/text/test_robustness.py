"""Arbitrary input never crashes the front end and spans always stay valid."""

from hypothesis import given, settings
from hypothesis import strategies as st

from bittts.engine.text.chunking import chunks
from bittts.engine.text.normalize import normalize

# Characters that exercise the scanner's special cases.
ALPHABET = st.sampled_from(
    list(
        "aAbBcCdDeEiIlLmMnNsStTvVxXyYzZ0123456789 .,;:!?-+=/%$€£¥#@&*()[]\"'\u2019\u201c\u201d"
        "\u2014\u2013\u2026\u00b0\u00e9\u00a0\n\t\u00b2\u00bd\u2460\u0663\uff15\u00b9"
    )
    + ["\U0001f600", "\u200d", "km", "pm", "Dr.", "St.", "FBI", "IV", "http://", "www.", ".com", "1/2", "3:45", "2021-"]
)
TEXT = st.lists(ALPHABET, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_normalize_never_crashes_and_spans_are_valid(text):
    words = normalize(text)
    for w in words:
        assert 0 <= w.start < w.end <= len(text)
        assert text[w.start : w.end].strip()
        assert w.text and w.text == w.text.strip()
        assert not any(c.isdigit() for c in w.text), (text, w)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_chunks_keep_every_word_once(text):
    words = normalize(text)
    result = chunks(text, max_words=12, min_words=3)
    assert [w for c in result for w in c.words] == words
    for c in result:
        assert text[c.start : c.end] == c.text and c.words


# fmt: off
SSML_PARTS = st.sampled_from([
    "<speak>", "</speak>", '<break time="500ms"/>', "<break/>", "<s>", "</s>",
    '<say-as interpret-as="characters">', '<say-as interpret-as="cardinal">', "</say-as>",
    '<phoneme ph="AH0 B">', "</phoneme>", '<sub alias="x y">', "</sub>",
    '<prosody rate="slow">', "</prosody>", "<emphasis>", "</emphasis>", "&amp;", "&#65;",
    "&bogus;", "&", "<", ">", "hello", " ", "$4.50", "Dr.", "FBI", ".", "1", "<!-- c -->"])
# fmt: on


@settings(max_examples=200, deadline=None)
@given(st.lists(SSML_PARTS, max_size=14).map("".join))
def test_ssml_parser_raises_only_ssml_errors(body):
    from bittts.engine.text.ssml import SsmlError, SsmlWord, parse_ssml, ssml_chunks

    ssml = "<speak>" + body + "</speak>"
    try:
        items = parse_ssml(ssml)
    except SsmlError as e:
        assert "SSML error at line" in str(e)
        return
    for it in items:
        if isinstance(it, SsmlWord):
            assert 0 <= it.word.start < it.word.end <= len(ssml)
    ssml_chunks(items, max_words=8, min_words=2)
