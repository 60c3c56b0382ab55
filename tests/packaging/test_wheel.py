"""The light packaging check as a test: packaging/check.sh --light builds the sdist and the wheel
from the working tree, checks the wheel's contents, installs it into a fresh venv without extras
(no Qt comes with it), synthesizes "Hello there" to a WAV file, checks that `bittts app` then says
in one line to install `bittts[app]`, adds the app extra and runs `python -m bittts.selftest`
there, in a clean environment.

Runs only when selected (tests/packaging/conftest.py):

    .venv/bin/python -m pytest -m packaging tests/packaging

The model: resources/bittts-en.bttm, or BITTTS_PACKAGING_MODEL=FILE; without either, skipped.
"""

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_installs_and_speaks(tmp_path):
    model = os.environ.get("BITTTS_PACKAGING_MODEL") or str(ROOT / "resources" / "bittts-en.bttm")
    if not Path(model).is_file():
        pytest.skip(f"no model to package: {model} (set BITTTS_PACKAGING_MODEL=FILE)")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["TMPDIR"] = str(tmp_path)
    result = subprocess.run(
        ["bash", str(ROOT / "packaging" / "check.sh"), "--light", "--model", model, "--dist", str(tmp_path / "dist")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "all checks passed" in result.stdout
    assert "without the app extra: no Qt; bittts app says: bittts: error:" in result.stdout
    assert "bittts self-test: all" in result.stdout
    assert "engine extension: bittts/engine/_native" in result.stdout
    assert "model: bittts/resources/bittts-en.bttm" in result.stdout
