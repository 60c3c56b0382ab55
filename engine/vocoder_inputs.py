"""The frames a vocoder network reads beside the log-mel: the normalized log-F0 and the voicing.

The DDSP vocoder's network always reads them (engine/ddsp_vocoder.py), the Vocos vocoder's with
``arch.vocos_pitch_inputs`` (engine/vocos_vocoder.py): log-mel [frames, n_mels], then
``(log(f0) - arch.log_f0_mean) / arch.log_f0_std`` and the voicing as 0 or 1, [frames,
n_mels + 2] float32 in all. This is what training/train.py ``vocoder_inputs`` builds from the
acoustic model's frames (and training/data.py ``vocoder_batches`` from the corpus'), so any pitch
shift the acoustic model applied (SSML pitch, ``config.pitch``) reaches the vocoder through F0.
"""

from __future__ import annotations

import numpy as np


def normalized_log_f0(f0: np.ndarray, log_f0_mean: float, log_f0_std: float) -> np.ndarray:
    """F0 [frames] in Hz (> 0 everywhere: the acoustic model interpolates through unvoiced frames)
    -> the normalized log-F0 the networks were trained on."""
    return (np.log(f0) - log_f0_mean) / log_f0_std


def with_pitch_rows(
    mel: np.ndarray, f0: np.ndarray, voiced: np.ndarray, log_f0_mean: float, log_f0_std: float
) -> np.ndarray:
    """[frames, n_mels + 2] float32: ``mel`` [frames, n_mels], the normalized log-F0 of ``f0``
    [frames] Hz, and ``voiced`` [frames] (bool or 0/1)."""
    if not len(mel) == len(f0) == len(voiced):
        raise ValueError(f"{len(mel)} log-mel frames, {len(f0)} F0 values and {len(voiced)} voicing flags")
    norm_f0 = normalized_log_f0(f0, log_f0_mean, log_f0_std)
    return np.concatenate([mel, norm_f0[:, None], voiced[:, None]], axis=1).astype(np.float32)
