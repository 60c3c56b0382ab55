"""One running instance per user: later launches hand their request to it over a local socket.

A message is one line of JSON: {"action": "read_text", "text": ...}, {"action": "read_clipboard"},
{"action": "open", "path": ...} or {"action": "show"}.
"""

from __future__ import annotations

import getpass
import json
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACTIONS = ("read_text", "read_clipboard", "open", "show")
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


def default_server_name() -> str:
    """Per user; BITTTS_INSTANCE_NAME overrides it (tests, or two separate set-ups)."""
    if os.environ.get("BITTTS_INSTANCE_NAME"):
        return os.environ["BITTTS_INSTANCE_NAME"]
    try:
        user = getpass.getuser()
    except Exception:
        user = "user"
    return f"bittts-desktop-{user}"


def send_to_running_instance(message: dict, name: str | None = None, timeout_ms: int = 1000) -> bool:
    """True if a running instance took the message; False if none is listening."""
    socket = QLocalSocket()
    socket.connectToServer(name or default_server_name())
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(json.dumps(message).encode("utf-8") + b"\n")
    ok = socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(timeout_ms)
    return ok


class InstanceServer(QObject):
    """Listens for messages from later launches; emits ``messageReceived(dict)``."""

    messageReceived = Signal(dict)

    def __init__(self, name: str | None = None, parent=None):
        super().__init__(parent)
        self.name = name or default_server_name()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._buffers: dict = {}

    def listen(self) -> bool:
        """Start listening; a stale socket left by a crashed instance is removed first."""
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        for socket in list(self._buffers):
            for signal in (socket.readyRead, socket.disconnected):
                try:
                    signal.disconnect()
                except (RuntimeError, TypeError):
                    pass
            socket.abort()
            socket.deleteLater()
        self._buffers.clear()
        self._server.close()

    def _on_connection(self):
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = b""
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(lambda s=socket: self._on_disconnected(s))

    def _on_ready(self, socket):
        data = self._buffers.get(socket, b"") + bytes(socket.readAll())
        if len(data) > MAX_MESSAGE_BYTES:
            socket.abort()
            self._buffers.pop(socket, None)
            return
        *lines, rest = data.split(b"\n")
        self._buffers[socket] = rest
        for line in lines:
            self._dispatch(line)

    def _on_disconnected(self, socket):
        rest = self._buffers.pop(socket, b"") + bytes(socket.readAll())
        for line in rest.split(b"\n"):
            if line.strip():
                self._dispatch(line)
        socket.deleteLater()

    def _dispatch(self, line: bytes):
        try:
            message = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return
        if isinstance(message, dict) and message.get("action") in ACTIONS:
            self.messageReceived.emit(message)
