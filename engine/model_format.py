"""The packed model format (``.bttm``): the one module that defines it.

The layout is specified field by field in docs/model-format.md; keep the two in step. Training's
exporter writes files with :class:`ModelWriter`; the engine reads them with :class:`ModelFile`,
which maps the file instead of copying it and checks every count, length and offset before it
uses it. Anything wrong with a file raises :class:`ModelFormatError` naming the field.
"""

from __future__ import annotations

import hashlib
import math
import mmap
import os
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from bittts.engine.files import InputFileError, open_regular_file, write_atomically

MAGIC = b"BTTSMODL"
VERSION = 1  # changes only when the layout changes
ALIGNMENT = 64
CHECKSUM_SIZE = 32  # SHA-256 of every byte before it
HEADER = struct.Struct(
    "<8sIIIIII QQ"
)  # magic, version, flags, n_meta, n_tensors, n_blobs, reserved, data_offset, data_size

# Limits a reader enforces so that a hostile file cannot make it allocate or loop without bound.
MAX_ENTRIES = 65_536
MAX_BLOBS = 1_024
MAX_STRING = 1 << 20
MAX_NDIM = 8
MAX_BLOB_RAW = 256 << 20


class ModelFormatError(ValueError):
    """The file is not a valid packed model; the message names what is wrong and where."""


class ValueType(IntEnum):
    """Metadata value types."""

    BOOL = 0
    INT64 = 1
    FLOAT64 = 2
    STRING = 3
    ARRAY = 4  # followed by the element type (not ARRAY) and a u32 count


class DType(IntEnum):
    """Tensor data types."""

    F32 = 0
    F16 = 1
    I8 = 2
    TERNARY = 3  # 5 trits per byte, rows padded to whole bytes (see pack_trits)


class BlobEncoding(IntEnum):
    RAW = 0
    ZLIB = 1


_NUMPY_DTYPES: dict[DType, np.dtype] = {
    DType.F32: np.dtype("<f4"),
    DType.F16: np.dtype("<f2"),
    DType.I8: np.dtype("i1"),
}
_SCALAR = {
    ValueType.BOOL: struct.Struct("<?"),
    ValueType.INT64: struct.Struct("<q"),
    ValueType.FLOAT64: struct.Struct("<d"),
}


# --- ternary weight indexing -------------------------------------------------------------

TRITS_PER_BYTE = 5
_POWERS = np.array([1, 3, 9, 27, 81], dtype=np.int32)
# TRIT_TABLE[b] = the five weights (digit 0 first) of byte b; bytes above 242 are invalid.
TRIT_TABLE = ((np.arange(243)[:, None] // _POWERS) % 3 - 1).astype(np.int8)


def packed_row_bytes(row_length: int) -> int:
    return -(-row_length // TRITS_PER_BYTE)


def pack_trits(weights: np.ndarray) -> np.ndarray:
    """int weights [rows, row_length] in {-1, 0, 1} -> uint8 [rows, ceil(row_length / 5)].

    Byte j of a row holds weights 5j..5j+4 as sum_i (w_(5j+i) + 1) * 3^i (digit 0 = first
    weight). A row's last byte is padded with zero weights (digit 1), so every row starts on
    a byte boundary and a kernel can decode rows independently.
    """
    w = np.asarray(weights)
    if w.ndim != 2:
        raise ValueError(f"pack_trits takes [rows, row_length], got shape {w.shape}")
    if w.size and (w.min() < -1 or w.max() > 1):
        raise ValueError("ternary weights must be in {-1, 0, 1}")
    rows, length = w.shape
    width = packed_row_bytes(length)
    digits = np.ones((rows, width * TRITS_PER_BYTE), dtype=np.int32)  # padding = weight 0
    digits[:, :length] = w.astype(np.int32) + 1
    return (digits.reshape(rows, width, TRITS_PER_BYTE) @ _POWERS).astype(np.uint8)


def unpack_trits(packed: np.ndarray, row_length: int) -> np.ndarray:
    """Inverse of :func:`pack_trits`: uint8 [rows, ceil(row_length / 5)] -> int8 [rows, row_length]."""
    p = np.asarray(packed, dtype=np.uint8)
    if p.ndim != 2 or p.shape[1] != packed_row_bytes(row_length):
        raise ValueError(f"packed shape {p.shape} does not hold rows of {row_length} trits")
    if p.size and int(p.max()) > 242:
        raise ModelFormatError("ternary data holds a byte above 242 (3^5 - 1)")
    return TRIT_TABLE[p].reshape(p.shape[0], -1)[:, :row_length]


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TensorInfo:
    name: str
    dtype: DType
    shape: tuple[int, ...]
    scales: tuple[float, ...]
    offset: int  # from the start of the data section
    nbytes: int

    @property
    def rows(self) -> int:
        return self.shape[0] if len(self.shape) > 1 else 1

    @property
    def row_length(self) -> int:
        return math.prod(self.shape[1:]) if len(self.shape) > 1 else self.shape[0]

    @property
    def count(self) -> int:
        return math.prod(self.shape)


@dataclass(frozen=True)
class BlobInfo:
    name: str
    encoding: BlobEncoding
    offset: int
    stored_size: int
    raw_size: int


def expected_nbytes(dtype: DType, shape: tuple[int, ...]) -> int:
    count = math.prod(shape)  # Python ints: a hostile shape cannot overflow
    if dtype == DType.TERNARY:
        rows = shape[0] if len(shape) > 1 else 1
        return rows * packed_row_bytes(count // rows if rows else 0)
    return count * _NUMPY_DTYPES[dtype].itemsize


_Code = TypeVar("_Code", bound=IntEnum)


class _Cursor:
    """Bounds-checked little-endian reads from a buffer; every failure names the field."""

    def __init__(self, buf: memoryview, pos: int, end: int):
        self.buf, self.pos, self.end = buf, pos, end

    def take(self, size: int, what: str) -> memoryview:
        if size < 0 or self.pos + size > self.end:
            raise ModelFormatError(f"file is truncated: {what} at byte {self.pos} needs {size} bytes")
        view = self.buf[self.pos : self.pos + size]
        self.pos += size
        return view

    def unpack(self, fmt: struct.Struct, what: str) -> tuple[Any, ...]:
        return fmt.unpack(self.take(fmt.size, what))

    def u8(self, what: str) -> int:
        return self.take(1, what)[0]

    def u32(self, what: str) -> int:
        return struct.unpack("<I", self.take(4, what))[0]

    def u64(self, what: str) -> int:
        return struct.unpack("<Q", self.take(8, what))[0]

    def string(self, what: str) -> str:
        length = self.u32(f"{what} length")
        if length > MAX_STRING:
            raise ModelFormatError(f"{what} claims {length} bytes (limit {MAX_STRING})")
        raw = self.take(length, what)
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ModelFormatError(f"{what} is not valid UTF-8") from exc

    def code(self, kind: type[_Code], where: str, name: str) -> _Code:
        """A u8 field ``name`` of ``where`` that must be a member of ``kind`` (a dtype, an encoding)."""
        raw = self.u8(f"{where} {name}")
        try:
            return kind(raw)
        except ValueError:
            raise ModelFormatError(f"{where} has unknown {name} {raw}") from None

    def count(self, what: str, limit: int, item_size: int) -> int:
        n = self.u32(what)
        if n > limit or n * item_size > self.end - self.pos:
            raise ModelFormatError(f"{what} is {n}, more than the file can hold")
        return n


def _read_value(cur: _Cursor, vtype: int, what: str, allow_array: bool = True) -> Any:
    try:
        vtype = ValueType(vtype)
    except ValueError:
        raise ModelFormatError(f"{what} has unknown value type {vtype}") from None
    if vtype == ValueType.STRING:
        return cur.string(what)
    if vtype == ValueType.ARRAY:
        if not allow_array:
            raise ModelFormatError(f"{what}: arrays of arrays are not allowed")
        etype = cur.u8(f"{what} element type")
        n = cur.count(f"{what} element count", MAX_ENTRIES * 16, 1)
        return [_read_value(cur, etype, f"{what}[{i}]", allow_array=False) for i in range(n)]
    value = cur.unpack(_SCALAR[vtype], what)[0]
    return value


class ModelFile:
    """A packed model, mapped read-only. Immutable; safe to share between threads.

    ``metadata`` is a dict of typed values, ``tensors`` and ``blobs`` map names to their infos.
    :meth:`array` returns zero-copy NumPy views into the mapping.
    """

    def __init__(self, path: str | os.PathLike, verify_checksum: bool = True):
        self.path = Path(path)
        try:
            # a FIFO would wait for a writer, a device never end: refused before anything reads them
            with open(open_regular_file(self.path), "rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                if size < HEADER.size + CHECKSUM_SIZE:
                    raise ModelFormatError(f"{self.path}: {size} bytes is too small for a packed model")
                self._mmap = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except InputFileError as exc:
            raise ModelFormatError(f"{self.path}: {exc}") from None
        except OSError as exc:
            raise ModelFormatError(f"cannot read model file {self.path}: {exc.strerror or exc}") from exc
        self.file_size = size
        self._buf = memoryview(self._mmap)
        try:
            self._parse(verify_checksum)
        except ModelFormatError as exc:
            self.close()
            raise ModelFormatError(f"{self.path}: {exc}") from None

    def _parse(self, verify_checksum: bool) -> None:
        body_end = self.file_size - CHECKSUM_SIZE
        cur = _Cursor(self._buf, 0, body_end)
        magic, version, flags, n_meta, n_tensors, n_blobs, _reserved, data_offset, data_size = cur.unpack(
            HEADER, "header"
        )
        if magic != MAGIC:
            raise ModelFormatError(f"not a BitTTS model (magic {bytes(magic)!r}, expected {MAGIC!r})")
        if version != VERSION:
            raise ModelFormatError(f"format version {version} is not supported (this engine reads version {VERSION})")
        if flags != 0:
            raise ModelFormatError(f"header flags {flags:#x} are not known to this version")
        if n_meta > MAX_ENTRIES or n_tensors > MAX_ENTRIES or n_blobs > MAX_BLOBS:
            raise ModelFormatError(
                f"header counts ({n_meta} metadata, {n_tensors} tensors, {n_blobs} blobs) exceed the limits"
            )
        if data_offset % ALIGNMENT or data_offset > body_end or data_size > body_end - data_offset:
            raise ModelFormatError(f"data section [{data_offset}, +{data_size}) is misaligned or outside the file")
        if verify_checksum:
            stored_checksum = bytes(self._buf[body_end:])
            if hashlib.sha256(self._buf[:body_end]).digest() != stored_checksum:
                raise ModelFormatError("checksum mismatch: the file is corrupted or incomplete")
        cur.end = data_offset  # the tables must end before the data section

        metadata: dict[str, Any] = {}
        for i in range(n_meta):
            key = cur.string(f"metadata[{i}] key")
            if key in metadata:
                raise ModelFormatError(f"metadata key {key!r} appears twice")
            metadata[key] = _read_value(cur, cur.u8(f"metadata {key!r} type"), f"metadata {key!r}")

        tensors: dict[str, TensorInfo] = {}
        for i in range(n_tensors):
            name = cur.string(f"tensor[{i}] name")
            where = f"tensor {name!r}"
            if name in tensors:
                raise ModelFormatError(f"{where} appears twice")
            dtype = cur.code(DType, where, "dtype")
            ndim = cur.u8(f"{where} ndim")
            if not 1 <= ndim <= MAX_NDIM:
                raise ModelFormatError(f"{where} has {ndim} dimensions (1 to {MAX_NDIM} allowed)")
            shape = tuple(cur.u64(f"{where} dim {d}") for d in range(ndim))
            if any(d == 0 or d > data_size * TRITS_PER_BYTE for d in shape):
                raise ModelFormatError(f"{where} has an impossible shape {shape}")
            n_scales = cur.count(f"{where} scale count", MAX_ENTRIES * 16, 4)
            scales = struct.unpack(f"<{n_scales}f", cur.take(4 * n_scales, f"{where} scales"))
            offset, nbytes = cur.u64(f"{where} offset"), cur.u64(f"{where} nbytes")
            info = TensorInfo(name, dtype, shape, scales, offset, nbytes)
            self._check_tensor(info, data_size)
            tensors[name] = info

        blobs: dict[str, BlobInfo] = {}
        for i in range(n_blobs):
            name = cur.string(f"blob[{i}] name")
            where = f"blob {name!r}"
            if name in blobs:
                raise ModelFormatError(f"{where} appears twice")
            encoding = cur.code(BlobEncoding, where, "encoding")
            offset, stored, raw = cur.u64(f"{where} offset"), cur.u64(f"{where} size"), cur.u64(f"{where} raw size")
            if offset % ALIGNMENT or offset > data_size or stored > data_size - offset:
                raise ModelFormatError(f"{where} [{offset}, +{stored}) is misaligned or outside the data section")
            if raw > MAX_BLOB_RAW or (encoding == BlobEncoding.RAW and raw != stored):
                raise ModelFormatError(f"{where} raw size {raw} is inconsistent")
            blobs[name] = BlobInfo(name, encoding, offset, stored, raw)

        spans = sorted(
            [(t.offset, t.offset + t.nbytes, f"tensor {t.name!r}") for t in tensors.values()]
            + [(b.offset, b.offset + b.stored_size, f"blob {b.name!r}") for b in blobs.values()]
        )
        for (_s0, e0, a), (s1, _e1, b) in zip(spans, spans[1:]):
            if s1 < e0:
                raise ModelFormatError(f"{a} and {b} overlap in the data section")

        self.version = version
        self.metadata = metadata
        self.tensors = tensors
        self.blobs = blobs
        self.data_offset = data_offset
        self.data_size = data_size

    @staticmethod
    def _check_tensor(info: TensorInfo, data_size: int) -> None:
        where = f"tensor {info.name!r}"
        if info.nbytes != expected_nbytes(info.dtype, info.shape):
            raise ModelFormatError(
                f"{where} holds {info.nbytes} bytes, its dtype and shape need {expected_nbytes(info.dtype, info.shape)}"
            )
        if info.offset % ALIGNMENT or info.offset > data_size or info.nbytes > data_size - info.offset:
            raise ModelFormatError(f"{where} [{info.offset}, +{info.nbytes}) is misaligned or outside the data section")
        allowed = (0,) if info.dtype in (DType.F32, DType.F16) else (1, info.rows)
        if len(info.scales) not in allowed:
            raise ModelFormatError(
                f"{where} has {len(info.scales)} scales; {info.dtype.name} needs {' or '.join(map(str, allowed))}"
            )
        if not all(np.isfinite(info.scales)):
            raise ModelFormatError(f"{where} has a non-finite scale")

    # --- access -------------------------------------------------------------------------
    def _data(self, offset: int, size: int) -> memoryview:
        start = self.data_offset + offset
        return self._buf[start : start + size]

    def tensor_info(self, name: str) -> TensorInfo:
        try:
            return self.tensors[name]
        except KeyError:
            raise ModelFormatError(f"{self.path}: the model has no tensor {name!r}") from None

    def array(self, name: str) -> np.ndarray:
        """A read-only view of a tensor's stored data: its shape for F32/F16/I8, and for TERNARY
        the packed bytes as uint8 [rows, ceil(row_length / 5)]."""
        info = self.tensor_info(name)
        raw = np.frombuffer(self._data(info.offset, info.nbytes), dtype=np.uint8)
        if info.dtype == DType.TERNARY:
            return raw.reshape(info.rows, packed_row_bytes(info.row_length))
        return raw.view(_NUMPY_DTYPES[info.dtype]).reshape(info.shape)

    def ternary(self, name: str) -> np.ndarray:
        """A TERNARY tensor decoded to int8 {-1, 0, 1} in its logical shape."""
        info = self.tensor_info(name)
        if info.dtype != DType.TERNARY:
            raise ModelFormatError(f"{self.path}: tensor {name!r} is {info.dtype.name}, not TERNARY")
        return unpack_trits(self.array(name), info.row_length).reshape(info.shape)

    def dequantized(self, name: str) -> np.ndarray:
        """Any tensor as float32 in its logical shape (scales applied)."""
        info = self.tensor_info(name)
        values = self.ternary(name) if info.dtype == DType.TERNARY else self.array(name)
        out = values.astype(np.float32)
        if info.scales:
            scales = np.asarray(info.scales, np.float32)
            out = out * (scales.reshape((-1,) + (1,) * (len(info.shape) - 1)) if scales.size > 1 else scales[0])
        return out

    def blob(self, name: str) -> bytes:
        try:
            info = self.blobs[name]
        except KeyError:
            raise ModelFormatError(f"{self.path}: the model has no blob {name!r}") from None
        stored = self._data(info.offset, info.stored_size)
        if info.encoding == BlobEncoding.RAW:
            return bytes(stored)
        inflater = zlib.decompressobj()
        try:
            raw = inflater.decompress(stored, info.raw_size)  # never more than the stated size
        except zlib.error as exc:
            raise ModelFormatError(f"{self.path}: blob {name!r} does not decompress: {exc}") from None
        if len(raw) != info.raw_size or inflater.unconsumed_tail or not inflater.eof:
            raise ModelFormatError(
                f"{self.path}: blob {name!r} does not decompress to its stated {info.raw_size} bytes"
            )
        return raw

    def parameter_count(self) -> int:
        return sum(t.count for t in self.tensors.values())

    def release_pages(self) -> bool:
        """Let the system take back the file's pages that this process has read (the checksum
        reads them all), once the layers are built: the engine computes on its own decoded
        copies, and a page read again later comes back from the file as it was (the mapping
        is read-only). Only the resident size changes. False where the system offers no
        ``madvise(MADV_DONTNEED)`` (Windows)."""
        advice = getattr(mmap, "MADV_DONTNEED", None)
        if advice is None or not hasattr(self._mmap, "madvise"):
            return False
        try:
            self._mmap.madvise(advice)
        except (OSError, ValueError):  # a closed file, or a system that refuses: nothing to release
            return False
        return True

    def close(self) -> None:
        buf = getattr(self, "_buf", None)
        if buf is not None:
            buf.release()
        try:
            self._mmap.close()
        except (AttributeError, BufferError):
            pass  # arrays still view the mapping; it closes when they are gone

    def __enter__(self) -> ModelFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- writing --------------------------------------------------------------------------------


def _encode_string(text: str) -> bytes:
    raw = text.encode("utf-8")
    if len(raw) > MAX_STRING:
        raise ValueError(f"string of {len(raw)} bytes exceeds the format's limit of {MAX_STRING}")
    return struct.pack("<I", len(raw)) + raw


def _value_type(value: Any) -> ValueType:
    if isinstance(value, (bool, np.bool_)):
        return ValueType.BOOL
    if isinstance(value, (int, np.integer)):
        return ValueType.INT64
    if isinstance(value, (float, np.floating)):
        return ValueType.FLOAT64
    if isinstance(value, str):
        return ValueType.STRING
    if isinstance(value, (list, tuple)):
        return ValueType.ARRAY
    raise TypeError(f"metadata value {value!r} has no format type")


def _encode_value(value: Any, vtype: ValueType) -> bytes:
    if vtype == ValueType.STRING:
        return _encode_string(value)
    if vtype == ValueType.ARRAY:
        types = {_value_type(v) for v in value}
        if len(types) > 1 or ValueType.ARRAY in types:
            raise TypeError("metadata arrays hold one scalar type")
        etype = types.pop() if types else ValueType.STRING
        return bytes([etype]) + struct.pack("<I", len(value)) + b"".join(_encode_value(v, etype) for v in value)
    return _SCALAR[vtype].pack(value)


class ModelWriter:
    """Collects metadata, tensors and blobs, then writes one packed file (atomically)."""

    def __init__(self) -> None:
        self.metadata: dict[str, Any] = {}
        self._tensors: list[tuple[str, DType, tuple[int, ...], tuple[float, ...], bytes]] = []
        self._blobs: list[tuple[str, BlobEncoding, bytes, int]] = []
        self._names: set[str] = set()

    @classmethod
    def from_model(cls, model: ModelFile, keep: Callable[[str], bool] | None = None) -> ModelWriter:
        """A writer holding a copy of an existing model (to add or replace parts, then write):
        its metadata, and its tensors and blobs for which ``keep(name)`` is true (all by default)."""
        w = cls()
        w.update_metadata(model.metadata)
        w.copy_from(model, keep)
        return w

    def copy_from(self, model: ModelFile, keep: Callable[[str], bool] | None = None) -> None:
        """Add the tensors and blobs of ``model`` for which ``keep(name)`` is true (all by default)."""
        for name, info in model.tensors.items():
            if keep is not None and not keep(name):
                continue
            if info.dtype == DType.TERNARY:
                self.add_ternary(name, model.ternary(name), info.scales if len(info.scales) > 1 else info.scales[0])
            else:
                self.add_tensor(name, model.array(name), info.dtype, info.scales)
        for name, blob in model.blobs.items():
            if keep is None or keep(name):
                self.add_blob(name, model.blob(name), compress=blob.encoding == BlobEncoding.ZLIB)

    def add_metadata(self, key: str, value: Any) -> None:
        _value_type(value)  # refuse untyped values now, not at write time
        self.metadata[key] = value

    def update_metadata(self, values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            self.add_metadata(key, value)

    def _claim(self, name: str) -> None:
        if name in self._names:
            raise ValueError(f"{name!r} is already in the model")
        self._names.add(name)

    def add_tensor(self, name: str, array: np.ndarray, dtype: DType, scales: Iterable[float] = ()) -> None:
        """Store ``array`` as F32, F16 or I8 (I8 takes one scale or one per row)."""
        self._claim(name)
        dtype = DType(dtype)
        if dtype == DType.TERNARY:
            raise ValueError("use add_ternary for ternary tensors")
        arr = np.ascontiguousarray(array, dtype=_NUMPY_DTYPES[dtype])
        shape = arr.shape if arr.ndim else (1,)
        self._tensors.append((name, dtype, shape, tuple(float(s) for s in scales), arr.tobytes()))

    def add_ternary(self, name: str, weights: np.ndarray, scales: float | Iterable[float]) -> None:
        """Store int weights in {-1, 0, 1} (any shape; rows are the first axis) with beta scale(s)."""
        self._claim(name)
        w = np.asarray(weights)
        shape = w.shape if w.ndim else (1,)
        rows = shape[0] if len(shape) > 1 else 1
        packed = pack_trits(w.reshape(rows, -1))
        betas = tuple(float(s) for s in scales) if isinstance(scales, Iterable) else (float(scales),)
        self._tensors.append((name, DType.TERNARY, shape, betas, packed.tobytes()))

    def add_blob(self, name: str, data: bytes, compress: bool = True) -> None:
        self._claim(name)
        if compress:
            self._blobs.append((name, BlobEncoding.ZLIB, zlib.compress(data, 9), len(data)))
        else:
            self._blobs.append((name, BlobEncoding.RAW, bytes(data), len(data)))

    def to_bytes(self) -> bytes:
        tables = bytearray()
        for key, value in self.metadata.items():
            vtype = _value_type(value)
            tables += _encode_string(key) + bytes([vtype]) + _encode_value(value, vtype)
        data = bytearray()

        def place(payload: bytes) -> int:
            data.extend(b"\0" * (-len(data) % ALIGNMENT))
            offset = len(data)
            data.extend(payload)
            return offset

        for name, dtype, shape, scales, payload in self._tensors:
            offset = place(payload)
            tables += _encode_string(name) + bytes([dtype, len(shape)])
            tables += struct.pack(f"<{len(shape)}Q", *shape) + struct.pack(f"<I{len(scales)}f", len(scales), *scales)
            tables += struct.pack("<QQ", offset, len(payload))
        for name, encoding, payload, raw_size in self._blobs:
            offset = place(payload)
            tables += _encode_string(name) + bytes([encoding]) + struct.pack("<QQQ", offset, len(payload), raw_size)
        data_offset = HEADER.size + len(tables)
        data_offset += -data_offset % ALIGNMENT
        header = HEADER.pack(
            MAGIC, VERSION, 0, len(self.metadata), len(self._tensors), len(self._blobs), 0, data_offset, len(data)
        )
        body = header + bytes(tables) + b"\0" * (data_offset - HEADER.size - len(tables)) + bytes(data)
        return body + hashlib.sha256(body).digest()

    def write(self, path: str | os.PathLike) -> int:
        """Write the file atomically (temporary file, then rename); returns its size."""
        blob = self.to_bytes()
        write_atomically(path, blob)
        return len(blob)
