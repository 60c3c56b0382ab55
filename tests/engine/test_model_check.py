"""A model file that passes the checksum can still not crash, hang or exhaust the engine (issue 29):
the loader checks what the metadata means (engine/model_check.py), the native layer its sizes.

The files here are the parity fixture's small random model, changed one field at a time and
written again (so the checksum is right and the semantic checks are what refuses them)."""

import math
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from bittts.engine import model_check
from bittts.engine._native import MAX_LAYER_BYTES, TernaryConv1d
from bittts.engine.model import BitTTSModel
from bittts.engine.model_format import DType, ModelFile, ModelFormatError, ModelWriter
from bittts.engine.text.neural_g2p import G2PNetwork

FIXTURES = Path(__file__).parent.parent / "fixtures"
PARITY = FIXTURES / "parity" / "model.bttm"
G2P_SMALL = FIXTURES / "g2p" / "small.bttm"


def _rewrite(src: Path, dst: Path, meta=None, drop=(), tensors=None, ternary=None) -> ModelFile:
    """A copy of ``src`` with ``meta`` set, the keys in ``drop`` gone, ``tensors`` (name ->
    (array, dtype)) and ``ternary`` (name -> int array) replaced."""
    tensors, ternary = tensors or {}, ternary or {}
    with ModelFile(src) as m:
        w = ModelWriter.from_model(m, keep=lambda name: name not in tensors and name not in ternary)
    for key in drop:
        w.metadata.pop(key)
    w.update_metadata(meta or {})
    for name, (array, dtype) in tensors.items():
        w.add_tensor(name, array, dtype, (1.0,) if dtype == DType.I8 else ())
    for name, weights in ternary.items():
        w.add_ternary(name, weights, 0.05)
    w.write(dst)
    return ModelFile(dst)


# --- architecture values ------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, value",
    [
        ("arch.decoder_dilations", [1073741823, 1073741823]),  # the probe's crash (a retired key now)
        ("arch.encoder_kernel", 1073741823),
        ("arch.encoder_kernel", 4),  # even: the output would not keep the input's frames
        ("arch.max_harmonics", 10**9),  # [frames, harmonics] floats at synthesis
        ("arch.noise_fft", 1 << 40),
        ("arch.noise_fft", -1),
        ("arch.hop_size", 1 << 30),
        ("arch.n_mels", 0),
        ("arch.envelope_points", 1),
        ("arch.encoder_layers", 10**6),
        ("arch.log_f0_std", math.inf),
        ("arch.log_f0_mean", math.nan),
        ("arch.harmonic_ceiling", 0.0),
        ("arch.sample_rate", "fast"),
        ("arch.quantize_acoustic", 1),  # an INT64 where a BOOL belongs
        ("arch.n_mels", 80.0),  # a FLOAT64 where an INT64 belongs
        ("arch.vocoder_layers", [3]),
        ("arch.attention_heads", 4),  # a key the engine does not know
        ("audio.sample_rate", 44100),  # differs from arch.sample_rate
        ("audio.hop_size", 1 << 62),
    ],
)
def test_architecture_values_out_of_bounds_are_refused_naming_the_key(tmp_path, key, value):
    model = _rewrite(PARITY, tmp_path / "m.bttm", meta={key: value})
    with pytest.raises(ModelFormatError, match=key.replace(".", r"\.")):
        BitTTSModel(model)


@pytest.mark.parametrize("key", ["arch.n_mels", "arch.noise_fft", "audio.hop_size", "text.phones", "speakers.name"])
def test_a_missing_key_is_named(tmp_path, key):
    with pytest.raises(ModelFormatError, match=key.replace(".", r"\.")):
        BitTTSModel(_rewrite(PARITY, tmp_path / "m.bttm", drop=[key]))


@pytest.mark.parametrize(
    "key, value",
    [
        ("text.phones", ["a", "b"]),
        ("text.phones", 7),
        ("speakers.name", ["a", "a", "b"]),  # three voices, two names
        ("speakers.name", ["a", "b"]),  # the model has three
        ("speakers.sex", 3),
        ("speakers.accent", ["x" * 5000] * 3),
    ],
)
def test_phones_and_speakers_must_match_the_model(tmp_path, key, value):
    with pytest.raises(ModelFormatError, match=key.replace(".", r"\.")):
        BitTTSModel(_rewrite(PARITY, tmp_path / "m.bttm", meta={key: value}))


# --- tensor shapes and dtypes against the architecture ----------------------------------------


@pytest.mark.parametrize(
    "name, change",
    [
        # a decoder conv with kernel 7 where arch.decoder_kernel says 5
        ("acoustic.decoder.0.conv.weight", dict(ternary=np.zeros((40, 40, 7), np.int8))),
        # a huge kernel in a tiny tensor: once decoded, [32, 4, 2_000_000] bytes
        ("acoustic.decoder.1.conv.weight", dict(ternary=np.zeros((1, 1, 2_000_000), np.int8))),
        ("vocoder.inp.weight", dict(ternary=np.zeros((44, 81, 5), np.int8))),  # n_mels + 1 inputs
        ("acoustic.encoder_norm.norm.weight", dict(tensors=(np.ones(47), DType.F16))),
        ("acoustic.phone_embedding.weight", dict(tensors=(np.ones((83, 48)), DType.F16))),
        ("vocoder.out.bias", dict(tensors=(np.ones((193, 1)), DType.F16))),
        ("acoustic.decoder_in.weight", dict(tensors=(np.ones((40, 48, 1)), DType.F16))),  # F16 in a quantized network
        ("acoustic.decoder_norm.norm.bias", dict(tensors=(np.ones(40), DType.I8))),
    ],
)
def test_tensors_must_have_the_shape_and_dtype_of_their_architecture(tmp_path, name, change):
    if "ternary" in change:
        model = _rewrite(PARITY, tmp_path / "m.bttm", ternary={name: change["ternary"]})
    else:
        model = _rewrite(PARITY, tmp_path / "m.bttm", tensors={name: change["tensors"]})
    with pytest.raises(ModelFormatError, match=name.replace(".", r"\.")):
        BitTTSModel(model)


def test_a_missing_tensor_is_named(tmp_path):
    with ModelFile(PARITY) as m:
        w = ModelWriter.from_model(m, keep=lambda name: name != "vocoder.blocks.1.conv.bias")
    w.write(tmp_path / "m.bttm")
    with pytest.raises(ModelFormatError, match=r"vocoder\.blocks\.1\.conv\.bias"):
        BitTTSModel(ModelFile(tmp_path / "m.bttm"))


def test_the_decoded_size_is_bounded(tmp_path, monkeypatch):
    model = ModelFile(PARITY)
    monkeypatch.setattr(model_check, "MAX_DECODED_BYTES", 1 << 16)
    with pytest.raises(ModelFormatError, match="would decode to"):
        BitTTSModel(model)


def test_the_shipped_models_pass():
    for path in (PARITY, Path(__file__).parents[2] / "resources" / "bittts-en.bttm"):
        if path.exists():
            with ModelFile(path) as model:
                arch = model_check.check_speech_model(model)
            assert arch["n_mels"] == 80 and arch["quantize_acoustic"] is True


# --- the G2P --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "meta, message",
    [
        ({"g2p.arch.kernel_size": 4}, r"g2p\.arch\.kernel_size"),
        ({"g2p.arch.kernel_size": 1 << 40}, r"g2p\.arch\.kernel_size"),
        ({"g2p.arch.channels": 64}, r"g2p\.slot_embedding"),  # the tensors hold 32
        ({"g2p.arch.channels": 1.5}, r"g2p\.arch\.channels"),
        ({"g2p.arch.encoder_dilations": [1073741823]}, "out of range"),
        ({"g2p.arch.encoder_dilations": [1] * 33}, "out of range"),
        ({"g2p.arch.decoder_dilations": ["1"]}, r"g2p\.arch\.decoder_dilations"),
        ({"g2p.letters": [1, 2, 3]}, r"g2p\.letters"),
    ],
)
def test_g2p_architecture_out_of_bounds_is_refused(tmp_path, meta, message):
    with pytest.raises(ModelFormatError, match=message):
        G2PNetwork(_rewrite(G2P_SMALL, tmp_path / "g.bttm", meta=meta))


# --- the native layer ------------------------------------------------------------------------


def test_a_huge_padding_or_dilation_is_refused_not_a_segfault():
    """The probe's crash: ``x.shape[0] + 2 * padding`` in a 32-bit int made the activation
    buffer too small while the C kernels wrote 64-bit sizes. In a child process, so that a
    segfault fails the test instead of ending the run."""
    code = textwrap.dedent(
        """
        import numpy as np
        from bittts.engine._native import TernaryConv1d
        w = np.ones((4, 4, 5), np.int8)
        for kwargs in ({"padding": 1073741823}, {"dilation": 1073741823, "padding": 2 * 1073741823},
                       {"dilation": 1 << 40}, {"padding": -1}, {"dilation": 0}):
            try:
                layer = TernaryConv1d(w, 0.1, **kwargs)
                layer(np.ones((3, 4), np.float32))
                print("ran", kwargs)
            except ValueError as exc:
                print("refused", exc)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    lines = proc.stdout.splitlines()
    assert len(lines) == 5 and all(line.startswith("refused") for line in lines), proc.stdout


def test_layer_sizes_are_bounded_before_anything_is_allocated():
    with pytest.raises(ValueError, match="decodes to more than"):
        TernaryConv1d(np.zeros((1, 40_000, 1), np.int8), 0.1, padding=MAX_LAYER_BYTES // 40_000)
    with pytest.raises(ValueError, match="kernel_size"):
        TernaryConv1d(np.zeros((1, 1, 5000), np.int8), 0.1)
    layer = TernaryConv1d(np.ones((3, 5, 3), np.int8), 0.1, dilation=2, padding=2)
    assert layer(np.ones((7, 5), np.float32)).shape == (7, 3)
    with pytest.raises(ValueError, match="channels"):
        layer(np.ones((7, 6), np.float32))
    with pytest.raises(ValueError, match="channels"):
        layer(np.ones((0, 6), np.float32))


# --- what a model computes stays bounded -------------------------------------------------------


def _with_bias(tmp_path, name, values):
    with ModelFile(PARITY) as m:
        bias = m.dequantized(name).copy()
    values(bias)
    return BitTTSModel(_rewrite(PARITY, tmp_path / "m.bttm", tensors={name: (bias, DType.F16)}))


def test_huge_predicted_durations_are_capped(tmp_path):
    """log(1 + frames) = 20 asks for 485 million frames a phone: once, that was a MemoryError or
    worse. A phone lasts at most MAX_PHONE_SECONDS."""

    def huge(bias):
        bias[:] = 20.0

    model = _with_bias(tmp_path, "acoustic.duration_predictor.out.bias", huge)
    ids = np.array([1, 20, 30, 40, 2])
    out = model.acoustic(ids, model.speaker_embedding[0])
    assert out.durations.max() == model.max_phone_frames == math.ceil(5.0 * 22050 / 256)


def test_non_finite_outputs_neither_crash_nor_allocate(tmp_path):
    def nan_pitch(bias):
        bias[80] = np.nan  # the log-F0 output

    model = _with_bias(tmp_path, "acoustic.decoder_out.bias", nan_pitch)
    out = model.acoustic(np.array([1, 20, 30, 40, 2]), model.speaker_embedding[0])
    assert np.isfinite(out.f0).all() and (out.f0 >= 1).all() and (out.f0 <= 11025).all()
    audio = model.vocode(out.mel, out.f0, out.voiced)
    assert audio is not None and len(audio) == out.durations.sum() * model.hop


def test_a_broken_lexicon_blob_is_a_model_format_error(tmp_path, tiny_model_path):
    """Found by the fuzzer: a lexicon header whose counts lie raised LexiconError, not
    ModelFormatError, out of Synthesizer (the blob is part of the model file)."""
    from bittts.engine.synthesis import Synthesizer

    with ModelFile(tiny_model_path) as m:
        blob = bytearray(m.blob("lexicon"))
        w = ModelWriter.from_model(m, keep=lambda name: name != "lexicon")
    blob[20:24] = (int.from_bytes(blob[20:24], "little") + 7).to_bytes(4, "little")  # n_suffix_phones
    w.add_blob("lexicon", bytes(blob), compress=False)
    w.write(tmp_path / "m.bttm")
    with pytest.raises(ModelFormatError, match="blob 'lexicon'.*phone_ids"):
        Synthesizer(tmp_path / "m.bttm")
