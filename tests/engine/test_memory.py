"""What the loaded engine keeps resident (docs/experiments/2026-12-vocoder-cost.md, "The engine's
memory"): the lexicon as flat arrays, not one Python object per word; no float copy of a
ternary layer's weights."""

from __future__ import annotations

import os
import random
import string
import sys

import numpy as np
import pytest

from bittts.engine.model import BitTTSModel
from bittts.engine.model_format import DType, ModelFile
from bittts.engine.text.lexicon import Lexicon, encode_lexicon


def random_entries(count: int, seed: int = 0) -> dict[str, list[tuple[str, ...]]]:
    rng = random.Random(seed)
    letters = string.ascii_lowercase + "'" + "æø"  # kept by normalize_key (no accents to strip)
    phones = ("AH0", "B", "K", "EY1", "T", "S", "IY2", "N")
    entries: dict[str, list[tuple[str, ...]]] = {}
    while len(entries) < count:
        word = "".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))
        prons = [tuple(rng.choice(phones) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 3))]
        entries[word] = list(dict.fromkeys(prons))  # distinct, in order (as the encoder keeps them)
    return entries


@pytest.fixture(scope="module")
def entries():
    return random_entries(3_000)


@pytest.fixture(scope="module")
def lexicon(entries):
    return Lexicon.from_bytes(encode_lexicon(entries))


def test_lexicon_finds_every_word_as_a_dict_of_its_entries_would(entries, lexicon):
    reference = {word: tuple(prons) for word, prons in entries.items()}
    assert len(lexicon) == len(reference)
    for word, prons in reference.items():
        assert lexicon.lookup(word) == prons
        assert lexicon.first(word) == prons[0]
        assert word in lexicon
        assert lexicon.lookup(word.upper()) == prons  # through normalize_key
    rng = random.Random(1)
    for _ in range(2_000):
        probe = "".join(rng.choice("abcxyz") for _ in range(rng.randint(1, 7)))
        assert (probe in lexicon) == (probe in reference)
        assert lexicon.lookup(probe) == reference.get(probe, ())
        assert lexicon.first(probe) == (reference[probe][0] if probe in reference else None)


def test_lexicon_listings_are_sorted_and_complete(entries, lexicon):
    words = sorted(entries, key=lambda w: w.encode())
    assert lexicon.words() == words
    assert [w for w, _ in lexicon.items()] == words
    for prefix in ("", "a", "ab", "æ", "øa", "zz", "'", "q" * 20):
        assert lexicon.words_with_prefix(prefix) == [w for w in words if w.startswith(prefix)]


def test_lexicon_misses_odd_keys_without_raising(lexicon):
    for odd in ("", "\ud800", "a\udfffb", "\x00", "x" * 1000):
        assert lexicon.lookup(odd) == ()
        assert odd not in lexicon
    assert 3 not in lexicon


def test_lexicon_holds_a_few_flat_arrays_not_an_object_per_word(lexicon):
    """The lexicon's slots are bytes, arrays and the small phone table: no dict or list of
    words (14.5 MB for CMUdict's 126,000 words; these hold 4.4 MB)."""
    held = [getattr(lexicon, slot) for slot in Lexicon.__slots__]
    assert not any(isinstance(value, (dict, list, set)) for value in held)
    per_word = sum(sys.getsizeof(value) for value in held) / len(lexicon)
    assert per_word < 64, f"{per_word:.1f} bytes a word"  # a dict of str keys alone: over 100


def test_loaded_model_keeps_no_float_copy_of_a_ternary_layer(tiny_model_path, bench_script):
    """A ternary layer is resident once, in the kernels' int8 layout (inside the native
    layer): no array of the model holds one of its weights' sizes in float."""
    with ModelFile(tiny_model_path) as file:
        model = BitTTSModel(file)
        ternary_sizes = {info.count for info in file.tensors.values() if info.dtype == DType.TERNARY}
        float_sizes = {info.count for info in file.tensors.values() if info.dtype != DType.TERNARY}
    sizes = ternary_sizes - float_sizes  # (a float tensor of the same size would be no copy)
    assert len(sizes) >= 3
    reachable = bench_script("memory_breakdown").reachable_arrays(model)
    floats = [a for a in reachable if isinstance(a, np.ndarray) and a.dtype.kind == "f"]
    assert floats, "the walk reaches the model's float layers"
    copies = [a.shape for a in floats if a.size in sizes]
    assert not copies, f"float arrays the size of a ternary layer: {copies}"


def test_phone_ngrams_are_kept_in_narrow_types():
    """Keys of up to 28 bits (orders 1-4, and order 5's histories) in int32, small counts in
    uint16: the lexicon's n-grams take 5.0 MB, not 7.1."""
    from bittts.engine.text.phone_lm import PhoneNgram

    rng = np.random.default_rng(0)
    words = [list(rng.integers(1, 70, rng.integers(1, 9))) for _ in range(2_000)]
    lm = PhoneNgram(words, vocab=70, order=5)
    for n, ((keys, counts), (contexts, totals, _types)) in enumerate(zip(lm._grams, lm._contexts), 1):
        assert keys.dtype == (np.int32 if n <= 4 else np.int64), n
        assert contexts.dtype == np.int32
        assert counts.dtype == totals.dtype == np.uint16  # 2,000 words: every count fits
    assert np.isfinite(lm.sequence_logprob(words[0]))


def resident_pages(mapping) -> int:
    """Pages of ``mapping`` (an mmap) resident in this process, from /proc/self/smaps."""
    start = np.frombuffer(mapping, np.uint8).ctypes.data
    with open("/proc/self/smaps") as fh:
        inside = False
        for line in fh:
            head = line.split()[0]
            if "-" in head and not head.endswith(":"):
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= start < hi
            elif inside and head == "Rss:":
                return int(line.split()[1]) // 4
    raise AssertionError("the mapping is not in /proc/self/smaps")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps")
def test_the_synthesizer_gives_back_the_model_files_pages(tiny_model_path):
    """The checksum reads the whole mapped file; once the Synthesizer has decoded it, its pages
    are released (and a read after that still sees the file)."""
    from bittts.engine.synthesis import Synthesizer

    with ModelFile(tiny_model_path) as file:
        assert resident_pages(file._mmap) * 4096 >= 0.9 * file.file_size  # read by the checksum
        assert file.release_pages()
        assert resident_pages(file._mmap) == 0
        assert file.metadata == ModelFile(tiny_model_path).metadata
        assert file.blob("lexicon")  # read again from the file
    synth = Synthesizer(tiny_model_path)
    assert resident_pages(synth._file._mmap) == 0
    assert len(list(synth.synthesize("Hello there."))) == 1


def test_a_pickled_lexicon_finds_its_words_in_another_process(lexicon, entries, tmp_path):
    """The hash table rests on ``hash``, which differs between processes: a lexicon is pickled
    as its columns and builds its table again where it is loaded."""
    import pickle
    import subprocess

    path = tmp_path / "lexicon.pickle"
    path.write_bytes(pickle.dumps(lexicon))
    words = sorted(entries)[:50]
    script = (
        "import pickle, sys; lexicon = pickle.load(open(sys.argv[1], 'rb')); "
        "print(sum(lexicon.lookup(w) != () for w in sys.argv[2:]))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        found = subprocess.run(
            [sys.executable, "-c", script, str(path), *words], env=env, capture_output=True, text=True
        )
        assert found.stdout.strip() == str(len(words)), found.stderr
