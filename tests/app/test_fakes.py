import threading
import time

import pytest
from app_fakes import FakeSynthesizer

from bittts.engine.synthesis_types import SynthesisConfig, UnknownVoiceError


def test_the_fake_synthesizer_keeps_the_engine_contract():
    """The tests' oracle must itself follow the contract the app relies on."""
    text = "Hello there, friend. How are you?\nFine."
    synth = FakeSynthesizer()
    chunks = list(synth.synthesize(text))
    assert [c.index for c in chunks] == [0, 1, 2]
    offset = 0
    for c in chunks:
        assert c.stream_offset == offset
        offset += len(c.samples)
        for w in c.words:
            assert text[w.start_char : w.end_char] == w.text
            assert c.text_span[0] <= w.start_char < w.end_char <= c.text_span[1]
            assert 0 <= w.start_sample < w.end_sample <= len(c.samples)
    calls = []
    list(synth.synthesize(text, lambda: calls.append(1) or SynthesisConfig(speed=2.0)))
    assert len(calls) == 3  # a callable config is read before each chunk
    with pytest.raises(UnknownVoiceError):
        list(synth.synthesize(text, SynthesisConfig(voice="nobody")))
    slow = FakeSynthesizer(chunk_delay=5.0, busy=True)
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    t0 = time.perf_counter()
    assert list(slow.synthesize(text, cancel=cancel)) == []
    assert time.perf_counter() - t0 < 0.1 + 0.05  # cancel stops it within 50 ms
