"""training/evaluate.py on a Kokoro/Vocos model: its voices matched to the Kokoro corpus, the
test split read from that corpus's manifest, the Distill-MOS gates judged in one place, and the
speeds' results, end to end on the Kokoro fixture (tests/fixtures/corpus-kokoro/) with a tiny
random Vocos model and fake scorers in place of Whisper, DNSMOS and Distill-MOS. Skipped where
torch is missing."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from test_vocos_export import SMALL_VOCOS  # noqa: E402  (the tiny Vocos model's config)

from bittts.engine.text.phones import SYMBOLS  # noqa: E402
from training import data, evaluate  # noqa: E402
from training.export import build_writer  # noqa: E402
from training.model.networks import AcousticModel, vocoder_for  # noqa: E402
from training.teachers.voices import KOKORO_VOICES  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "corpus-kokoro"
TEST_VOICES = ("heart", "george")  # the fixture's utterances of these are put in the test split
VOICE = {v.name: v for v in KOKORO_VOICES}


def lay_out_corpus(root: Path) -> Path:
    """The Kokoro fixture laid out as the corpus is under ``root`` (features-24k/manifest.jsonl
    naming the fixture's .npz, audio/<voice>/<id>.wav): heart's and george's utterance in the test
    split and fenrir's and emma's in the valid one, each with an extra valid row of heart's."""
    import soundfile as sf

    fixture = json.loads((FIXTURE / "manifest.json").read_text(encoding="utf-8"))
    rows = []
    for u in fixture["utterances"]:
        audio, rate = sf.read(str(FIXTURE / u["file"]).removesuffix(".npz") + ".flac", dtype="int16")
        wav = root / "audio" / u["speaker"] / f"{u['id']}.wav"
        wav.parent.mkdir(parents=True, exist_ok=True)
        sf.write(wav, audio, rate, subtype="PCM_16")
        row = {k: u[k] for k in ("id", "speaker", "speaker_id", "frames", "text")} | {"path": str(FIXTURE / u["file"])}
        rows.append({**row, "split": "test" if u["speaker"] in TEST_VOICES else "valid"})
    rows.append({**rows[0], "id": "s000000000000", "split": "valid"})
    manifest = root / "features-24k" / "manifest.jsonl"
    manifest.parent.mkdir(parents=True)
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return manifest


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> data.Corpus:
    """The fixture as the Kokoro corpus; the evaluation's folders and the corpus's teacher-WER
    records under tmp_path (none there: every teacher score comes from the fakes)."""
    kokoro = replace(data.CORPORA["kokoro"], manifest=lay_out_corpus(tmp_path / "corpus"))
    monkeypatch.setitem(data.CORPORA, "kokoro", kokoro)
    monkeypatch.setattr(evaluate, "EVAL", tmp_path / "eval")
    monkeypatch.setattr(evaluate, "CORPUS", tmp_path / "corpus")
    evaluate._corpus_wer_records.cache_clear()
    return kokoro


@pytest.fixture(scope="module")
def vocos_model(lexicon_blob, tmp_path_factory) -> Path:
    """A tiny random Vocos model at 24 kHz, hop 300, whose two voices are Kokoro's heart and george."""
    torch.manual_seed(0)
    cfg = SMALL_VOCOS  # tests/training/test_vocos_export.py's
    acoustic, vocoder = AcousticModel(cfg).eval(), vocoder_for(cfg).eval()
    with torch.no_grad():
        acoustic.duration_predictor.out.bias.fill_(1.6)  # ~4 frames a phone: speed changes the length
        vocoder.head.bias[: 1200 // 2 + 1].fill_(-3.0)  # quiet, never clipping
    speakers = [{"name": n, "licence": VOICE[n].licence, "teacher": f"kokoro {VOICE[n].voice}"} for n in TEST_VOICES]
    path = tmp_path_factory.mktemp("model") / "kokoro-tiny.bttm"
    build_writer(cfg, acoustic, vocoder, list(SYMBOLS), speakers, lexicon_blob, "test: random").write(path)
    return path


def test_voices_are_matched_to_the_corpus_that_holds_them():
    assert evaluate.corpus_for(["heart", "fable"]).name == "kokoro"
    assert evaluate.corpus_for(["bdl", "joe"]).name == "classic"
    assert evaluate.corpus_for(["heart", "bdl"]) is None  # no corpus has both
    with pytest.raises(SystemExit, match="no corpus holds all of its voices heart, bdl"):
        evaluate.model_corpus(SimpleNamespace(voice_names=["heart", "bdl"]), "m.bttm")
    # the Kokoro voices' model at the first corpus's rate cannot be compared with its teachers
    wrong_rate = SimpleNamespace(voice_names=["heart"], sample_rate=22050, model=SimpleNamespace(hop=256))
    with pytest.raises(SystemExit, match="22050 Hz, hop 256, but its voices' corpus 'kokoro' is 24000 Hz, hop 300"):
        evaluate.model_corpus(wrong_rate, "m.bttm")
    right = SimpleNamespace(voice_names=["heart"], sample_rate=24000, model=SimpleNamespace(hop=300))
    assert evaluate.model_corpus(right, "m.bttm").layout.hop == 300


def test_test_sentences_are_the_kokoro_corpus_test_split(corpus):
    rows = evaluate.test_sentences("heart", 10)  # the voice's corpus, found by its name
    assert [(r["id"], r["split"]) for r in rows] == [("s091560626a9", "test")]  # not the valid row
    assert rows[0]["text"] == "There are only men."
    assert evaluate.test_sentences("fenrir", 10, corpus) == []  # valid only
    assert evaluate.test_sentences("george", 0, corpus) == []
    assert evaluate.feature_file(corpus, rows[0]) == FIXTURE / "heart-s091560626a9.npz"
    assert evaluate.teacher_audio(corpus, "heart", "s091560626a9").is_file()
    with pytest.raises(SystemExit, match="no corpus holds the voice 'nobody'"):
        evaluate.test_sentences("nobody", 1)


def voices(**by_voice) -> dict:
    """Made-up results.json voices: name=(Distill-MOS, teacher's, WER, teacher's WER)."""
    return {
        name: {"distill_mos": m, "teacher_distill_mos": tm, "wer": w, "teacher_wer": tw}
        for name, (m, tm, w, tw) in by_voice.items()
    } | {"_mean": {"distill_mos": 0.0}}  # a summary entry: never judged


def test_the_gates_pass_when_every_target_is_met():
    gates = evaluate.gate_verdicts(voices(a=(4.2, 4.5, 0.03, 0.02), b=(3.8, 4.3, 0.115, 0.1)))
    assert gates["pass"]
    assert gates["mean_distill_mos"] == {"value": pytest.approx(4.0), "limit": 4.0, "pass": True}
    assert gates["min_distill_mos"]["voice"] == "b" and gates["min_distill_mos"]["pass"]
    assert set(gates["voices"]) == {"a", "b"}
    # exactly 0.5 below the teacher and exactly 1.5 points above: still within the targets
    assert gates["voices"]["b"]["distill_mos_vs_teacher"]["value"] == pytest.approx(-0.5)
    assert gates["voices"]["b"]["wer_vs_teacher"]["pass"]


@pytest.mark.parametrize(
    "by_voice, failed",
    [
        ({"a": (3.9, 4.0, 0.0, 0.0), "b": (3.9, 4.0, 0.0, 0.0)}, "mean_distill_mos"),
        ({"a": (4.5, 4.5, 0.0, 0.0), "b": (3.7, 3.9, 0.0, 0.0)}, "min_distill_mos"),
        ({"a": (4.1, 4.7, 0.0, 0.0), "b": (4.5, 4.5, 0.0, 0.0)}, "a.distill_mos_vs_teacher"),
        ({"a": (4.5, 4.5, 0.0, 0.0), "b": (4.5, 4.5, 0.116, 0.1)}, "b.wer_vs_teacher"),
    ],
)
def test_each_gate_fails_alone(by_voice, failed):
    gates = evaluate.gate_verdicts(voices(**by_voice))
    verdicts = {
        "mean_distill_mos": gates["mean_distill_mos"]["pass"],
        "min_distill_mos": gates["min_distill_mos"]["pass"],
    } | {f"{v}.{k}": g["pass"] for v, gs in gates["voices"].items() for k, g in gs.items()}
    assert [k for k, ok in verdicts.items() if not ok] == [failed]
    assert not gates["pass"]
    lines = evaluate.gate_lines(gates)
    assert lines[0] == "gates: FAIL" and sum("FAIL" in line for line in lines) == 2


def test_a_voice_above_its_teacher_passes_and_no_distill_mos_is_not_judged():
    assert evaluate.gate_verdicts(voices(a=(4.6, 4.0, 0.0, 0.01)))["pass"]
    old = {"bdl": {"wer": 0.05, "teacher_wer": 0.04}}  # an evaluation from before Distill-MOS
    assert evaluate.gate_verdicts(old) is None
    assert evaluate.gate_lines(None) == ["gates: not judged (no Distill-MOS)"]


def test_speeds_are_parsed_within_the_engines_range():
    assert evaluate.parse_speeds(evaluate.DEFAULT_SPEEDS) == [0.5, 2.0, 3.0, 4.5]
    assert evaluate.parse_speeds("") == []
    assert [evaluate.speed_key(s) for s in (0.5, 2.0, 4.5)] == ["0.5", "2", "4.5"]
    with pytest.raises(SystemExit, match="outside the engine's range"):
        evaluate.parse_speeds("0.5,6")


class FakeScorers:
    """Whisper, DNSMOS and Distill-MOS stand-ins that record what they were given: Whisper hears
    the sentence whole, except in our audio at 4.5x (one word lost); Distill-MOS is 2 + the
    audio's length in seconds (so that each number can be traced to its audio)."""

    def __init__(self):
        self.heard: list[Path] = []

    def transcribe(self, path: Path) -> str:
        self.heard.append(path)
        return "there are men" if path.parent.name == "x4.5" else "There are only men."

    @staticmethod
    def distill_mos(wave: np.ndarray, rate: int) -> float:
        assert rate == 24000
        return 2.0 + len(wave) / rate

    def scorers(self) -> evaluate.Scorers:
        return evaluate.Scorers(self.transcribe, lambda wave, rate: (3.0, 3.5), self.distill_mos)


def test_a_kokoro_vocos_model_is_evaluated_end_to_end(corpus, vocos_model, tmp_path):
    fake = FakeScorers()
    assert evaluate.main(["--model", str(vocos_model), "--tag", "k", "--per-voice", "5"], fake.scorers()) == 0
    out = tmp_path / "eval" / "k"
    summary = json.loads((out / "results.json").read_text())
    assert (summary["corpus"], summary["vocoder_kind"], summary["sample_rate"]) == ("kokoro", "vocos", 24000)
    assert list(summary["voices"]) == ["heart", "george", "_mean"]
    teacher_seconds = {}
    for name in TEST_VOICES:
        r = summary["voices"][name]
        assert (r["utterances"], r["words"], r["wer"], r["teacher_wer"]) == (1, 4, 0.0, 0.0)
        assert r["dnsmos_ovrl"] == 3.0 and r["teacher_dnsmos_sig"] == 3.5
        import soundfile as sf

        ours = sf.info(str(out / name / "s091560626a9.wav"))
        assert r["distill_mos"] == pytest.approx(2.0 + ours.duration)
        teacher_seconds[name] = sf.info(str(corpus.manifest.parent.parent / "audio" / name / "s091560626a9.wav"))
        assert r["teacher_distill_mos"] == pytest.approx(2.0 + teacher_seconds[name].duration)
        assert np.isfinite(r["mcd_db"]) and r["mcd_db"] > 0 and r["band_4_8k_ratio"] > 0
    assert summary["voices"]["_mean"]["distill_mos"] == pytest.approx(
        np.mean([summary["voices"][n]["distill_mos"] for n in TEST_VOICES])
    )
    assert summary["gates"] == evaluate.gate_verdicts(summary["voices"])
    # the speeds: every voice at 1x (the main run's sentences) and each default speed
    assert summary["speed_per_voice"] == 20
    assert set(summary["speeds"]) == {"heart", "george", "_mean"}
    for name in TEST_VOICES:
        by_speed = summary["speeds"][name]
        assert list(by_speed) == ["0.5", "1", "2", "3", "4.5"]
        lengths = [by_speed[k]["audio_seconds"] for k in by_speed]
        assert lengths == sorted(lengths, reverse=True) and lengths[0] > 3 * lengths[-1]  # faster: shorter
        for key, r in by_speed.items():
            assert r["distill_mos"] == pytest.approx(2.0 + r["audio_seconds"])
            assert r["wer"] == (0.25 if key == "4.5" else 0.0)  # "there are men": 1 error in 4 words
            assert r["utterances"] == 1 and r["words"] == 4
        assert (out / name / "x0.5" / "s091560626a9.wav").is_file()
    assert summary["speeds"]["_mean"]["4.5"]["wer"] == 0.25
    spoken = [json.loads(line) for line in (out / "speed_transcripts.jsonl").read_text().splitlines()]
    assert sorted({(t["voice"], t["speed"]) for t in spoken}) == sorted(
        (v, s) for v in TEST_VOICES for s in (0.5, 2.0, 3.0, 4.5)
    )
    assert [t["voice"] for t in map(json.loads, (out / "transcripts.jsonl").read_text().splitlines())] == list(
        TEST_VOICES
    )
    # scored again from the stored transcripts: what was heard at 4.5x, corrected, is no error
    (out / "speed_transcripts.jsonl").write_text(
        "".join(json.dumps(t | {"heard": "There are only men."}) + "\n" for t in spoken)
    )
    rescored = evaluate.rescore("k")
    assert rescored["speeds"]["heart"]["4.5"]["wer"] == rescored["speeds"]["_mean"]["4.5"]["wer"] == 0.0
    assert rescored["speeds"]["george"]["1"] == summary["speeds"]["george"]["1"]
    assert json.loads((out / "results.json").read_text()) == rescored
    # the teachers' side is cached: a second run hears our audio only
    cached = json.loads((tmp_path / "eval" / "teacher_distill_mos.json").read_text())
    assert cached["heart/s091560626a9"] == pytest.approx(2.0 + teacher_seconds["heart"].duration)
    fake.heard.clear()
    evaluate.main(["--model", str(vocos_model), "--tag", "k2", "--speeds", "", "--voices", "george"], fake.scorers())
    assert [p.relative_to(tmp_path).parts[:3] for p in fake.heard] == [("eval", "k2", "george")]
    again = json.loads((tmp_path / "eval" / "k2" / "results.json").read_text())
    assert "speeds" not in again and list(again["voices"]) == ["george", "_mean"]
    assert again["voices"]["george"]["teacher_distill_mos"] == summary["voices"]["george"]["teacher_distill_mos"]


def test_the_printed_table_shows_the_gates_and_the_speeds():
    summary = {
        "voices": {
            "heart": {
                **voices(heart=(4.3, 4.5, 0.02, 0.01))["heart"],
                "dnsmos_ovrl": 3.1,
                "teacher_dnsmos_ovrl": 3.2,
                "dnsmos_sig": 3.3,
                "teacher_dnsmos_sig": 3.4,
                "mcd_db": 5.0,
                "f0_rmse_cents": 90.0,
                "band_4_8k_ratio": 0.9,
            }
        },
        "speed_per_voice": 3,
        "speeds": {"heart": {"1": {"wer": 0.0, "distill_mos": 4.3}, "4.5": {"wer": 0.25, "distill_mos": 3.1}}},
    }
    summary["gates"] = evaluate.gate_verdicts(summary["voices"])
    table = evaluate.results_table(summary).splitlines()
    assert table[0].startswith("heart    WER   2.0% (teacher  1.0%)  D-MOS 4.30 (4.50)")
    assert "gates: pass" in table
    assert "- heart: Distill-MOS -0.20 vs teacher (>= -0.5): pass; WER +1.0 points vs teacher (<= +1.5): pass" in table
    assert "| voice | 1x WER | 1x Distill-MOS | 4.5x WER | 4.5x Distill-MOS |" in table
    assert "| heart | 0.0% | 4.30 | 25.0% | 3.10 |" in table


def test_our_f0_is_the_rendered_one_with_ddsp_and_tracked_in_our_audio_with_vocos(corpus):
    frames, rate = 80, corpus.layout.sample_rate
    audio = 0.5 * np.sin(2 * np.pi * 150.0 * np.arange(frames * corpus.layout.hop) / rate)
    forced = SimpleNamespace(mel=np.zeros((frames, 80)), f0=np.full(frames, 220.0), voiced=np.arange(frames) % 2 == 0)
    ddsp = SimpleNamespace(vocoder=SimpleNamespace(kind="ddsp"))
    assert evaluate.our_f0(ddsp, forced, audio, "heart", corpus.layout).tolist() == [220.0, 0.0] * (frames // 2)
    vocos = SimpleNamespace(vocoder=SimpleNamespace(kind="vocos"))
    f0 = evaluate.our_f0(vocos, forced, audio, "heart", corpus.layout)  # the corpus's tracker for heart
    assert len(f0) == frames
    assert np.median(f0[10:-10]) == pytest.approx(150.0, rel=0.02)  # the audio's pitch, not the predicted 220
