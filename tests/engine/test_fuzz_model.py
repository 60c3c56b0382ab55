"""The model fuzzer (bench/fuzz_model.py) in CI: a short run over re-signed mutations of the
bundled model, with no signal, hang, traceback or allocation above 1 GiB; and the fuzzer's own
parts (the file round trip, the signature, the classification of a child's end).

The long run is ``python bench/fuzz_model.py --runs 10000`` (docs/model-format.md). Set
BITTTS_FUZZ_RUNS and BITTTS_FUZZ_SEED to run another short one."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bittts.engine.model_format import ModelFile, ModelFormatError

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "resources" / "bittts-en.bttm"

pytestmark = [
    pytest.mark.skipif(not BUNDLED.exists(), reason="no bundled model"),
    pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "fork"), reason="the fuzzer forks its children"),
]


@pytest.fixture(scope="module")
def fuzz(bench_script):
    return bench_script("fuzz_model")


def test_a_short_run_finds_no_crash_hang_traceback_or_memory_blowup(tmp_path):
    """In its own process (this one may hold Qt and other threads, which forking does not like)."""
    runs = int(os.environ.get("BITTTS_FUZZ_RUNS", "120"))
    seed = os.environ.get("BITTTS_FUZZ_SEED", "29")
    out = tmp_path / "report.json"
    command = [sys.executable, "-W", "ignore", str(ROOT / "bench" / "fuzz_model.py"), "--runs", str(runs)]
    command += ["--seed", seed, "--jobs", "2", "--timeout", "60", "--json", str(out), "--quiet"]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=600)
    report = json.loads(out.read_text())
    assert proc.returncode == 0 and not report["failures"], proc.stdout[-6000:]
    assert report["tried"] == runs
    # the mutations reach every layer: the container, the semantic checks, and speech
    assert report["refused_by"].get("model_format", 0) > 0 and report["refused_by"].get("model_check", 0) > 0
    assert report["outcomes"]["spoke"] > 0, report


def test_the_file_round_trips_and_mutations_are_signed_again(fuzz, tmp_path):
    blob = BUNDLED.read_bytes()
    base = fuzz.parse(blob)
    assert fuzz.serialize(base) == blob
    rng = fuzz.random.Random(1)
    unchanged = []
    for i in range(40):
        data, notes = fuzz.mutate(base, rng)
        if data == blob:
            # A mutation may draw the value it replaces (a flag drawn again, a scale kept): about 1 in
            # 70 on either generation of the bundled model; which ones depends on the model's values.
            unchanged.append(notes)
            continue
        path = tmp_path / f"{i}.bttm"
        path.write_bytes(data)
        try:
            ModelFile(path).close()
        except ModelFormatError as exc:
            assert "checksum" not in str(exc), notes
    assert len(unchanged) <= 4, unchanged


def _segfault(path, conn):
    os.kill(os.getpid(), signal.SIGSEGV)


def _sleep(path, conn):
    time.sleep(60)


def _raise(path, conn):
    raise ValueError("not a ModelFormatError")


def test_the_child_outcomes_are_told_apart(fuzz):
    assert fuzz.run_file(str(BUNDLED), 30, target=_segfault) == ("signal", f"signal {int(signal.SIGSEGV)}")
    assert fuzz.run_file(str(BUNDLED), 1, target=_sleep)[0] == "hang"
    assert fuzz.run_file(str(BUNDLED), 30, target=_raise)[0] == "exception"


def test_memory_above_the_limit_is_a_failure(fuzz, monkeypatch):
    """The child runs under RLIMIT_AS of 1 GiB: an allocation of 2 GiB fails with MemoryError."""
    import numpy as np

    def allocate(path, conn):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (fuzz.MEMORY_LIMIT, fuzz.MEMORY_LIMIT))
        try:
            np.ones(2 << 30, np.uint8)
            conn.send(("spoke", ""))
        except MemoryError:
            conn.send(("memory", "MemoryError"))
        os._exit(0)

    assert fuzz.run_file(str(BUNDLED), 30, target=allocate)[0] == "memory"
