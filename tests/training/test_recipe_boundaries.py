"""The recipe (training/) stands apart from the research around it (research/): no module of the
recipe imports research, and the trainer and the model-card writer do not import each other
(what both need lives in training/run_info.py). Reads the imports with ast; needs no torch."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """Every module a file imports, at its top or inside functions, absolute or relative."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text() if source is None else source, str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def test_imported_modules_sees_nested_and_relative_imports():
    source = "import os\ndef f():\n    from research import diagnose\n    from ..train import x\n"
    found = imported_modules(ROOT / "training" / "model" / "probe.py", source)
    assert {"os", "research", "research.diagnose", "training.train", "training.train.x"} <= found


def test_no_recipe_module_imports_research():
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in imported_modules(path) if m.split(".")[0] == "research")
        for path in sorted((ROOT / "training").rglob("*.py"))
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_recipe_script_runs_no_research_module():
    assert "research" not in (ROOT / "training" / "recipe.sh").read_text()


def test_the_trainer_and_the_model_card_do_not_import_each_other():
    def touches(path: Path, module: str) -> bool:
        return any(m == module or m.startswith(module + ".") for m in imported_modules(path))

    assert not touches(ROOT / "training" / "train.py", "training.model_card")
    assert not touches(ROOT / "training" / "model_card.py", "training.train")
