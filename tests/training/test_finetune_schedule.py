"""The fine-tuning's learning-rate anneal (train.py --finetune-anneal-steps). Skipped where
torch is missing."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")

from training.train import finetune_anneal  # noqa: E402


def test_the_last_steps_anneal_to_a_tenth_and_the_rest_keep_the_full_rate():
    assert finetune_anneal(6400, 7200, 0) == 1.0  # 0 turns it off
    assert finetune_anneal(6000, 7200, 800) == 1.0  # before the window
    assert finetune_anneal(6400, 7200, 800) == 1.0  # its first step
    assert finetune_anneal(6800, 7200, 800) == pytest.approx(0.5)
    assert finetune_anneal(7199, 7200, 800) == pytest.approx(0.1)
    factors = [finetune_anneal(s, 7200, 800) for s in range(6400, 7200)]
    assert all(a >= b for a, b in zip(factors, factors[1:]))
    assert min(factors) == pytest.approx(0.1)
    # a short stage (the recipe's first 300 steps) keeps its first half at the full rate
    assert finetune_anneal(149, 300, 800) == 1.0 and finetune_anneal(299, 300, 800) == pytest.approx(0.1)
