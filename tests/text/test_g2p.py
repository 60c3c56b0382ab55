"""The out-of-vocabulary fallback G2P."""

from bittts.engine.text.g2p import G2P, FallbackG2P, add_s, letter_phones, letter_to_sound
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
    for word in [
        "blorfington",
        "quaxy",
        "thwimble",
        "strengthful",
        "yargle",
        "cyberzoid",
        "phlogistonic",
        "aaa",
        "eeek",
        "bryth",
    ]:
        out = letter_to_sound(word)
        assert out and all(p in ARPABET_SET for p in out), (word, out)
        assert sum(p.endswith("1") for p in out if is_vowel(p)) == 1, (word, out)


def test_no_vowel_strings_are_spelled(lexicon):
    assert FallbackG2P(lexicon).phonemes("xkcdq") == [p for c in "xkcdq" for p in letter_phones(c)]


def test_letter_phones():
    assert letter_phones("w") == ["D", "AH1", "B", "AH0", "L", "Y", "UW0"]
    assert letter_phones("x's") == ["EH1", "K", "S", "IH0", "Z"]
    assert letter_phones("ds") == ["D", "IY1", "Z"]
    assert add_s(["K", "AE1", "T"]) == ["K", "AE1", "T", "S"]


def _edit_distance(a, b):
    d = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        prev, d[0] = d[0], i
        for j in range(1, len(b) + 1):
            cur = d[j]
            d[j] = min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] != b[j - 1]))
            prev = cur
    return d[-1]


def test_fallback_quality_on_held_out_words(cmu_entries):
    """Phone error rate (stress ignored) on dictionary words the fallback never saw.

    Measured: about 0.19 for the whole fallback, 0.20 for the rules alone (2000 words).
    """
    import random

    from bittts.engine.text.lexicon import Lexicon

    words = sorted(w for w in cmu_entries if w.isalpha())
    held_out = set(random.Random(0).sample(words, 500))
    lex = Lexicon.from_entries({w: p for w, p in cmu_entries.items() if w not in held_out})
    g2p = FallbackG2P(lex)
    strip = lambda ps: [p.rstrip("012") for p in ps]  # noqa: E731
    errors = total = 0
    for w in sorted(held_out):
        hyp = strip(g2p.phonemes(w))
        errors += min(_edit_distance(hyp, strip(ref)) for ref in cmu_entries[w])
        total += len(cmu_entries[w][0])
    assert errors / total < 0.25


def test_a_word_of_100k_letters_takes_linear_time(lexicon):
    # issue 29: the sub-word split was quadratic (100k letters took minutes)
    import time

    g = FallbackG2P(lexicon)
    started = time.process_time()
    g.phonemes("x" * 100_000)
    assert time.process_time() - started < 3.0  # CPU seconds; the quadratic split took minutes
    assert g.split("keyboardwise") is not None  # real compounds still split
