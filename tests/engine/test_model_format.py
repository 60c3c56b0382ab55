"""The packed model format: round trips, and refusal of truncated, corrupted and hostile files."""

import hashlib
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bittts.engine import model_format as mf
from bittts.engine.model_format import DType, ModelFile, ModelFormatError, ModelWriter


def sample_writer() -> ModelWriter:
    rng = np.random.default_rng(7)
    w = ModelWriter()
    w.update_metadata(
        {
            "general.architecture": "bittts-jets",
            "general.name": "test model",
            "audio.sample_rate": 22050,
            "audio.hop_size": 256,
            "training.final_loss": 0.25,
            "arch.quantized": True,
            "text.phones": ["AA0", "AA1", "B", "sil"],
            "speakers.name": ["bdl", "slt"],
            "speakers.count_per_voice": [3, 4],
            "empty.list": [],
        }
    )
    w.add_ternary("enc.0.weight", rng.integers(-1, 2, size=(7, 6, 5)), 0.125)
    w.add_ternary("enc.1.weight", rng.integers(-1, 2, size=(3, 4)), [0.5, 0.25, 1.0])
    w.add_tensor("embed.phone", rng.normal(size=(4, 3)), DType.F16)
    w.add_tensor("out.weight", rng.normal(size=(2, 3)), DType.F32)
    w.add_tensor("out.q", rng.integers(-127, 128, size=(2, 8)), DType.I8, scales=[0.01, 0.02])
    w.add_blob("lexicon", b"hello world " * 100)
    w.add_blob("notes", b"raw bytes", compress=False)
    return w


@pytest.fixture
def model_path(tmp_path):
    path = tmp_path / "model.bttm"
    sample_writer().write(path)
    return path


def resign(data: bytes) -> bytes:
    """Recompute the trailing checksum so that a test reaches the structural checks."""
    body = data[: -mf.CHECKSUM_SIZE]
    return body + hashlib.sha256(body).digest()


def write_bytes(tmp_path, data: bytes, name="hostile.bttm"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_round_trip_keeps_every_field(model_path):
    with ModelFile(model_path) as m:
        assert m.metadata["general.architecture"] == "bittts-jets"
        assert m.metadata["audio.sample_rate"] == 22050 and isinstance(m.metadata["audio.sample_rate"], int)
        assert m.metadata["training.final_loss"] == 0.25
        assert m.metadata["arch.quantized"] is True
        assert m.metadata["text.phones"] == ["AA0", "AA1", "B", "sil"]
        assert m.metadata["speakers.count_per_voice"] == [3, 4]
        assert m.metadata["empty.list"] == []
        rng = np.random.default_rng(7)
        enc0 = rng.integers(-1, 2, size=(7, 6, 5))
        enc1 = rng.integers(-1, 2, size=(3, 4))
        np.testing.assert_array_equal(m.ternary("enc.0.weight"), enc0)
        np.testing.assert_array_equal(m.ternary("enc.1.weight"), enc1)
        assert m.tensors["enc.0.weight"].scales == (0.125,)
        np.testing.assert_allclose(m.dequantized("enc.1.weight"), enc1 * np.array([[0.5], [0.25], [1.0]]))
        np.testing.assert_allclose(m.array("embed.phone"), rng.normal(size=(4, 3)).astype(np.float16))
        np.testing.assert_array_equal(m.array("out.weight"), rng.normal(size=(2, 3)).astype(np.float32))
        assert m.array("out.q").dtype == np.int8
        assert m.blob("lexicon") == b"hello world " * 100
        assert m.blob("notes") == b"raw bytes"
        assert m.parameter_count() == 7 * 6 * 5 + 12 + 12 + 6 + 16


def test_data_is_aligned_and_mapped_not_copied(model_path):
    with ModelFile(model_path) as m:
        assert m.data_offset % 64 == 0
        assert all(t.offset % 64 == 0 for t in m.tensors.values())
        assert all(b.offset % 64 == 0 for b in m.blobs.values())
        view = m.array("out.weight")
        assert not view.flags.owndata and not view.flags.writeable
        base = view
        while getattr(base, "base", None) is not None and not isinstance(base, memoryview):
            base = base.base
        assert isinstance(base, memoryview)  # a view of the file mapping, not a private copy
        del view, base


def test_ternary_tensor_is_five_trits_per_byte(model_path):
    with ModelFile(model_path) as m:
        info = m.tensors["enc.0.weight"]
        assert info.nbytes == 7 * 6  # 30 weights per row -> 6 bytes, 7 rows
        assert m.array("enc.0.weight").shape == (7, 6)


def test_writer_is_deterministic_and_atomic(tmp_path):
    a, b = sample_writer().to_bytes(), sample_writer().to_bytes()
    assert a == b
    path = tmp_path / "m.bttm"
    size = sample_writer().write(path)
    assert size == path.stat().st_size == len(a)
    assert not list(tmp_path.glob("*.tmp"))


def test_writer_refuses_bad_input():
    w = ModelWriter()
    with pytest.raises(TypeError):
        w.add_metadata("x", {"a": 1})
    with pytest.raises(TypeError):
        w.add_metadata("x", [1, "a"])
        w.to_bytes()
    w2 = ModelWriter()
    w2.add_tensor("a", np.zeros(3), DType.F32)
    with pytest.raises(ValueError, match="already"):
        w2.add_blob("a", b"")
    with pytest.raises(ValueError, match=r"\{-1, 0, 1\}"):
        w2.add_ternary("t", np.array([[2]]), 1.0)


# --- hostile files ----------------------------------------------------------------------


def header_fields(data: bytes) -> list:
    return list(mf.HEADER.unpack_from(data))


def with_header(data: bytes, **changes) -> bytes:
    names = ["magic", "version", "flags", "n_meta", "n_tensors", "n_blobs", "reserved", "data_offset", "data_size"]
    fields = header_fields(data)
    for key, value in changes.items():
        fields[names.index(key)] = value
    return resign(mf.HEADER.pack(*fields) + data[mf.HEADER.size :])


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"magic": b"GGUF\0\0\0\0"}, "not a BitTTS model"),
        ({"version": 2}, "version 2 is not supported"),
        ({"flags": 1}, "flags"),
        ({"n_meta": 2**31}, "exceed the limits"),
        ({"n_tensors": 70_000}, "exceed the limits"),
        ({"n_meta": 60_000}, "truncated|twice|unknown"),
        ({"data_offset": 65}, "misaligned or outside"),
        ({"data_offset": 2**62}, "misaligned or outside"),
        ({"data_size": 2**40}, "misaligned or outside"),
    ],
)
def test_bad_headers_are_refused(tmp_path, model_path, changes, message):
    data = with_header(model_path.read_bytes(), **changes)
    with pytest.raises(ModelFormatError, match=message):
        ModelFile(write_bytes(tmp_path, data))


def test_bad_checksum_is_refused(tmp_path, model_path):
    data = bytearray(model_path.read_bytes())
    data[-100] ^= 0x01  # one bit in the data section
    with pytest.raises(ModelFormatError, match="checksum"):
        ModelFile(write_bytes(tmp_path, bytes(data)))


@settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 10_000))
def test_truncated_files_are_refused(tmp_path, cut):
    data = sample_writer().to_bytes()
    cut = cut % len(data)
    with pytest.raises(ModelFormatError):
        ModelFile(write_bytes(tmp_path, data[:cut], f"cut{cut}.bttm"))


def test_missing_and_empty_files_are_refused(tmp_path):
    with pytest.raises(ModelFormatError, match="cannot read"):
        ModelFile(tmp_path / "absent.bttm")
    with pytest.raises(ModelFormatError, match="too small"):
        ModelFile(write_bytes(tmp_path, b""))


def table_offset_of(data: bytes, name: str) -> int:
    """Byte offset just after a tensor's or blob's name in the tables."""
    raw = name.encode()
    at = data.index(struct.pack("<I", len(raw)) + raw, mf.HEADER.size)
    return at + 4 + len(raw)


def patch(data: bytes, at: int, payload: bytes) -> bytes:
    return resign(data[:at] + payload + data[at + len(payload) :])


def test_unknown_dtype_is_refused(tmp_path, model_path):
    data = model_path.read_bytes()
    at = table_offset_of(data, "out.weight")
    with pytest.raises(ModelFormatError, match="unknown dtype 9"):
        ModelFile(write_bytes(tmp_path, patch(data, at, bytes([9]))))


def test_bad_ndim_and_huge_shapes_are_refused(tmp_path, model_path):
    data = model_path.read_bytes()
    at = table_offset_of(data, "out.weight")
    with pytest.raises(ModelFormatError, match="dimensions"):
        ModelFile(write_bytes(tmp_path, patch(data, at + 1, bytes([0]))))
    with pytest.raises(ModelFormatError, match="impossible shape"):
        ModelFile(write_bytes(tmp_path, patch(data, at + 2, struct.pack("<Q", 2**62))))
    # Dimensions each plausible but whose product does not fit the stored bytes.
    with pytest.raises(ModelFormatError, match="holds 24 bytes"):
        ModelFile(write_bytes(tmp_path, patch(data, at + 2, struct.pack("<QQ", 100, 100))))


def tensor_offset_field(data: bytes, name: str) -> int:
    at = table_offset_of(data, name)
    ndim = data[at + 1]
    n_scales = struct.unpack_from("<I", data, at + 2 + 8 * ndim)[0]
    return at + 2 + 8 * ndim + 4 + 4 * n_scales


@pytest.mark.parametrize(
    "offset, message",
    [
        (2**60, "outside the data section"),
        (65, "misaligned"),
    ],
)
def test_out_of_range_and_misaligned_offsets_are_refused(tmp_path, model_path, offset, message):
    data = model_path.read_bytes()
    at = tensor_offset_field(data, "out.weight")
    with pytest.raises(ModelFormatError, match=message):
        ModelFile(write_bytes(tmp_path, patch(data, at, struct.pack("<Q", offset))))


def test_overlapping_tensors_are_refused(tmp_path, model_path):
    data = model_path.read_bytes()
    first = struct.unpack_from("<Q", data, tensor_offset_field(data, "enc.0.weight"))[0]
    at = tensor_offset_field(data, "out.weight")
    with pytest.raises(ModelFormatError, match="overlap"):
        ModelFile(write_bytes(tmp_path, patch(data, at, struct.pack("<Q", first))))


def test_wrong_nbytes_is_refused(tmp_path, model_path):
    data = model_path.read_bytes()
    at = tensor_offset_field(data, "out.weight") + 8
    with pytest.raises(ModelFormatError, match="holds 1000 bytes"):
        ModelFile(write_bytes(tmp_path, patch(data, at, struct.pack("<Q", 1000))))


def test_huge_string_length_is_refused_without_allocating(tmp_path, model_path):
    data = model_path.read_bytes()
    at = mf.HEADER.size  # the first metadata key's length
    with pytest.raises(ModelFormatError, match="claims|truncated"):
        ModelFile(write_bytes(tmp_path, patch(data, at, struct.pack("<I", 0xFFFFFFFF))))


def test_blob_that_inflates_beyond_its_stated_size_is_refused(tmp_path):
    w = ModelWriter()
    w.add_blob("bomb", b"\0" * 1_000_000)
    data = w.to_bytes()
    at = table_offset_of(data, "bomb") + 1 + 16  # encoding, offset, stored size -> raw size
    hostile = write_bytes(tmp_path, patch(data, at, struct.pack("<Q", 1000)))
    with ModelFile(hostile) as m:
        with pytest.raises(ModelFormatError, match="stated 1000 bytes"):
            m.blob("bomb")


def test_bytes_above_242_in_ternary_data_are_refused(tmp_path):
    w = ModelWriter()
    w.add_ternary("t", np.zeros((2, 5), np.int8), 1.0)
    data = bytearray(w.to_bytes())
    start = header_fields(bytes(data))[7]
    data[start] = 250
    with ModelFile(write_bytes(tmp_path, resign(bytes(data)))) as m:
        with pytest.raises(ModelFormatError, match="above 242"):
            m.ternary("t")


def test_unknown_names_are_clear_errors(model_path):
    with ModelFile(model_path) as m:
        with pytest.raises(ModelFormatError, match="no tensor 'nope'"):
            m.array("nope")
        with pytest.raises(ModelFormatError, match="no blob 'nope'"):
            m.blob("nope")
        with pytest.raises(ModelFormatError, match="not TERNARY"):
            m.ternary("out.weight")


@settings(max_examples=300, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flips=st.lists(st.tuples(st.integers(0, 2**16), st.integers(1, 255)), min_size=1, max_size=6))
def test_random_corruption_is_refused_or_read_never_crashes(tmp_path, flips):
    """Bytes flipped in the header and tables (checksum re-signed): the reader either reads a
    well-formed file or raises ModelFormatError - no other exception, no hang."""
    data = bytearray(sample_writer().to_bytes())
    tables_end = header_fields(bytes(data))[7]
    for position, xor in flips:
        data[position % tables_end] ^= xor
    path = write_bytes(tmp_path, resign(bytes(data)), "fuzz.bttm")
    try:
        with ModelFile(path) as m:
            for name in m.tensors:
                m.dequantized(name)
            for name in m.blobs:
                m.blob(name)
    except ModelFormatError:
        pass


def test_from_model_copies_everything(tmp_path, model_path):
    with ModelFile(model_path) as m:
        copy = ModelWriter.from_model(m)
    assert copy.to_bytes() == sample_writer().to_bytes()
