"""The names of a packed model's tensors: the one table the exporter writes and the engine reads.

Every tensor of a ``.bttm`` file belongs to a :class:`Layer` of this table. The engine builds
its networks by these names (engine/model.py, engine/text/neural_g2p.py, through
engine/layers.py); training/export.py writes every trained parameter under the name this
table gives it, and refuses a network with a parameter the table does not name or a name
without a parameter. docs/model-format.md ("Tensor names") prints the table; change the two
together. tests/training/test_export_names.py checks that an export writes exactly
:func:`tensor_names` of its metadata.

A file holds one vocoder, named by ``arch.vocoder_kind`` (:func:`vocoder_layers`): the DDSP's
layers (``VOCODER``; also files without the key, the bundled model among them) or the Vocos
vocoder's (``VOCOS``). The names are those of version 1 files, the bundled model's included. They spell the training
modules' parameter paths (that is how the exporter finds each parameter), but the engine
knows them only from here: renaming one means re-exporting the bundled model.

A layer's ``stem`` holds ``{i}`` where the network has several (numbered from 0), ``count``
names the metadata key that says how many: an INT64, or an ARRAY with one element per layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple


class Kind(Enum):
    """What a layer holds, and so which tensors (``SUFFIXES``: its stem plus these)."""

    TENSOR = "tensor"  # one tensor named by the stem itself
    EMBEDDING = "embedding"  # a table, one row per id
    CONV = "conv"  # a 1-D convolution: weight [c_out, c_in, kernel], bias [c_out]
    NORM = "norm"  # a LayerNorm over channels: gain and shift [channels]
    BLOCK = "block"  # a residual block x + act(conv(layer_norm(x))): its norm's and its conv's

    @property
    def suffixes(self) -> tuple[str, ...]:
        return SUFFIXES[self]


SUFFIXES = {
    Kind.TENSOR: ("",),
    Kind.EMBEDDING: (".weight",),
    Kind.CONV: (".weight", ".bias"),
    Kind.NORM: (".weight", ".bias"),
    Kind.BLOCK: (".norm.norm.weight", ".norm.norm.bias", ".conv.weight", ".conv.bias"),
}


class ConvNames(NamedTuple):
    weight: str
    bias: str


class NormNames(NamedTuple):
    weight: str
    bias: str


class BlockNames(NamedTuple):
    """A residual block ``x + act(conv(layer_norm(x)))``: its norm's and its conv's tensors."""

    norm: NormNames
    conv: ConvNames


@dataclass(frozen=True)
class Layer:
    """One row of the table."""

    stem: str
    kind: Kind
    ternary: bool  # its conv weight is TERNARY (F16 in a file of an unquantized network); else F16
    count: str | None  # the metadata key that says how many such layers (None: one, no ``{i}``)
    role: str
    # Its shape in sizes the architecture names (``SHAPES``, docs/model-format.md, "Limits"):
    # a conv's [c_out, c_in, kernel], a block's [channels, kernel], an embedding's [ids, channels],
    # a norm's [channels], a tensor's own; each a size's name, a number, or a sum of products
    # of them ("n_mels + 2", "3 * vocos_channels"); a BOOL size counts 1 when true, 0 when false
    # ("n_mels + 2 * vocos_pitch_inputs").
    shape: tuple[str, ...] = ()

    def name(self, index: int | None = None) -> str:
        """The stem, with ``index`` for a numbered layer."""
        if (index is None) != (self.count is None):
            raise ValueError(f"layer {self.stem!r} takes {'an index' if self.count else 'no index'}")
        return self.stem if index is None else self.stem.format(i=index)

    def tensors(self, index: int | None = None) -> tuple[str, ...]:
        """The names of the layer's tensors, in the order the exporter writes them."""
        stem = self.name(index)
        return tuple(stem + suffix for suffix in self.kind.suffixes)

    def tensor(self, index: int | None = None) -> str:
        """The one tensor of a TENSOR or EMBEDDING layer."""
        self._expect(Kind.TENSOR, Kind.EMBEDDING)
        return self.tensors(index)[0]

    def conv(self, index: int | None = None) -> ConvNames:
        self._expect(Kind.CONV)
        return ConvNames(*self.tensors(index))

    def norm(self, index: int | None = None) -> NormNames:
        self._expect(Kind.NORM)
        return NormNames(*self.tensors(index))

    def block(self, index: int | None = None) -> BlockNames:
        self._expect(Kind.BLOCK)
        norm_weight, norm_bias, conv_weight, conv_bias = self.tensors(index)
        return BlockNames(NormNames(norm_weight, norm_bias), ConvNames(conv_weight, conv_bias))

    def shapes(self, sizes: Mapping[str, int]) -> tuple[tuple[int, ...], ...]:
        """The shape of each of the layer's tensors (in the order of :meth:`tensors`) in a
        network whose architecture has ``sizes`` (name -> value; ``ABSENT_SIZES`` where it has
        none of theirs)."""
        sizes = {**ABSENT_SIZES, **sizes}
        dims = tuple(sum(_product(term, sizes) for term in d.split("+")) for d in self.shape)
        if self.kind in (Kind.TENSOR, Kind.EMBEDDING):
            return (dims,)
        if self.kind == Kind.CONV:
            return (dims, dims[:1])
        if self.kind == Kind.NORM:
            return (dims, dims)
        channels, kernel = dims
        return ((channels,), (channels,), (channels, channels, kernel), (channels,))

    def _expect(self, *kinds: Kind) -> None:
        if self.kind not in kinds:
            raise TypeError(f"layer {self.stem!r} is a {self.kind.name}, not a {' or '.join(k.name for k in kinds)}")


# The sizes a file may leave out, at what their absence means: Vocos files from before
# arch.vocos_pitch_inputs read the log-mel alone.
ABSENT_SIZES: Mapping[str, int] = {"vocos_pitch_inputs": False}


def _product(term: str, sizes: Mapping[str, int]) -> int:
    """The value of ``"3 * vocos_channels"``, ``"n_mels"`` or ``"2"`` in a network of ``sizes``
    (a bool size is 1 or 0)."""
    value = 1
    for factor in term.split("*"):
        factor = factor.strip()
        value *= int(factor) if factor.isdecimal() else int(sizes[factor])
    return value


# --- the acoustic model (training/model/networks.py AcousticModel) ---------------------------
PHONE_EMBEDDING = Layer(
    "acoustic.phone_embedding",
    Kind.EMBEDDING,
    False,
    None,
    "phone embedding [n_phones, encoder_channels]",
    ("n_phones", "encoder_channels"),
)
SPEAKER_EMBEDDING = Layer(
    "acoustic.speaker_embedding",
    Kind.EMBEDDING,
    False,
    None,
    "speaker embedding [n_speakers, encoder_channels]",
    ("n_speakers", "encoder_channels"),
)
ENCODER = Layer(
    "acoustic.encoder.{i}",
    Kind.BLOCK,
    True,
    "arch.encoder_layers",
    "encoder block i over phones (kernel encoder_kernel, ReLU)",
    ("encoder_channels", "encoder_kernel"),
)
DURATION_BLOCKS = Layer(
    "acoustic.duration_predictor.blocks.{i}",
    Kind.BLOCK,
    True,
    "arch.predictor_layers",
    "duration predictor block i (kernel predictor_kernel, ReLU)",
    ("encoder_channels", "predictor_kernel"),
)
DURATION_NORM = Layer(
    "acoustic.duration_predictor.norm.norm",
    Kind.NORM,
    False,
    None,
    "duration predictor's last norm",
    ("encoder_channels",),
)
DURATION_OUT = Layer(
    "acoustic.duration_predictor.out",
    Kind.CONV,
    False,
    None,
    "log(1 + frames) per phone [1, encoder_channels, 1]",
    ("1", "encoder_channels", "1"),
)
PITCH_BLOCKS = Layer(
    "acoustic.pitch_predictor.blocks.{i}",
    Kind.BLOCK,
    True,
    "arch.predictor_layers",
    "pitch predictor block i",
    ("encoder_channels", "predictor_kernel"),
)
PITCH_NORM = Layer(
    "acoustic.pitch_predictor.norm.norm", Kind.NORM, False, None, "pitch predictor's last norm", ("encoder_channels",)
)
PITCH_OUT = Layer(
    "acoustic.pitch_predictor.out",
    Kind.CONV,
    False,
    None,
    "normalized log-F0 per phone [1, encoder_channels, 1]",
    ("1", "encoder_channels", "1"),
)
PITCH_EMBEDDING = Layer(
    "acoustic.pitch_embedding",
    Kind.CONV,
    False,
    None,
    "phone pitch -> channels [encoder_channels, 1, 3], padding 1",
    ("encoder_channels", "1", "3"),
)
ENCODER_NORM = Layer(
    "acoustic.encoder_norm.norm",
    Kind.NORM,
    False,
    None,
    "norm after the pitch embedding is added",
    ("encoder_channels",),
)
DECODER_IN = Layer(
    "acoustic.decoder_in",
    Kind.CONV,
    True,
    None,
    "frames -> decoder channels [decoder_channels, encoder_channels, 1]",
    ("decoder_channels", "encoder_channels", "1"),
)
DECODER = Layer(
    "acoustic.decoder.{i}",
    Kind.BLOCK,
    True,
    "arch.decoder_layers",
    "decoder block i over frames (kernel decoder_kernel, ReLU)",
    ("decoder_channels", "decoder_kernel"),
)
DECODER_NORM = Layer("acoustic.decoder_norm.norm", Kind.NORM, False, None, "decoder's last norm", ("decoder_channels",))
DECODER_OUT = Layer(
    "acoustic.decoder_out",
    Kind.CONV,
    False,
    None,
    "log-mel, normalized log-F0, voicing logit [n_mels + 2, decoder_channels, 1]",
    ("n_mels + 2", "decoder_channels", "1"),
)

# fmt: off
ACOUSTIC = (PHONE_EMBEDDING, SPEAKER_EMBEDDING, ENCODER, DURATION_BLOCKS, DURATION_NORM, DURATION_OUT,
            PITCH_BLOCKS, PITCH_NORM, PITCH_OUT, PITCH_EMBEDDING, ENCODER_NORM, DECODER_IN, DECODER,
            DECODER_NORM, DECODER_OUT)
# fmt: on

# --- the vocoder network (training/model/networks.py VocoderNet) -----------------------------
VOCODER_IN = Layer(
    "vocoder.inp",
    Kind.CONV,
    True,
    None,
    "features -> channels [vocoder_channels, n_mels + 2, vocoder_kernel], leaky ReLU 0.1",
    ("vocoder_channels", "n_mels + 2", "vocoder_kernel"),
)
VOCODER_BLOCKS = Layer(
    "vocoder.blocks.{i}",
    Kind.BLOCK,
    True,
    "arch.vocoder_layers",
    "vocoder block i (kernel vocoder_kernel, leaky ReLU 0.1)",
    ("vocoder_channels", "vocoder_kernel"),
)
VOCODER_NORM = Layer("vocoder.norm.norm", Kind.NORM, False, None, "vocoder's last norm", ("vocoder_channels",))
VOCODER_OUT = Layer(
    "vocoder.out",
    Kind.CONV,
    False,
    None,
    "log harmonic envelope, log noise gains [envelope_points + noise_bands, vocoder_channels, 1]",
    ("envelope_points + noise_bands", "vocoder_channels", "1"),
)

VOCODER = (VOCODER_IN, VOCODER_BLOCKS, VOCODER_NORM, VOCODER_OUT)

# --- or the Vocos vocoder (training/model/vocos.py VocosVocoder), in files with
# ``arch.vocoder_kind`` "vocos" -----------------------------------------------------------------
VOCOS_EMBED = Layer(
    "vocoder.embed",
    Kind.CONV,
    True,
    None,
    "log-mel (and with arch.vocos_pitch_inputs normalized log-F0, voicing) -> channels "
    "[vocos_channels, n_mels + 2 * vocos_pitch_inputs, vocos_kernel]",
    ("vocos_channels", "n_mels + 2 * vocos_pitch_inputs", "vocos_kernel"),
)
VOCOS_EMBED_NORM = Layer(
    "vocoder.embed_norm.norm", Kind.NORM, False, None, "norm after the embedding", ("vocos_channels",)
)
VOCOS_DEPTHWISE = Layer(
    "vocoder.depthwise.{i}",
    Kind.CONV,
    False,
    "arch.vocos_blocks",
    "block i's depthwise conv [vocos_channels, 1, vocos_kernel], one filter a channel",
    ("vocos_channels", "1", "vocos_kernel"),
)
VOCOS_NORMS = Layer(
    "vocoder.norms.{i}.norm", Kind.NORM, False, "arch.vocos_blocks", "block i's norm", ("vocos_channels",)
)
VOCOS_EXPAND = Layer(
    "vocoder.expand.{i}",
    Kind.CONV,
    True,
    "arch.vocos_blocks",
    "block i's 1x1 up [3 * vocos_channels, vocos_channels, 1], tanh-GELU",
    ("3 * vocos_channels", "vocos_channels", "1"),
)
VOCOS_PROJECT = Layer(
    "vocoder.project.{i}",
    Kind.CONV,
    True,
    "arch.vocos_blocks",
    "block i's 1x1 down [vocos_channels, 3 * vocos_channels, 1]",
    ("vocos_channels", "3 * vocos_channels", "1"),
)
VOCOS_SCALES = Layer(
    "vocoder.scales.{i}",
    Kind.TENSOR,
    False,
    "arch.vocos_blocks",
    "block i's per-channel scale of its residual branch [vocos_channels, 1]",
    ("vocos_channels", "1"),
)
VOCOS_OUT_NORM = Layer("vocoder.out_norm.norm", Kind.NORM, False, None, "norm before the head", ("vocos_channels",))
VOCOS_HEAD = Layer(
    "vocoder.head",
    Kind.CONV,
    False,
    None,
    "STFT log-magnitude then phase [vocos_fft + 2, vocos_channels, 1]",
    ("vocos_fft + 2", "vocos_channels", "1"),
)

# fmt: off
VOCOS = (VOCOS_EMBED, VOCOS_EMBED_NORM, VOCOS_DEPTHWISE, VOCOS_NORMS, VOCOS_EXPAND, VOCOS_PROJECT, VOCOS_SCALES,
         VOCOS_OUT_NORM, VOCOS_HEAD)
# fmt: on

# ``arch.vocoder_kind`` -> the vocoder's layers; a file without the key is a DDSP file.
VOCODERS = {"ddsp": VOCODER, "vocos": VOCOS}
DEFAULT_VOCODER = "ddsp"

# --- the neural G2P (training/g2p/model.py G2PNet), in files with ``g2p.letters`` ------------
G2P_SLOT_EMBEDDING = Layer(
    "g2p.slot_embedding",
    Kind.TENSOR,
    False,
    None,
    "added to the k-th copy of every letter frame [upsample, channels]",
    ("upsample", "channels"),
)
G2P_EMBEDDING = Layer(
    "g2p.embedding", Kind.EMBEDDING, False, None, "letter embedding [letters, channels]", ("letters", "channels")
)
G2P_ENCODER = Layer(
    "g2p.encoder.{i}",
    Kind.BLOCK,
    True,
    "g2p.arch.encoder_dilations",
    "encoder block i, one frame a letter (dilation encoder_dilations[i])",
    ("channels", "kernel_size"),
)
G2P_DECODER = Layer(
    "g2p.decoder.{i}",
    Kind.BLOCK,
    True,
    "g2p.arch.decoder_dilations",
    "decoder block i, upsample frames a letter (dilation decoder_dilations[i])",
    ("channels", "kernel_size"),
)
G2P_NORM = Layer("g2p.norm.norm", Kind.NORM, False, None, "final norm", ("channels",))
G2P_OUT = Layer("g2p.out", Kind.CONV, False, None, "logits [outputs, channels, 1]", ("outputs", "channels", "1"))

G2P = (G2P_SLOT_EMBEDDING, G2P_EMBEDDING, G2P_ENCODER, G2P_DECODER, G2P_NORM, G2P_OUT)

TABLE = ACOUSTIC + VOCODER + VOCOS + G2P


def vocoder_kind(metadata: Mapping[str, Any]) -> str:
    """The file's vocoder: ``arch.vocoder_kind``, "ddsp" where absent (files written before
    the key, the bundled model's included). ValueError for a kind this table lacks."""
    kind = metadata.get("arch.vocoder_kind", DEFAULT_VOCODER)
    if kind not in VOCODERS:
        raise ValueError(f"arch.vocoder_kind {kind!r} is not one of {sorted(VOCODERS)}")
    return str(kind)


def vocoder_layers(metadata: Mapping[str, Any]) -> tuple[Layer, ...]:
    """The layers of the vocoder a file with ``metadata`` holds."""
    return VOCODERS[vocoder_kind(metadata)]


def layer_count(layer: Layer, metadata: Mapping[str, Any]) -> int:
    """How many of ``layer`` a file with ``metadata`` holds (1 for an unnumbered one)."""
    if layer.count is None:
        return 1
    value = metadata[layer.count]
    return len(value) if isinstance(value, (list, tuple)) else int(value)


def tensor_names(metadata: Mapping[str, Any], layers: Iterable[Layer] | None = None) -> list[str]:
    """The tensor names of ``layers`` in a file with ``metadata``, in the order the exporter
    writes them. ``layers`` defaults to every network the file has: the acoustic model's and
    the vocoder's (:func:`vocoder_layers`) when it has ``arch.`` metadata, then the G2P's when
    it has ``g2p.letters``."""
    if layers is None:
        speaks = any(key.startswith("arch.") for key in metadata)
        layers = (ACOUSTIC + vocoder_layers(metadata) if speaks else ()) + (G2P if "g2p.letters" in metadata else ())
    names = []
    for layer in layers:
        indices = [None] if layer.count is None else range(layer_count(layer, metadata))
        for index in indices:
            names.extend(layer.tensors(index))
    return names
