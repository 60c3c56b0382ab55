"""Phonemization: lexicon, homographs, letters, 'the', user dictionary and OOV fallback."""

import pytest

from bittts.engine.text.normalize import normalize
from bittts.engine.text.phonemize import phonemize
from bittts.engine.text.user_dict import UserDict


def phones_of(text, lexicon, word, user_dict=None, nth=0):
    """The phones of the nth occurrence of ``word`` in ``text``, as one string."""
    hits = [" ".join(p) for w, p in phonemize(normalize(text), lexicon, user_dict) if w.text == word]
    return hits[nth]


HOMOGRAPH_CASES = [
    ("I have read the book.", "read", "R EH1 D"),
    ("I will read it tomorrow.", "read", "R IY1 D"),
    ("She read it yesterday.", "read", "R EH1 D"),
    ("It was read aloud.", "read", "R EH1 D"),
    ("She read the letter twice.", "read", "R EH1 D"),
    ("They read books every night.", "read", "R IY1 D"),
    ("We watched live music.", "live", "L AY1 V"),
    ("Where do you live?", "live", "L IH1 V"),
    ("The show is live now.", "live", "L AY1 V"),
    ("Lead poisoning is dangerous.", "lead", "L EH1 D"),
    ("A pipe made of lead.", "lead", "L EH1 D"),
    ("She will lead the team.", "lead", "L IY1 D"),
    ("He set a new world record.", "record", "R EH1 K ER0 D"),
    ("Please record the meeting.", "record", "R IH0 K AO1 R D"),
    ("We record every call.", "record", "R IH0 K AO1 R D"),
    ("I bought a present for her.", "present", "P R EH1 Z AH0 N T"),
    ("They will present the results.", "present", "P R IY0 Z EH1 N T"),
    ("The object fell down.", "object", "AA1 B JH EH0 K T"),
    ("I object to that.", "object", "AH0 B JH EH1 K T"),
    ("The wind is strong.", "wind", "W IH1 N D"),
    ("Wind the clock.", "wind", "W AY1 N D"),
    ("Let us wind down.", "wind", "W AY1 N D"),
    ("A tear rolled down.", "tear", "T IH1 R"),
    ("Do not tear the page.", "tear", "T EH1 R"),
    ("Normal wear and tear.", "tear", "T EH1 R"),
    ("Please close the door.", "close", "K L OW1 Z"),
    ("She is close to me.", "close", "K L OW1 S"),
    ("That was very close.", "close", "K L OW1 S"),
    ("The station is close.", "close", "K L OW1 S"),
    ("The shops close at nine.", "close", "K L OW1 Z"),
    ("What is the use of it?", "use", "Y UW1 S"),
    ("I use it daily.", "use", "Y UW1 Z"),
    ("It is in use.", "use", "Y UW1 S"),
    ("I used to swim.", "used", "Y UW1 S T"),
    ("It was used to cut.", "used", "Y UW1 Z D"),
    ("Wait a minute.", "minute", "M IH1 N AH0 T"),
    ("A minute amount of salt.", "minute", "M AY0 N UW1 T"),
    ("The wound healed.", "wound", "W UW1 N D"),
    ("He wound up the clock.", "wound", "W AW1 N D"),
    ("He plays bass guitar.", "bass", "B EY1 S"),
    ("We caught a bass.", "bass", "B AE1 S"),
    ("Bass fishing is fun.", "bass", "B AE1 S"),
    ("The actors bow to the crowd.", "bow", "B AW1"),
    ("He took a bow.", "bow", "B AW1"),
    ("A bow and arrow.", "bow", "B OW1"),
    ("She wore a pink bow.", "bow", "B OW1"),
    ("A row of houses.", "row", "R OW1"),
    ("Three wins in a row.", "row", "R OW1"),
    ("They had a blazing row.", "row", "R AW1"),
    ("A row over money.", "row", "R AW1"),
]


@pytest.mark.parametrize("text,word,expected", HOMOGRAPH_CASES, ids=[c[0] for c in HOMOGRAPH_CASES])
def test_homographs(lexicon, text, word, expected):
    assert phones_of(text, lexicon, word) == expected


def test_homograph_context_stops_at_sentence_end(lexicon):
    # "read" begins a new sentence: "was" before the full stop must not make it past tense
    assert phones_of("It was. Read this.", lexicon, "read") == "R IY1 D"


def test_the_before_vowel_sound(lexicon):
    assert phones_of("the apple", lexicon, "the") == "DH IY0"
    assert phones_of("the FBI", lexicon, "the") == "DH IY0"  # "eff"
    assert phones_of("the cat", lexicon, "the") == "DH AH0"
    assert phones_of("the user", lexicon, "the") == "DH AH0"  # "you-"
    assert phones_of("the hour", lexicon, "the") == "DH IY0"  # silent h


def test_letters_use_letter_names(lexicon):
    out = phonemize(normalize("the FBI's CDs"), lexicon)
    assert [" ".join(p) for w, p in out][1:] == ["EH1 F", "B IY1", "AY1 Z", "S IY1", "D IY1 Z"]
    # the article "a" is not the letter "A"
    assert phones_of("a cat", lexicon, "a") == "AH0"
    assert phones_of("the USA", lexicon, "a") == "EY1"


def test_every_word_gets_phones(lexicon):
    text = "Zyxqb flurbington's ngwe xkcd keyboardwise! On 3/4/2021 Dr. Plimpton paid $4.50 at www.snorkblat.io."
    for w, p in phonemize(normalize(text), lexicon):
        assert p, w
        assert all(ph[-1] in "012" or ph.isalpha() for ph in p)


def test_user_dict_comes_first(tmp_path, lexicon):
    ud = UserDict(tmp_path / "u.json")
    ud.add("tomato", arpabet="T AH0 M AA1 T OW2")
    ud.add("nguyen", respell="win")
    ud.add("read", arpabet="R EH1 D")  # overrides the homograph rule too
    assert phones_of("a tomato", lexicon, "tomato", ud) == "T AH0 M AA1 T OW2"
    assert phones_of("Mr. Nguyen", lexicon, "nguyen", ud) == "W IH1 N"
    assert phones_of("I will read", lexicon, "read", ud) == "R EH1 D"
    assert phones_of("a tomato", lexicon, "tomato") == "T AH0 M EY1 T OW2"


def test_respelling_with_several_words(tmp_path, lexicon):
    ud = UserDict(tmp_path / "u.json")
    ud.add("gif", respell="jif")
    ud.add("sql", respell="sequel")
    ud.add("xyzzy", respell="zizzy 2")
    assert phones_of("a GIF", lexicon, "gif", ud) == " ".join(lexicon.first("jif"))
    assert phones_of("xyzzy", lexicon, "xyzzy", ud).endswith("T UW1")


def test_result_pairs(lexicon):
    words = normalize("Hello there.")
    out = phonemize(words, lexicon)
    assert [w for w, _ in out] == words
    word, phones = out[1]
    assert word.text == "there" and phones == ["DH", "EH1", "R"]
