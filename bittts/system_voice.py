"""Registering BitTTS as a system voice: ``bittts system-voice install-speechd`` / ``uninstall-speechd``.

Speech Dispatcher (Linux) reads the user's configuration from ``~/.config/speech-dispatcher``
(``$XDG_CONFIG_HOME``) when it holds a ``speechd.conf``. Installing writes, there and nowhere
else (system files are read, never written):

- ``modules/bittts.conf``: the module's own settings (model, first voice), commented out;
- ``speechd.conf``: the ``AddModule "bittts" "/path/to/sd_bittts" "bittts.conf"`` line between
  two marker comments. A new ``speechd.conf`` starts as a copy of the system one. Speech
  Dispatcher loads every module it finds only while no ``AddModule`` line is active; so when
  the file has none, the modules it would have found (``sd_*`` in its module folders) are
  listed too, and the voices the user had stay.

Uninstalling removes the marked lines and the module's configuration. Both take effect when
Speech Dispatcher next starts.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

MODULE_NAME = "bittts"
BEGIN_MARK = "# BEGIN bittts (written by `bittts system-voice install-speechd`; removed by uninstall-speechd)"
END_MARK = "# END bittts"
SYSTEM_CONFIG = Path("/etc/speech-dispatcher/speechd.conf")


def module_folders() -> list[Path]:
    """Where Speech Dispatcher looks for ``sd_*`` modules by itself."""
    folders = [Path("/usr/lib/speech-dispatcher-modules"), Path("/usr/libexec/speech-dispatcher-modules")]
    if hasattr(os, "uname"):
        folders.append(Path(f"/usr/lib/{os.uname().machine}-linux-gnu/speech-dispatcher-modules"))
    return folders + [Path.home() / ".local/libexec/speech-dispatcher-modules"]


# Modules Speech Dispatcher never finds by themselves: the fallback and the generic one (which
# needs a configuration per synthesizer).
NOT_AUTOLOADED = {"dummy", "generic"}

MODULE_CONFIG = """\
# BitTTS output module for Speech Dispatcher (sd_bittts), written by `bittts system-voice install-speechd`.
# The model file (default: the model bundled with BitTTS):
# BitttsModel "/path/to/model.bttm"
# The voice whenever Speech Dispatcher names none, instead of one picked by its voice type
# (male1, female1 ...); `spd-say -o bittts -L` lists them:
# BitttsVoice "NAME"
"""


class SystemVoiceError(Exception):
    """Installing or removing cannot be done; the message says why."""


@dataclass(frozen=True)
class InstallResult:
    speechd_conf: Path
    module_conf: Path
    module_binary: Path
    kept_modules: tuple[str, ...]  # autoloaded modules listed so that they stay


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def default_module_binary() -> Path | None:
    """``sd_bittts`` beside the running Python (the same environment), else on PATH."""
    name = "sd_bittts.exe" if sys.platform == "win32" else "sd_bittts"
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return beside
    found = shutil.which("sd_bittts")
    return Path(found) if found else None


def _active_add_modules(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"\s*AddModule\b", line)]


def _without_our_block(text: str) -> str:
    pattern = re.compile(rf"\n?{re.escape(BEGIN_MARK)}\n.*?{re.escape(END_MARK)}\n?", re.S)
    return pattern.sub("\n", text)


def autoloaded_modules(folders: list[Path]) -> list[str]:
    """The names Speech Dispatcher would load by itself: ``sd_NAME`` executables in its module
    folders (ours and those it never autoloads left out)."""
    names = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("sd_*")):
            name = path.name[3:]
            if os.access(path, os.X_OK) and name not in NOT_AUTOLOADED | {MODULE_NAME} and name not in names:
                names.append(name)
    return names


def install_speechd(
    module_binary: Path | None = None,
    home: Path | None = None,
    system_config: Path = SYSTEM_CONFIG,
    folders: list[Path] | None = None,
) -> InstallResult:
    """Write the module configuration and the AddModule line into the user's configuration."""
    binary = module_binary or default_module_binary()
    if binary is None or not Path(binary).exists():
        raise SystemVoiceError(
            "the sd_bittts program was not found beside this Python or on PATH; reinstall bittts "
            "(pip install bittts) or pass --module PATH"
        )
    binary = Path(binary).resolve()
    folder = (home or config_home()) / "speech-dispatcher"
    speechd_conf = folder / "speechd.conf"
    module_conf = folder / "modules" / f"{MODULE_NAME}.conf"
    try:
        if speechd_conf.exists():
            text = speechd_conf.read_text(encoding="utf-8")
        elif system_config.exists():
            text = system_config.read_text(encoding="utf-8")
        else:
            text = "# Speech Dispatcher configuration of this user\n"
        text = _without_our_block(text).rstrip("\n") + "\n"
        kept = [] if _active_add_modules(text) else autoloaded_modules(module_folders() if folders is None else folders)
        lines = [BEGIN_MARK, f'AddModule "{MODULE_NAME}" "{binary}" "{MODULE_NAME}.conf"']
        lines += [f'AddModule "{name}" "sd_{name}" "{name}.conf"' for name in kept]
        lines.append(END_MARK)
        module_conf.parent.mkdir(parents=True, exist_ok=True)
        if not module_conf.exists():
            module_conf.write_text(MODULE_CONFIG, encoding="utf-8")
        _replace(speechd_conf, text + "\n" + "\n".join(lines) + "\n")
    except OSError as exc:
        raise SystemVoiceError(f"cannot write the Speech Dispatcher configuration in {folder}: {exc}") from None
    return InstallResult(speechd_conf, module_conf, binary, tuple(kept))


def uninstall_speechd(home: Path | None = None) -> list[Path]:
    """Remove our lines and module configuration; the paths changed (none: nothing was installed)."""
    folder = (home or config_home()) / "speech-dispatcher"
    speechd_conf = folder / "speechd.conf"
    module_conf = folder / "modules" / f"{MODULE_NAME}.conf"
    changed = []
    try:
        if speechd_conf.exists():
            text = speechd_conf.read_text(encoding="utf-8")
            if BEGIN_MARK in text:
                _replace(speechd_conf, _without_our_block(text).rstrip("\n") + "\n")
                changed.append(speechd_conf)
        if module_conf.exists():
            module_conf.unlink()
            changed.append(module_conf)
    except OSError as exc:
        raise SystemVoiceError(f"cannot change the Speech Dispatcher configuration in {folder}: {exc}") from None
    return changed


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.bittts-{os.getpid()}")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def main_install(args) -> str:
    """``bittts system-voice ...``: what was done, as lines for the user."""
    home = Path(args.config_home) if args.config_home else None
    if args.action == "install-speechd":
        result = install_speechd(Path(args.module) if args.module else None, home)
        lines = [
            f"wrote {result.module_conf}",
            f"added the bittts module ({result.module_binary}) to {result.speechd_conf}",
        ]
        if result.kept_modules:
            lines.append(f"and listed the modules Speech Dispatcher found by itself: {', '.join(result.kept_modules)}")
        lines.append(
            "Speech Dispatcher reads it when it next starts (log out and in, or end the running speech-dispatcher); "
            'then: spd-say -o bittts "Hello", or choose BitTTS in Orca\'s voice settings'
        )
        return "\n".join(lines)
    changed = uninstall_speechd(home)
    return "\n".join(f"changed {p}" for p in changed) if changed else "BitTTS was not installed for Speech Dispatcher"
