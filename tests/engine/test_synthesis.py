"""The streaming synthesis API on a complete (small, untrained) model file."""
import threading

import numpy as np
import pytest

from bittts.engine.model_format import ModelFormatError
from bittts.engine.synthesis import Synthesizer
from bittts.engine.synthesis_types import SynthesisConfig, UnknownVoiceError

TEXT = "Dr. Smith paid $4.50 on March 3rd. Did it work? It did, and then, after a long while, we went home."


@pytest.fixture(scope="module")
def synth(tiny_model_path):
    return Synthesizer(tiny_model_path)


def test_chunks_carry_spans_words_and_sample_timings(synth):
    chunks = list(synth.synthesize(TEXT))
    assert len(chunks) >= 3
    offset = 0
    for i, chunk in enumerate(chunks):
        assert chunk.index == i and chunk.stream_offset == offset
        offset += len(chunk.samples)
        assert chunk.samples.dtype == np.float32 and chunk.sample_rate == synth.sample_rate
        assert np.abs(chunk.samples).max() <= 1.0
        start, end = chunk.text_span
        assert 0 <= start < end <= len(TEXT)
        previous_end = 0
        for word in chunk.words:
            assert start <= word.start_char < word.end_char <= end
            assert word.text == TEXT[word.start_char : word.end_char]
            assert previous_end <= word.start_sample < word.end_sample <= len(chunk.samples)
            previous_end = word.start_sample
        assert chunk.phones[0] == "<bos>" and chunk.phones[-1] == "<eos>"
    spoken = [w.spoken for c in chunks for w in c.words]
    assert spoken[:2] == ["doctor", "smith"]
    money = [w for c in chunks for w in c.words if w.text == "$4.50"]
    assert [w.spoken for w in money][:2] == ["four", "dollars"]


def test_chunk_edges_are_silent_so_chunks_join_without_clicks(synth):
    for chunk in synth.synthesize("One sentence here. Another one there."):
        assert abs(chunk.samples[0]) < 1e-6 and abs(chunk.samples[-1]) < 1e-6


def test_speed_scales_duration_and_volume_scales_level(synth):
    text = "The quick brown fox jumps over the lazy dog."
    normal = next(synth.synthesize(text, SynthesisConfig(speed=1.0, volume=0.5)))
    fast = next(synth.synthesize(text, SynthesisConfig(speed=2.0, volume=0.5)))
    assert len(fast.samples) < 0.75 * len(normal.samples)
    quiet = next(synth.synthesize(text, SynthesisConfig(volume=0.25)))
    np.testing.assert_allclose(np.abs(quiet.samples).max(), np.abs(normal.samples).max() / 2, rtol=1e-3)


def test_config_function_is_read_before_each_chunk(synth):
    speeds = iter([1.0, 3.0, 3.0, 3.0])
    chunks = list(synth.synthesize("Same words again. Same words again.", lambda: SynthesisConfig(speed=next(speeds))))
    assert len(chunks[1].samples) < len(chunks[0].samples)


def test_voices_and_blends(synth):
    names = synth.voice_names
    assert names == ["spk0", "spk1", "spk2"] and synth.voices[0].sex == "female"
    blend = synth.speaker_vector(f"{names[0]}:0.75+{names[1]}:0.25")
    want = 0.75 * synth.model.speaker_embedding[0] + 0.25 * synth.model.speaker_embedding[1]
    np.testing.assert_allclose(blend, want, rtol=1e-6)
    with pytest.raises(UnknownVoiceError, match="spk0, spk1, spk2"):
        next(synth.synthesize("Hello.", SynthesisConfig(voice="nobody")))


def test_cancel_stops_the_stream(synth):
    cancel = threading.Event()
    stream = synth.synthesize("One. Two. Three. Four. Five.", cancel=cancel)
    next(stream)
    cancel.set()
    assert list(stream) == []


def test_one_model_serves_several_threads(synth):
    text = "Threads share one immutable model. Each gets the same audio."
    want = [c.samples for c in synth.synthesize(text)]
    results, errors = [None] * 4, []

    def run(i):
        try:
            results[i] = [c.samples for c in synth.synthesize(text)]
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for got in results:
        assert len(got) == len(want) and all(np.array_equal(a, b) for a, b in zip(got, want))


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFormatError, match="not found"):
        Synthesizer(tmp_path / "none.bttm")
