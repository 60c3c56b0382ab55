"""bench/vocoder.py without its run: its random Vocos vocoder is a file the engine's checks
accept at the default sizes, and its split of the time into stages holds together; and
bench/random_model.py's random second-generation model, which bench/e2e.py times, is that
architecture and speaks through the bundled model's front end."""

import numpy as np
import pytest

from bench import random_model
from bittts.engine import model_check
from bittts.engine import tensor_names as names
from bittts.engine.model_format import ModelFile
from bittts.engine.model_info import bundled_model_path
from bittts.engine.synthesis import Synthesizer
from bittts.engine.text.neural_g2p import NeuralG2P
from training.model.config import ModelConfig


@pytest.fixture(scope="module")
def bench(bench_script):
    return bench_script("vocoder")


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


@pytest.fixture(scope="module")
def second_generation(tmp_path_factory):
    if not bundled_model_path().exists():
        pytest.skip("no bundled model to take the front end from")
    return random_model.write_second_generation(tmp_path_factory.mktemp("gen2") / "gen2.bttm")


def test_the_random_model_has_the_second_generation_architecture(second_generation):
    defaults = ModelConfig()
    with ModelFile(second_generation) as m, ModelFile(bundled_model_path()) as bundled:
        meta = m.metadata
        assert (meta["arch.vocoder_kind"], meta["audio.sample_rate"], meta["audio.hop_size"]) == ("vocos", 24000, 300)
        for key in ("encoder_channels", "encoder_layers", "decoder_channels", "decoder_layers", "predictor_layers"):
            assert meta[f"arch.{key}"] == getattr(defaults, key), key
        for key in ("vocos_channels", "vocos_blocks", "vocos_kernel", "vocos_fft"):
            assert meta[f"arch.{key}"] == getattr(defaults, key), key
        assert len(meta["speakers.name"]) == meta["arch.n_speakers"] == 10
        assert meta["text.phones"] == bundled.metadata["text.phones"]
        assert list(m.tensors) == names.tensor_names(meta)  # acoustic, Vocos, then the G2P
        g2p = [n for n in bundled.tensors if n.startswith("g2p.")]
        assert g2p and all(np.array_equal(m.dequantized(n), bundled.dequantized(n)) for n in g2p)
        assert m.blob("lexicon") == bundled.blob("lexicon")


def test_the_random_model_speaks_through_the_bundled_front_end(second_generation):
    """Every token lasts FRAMES_PER_TOKEN frames, the G2P is the neural one (the passage's
    unknown name goes through it), and the waveform is quiet and finite."""
    synth = Synthesizer(second_generation)
    assert synth.model.vocoder.kind == "vocos" and isinstance(synth.frontend.g2p, NeuralG2P)
    text = "Mara Quelvenna arrived with two suitcases."
    speaker = synth.speaker_vector("")
    frames = 0
    for unit in synth._text_units(text):
        out = synth.model.acoustic(np.asarray(unit.phones.ids, np.int64), speaker)
        assert (out.durations == random_model.FRAMES_PER_TOKEN).all()
        frames += len(out.mel)
    audio = np.concatenate([c.samples for c in synth.synthesize(text)])
    assert len(audio) >= frames * 300  # the synthesizer's pauses come on top
    assert np.isfinite(audio).all() and 0 < np.abs(audio).max() < 1
