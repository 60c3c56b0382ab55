from pathlib import Path

import pytest

from bittts.engine.model_format import DType, ModelFile, ModelWriter

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(scope="session")
def lexicon_blob():
    from bittts.engine.text.lexicon import cmudict_lexicon

    return cmudict_lexicon()[1]


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory, lexicon_blob):
    """The parity fixture's small random model plus the real lexicon: a complete model file
    whose voice is noise but whose every code path is the real one."""
    src = ModelFile(FIXTURES / "parity" / "model.bttm")
    w = ModelWriter()
    w.update_metadata(src.metadata)
    for name, info in src.tensors.items():
        if info.dtype == DType.TERNARY:
            w.add_ternary(name, src.ternary(name), info.scales if len(info.scales) > 1 else info.scales[0])
        else:
            w.add_tensor(name, src.array(name), info.dtype, info.scales)
    w.add_blob("lexicon", lexicon_blob, compress=False)
    path = tmp_path_factory.mktemp("model") / "tiny.bttm"
    w.write(path)
    return path
