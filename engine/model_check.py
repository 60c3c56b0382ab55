"""What a model file's metadata means, checked before any of it is used.

``ModelFile`` (engine/model_format.py) checks the container: every table, count and offset. This
module checks the networks the tables describe, so that a file that passes the checksum is still
refused unless the engine can run it in bounded time and memory (docs/model-format.md, "Limits"):

* every ``arch.`` value (the acoustic model and the vocoder) and ``g2p.arch.`` value (the neural
  G2P) is of its type and within the bounds of ``ARCH_BOUNDS`` and ``G2P_BOUNDS``; an ``arch.``
  key the engine does not know is refused; the vocoder's own keys (``VOCODER_KEYS``) are
  required only for the vocoder ``arch.vocoder_kind`` names (and checked where present);
* ``audio.``, ``text.phones`` and ``speakers.`` agree with the architecture;
* every tensor of a network has the dtype and the shape the architecture gives it
  (``Layer.shapes`` of engine/tensor_names.py), so every layer fits the layers around it;
* the networks decode to at most ``MAX_DECODED_BYTES``.

Anything else raises ``ModelFormatError`` naming the field. After these checks no layer can make
a kernel read or write out of bounds; the native layer checks its buffers once more on every
call (engine/_native.pyx).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bittts.engine import tensor_names as names
from bittts.engine.model_format import DType, ModelFile, ModelFormatError
from bittts.engine.tensor_names import Kind, Layer
from bittts.engine.text.phones import SYMBOLS

__all__ = [
    "Bound",
    "ARCH_BOUNDS",
    "RETIRED_KEYS",
    "VOCODER_KEYS",
    "G2P_BOUNDS",
    "MAX_G2P_BLOCKS",
    "MAX_G2P_DILATION",
    "MAX_G2P_LETTERS",
    "MAX_SPEAKER_FIELD",
    "MAX_DECODED_BYTES",
    "check_speech_model",
    "check_g2p_model",
    "check_tensors",
]


@dataclass(frozen=True)
class Bound:
    """The type and the range of one architecture value."""

    kind: type  # int, float, bool or str
    low: float = 0
    high: float = 0
    odd: bool = False  # kernel sizes: a kernel of k taps with k // 2 padding keeps the frame count only when odd
    required: bool = True
    even: bool = False  # FFT sizes whose n / 2 + 1 bins the network writes
    choices: tuple[str, ...] = ()  # a string's values

    def describe(self) -> str:
        if self.kind is bool:
            return "true or false"
        if self.kind is str:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} from {self.low:g} to {self.high:g}" + (", odd" if self.odd else ", even" if self.even else "")


def _int(low: int, high: int, odd: bool = False) -> Bound:
    return Bound(int, low, high, odd)


# arch.<key> (docs/model-format.md, "Limits"). The bundled model's values are well inside.
ARCH_BOUNDS: dict[str, Bound] = {
    "sample_rate": _int(8_000, 96_000),
    "hop_size": _int(16, 2_048),
    "n_mels": _int(1, 512),
    "n_phones": _int(1, 1_024),
    "n_speakers": _int(1, 1_024),
    "encoder_channels": _int(1, 1_024),
    "encoder_layers": _int(0, 32),
    "encoder_kernel": _int(1, 15, odd=True),
    "decoder_channels": _int(1, 1_024),
    "decoder_layers": _int(0, 32),
    "decoder_kernel": _int(1, 15, odd=True),
    "predictor_layers": _int(0, 32),
    "predictor_kernel": _int(1, 15, odd=True),
    "dropout": Bound(float, 0.0, 1.0, required=False),  # training only
    "vocoder_channels": _int(1, 1_024),
    "vocoder_layers": _int(0, 32),
    "vocoder_kernel": _int(1, 15, odd=True),
    "envelope_points": _int(2, 1_024),
    "noise_bands": _int(2, 1_024),
    "max_harmonics": _int(1, 512),
    "harmonic_ceiling": Bound(float, 0.01, 1.0),
    "noise_fft": _int(16, 8_192),
    "quantize_acoustic": Bound(bool),
    "quantize_vocoder": Bound(bool),
    "log_f0_mean": Bound(float, 3.0, 7.6),  # the log of 20 Hz to 2 kHz
    "log_f0_std": Bound(float, 0.01, 5.0),
    "vocoder_kind": Bound(str, choices=tuple(names.VOCODERS), required=False),  # absent: "ddsp"
    "vocos_channels": _int(1, 1_024),
    "vocos_blocks": _int(0, 32),
    "vocos_kernel": _int(1, 15, odd=True),
    "vocos_fft": Bound(int, 16, 8_192, even=True),  # and at least twice the hop (check_speech_model)
    # the Vocos vocoder also reads normalized log-F0 and voicing (absent: false, as before the key)
    "vocos_pitch_inputs": Bound(bool, required=False),
}
# The keys only one vocoder reads: required in its files, checked where present in the other's.
VOCODER_KEYS: dict[str, frozenset[str]] = {
    "ddsp": frozenset(
        {
            "vocoder_channels",
            "vocoder_layers",
            "vocoder_kernel",
            "envelope_points",
            "noise_bands",
            "max_harmonics",
            "harmonic_ceiling",
            "noise_fft",
        }
    ),
    "vocos": frozenset({"vocos_channels", "vocos_blocks", "vocos_kernel", "vocos_fft", "vocos_pitch_inputs"}),
}
# Keys of removed options (engine/model.py, RETIRED_ARCH), read only at their neutral values.
RETIRED_KEYS = frozenset({"decoder_dilations", "subframe_gains"})

# g2p.arch.<key>
G2P_BOUNDS: dict[str, Bound] = {
    "channels": _int(1, 1_024),
    "kernel_size": _int(1, 15, odd=True),
    "upsample": _int(1, 8),
}
MAX_G2P_BLOCKS = 32  # elements of g2p.arch.encoder_dilations and of g2p.arch.decoder_dilations
MAX_G2P_DILATION = 64
MAX_G2P_LETTERS = 1_024  # entries of g2p.letters
MAX_SPEAKER_FIELD = 1_024  # characters of one speakers.* string
# What the networks may decode to: ternary layers at a byte a weight in the kernels' padded
# layout (twice, while it is made), float tensors as float32 (twice: the array and a layer's copy).
MAX_DECODED_BYTES = 512 << 20


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _value(meta: Mapping[str, Any], key: str, bound: Bound, path: object) -> Any:
    """The metadata value ``key``, of ``bound``'s type and within its range."""
    if key not in meta:
        raise ModelFormatError(f"{path}: the model's metadata lacks {key} ({bound.describe()})")
    value = meta[key]
    if bound.kind is bool:
        ok = isinstance(value, bool)
    elif bound.kind is str:
        ok = value in bound.choices
    elif bound.kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if not ok:
        raise ModelFormatError(f"{path}: {key} is {_show(value)}, not {bound.describe()}")
    if bound.kind not in (bool, str) and (
        not bound.low <= value <= bound.high or (bound.odd and value % 2 == 0) or (bound.even and value % 2)
    ):
        raise ModelFormatError(f"{path}: {key} {value} is out of range ({bound.describe()})")
    return value


def _strings(meta: Mapping[str, Any], key: str, path: object, limit: int) -> list[str]:
    value = meta.get(key)
    if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
        raise ModelFormatError(f"{path}: {key} must be an array of strings, not {_show(value)}")
    if len(value) > limit:
        raise ModelFormatError(f"{path}: {key} has {len(value)} entries (at most {limit})")
    return value


def check_speech_model(model: ModelFile) -> dict[str, Any]:
    """The acoustic model's and vocoder's architecture (``arch.`` less the prefix), checked with
    its ``audio.``, ``text.phones`` and ``speakers.`` metadata and its tensors."""
    meta, path = model.metadata, model.path
    for key in meta:
        if key.startswith("arch.") and key[5:] not in ARCH_BOUNDS and key[5:] not in RETIRED_KEYS:
            raise ModelFormatError(f"{path}: {key} is not an architecture value this engine knows")
    kind = names.DEFAULT_VOCODER
    if "arch.vocoder_kind" in meta:
        kind = _value(meta, "arch.vocoder_kind", ARCH_BOUNDS["vocoder_kind"], path)
    others = frozenset().union(*(keys for k, keys in VOCODER_KEYS.items() if k != kind))
    arch = {
        name: _value(meta, f"arch.{name}", bound, path)
        for name, bound in ARCH_BOUNDS.items()
        if (bound.required and name not in others) or f"arch.{name}" in meta
    }
    arch["vocoder_kind"] = kind
    if kind == "vocos":
        arch.setdefault("vocos_pitch_inputs", False)  # Vocos files from before the key read the log-mel alone
    for name in ("sample_rate", "hop_size"):
        value = _value(meta, f"audio.{name}", ARCH_BOUNDS[name], path)
        if value != arch[name]:
            raise ModelFormatError(f"{path}: audio.{name} {value} differs from arch.{name} {arch[name]}")
    if kind == "vocos" and arch["vocos_fft"] < 2 * arch["hop_size"]:
        # at most a half-window hop: every sample lies under two Hann windows, so the inverse
        # STFT never divides by a window sum near zero
        raise ModelFormatError(
            f"{path}: arch.vocos_fft {arch['vocos_fft']} is less than twice arch.hop_size {arch['hop_size']}"
        )
    phones = _strings(meta, "text.phones", path, int(ARCH_BOUNDS["n_phones"].high))
    if tuple(phones) != SYMBOLS or len(phones) != arch["n_phones"]:
        raise ModelFormatError(
            f"{path}: text.phones must be the front end's {len(SYMBOLS)} phone symbols "
            f"(engine/text/phones.py) and arch.n_phones their number"
        )
    voices = _strings(meta, "speakers.name", path, int(ARCH_BOUNDS["n_speakers"].high))
    if len(voices) != arch["n_speakers"] or len(set(voices)) != len(voices) or not all(voices):
        raise ModelFormatError(f"{path}: speakers.name must give the {arch['n_speakers']} voices distinct names")
    for key in [k for k in meta if k.startswith("speakers.")]:
        if any(len(s) > MAX_SPEAKER_FIELD for s in _strings(meta, key, path, int(ARCH_BOUNDS["n_speakers"].high))):
            raise ModelFormatError(f"{path}: {key} holds a string longer than {MAX_SPEAKER_FIELD} characters")
    quantized = {"acoustic": arch["quantize_acoustic"], "vocoder": arch["quantize_vocoder"]}
    layers = names.ACOUSTIC + names.VOCODERS[kind]
    counts = {layer: int(arch[layer.count[5:]]) for layer in layers if layer.count}
    check_tensors(model, layers, arch, counts, lambda layer: quantized[layer.stem.split(".")[0]])
    return arch


@dataclass(frozen=True)
class G2PArchitecture:
    letters: tuple[str, ...]
    outputs: tuple[str, ...]
    channels: int
    kernel_size: int
    upsample: int
    encoder_dilations: tuple[int, ...]
    decoder_dilations: tuple[int, ...]


def _dilations(meta: Mapping[str, Any], key: str, path: object) -> tuple[int, ...]:
    value = meta.get(key)
    if not isinstance(value, list) or not all(isinstance(d, int) and not isinstance(d, bool) for d in value):
        raise ModelFormatError(f"{path}: the G2P metadata lacks or garbles {key}: {_show(value)}")
    if not 1 <= len(value) <= MAX_G2P_BLOCKS or not all(1 <= d <= MAX_G2P_DILATION for d in value):
        raise ModelFormatError(
            f"{path}: {key} is out of range (1 to {MAX_G2P_BLOCKS} dilations of 1 to {MAX_G2P_DILATION})"
        )
    return tuple(value)


def check_g2p_model(model: ModelFile, specials: Iterable[str], blank: str, phones: frozenset[str]) -> G2PArchitecture:
    """The neural G2P's architecture (``g2p.``), checked with its tensors. ``specials`` must be
    among the letters; the outputs must be ``blank`` then members of ``phones``."""
    meta, path = model.metadata, model.path
    for key in ("g2p.letters", "g2p.phones"):
        if key not in meta:
            raise ModelFormatError(f"{path}: the G2P metadata lacks {key}")
    letters = _strings(meta, "g2p.letters", path, MAX_G2P_LETTERS)
    outputs = _strings(meta, "g2p.phones", path, MAX_G2P_LETTERS)
    for name in specials:
        if name not in letters:
            raise ModelFormatError(f"{path}: g2p.letters lacks {name!r}")
    if len(set(letters)) != len(letters):
        raise ModelFormatError(f"{path}: g2p.letters lists a letter twice")
    if not outputs or outputs[0] != blank or not set(outputs[1:]) <= phones:
        raise ModelFormatError(f"{path}: g2p.phones must be {blank!r} then ARPAbet phones")
    values = {name: _value(meta, f"g2p.arch.{name}", bound, path) for name, bound in G2P_BOUNDS.items()}
    enc = _dilations(meta, "g2p.arch.encoder_dilations", path)
    dec = _dilations(meta, "g2p.arch.decoder_dilations", path)
    sizes = dict(values, letters=len(letters), outputs=len(outputs))
    counts = {names.G2P_ENCODER: len(enc), names.G2P_DECODER: len(dec)}
    check_tensors(model, names.G2P, sizes, counts, lambda layer: True)
    return G2PArchitecture(
        tuple(letters), tuple(outputs), values["channels"], values["kernel_size"], values["upsample"], enc, dec
    )


def _weight_index(layer: Layer) -> int | None:
    """Which of the layer's tensors is its ternary conv weight (None: it has none)."""
    if not layer.ternary:
        return None
    return 2 if layer.kind == Kind.BLOCK else 0


def _shape_terms(layer: Layer, sizes: Mapping[str, Any]) -> str:
    """The layer's shape in the architecture's terms and the values it takes them at, e.g.
    "[vocos_channels, n_mels + 2 * vocos_pitch_inputs, vocos_kernel] with n_mels 80,
    vocos_pitch_inputs True, ...": the metadata a wrong tensor disagrees with."""
    terms = [f.strip() for d in layer.shape for t in d.split("+") for f in t.split("*")]
    named = dict.fromkeys(f for f in terms if not f.isdecimal())
    values = {**names.ABSENT_SIZES, **sizes}
    return f"[{', '.join(layer.shape)}] with " + ", ".join(f"{k} {values[k]}" for k in named)


def check_tensors(
    model: ModelFile,
    layers: Iterable[Layer],
    sizes: Mapping[str, Any],
    counts: Mapping[Layer, int],
    quantized: Callable[[Layer], bool],
) -> int:
    """Every tensor of ``layers`` (``counts`` of each numbered one) is in ``model`` with the
    shape ``sizes`` give it and its dtype: TERNARY for a ternary layer's conv weight where
    ``quantized(layer)``, else F16 or F32. Returns the bytes the layers decode to (at most
    ``MAX_DECODED_BYTES``)."""
    path, decoded = model.path, 0
    for layer in layers:
        indices: Iterable[int | None] = [None] if layer.count is None else range(counts[layer])
        ternary_at = _weight_index(layer) if quantized(layer) else None
        for index in indices:
            for j, (name, shape) in enumerate(zip(layer.tensors(index), layer.shapes(sizes))):
                info = model.tensors.get(name)
                if info is None:
                    raise ModelFormatError(f"{path}: the model has no tensor {name!r}")
                if info.shape != shape:
                    raise ModelFormatError(
                        f"{path}: tensor {name!r} has shape {info.shape}, its architecture needs {shape} "
                        f"({_shape_terms(layer, sizes)})"
                    )
                if j == ternary_at:
                    if info.dtype != DType.TERNARY:
                        raise ModelFormatError(f"{path}: tensor {name!r} is {info.dtype.name}, not TERNARY")
                    c_out, c_in, kernel = shape
                    decoded += 2 * (-(-c_out // 32) * 32) * (-(-c_in // 4) * 4) * kernel
                else:
                    if info.dtype not in (DType.F16, DType.F32):
                        raise ModelFormatError(f"{path}: tensor {name!r} is {info.dtype.name}, not F16 or F32")
                    decoded += 8 * info.count
    if decoded > MAX_DECODED_BYTES:
        raise ModelFormatError(
            f"{path}: the networks would decode to {decoded >> 20} MiB, more than {MAX_DECODED_BYTES >> 20} MiB"
        )
    return decoded
