"""Issue 29: SSML cannot ask for unbounded memory or time; out-of-range prosody is clamped."""

import pytest

from bittts.engine import limits
from bittts.engine.text.ssml import Break, SsmlError, SsmlWord, parse_ssml, parse_ssml_document


def prosody_of(items):
    return [it.prosody for it in items if isinstance(it, SsmlWord)]


def test_breaks_in_a_row_cannot_add_up_past_the_pause_limit():
    n = int(limits.MAX_PAUSE_SECONDS // 10) + 1
    with pytest.raises(SsmlError, match="in a row"):
        parse_ssml("<speak>a" + '<break time="10s"/>' * n + "b</speak>")
    # the same breaks with words between them are fine
    items = parse_ssml("<speak>" + 'a <break time="10s"/>' * n + "b</speak>")
    assert sum(it.time_ms for it in items if isinstance(it, Break)) == n * 10_000


def test_all_the_breaks_of_a_document_are_bounded():
    # 20 KB of SSML asked for 2.6 GB of silence before the limit
    n = int(limits.MAX_SILENCE_SECONDS // 10) + 1
    with pytest.raises(SsmlError, match="breaks of the document"):
        parse_ssml("<speak>" + 'a<break time="10s"/>' * n + "</speak>")


def test_a_huge_break_time_is_an_error_not_an_overflow():
    with pytest.raises(SsmlError, match="longer than"):
        parse_ssml('<speak>a<break time="' + "9" * 400 + 's"/></speak>')


def test_phoneme_length_is_bounded():
    ok = parse_ssml('<speak><phoneme ph="' + "AH0 " * limits.MAX_PHONEME_PHONES + '">x</phoneme></speak>')
    assert len(ok[0].phones) == limits.MAX_PHONEME_PHONES
    with pytest.raises(SsmlError, match="phones; the limit"):
        parse_ssml('<speak><phoneme ph="' + "AH0 " * (limits.MAX_PHONEME_PHONES + 1) + '">x</phoneme></speak>')
    # 100k phones: refused before they are parsed
    with pytest.raises(SsmlError, match="longer than"):
        parse_ssml('<speak><phoneme ph="' + "AH0 " * 100_000 + '">x</phoneme></speak>')


def test_document_size_and_depth_are_bounded():
    with pytest.raises(SsmlError, match="characters long"):
        parse_ssml("<speak>" + "a " * (limits.MAX_SSML_CHARS // 2) + "</speak>")
    deep = limits.MAX_SSML_DEPTH - 1
    parse_ssml("<speak>" + "<s>" * 0 + "<emphasis>" * deep + "x" + "</emphasis>" * deep + "</speak>")
    with pytest.raises(SsmlError, match="open at once"):
        parse_ssml(
            "<speak>" + "<emphasis>" * limits.MAX_SSML_DEPTH + "x" + "</emphasis>" * limits.MAX_SSML_DEPTH + "</speak>"
        )


def test_out_of_range_prosody_is_clamped_and_said_once():
    ssml = (
        '<speak><prosody volume="+100000dB">loud</prosody> <prosody volume="+400dB">x</prosody> '
        '<prosody rate="0.0001"><prosody rate="0.0001">slow</prosody></prosody> '
        '<prosody pitch="+' + "9" * 400 + 'st"><prosody pitch="-' + "9" * 400 + 'st">p</prosody></prosody></speak>'
    )
    document = parse_ssml_document(ssml)
    items = list(document.items)
    loud, loud2, slow, pitched = prosody_of(items)
    assert loud.volume_db == loud2.volume_db == limits.SSML_VOLUME_RANGE[1]
    assert slow.rate == limits.SSML_RATE_RANGE[0]
    assert limits.SSML_PITCH_RANGE[0] <= pitched.pitch_st <= limits.SSML_PITCH_RANGE[1]
    (clamped,) = document.warnings
    assert "clamped" in clamped and 'volume="+100000dB"' in clamped and "and 2 more" in clamped
    # within range: nothing is said
    assert parse_ssml_document('<speak><prosody volume="+6dB" rate="fast">x</prosody></speak>').warnings == ()


def test_a_character_reference_out_of_range_in_an_attribute_is_an_ssml_error():
    with pytest.raises(SsmlError, match="out of range"):
        parse_ssml('<speak><sub alias="&#99999999999;">x</sub></speak>')


def test_say_as_reads_numbers_of_any_length_without_int():
    # 4,400 digits raised ValueError (Python's int conversion limit): "internal error"
    items = parse_ssml('<speak><say-as interpret-as="cardinal">-' + "9" * 4400 + "</say-as></speak>")
    assert [it.word.text for it in items[:2]] == ["minus", "nine"] and len(items) == 4401
    items = parse_ssml('<speak><say-as interpret-as="ordinal">' + "1" * 4400 + "</say-as></speak>")
    assert items[-1].word.text == "first"
    with pytest.raises(SsmlError, match="does not match"):
        parse_ssml('<speak><say-as interpret-as="date">1/2/' + "9" * 4400 + "</say-as></speak>")
