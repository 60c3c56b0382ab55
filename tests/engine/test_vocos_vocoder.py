"""The engine's Vocos vocoder (engine/vocos_vocoder.py) against the training module it runs
(training/model/vocos.py), its layers against their references, and its parts against the
whole; with ``arch.vocos_pitch_inputs`` too (F0 and voicing beside the log-mel, as the trainer
hands them over: training/train.py ``vocoder_inputs``). The exported tensors come from
training/export.py, so torch is needed (skipped without)."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from bittts.engine import istft, tensor_names  # noqa: E402
from bittts.engine.layers import DepthwiseConv1d, LayerReader, depthwise_conv1d_reference, gelu_tanh  # noqa: E402
from bittts.engine.model_format import ModelFile, ModelWriter  # noqa: E402
from bittts.engine.vocoder_inputs import with_pitch_rows  # noqa: E402
from bittts.engine.vocos_vocoder import VocosVocoder  # noqa: E402
from training.export import add_network, round_to_fp16_  # noqa: E402
from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import LOG_F0_MEAN, LOG_F0_STD  # noqa: E402
from training.model.vocos import VocosVocoder as TorchVocos  # noqa: E402
from training.train import vocoder_inputs  # noqa: E402

SIZES = {"channels": 32, "blocks": 2, "n_fft": 64, "hop": 16, "kernel": 7, "inputs": 20}


def random_vocos(seed: int, quantized: bool = True, **sizes) -> TorchVocos:
    """A random VocosVocoder whose every parameter matters: norms, scales and the head's bias
    are drawn too (their defaults are 1, 0 and 0.1), and the float ones rounded to fp16 as the
    file stores them."""
    torch.manual_seed(seed)
    net = TorchVocos(**{**SIZES, **sizes}, quantized=quantized).eval()
    with torch.no_grad():
        for name, param in net.named_parameters():
            if "norm" in name and name.endswith("weight"):
                param.copy_(1 + 0.2 * torch.randn_like(param))
            elif "norm" in name or name.startswith("scales") or name == "head.bias":
                param.copy_(0.3 * torch.randn_like(param))
    round_to_fp16_(net)
    return net


def engine_vocos(net: TorchVocos, path, sample_rate: int = 24000, pitch_inputs: bool | None = None) -> VocosVocoder:
    """The engine's vocoder built from the exported tensors of ``net`` (``pitch_inputs``: the
    file's ``arch.vocos_pitch_inputs``, with the trainer's log-F0 statistics; None: no such key)."""
    arch = {
        "sample_rate": sample_rate,
        "hop_size": net.hop,
        "vocos_fft": net.n_fft,
        "vocos_blocks": len(net.depthwise),
        "vocoder_kind": "vocos",
    }
    if pitch_inputs is not None:
        arch.update(vocos_pitch_inputs=pitch_inputs, log_f0_mean=LOG_F0_MEAN, log_f0_std=LOG_F0_STD)
    writer = ModelWriter()
    writer.update_metadata({f"arch.{k}": v for k, v in arch.items()})
    add_network(writer, "vocoder", net, tensor_names.VOCOS)
    writer.write(path)
    return VocosVocoder(LayerReader(ModelFile(path)), arch)


def torch_wave(net: TorchVocos, mel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the network's frames [T, n_fft + 2], the waveform [T * hop]) in fp32 torch."""
    with torch.no_grad():
        x = torch.from_numpy(mel.T[None].copy())
        return net.network(x)[0].T.numpy(), net(x)[0].numpy()


def log_mel(frames: int, bins: int, seed: int) -> np.ndarray:
    """Random log-mel frames of a plausible range (log of 1e-5 to 10), smooth in time."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0, 0.5, (frames, bins)), axis=0)
    return (np.clip(walk, -11, 2) + rng.normal(0, 0.3, (frames, bins))).astype(np.float32)


# --- parity with the training module ------------------------------------------------------------
# Both sides quantize the same float32 frames to int8 per frame with the same ternary weights
# (training/model/quant.py is engine/kernels_ref.py), and every float layer holds the same fp16
# values; they differ only in float32 summation order (int32 sums in the kernels, BLAS and
# torch elsewhere), ~1e-7 of the range (the small net: 4e-7 at worst), which now and then flips
# the int8 rounding of an activation lying within that of a half step: one step of 1/127 of
# that frame's absmax, diluted over the channels of the next layer. At the default sizes (more
# activations, so some flips) the worst frame moves by 9e-5 of the output's range and the mean
# by 3e-6 (measured); the bounds leave five times that.
PEAK_SHARE, MEAN_SHARE = 5e-4, 2e-5


def assert_close(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    scale = float(np.abs(want).max())
    err = np.abs(got.astype(np.float64) - want)
    assert err.max() <= PEAK_SHARE * scale, f"worst {err.max():.3g} of a range {scale:.3g}"
    assert err.mean() <= MEAN_SHARE * scale, f"mean {err.mean():.3g} of a range {scale:.3g}"


@pytest.mark.parametrize("quantized", [True, False])
def test_the_engine_computes_what_the_training_module_computes(tmp_path, quantized):
    net = random_vocos(1, quantized)
    vocoder = engine_vocos(net, tmp_path / "vocos.bttm")
    mel = log_mel(57, SIZES["inputs"], 2)
    frames, wave = torch_wave(net, mel)
    assert_close(vocoder.network(mel), frames)
    got = vocoder.vocode(mel)
    assert got.dtype == np.float32 and got.shape == (57 * SIZES["hop"],)
    assert_close(got, wave)


def test_the_default_sizes_match_at_the_kokoro_layout(tmp_path):
    """256 channels, 4 blocks, 80 mels, hop 300, n_fft 1200: the sizes a trained model has."""
    torch.manual_seed(3)
    net = TorchVocos().eval()
    round_to_fp16_(net)
    vocoder = engine_vocos(net, tmp_path / "vocos.bttm")
    assert vocoder.context == 3 + 4 * 3
    mel = log_mel(40, 80, 4)
    frames, wave = torch_wave(net, mel)
    assert_close(vocoder.network(mel), frames)
    assert_close(vocoder.vocode(mel), wave)


# --- streaming ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cuts", [[1], [2, 3, 4], [17], [5, 30, 31], [45]])
@pytest.mark.parametrize("hop", [16, 24, 32])
def test_parts_join_into_the_whole(tmp_path, cuts, hop):
    net = random_vocos(5, hop=hop)  # hop 24: a window of 64 is not a whole number of hops
    vocoder = engine_vocos(net, tmp_path / "vocos.bttm")
    mel = log_mel(46, SIZES["inputs"], 6)
    whole = vocoder.vocode(mel)
    stream = vocoder.stream(mel, np.full(46, 100.0), np.ones(46, bool))
    bounds = [0, *cuts, 46]
    parts = [stream.part(a, b, lambda: False) for a, b in zip(bounds, bounds[1:])]
    assert [len(p) for p in parts] == [(b - a) * hop for a, b in zip(bounds, bounds[1:])]
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=0, atol=2e-6 * np.abs(whole).max())


def test_a_part_computes_only_the_frames_it_needs(tmp_path):
    """The network sees the STFT frames whose windows cover the part, plus the convs' reach on
    each side; a cancelled part returns None after the network."""
    net = random_vocos(7)
    vocoder = engine_vocos(net, tmp_path / "vocos.bttm")
    mel = log_mel(200, SIZES["inputs"], 8)
    seen = []
    network = vocoder.network
    vocoder.network = lambda m: seen.append(len(m)) or network(m)  # type: ignore[method-assign]
    stream = vocoder.stream(mel, np.full(200, 100.0), np.ones(200, bool))
    part = stream.part(100, 110, lambda: False)
    lo, hi = istft.frames_for(100, 110, 200, vocoder.n_fft, vocoder.hop)
    assert (lo, hi) == (99, 112)  # a 64-sample window reaches 2 hops of 16 on each side of its centre
    assert seen == [hi - lo + 2 * vocoder.context]
    np.testing.assert_allclose(part, network_whole := vocoder.vocode(mel)[100 * 16 : 110 * 16], atol=1e-6)
    assert np.abs(network_whole).max() > 0
    assert stream.part(110, 120, lambda: True) is None


# --- the float layers against their references ----------------------------------------------------
def test_depthwise_conv_matches_its_reference_and_torch():
    rng = np.random.default_rng(9)
    x = rng.normal(size=(13, 6)).astype(np.float32)
    weight = rng.normal(size=(6, 1, 5)).astype(np.float32)
    bias = rng.normal(size=6).astype(np.float32)
    fast = DepthwiseConv1d(weight, bias, 2)(x)
    np.testing.assert_allclose(fast, depthwise_conv1d_reference(x, weight, bias, 2), atol=1e-5)
    conv = torch.nn.functional.conv1d(
        torch.from_numpy(x.T[None].copy()), torch.from_numpy(weight), torch.from_numpy(bias), padding=2, groups=6
    )
    np.testing.assert_allclose(fast, conv[0].T.numpy(), atol=1e-5)


def test_gelu_tanh_is_torchs():
    x = np.linspace(-8, 8, 1001, dtype=np.float32)
    want = torch.nn.functional.gelu(torch.from_numpy(x), approximate="tanh").numpy()
    np.testing.assert_allclose(gelu_tanh(x), want, rtol=1e-6, atol=1e-6)


# --- with F0 and voicing (arch.vocos_pitch_inputs) ---------------------------------------------------
MELS = SIZES["inputs"]  # the pitch-reading nets below read MELS + 2 rows


def acoustic_frames(frames: int, seed: int) -> torch.Tensor:
    """Acoustic-model output frames [MELS + 2, frames]: log-mel, normalized log-F0 (a glide
    through about 80-300 Hz), voicing logit (voiced and unvoiced runs)."""
    rng = np.random.default_rng(seed)
    mel = log_mel(frames, MELS, seed).T
    log_f0 = np.log(np.geomspace(80, 300, frames)) + rng.normal(0, 0.02, frames)
    voicing = np.where(np.arange(frames) % 13 < 9, 2.0, -2.0) + rng.normal(0, 0.5, frames)
    rows = np.concatenate([mel, ((log_f0 - LOG_F0_MEAN) / LOG_F0_STD)[None], voicing[None]])
    return torch.from_numpy(rows.astype(np.float32))


def handed_over(frames: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray, torch.Tensor]:
    """(mel [T, MELS], F0 Hz [T], voicing [T] bool) as the engine hands acoustic ``frames`` to its
    vocoder, and the features [1, MELS + 2, T] the trainer gives the torch vocoder from them."""
    features, f0 = vocoder_inputs(frames, ModelConfig(n_mels=MELS))
    voiced = frames[MELS + 1].numpy() > 0
    return frames[:MELS].T.numpy().copy(), f0.numpy(), voiced, features[None]


@pytest.mark.parametrize("quantized", [True, False])
def test_with_pitch_inputs_the_engine_computes_what_the_training_module_computes(tmp_path, quantized):
    net = random_vocos(11, quantized, inputs=MELS + 2)
    vocoder = engine_vocos(net, tmp_path / "vocos.bttm", pitch_inputs=True)
    mel, f0, voiced, features = handed_over(acoustic_frames(57, 12))
    np.testing.assert_allclose(vocoder.inputs(mel, f0, voiced), features[0].T.numpy(), rtol=0, atol=1e-5)
    with torch.no_grad():
        frames, wave = net.network(features)[0].T.numpy(), net(features)[0].numpy()
    assert_close(vocoder.network(vocoder.inputs(mel, f0, voiced)), frames)
    got = vocoder.vocode(mel, f0, voiced)
    assert got.shape == (57 * SIZES["hop"],)
    assert_close(got, wave)


def test_with_pitch_inputs_the_output_follows_f0_and_voicing(tmp_path):
    """The same mel with another F0 (4 semitones up) or voicing makes other samples; without
    the flag (or with the key absent, as in files from before it) F0 and voicing are not read."""
    net = random_vocos(13, inputs=MELS + 2)
    vocoder = engine_vocos(net, tmp_path / "pitch.bttm", pitch_inputs=True)
    mel, f0, voiced, _ = handed_over(acoustic_frames(40, 14))
    base = vocoder.vocode(mel, f0, voiced)
    scale = np.abs(base).max()
    assert np.abs(vocoder.vocode(mel, f0 * 2 ** (4 / 12), voiced) - base).max() > 1e-3 * scale
    assert np.abs(vocoder.vocode(mel, f0, ~voiced) - base).max() > 1e-3 * scale
    with pytest.raises(ValueError, match="reads F0 and voicing"):
        vocoder.vocode(mel)
    plain_net = random_vocos(13)
    for flag in (False, None):
        plain = engine_vocos(plain_net, tmp_path / f"plain-{flag}.bttm", pitch_inputs=flag)
        assert not plain.pitch_inputs
        np.testing.assert_array_equal(plain.vocode(mel, f0 * 2, ~voiced), plain.vocode(mel))


def test_the_pitch_rows_are_the_ddsp_vocoders_normalization():
    """engine/vocoder_inputs.py against its definition, written out: ln F0, less the mean, over the std."""
    rng = np.random.default_rng(15)
    mel = rng.normal(size=(9, 4)).astype(np.float32)
    f0 = rng.uniform(60, 400, 9)
    voiced = rng.random(9) > 0.5
    rows = with_pitch_rows(mel, f0, voiced, 5.0, 0.25)
    assert rows.dtype == np.float32 and rows.shape == (9, 6)
    np.testing.assert_array_equal(rows[:, :4], mel)
    np.testing.assert_allclose(rows[:, 4], [(np.log(v) - 5.0) / 0.25 for v in f0], rtol=1e-6)
    np.testing.assert_array_equal(rows[:, 5], voiced.astype(np.float32))
    with pytest.raises(ValueError, match="9 log-mel frames, 8 F0 values"):
        with_pitch_rows(mel, f0[:8], voiced, 5.0, 0.25)


@pytest.mark.parametrize("cuts", [[1], [2, 3, 4], [17], [5, 30, 31], [45]])
def test_with_pitch_inputs_parts_join_into_the_whole(tmp_path, cuts):
    net = random_vocos(17, inputs=MELS + 2)
    vocoder = engine_vocos(net, tmp_path / "vocos.bttm", pitch_inputs=True)
    mel, f0, voiced, _ = handed_over(acoustic_frames(46, 18))
    whole = vocoder.vocode(mel, f0, voiced)
    stream = vocoder.stream(mel, f0, voiced)
    bounds = [0, *cuts, 46]
    parts = [stream.part(a, b, lambda: False) for a, b in zip(bounds, bounds[1:])]
    np.testing.assert_allclose(np.concatenate(parts), whole, rtol=0, atol=2e-6 * np.abs(whole).max())
