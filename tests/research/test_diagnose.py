"""research.diagnose's spectral measure: the log-mel L1 of a rendering against the teacher's
features, which must read zero for the teacher's own audio; and its optional WORLD rendering.
Skipped where torch is missing (research.diagnose reads the corpus through training.data)."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")

from research.diagnose import mel_l1  # noqa: E402
from training.corpus.features import HOP, log_mel, stft_magnitude  # noqa: E402


def test_mel_l1_is_zero_on_the_teachers_audio_and_log2_at_twice_its_amplitude():
    rng = np.random.default_rng(0)
    teacher = (0.1 * rng.standard_normal(HOP * 50)).astype(np.float32)
    features = log_mel(stft_magnitude(teacher))
    assert mel_l1(teacher, features) == pytest.approx(0.0, abs=1e-6)
    assert mel_l1(2 * teacher, features) == pytest.approx(np.log(2), rel=1e-3)
    # a rendering a few frames longer than the teacher's is compared on the frames both have
    assert mel_l1(np.concatenate([teacher, np.zeros(HOP * 3, np.float32)]), features) < 0.05


def test_world_resynthesis_keeps_a_tone_it_is_given_the_right_pitch_for():
    pytest.importorskip("training.corpus.pyworld_compat")  # pyworld, on setuptools without pkg_resources too
    from research.diagnose import world_resynthesis
    from training.corpus.features import SAMPLE_RATE

    t = np.arange(int(0.6 * SAMPLE_RATE)) / SAMPLE_RATE
    tone = sum(0.3 / k * np.sin(2 * np.pi * 150 * k * t) for k in range(1, 20)).astype(np.float32)
    features = log_mel(stft_magnitude(tone))
    frames = len(features)
    right = world_resynthesis(tone, np.full(frames, 150.0), np.ones(frames, bool), SAMPLE_RATE, HOP)
    assert abs(len(right) - len(tone)) <= HOP and right.dtype == np.float32
    assert mel_l1(right, features) < 0.6
    # the F0 and voicing it is given are what it renders: an octave off, or unvoiced, is far from the tone
    assert (
        mel_l1(world_resynthesis(tone, np.full(frames, 75.0), np.ones(frames, bool), SAMPLE_RATE, HOP), features) > 1.5
    )
    assert (
        mel_l1(world_resynthesis(tone, np.full(frames, 150.0), np.zeros(frames, bool), SAMPLE_RATE, HOP), features)
        > 0.9
    )


def test_the_world_stage_is_asked_for_by_name_and_a_typo_is_refused():
    from research import diagnose

    assert "world" not in diagnose.STAGES and "world" in diagnose.OPTIONAL_STAGES
    with pytest.raises(SystemExit, match="unknown stages: wrold"):
        diagnose.main(["--stages", "teacher,wrold"])


def test_a_voice_the_model_lacks_is_refused_before_anything_is_rendered():
    from pathlib import Path

    from bittts.engine.synthesis import Synthesizer
    from research import diagnose

    model = Path(__file__).resolve().parents[2] / "resources" / "bittts-en.bttm"
    known = Synthesizer(model).voice_names[-1]  # whichever model is bundled: only "nobody" is refused
    with pytest.raises(SystemExit, match="no such voice in .*bittts-en.bttm: nobody$"):
        diagnose.main(["--model", str(model), "--voices", f"{known},nobody"])


def test_sharpening_scales_each_bands_deviation_from_its_sentence_mean_and_keeps_the_rest():
    from pathlib import Path

    from bittts.engine.synthesis import Synthesizer
    from research.diagnose import sharpen_acoustic

    model = Synthesizer(Path(__file__).resolve().parents[2] / "resources" / "bittts-en.bttm").model
    speaker = model.speaker_embedding[0]
    ids = np.array([6, 76, 37, 79, 21, 8, 6])  # <sil> SH ER1 V AH0 . <sil>
    plain = model.acoustic(ids, speaker)
    sharpen_acoustic(model, 1.5)
    sharp = model.acoustic(ids, speaker)
    mean = plain.mel.mean(axis=0)
    assert np.allclose(sharp.mel.mean(axis=0), mean, atol=1e-4)
    assert np.allclose(sharp.mel - mean, 1.5 * (plain.mel - mean), atol=1e-4)
    assert np.array_equal(sharp.durations, plain.durations) and np.array_equal(sharp.f0, plain.f0)
    assert sharp.mel.std() > plain.mel.std()


def test_sharpening_the_shape_alone_keeps_each_frames_level():
    from pathlib import Path

    from bittts.engine.synthesis import Synthesizer
    from research.diagnose import sharpen_acoustic

    model = Synthesizer(Path(__file__).resolve().parents[2] / "resources" / "bittts-en.bttm").model
    speaker = model.speaker_embedding[0]
    ids = np.array([6, 76, 37, 79, 21, 8, 6])
    plain = model.acoustic(ids, speaker)
    sharpen_acoustic(model, 1.5, shape_only=True)
    sharp = model.acoustic(ids, speaker)
    assert np.allclose(sharp.mel.mean(axis=1), plain.mel.mean(axis=1), atol=1e-4)  # levels kept
    shape = lambda m: m - m.mean(axis=0) - (m - m.mean(axis=0)).mean(axis=1, keepdims=True)  # noqa: E731
    assert np.allclose(shape(sharp.mel), 1.5 * shape(plain.mel), atol=1e-4)


def test_the_pitched_stage_renders_the_teachers_phone_pitch():
    from pathlib import Path

    from bittts.engine.synthesis import Synthesizer
    from research.diagnose import teacher_pitched
    from training.evaluate import teacher_forced

    model = Synthesizer(Path(__file__).resolve().parents[2] / "resources" / "bittts-en.bttm").model
    speaker = model.speaker_embedding[0]
    ids = np.array([6, 76, 37, 79, 21, 8, 6])
    durations = np.array([3, 8, 12, 6, 9, 2, 4])
    predicted = model.pitch_predictor(model.encode(ids, speaker))
    # a teacher whose phone pitch is what the predictor says: the same frames as forced
    f0 = np.exp(np.repeat(predicted, durations) * model.log_f0_std + model.log_f0_mean)
    feats = {"phone_ids": ids, "durations": durations, "f0": f0}
    same, forced = teacher_pitched(model, speaker, feats), teacher_forced(model, speaker, feats)
    assert np.allclose(same.mel, forced.mel, atol=1e-3) and np.allclose(same.f0, forced.f0, rtol=1e-3)
    # a teacher an octave higher on every phone: the rendered F0 rises by about that much
    higher = teacher_pitched(model, speaker, {**feats, "f0": 2 * f0})
    assert np.array_equal(higher.durations, durations)
    assert 1.6 < np.median(higher.f0 / forced.f0) < 2.4


def test_teacher_bands_replace_only_the_bands_asked_for():
    from bittts.engine.model import AcousticOutput
    from research.diagnose import band_range, with_teacher_bands

    assert band_range("", "--teacher-bands") is None and band_range("55:80", "--teacher-bands") == slice(55, 80)
    for bad in ("55", "a:b", "60:55", "-1:4"):
        with pytest.raises(SystemExit, match="--teacher-bands"):
            band_range(bad, "--teacher-bands")
    with pytest.raises(SystemExit, match="^--noise-bands wants LO:HI"):
        band_range("0-30", "--noise-bands")
    ours = AcousticOutput(
        np.array([2, 2]), np.zeros((4, 6), np.float32), np.full(4, 100.0, np.float32), np.ones(4, bool)
    )
    teacher = np.arange(18, dtype=np.float16).reshape(3, 6)  # a frame shorter than ours
    mixed = with_teacher_bands(ours, teacher, band_range("2:4", "--teacher-bands"))
    assert np.array_equal(mixed.mel[:3, 2:4], teacher[:, 2:4]) and not mixed.mel[3].any()
    assert not mixed.mel[:, :2].any() and not mixed.mel[:, 4:].any()
    assert not ours.mel.any() and with_teacher_bands(ours, teacher, None) is ours


def test_copy_noise_is_one_noise_per_sentence_in_the_bands_asked_for():
    from research.diagnose import band_range, with_noise

    mel = np.zeros((200, 8), np.float32)
    assert with_noise(mel, 0.0, band_range("0:8", "--noise-bands"), "s1") is mel
    a = with_noise(mel, 0.5, band_range("0:4", "--noise-bands"), "s0136b96181d")
    assert np.array_equal(
        a, with_noise(mel, 0.5, band_range("0:4", "--noise-bands"), "s0136b96181d")
    )  # the same for every voice
    assert not np.array_equal(a, with_noise(mel, 0.5, band_range("0:4", "--noise-bands"), "s0176c712d1c"))
    assert not a[:, 4:].any() and abs(a[:, :4].std() - 0.5) < 0.05
    # smooth as a model's error is: neighbouring frames move together
    assert np.corrcoef(a[:-1, :4].ravel(), a[1:, :4].ravel())[0, 1] > 0.6
    assert not mel.any()
