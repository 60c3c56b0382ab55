"""The lexicon blob: full-dictionary round trip, size, load time and hostile blobs."""

import struct
import time
import zlib

import pytest

from bittts.engine.text.lexicon import (
    CORRECTIONS,
    LEXICON_MAGIC,
    SUPPLEMENT,
    Lexicon,
    LexiconError,
    encode_lexicon,
    normalize_key,
)

MAX_BLOB_BYTES = 700_000  # measured: about 578 kB with lzma


def test_full_dictionary_round_trip(cmu_entries, lexicon):
    assert len(lexicon) == len(cmu_entries)
    for word, prons in cmu_entries.items():
        expected = tuple(dict.fromkeys(tuple(p) for p in prons))
        assert lexicon.lookup(word) == expected, word


def test_blob_is_compact(lexicon_blob, cmu_entries):
    assert len(lexicon_blob) < MAX_BLOB_BYTES
    assert len(cmu_entries) > 120_000  # the size bound means something only on the full dict


def test_zlib_codec_round_trips_too(cmu_entries, lexicon):
    blob = encode_lexicon(cmu_entries, codec="zlib")
    assert len(blob) < 1_000_000
    other = Lexicon.from_bytes(blob)
    assert other.words() == lexicon.words()
    assert all(other.lookup(w) == lexicon.lookup(w) for w in lexicon.words()[::997])
    assert dict(other.items())["read"] == (("R", "EH1", "D"), ("R", "IY1", "D"))


def test_load_is_fast(lexicon_blob):
    best = min(_timed(lambda: Lexicon.from_bytes(lexicon_blob)) for _ in range(2))
    # ~0.2 s here on a shared core; the bound leaves room for a busy CI machine.
    assert best < 1.0


def _timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def test_lookup(lexicon):
    assert lexicon.lookup("read") == (("R", "EH1", "D"), ("R", "IY1", "D"))
    assert lexicon.first("Hello") == lexicon.first("hello")
    assert lexicon.lookup("it\u2019s") == lexicon.lookup("it's")
    assert lexicon.lookup("caf\u00e9") == lexicon.lookup("cafe") != ()
    assert lexicon.lookup("qwzxv") == ()
    assert "miz" in lexicon and lexicon.first("miz") == SUPPLEMENT["miz"][0]
    assert "qwzxv" not in lexicon
    assert lexicon.words_with_prefix("abandon")[:2] == ["abandon", "abandoned"]


def test_corrections_replace_wrong_cmudict_readings(lexicon):
    assert lexicon.lookup("snappiest") == (("S", "N", "AE1", "P", "IY0", "AH0", "S", "T"),)  # not IH0 EH2 S T
    assert "R" in lexicon.first("stereolab")
    assert all(lexicon.lookup(w) == tuple(prons) for w, prons in CORRECTIONS.items())


def test_words_are_sorted_and_unique(lexicon):
    words = lexicon.words()
    assert words == sorted(set(words))


def test_small_entries_round_trip():
    entries = {"b": [["B", "IY1"]], "a": [["EY1"], ["AH0"], ["EY1"]], "ab": [["AE1", "B"]]}
    lex = Lexicon.from_entries(entries)
    assert lex.words() == ["a", "ab", "b"]
    assert lex.lookup("a") == (("EY1",), ("AH0",))  # order kept, duplicate dropped


def test_encode_refuses_bad_entries():
    with pytest.raises(LexiconError, match="not an ARPAbet phone"):
        encode_lexicon({"x": [["EH1", "KS"]]})
    with pytest.raises(LexiconError, match="phones"):
        encode_lexicon({"x": [[]]})
    with pytest.raises(LexiconError, match="empty word"):
        encode_lexicon({"": [["AH0"]]})
    with pytest.raises(LexiconError, match="codec"):
        encode_lexicon({"a": [["AH0"]]}, codec="rar")


def _small_blob(codec="zlib"):
    return encode_lexicon({"cat": [["K", "AE1", "T"]], "cats": [["K", "AE1", "T", "S"]]}, codec=codec)


def test_hostile_blobs_are_refused_with_the_field_named():
    good = _small_blob()
    assert Lexicon.from_bytes(good).first("cats") == ("K", "AE1", "T", "S")
    with pytest.raises(LexiconError, match="header"):
        Lexicon.from_bytes(good[:10])
    with pytest.raises(LexiconError, match="magic"):
        Lexicon.from_bytes(b"XXXX" + good[4:])
    with pytest.raises(LexiconError, match="version"):
        Lexicon.from_bytes(good[:4] + struct.pack("<H", 99) + good[6:])
    with pytest.raises(LexiconError, match="codec"):
        Lexicon.from_bytes(good[:6] + b"\x07" + good[7:])
    with pytest.raises(LexiconError, match="decompress"):
        Lexicon.from_bytes(good[:32] + b"garbage")
    with pytest.raises(LexiconError, match="crc32"):
        Lexicon.from_bytes(good[:28] + b"\0\0\0\0" + good[32:])


def _reencode(payload: bytes, header_fields: dict) -> bytes:
    """A blob with a forged (but CRC-correct) payload and header."""
    fields = {
        "magic": LEXICON_MAGIC,
        "version": 1,
        "codec": 1,
        "r1": 0,
        "n_phones": 69,
        "r2": 0,
        "n_words": 2,
        "n_prons": 2,
        "n_phone_ids": 4,
        "suffix_bytes": 4,
    }
    fields.update(header_fields)
    header = struct.pack("<4sHBBHHIIIII", *fields.values(), zlib.crc32(payload))
    return header + zlib.compress(payload)


def test_forged_counts_are_refused():
    good = _small_blob()
    payload = zlib.decompress(good[32:])
    assert Lexicon.from_bytes(_reencode(payload, {})).first("cat") == ("K", "AE1", "T")
    with pytest.raises(LexiconError, match="past the end"):
        Lexicon.from_bytes(_reencode(payload, {"n_phone_ids": 50}))
    with pytest.raises(LexiconError):
        Lexicon.from_bytes(_reencode(payload + b"\0", {}))
    # a phone id beyond the table
    bad = bytearray(payload)
    bad[-1] = 200
    with pytest.raises(LexiconError, match="phone_ids"):
        Lexicon.from_bytes(_reencode(bytes(bad), {}))


def test_normalize_key():
    assert normalize_key("Na\u00efve") == "naive"
    assert normalize_key("Don\u2019t") == "don't"


def test_forged_front_coding_is_refused_with_the_item_named():
    payload = zlib.decompress(_small_blob()[32:])  # ... prefix_len suffix_len suffixes pron_count shared_len
    # suffix_count phone_ids: "cat", "cats" (prefix 3 + "s"); K AE1 T, then 3 shared + S

    def forged(offset_from_end: int, value: bytes) -> bytes:
        bad = bytearray(payload)
        start = len(bad) - offset_from_end
        bad[start : start + len(value)] = value
        return _reencode(bytes(bad), {})

    with pytest.raises(LexiconError, match=r"prefix_len\[1\] = 4 exceeds the previous word"):
        Lexicon.from_bytes(forged(17, b"\x04"))
    with pytest.raises(LexiconError, match="word 0 is not valid UTF-8"):
        Lexicon.from_bytes(forged(14, b"c\xff"))
    with pytest.raises(LexiconError, match=r"shared_len\[1\] = 4 exceeds the previous pronunciation"):
        Lexicon.from_bytes(forged(7, b"\x04"))
    with pytest.raises(LexiconError, match="pronunciation 0 is empty"):
        Lexicon.from_bytes(forged(8, b"\x00\x00\x00\x04"))  # shared 0, 0; counts 0, 4
