"""The phone inventory is an explicit ordered list; ids are stable."""

import pytest

from bittts.engine.text import phones


def test_inventory_layout():
    s = phones.SYMBOLS
    assert s[0] == phones.PAD == "<pad>"
    assert s[:7] == ("<pad>", "<bos>", "<eos>", "<unk>", "<wb>", "<sp>", "<sil>")
    assert len(s) == 4 + 3 + 8 + 15 * 3 + 24 == 84
    assert len(set(s)) == len(s)
    assert phones.PHONE_INVENTORY_VERSION == 1


def test_ids_round_trip():
    for i, sym in enumerate(phones.SYMBOLS):
        assert phones.phone_to_id(sym) == i
        assert phones.id_to_phone(i) == sym
    with pytest.raises(KeyError, match="XX"):
        phones.phone_to_id("XX")
    with pytest.raises(IndexError):
        phones.id_to_phone(len(phones.SYMBOLS))


def test_arpabet_set_covers_cmudict(cmu_entries):
    used = {p for prons in cmu_entries.values() for pron in prons for p in pron}
    assert used <= phones.ARPABET_SET
    assert len(phones.ARPABET) == 69


def test_helpers():
    assert phones.is_vowel("AH0") and phones.is_vowel("AH") and not phones.is_vowel("T")
    assert phones.split_stress("EY1") == ("EY", 1)
    assert phones.split_stress("SH") == ("SH", None)
