import numpy as np

from bittts import cli
from bittts.engine.model_format import DType, ModelWriter


def small_model(path):
    w = ModelWriter()
    w.update_metadata({"general.name": "tiny", "general.architecture": "test", "speakers.name": ["a", "b"]})
    w.add_ternary("conv.weight", np.ones((64, 64, 5), np.int8), 0.1)  # 20,480 ternary weights
    w.add_tensor("embed", np.zeros((10, 64)), DType.F16)
    w.write(path)


def test_info_reports_size_parameters_and_bits(tmp_path, capsys):
    path = tmp_path / "m.bttm"
    small_model(path)
    assert cli.main(["info", "--model", str(path)]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "parameters:       21,120 (97.0% ternary)" in out
    assert "voices:           2" in out
    bits = 8 * path.stat().st_size / 21120
    assert f"bits per weight:  {bits:.2f}" in out
    assert "smaller" in out and "resident memory:" in out


def test_missing_and_broken_models_are_one_line_errors(tmp_path, capsys):
    assert cli.main(["info", "--model", str(tmp_path / "nope.bttm")]) == cli.EXIT_MODEL
    err = capsys.readouterr().err
    assert err.startswith("bittts: error: model file not found") and err.count("\n") == 1
    bad = tmp_path / "bad.bttm"
    bad.write_bytes(b"x" * 200)
    assert cli.main(["info", "--model", str(bad)]) == cli.EXIT_MODEL
    err = capsys.readouterr().err
    assert "not a BitTTS model" in err and "Traceback" not in err


def test_no_command_prints_help_and_usage_code(capsys):
    assert cli.main([]) == cli.EXIT_USAGE
    assert "usage: bittts" in capsys.readouterr().out
