"""The SSML subset: words with spans into the SSML string, breaks, prosody and clear errors."""

import pytest

from bittts.engine.text import TextFrontEnd
from bittts.engine.text.ssml import Break, Prosody, SsmlError, SsmlWord, looks_like_ssml, parse_ssml


def words(items):
    return [it.word.text for it in items if isinstance(it, SsmlWord)]


def test_plain_text_and_entities_map_to_original_spans():
    s = "<speak>Tom &amp; Jerry cost $4.50.</speak>"
    items = parse_ssml(s)
    assert words(items) == ["tom", "and", "jerry", "cost", "four", "dollars", "and", "fifty", "cents"]
    sources = [s[it.word.start : it.word.end] for it in items]
    assert sources[:4] == ["Tom", "&amp;", "Jerry", "cost"]
    assert set(sources[4:]) == {"$4.50"}
    assert items[-1].word.punct_after == "."


def test_break_time_and_strength():
    s = '<speak>a <break time="500ms"/> b <break time="1.5s"/> c <break strength="weak"/> d<break/></speak>'
    items = parse_ssml(s)
    breaks = [it for it in items if isinstance(it, Break)]
    assert [b.time_ms for b in breaks] == [500, 1500, 200, 400]
    assert s[breaks[0].start : breaks[0].end] == '<break time="500ms"/>'
    assert [type(it).__name__ for it in items] == [
        "SsmlWord",
        "Break",
        "SsmlWord",
        "Break",
        "SsmlWord",
        "Break",
        "SsmlWord",
        "Break",
    ]


@pytest.mark.parametrize(
    "kind,text,expected",
    [
        ("characters", "AB1", ["a", "b", "one"]),
        ("spell-out", "ok", ["o", "k"]),
        ("cardinal", "1,234", ["one", "thousand", "two", "hundred", "thirty", "four"]),
        ("ordinal", "22", ["twenty", "second"]),
        ("telephone", "555-1234", ["five"] * 3 + ["one", "two", "three", "four"]),
    ],
)
def test_say_as(kind, text, expected):
    s = f'<speak><say-as interpret-as="{kind}">{text}</say-as></speak>'
    items = parse_ssml(s)
    assert words(items) == expected
    assert all(s[it.word.start : it.word.end] in text for it in items)


def test_say_as_characters_are_letters_with_own_spans():
    s = '<speak><say-as interpret-as="characters">ABC</say-as></speak>'
    items = parse_ssml(s)
    assert [(it.word.text, it.word.letter, s[it.word.start : it.word.end]) for it in items] == [
        ("a", True, "A"),
        ("b", True, "B"),
        ("c", True, "C"),
    ]


def test_say_as_date_formats():
    mdy = '<speak><say-as interpret-as="date">03/04/2021</say-as></speak>'
    dmy = '<speak><say-as interpret-as="date" format="dmy">03/04/2021</say-as></speak>'
    assert " ".join(words(parse_ssml(mdy))) == "march fourth twenty twenty one"
    assert " ".join(words(parse_ssml(dmy))) == "april third twenty twenty one"


def test_phoneme_sub_prosody_emphasis():
    s = (
        '<speak><phoneme alphabet="arpabet" ph="T AH0 M AA1 T OW2">tomato</phoneme> '
        '<sub alias="World Wide Web">WWW</sub> '
        '<prosody rate="slow" pitch="+2st" volume="-6dB"><emphasis level="strong">big'
        '</emphasis> <prosody rate="200%">deal</prosody></prosody></speak>'
    )
    items = parse_ssml(s)
    assert items[0].phones == ("T", "AH0", "M", "AA1", "T", "OW2")
    assert s[items[0].word.start : items[0].word.end] == "tomato"
    assert words(items[1:4]) == ["world", "wide", "web"]
    assert {s[it.word.start : it.word.end] for it in items[1:4]} == {"WWW"}
    big, deal = items[4], items[5]
    assert big.emphasis == "strong" and big.prosody == Prosody(0.75, 2.0, -6.0)
    assert deal.emphasis is None and deal.prosody == Prosody(1.5, 2.0, -6.0)


def test_sentence_elements_end_sentences():
    items = parse_ssml("<speak><s>One two</s><s>three</s><p>four</p></speak>")
    assert [it.word.punct_after for it in items] == ["", ".", ".", "."]


def test_punctuation_after_an_element_goes_to_the_word_before():
    items = parse_ssml('<speak>Call <say-as interpret-as="cardinal">5</say-as>, now.</speak>')
    assert [(it.word.text, it.word.punct_after) for it in items] == [("call", ""), ("five", ","), ("now", ".")]


@pytest.mark.parametrize(
    "ssml,problem",
    [
        ("<speak>hi", "<speak> is not closed"),
        ("hello", "text outside <speak>"),
        ("", "no <speak> element"),
        ("x <speak>hi</speak>", "text outside <speak>"),
        ("<speak><foo>x</speak>", "</speak> closes <foo>"),
        ('<speak><break time="fast"/></speak>', "is not a time"),
        ('<speak><break strength="huge"/></speak>', "strength='huge'"),
        ("<speak>a & b</speak>", "bare '&'"),
        ('<speak><phoneme alphabet="ipa" ph="x">a</phoneme></speak>', "only arpabet"),
        ('<speak><phoneme ph="T QQ">a</phoneme></speak>', "not an ARPAbet phone"),
        ("<speak><prosody>x</prosody></speak>", "needs rate, pitch or volume"),
        ('<speak><prosody rate="zippy">x</prosody></speak>', "rate 'zippy'"),
        ("<speak><emphasis>x</prosody></speak>", "</prosody> closes <emphasis>"),
        ('<speak><break time="1s">x</break></speak>', "must be empty"),
        ('<speak><say-as interpret-as="cardinal">abc</say-as></speak>', "needs an integer"),
        ("<speak>a <![CDATA[ b < c </speak>", "CDATA section is not closed"),
        ('<speak><voice variant="first">a</voice></speak>', "is not a whole number"),
        ("<speak><?pi never closed </speak>", "is not closed"),
        ("<speak><sub>x</sub></speak>", "needs an alias"),
        ("<speak><speak>x</speak></speak>", "<speak> inside <speak>"),
        ("<speak>x</speak><speak>y</speak>", "one <speak> element"),
        ("<speak <</speak>", "malformed tag"),
        ("<speak><!-- open </speak>", "comment is not closed"),
        ('<speak><say-as interpret-as="date">13/40/2020</say-as></speak>', "no such month"),
    ],
)
def test_malformed_ssml_names_the_problem(ssml, problem):
    with pytest.raises(SsmlError) as e:
        parse_ssml(ssml)
    assert problem in str(e.value)
    assert "line 1, column" in str(e.value)


def test_error_position_line_and_column():
    with pytest.raises(SsmlError) as e:
        parse_ssml("<speak>\n  ok\n  <break time='x'/>\n</speak>")
    assert (e.value.line, e.value.column) == (3, 3)


def test_comments_and_xml_declaration_are_skipped():
    items = parse_ssml('<?xml version="1.0"?>\n<speak>a<!-- not read -->b</speak>')
    assert words(items) == ["a", "b"]


def test_looks_like_ssml():
    assert looks_like_ssml('  <?xml version="1.0"?><speak>x</speak>')
    assert looks_like_ssml("<speak version='1.1'>x</speak>")
    assert not looks_like_ssml("I <3 speaking")


def test_frontend_ssml_phones(lexicon):
    fe = TextFrontEnd(lexicon)
    out = fe.ssml('<speak>the <phoneme ph="AE1 P AH0 L">apple</phoneme><break time="1s"/> read</speak>')
    assert out[0][1] == ["DH", "IY0"]  # context still works across elements
    assert out[1][1] == ["AE1", "P", "AH0", "L"]
    assert isinstance(out[2], Break) and out[2].time_ms == 1000
    assert out[3][1] == ["R", "IY1", "D"]


def test_ssml_chunks_cut_at_sentences_and_breaks():
    from bittts.engine.text.ssml import ssml_chunks

    s = '<speak><break time="300ms"/>Hello there. One two<break time="1s"/><break strength="weak"/> three. Four</speak>'
    chunks = ssml_chunks(parse_ssml(s))
    assert [[w.word.text for w in c.words] for c in chunks] == [
        [],
        ["hello", "there"],
        ["one", "two"],
        ["three"],
        ["four"],
    ]
    assert [c.pause_after_ms for c in chunks] == [300, 0, 1200, 0, 0]
    assert [c.sentence_end for c in chunks] == [False, True, False, True, True]
    assert s[chunks[1].start : chunks[1].end] == "Hello there"


def test_long_ssml_sentence_is_cut_at_clauses():
    from bittts.engine.text.ssml import ssml_chunks

    body = ", ".join(["one two three four five"] * 8) + "."
    chunks = ssml_chunks(parse_ssml(f"<speak>{body}</speak>"), max_words=12, min_words=3)
    assert len(chunks) > 3 and all(len(c.words) <= 12 for c in chunks)
    assert sum(len(c.words) for c in chunks) == 40
    assert chunks[-1].sentence_end and not chunks[0].sentence_end


def test_frontend_process_ssml(lexicon):
    fe = TextFrontEnd(lexicon)
    s = (
        '<speak>I <emphasis>will</emphasis> read it.<break time="1s"/>'
        '<phoneme ph="T AH0 M AA1 T OW2">tomato</phoneme>!</speak>'
    )
    out = list(fe.process_ssml(s))
    assert [c.phones.symbols for c in out] == [
        ("<bos>", "AY1", "<wb>", "W", "IH1", "L", "<wb>", "R", "IY1", "D", "<wb>", "IH1", "T", ".", "<eos>"),
        ("<bos>", "T", "AH0", "M", "AA1", "T", "OW2", "!", "<eos>"),
    ]
    assert out[0].chunk.pause_after_ms == 1000
    assert out[0].chunk.words[1].emphasis == "moderate"
    with pytest.raises(SsmlError):
        list(fe.process_ssml("<speak>oops"))


def test_ssml_reads_ambiguous_dates_in_the_front_ends_order(lexicon):
    ssml = "<speak>We met on 04/05/2021.</speak>"
    us = words(TextFrontEnd(lexicon).parse_ssml(ssml))
    uk = words(TextFrontEnd(lexicon, date_order="DMY").parse_ssml(ssml))
    assert "april" in us and "may" not in us
    assert "may" in uk and "april" not in uk
    with pytest.raises(ValueError):
        parse_ssml(ssml, date_order="YMD?")
