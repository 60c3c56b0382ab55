"""Distill-MOS: a predicted MOS of one utterance, for gating voices and comparing one voice
across models (shared/research/teachers.md). Never a training loss.

Install (the `evaluation` extra does it): the CPU torch wheel, then
`pip install --no-deps distillmos==0.9.1 xls-r-sqa==0.1.0`. The package imports torchaudio
only for its command line; an empty stand-in is put in its place when torchaudio is absent.

    score = distill_mos(wave, sample_rate)     # float, about 1 (bad) to 5 (excellent)
"""

from __future__ import annotations

import sys
import types
from functools import lru_cache
from math import gcd

import numpy as np

RATE = 16000  # what the predictor reads


@lru_cache(maxsize=1)
def _model():
    import torch

    if "torchaudio" not in sys.modules:
        try:
            import torchaudio  # noqa: F401
        except ImportError:
            sys.modules["torchaudio"] = types.ModuleType("torchaudio")
    import distillmos

    torch.set_num_threads(1)
    model = distillmos.ConvTransformerSQAModel()
    model.eval()
    return model


def to_16k(wave: np.ndarray, sample_rate: int) -> np.ndarray:
    if sample_rate == RATE:
        return np.asarray(wave, dtype=np.float32)
    from scipy.signal import resample_poly

    g = gcd(sample_rate, RATE)
    return resample_poly(np.asarray(wave, dtype=np.float64), RATE // g, sample_rate // g).astype(np.float32)


def distill_mos(wave: np.ndarray, sample_rate: int) -> float:
    """The predicted MOS of a mono float waveform at any rate."""
    import torch

    x = torch.from_numpy(to_16k(wave, sample_rate))[None, :]
    with torch.no_grad():
        return float(_model()(x).reshape(-1)[0])
