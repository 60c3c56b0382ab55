"""The app's only doors into the engine: loading the synthesizer, the model readout numbers and
the user pronunciation dictionary. Each one degrades to a plain message when its engine part
is missing, so the window always starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bittts.engine.model_info import bundled_model_path, format_bytes, process_resident_bytes


@dataclass(frozen=True)
class SynthesizerLoad:
    synthesizer: object | None  # a bittts.engine.synthesis.Synthesizer, or None
    problem: str = ""  # why there is none, in words for the status bar


def load_synthesizer(model_path: Path | None = None, user_dict=None, date_order: str = "MDY") -> SynthesizerLoad:
    """Load the real synthesizer (slow: call it from a worker). Never raises.

    ``user_dict`` (a bittts.engine.text.user_dict.UserDict) is shared with the pronunciation
    editor, so that an edited pronunciation is used from the next sentence on. ``date_order``
    ("MDY" or "DMY") is how numeric dates are read; the synthesizer keeps it, so a change of
    the setting loads a new one."""
    try:
        from bittts.engine.synthesis import Synthesizer
    except ImportError as exc:
        return SynthesizerLoad(
            None,
            "No voice model is installed (this build has no synthesis engine). "
            f"Reading aloud is off; everything else works. [{exc}]",
        )
    path = Path(model_path) if model_path else bundled_model_path()
    if not path.exists():
        return SynthesizerLoad(
            None,
            f"No voice model is installed ({path.name} was not found). Reading aloud is off; everything else works.",
        )
    try:
        synth = Synthesizer(path if model_path else None, user_dict=user_dict, date_order=date_order)
    except Exception as exc:  # ModelFormatError, MemoryError, an engine bug: say it, do not crash
        return SynthesizerLoad(None, f"The voice model cannot be loaded: {exc}")
    try:
        synth.warm_up()  # still in the worker: the first unknown name then costs no wait
    except Exception:  # not needed to speak: the first unknown word will build it instead
        pass
    return SynthesizerLoad(synth)


def model_readout_text(path=None) -> str:
    """One line for the status bar, with the same numbers as `bittts info` (reads the file)."""
    from bittts.engine import kernels
    from bittts.engine.model_format import ModelFile, ModelFormatError
    from bittts.engine.model_info import summarize

    path = Path(path) if path else bundled_model_path()
    if not path.exists():
        return f"No voice model installed yet ({path.name}) · kernel {kernels.kernel_name()}"
    try:
        with ModelFile(path) as model:
            s = summarize(model)
    except ModelFormatError as exc:
        return f"The voice model cannot be read: {exc}"
    return summary_text(s) + f" · kernel {kernels.kernel_name()}"


def summary_text(s) -> str:
    """A ModelSummary as the readout shows it (the same formatting as `bittts info`)."""
    return (
        f"Model {format_bytes(s.file_bytes)} · {s.parameters:,} parameters · "
        f"{s.bits_per_weight:.2f} bits/weight · fp32 {format_bytes(s.fp32_bytes)} "
        f"({s.reduction:.1%} smaller)"
    )


def live_readout_text(synthesizer, rtf: float | None) -> str:
    """Engine and process memory now, and the recent real-time factor."""
    parts = []
    if synthesizer is not None:
        try:
            parts.append(f"engine {format_bytes(synthesizer.engine_resident_bytes())}")
        except Exception:
            pass
    parts.append(f"process {format_bytes(process_resident_bytes())}")
    if rtf is not None:
        parts.append(f"RTF {rtf:.3f} ({1 / rtf:.0f}x real time)" if rtf > 0 else "RTF -")
    return "Memory: " + " · ".join(parts)


# ---- the user pronunciation dictionary (bittts.engine.text.user_dict), behind a small adapter
class PronunciationStore:
    """List, add, remove and save user pronunciations. ``available`` is False (with
    ``problem``) when the engine has no user dictionary module."""

    def __init__(self, path: Path | None = None):
        self.problem = ""
        try:
            from bittts.engine.text.user_dict import UserDict, UserDictError
        except ImportError as exc:
            self._dict, self._error = None, ValueError
            self.problem = f"The pronunciation dictionary is not available in this build ({exc})."
            return
        self._error = UserDictError
        try:
            self._dict = UserDict.load(path)
        except Exception as exc:  # UserDict.load reports bad content itself: this is a bug, not the file
            self._dict = None  # the file is not touched
            self.problem = f"The pronunciation dictionary cannot be used ({type(exc).__name__}: {exc})."
            return
        self.problem = "; ".join(self._dict.problems)

    @property
    def available(self) -> bool:
        return self._dict is not None

    @property
    def user_dict(self):
        """The engine's UserDict object (None when unavailable), to hand to the Synthesizer."""
        return self._dict

    @property
    def path(self) -> Path | None:
        return self._dict.path if self._dict is not None else None

    def entries(self) -> list[tuple[str, str, str]]:
        """(word, kind, pronunciation) with kind "ARPAbet" or "respelling", sorted by word."""
        if self._dict is None:
            return []
        out = []
        for e in self._dict.entries():
            if e.phones is not None:
                out.append((e.word, "ARPAbet", " ".join(e.phones)))
            else:
                out.append((e.word, "respelling", e.respelling))
        return out

    def add(self, word: str, kind: str, pronunciation: str) -> None:
        """Raises ValueError with a readable message for a bad entry."""
        if self._dict is None:
            raise ValueError(self.problem)
        try:
            if kind == "ARPAbet":
                self._dict.add(word, arpabet=pronunciation)
            else:
                self._dict.add(word, respell=pronunciation)
        except self._error as exc:
            raise ValueError(str(exc)) from None

    def remove(self, word: str) -> bool:
        return self._dict.remove(word) if self._dict is not None else False

    def save(self) -> None:
        if self._dict is not None:
            self._dict.save()
            extra = self._dict.problems
            self.problem = "; ".join(extra)
