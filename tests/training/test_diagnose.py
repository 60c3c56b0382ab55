"""training.diagnose's spectral measure: the log-mel L1 of a rendering against the teacher's
features, which must read zero for the teacher's own audio. Skipped where torch is missing
(training.diagnose reads the corpus through training.data)."""
from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from training.corpus.features import HOP, log_mel, stft_magnitude  # noqa: E402
from training.diagnose import mel_l1  # noqa: E402


def test_mel_l1_is_zero_on_the_teachers_audio_and_log2_at_twice_its_amplitude():
    rng = np.random.default_rng(0)
    teacher = (0.1 * rng.standard_normal(HOP * 50)).astype(np.float32)
    features = log_mel(stft_magnitude(teacher))
    assert mel_l1(teacher, features) == pytest.approx(0.0, abs=1e-6)
    assert mel_l1(2 * teacher, features) == pytest.approx(np.log(2), rel=1e-3)
    # a rendering a few frames longer than the teacher's is compared on the frames both have
    assert mel_l1(np.concatenate([teacher, np.zeros(HOP * 3, np.float32)]), features) < 0.05
