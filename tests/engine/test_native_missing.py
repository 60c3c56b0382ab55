import subprocess
import sys

BLOCK_NATIVE = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "bittts.engine._native":
            raise ImportError("simulated: extension not built")
sys.meta_path.insert(0, Block())
"""


def test_missing_extension_says_how_to_build_it():
    code = BLOCK_NATIVE + "import bittts.engine\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "NativeExtensionMissing" in result.stderr
    assert "pip install" in result.stderr and "build_ext --inplace" in result.stderr


def test_cli_reports_missing_extension_in_one_line():
    code = BLOCK_NATIVE + "from bittts.cli import main\nsys.exit(main(['info']))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.startswith("bittts: error: The native kernels") and "Traceback" not in result.stderr
