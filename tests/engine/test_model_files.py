"""A model path that is no regular file is refused before it is opened (issue 29): a FIFO
used to hang ``bittts --model`` and the loader, a device to be read without end."""

import os
import subprocess
import sys
import threading

import pytest

from bittts import cli
from bittts.engine.model_format import ModelFile, ModelFormatError

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")


def _in_thread(fn, timeout=10.0):
    """Run ``fn`` in a thread; return (finished, its result or exception)."""
    box: list = []

    def run():
        try:
            box.append(fn())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive(), (box[0] if box else None)


@needs_fifo
def test_the_loader_refuses_a_fifo_without_waiting(tmp_path):
    fifo = tmp_path / "model.bttm"
    os.mkfifo(fifo)
    finished, result = _in_thread(lambda: ModelFile(fifo))
    if not finished:  # unblock the stuck open so that the thread ends
        with open(fifo, "wb"):
            pass
    assert finished, "opening a FIFO as a model hung"
    assert isinstance(result, ModelFormatError) and "is a FIFO (named pipe)" in str(result)


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_the_loader_refuses_devices_and_directories(tmp_path, path):
    if not os.path.exists(path):
        pytest.skip(f"no {path}")
    with pytest.raises(ModelFormatError, match="is a device, not a file to read"):
        ModelFile(path)
    with pytest.raises(ModelFormatError, match="is a folder, not a file to read"):
        ModelFile(tmp_path)


@needs_fifo
def test_the_command_line_refuses_a_fifo_with_one_line(tmp_path):
    fifo = tmp_path / "model.bttm"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-m", "bittts.cli", "say", "--model", str(fifo), "hello"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == cli.EXIT_MODEL
    assert proc.stderr.startswith("bittts: error: model file ")
    assert "a FIFO (named pipe), not a regular file" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_a_symlink_to_a_model_still_loads(tmp_path, tiny_model_path):
    link = tmp_path / "link.bttm"
    link.symlink_to(tiny_model_path)
    with ModelFile(link) as model:
        assert "lexicon" in model.blobs
