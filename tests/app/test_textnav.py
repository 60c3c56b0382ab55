import bisect
import random
import time

import pytest

from bittts.app.textnav import (
    SentenceFinder,
    Utf16Map,
    next_paragraph_start,
    previous_paragraph_start,
    sentence_index_at,
    sentence_spans,
)
from bittts.engine.text.chunking import split_sentences

# Each line one sentence as a reader hears it: abbreviations, decimals, initials, times,
# ellipses and quotes inside must not end it.
SENTENCES = [
    "Dr. Smith met Mrs. Jones at 3 a.m. on Jan. 5, 2021.",
    "They flew to the U.S. and back for $3.50, i.e. nothing.",
    'She read J. R. R. Tolkien and said "Wonderful."',
    "At 10 a. m. the value was 3.14159 and rising!",
    "Wait… it was late… and dark?",
    "(The end came at 5 p.m. sharp.)",
]


def spoken(text):
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_do_not_break_at_abbreviations_decimals_initials_or_ellipses():
    assert spoken(" ".join(SENTENCES)) == SENTENCES
    assert spoken("  Hi there!  Bye?\n\nNew para... next one\n\nend") == [
        "Hi there!",
        "Bye?",
        "New para... next one",
        "end",
    ]
    assert spoken("An ellipsis… Then a capital.") == ["An ellipsis…", "Then a capital."]
    assert sentence_spans("") == [] and sentence_spans("\n \n") == []


def test_spans_are_the_engines():
    text = "\n\n".join(" ".join(SENTENCES[k:] + SENTENCES[:k]) for k in range(len(SENTENCES)))
    assert sentence_spans(text) == [(c.start, c.end) for c in split_sentences(text)]


def _book(rng, n_sentences):
    parts = []
    for _ in range(n_sentences):
        parts.append(rng.choice(SENTENCES))
        parts.append(rng.choice([" ", " ", " ", "\n", "\n\n"]))
    return "".join(parts)


@pytest.mark.parametrize("blank_lines", [True, False])
def test_finder_windows_agree_with_splitting_everything(blank_lines):
    rng = random.Random(7)
    text = _book(rng, 700)
    if not blank_lines:  # one huge paragraph: every window is cut inside sentences
        text = text.replace("\n\n", " ")
    spans = sentence_spans(text)
    starts = [a for a, _ in spans]
    finder = SentenceFinder(text, radius=1200)  # small windows: many reloads
    for _ in range(200):
        p = rng.randrange(len(text))
        i = sentence_index_at(spans, p)
        current = spans[i] if i < len(spans) else None
        assert finder.containing(p) == current
        k = bisect.bisect_right(starts, p)
        assert finder.next_start(p) == (starts[k] if k < len(starts) else None)
        target = current[0] if current and current[0] <= p else p
        k = bisect.bisect_left(starts, target) - 1
        assert finder.previous_start(p) == (starts[k] if k >= 0 else starts[0])


def test_a_look_up_in_a_long_book_splits_only_a_window():
    # 100,000 words: the whole split would take seconds; a window takes milliseconds of CPU.
    text = _book(random.Random(3), 11_000)
    assert len(text.split()) > 100_000
    finder = SentenceFinder(text)
    here = len(text) // 2
    t0 = time.process_time()
    first = finder.next_start(here)
    loaded = time.process_time() - t0
    t0 = time.process_time()
    for k in range(200):  # cached: binary searches
        finder.containing(here + k)
    cached = (time.process_time() - t0) / 200
    assert first is not None and text[first - 1].isspace()
    assert loaded < 1.0 and cached < 0.005, (loaded, cached)  # generous: a loaded machine


def test_paragraphs_are_the_text_between_blank_lines():
    text = "One. Two.\n\nThree\nstill three.\n \t\n\nFour."
    three, four = text.index("Three"), text.index("Four")
    assert next_paragraph_start(text, 0) == three
    assert next_paragraph_start(text, 4) == three
    assert next_paragraph_start(text, text.index("\n\n") + 1) == three  # on the blank line
    assert next_paragraph_start(text, three) == four
    assert next_paragraph_start(text, four + 2) is None
    assert previous_paragraph_start(text, four + 2) == four  # in a paragraph: its start
    assert previous_paragraph_start(text, four) == three  # at its start: the one before
    assert previous_paragraph_start(text, four - 1) == three  # in the blank lines
    assert previous_paragraph_start(text, three) == 0
    assert previous_paragraph_start(text, 0) is None
    assert next_paragraph_start("  \n\n  ", 0) is None and previous_paragraph_start("", 0) is None


def test_paragraph_steps_in_a_long_text_cost_about_the_distance():
    text = ("word " * 200 + "\n\n") * 2000
    t0 = time.process_time()
    p, steps = 0, 0
    while (nxt := next_paragraph_start(text, p)) is not None:
        p, steps = nxt, steps + 1
    while (prev := previous_paragraph_start(text, p)) is not None:
        p, steps = prev, steps + 1
    assert steps == 2 * 1999 and p == 0
    assert time.process_time() - t0 < 10  # linear: about 0.1 s; quadratic would be minutes


def test_utf16_map():
    m = Utf16Map("a\U0001f600b\U0001f600c")
    assert [m.to_qt(i) for i in range(6)] == [0, 1, 3, 4, 6, 7]
    assert [m.from_qt(q) for q in (0, 1, 3, 4, 6, 7)] == [0, 1, 2, 3, 4, 5]
    plain = Utf16Map("plain text")
    assert plain.to_qt(5) == 5 == plain.from_qt(5)
    rng = random.Random(5)
    text = "".join(rng.choice(["a", " ", "\U0001f600", "\u00e9"]) for _ in range(2000))
    m = Utf16Map(text)
    for i in range(len(text) + 1):
        q = len(text[:i].encode("utf-16-le")) // 2
        assert m.to_qt(i) == q and m.from_qt(q) == i


def test_hostile_texts_stay_quick():
    # a million newlines, spaces, one huge token, blank lines with spaces: each look-up is linear
    # at worst (the paragraph search was quadratic on blank lines before)
    for text in ("\n" * 1_000_000, " " * 1_000_000, "x" * 1_000_000, "\n \n" * 300_000):
        middle = len(text) // 2
        finder = SentenceFinder(text)
        t0 = time.process_time()
        finder.containing(middle), finder.next_start(middle), finder.previous_start(middle)
        next_paragraph_start(text, middle), previous_paragraph_start(text, middle)
        assert time.process_time() - t0 < 5, repr(text[:3])
    assert previous_paragraph_start("\n" * 1000, 500) is None and next_paragraph_start("\n" * 1000, 500) is None
