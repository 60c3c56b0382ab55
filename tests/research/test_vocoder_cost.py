"""research/vocoder_cost.py's candidate vocoders, built tiny: audio of frames x hop samples,
ternary weights in every quantized layer, the last layer in full precision, and one training
step with each discriminator. Skipped where torch is missing."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from research import vocoder_cost as vc  # noqa: E402
from training.model.quant import TernaryConv1d, fake_quant_weight, ternarize  # noqa: E402

TINY = vc.candidates(tiny=True)


@pytest.mark.parametrize("name", sorted(TINY))
def test_output_is_frames_times_hop(name):
    c = TINY[name]
    model = c.build()
    features, f0, _ = vc.make_batch(c, 2, 0.1, torch.Generator().manual_seed(0))
    frames = features.shape[2]
    with torch.no_grad():
        audio = vc.generate(model, features, f0)
    assert audio.shape == (2, frames * c.hop)
    assert torch.isfinite(audio).all()
    if name != "ddsp":
        assert c.hop == 300 and c.sample_rate == 24000


@pytest.mark.parametrize("name", sorted(TINY))
def test_quantized_weights_are_ternary_and_the_last_layer_is_not(name):
    model = TINY[name].build()
    layers = vc.ternary_layers(model)
    assert layers
    for layer in layers:
        trits, beta = ternarize(layer.weight)
        assert set(trits.unique().tolist()) <= {-1.0, 0.0, 1.0}
        torch.testing.assert_close(fake_quant_weight(layer.weight), trits * beta)
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv1d) and m.groups == 1]
    last = convs[-1]
    assert not isinstance(last, TernaryConv1d) or not last.quantized, "the last layer stays full precision"


def test_the_full_size_candidates_are_mostly_ternary():
    model = vc.candidates()["hifigan"].build()
    report = vc.size_report(model)
    assert report["ternary_share"] > 0.9
    assert report["packed_bytes"] < report["params"] / 2  # well under fp16


def test_packed_size_counts_five_trits_a_byte_per_row():
    model = torch.nn.Sequential(TernaryConv1d(4, 3, 3), torch.nn.Conv1d(3, 1, 1))
    report = vc.size_report(model)
    # 3 rows of 12 trits: 3 bytes each, + a scale; fp16 for the bias (3), the fp conv (3 + 1)
    assert report["packed_bytes"] == 3 * 3 + 4 + 2 * (3 + 4)
    assert report["params"] == 36 + 3 + 4


def test_subpixel_upsampling_interleaves_the_rate_groups():
    up = vc.SubpixelUpsample(2, 3, rate=4)
    x = torch.randn(1, 2, 5)
    y = up(x)
    assert y.shape == (1, 3, 20)
    z = up.conv(x)  # [1, 3 * 4, 5]: channel o * 4 + j is output channel o's sample t * 4 + j
    torch.testing.assert_close(y[0, 1, 2 * 4 + 3], z[0, 1 * 4 + 3, 2])


@pytest.mark.parametrize("discriminator", [None, "spec", "mpd"])
def test_a_training_step_runs_and_moves_the_weights(discriminator):
    c = TINY["vocos-256x4"]
    bench = vc.make_bench(c, batch=2, seconds=0.1, mpd_width=0.125)
    before = [p.detach().clone() for p in bench.model.parameters()]
    wall, cpu = vc.train_step(bench, discriminator, bf16=False)
    assert wall > 0 and cpu > 0
    assert any(not torch.equal(a, p) for a, p in zip(before, bench.model.parameters()))


def test_macs_count_every_conv_and_list_the_dense_ternary_layers():
    model = torch.nn.Module()
    model.conv = TernaryConv1d(4, 8, 3, padding=1)
    model.network = lambda x: model.conv(x)
    macs, shapes = vc.conv_macs(model, torch.randn(1, 4, 10), None)
    assert macs == 10 * 8 * 4 * 3
    assert shapes == [(4, 8, 3, 1, 10)]
