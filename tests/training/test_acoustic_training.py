"""Acoustic-model training pieces: growing a trained decoder (train.py --decoder-dilations),
which keeps the trained weights and optimizer moments and at first speaks as the trained one
did, the frame-to-frame (delta) loss, and the weight on frames at phone boundaries
(--mel-edge-weight). Skipped where torch is missing."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from training.model.config import ModelConfig  # noqa: E402
from training.model.networks import AcousticModel  # noqa: E402
from training.train import decoder_grows, grow_decoder  # noqa: E402

SMALL = dict(n_phones=20, n_speakers=2, encoder_channels=32, decoder_channels=24, encoder_layers=1, decoder_layers=2)


def small(**changes) -> ModelConfig:
    return ModelConfig(**{**SMALL, **changes})


def test_only_appended_decoder_layers_count_as_growth():
    trained = small()
    assert trained.decoder_dilations == (1, 1)
    assert decoder_grows(trained, small(decoder_layers=4, decoder_dilations=(1, 1, 2, 4)))
    assert not decoder_grows(trained, small(decoder_layers=3, decoder_dilations=(2, 1, 1)))  # first layers changed
    assert not decoder_grows(trained, small(decoder_layers=4, decoder_channels=32))  # another width
    assert not decoder_grows(trained, trained)
    with pytest.raises(ValueError, match="decoder_dilations"):
        small(decoder_dilations=(1, 2, 4))


def test_the_grown_model_starts_as_the_trained_one_with_its_optimizer_moments():
    torch.manual_seed(0)
    trained_cfg = small()
    trained = AcousticModel(trained_cfg)
    opt = torch.optim.AdamW(trained.parameters(), 1e-3)
    phones, lengths, speakers = torch.randint(0, 20, (2, 7)), torch.tensor([7, 5]), torch.tensor([0, 1])
    durations, pitch = torch.randint(1, 4, (2, 7)), torch.randn(2, 7)
    out = trained(phones, lengths, speakers, durations, pitch)[0]
    out.pow(2).mean().backward()
    opt.step()
    ckpt = {"acoustic": trained.state_dict(), "opt_acoustic": opt.state_dict()}

    grown_cfg = small(decoder_layers=4, decoder_dilations=(1, 1, 2, 4))
    grown = AcousticModel(grown_cfg)
    grown_opt = torch.optim.AdamW(grown.parameters(), 1e-3)
    grow_decoder(grown, grown_opt, trained_cfg, ckpt)

    trained.eval(), grown.eval()
    before = trained(phones, lengths, speakers, durations, pitch)[0]
    after = grown(phones, lengths, speakers, durations, pitch)[0]
    assert (after - before).abs().max() < 0.02 * before.abs().max()
    assert not torch.equal(after, before)  # the new layers are there, only small
    moved = grown.decoder[0].conv.weight
    assert torch.equal(grown_opt.state[moved]["exp_avg"], opt.state[trained.decoder[0].conv.weight]["exp_avg"])
    assert grown.decoder[3].conv.weight not in grown_opt.state  # a new layer's moments start empty
    assert grown.decoder[3].conv.dilation == (4,)


def test_the_delta_loss_sees_smeared_onsets_not_offsets_or_padding():
    from training.train import delta_l1

    mask = torch.tensor([[[1.0] * 6 + [0.0] * 2]])
    onset = torch.tensor([[[0.0, 0, 0, 4, 4, 4, 0, 0]]])  # a sharp step, then padding
    smeared = torch.tensor([[[0.0, 1, 2, 3, 4, 4, 0, 0]]])
    assert delta_l1(onset + 3.0 - onset, mask).item() == 0.0  # a constant error
    assert delta_l1(smeared - onset, mask).item() == pytest.approx((1 + 1 + 3 + 1 + 0) / 5)
    padded = smeared.clone()
    padded[..., 6:] = 100.0  # padded frames never count
    assert delta_l1(padded - onset, mask).item() == pytest.approx(1.2)


def test_edge_frames_lie_around_boundaries_between_phones_only():
    from training.train import phone_edge_frames

    # phones of 3, 0 (a word boundary), 4 and 5 frames, then padding; 10 and 2 frames
    durations = torch.tensor([[3, 0, 4, 5, 0], [10, 2, 0, 0, 0]])
    edges = phone_edge_frames(durations, 14, width=2)
    assert edges[0].tolist() == [0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]  # boundaries at frames 3 and 7
    assert edges[1].tolist() == [0] * 8 + [1] * 4 + [0] * 2  # one boundary, at 10; none at the end (12)


def test_the_edge_weight_moves_the_loss_to_boundary_frames_and_reports_the_same_parts():
    from training.train import acoustic_loss

    torch.manual_seed(0)
    cfg = small()
    model = AcousticModel(cfg).eval()
    durations = torch.tensor([[6, 1, 6], [6, 1, 6]])
    frames = int(durations.sum(1).max())
    batch = {"phones": torch.randint(0, 20, (2, 3)), "phone_lengths": torch.tensor([3, 3]),
             "speakers": torch.tensor([0, 1]), "durations": durations, "phone_pitch": torch.zeros(2, 3),
             "mel": torch.zeros(2, cfg.n_mels, frames), "norm_log_f0": torch.zeros(2, frames),
             "voiced": torch.ones(2, frames)}
    with torch.no_grad():
        plain, parts = acoustic_loss(model, batch, cfg, torch.device("cpu"), False)
        weighted, weighted_parts = acoustic_loss(model, batch, cfg, torch.device("cpu"), False, mel_edge_weight=3.0)
    assert parts == weighted_parts  # the parts are the plain L1 and the L1 on edge frames
    # edge frames: 4 to 8 of 13 (around the boundaries at 6 and 7), weighed 3 times the other 8
    mel, edges = parts["mel_l1"], parts["mel_edges"]
    rest = (mel * 13 - edges * 5) / 8
    expected_mel = (3 * edges * 5 + rest * 8) / (3 * 5 + 8)
    assert edges != pytest.approx(rest, rel=1e-3)  # the weighting has something to move
    assert weighted.item() - plain.item() == pytest.approx(expected_mel - mel, rel=1e-4, abs=1e-6)


def test_the_low_band_weight_moves_the_loss_to_the_low_bands_and_reports_the_same_parts():
    from training.train import LOW_MEL_BANDS, acoustic_loss, band_weights

    weights = band_weights(80, 3.0)
    assert weights.mean().item() == pytest.approx(1.0)  # the loss keeps its scale
    assert weights[0].item() == pytest.approx(3 * weights[-1].item())
    assert weights[LOW_MEL_BANDS - 1] > weights[LOW_MEL_BANDS]
    torch.manual_seed(0)
    cfg = small()
    model = AcousticModel(cfg).eval()
    durations = torch.tensor([[4, 4], [5, 3]])
    batch = {"phones": torch.randint(0, 20, (2, 2)), "phone_lengths": torch.tensor([2, 2]),
             "speakers": torch.tensor([0, 1]), "durations": durations, "phone_pitch": torch.zeros(2, 2),
             "mel": torch.zeros(2, cfg.n_mels, 8), "norm_log_f0": torch.zeros(2, 8), "voiced": torch.ones(2, 8)}
    with torch.no_grad():
        _, _, out = acoustic_loss(model, batch, cfg, torch.device("cpu"), False, return_frames=True)
        batch["mel"] = out[:, : cfg.n_mels].clone()
        batch["mel"][:, :LOW_MEL_BANDS] += 5.0  # an error of 5 in the low bands alone
        plain, parts = acoustic_loss(model, batch, cfg, torch.device("cpu"), False)
        weighted, weighted_parts = acoustic_loss(model, batch, cfg, torch.device("cpu"), False, mel_low_band_weight=3.0)
    assert parts == weighted_parts  # the parts stay the plain L1
    assert parts["mel_l1"] == pytest.approx(5 * LOW_MEL_BANDS / 80, rel=1e-4)
    # the low bands weigh 3 * 80 / (3 * 30 + 50) each, so the mel term grows by that factor less 1
    assert weighted.item() - plain.item() == pytest.approx((3 * 80 / 140 - 1) * parts["mel_l1"], rel=1e-4)
