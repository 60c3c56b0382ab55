"""The exporter writes exactly the tensor names the engine reads: those of the one table in
engine/tensor_names.py, in its order, for every network a file can hold, quantized or not.
Skipped where torch is missing."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from bittts.engine import tensor_names  # noqa: E402
from bittts.engine.model_format import DType, ModelFile, ModelWriter  # noqa: E402
from training.export import add_g2p, build_writer, module_tensors  # noqa: E402
from training.g2p.model import G2PConfig, G2PNet  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import (  # noqa: E402
    AcousticModel,
    VocoderNet,
    vocoder_for,  # noqa: E402
)

SMALL = {
    "n_phones": 6,
    "n_speakers": 2,
    "encoder_channels": 16,
    "decoder_channels": 16,
    "vocoder_channels": 16,
    "encoder_layers": 3,
    "decoder_layers": 2,
    "predictor_layers": 1,
    "vocoder_layers": 2,
    "vocos_channels": 8,
    "vocos_blocks": 2,
    "vocos_fft": 32,
}
SPEAKERS = [{"name": "a"}, {"name": "b"}]


def export(tmp_path, cfg: ModelConfig, g2p: G2PNet | None = None) -> ModelFile:
    writer = build_writer(
        cfg,
        AcousticModel(cfg),
        vocoder_for(cfg),
        list("abcdef"),
        SPEAKERS,
        None,
        "test",
        g2p=(g2p, "test", None) if g2p is not None else None,
    )
    writer.write(tmp_path / "model.bttm")
    return ModelFile(tmp_path / "model.bttm")


@pytest.mark.parametrize("quantized", [True, False])
@pytest.mark.parametrize("vocoder", ["ddsp", "vocos"])
def test_the_exporter_writes_the_engines_table_of_names(tmp_path, quantized, vocoder):
    cfg = ModelConfig(**SMALL, quantize_acoustic=quantized, quantize_vocoder=quantized, vocoder_kind=vocoder)
    g2p = G2PNet(G2PConfig(channels=16, encoder_dilations=(1, 2, 4), decoder_dilations=(1,), upsample=2))
    model = export(tmp_path, cfg, g2p)
    assert model.metadata["arch.vocoder_kind"] == vocoder
    assert list(model.tensors) == tensor_names.tensor_names(model.metadata)
    layers = tensor_names.ACOUSTIC + tensor_names.VOCODERS[vocoder] + tensor_names.G2P
    by_layer = {
        name: layer
        for layer in layers
        for i in range(tensor_names.layer_count(layer, model.metadata) if layer.count else 1)
        for name in layer.tensors(i if layer.count else None)
    }
    assert set(by_layer) == set(model.tensors)  # every name in the table, once
    for name, info in model.tensors.items():
        layer = by_layer[name]
        # a ternary layer's conv weight is TERNARY where its network is quantized (the G2P always is)
        ternary = (
            layer.ternary
            and name.endswith("conv.weight" if layer.kind == tensor_names.Kind.BLOCK else ".weight")
            and (quantized or name.startswith("g2p."))
        )
        assert info.dtype == (DType.TERNARY if ternary else DType.F16), name


def test_a_g2p_only_file_holds_the_g2p_names(tmp_path):
    writer = ModelWriter()
    add_g2p(writer, G2PNet(G2PConfig(channels=8, encoder_dilations=(1,), decoder_dilations=(1, 2))), "test")
    writer.write(tmp_path / "g2p.bttm")
    model = ModelFile(tmp_path / "g2p.bttm")
    assert list(model.tensors) == tensor_names.tensor_names(model.metadata, tensor_names.G2P)
    assert list(model.tensors) == tensor_names.tensor_names(model.metadata)


def test_a_parameter_outside_the_table_is_refused():
    cfg = ModelConfig(**SMALL)
    vocoder = VocoderNet(cfg)
    vocoder.extra = torch.nn.Linear(2, 2)  # a layer nobody told the engine about
    metadata = {f"arch.{k}": v for k, v in cfg.to_dict().items()}
    with pytest.raises(ValueError, match=r"vocoder\.extra\.weight"):
        list(module_tensors("vocoder", vocoder, tensor_names.VOCODER, metadata))
    with pytest.raises(ValueError, match=r"vocoder\.blocks\.2"):  # the metadata says 3 blocks, the network has 2
        list(module_tensors("vocoder", VocoderNet(cfg), tensor_names.VOCODER, {**metadata, "arch.vocoder_layers": 3}))
