"""Vocoding an utterance in parts (engine.model.VocoderRun) and the quick start that uses it:
the parts join into the whole, and synthesize(quick_start=True) only moves a chunk boundary."""

import threading

import numpy as np
import pytest

from bittts.engine import dsp
from bittts.engine.model import VocoderRun
from bittts.engine.synthesis import QUICK_START_SECONDS, Synthesizer
from bittts.engine.synthesis_types import SynthesisConfig

SENTENCE = "Unfortunately, the document could not be saved because the disk is full. Try again later."


@pytest.fixture(scope="module")
def synth():
    return Synthesizer(None)  # the bundled model: real durations, so the cut lands where speech is


@pytest.fixture(scope="module")
def acoustic(synth):
    unit = next(iter(synth._text_units("Open the file menu now, and then close it again, please.")))
    return synth.model.acoustic(np.asarray(unit.phones.ids, np.int64), synth.speaker_vector(""))


def test_oscillator_parts_join_exactly_in_native_and_reference():
    rng = np.random.default_rng(4)
    f0 = rng.uniform(70, 320, 31).astype(np.float32)
    amps = rng.uniform(0, 0.2, (31, 24)).astype(np.float32)
    for synth_fn in (dsp.harmonic_signal, dsp.harmonic_signal_reference):
        whole, end_phase = synth_fn(f0, amps, 22050, 128)
        head, phase = synth_fn(f0[:12], amps[:12], 22050, 128, 0.0, count=11)  # frame 11 is the glide target
        tail, phase = synth_fn(f0[11:], amps[11:], 22050, 128, phase)
        assert len(head) == 11 * 128
        np.testing.assert_allclose(np.concatenate([head, tail]), whole, atol=1e-6)
        assert phase == pytest.approx(end_phase, abs=1e-9)
    native, _ = dsp.harmonic_signal(f0, amps, 22050, 128, 0.3, count=7)
    reference, _ = dsp.harmonic_signal_reference(f0, amps, 22050, 128, 0.3, count=7)
    np.testing.assert_allclose(native, reference, atol=1e-5)


def test_oscillator_count_is_bounded():
    f0 = np.full(4, 100, np.float32)
    with pytest.raises(ValueError, match="count"):
        dsp.harmonic_signal(f0, np.ones((4, 3), np.float32), 22050, 64, count=5)


@pytest.mark.parametrize("n_fft,hop", [(512, 256), (1024, 256), (512, 200), (256, 256)])
def test_noise_segments_join_exactly(n_fft, hop):
    rng = np.random.default_rng(n_fft + hop)
    frames = 23
    gains = rng.normal(size=(frames, 6)).astype(np.float32)
    noise = dsp.white_noise_frames(frames, n_fft, 1)
    whole = dsp.noise_signal(gains, noise, hop)
    parts = []
    for start, stop in [(0, 1), (1, 9), (9, 10), (10, frames)]:
        lo, hi = dsp.noise_frames_for(start, stop, frames, n_fft, hop)
        parts.append(dsp.noise_segment(gains[lo:hi], noise[lo:hi], hop, lo, start, stop))
    np.testing.assert_array_equal(np.concatenate(parts), whole)


@pytest.mark.parametrize("cuts", [[1], [20], [5, 6, 40], [-1]])
def test_vocoder_parts_equal_the_whole(synth, acoustic, cuts):
    model = synth.model
    whole = model.vocode(acoustic.mel, acoustic.f0, acoustic.voiced, seed=3)
    run = VocoderRun(model, acoustic.mel, acoustic.f0, acoustic.voiced, seed=3)
    frames = len(acoustic.f0)
    parts = [run.part(c % frames) for c in cuts] + [run.part(frames)]
    assert run.done == frames
    assert run.part(frames + 10).size == 0  # nothing is left
    np.testing.assert_allclose(np.concatenate(parts), whole, atol=1e-6)


def test_vocoder_part_can_be_cancelled(synth, acoustic):
    run = VocoderRun(synth.model, acoustic.mel, acoustic.f0, acoustic.voiced)
    assert run.part(10, lambda: True) is None
    assert run.done == 0  # a cancelled part leaves the run where it was


def _stream_words(chunks):
    return [(w.text, c.stream_offset + w.start_sample, c.stream_offset + w.end_sample) for c in chunks for w in c.words]


@pytest.mark.parametrize("text", [SENTENCE, "Open the file menu now.", "Hello."])
def test_quick_start_only_moves_a_chunk_boundary(synth, text):
    plain = list(synth.synthesize(text))
    quick = list(synth.synthesize(text, quick_start=True))
    np.testing.assert_allclose(
        np.concatenate([c.samples for c in quick]), np.concatenate([c.samples for c in plain]), atol=1e-6
    )
    assert _stream_words(quick) == _stream_words(plain)
    assert [c.index for c in quick] == list(range(len(quick)))
    offsets = np.cumsum([0] + [len(c.samples) for c in quick[:-1]])
    assert [c.stream_offset for c in quick] == list(offsets)
    spans = [c.text_span for c in quick]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    for chunk in quick:  # every word lies inside its chunk's span and audio
        for w in chunk.words:
            assert chunk.text_span[0] <= w.start_char and w.end_char <= chunk.text_span[1]
            assert 0 <= w.start_sample < w.end_sample <= len(chunk.samples)
    if text == "Hello.":
        assert len(quick) == len(plain)  # one word: nothing to cut
    else:
        assert len(quick) == len(plain) + 1
        first = quick[0]
        seconds = len(first.samples) / first.sample_rate
        assert QUICK_START_SECONDS <= seconds < len(plain[0].samples) / plain[0].sample_rate
        assert first.words[-1].end_sample == len(first.samples)  # the cut is at a word's end


def test_quick_start_keeps_ssml_pauses_and_cancel(synth):
    ssml = '<speak><break time="300ms"/>Open the file menu now, and then close it.</speak>'
    quick = list(synth.synthesize(ssml, SynthesisConfig(ssml=True), quick_start=True))
    plain = list(synth.synthesize(ssml, SynthesisConfig(ssml=True)))
    assert sum(len(c.samples) for c in quick) == sum(len(c.samples) for c in plain)
    assert not np.any(quick[0].samples[: int(0.29 * quick[0].sample_rate)])  # the leading break is silence
    cancel = threading.Event()
    stream = synth.synthesize(SENTENCE, cancel=cancel, quick_start=True)
    next(stream)
    cancel.set()
    assert list(stream) == []
