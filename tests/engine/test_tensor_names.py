"""The table of tensor names (engine/tensor_names.py) against the files the engine reads and
the format document that prints it."""

from pathlib import Path

import pytest

from bittts.engine import tensor_names
from bittts.engine.model_format import ModelFile
from bittts.engine.tensor_names import Kind

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    ROOT / "resources" / "bittts-en.bttm",
    ROOT / "tests" / "fixtures" / "parity" / "model.bttm",
    ROOT / "tests" / "fixtures" / "g2p" / "small.bttm",
]


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in FILES])
def test_the_table_names_every_tensor_of_the_files_in_their_order(path):
    if not path.exists():
        pytest.skip(f"no {path.name}")
    with ModelFile(path) as model:
        assert list(model.tensors) == tensor_names.tensor_names(model.metadata)


def test_layers_give_their_names_by_kind_and_index():
    block = tensor_names.DECODER.block(3)
    assert block.conv.weight == "acoustic.decoder.3.conv.weight"
    assert block.norm.bias == "acoustic.decoder.3.norm.norm.bias"
    assert tensor_names.VOCODER_OUT.conv().bias == "vocoder.out.bias"
    assert tensor_names.G2P_SLOT_EMBEDDING.tensor() == "g2p.slot_embedding"
    with pytest.raises(ValueError):
        tensor_names.DECODER.block()  # a numbered layer needs its index
    with pytest.raises(ValueError):
        tensor_names.VOCODER_OUT.conv(0)
    with pytest.raises(TypeError):
        tensor_names.VOCODER_OUT.norm()


def test_stems_are_unique_and_numbered_exactly_where_counted():
    stems = [layer.stem for layer in tensor_names.TABLE]
    assert len(stems) == len(set(stems))
    for layer in tensor_names.TABLE:
        assert ("{i}" in layer.stem) == (layer.count is not None), layer.stem
        assert not layer.ternary or layer.kind in (Kind.BLOCK, Kind.CONV), layer.stem


def test_the_format_document_prints_the_table():
    """docs/model-format.md, "Tensor names": one row per layer, in the table's order."""
    rows = []
    for line in (ROOT / "docs" / "model-format.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0] in ("acoustic", "vocoder", "g2p"):
            rows.append(tuple(cells[1:5]))
    assert rows == [
        (f"`{layer.stem}`", layer.kind.value, "yes" if layer.ternary else "", f"`{layer.count}`" if layer.count else "")
        for layer in tensor_names.TABLE
    ]
