"""The TextFrontEnd facade and the phone id layout."""

import pytest

from bittts.engine.text import TextFrontEnd, UserDict
from bittts.engine.text.frontend import encode_phones
from bittts.engine.text.normalize import Word
from bittts.engine.text.phones import PHONE_TO_ID, SYMBOLS


def test_staged_steps(lexicon):
    fe = TextFrontEnd(lexicon)
    text = "Hello, Dr. Smith. It costs $4.50?"
    chunks = fe.chunks(text)
    assert [c.text for c in chunks] == ["Hello, Dr. Smith.", "It costs $4.50?"]
    ph = fe.phonemize(chunks[0].words)
    assert [w.text for w, _ in ph] == ["hello", "doctor", "smith"]
    seq = fe.phone_sequence(ph)
    assert seq.symbols == (
        "<bos>",
        "HH",
        "AH0",
        "L",
        "OW1",
        ",",
        "D",
        "AA1",
        "K",
        "T",
        "ER0",
        "<wb>",
        "S",
        "M",
        "IH1",
        "TH",
        ".",
        "<eos>",
    )
    assert list(seq.ids) == fe.phone_ids(ph) == [PHONE_TO_ID[s] for s in seq.symbols]
    assert seq.word_index == (-1, 0, 0, 0, 0, -1, 1, 1, 1, 1, 1, -1, 2, 2, 2, 2, -1, -1)


def test_process_yields_every_stage(lexicon):
    fe = TextFrontEnd(lexicon)
    out = list(fe.process("One. Two? Three!"))
    assert [c.chunk.text for c in out] == ["One.", "Two?", "Three!"]
    assert [c.phones.symbols[-2] for c in out] == [".", "?", "!"]
    assert all(SYMBOLS[i] == s for c in out for i, s in zip(c.phones.ids, c.phones.symbols))


def test_user_dict_through_facade(tmp_path, lexicon):
    ud = UserDict(tmp_path / "u.json")
    ud.add("smith", arpabet="S M IY1 TH")
    fe = TextFrontEnd(lexicon, user_dict=ud)
    ph = fe.phonemize(fe.normalize("Smith"))
    assert ph[0].phones == ["S", "M", "IY1", "TH"]


def test_unknown_phone_becomes_unk():
    seq = encode_phones([(Word("x", 0, 1), ["K", "QQ"])])
    assert seq.symbols == ("<bos>", "K", "<unk>", "<eos>")


def test_word_index_lets_timestamps_map_to_text(lexicon):
    fe = TextFrontEnd(lexicon)
    text = "Pay $4.50 now"
    words = fe.normalize(text)
    seq = fe.phone_sequence(fe.phonemize(words))
    spans = {text[words[i].start : words[i].end] for i in seq.word_index if i >= 0}
    assert spans == {"Pay", "$4.50", "now"}


def test_user_dict_words_are_not_spelled_or_expanded(tmp_path, lexicon):
    ud = UserDict(tmp_path / "u.json")
    ud.add("FBI", arpabet="F IH1 B IY0")
    ud.add("mp3", respell="em pee three")
    fe = TextFrontEnd(lexicon, user_dict=ud)
    text = "The FBI likes MP3 files."
    words = fe.normalize(text)
    assert [w.text for w in words] == ["the", "fbi", "likes", "mp3", "files"]
    assert [text[w.start : w.end] for w in words][1] == "FBI"
    ph = {w.text: p for w, p in fe.phonemize(words)}
    assert ph["fbi"] == ["F", "IH1", "B", "IY0"]
    assert ph["mp3"] == ["EH1", "M", "P", "IY1", "TH", "R", "IY1"]
    # the cache of entry words follows edits
    ud.remove("fbi")
    assert [w.text for w in fe.normalize("FBI")] == ["f", "b", "i"]
    # chunks() and process() use the same words
    assert "mp3" in [w.text for w in fe.chunks(text)[0].words]
    assert "mp3" in [w.text for w, _ in next(fe.process(text)).phonemized]


def test_process_is_lazy_and_equals_the_whole_text_path(lexicon):
    fe = TextFrontEnd(lexicon, max_words=12, min_words=3)
    paragraph = (
        "On 03/04/2021 Dr. Lee read 1500 pages, and in 1987 she paid $4.50 for tea. "
        "The wind blew hard all day long and nobody wanted to close the old door "
        "because the lead singer was still singing loudly in the hall. "
    ) * 60
    text = paragraph + "\n\nA second paragraph\u2026 It ends here!"
    out = list(fe.process(text))
    assert [c.chunk for c in out] == fe.chunks(text)
    assert [w for c in out for w in c.chunk.words] == fe.normalize(text)
    for c in out:
        assert list(c.phonemized) == fe.phonemize(c.chunk.words)
        assert c.phones == encode_phones(c.phonemized)
    spans = [(c.chunk.start, c.chunk.end) for c in out]
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))


def test_date_order_reaches_every_stage(lexicon):
    text = "Due 03/04/2021."
    us, uk = TextFrontEnd(lexicon), TextFrontEnd(lexicon, date_order="DMY")
    assert [w.text for w in us.normalize(text)][1:3] == ["march", "fourth"]
    assert [w.text for w in uk.normalize(text)][1:4] == ["the", "third", "of"]
    assert [w.text for w in uk.chunks(text)[0].words] == [w.text for w in uk.normalize(text)]
    first = next(uk.process(text))
    assert [w.text for w, _ in first.phonemized][4] == "april"


def test_unknown_date_order_is_refused_at_construction(lexicon):
    with pytest.raises(ValueError, match="date_order"):
        TextFrontEnd(lexicon, date_order="mdy")
