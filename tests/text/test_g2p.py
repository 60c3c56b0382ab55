"""The out-of-vocabulary fallback G2P."""

from bittts.engine.text.g2p import (
    G2P, FallbackG2P, add_s, letter_phones, letter_to_sound)
from bittts.engine.text.phones import ARPABET_SET, is_vowel


def test_protocol():
    assert isinstance(FallbackG2P(), G2P)


def test_known_word_uses_lexicon(lexicon):
    assert FallbackG2P(lexicon).phonemes("cat") == ["K", "AE1", "T"]


def test_possessive_of_known_word(lexicon):
    g = FallbackG2P(lexicon)
    assert g.phonemes("zorro's") == list(lexicon.first("zorro")) + ["Z"]


def test_subword_split(lexicon):
    g = FallbackG2P(lexicon)
    assert "keyboardwise" not in lexicon
    assert g.split("keyboardwise") == ["keyboard", "wise"]
    out = g.phonemes("keyboardwise")
    assert out[: len(lexicon.first("keyboard"))] == list(lexicon.first("keyboard"))
    assert "AY2" in out  # the second part's primary stress is demoted


def test_letter_to_sound_rules():
    assert letter_to_sound("blick") == ["B", "L", "IH1", "K"]
    assert letter_to_sound("frate") == ["F", "R", "EY1", "T"]
    assert letter_to_sound("shomp") == ["SH", "AA1", "M", "P"]
    assert letter_to_sound("zeetion") == ["Z", "IY1", "SH", "AH0", "N"]
    assert letter_to_sound("knipe")[0] == "N"


def test_rules_give_valid_phones_with_one_primary_stress():
    for word in ["blorfington", "quaxy", "thwimble", "strengthful", "yargle", "cyberzoid",
                 "phlogistonic", "aaa", "eeek", "bryth"]:
        out = letter_to_sound(word)
        assert out and all(p in ARPABET_SET for p in out), (word, out)
        assert sum(p.endswith("1") for p in out if is_vowel(p)) == 1, (word, out)


def test_no_vowel_strings_are_spelled(lexicon):
    assert FallbackG2P(lexicon).phonemes("xkcdq") == [
        p for c in "xkcdq" for p in letter_phones(c)]


def test_letter_phones():
    assert letter_phones("w") == ["D", "AH1", "B", "AH0", "L", "Y", "UW0"]
    assert letter_phones("x's") == ["EH1", "K", "S", "IH0", "Z"]
    assert letter_phones("ds") == ["D", "IY1", "Z"]
    assert add_s(["K", "AE1", "T"]) == ["K", "AE1", "T", "S"]
