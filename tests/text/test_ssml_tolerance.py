"""Issue 31: SSML the engine does not fully support is read, not refused: CDATA, <voice>,
<lang>, <audio>, unknown elements; what was ignored is said once per kind."""

import logging

import numpy as np
import pytest

from bittts.engine.synthesis import Synthesizer
from bittts.engine.synthesis_types import SynthesisConfig, VoiceInfo
from bittts.engine.text import TextFrontEnd
from bittts.engine.text.ssml import SsmlError, SsmlWord, VoiceRequest, parse_ssml, parse_ssml_document, ssml_chunks
from bittts.engine.voice_select import select_voice

SSML = SynthesisConfig(ssml=True)


def words(items):
    return [it.word.text for it in items if isinstance(it, SsmlWord)]


def test_cdata_is_text_with_its_own_characters_and_spans():
    s = "<speak>Tom <![CDATA[& Jerry <3 x<y]]> ran</speak>"
    document = parse_ssml_document(s)
    assert words(document.items) == words(parse_ssml("<speak>Tom &amp; Jerry &lt;3 x&lt;y ran</speak>"))
    assert document.warnings == ()
    spans = {it.word.text: s[it.word.start : it.word.end] for it in document.items}
    assert spans["and"] == "&" and spans["jerry"] == "Jerry" and spans["ran"] == "ran"
    # CDATA joins the text around it into one word, and works inside text-only elements
    assert words(parse_ssml("<speak>ab<![CDATA[cd]]>ef</speak>")) == ["abcdef"]
    assert words(parse_ssml('<speak><sub alias="x"><![CDATA[<b>]]></sub></speak>')) == ["x"]
    # what looks like a tag inside CDATA is text, not an element
    assert words(parse_ssml("<speak><![CDATA[<break/> <foo>]]>ok</speak>")) == ["break", "foo", "ok"]
    with pytest.raises(SsmlError, match="text outside <speak>"):
        parse_ssml("<![CDATA[hi]]><speak>x</speak>")


def test_unknown_elements_are_ignored_their_text_read_and_said_once():
    s = (
        "<speak><foo>one</foo> <foo a='1'>two</foo> <bar/>three <amazon:effect name='whispered'>four"
        "</amazon:effect> <x:y xmlns:x='urn:x'><foo>five</foo></x:y></speak>"
    )
    document = parse_ssml_document(s)
    assert words(document.items) == ["one", "two", "three", "four", "five"]
    assert document.warnings == (
        "unknown elements ignored, their text is read: <foo>, <bar>",
        "elements of other namespaces ignored, their text is read: <amazon:effect>, <x:y>",
    )
    # an unknown element keeps the prosody around it
    (item,) = parse_ssml('<speak><prosody rate="fast"><foo>x</foo></prosody></speak>')
    assert item.prosody.rate == 1.25


def test_audio_reads_its_fallback_text_not_its_desc():
    s = (
        '<speak>Listen: <audio src="bell.wav"><desc>a bell rings</desc>ding dong</audio> '
        '<audio src="https://example.invalid/x.mp3"/>and <audio src="bell.wav">ding</audio>.</speak>'
    )
    document = parse_ssml_document(s)
    assert words(document.items) == ["listen", "ding", "dong", "and", "ding"]
    (warning,) = document.warnings
    assert warning.startswith("audio files are not played")
    assert '<audio src="bell.wav">' in warning and warning.count("bell.wav") == 1


def test_lang_is_read_with_the_english_voice_and_said_once():
    s = (
        '<speak xml:lang="en-US">Hello <lang xml:lang="fr-FR">bonjour</lang> '
        '<lang xml:lang="fr-FR">merci</lang> <s xml:lang="de">danke</s> <lang xml:lang="en-GB">cheers</lang></speak>'
    )
    document = parse_ssml_document(s)
    assert words(document.items) == ["hello", "bonjour", "merci", "danke", "cheers"]
    assert document.warnings == (
        'text marked as another language is read with the English voices: xml:lang="fr-FR", xml:lang="de"',
    )
    assert parse_ssml_document('<speak xml:lang="en"><lang xml:lang="EN_us">x</lang></speak>').warnings == ()


def test_spec_elements_that_say_nothing_and_old_names():
    s = (
        '<?xml version="1.0"?>\n<!DOCTYPE speak PUBLIC "-//W3C//DTD SYNTHESIS 1.0//EN" "synthesis.dtd">\n'
        '<speak><meta name="x" content="y"/><metadata><rdf>not read</rdf></metadata>'
        "<paragraph><sentence>One <token>two</token> <w>three</w></sentence></paragraph>"
        '<?pi whatever?><lexicon uri="lex.pls"/><lookup ref="lex">four</lookup></speak>'
    )
    document = parse_ssml_document(s)
    assert words(document.items) == ["one", "two", "three", "four"]
    assert [it.word.punct_after for it in document.items][2] == "."
    assert document.warnings == (
        'lexicon documents are not loaded (the user dictionary is): <lexicon uri="lex.pls">, <lookup ref="lex">',
    )


def test_unknown_say_as_reads_the_text_as_plain_text():
    document = parse_ssml_document('<speak><say-as interpret-as="verbatim-ish">5 cats</say-as></speak>')
    assert words(document.items) == ["five", "cats"]
    assert document.warnings == (
        '<say-as> kinds not supported, their text is read as plain text: interpret-as="verbatim-ish"',
    )


def test_voice_requests_nest_inherit_and_restore():
    s = (
        '<speak>a <voice gender="female">b <voice variant="2">c</voice> '
        '<voice name="spk2 bdl">d <voice age="6">e</voice></voice> f</voice> g '
        '<voice gender="male" languages="en-US">h</voice></speak>'
    )
    document = parse_ssml_document(s)
    voices = {it.word.text: it.voice for it in document.items}
    female = VoiceRequest(gender="female")
    assert voices["a"] is None and voices["g"] is None
    assert voices["b"] == voices["f"] == female  # restored after the inner ones close
    assert voices["c"] == VoiceRequest(gender="female", variant=2)
    assert voices["d"] == voices["e"] == VoiceRequest(names=("spk2", "bdl"), gender="female")
    assert voices["h"] == VoiceRequest(gender="male", languages=("en-US",))
    assert document.warnings == (
        '<voice age> is not used (voices are chosen by name, gender, variant and languages): age="6"',
    )


def test_ssml_chunks_are_cut_where_the_voice_changes():
    items = parse_ssml('<speak>one two <voice name="spk1">three four</voice> five.</speak>')
    chunks = ssml_chunks(items)
    assert [[w.word.text for w in c.words] for c in chunks] == [["one", "two"], ["three", "four"], ["five"]]
    assert [c.voice for c in chunks] == [None, VoiceRequest(names=("spk1",)), None]
    assert [c.sentence_end for c in chunks] == [False, False, True]


VOICES = (
    VoiceInfo("slt", "female", "US", "x"),
    VoiceInfo("bdl", "male", "US", "x"),
    VoiceInfo("clb", "female", "US", "x"),
    VoiceInfo("rms", "male", "US", "x"),
)


@pytest.mark.parametrize(
    "request_, current, voice, problem",
    [
        (VoiceRequest(names=("BDL",)), ["slt"], "bdl", None),
        (VoiceRequest(names=("nobody", "clb")), ["slt"], "clb", None),
        (VoiceRequest(names=("nobody",)), ["slt"], None, 'no voice is named "nobody"; the current voice is kept'),
        (VoiceRequest(names=("x",), gender="male"), ["slt"], "bdl", 'no voice is named "x"; one is chosen by gender'),
        (VoiceRequest(gender="male"), ["slt"], "bdl", None),
        (VoiceRequest(gender="male"), ["rms"], None, None),  # the current voice already matches
        (VoiceRequest(gender="female"), ["slt", "bdl"], "slt", None),  # a mixed blend does not
        (VoiceRequest(gender="female", variant=2), ["slt"], "clb", None),
        (VoiceRequest(variant=4), ["slt"], "rms", None),
        (VoiceRequest(gender="male", variant=3), ["slt"], "bdl", "variant=3 asks for more voices"),
        (VoiceRequest(gender="child"), ["slt"], None, 'no voice matches gender="child"; the current voice is kept'),
        (VoiceRequest(gender="neutral"), ["slt"], None, 'no voice matches gender="neutral"'),
        (VoiceRequest(languages=("fr",), gender="male"), ["slt"], None, "no voice speaks fr (only English)"),
        (VoiceRequest(languages=("en-GB",), gender="male"), ["slt"], "bdl", None),
    ],
)
def test_select_voice(request_, current, voice, problem):
    choice = select_voice(request_, VOICES, current)
    assert choice.voice == voice
    if problem is None:
        assert choice.problem is None
    else:
        assert choice.problem is not None and choice.problem.startswith(problem)


@pytest.fixture(scope="module")
def synth(tiny_model_path):
    return Synthesizer(tiny_model_path)


def speakers_used(synth, monkeypatch, text, config=SSML):
    """The speaker vector each chunk of ``text`` was synthesized with, and the chunks."""
    used = []
    acoustic = synth.model.acoustic

    def spy(ids, speaker, *args, **kwargs):
        used.append(np.array(speaker))
        return acoustic(ids, speaker, *args, **kwargs)

    monkeypatch.setattr(synth.model, "acoustic", spy)
    chunks = list(synth.synthesize(text, config))
    monkeypatch.undo()
    return used, chunks


def test_voice_by_name_switches_the_speaker_of_its_words(synth, monkeypatch):
    ssml = '<speak>Hello there. <voice name="spk1">How are you</voice> today.</speak>'
    used, chunks = speakers_used(synth, monkeypatch, ssml)
    assert [[w.spoken for w in c.words] for c in chunks] == [["hello", "there"], ["how", "are", "you"], ["today"]]
    spk0, spk1 = synth.speaker_vector("spk0"), synth.speaker_vector("spk1")
    assert not np.allclose(spk0, spk1)
    np.testing.assert_array_equal(used[0], spk0)
    np.testing.assert_array_equal(used[1], spk1)
    np.testing.assert_array_equal(used[2], spk0)  # the caller's voice again after </voice>
    # the chunk sounds as the same words do when spk1 is the caller's voice
    alone = "<speak>Hello there. How are you</speak>"
    direct = list(synth.synthesize(alone, SynthesisConfig(ssml=True, voice="spk1")))
    speech = len(chunks[1].samples)  # (direct[1] ends the text: the sentence pause follows)
    np.testing.assert_array_equal(chunks[1].samples, direct[1].samples[:speech])
    assert not direct[1].samples[speech:].any()
    # a name no voice has keeps the caller's voice (here a blend), and says so once
    blend = "spk2:0.5+spk1:0.5"
    ssml = '<speak>a <voice name="nobody">b</voice> c <voice name="nobody">d</voice></speak>'
    used, _ = speakers_used(synth, monkeypatch, ssml, SynthesisConfig(ssml=True, voice=blend))
    assert len(used) == 4 and all(np.array_equal(u, synth.speaker_vector(blend)) for u in used)
    assert synth.ssml_warnings(ssml) == ('no voice is named "nobody"; the current voice is kept',)


def test_voice_by_gender_uses_the_voices_sex(synth, monkeypatch):
    voices = (
        VoiceInfo("spk0", "female", "US", "test"),
        VoiceInfo("spk1", "male", "US", "test"),
        VoiceInfo("spk2", "male", "US", "test"),
    )
    monkeypatch.setattr(synth, "voices", voices)
    ssml = (
        '<speak>One. <voice gender="male">two <voice variant="2">three</voice> four</voice> '
        '<voice gender="female">five</voice> <voice gender="child">six</voice></speak>'
    )
    used, chunks = speakers_used(synth, monkeypatch, ssml)
    assert [[w.spoken for w in c.words] for c in chunks] == [["one"], ["two"], ["three"], ["four"], ["five"], ["six"]]
    expected = ["spk0", "spk1", "spk2", "spk1", "spk0", "spk0"]
    for vector, name in zip(used, expected):
        np.testing.assert_array_equal(vector, synth.speaker_vector(name))
    monkeypatch.setattr(synth, "voices", voices)
    assert synth.ssml_warnings(ssml) == ('no voice matches gender="child"; the current voice is kept',)


def test_synthesize_reads_everything_and_logs_the_warnings_once(synth, caplog):
    ssml = (
        '<speak><foo>a</foo> <foo>b</foo> <audio src="x.wav">c</audio> <lang xml:lang="fr">d</lang>'
        '<voice gender="child">e</voice> <voice gender="child">f</voice><![CDATA[ g & h ]]></speak>'
    )
    with caplog.at_level(logging.INFO, logger="bittts.engine.synthesis"):
        chunks = list(synth.synthesize(ssml, SSML))
    assert [w.spoken for c in chunks for w in c.words] == ["a", "b", "c", "d", "e", "f", "g", "and", "h"]
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("SSML: ")]
    assert len(lines) == 4 and len(set(lines)) == 4  # <foo> and gender="child" twice, said once
    assert any("unknown elements" in line for line in lines)
    assert any('gender="child"' in line for line in lines)


def test_front_end_process_ssml_carries_the_voice(lexicon):
    fe = TextFrontEnd(lexicon)
    out = list(fe.process_ssml('<speak>a b <voice name="x">c</voice></speak>'))
    assert [c.chunk.voice for c in out] == [None, VoiceRequest(names=("x",))]
    assert fe.parse_ssml_document("<speak><foo>x</foo></speak>").warnings


def test_many_distinct_unknown_elements_make_one_short_line_in_linear_time():
    import time

    ssml = "<speak>" + "".join(f"<x{i}>a</x{i}>" for i in range(20_000)) + "</speak>"
    started = time.process_time()
    document = parse_ssml_document(ssml)
    cpu = time.process_time() - started
    assert len(document.items) == 20_000
    assert document.warnings == ("unknown elements ignored, their text is read: <x0>, <x1>, <x2> and 19997 more",)
    assert cpu < 20  # about 0.5 s here; each detail is kept once in a dict, not looked up in a list
