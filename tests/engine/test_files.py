import os
import stat

import pytest

from bittts.engine.files import write_atomically


def test_writes_whole_file_with_normal_permissions(tmp_path):
    path = tmp_path / "out.json"
    path.write_text("old")
    write_atomically(path, "new ✓")
    assert path.read_text(encoding="utf-8") == "new ✓"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "out.bin"
    path.write_bytes(b"old")

    with pytest.raises(TypeError):
        write_atomically(path, 12345)  # not bytes or str: fails while writing
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
