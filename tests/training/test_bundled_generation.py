"""The bundled model's generation follows the committed compact checkpoint: training.run_info reads
it (from the committed file, a tiny first-generation one written as that file was, before the
fields, and a tiny second-generation one), the recipe picks its path from it (its DRY_RUN mode),
and the trainer's Kokoro run is the main run, which resumes from and rewrites that file, exactly
when a second-generation checkpoint is committed: before, it stays a side run that never resumes
from it nor writes it. Runs on the Kokoro fixture (test_kokoro_corpus.py's ``corpus``) with
test_vocos_training.py's tiny configuration. Skipped where torch is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from test_kokoro_corpus import corpus  # noqa: E402, F401  (a fixture: the Kokoro corpus under tmp_path)
from test_vocos_training import tiny  # noqa: E402

from training import run_info, train  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / run_info.COMPACT_CHECKPOINT


@pytest.fixture(autouse=True)
def paths_under_tmp(tmp_path, monkeypatch) -> None:
    """Every run's state and the trainer's committed checkpoint under tmp_path: no test reads or
    writes work-data/ or training/checkpoints/ through the trainer."""
    monkeypatch.setattr(train, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(train, "FULL_CHECKPOINT", tmp_path / "checkpoints" / "model.pt")
    monkeypatch.setattr(train, "COMPACT_CHECKPOINT", tmp_path / "committed" / "bittts.pt")


def first_generation_checkpoint(path: Path) -> train.Trainer:
    """A tiny first-corpus DDSP model's compact checkpoint written to ``path`` without the two
    fields, as the committed first-generation checkpoint was written (steps set apart from zero,
    so that a resume shows); returns the trainer that made it."""
    maker = train.Trainer(train.TrainConfig(width=0.1, threads=1, run="first-maker"))
    maker.step_v, maker.step_a, maker.step_f = 4, 6, 2
    state = maker.state(compact=True)
    del state["train_config"]["corpus"], state["config"]["vocoder_kind"]
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, path)
    return maker


@pytest.fixture
def first_committed() -> Path:
    """A tiny first-generation checkpoint as the trainer's committed one."""
    first_generation_checkpoint(train.COMPACT_CHECKPOINT)
    return train.COMPACT_CHECKPOINT


def second_generation_checkpoint(path: Path, **changes) -> train.Trainer:
    """A tiny Kokoro/Vocos model's compact checkpoint written to ``path`` (its steps set apart
    from zero, so that a resume shows); returns the trainer that made it."""
    maker = train.Trainer(tiny(run="maker", **changes))
    maker.step_v, maker.step_a, maker.step_f = 7, 5, 3
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(maker.state(compact=True), path)
    return maker


# --- reading the generation ------------------------------------------------------------------
def test_the_committed_checkpoint_reads_as_the_generation_its_layout_and_voices_are():
    from training.data import CORPORA

    ckpt = run_info.load_checkpoint_record(COMMITTED)
    found = run_info.checkpoint_generation(ckpt)
    layout, voices = CORPORA[found.corpus].layout, CORPORA[found.corpus].voices
    assert (ckpt["config"]["sample_rate"], ckpt["config"]["hop_size"]) == (layout.sample_rate, layout.hop)
    assert [s["name"] for s in ckpt["speakers"]] == [v.name for v in voices]
    assert run_info.bundled_generation(COMMITTED) == found
    assert run_info.bundled_corpus(COMMITTED) == found.corpus
    if "corpus" not in ckpt["train_config"]:  # the first generation's, written before the fields
        assert "vocoder_kind" not in ckpt["config"]
        assert found == run_info.Generation(1, "classic", "ddsp")


def test_a_checkpoint_from_before_the_fields_is_the_first_generation(tmp_path):
    path = tmp_path / "old.pt"
    first_generation_checkpoint(path)
    assert run_info.bundled_generation(path) == run_info.Generation(1, "classic", "ddsp")
    assert run_info.bundled_corpus(path) == "classic"


def test_a_second_generation_checkpoint_and_its_research_compact_copy_are_the_second(corpus, tmp_path):  # noqa: F811
    path = tmp_path / "kokoro.pt"
    maker = second_generation_checkpoint(path)
    assert run_info.bundled_generation(path) == run_info.Generation(2, "kokoro", "vocos")
    assert run_info.bundled_corpus(path) == "kokoro"
    maker.save()  # its full state (work-data/runs/maker/): research.compact keeps what says the generation
    compact = pytest.importorskip("research.compact").compact_copy(
        torch.load(maker.full_checkpoint, weights_only=False)
    )
    assert "opt_vocoder" not in compact and run_info.checkpoint_generation(compact).number == 2


def test_a_pair_that_is_no_generation_is_refused_and_a_missing_file_is_the_first(tmp_path):
    with pytest.raises(ValueError, match="corpus kokoro with a ddsp vocoder is no generation"):
        run_info.checkpoint_generation({"config": {"vocoder_kind": "ddsp"}, "train_config": {"corpus": "kokoro"}})
    assert run_info.bundled_generation(tmp_path / "none.pt").number == 1  # a tree without a committed one
    with pytest.raises(ValueError, match="generation 3: one of 1, 2"):
        run_info.generation(3)


def test_the_recipes_helper_prints_the_generation_and_the_trainers_flags(corpus, tmp_path, capsys):  # noqa: F811
    path = tmp_path / "pitch.pt"
    second_generation_checkpoint(path, vocos_pitch_inputs=True)
    first_generation_checkpoint(tmp_path / "first.pt")
    capsys.readouterr()  # the trainers' own lines
    assert run_info.main(["--generation", str(path)]) == 0
    assert run_info.main(["--generation", str(tmp_path / "first.pt")]) == 0
    assert capsys.readouterr().out.split() == ["2", "1"]
    # the committed checkpoint's pitch option comes along where it is of the generation asked for
    assert run_info.train_flags(2, path) == "--corpus kokoro --vocoder-kind vocos --vocos-pitch-inputs 1".split()
    first = tmp_path / "first.pt"
    assert run_info.train_flags(2, first) == "--corpus kokoro --vocoder-kind vocos".split()  # forced early
    assert run_info.train_flags(1, first) == "--corpus classic --vocoder-kind ddsp".split()
    with pytest.raises(SystemExit, match="no such checkpoint"):
        run_info.main(["--generation", str(tmp_path / "missing.pt")])


# --- the recipe's path -------------------------------------------------------------------------
def dry_run(**env: str) -> list[str]:
    """training/recipe.sh's commands (DRY_RUN=1), run with this interpreter."""
    out = subprocess.run(
        ["bash", str(ROOT / "training" / "recipe.sh")],
        env={**os.environ, "DRY_RUN": "1", "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.splitlines()


def test_the_recipe_follows_the_committed_checkpoint_and_a_forced_generation():
    committed = run_info.bundled_generation(COMMITTED).number
    assert f"generation {committed}" in dry_run()
    first = dry_run(GENERATION="1")
    assert "generation 1" in first
    py = sys.executable
    assert f"nice -n 10 {py} -m training.corpus.features" in first
    assert f"{py} -m training.train --minutes 60 --device cpu" in first  # the command as it was
    assert f"{py} -m training.make_fixture --checkpoint work-data/checkpoints/model.pt" in first
    assert not any("kokoro" in line for line in first)

    second = dry_run(GENERATION="2", MINUTES="5")
    assert "generation 2" in second and "sh training/corpus/run_kokoro.sh" in second
    assert not any("training.corpus.features" in line for line in second)  # run_kokoro.sh makes them
    state = "work-data/runs/kokoro/model.pt"
    flags = " ".join(run_info.train_flags(2))
    assert f"{py} -m training.train --minutes 5 --device cpu {flags}" in second
    assert f"{py} -m training.export --checkpoint {state} --out resources/bittts-en.bttm" in second
    assert f"{py} -m training.make_fixture --checkpoint {state}" in second
    assert f"{py} -m training.evaluate --model resources/bittts-en.bttm --per-voice 100" in second
    assert any(line.startswith(f"{py} -m training.model_card") and f"--checkpoint {state}" in line for line in second)

    refused = subprocess.run(
        ["bash", str(ROOT / "training" / "recipe.sh")],
        env={**os.environ, "DRY_RUN": "1", "PYTHON": sys.executable, "GENERATION": "3"},
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2 and "GENERATION=3: 1 or 2" in refused.stderr


# --- the trainer's main run and side runs --------------------------------------------------------
def test_before_switch_day_a_kokoro_run_is_a_side_run_that_resumes_its_own_state(corpus, first_committed, tmp_path):  # noqa: F811
    """The first generation committed: the Kokoro run starts (or resumes) in work-data/runs/kokoro/,
    never resumes from the committed file nor writes it; the first corpus' run is the main run."""
    before = first_committed.read_bytes()
    tc = tiny(vocoder_steps=1, vocoder_adversarial_from=-1, acoustic_steps=1, finetune_steps=0, compact_every=1)
    side = train.Trainer(tc)
    assert side.compact_checkpoint is None and side.full_checkpoint == tmp_path / "runs" / "kokoro" / "model.pt"
    assert (side.step_v, side.step_a) == (0, 0)  # a new model, not the committed one
    side.run()
    assert first_committed.read_bytes() == before
    resumed = train.Trainer(tc)  # the session after: the same command goes on where it stopped
    assert (resumed.step_v, resumed.step_a) == (1, 1) and resumed.compact_checkpoint is None
    assert torch.equal(resumed.vocoder.head.weight, side.vocoder.head.weight)
    main = train.Trainer(train.TrainConfig(width=0.1, threads=1))
    assert main.compact_checkpoint == first_committed and (main.step_v, main.step_a) == (4, 6)  # resumed from it


def test_after_switch_day_the_kokoro_run_is_the_main_run(corpus, tmp_path):  # noqa: F811
    """A second generation committed: the Kokoro run without work-data resumes from it and rewrites
    it at milestones; the first corpus' run and a named run are side runs."""
    committed = train.COMPACT_CHECKPOINT
    maker = second_generation_checkpoint(committed)
    tc = tiny(vocoder_steps=8, vocoder_adversarial_from=-1, acoustic_steps=5, finetune_steps=3, compact_every=1)
    main = train.Trainer(tc)
    assert main.compact_checkpoint == committed and (main.step_v, main.step_a, main.step_f) == (7, 5, 3)
    assert torch.equal(main.vocoder.head.weight, maker.vocoder.head.weight.half().float())
    main.run()  # one vocoder step: a milestone at compact_every 1
    written = torch.load(committed, weights_only=False)
    assert written["step_vocoder"] == 8 and "opt_vocoder" not in written
    assert run_info.checkpoint_generation(written).number == 2
    assert main.full_checkpoint == tmp_path / "runs" / "kokoro" / "model.pt" and main.full_checkpoint.exists()
    # the next session resumes the full state (its optimizers), not the compact copy
    assert train.Trainer(tc).opt_v.state_dict()["state"]

    first = train.Trainer(train.TrainConfig(width=0.1, threads=1))
    assert first.compact_checkpoint is None and first.full_checkpoint == tmp_path / "checkpoints" / "model.pt"
    assert first.step_a == 0  # not the Kokoro model: a new first-corpus model of its own
    first.save(compact=True)
    assert torch.load(committed, weights_only=False)["step_vocoder"] == 8
    assert train.Trainer(tiny(run="try")).compact_checkpoint is None


def test_a_vocos_run_still_refuses_the_committed_ddsp_checkpoint(first_committed):
    with pytest.raises(SystemExit, match="holds a ddsp vocoder, and this run trains a vocos one"):
        train.Trainer(train.TrainConfig(width=0.1, vocoder_kind="vocos", threads=1))
