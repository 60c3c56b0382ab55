"""Numbers about a packed model that `bittts info` and the app's model readout both show."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bittts.engine.model_format import DType, ModelFile

BUNDLED_MODEL_NAME = "bittts-en.bttm"


def bundled_model_path() -> Path:
    """Where the bundled model lives: package data, or next to a frozen executable."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "bittts" / "resources" / BUNDLED_MODEL_NAME
    return Path(str(resources.files("bittts.resources").joinpath(BUNDLED_MODEL_NAME)))


@dataclass(frozen=True)
class ModelSummary:
    path: Path
    file_bytes: int
    parameters: int
    ternary_parameters: int
    name: str
    architecture: str

    @property
    def bits_per_weight(self) -> float:
        """File bits per parameter, everything included (metadata, lexicon, fp16 layers)."""
        return 8 * self.file_bytes / max(self.parameters, 1)

    @property
    def fp32_bytes(self) -> int:
        """The same parameters stored as float32 (blobs such as the lexicon not counted)."""
        return 4 * self.parameters

    @property
    def reduction(self) -> float:
        """Share of the fp32 size saved, 0..1."""
        return 1 - self.file_bytes / max(self.fp32_bytes, 1)

    @property
    def ternary_share(self) -> float:
        return self.ternary_parameters / max(self.parameters, 1)


def summarize(model: ModelFile) -> ModelSummary:
    ternary = sum(t.count for t in model.tensors.values() if t.dtype == DType.TERNARY)
    return ModelSummary(
        path=model.path,
        file_bytes=model.file_size,
        parameters=model.parameter_count(),
        ternary_parameters=ternary,
        name=str(model.metadata.get("general.name", model.path.stem)),
        architecture=str(model.metadata.get("general.architecture", "unknown")),
    )


def process_resident_bytes() -> int:
    """The whole process's resident memory now (0 where the platform does not say)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        pass
    try:  # macOS and other Unixes: peak, not current, resident size
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError):
        return 0


def format_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.2f} {unit}"
        count /= 1000
    return f"{count:.2f} GB"
