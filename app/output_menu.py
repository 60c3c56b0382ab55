"""The Read menu's "Output device" submenu: "System default" and the output devices by name.

The list is read each time the menu opens, as PortAudio last scanned the devices (each device
move and each recovery re-scans). The choice is saved in the settings by name; a saved device
that is not connected at startup is shown as "(not connected)", the system default plays
instead (with a message), and the player moves back to it when it returns (its watcher looks
every 2 s and at each sentence boundary).

GUI thread only; listing the devices reads PortAudio's list and does not re-scan.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from .audio_devices import missing_device_message

SYSTEM_DEFAULT_LABEL = "System default"


class OutputDeviceMenu(QObject):
    def __init__(self, menu: QMenu, context, controller, announce: Callable[[str], None]):
        super().__init__(menu)
        self.menu, self.context, self.controller, self.announce = menu, context, controller, announce
        self.group = QActionGroup(self)
        self.group.setExclusive(True)
        self.actions: dict[str, QAction] = {}  # device name ("" = system default) -> its entry
        menu.aboutToShow.connect(self.refresh)
        self.refresh()

    def _device_names(self) -> list[str] | None:
        """The devices to offer; None when the output has no device choice (or no output)."""
        sink = self.context._sink
        if sink is None or not sink.supports_device_choice:
            return None
        return sink.output_device_names()

    def apply_saved(self) -> None:
        """At startup: the sink plays on the saved device; say so when it is not connected."""
        sink = self.context._sink
        if sink is None or not sink.supports_device_choice:
            return
        name = self.context.settings.output_device
        sink.device_name = name
        if name and name not in sink.output_device_names():
            self.announce(missing_device_message(name))

    def refresh(self) -> None:
        for action in self.actions.values():
            self.group.removeAction(action)
            self.menu.removeAction(action)
            action.deleteLater()
        self.actions = {}
        names = self._device_names()
        chosen = self.context.settings.output_device
        entries = [("", SYSTEM_DEFAULT_LABEL)]
        entries += [(name, name) for name in names or ()]
        if chosen and chosen not in (names or ()):
            entries.append((chosen, f"{chosen} (not connected)"))
        for name, label in entries:
            action = QAction(label.replace("&", "&&"), self.menu)  # a device's "&" is no shortcut
            action.setCheckable(True)
            action.setChecked(name == chosen)
            action.setEnabled(names is not None)
            action.triggered.connect(lambda checked=False, n=name: self.choose(n))
            self.group.addAction(action)
            self.menu.addAction(action)
            self.actions[name] = action

    def choose(self, name: str) -> None:
        """Play on ``name`` ("" = system default) from the next chunk boundary, and save it."""
        self.context.settings.output_device = name
        self.controller.set_output_device(name)
        if name in self.actions:
            self.actions[name].setChecked(True)
        self.announce(f"Output device: {name or SYSTEM_DEFAULT_LABEL}.")
