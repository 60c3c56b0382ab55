import uuid

from bittts.app.instance import InstanceServer, send_to_running_instance


def test_a_second_launch_hands_its_text_to_the_running_instance(qtbot):
    name = f"bittts-test-{uuid.uuid4().hex[:8]}"
    assert not send_to_running_instance({"action": "show"}, name, timeout_ms=200)  # nobody listens yet
    server = InstanceServer(name)
    assert server.listen()
    got = []
    server.messageReceived.connect(got.append)
    text = "Read this, please. " * 500  # larger than one socket read
    assert send_to_running_instance({"action": "read_text", "text": text}, name)
    assert send_to_running_instance({"action": "read_clipboard"}, name)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=3000)
    assert got[0] == {"action": "read_text", "text": text}
    assert got[1] == {"action": "read_clipboard"}
    server.close()


def test_unknown_or_malformed_messages_are_ignored(qtbot):
    from PySide6.QtNetwork import QLocalSocket

    name = f"bittts-test-{uuid.uuid4().hex[:8]}"
    server = InstanceServer(name)
    assert server.listen()
    got = []
    server.messageReceived.connect(got.append)
    sock = QLocalSocket()
    sock.connectToServer(name)
    assert sock.waitForConnected(1000)
    sock.write(b'not json\n{"action": "format_disk"}\n{"action": "show"}\n')
    sock.waitForBytesWritten(1000)
    qtbot.waitUntil(lambda: got == [{"action": "show"}], timeout=3000)
    sock.disconnectFromServer()
    qtbot.wait(50)
    server.close()
    qtbot.wait(50)


def test_window_handles_messages(window, qtbot, fake_synth):
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        window.handle_message({"action": "read_text", "text": "Sent from a shortcut."})
    assert fake_synth.texts[-1] == "Sent from a shortcut."
    assert window.editor.toPlainText() == "Sent from a shortcut."


def test_command_line_flags_reach_the_running_instance(qtbot, monkeypatch, tmp_path):
    from bittts.app.main import run

    name = f"bittts-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("BITTTS_INSTANCE_NAME", name)
    server = InstanceServer()
    assert server.listen()
    got = []
    server.messageReceived.connect(got.append)
    assert run(["--read-text", "From a desktop shortcut."]) == 0  # handed over, no second window
    assert run(["--read-clipboard"]) == 0
    (tmp_path / "a.txt").write_text("x")
    assert run([str(tmp_path / "a.txt")]) == 0
    qtbot.waitUntil(lambda: len(got) == 3, timeout=3000)
    assert got == [
        {"action": "read_text", "text": "From a desktop shortcut."},
        {"action": "read_clipboard"},
        {"action": "open", "path": str(tmp_path / "a.txt")},
    ]
    qtbot.wait(50)
    server.close()
    qtbot.wait(50)
