"""The engine's neural G2P: parity with the quantized PyTorch model (fixtures written by
training/g2p/make_fixture.py), the loader's checks, robustness, and the wiring into the
synthesizer and the command line.

Tolerance: the engine quantizes activations as training does, but float32 sums in another
order can move a value across an int8 rounding boundary, so logits agree to a small share of
their range (measured: about 4e-7 of it; where a rounding flips, up to 3e-3 of it in the
320-channel trained network, one step of one activation carried through the later blocks);
decoded phones agree exactly (the fixture records each input's smallest top-2 logit margin).
A wrong layer or weight layout moves logits by a large share of their range.
"""

import json
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bittts.engine.model_format import DType, ModelFile, ModelFormatError, ModelWriter
from bittts.engine.text.g2p import G2P, FallbackG2P, letter_phones
from bittts.engine.text.neural_g2p import (
    BEAM_MAX_LETTERS,
    G2P_OUTPUTS,
    MAX_LETTERS,
    BeamSettings,
    G2PNetwork,
    NeuralG2P,
    ctc_beam_decode,
    ctc_decode,
    ctc_greedy,
    g2p_for_model,
    g2p_letters,
    has_g2p,
    letter_ids,
)
from bittts.engine.text.phone_lm import PhoneNgram
from bittts.engine.text.phones import ARPABET_SET

FIXTURES = Path(__file__).parent.parent / "fixtures" / "g2p"
RTOL_OF_RANGE = 6e-3


def _fixture_cases():
    yield pytest.param("small", id="small")
    yield pytest.param(
        "trained",
        id="trained",
        marks=pytest.mark.skipif(not (FIXTURES / "trained.bttm").exists(), reason="no trained G2P fixture yet"),
    )


@pytest.fixture(scope="module", params=list(_fixture_cases()))
def case(request):
    name = request.param
    return G2PNetwork(ModelFile(FIXTURES / f"{name}.bttm")), dict(np.load(FIXTURES / f"{name}.npz"))


@pytest.fixture(scope="module")
def network():
    return G2PNetwork(ModelFile(FIXTURES / "small.bttm"))


def test_logits_and_phones_match_pytorch(case):
    net, e = case
    inputs = json.loads(str(e["inputs"]))
    assert len(inputs) == len(e["phones"]) and "\x00" in "".join(inputs)
    for k, letters in enumerate(inputs):
        ids = e["ids"][e["id_offsets"][k] : e["id_offsets"][k + 1]]
        want = e["logits"][e["logit_offsets"][k] : e["logit_offsets"][k + 1]]
        got = net.logits(ids)
        assert got.shape == want.shape
        err = float(np.abs(got - want).max())
        assert err <= RTOL_OF_RANGE * float(np.ptp(want)), (letters, err)
        assert net.phonemes(letters) == str(e["phones"][k]).split(), letters


def test_ctc_greedy_merges_repeats_and_drops_blanks():
    frames = [0, 5, 5, 0, 5, 7, 7, 0, 0, 3]
    logits = np.eye(10, dtype=np.float32)[frames]
    assert ctc_greedy(logits) == [5, 5, 7, 3]
    assert ctc_greedy(np.zeros((0, 10), np.float32)) == []


def _logits(*frames):
    """One frame per (phone, score) list: the scores of those outputs, every other one -5."""
    out = np.full((len(frames), len(G2P_OUTPUTS)), -5.0, np.float32)
    for t, frame in enumerate(frames):
        for phone, value in frame:
            out[t, G2P_OUTPUTS.index(phone)] = value
    return out


def test_ctc_decode_leaves_one_primary_stress():
    one = _logits([("K", 3)], [("AE1", 3)], [("<blank>", 3)], [("T", 3)])
    assert ctc_decode(one, G2P_OUTPUTS) == ["K", "AE1", "T"]
    two = _logits([("AE1", 3), ("AE2", 2)], [("T", 3)], [("AH1", 3), ("AH0", 2.9)])
    assert ctc_decode(two, G2P_OUTPUTS) == ["AE1", "T", "AH0"]  # the less sure one takes its best other stress
    none = _logits([("AE0", 3), ("AE1", 1)], [("T", 3)], [("IY0", 3), ("IY1", 2.5)])
    assert ctc_decode(none, G2P_OUTPUTS) == ["AE0", "T", "IY1"]  # IY loses least by a primary stress
    assert ctc_decode(_logits([("T", 3)], [("S", 3)]), G2P_OUTPUTS) == ["T", "S"]


def test_letters_are_normalized_and_capped():
    assert g2p_letters("Café") == "cafe"
    assert g2p_letters("Straße") == "strasse"
    assert g2p_letters("Ærø") == "aero"
    assert g2p_letters("ab3-c!") == "abc"
    assert g2p_letters("o'neill") == "o'neill"
    assert g2p_letters("中x") == "\x00x"
    assert len(g2p_letters("a" * 10_000)) == MAX_LETTERS


def _rewrite(src: Path, dst: Path, *, drop=(), meta=None, tensors=None) -> ModelFile:
    """A copy of ``src`` less the metadata keys and tensors in ``drop``, with ``meta`` and the
    (F16) ``tensors`` set."""
    tensors = tensors or {}
    with ModelFile(src) as m:
        w = ModelWriter.from_model(m, keep=lambda name: name not in drop and name not in tensors)
    for key in drop:
        w.metadata.pop(key, None)
    w.update_metadata(meta or {})
    for name, arr in tensors.items():
        w.add_tensor(name, arr, DType.F16)
    w.write(dst)
    return ModelFile(dst)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(drop=["g2p.phones"]), "g2p.phones"),
        (dict(meta={"g2p.phones": ["<blank>", "AA1", "QQ"]}), "ARPAbet"),
        (dict(meta={"g2p.letters": ["a", "b"]}), "g2p.letters lacks"),
        (dict(meta={"g2p.arch.upsample": 0}), "out of range"),
        (dict(meta={"g2p.arch.encoder_dilations": [1, 2, 999]}), "out of range"),
        (dict(drop=["g2p.out.weight"]), "g2p.out.weight"),
        (dict(tensors={"g2p.out.weight": np.zeros((70, 7, 1), np.float32)}), "g2p.out.weight"),
        (dict(tensors={"g2p.embedding.weight": np.zeros((31,), np.float32)}), "g2p.embedding.weight"),
        (dict(tensors={"g2p.slot_embedding": np.zeros((2, 5), np.float32)}), "g2p.slot_embedding"),
    ],
)
def test_loader_refuses_a_broken_g2p(tmp_path, change, message):
    broken = _rewrite(FIXTURES / "small.bttm", tmp_path / "broken.bttm", **change)
    with pytest.raises(ModelFormatError, match=message):
        G2PNetwork(broken)


def test_a_file_without_g2p_gets_the_fallback(tiny_model_path, lexicon):
    with ModelFile(tiny_model_path) as m:
        assert not has_g2p(m)
        assert isinstance(g2p_for_model(m, lexicon), FallbackG2P)
    with ModelFile(FIXTURES / "small.bttm") as m:
        g2p = g2p_for_model(m, lexicon)
    assert isinstance(g2p, NeuralG2P) and isinstance(g2p, G2P)


def test_order_lexicon_possessive_spelling_then_network(network, lexicon):
    g2p = NeuralG2P(network, lexicon)
    assert g2p.phonemes("cat") == ["K", "AE1", "T"]
    assert g2p.phonemes("Zorro's") == list(lexicon.first("zorro")) + ["Z"]
    assert "grumpiest" not in lexicon  # a regular inflection of a known word
    assert g2p.phonemes("grumpiest") == list(lexicon.first("grumpy")) + ["AH0", "S", "T"]
    assert g2p.phonemes("xkcd") == [p for c in "xkcd" for p in letter_phones(c)]
    assert "blorfington" not in lexicon
    assert g2p.phonemes("blorfington") == network.phonemes("blorfington")
    assert g2p.phonemes("Blorfington's") == network.phonemes("blorfington's")


# fmt: off
ODD_WORDS = ["", " ", "'", "''", "'s", "a" * 10_000, "x" * 10_000, "ærøskøbing", "中文", "straße", "naïve",
             "abc123", "123", "o'neill's", "\x00", "\u200d", "😀", "ÅNGSTRÖM", "-", "a-b", "ŋ", "ĳssel"]
# fmt: on


@pytest.mark.parametrize("word", ODD_WORDS, ids=range(len(ODD_WORDS)))
def test_odd_words_never_raise(network, lexicon, word):
    for g2p in (NeuralG2P(network, lexicon), NeuralG2P(network)):
        phones = g2p.phonemes(word)
        assert isinstance(phones, list) and all(p in ARPABET_SET for p in phones), (word, phones)
        assert len(phones) <= 3 * (MAX_LETTERS + 2)


def test_odd_words_give_something_reasonable(network):
    g2p = NeuralG2P(network)
    assert g2p.phonemes("") == [] and g2p.phonemes("'") == [] and g2p.phonemes("123") == []
    assert g2p.phonemes("中文") == []  # no Latin letter: no phones (docs/frontend.md, known gaps)
    assert g2p.phonemes("naïve") == g2p.phonemes("naive") != []
    assert g2p.phonemes("ærøskøbing") == g2p.phonemes("aeroskobing") != []
    t = time.perf_counter()
    long = g2p.phonemes("ab" * 5_000)
    assert time.perf_counter() - t < 2.0
    assert 0 < len(long) <= 3 * (MAX_LETTERS + 2)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_valid_phones(network, text):
    phones = NeuralG2P(network).phonemes(text)
    assert all(p in ARPABET_SET for p in phones)


def _with_g2p(model_path: Path, out: Path) -> Path:
    """``model_path`` plus the small fixture's G2P tensors and metadata."""
    with ModelFile(model_path) as m, ModelFile(FIXTURES / "small.bttm") as g:
        w = ModelWriter.from_model(m)
        w.update_metadata({k: v for k, v in g.metadata.items() if k.startswith("g2p.")})
        w.copy_from(g)
    w.write(out)
    return out


def test_synthesizer_and_cli_use_the_models_g2p(tiny_model_path, tmp_path, network, capsys):
    from bittts import cli
    from bittts.engine.synthesis import Synthesizer

    path = _with_g2p(tiny_model_path, tmp_path / "with_g2p.bttm")
    synth = Synthesizer(path)
    assert isinstance(synth.frontend.g2p, NeuralG2P)
    want = network.phonemes("blorfington")
    chunk = next(iter(synth.frontend.process("The blorfington.")))
    assert chunk.phonemized[1].phones == want
    assert isinstance(Synthesizer(tiny_model_path).frontend.g2p, FallbackG2P)
    assert cli.main(["phonemize", "--model", str(path), "blorfington"]) == cli.EXIT_OK
    assert capsys.readouterr().out.strip() == "blorfington\t" + " ".join(want)


# ---- the beam search with the lexicon's phone n-gram model


def _lm(*words, order=3):
    ids = {p: i for i, p in enumerate(G2P_OUTPUTS)}
    return PhoneNgram([[ids[p] for p in w.split()] for w in words], len(G2P_OUTPUTS), order=order)


NO_LM = BeamSettings(lm_weight=0.0, length_bonus=0.0)


def test_beam_without_the_model_finds_the_best_path():
    lm = _lm("K AE1 T")
    clear = _logits([("K", 3)], [("AE1", 3)], [("<blank>", 3)], [("T", 3)])
    assert ctc_beam_decode(clear, G2P_OUTPUTS, lm, NO_LM) == ["K", "AE1", "T"]
    # a repeated class is one phone unless a blank parts it
    assert ctc_beam_decode(_logits([("T", 3)], [("T", 3)], [("AE1", 3)]), G2P_OUTPUTS, lm, NO_LM) == ["T", "AE1"]
    parted = _logits([("T", 3)], [("<blank>", 3)], [("T", 3)], [("AE1", 3)])
    assert ctc_beam_decode(parted, G2P_OUTPUTS, lm, NO_LM) == ["T", "T", "AE1"]
    assert ctc_beam_decode(np.zeros((0, len(G2P_OUTPUTS))), G2P_OUTPUTS, lm, NO_LM) == []


def test_beam_lets_the_phone_model_settle_a_close_call():
    torn = _logits([("S", 3)], [("IH1", 3)], [("N", 2.0), ("NG", 1.8)], [("K", 3)])
    lm = _lm("S IH1 NG K", "S IH1 NG", "T IH1 NG K", "S IH1 T")
    assert ctc_decode(torn, G2P_OUTPUTS) == ["S", "IH1", "N", "K"]
    assert ctc_beam_decode(torn, G2P_OUTPUTS, lm, NO_LM) == ["S", "IH1", "N", "K"]
    fused = BeamSettings(lm_weight=0.5, length_bonus=0.0)
    assert ctc_beam_decode(torn, G2P_OUTPUTS, lm, fused) == ["S", "IH1", "NG", "K"]


def test_beam_returns_one_primary_stress():
    two = _logits([("AE1", 3), ("AE0", 2.5)], [("T", 3)], [("AH1", 3), ("AH0", 2.8)])
    lm = _lm("K AE1 T")
    assert ctc_beam_decode(two, G2P_OUTPUTS, lm, NO_LM) == ["AE1", "T", "AH0"]
    none_in_beam = _logits([("AE0", 3)], [("T", 3)])  # no hypothesis with a primary stress survives
    assert ctc_beam_decode(none_in_beam, G2P_OUTPUTS, lm, NO_LM) == ctc_decode(none_in_beam, G2P_OUTPUTS)


DECODER_META = {
    "g2p.decoder.beam": 8,
    "g2p.decoder.lm_order": 4,
    "g2p.decoder.lm_weight": 0.25,
    "g2p.decoder.length_bonus": 0.2,
}


@pytest.mark.parametrize(
    "meta, message",
    [
        ({"g2p.decoder.beam": 8}, "decoder metadata"),
        (DECODER_META | {"g2p.decoder.beam": 0}, "out of range"),
        (DECODER_META | {"g2p.decoder.lm_order": 12}, "out of range"),
        (DECODER_META | {"g2p.decoder.lm_weight": float("nan")}, "out of range"),
        (DECODER_META | {"g2p.decoder.lm_weight": "heavy"}, "decoder metadata"),
    ],
)
def test_loader_refuses_broken_decoder_settings(tmp_path, meta, message):
    broken = _rewrite(FIXTURES / "small.bttm", tmp_path / "broken.bttm", meta=meta)
    with pytest.raises(ModelFormatError, match=message):
        G2PNetwork(broken)


def test_a_file_with_decoder_settings_gets_the_beam_search(tmp_path, network, lexicon):
    net = G2PNetwork(_rewrite(FIXTURES / "small.bttm", tmp_path / "beam.bttm", meta=DECODER_META))
    assert net.beam == BeamSettings(width=8, lm_order=4, lm_weight=0.25, length_bonus=0.2)
    assert network.beam is None and NeuralG2P(network, lexicon).phone_lm() is None
    g2p = NeuralG2P(net, lexicon)
    assert NeuralG2P(net).phone_lm() is None  # no lexicon to count: greedy
    lm = g2p.phone_lm()
    assert isinstance(lm, PhoneNgram) and lm.order == 4 and g2p.phone_lm() is lm  # counted once
    ids = letter_ids(g2p_letters("blorfington"), net.index)
    assert g2p.phonemes("blorfington") == ctc_beam_decode(net.logits(ids), net.outputs, lm, net.beam)
    for word in ODD_WORDS:
        assert all(p in ARPABET_SET for p in g2p.phonemes(word)), word
    # past BEAM_MAX_LETTERS the search gives way to greedy decoding (its time grows with length)
    t = time.perf_counter()
    long = g2p.phonemes("ab" * 5_000)
    assert time.perf_counter() - t < 2.0
    assert long == net.phonemes(g2p_letters("ab" * 5_000))
    edge = "ab" * (BEAM_MAX_LETTERS // 2)
    assert g2p.phonemes(edge) == ctc_beam_decode(
        net.logits(letter_ids(g2p_letters(edge), net.index)), net.outputs, lm, net.beam
    )


def test_repeated_words_are_answered_from_memory(network, lexicon, monkeypatch):
    g2p = NeuralG2P(network, lexicon)
    first = g2p.phonemes("blorfington")
    calls = []
    monkeypatch.setattr(network, "phonemes", lambda *a: calls.append(a) or ["B"])
    again = g2p.phonemes("Blorfington")
    assert again == first and calls == []
    again.append("X")  # callers get their own list
    assert g2p.phonemes("blorfington") == first
    g2p.phonemes("zindleworth")
    assert len(calls) == 1


def test_warm_up_counts_the_phone_model_before_the_first_unknown_word(tiny_model_path, tmp_path):
    from bittts.engine.synthesis import Synthesizer

    path = _rewrite(
        _with_g2p(tiny_model_path, tmp_path / "with_g2p.bttm"), tmp_path / "beam.bttm", meta=DECODER_META
    ).path
    synth = Synthesizer(path)
    assert synth.frontend.g2p._lm is None  # counted on first need only
    synth.warm_up()
    lm = synth.frontend.g2p._lm
    assert isinstance(lm, PhoneNgram) and lm.order == DECODER_META["g2p.decoder.lm_order"]
    next(iter(synth.frontend.process("The blorfington.")))
    assert synth.frontend.g2p._lm is lm
    Synthesizer(tiny_model_path).warm_up()  # a file without a G2P: nothing to build, no error
