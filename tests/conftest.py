import importlib.util
import os
import sys
from pathlib import Path

import pytest

# Qt runs without a screen in the tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARITY_MODEL = Path(__file__).parent / "fixtures" / "parity" / "model.bttm"
# The Vocos parity fixture: 24,000 Hz, hop 300, a Vocos vocoder (the second bundled model's kind)
PARITY_VOCOS_MODEL = Path(__file__).parent / "fixtures" / "parity-vocos" / "model.bttm"
BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="session")
def bench_script():
    """Loads bench/<name>.py as a module (bench/ is scripts, not a package), registered as
    bench_<name> so that pickling and forking children find it."""

    def load(name: str):
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module

    return load


@pytest.fixture(scope="session")
def lexicon_blob():
    from bittts.engine.text.lexicon import cmudict_lexicon

    return cmudict_lexicon()[1]


def _with_lexicon(fixture: Path, lexicon_blob: bytes, path: Path) -> Path:
    """A parity fixture's small random model plus the real lexicon, written to ``path``: a
    complete model file whose voice is noise but whose every code path is the real one."""
    from bittts.engine.model_format import ModelFile, ModelWriter

    with ModelFile(fixture) as src:
        w = ModelWriter.from_model(src)
    w.add_blob("lexicon", lexicon_blob, compress=False)
    w.write(path)
    return path


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory, lexicon_blob):
    """The DDSP parity fixture (22,050 Hz, hop 256) as a complete model: voices spk0..spk2."""
    return _with_lexicon(PARITY_MODEL, lexicon_blob, tmp_path_factory.mktemp("model") / "tiny.bttm")


@pytest.fixture(scope="session")
def tiny_vocos_model_path(tmp_path_factory, lexicon_blob):
    """The Vocos parity fixture (24,000 Hz, hop 300) as a complete model: voices spk0..spk2."""
    return _with_lexicon(PARITY_VOCOS_MODEL, lexicon_blob, tmp_path_factory.mktemp("model") / "tiny-vocos.bttm")
