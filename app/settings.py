"""The user's settings: a small JSON file in the platform's config folder (platformdirs).

Loading never fails: a missing file gives the defaults, a corrupt file gives the defaults and
a ``problem`` line for the status bar (the bad file is kept beside as ``settings.json.corrupt``
when the settings are next saved), and each bad value falls back to its default alone.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from bittts.engine.files import write_atomically
from bittts.engine.synthesis_types import PITCH_RANGE, SPEED_RANGE, VOLUME_RANGE

THEMES = ("system", "light", "dark", "high-contrast")
DATE_ORDERS = ("MDY", "DMY")  # as bittts.engine.text.normalize.DATE_ORDERS
FONT_SIZE_RANGE = (8, 48)
MAX_RECENT = 10
FILE_NAME = "settings.json"


def default_settings_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("BitTTS", appauthor=False)) / FILE_NAME


@dataclass
class Settings:
    voice: str = ""  # "" = the model's first voice
    blend_voice: str = ""  # "" = no blend
    blend_weight: float = 0.5  # share of blend_voice, 0..1
    speed: float = 1.0  # SPEED_RANGE
    pitch: float = 0.0  # semitones, PITCH_RANGE
    volume: float = 1.0  # VOLUME_RANGE
    date_order: str = "MDY"  # numeric dates: "MDY" month first (US), "DMY" day first
    theme: str = "system"  # one of THEMES
    font_size: int = 12  # points, FONT_SIZE_RANGE (the text area)
    geometry: str = ""  # QMainWindow.saveGeometry() as hex
    recent_files: list = field(default_factory=list)

    def voice_spec(self) -> str:
        """The SynthesisConfig.voice string: "a", or "a:0.7+b:0.3" for a blend."""
        if not self.blend_voice or self.blend_voice == self.voice or not self.voice or self.blend_weight <= 0:
            return self.voice
        if self.blend_weight >= 1:
            return self.blend_voice
        w = round(self.blend_weight, 3)
        return f"{self.voice}:{1 - w:.3f}+{self.blend_voice}:{w:.3f}"

    def add_recent(self, path: str) -> None:
        self.recent_files = [path] + [p for p in self.recent_files if p != path]
        del self.recent_files[MAX_RECENT:]


def _number(value, default, bounds):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return min(max(value, bounds[0]), bounds[1])


def _validated(raw: dict) -> Settings:
    d = Settings()
    return Settings(
        voice=raw.get("voice") if isinstance(raw.get("voice"), str) else d.voice,
        blend_voice=raw.get("blend_voice") if isinstance(raw.get("blend_voice"), str) else d.blend_voice,
        blend_weight=float(_number(raw.get("blend_weight"), d.blend_weight, (0.0, 1.0))),
        speed=float(_number(raw.get("speed"), d.speed, SPEED_RANGE)),
        pitch=float(_number(raw.get("pitch"), d.pitch, PITCH_RANGE)),
        volume=float(_number(raw.get("volume"), d.volume, VOLUME_RANGE)),
        date_order=raw.get("date_order") if raw.get("date_order") in DATE_ORDERS else d.date_order,
        theme=raw.get("theme") if raw.get("theme") in THEMES else d.theme,
        font_size=int(_number(raw.get("font_size"), d.font_size, FONT_SIZE_RANGE)),
        geometry=raw.get("geometry") if isinstance(raw.get("geometry"), str) else d.geometry,
        recent_files=[p for p in raw.get("recent_files", []) if isinstance(p, str)][:MAX_RECENT]
        if isinstance(raw.get("recent_files"), list)
        else [],
    )


class SettingsStore:
    """Loads and saves ``Settings`` at ``path`` (default: the platform config folder)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_settings_path()
        self.problem = ""
        self._corrupt = False

    def load(self) -> Settings:
        self.problem, self._corrupt = "", False
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self.problem = f"The settings file could not be read ({exc}); the defaults are used."
            self._corrupt = True
            return Settings()
        if not isinstance(raw, dict):
            self.problem = "The settings file has the wrong layout; the defaults are used."
            self._corrupt = True
            return Settings()
        return _validated(raw)

    def save(self, settings: Settings) -> None:
        """Write atomically; a corrupt earlier file is kept as ``<name>.corrupt``."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._corrupt and self.path.exists():
            os.replace(self.path, self.path.with_name(self.path.name + ".corrupt"))
            self._corrupt = False
        data = asdict(settings)
        write_atomically(self.path, json.dumps(data, indent=1))


SETTING_NAMES = tuple(f.name for f in fields(Settings))
