"""The installers' part in registering the voice: the Linux tarball's install-desktop-entry.sh
(with a stand-in BitTTS that runs the frozen entry script from source) and its sd_bittts, and
the Windows installer's lines for the NVDA add-on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "packaging" / "linux"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the Linux tarball's shell scripts")


@pytest.fixture
def tarball(tmp_path):
    """A folder laid out as the tarball is, with BitTTS running packaging/entry.py."""
    folder = tmp_path / "BitTTS-Desktop"
    folder.mkdir()
    for name in ("install-desktop-entry.sh", "sd_bittts", "bittts-desktop.desktop"):
        shutil.copy2(LINUX / name, folder / name)
    shutil.copy2(ROOT / "packaging" / "icons" / "bittts.png", folder / "bittts.png")
    program = folder / "BitTTS"
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "packaging" / "entry.py"}" "$@"\n')
    program.chmod(0o755)
    env = dict(os.environ, HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"))
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["PYTHONPATH"] = str(ROOT)
    return folder, env, tmp_path / "config" / "speech-dispatcher" / "speechd.conf"


def run(folder, env, *args, stdin=subprocess.DEVNULL):
    return subprocess.run(
        ["sh", str(folder / "install-desktop-entry.sh"), *args],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_menu_installer_registers_the_voice_when_asked_and_removes_it(tarball):
    folder, env, speechd_conf = tarball
    done = run(folder, env)  # not a terminal, not asked: no voice
    assert done.returncode == 0, done.stderr
    assert not speechd_conf.exists()
    done = run(folder, env, "--speech-dispatcher")
    assert done.returncode == 0, done.stderr
    assert f'AddModule "bittts" "{folder / "sd_bittts"}" "bittts.conf"' in speechd_conf.read_text()
    assert "added the bittts module" in done.stdout
    done = run(folder, env, "--remove")
    assert done.returncode == 0, done.stderr
    assert 'AddModule "bittts"' not in speechd_conf.read_text() and "# BEGIN bittts" not in speechd_conf.read_text()
    assert "changed" in done.stdout
    assert not (speechd_conf.parent / "modules" / "bittts.conf").exists()


def test_the_tarballs_sd_bittts_runs_the_module(tarball, tmp_path):
    folder, env, _ = tarball
    conf = tmp_path / "bittts.conf"
    conf.write_text(f'BitttsModel "{tmp_path / "missing.bttm"}"\n')
    done = subprocess.run(
        [str(folder / "sd_bittts"), str(conf)],
        input="INIT\nQUIT\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("399-BitTTS cannot load its model") and lines[1:] == [
        "399 ERR CANT INIT MODULE",
        "210 OK QUIT",
    ]


def test_the_windows_installer_offers_the_nvda_addon():
    script = (ROOT / "packaging" / "windows" / "bittts.iss").read_text(encoding="utf-8")
    assert 'Source: "{#OutputDir}\\BitTTS-{#AppVersion}.nvda-addon"; DestDir: "{app}"' in script
    run_line = next(line for line in script.splitlines() if line.startswith('Filename: "{app}\\BitTTS-'))
    assert "shellexec" in run_line and "unchecked" in run_line and "postinstall" in run_line
