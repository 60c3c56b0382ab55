import importlib.util
import os
import sys
from pathlib import Path

import pytest

# Qt runs without a screen in the tests.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PARITY_MODEL = Path(__file__).parent / "fixtures" / "parity" / "model.bttm"
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


@pytest.fixture(scope="session")
def tiny_model_path(tmp_path_factory, lexicon_blob):
    """The parity fixture's small random model plus the real lexicon: a complete model file
    whose voice is noise but whose every code path is the real one."""
    from bittts.engine.model_format import ModelFile, ModelWriter

    with ModelFile(PARITY_MODEL) as src:
        w = ModelWriter.from_model(src)
    w.add_blob("lexicon", lexicon_blob, compress=False)
    path = tmp_path_factory.mktemp("model") / "tiny.bttm"
    w.write(path)
    return path
