"""Fuzz the model loader: mutated, re-signed copies of the bundled model, loaded and spoken.

    .venv/bin/python bench/fuzz_model.py                      # 1,000 mutations
    .venv/bin/python bench/fuzz_model.py --runs 10000         # the long run (docs/model-format.md)
    .venv/bin/python bench/fuzz_model.py --runs 200 --seed 7 --jobs 2 --keep failures/

Each run takes resources/bittts-en.bttm apart into its header, metadata entries, tensor table
and blob table (the raw fields, not what ``ModelFile`` makes of them), changes one to three of
them at random (values, types, array lengths, keys, shapes, dtypes, scales, offsets, sizes,
names, counts; now and then a few bytes of tensor data or of the lexicon blob's header), writes
the tables again and signs the file with a new SHA-256, so that the checksum passes and the
semantic checks are what is tested. A child process (forked from this one, with
``RLIMIT_AS`` at 1 GiB and one BLAS thread) loads the file with ``Synthesizer`` and speaks a
short sentence with a number and an unknown word (so the G2P runs). Outcomes:

    spoke      the file loaded and spoke (a harmless change)                 pass
    refused    a clear ``ModelFormatError``                                   pass
    exception  any other exception (a traceback for the user)                 FAILURE
    signal     the child died of a signal (a segfault, an abort)              FAILURE
    hang       the child ran past ``--timeout`` seconds                        FAILURE
    memory     MemoryError, or the child's peak resident memory above 1 GiB  FAILURE

The table of outcomes is printed at the end; the exit code is 1 when any run failed.
``--keep DIR`` saves every failing file with what was changed. tests/engine/test_fuzz_model.py
runs a short version in CI.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import json
import multiprocessing
import os
import random
import resource
import struct
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before NumPy: one BLAS thread, little address space
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "resources" / "bittts-en.bttm"
MEMORY_LIMIT = 1 << 30  # address space of a child; more is a failure
TEXT = "Hello world, 42 zyxqy."  # a number and a word for the G2P
OUTCOMES = ("spoke", "refused", "exception", "signal", "hang", "memory")
FAILURES = ("exception", "signal", "hang", "memory")

HEADER = struct.Struct("<8sIIIIII QQ")


# --- the file, field by field ----------------------------------------------------------------


@dataclass
class Entry:
    """A metadata entry: key, value type, value (a scalar, or (element type, [values]))."""

    key: bytes
    vtype: int
    value: object


@dataclass
class Tensor:
    name: bytes
    dtype: int
    shape: list[int]
    scales: list[float]
    offset: int
    nbytes: int


@dataclass
class Blob:
    name: bytes
    encoding: int
    offset: int
    stored: int
    raw: int


@dataclass
class RawModel:
    magic: bytes
    version: int
    flags: int
    reserved: int
    metadata: list[Entry]
    tensors: list[Tensor]
    blobs: list[Blob]
    data: bytearray
    # None: the header counts are those of the lists; else these (a count that lies)
    counts: tuple[int, int, int] | None = None
    data_size: int | None = None
    extra_tables: bytes = b""  # bytes between the tables and the data section
    notes: list[str] = field(default_factory=list)


def _string(buf: bytes, pos: int) -> tuple[bytes, int]:
    (n,) = struct.unpack_from("<I", buf, pos)
    return buf[pos + 4 : pos + 4 + n], pos + 4 + n


_SCALAR = {0: "<?", 1: "<q", 2: "<d"}


def _value(buf: bytes, pos: int, vtype: int) -> tuple[object, int]:
    if vtype == 3:
        return _string(buf, pos)
    if vtype == 4:
        etype, count = buf[pos], struct.unpack_from("<I", buf, pos + 1)[0]
        pos += 5
        values = []
        for _ in range(count):
            v, pos = _value(buf, pos, etype)
            values.append(v)
        return (etype, values), pos
    fmt = _SCALAR[vtype]
    return struct.unpack_from(fmt, buf, pos)[0], pos + struct.calcsize(fmt)


def parse(blob: bytes) -> RawModel:
    """The bundled model's fields (a well-formed file: no checks here)."""
    magic, version, flags, n_meta, n_tensors, n_blobs, reserved, data_offset, data_size = HEADER.unpack_from(blob)
    pos = HEADER.size
    metadata = []
    for _ in range(n_meta):
        key, pos = _string(blob, pos)
        vtype = blob[pos]
        value, pos = _value(blob, pos + 1, vtype)
        metadata.append(Entry(key, vtype, value))
    tensors = []
    for _ in range(n_tensors):
        name, pos = _string(blob, pos)
        dtype, ndim = blob[pos], blob[pos + 1]
        shape = list(struct.unpack_from(f"<{ndim}Q", blob, pos + 2))
        pos += 2 + 8 * ndim
        (n_scales,) = struct.unpack_from("<I", blob, pos)
        scales = list(struct.unpack_from(f"<{n_scales}f", blob, pos + 4))
        pos += 4 + 4 * n_scales
        offset, nbytes = struct.unpack_from("<QQ", blob, pos)
        pos += 16
        tensors.append(Tensor(name, dtype, shape, scales, offset, nbytes))
    blobs = []
    for _ in range(n_blobs):
        name, pos = _string(blob, pos)
        encoding = blob[pos]
        offset, stored, raw = struct.unpack_from("<QQQ", blob, pos + 1)
        pos += 25
        blobs.append(Blob(name, encoding, offset, stored, raw))
    data = bytearray(blob[data_offset : data_offset + data_size])
    return RawModel(magic, version, flags, reserved, metadata, tensors, blobs, data)


def _pack_value(vtype: int, value: object) -> bytes:
    if vtype == 3:
        raw = value if isinstance(value, bytes) else str(value).encode()
        return struct.pack("<I", len(raw)) + raw
    if vtype == 4:
        if not isinstance(value, tuple):  # an array inside an array: write an empty one
            return bytes([1]) + struct.pack("<I", 0)
        etype, values = value
        return bytes([etype & 0xFF]) + struct.pack("<I", len(values)) + b"".join(_pack_value(etype, v) for v in values)
    if vtype in _SCALAR:
        return struct.pack(_SCALAR[vtype], value)
    return b""  # an unknown type: no value bytes (the reader must refuse the type)


def _u64(n: int) -> int:
    return n % (1 << 64)


def serialize(m: RawModel) -> bytes:
    """The file, with its tables written again and a new checksum."""
    tables = bytearray()
    for e in m.metadata:
        tables += struct.pack("<I", len(e.key)) + e.key + bytes([e.vtype & 0xFF]) + _pack_value(e.vtype, e.value)
    for t in m.tensors:
        tables += struct.pack("<I", len(t.name)) + t.name + bytes([t.dtype & 0xFF, len(t.shape) & 0xFF])
        tables += struct.pack(f"<{len(t.shape)}Q", *map(_u64, t.shape))
        tables += struct.pack(f"<I{len(t.scales)}f", len(t.scales), *t.scales)
        tables += struct.pack("<QQ", _u64(t.offset), _u64(t.nbytes))
    for b in m.blobs:
        tables += struct.pack("<I", len(b.name)) + b.name + bytes([b.encoding & 0xFF])
        tables += struct.pack("<QQQ", _u64(b.offset), _u64(b.stored), _u64(b.raw))
    tables += m.extra_tables
    data_offset = HEADER.size + len(tables)
    data_offset += -data_offset % 64
    counts = m.counts or (len(m.metadata), len(m.tensors), len(m.blobs))
    data_size = len(m.data) if m.data_size is None else m.data_size
    header = HEADER.pack(
        m.magic, m.version, m.flags, *(c % (1 << 32) for c in counts), m.reserved, data_offset, _u64(data_size)
    )
    body = header + bytes(tables) + b"\0" * (data_offset - HEADER.size - len(tables)) + bytes(m.data)
    return body + hashlib.sha256(body).digest()


# --- mutations -------------------------------------------------------------------------------

INTERESTING_INTS = [0, 1, -1, 2, 3, 4, 5, 7, 8, 16, 31, 64, 255, 256, 1023, 1024, 4096, 65535, 65536,
                    (1 << 31) - 1, 1 << 31, (1 << 32) - 1, 1 << 32, 1073741823, 1 << 40, (1 << 62),
                    (1 << 63) - 1, -(1 << 63), -2, -1000]  # fmt: skip
INTERESTING_FLOATS = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 1e300, 1e38, -1e38, 3.4e38,
                      float("nan"), float("inf"), float("-inf"), 65504.0, 1e-45]  # fmt: skip
INTERESTING_SIZES = [0, 1, 2, 3, 4, 5, 31, 32, 33, 64, 255, 256, 1023, 1024, 65535, 65536, 1 << 20,
                     1073741823, (1 << 31) - 1, 1 << 31, 1 << 32, (1 << 62), (1 << 64) - 1]  # fmt: skip


def _int(rng: random.Random, old: int | None = None) -> int:
    if old is not None and rng.random() < 0.4:
        return rng.choice([old + 1, old - 1, old * 2, old // 2, old * 1000, -old, old + 64, old * 7])
    return rng.choice(INTERESTING_INTS)


def _float(rng: random.Random, old: float | None = None) -> float:
    if old is not None and rng.random() < 0.4:
        return rng.choice([old * 10, old * 1e6, -old, old + 1, old / 1e6])
    return rng.choice(INTERESTING_FLOATS)


def _scalar(rng: random.Random, vtype: int, old: object = None) -> object:
    if vtype == 0:  # a flag: the other value (the same one would leave the file as it was)
        return not old if isinstance(old, bool) else rng.random() < 0.5
    if vtype == 1:
        return max(-(1 << 63), min((1 << 63) - 1, _int(rng, old if isinstance(old, int) else None)))
    if vtype == 2:
        return _float(rng, old if isinstance(old, float) else None)
    if vtype == 3:
        return rng.choice([b"", b"x", b"<pad>", b"\xff\xfe", b"a" * 5000, b"bdl", "é".encode()])
    return None


def _pick_entry(rng: random.Random, m: RawModel) -> Entry:
    # the architecture most of the time: that is where the meaning is
    arch = [e for e in m.metadata if e.key.startswith((b"arch.", b"audio.", b"g2p.arch", b"g2p.decoder"))]
    return rng.choice(arch if arch and rng.random() < 0.7 else m.metadata)


def m_meta_value(rng, m):
    e = _pick_entry(rng, m)
    if e.vtype == 4:
        etype, values = e.value
        values = list(values)
        if values and rng.random() < 0.6:
            i = rng.randrange(len(values))
            values[i] = _scalar(rng, etype, values[i])
        else:
            values = rng.choice([[], values[:1], values * 2, values * 50, values[:-1], values + values[-1:]])
        e.value = (etype, values)
    else:
        e.value = _scalar(rng, e.vtype, e.value)
    return f"metadata {e.key.decode(errors='replace')} value -> {str(e.value)[:60]}"


def m_meta_type(rng, m):
    e = _pick_entry(rng, m)
    vtype = rng.choice([0, 1, 2, 3, 4, 5, 255])
    if vtype == 4:
        etype = rng.choice([0, 1, 2, 3, 4])
        value: object = (etype, [_scalar(rng, etype) for _ in range(rng.choice([0, 1, 4, 100]))])
    else:
        value = _scalar(rng, vtype)
    old = e.vtype
    e.vtype, e.value = vtype, value
    return f"metadata {e.key.decode(errors='replace')} type {old} -> {vtype}"


def m_meta_key(rng, m):
    action = rng.choice(["drop", "duplicate", "rename", "add"])
    e = _pick_entry(rng, m)
    if action == "drop":
        m.metadata.remove(e)
    elif action == "duplicate":
        m.metadata.insert(rng.randrange(len(m.metadata) + 1), copy.deepcopy(e))
    elif action == "rename":
        e.key = rng.choice([b"arch.unknown", b"", b"arch." + e.key, e.key[:-1], b"g2p.letters", b"text.phones"])
    else:
        m.metadata.append(Entry(rng.choice([b"arch.extra", b"arch.subframe_gains", b"arch.decoder_dilations"]), 1, 4))
    return f"metadata {e.key.decode(errors='replace')} {action}"


def _pick_tensor(rng, m) -> Tensor:
    return rng.choice(m.tensors)


def _expected_nbytes(t: Tensor) -> int:
    count = 1
    for d in t.shape:
        count *= d
    if t.dtype == 3:
        rows = t.shape[0] if len(t.shape) > 1 else 1
        return rows * -(-(count // rows if rows else 0) // 5)
    return count * {0: 4, 1: 2, 2: 1}.get(t.dtype, 1)


def m_tensor_shape(rng, m):
    t = _pick_tensor(rng, m)
    old = list(t.shape)
    action = rng.choice(["dim", "dim", "add", "drop", "swap"])
    if action == "dim" or (action in ("drop", "swap") and len(t.shape) < 2):
        i = rng.randrange(len(t.shape))
        t.shape[i] = rng.choice([_int(rng, t.shape[i]), rng.choice(INTERESTING_SIZES)])
    elif action == "add":
        t.shape.insert(rng.randrange(len(t.shape) + 1), rng.choice([1, 1, 2, 5, 1 << 20]))
    elif action == "drop":
        t.shape.pop(rng.randrange(len(t.shape)))
    else:
        i, j = rng.sample(range(len(t.shape)), 2)
        t.shape[i], t.shape[j] = t.shape[j], t.shape[i]
    if rng.random() < 0.7:  # keep the container consistent, so that the semantic checks are reached
        t.nbytes = _expected_nbytes(t) if all(0 <= d < (1 << 64) for d in t.shape) else t.nbytes
    return f"tensor {t.name.decode()} shape {old} -> {t.shape}"


def m_tensor_dtype(rng, m):
    t = _pick_tensor(rng, m)
    old = t.dtype
    t.dtype = rng.choice([0, 1, 2, 3, 4, 255])
    if rng.random() < 0.7:
        t.nbytes = _expected_nbytes(t)
        t.scales = [0.05] if t.dtype in (2, 3) else []
    return f"tensor {t.name.decode()} dtype {old} -> {t.dtype}"


def m_tensor_scales(rng, m):
    t = _pick_tensor(rng, m)
    if t.scales and rng.random() < 0.6:
        t.scales = [float(struct.unpack("<f", struct.pack("<f", max(-3.4e38, min(3.4e38, _float(rng)))))[0])]
    else:
        t.scales = [0.05] * rng.choice([0, 1, 2, t.shape[0], t.shape[0] + 1, 1000])
    return f"tensor {t.name.decode()} scales -> {t.scales[:3]} ({len(t.scales)})"


def m_tensor_place(rng, m):
    t = _pick_tensor(rng, m)
    what = rng.choice(["offset", "nbytes", "both"])
    if what in ("offset", "both"):
        other = rng.choice(m.tensors + m.blobs)  # type: ignore[operator]
        t.offset = rng.choice([other.offset, t.offset + 64, t.offset - 64, len(m.data), _int(rng), 0])
    if what in ("nbytes", "both"):
        t.nbytes = rng.choice([0, t.nbytes + 1, t.nbytes - 1, t.nbytes * 2, len(m.data), _int(rng)])
    return f"tensor {t.name.decode()} offset {t.offset} nbytes {t.nbytes}"


def m_tensor_name(rng, m):
    t = _pick_tensor(rng, m)
    old = t.name
    action = rng.choice(["rename", "duplicate", "drop", "swap"])
    if action == "rename":
        t.name = rng.choice([rng.choice(m.tensors).name, b"", t.name + b"x", b"acoustic.encoder.99.conv.weight"])
    elif action == "duplicate":
        m.tensors.append(copy.deepcopy(t))
    elif action == "drop":
        m.tensors.remove(t)
    else:
        u = rng.choice(m.tensors)
        t.name, u.name = u.name, t.name
    return f"tensor {old.decode(errors='replace')} {action}"


def m_counts(rng, m):
    counts = [len(m.metadata), len(m.tensors), len(m.blobs)]
    i = rng.randrange(3)
    counts[i] = rng.choice([counts[i] + 1, counts[i] - 1, 0, 1 << 31, 65536, 65537])
    m.counts = (counts[0], counts[1], counts[2])
    return f"header counts -> {m.counts}"


def m_header(rng, m):
    what = rng.choice(["data_size", "version", "flags", "reserved", "extra"])
    if what == "data_size":
        m.data_size = rng.choice([0, len(m.data) - 1, len(m.data) + 64, 1 << 63])
    elif what == "version":
        m.version = rng.choice([0, 2, 1 << 31])
    elif what == "flags":
        m.flags = 1
    elif what == "reserved":
        m.reserved = 7
    else:
        m.extra_tables = bytes(rng.randrange(256) for _ in range(rng.choice([1, 64, 200])))
    return f"header {what}"


def m_blob(rng, m):
    b = rng.choice(m.blobs)
    what = rng.choice(["encoding", "raw", "stored", "offset", "lexicon header"])
    if what == "encoding":
        b.encoding = rng.choice([1, 2, 255])
    elif what == "raw":
        b.raw = rng.choice([0, b.raw + 1, 256 << 20, (256 << 20) + 1, 1 << 62])
    elif what == "stored":
        b.stored = rng.choice([0, b.stored - 1, b.stored + 64, len(m.data)])
    elif what == "offset":
        b.offset = rng.choice([0, 64, b.offset + 64, len(m.data)])
    else:  # the lexicon's own header (docs/frontend.md): counts, codec, crc
        field_at = rng.choice([6, 8, 12, 16, 20, 24, 28])
        size = 1 if field_at == 6 else (2 if field_at == 8 else 4)
        value = rng.choice([0, 1, 2, 3, 255, (1 << (8 * size)) - 1, 1 << (8 * size - 1)]) % (1 << (8 * size))
        m.data[b.offset + field_at : b.offset + field_at + size] = value.to_bytes(size, "little")
    return f"blob {b.name.decode()} {what}"


def m_tensor_data(rng, m):
    """A few values of a float tensor become NaN, infinity or the largest F16."""
    t = rng.choice([t for t in m.tensors if t.dtype == 1])
    for _ in range(rng.choice([1, 4, 64])):
        i = rng.randrange(max(t.nbytes // 2, 1))
        m.data[t.offset + 2 * i : t.offset + 2 * i + 2] = rng.choice(
            [b"\x00\x7e", b"\x00\x7c", b"\xff\x7b", b"\x00\xfc"]
        )
    return f"tensor {t.name.decode()} data gets NaN/inf/65504"


# (weight, mutation): the metadata and the tensor table most of all
MUTATIONS: list[tuple[int, Callable[[random.Random, RawModel], str]]] = [
    (30, m_meta_value),
    (8, m_meta_type),
    (6, m_meta_key),
    (16, m_tensor_shape),
    (6, m_tensor_dtype),
    (6, m_tensor_scales),
    (6, m_tensor_place),
    (5, m_tensor_name),
    (3, m_counts),
    (2, m_header),
    (4, m_blob),
    (4, m_tensor_data),
]


def mutate(base: RawModel, rng: random.Random) -> tuple[bytes, list[str]]:
    m = copy.deepcopy(base)
    weights, functions = zip(*MUTATIONS)
    notes = [fn(rng, m) for fn in rng.choices(functions, weights, k=rng.choice([1, 1, 2, 3]))]
    return serialize(m), notes


# --- running one file ------------------------------------------------------------------------


def _child(path: str, conn) -> None:
    """Runs in the forked child: load ``path``, speak ``TEXT``, send (outcome, detail)."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    from bittts.engine.model_format import ModelFormatError
    from bittts.engine.synthesis import SynthesisConfig, Synthesizer

    try:
        synth = Synthesizer(path)
        config = SynthesisConfig(voice=synth.voice_names[0])
        samples = sum(len(chunk.samples) for chunk in synth.synthesize(TEXT, config))
        result = ("spoke", f"{samples} samples")
    except ModelFormatError as exc:
        where = Path(traceback.extract_tb(exc.__traceback__)[-1].filename).stem  # which check refused it
        result = ("refused", f"{where}: {str(exc)[-300:]}")
    except MemoryError:
        result = ("memory", traceback.format_exc()[-1500:])
    except BaseException:  # noqa: BLE001 - any other exception is what the fuzzer looks for
        result = ("exception", traceback.format_exc()[-1500:])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    if peak > MEMORY_LIMIT and result[0] in ("spoke", "refused"):
        result = ("memory", f"peak resident memory {peak >> 20} MiB")
    conn.send(result)
    conn.close()
    os._exit(0)


def start_child(path: str, target: Callable = _child):
    """Fork a child that runs ``target(path, connection)``; (process, the receiving end)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=target, args=(path, send))
    child.start()
    send.close()
    return child, receive


def finish_child(child, receive, deadline: float) -> tuple[str, str]:
    """Wait for a child until ``deadline`` (``time.monotonic()``); its (outcome, detail)."""
    outcome = None
    if receive.poll(max(deadline - time.monotonic(), 0)):
        try:
            outcome = receive.recv()
        except EOFError:  # it ended without a word: a signal, or an exit
            pass
        child.join(max(deadline - time.monotonic(), 0) + 5)
    receive.close()
    if child.is_alive():
        child.kill()
        child.join()
        return "hang", "still running at the timeout"
    if outcome is None:
        code = child.exitcode or 0
        return ("signal", f"signal {-code}") if code < 0 else ("exception", f"exit code {code}, no result")
    return outcome


def run_file(path: str, timeout: float, target: Callable = _child) -> tuple[str, str]:
    """Load and speak ``path`` in a forked child (``target``); (outcome, detail)."""
    child, receive = start_child(path, target)
    return finish_child(child, receive, time.monotonic() + timeout)


@dataclass
class Report:
    tried: int = 0
    outcomes: Counter = dataclasses.field(default_factory=Counter)
    failures: list[tuple[int, str, str, list[str]]] = dataclasses.field(default_factory=list)
    refused_by: Counter = dataclasses.field(default_factory=Counter)  # module that raised -> count
    seconds: float = 0.0

    def table(self) -> str:
        rows = [("tried", self.tried)] + [(name, self.outcomes[name]) for name in OUTCOMES]
        lines = [f"{name:<10} {count:>7,}" for name, count in rows]
        lines.append(f"failures   {sum(self.outcomes[f] for f in FAILURES):>7,}")
        lines.append(f"seconds    {self.seconds:>7.0f}")
        lines.append("refused by " + ", ".join(f"{where} {n:,}" for where, n in self.refused_by.most_common()))
        return "\n".join(lines)


def fuzz(
    runs: int,
    seed: int = 0,
    jobs: int = 2,
    timeout: float = 60.0,
    keep: Path | None = None,
    model: Path = BUNDLED,
    progress: bool = False,
) -> Report:
    """``runs`` mutations of ``model``, ``jobs`` at a time; the report of their outcomes."""
    import bittts.engine.synthesis  # noqa: F401 - imported once here, so that every forked child has it

    base = parse(model.read_bytes())
    rng = random.Random(seed)
    report = Report()
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bittts-fuzz-") as tmp:
        pending: list[tuple[int, str, list[str]]] = []
        for i in range(runs):
            blob, notes = mutate(base, rng)
            path = os.path.join(tmp, f"{i}.bttm")
            with open(path, "wb") as fh:
                fh.write(blob)
            pending.append((i, path, notes))
            if len(pending) == jobs or i == runs - 1:
                _run_batch(pending, timeout, report, keep)
                pending = []
                if progress and report.tried % 100 < jobs:
                    failed = sum(report.outcomes[f] for f in FAILURES)
                    print(f"  {report.tried:,} tried, {failed} failures, {time.monotonic() - start:.0f} s", flush=True)
    report.seconds = time.monotonic() - start
    return report


def _run_batch(batch, timeout, report: Report, keep: Path | None) -> None:
    # Every child is forked from this one thread, never from a worker thread: a fork while
    # another thread holds a lock (stdio, an allocator) can leave the child waiting for ever.
    children = [start_child(path) for _, path, _ in batch]
    deadline = time.monotonic() + timeout
    results = [finish_child(child, receive, deadline) for child, receive in children]
    for (i, path, notes), (outcome, detail) in zip(batch, results):
        report.tried += 1
        report.outcomes[outcome] += 1
        if outcome == "refused":
            report.refused_by[detail.split(":", 1)[0]] += 1
        if outcome in FAILURES:
            report.failures.append((i, outcome, detail, notes))
            if keep is not None:
                keep.mkdir(parents=True, exist_ok=True)
                Path(path).replace(keep / f"{i}-{outcome}.bttm")
                (keep / f"{i}-{outcome}.txt").write_text("\n".join(notes) + "\n\n" + detail + "\n")
        if os.path.exists(path):
            os.unlink(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2, help="children at a time")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a child counts as hung")
    parser.add_argument("--keep", type=Path, help="save failing files and what was changed here")
    parser.add_argument("--model", type=Path, default=BUNDLED)
    parser.add_argument("--json", type=Path, help="also write the report here (outcomes, refusals, failures)")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    report = fuzz(args.runs, args.seed, args.jobs, args.timeout, args.keep, args.model, progress=not args.quiet)
    if args.json:
        summary = {
            "tried": report.tried,
            "outcomes": {name: report.outcomes[name] for name in OUTCOMES},
            "refused_by": dict(report.refused_by),
            "failures": [{"run": i, "outcome": o, "detail": d, "changes": n} for i, o, d, n in report.failures],
            "seconds": round(report.seconds, 1),
        }
        args.json.write_text(json.dumps(summary, indent=1) + "\n")
    for i, outcome, detail, notes in report.failures[:20]:
        print(f"\n#{i} {outcome}: {'; '.join(notes)}\n{detail.strip()}")
    print(f"\n{args.runs:,} mutations of {args.model.name}, seed {args.seed}:\n{report.table()}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
