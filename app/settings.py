"""The user's settings: a small JSON file in the platform's config folder (platformdirs).

Loading never fails and never loses data: a missing file gives the defaults; a file that cannot
be read (bad JSON, a number of thousands of digits, nesting thousands deep, the wrong layout)
gives the defaults and a ``problem`` line that the window shows once, and is kept aside when the
settings are next saved, under the first free name of ``settings.json.corrupt``,
``settings.json.corrupt.1``, ... (never overwriting an earlier one). In a readable file each bad
value falls back to its default alone, numbers out of range are clamped to it (a 400-digit
number too), and keys this version does not know are kept and written back on save.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from bittts.engine.files import keep_aside, write_atomically
from bittts.engine.synthesis_types import PITCH_RANGE, SPEED_RANGE, VOLUME_RANGE

THEMES = ("system", "light", "dark", "high-contrast")
DATE_ORDERS = ("MDY", "DMY")  # as bittts.engine.text.normalize.DATE_ORDERS
FONT_SIZE_RANGE = (8, 48)
ZOOM_RANGE = (50, 300)  # percent, the whole interface
LINE_SPACING_RANGE = (1.0, 2.5)  # times the font's line height
TINT_NAMES = ("none", "cream", "blue", "green", "grey", "pink")  # as themes.TINTS
LINE_FOCUS_CHOICES = (0, 1, 3, 5)  # lines left undimmed around the cursor; 0 = off
MAX_FONT_NAME = 200  # characters of a font family name
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
    zoom: int = 100  # percent, ZOOM_RANGE: fonts and icons of the whole window
    reading_font: str = ""  # the text area's font family; "" = the application's font
    line_spacing: float = 1.0  # LINE_SPACING_RANGE
    tint: str = "none"  # the text area's background, one of TINT_NAMES
    line_focus: int = 0  # one of LINE_FOCUS_CHOICES
    side_panel: bool = True  # the voice and model panel shown
    recent_files: list = field(default_factory=list)
    output_device: str = ""  # the PortAudio output device's name; "" = the system default

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
    """``value`` clamped to ``bounds``; ``default`` when it is no number (or NaN). Integers are
    compared as integers, so one of 400 digits is clamped, not an OverflowError."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return default
    if isinstance(value, float) and math.isnan(value):
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
        zoom=int(_number(raw.get("zoom"), d.zoom, ZOOM_RANGE)),
        reading_font=raw.get("reading_font")
        if isinstance(raw.get("reading_font"), str) and len(raw.get("reading_font")) <= MAX_FONT_NAME
        else d.reading_font,
        line_spacing=float(_number(raw.get("line_spacing"), d.line_spacing, LINE_SPACING_RANGE)),
        tint=raw.get("tint") if raw.get("tint") in TINT_NAMES else d.tint,
        line_focus=int(raw.get("line_focus"))
        if raw.get("line_focus") in LINE_FOCUS_CHOICES and not isinstance(raw.get("line_focus"), bool)
        else d.line_focus,
        side_panel=raw.get("side_panel") if isinstance(raw.get("side_panel"), bool) else d.side_panel,
        recent_files=[p for p in raw.get("recent_files", []) if isinstance(p, str)][:MAX_RECENT]
        if isinstance(raw.get("recent_files"), list)
        else [],
        output_device=raw.get("output_device") if isinstance(raw.get("output_device"), str) else d.output_device,
    )


class SettingsStore:
    """Loads and saves ``Settings`` at ``path`` (default: the platform config folder)."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_settings_path()
        self.problem = ""
        self._corrupt = False
        self._unknown: dict = {}  # keys of the file this version does not know, written back

    def load(self) -> Settings:
        self.problem, self._corrupt, self._unknown = "", False, {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Settings()
        except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, too many digits
            return self._unreadable(f"could not be read ({exc})")
        except RecursionError:
            return self._unreadable("is nested too deeply to read")
        if not isinstance(raw, dict):
            return self._unreadable("has the wrong layout")
        self._unknown = {k: v for k, v in raw.items() if k not in SETTING_NAMES}
        return _validated(raw)

    def _unreadable(self, why: str) -> Settings:
        self.problem = (
            f"The settings file {why}; the defaults are used, and the file is kept aside as "
            f"{self.path.name}.corrupt (or .corrupt.1, ...) when the settings are saved."
        )
        self._corrupt = True
        return Settings()

    def save(self, settings: Settings) -> None:
        """Write atomically; a corrupt earlier file is first kept aside (``<name>.corrupt``,
        ``.corrupt.1``, ...: never overwritten). Unknown keys of the file are written back."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._corrupt and self.path.exists():
            keep_aside(self.path)
            self._corrupt = False
        data = {**self._unknown, **asdict(settings)}
        write_atomically(self.path, json.dumps(data, indent=1))


SETTING_NAMES = tuple(f.name for f in fields(Settings))
