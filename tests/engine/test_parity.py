"""The engine against the quantized PyTorch forward pass (fixture written by training/make_fixture.py).

Tolerances: the engine quantizes activations exactly as training does, but float32 sums in a
different order can move a value across an int8 rounding boundary, so outputs agree to a small
share of their range rather than bit for bit. Usually every value agrees to about 1e-6 of the
range. Now and then an activation sits on a rounding tie (x.5 after scaling: -22.500004 in the
engine, -22.499994 in PyTorch), rounds one step apart, and the step spreads through the next
layers' receptive fields; a long phone repeats one input frame, so the same tie flips on every
one of its frames. Measured on a trained checkpoint (anneal2, docs/experiments/2026-11-models.md): largest error
1.4e-3 of the range, mean error 6e-5. So each output is checked twice: the largest error
against a bound that one such flip fits under, and the mean error against a bound that a real
mistake (a wrong scale, padding, dilation or layer) would break by far.

The Vocos fixture (tests/fixtures/parity-vocos/, ``--vocoder vocos``; or a bundled model with a
Vocos vocoder) runs the same acoustic checks, and checks the vocoder's STFT frames and its
waveform against the same bounds: its ternary layers quantize per frame as training does, so
the same tie flips are the only expected difference; a log-magnitude error of e is a relative
magnitude error of e and a phase error of e moves a bin by e times its magnitude, so the
waveform's error stays within the frames' share of the range. The inverse STFT alone (the
fixture's own frames, NumPy's FFT against torch.istft) agrees to float32 rounding. The Vocos
fixture with pitch inputs (tests/fixtures/parity-vocos-f0/, ``--vocoder vocos-f0``: the file's
``arch.vocos_pitch_inputs``) runs the same checks with the normalized log-F0 and the voicing
beside the log-mel, the engine's pitch rows made from the fixture's F0 in Hz and voicing as a
synthesis makes them; without those rows its frames miss the bounds.
"""

import hashlib
from pathlib import Path

import numpy as np
import pytest

from bittts.engine import dsp, istft
from bittts.engine.model import BitTTSModel
from bittts.engine.model_format import ModelFile

FIXTURES = Path(__file__).parent.parent / "fixtures"
BUNDLED_MODEL = Path(__file__).parent.parent.parent / "resources" / "bittts-en.bttm"
RTOL_OF_RANGE = 5e-3  # largest error, of each output's range (see above)
MEAN_RTOL_OF_RANGE = 2e-4  # mean error, of each output's range


def _cases():
    yield pytest.param((FIXTURES / "parity" / "model.bttm", FIXTURES / "parity" / "expected.npz"), id="small-random")
    for name in ("vocos", "vocos-f0"):
        vocos = FIXTURES / f"parity-{name}"
        yield pytest.param((vocos / "model.bttm", vocos / "expected.npz"), id=f"small-random-{name}")
    bundled = FIXTURES / "bundled" / "expected.npz"
    yield pytest.param(
        (BUNDLED_MODEL, bundled),
        id="bundled",
        marks=pytest.mark.skipif(
            not (bundled.exists() and BUNDLED_MODEL.exists()), reason="no trained model bundled yet"
        ),
    )


@pytest.fixture(scope="module", params=list(_cases()))
def case(request):
    model_path, expected_path = request.param
    expected = dict(np.load(expected_path))
    if "model_sha256" in expected:  # the fixture was made from the checkpoint this file came from
        assert hashlib.sha256(model_path.read_bytes()).hexdigest() == str(expected["model_sha256"]), (
            "resources/bittts-en.bttm changed without rerunning python -m training.make_fixture --checkpoint ..."
        )
    return BitTTSModel(ModelFile(model_path)), expected


def close(got, want, share=RTOL_OF_RANGE, mean_share=MEAN_RTOL_OF_RANGE):
    span = float(np.ptp(want)) or 1.0
    assert got.shape == want.shape
    err = np.abs(got - want)
    assert err.max() <= share * span, f"max error {err.max():.4g} > {share} x range {span:.4g}"
    assert err.mean() <= mean_share * span, f"mean error {err.mean():.4g} > {mean_share} x range {span:.4g}"


def test_encoder_and_predictors_match(case):
    model, e = case
    speaker = model.speaker_embedding[int(e["speaker"])]
    x = model.encode(e["phones"], speaker)
    close(model.duration_predictor(x), e["log_durations"])
    close(model.pitch_predictor(x), e["phone_pitch"])


def test_predicted_durations_match(case):
    model, e = case
    out = model.acoustic(e["phones"], model.speaker_embedding[int(e["speaker"])])
    # Integer rounding can differ by a frame only where the prediction sits on a .5 boundary.
    assert np.abs(out.durations - e["durations"]).max() <= 1
    assert (out.durations == e["durations"]).mean() >= 0.9
    assert out.durations.sum() >= len(e["phones"])


def test_acoustic_frames_match_with_the_same_durations(case):
    model, e = case
    out = model.acoustic(e["phones"], model.speaker_embedding[int(e["speaker"])], durations=e["durations"])
    close(out.mel, e["mel"])
    close(np.log(out.f0), np.log(e["f0"]))
    assert (out.voiced == e["voiced"]).mean() > 0.95


def test_vocoder_controls_and_waveform_match(case):
    model, e = case
    if model.vocoder.kind != "ddsp":
        pytest.skip("a Vocos model: test_vocos_frames_and_waveform_match")
    envelope, gains = model.vocoder.controls(e["mel"], e["f0"], e["voiced"])
    close(envelope, e["envelope"])
    close(gains, e["gains"])
    wave = model.vocode(e["mel"], e["f0"], e["voiced"], noise_frames=e["noise"])
    assert wave.shape == e["waveform"].shape
    # The waveform: compare against the DSP run on the fixture's own controls (tight), and the
    # full chain (controls from the engine) within the control tolerance.
    amps = dsp.harmonic_amplitudes(
        e["f0"], e["envelope"], model.sample_rate, model.vocoder.max_harmonics, model.vocoder.harmonic_ceiling
    )
    harmonic = dsp.harmonic_signal(e["f0"], amps, model.sample_rate, model.hop)[0]
    exact = harmonic + dsp.noise_signal(e["gains"], e["noise"], model.hop)
    close(exact, e["waveform"], share=1e-4, mean_share=1e-5)
    close(wave, e["waveform"], share=RTOL_OF_RANGE)


def test_vocos_frames_and_waveform_match(case):
    model, e = case
    if model.vocoder.kind != "vocos":
        pytest.skip("a DDSP model: test_vocoder_controls_and_waveform_match")
    bins = model.vocoder.n_fft // 2 + 1
    frames = model.vocoder.network(model.vocoder.inputs(e["mel"], e["f0"], e["voiced"]))
    assert frames.shape == e["stft"].shape == (len(e["mel"]), 2 * bins)
    close(frames[:, :bins], e["stft"][:, :bins])  # log-magnitudes
    close(frames[:, bins:], e["stft"][:, bins:])  # phases
    exact = istft.istft(e["stft"], model.vocoder.n_fft, model.hop)
    close(exact, e["waveform"], share=1e-4, mean_share=1e-5)
    wave = model.vocode(e["mel"], e["f0"], e["voiced"])
    assert wave.shape == e["waveform"].shape == (len(e["mel"]) * model.hop,)
    close(wave, e["waveform"])


def test_the_tolerance_catches_a_missing_vocos_block(case):
    """As for the decoder: without its last ConvNeXt block the vocoder's frames miss the mean
    bound several times over (the small fixture: 7.5 times; the engine and PyTorch agree to
    2e-8 of the range there, with no tie flip)."""
    model, e = case
    if model.vocoder.kind != "vocos":
        pytest.skip("a DDSP model")
    kept = model.vocoder.blocks
    try:
        model.vocoder.blocks = kept[:-1]
        frames = model.vocoder.network(model.vocoder.inputs(e["mel"], e["f0"], e["voiced"]))
    finally:
        model.vocoder.blocks = kept
    err = np.abs(frames - e["stft"])
    assert err.mean() > 5 * MEAN_RTOL_OF_RANGE * float(np.ptp(e["stft"]))
    with pytest.raises(AssertionError):
        close(frames, e["stft"])


@pytest.mark.parametrize("row, name", [(0, "log-F0"), (1, "voicing")])
def test_the_tolerance_catches_an_ignored_pitch_row(case, row, name):
    """A Vocos vocoder with pitch inputs that read its log-F0 or its voicing as zeros (an engine
    that dropped the row) misses the mean bound several times over (the small fixture: log-F0
    19 times, voicing 41 times; both rows 47 times), so its parity rests on those rows."""
    model, e = case
    if not getattr(model.vocoder, "pitch_inputs", False):
        pytest.skip("a vocoder without arch.vocos_pitch_inputs")
    inputs = model.vocoder.inputs(e["mel"], e["f0"], e["voiced"])
    inputs[:, model.n_mels + row] = 0.0
    frames = model.vocoder.network(inputs)
    err = np.abs(frames - e["stft"])
    assert err.mean() > 5 * MEAN_RTOL_OF_RANGE * float(np.ptp(e["stft"])), name
    with pytest.raises(AssertionError):
        close(frames, e["stft"])


@pytest.mark.parametrize(
    "key, value, readable",
    [
        ("arch.decoder_dilations", [1, 1], True),  # the removed option's value in files that carry it
        ("arch.decoder_dilations", [1, 2], False),
        ("arch.decoder_dilations", [1], False),
        ("arch.subframe_gains", 0, True),
        ("arch.subframe_gains", 4, False),
    ],
)
def test_removed_options_are_read_only_at_the_values_that_change_nothing(tmp_path, key, value, readable):
    """Files written while the decoder dilations and the fine gains existed carry their metadata
    (the bundled model: ``arch.decoder_dilations`` [1, 1, 1, 1]). Their neutral values load; any
    other is refused, naming the field, rather than read as a network this engine does not run."""
    from bittts.engine.model_format import ModelFormatError, ModelWriter

    writer = ModelWriter.from_model(ModelFile(FIXTURES / "parity" / "model.bttm"))  # 2 decoder layers
    writer.add_metadata(key, value)
    writer.write(tmp_path / "old.bttm")
    if readable:
        BitTTSModel(ModelFile(tmp_path / "old.bttm"))
    else:
        with pytest.raises(ModelFormatError, match=key):
            BitTTSModel(ModelFile(tmp_path / "old.bttm"))


def test_the_bundled_model_carries_a_removed_option_at_its_neutral_value():
    if not BUNDLED_MODEL.exists():
        pytest.skip("no bundled model")
    model = ModelFile(BUNDLED_MODEL)
    assert model.metadata.get("arch.decoder_dilations", [1] * 4) == [1] * int(model.metadata["arch.decoder_layers"])
    assert len(BitTTSModel(model).decoder) == model.metadata["arch.decoder_layers"]


def test_the_tolerance_catches_a_missing_decoder_layer(case):
    """The bounds leave room for a tie flip, not for a real mistake: without its last decoder
    layer the engine's frames miss the mean bound many times over."""
    model, e = case
    kept = model.decoder
    try:
        model.decoder = kept[:-1]
        out = model.acoustic(e["phones"], model.speaker_embedding[int(e["speaker"])], durations=e["durations"])
    finally:
        model.decoder = kept
    err = np.abs(out.mel - e["mel"])
    assert err.mean() > 10 * MEAN_RTOL_OF_RANGE * float(np.ptp(e["mel"]))
    with pytest.raises(AssertionError):
        close(out.mel, e["mel"])
