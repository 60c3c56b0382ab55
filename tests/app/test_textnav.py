import bisect
import random

from bittts.app.textnav import SentenceFinder, Utf16Map, sentence_index_at, sentence_spans


def test_sentence_spans():
    text = '  Hi there!  Bye?\n\nNew para... next "quoted." end'
    assert [text[a:b] for a, b in sentence_spans(text)] == ["Hi there!", "Bye?", "New para...", 'next "quoted."', "end"]
    assert sentence_spans("") == [] and sentence_spans("\n \n") == []


def test_finder_windows_agree_with_splitting_everything():
    rng = random.Random(7)
    words = ["alpha", "beta.", "gamma!", "delta", "eps?\n", "zeta", "\n\n", "x" * 50]
    text = " ".join(rng.choice(words) for _ in range(6000))
    spans = sentence_spans(text)
    starts = [a for a, _ in spans]
    finder = SentenceFinder(text, radius=400)  # small windows: many reloads
    for _ in range(1500):
        p = rng.randrange(len(text))
        i = sentence_index_at(spans, p)
        current = spans[i] if i < len(spans) else None
        assert finder.containing(p) == current
        k = bisect.bisect_right(starts, p)
        assert finder.next_start(p) == (starts[k] if k < len(starts) else None)
        target = current[0] if current and current[0] <= p else p
        k = bisect.bisect_left(starts, target) - 1
        assert finder.previous_start(p) == (starts[k] if k >= 0 else starts[0])


def test_utf16_map():
    m = Utf16Map("a\U0001f600b\U0001f600c")
    assert [m.to_qt(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [m.from_qt(q) for q in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    plain = Utf16Map("plain text")
    assert plain.to_qt(5) == 5 == plain.from_qt(5)
