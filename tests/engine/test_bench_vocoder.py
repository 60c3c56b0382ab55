"""bench/vocoder.py without its run: its random Vocos vocoder is a file the engine's checks
accept at the default sizes, and its split of the time into stages holds together."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from bittts.engine import model_check
from bittts.engine import tensor_names as names
from bittts.engine.model_format import ModelFile

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_vocoder", ROOT / "bench" / "vocoder.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_random_vocoder_has_the_default_sizes(bench, tmp_path):
    vocoder = bench.random_vocos(tmp_path / "v.bttm")
    sizes = bench.VOCOS_DEFAULTS
    counts = {layer: sizes["vocos_blocks"] for layer in names.VOCOS if layer.count}
    model_check.check_tensors(ModelFile(tmp_path / "v.bttm"), names.VOCOS, sizes, counts, lambda layer: True)
    assert (vocoder.n_fft, vocoder.hop, len(vocoder.blocks), vocoder.head.c_out) == (1200, 300, 4, 1202)


def test_the_stages_split_the_total(bench, tmp_path):
    """The stages are timed by wrappers and differences; a wrapper counted twice (a layer inside
    another timed one) would make a difference negative."""

    class Frames:  # what the acoustic model gives, as far as the vocoder reads it
        def __init__(self, count):
            self.mel = np.random.default_rng(count).normal(-4, 2, (count, 80)).astype(np.float32)
            self.f0, self.voiced = np.full(count, 120.0), np.ones(count, bool)

    figures = bench.bench_vocos(bench.random_vocos(tmp_path / "v.bttm"), [Frames(90), Frames(35)], 40)
    assert set(figures) == {"total", "ternary", "numpy layers", "head", "istft"}
    stages = [v for k, v in figures.items() if k != "total"]
    assert all(v >= 0 for v in stages) and figures["ternary"] > 0 and figures["head"] > 0
    assert max(stages) < figures["total"]
