"""The lexicon blob is no decompression bomb (issue 29): its payload inflates to at most
``MAX_PAYLOAD_BYTES`` and a blob that asks for more is refused before memory runs out."""

import lzma
import struct
import tracemalloc
import zlib

import pytest

from bittts.engine.text import lexicon as lexicon_module
from bittts.engine.text.lexicon import CODEC_LZMA, CODEC_ZLIB, LEXICON_MAGIC, Lexicon, LexiconError, encode_lexicon

LIMIT = 1 << 20  # the test's limit; the real one is MAX_PAYLOAD_BYTES


def _blob(codec: int, payload: bytes, body: bytes | None = None) -> bytes:
    if body is None:
        body = lzma.compress(payload, preset=1) if codec == CODEC_LZMA else zlib.compress(payload, 1)
    header = struct.pack("<4sHBBHHIIIII", LEXICON_MAGIC, 1, codec, 0, 0, 0, 0, 0, 0, 0, zlib.crc32(payload))
    return header + body


@pytest.mark.parametrize("codec", [CODEC_LZMA, CODEC_ZLIB])
def test_a_bomb_is_refused_without_inflating_it(monkeypatch, codec):
    monkeypatch.setattr(lexicon_module, "MAX_PAYLOAD_BYTES", LIMIT, raising=False)
    bomb = _blob(codec, b"\0" * (16 * LIMIT))  # 16 MiB of zeros in a few KB
    assert len(bomb) < LIMIT // 8
    tracemalloc.start()
    try:
        with pytest.raises(LexiconError, match="past its limit"):
            Lexicon.from_bytes(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * LIMIT, peak  # the output and the xz dictionary; inflating all of it is 16 * LIMIT


def test_the_real_limit_leaves_room_for_the_dictionary(lexicon_blob):
    assert lexicon_module.MAX_PAYLOAD_BYTES >= 8 * len(lzma.decompress(lexicon_blob[32:]))
    assert Lexicon.from_bytes(lexicon_blob).first("hello") == ("HH", "AH0", "L", "OW1")


@pytest.mark.parametrize("codec", ["lzma", "zlib"])
def test_truncated_or_trailing_streams_are_refused(codec):
    blob = encode_lexicon({"cat": [("K", "AE1", "T")]}, codec=codec)
    assert Lexicon.from_bytes(blob).first("cat") == ("K", "AE1", "T")
    with pytest.raises(LexiconError, match="truncated|does not decompress"):
        Lexicon.from_bytes(blob[:-8])
    with pytest.raises(LexiconError, match="after its compressed stream"):
        Lexicon.from_bytes(blob + b"junk")


def test_an_xz_stream_that_wants_a_huge_dictionary_is_refused():
    payload = b"x" * 1000
    body = lzma.compress(payload, format=lzma.FORMAT_XZ, filters=[{"id": lzma.FILTER_LZMA2, "dict_size": 1 << 30}])
    with pytest.raises(LexiconError, match="does not decompress"):
        Lexicon.from_bytes(_blob(CODEC_LZMA, payload, body))
