import json

import pytest

from bittts.app.engine_adapter import PronunciationStore


def test_store_round_trip(tmp_path):
    path = tmp_path / "d.json"
    store = PronunciationStore(path)
    assert store.available, store.problem
    store.add("Tomato", "ARPAbet", "t ah0 m ey1 t ow2")
    store.add("nguyen", "respelling", "win")
    with pytest.raises(ValueError, match="not an ARPAbet phone"):
        store.add("bad", "ARPAbet", "XX1")
    store.save()
    again = PronunciationStore(path)
    assert again.entries() == [("nguyen", "respelling", "win"), ("tomato", "ARPAbet", "T AH0 M EY1 T OW2")]
    assert again.remove("nguyen") and not again.remove("nguyen")


def test_dialog_add_remove_save_and_play(window, qtbot, fake_synth, tmp_path):
    dialog = window.open_pronunciations()
    dialog.word_edit.setText("gif")
    dialog.kind_combo.setCurrentText("respelling")
    dialog.pron_edit.setText("jiff")
    dialog.add_button.click()
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 2).text() == "jiff"
    dialog.pron_edit.setText("")
    dialog.add_button.click()  # refused, with a message
    assert dialog.message.text().startswith("Not added")
    dialog.pron_edit.setText("jiff")
    dialog.save_button.click()
    saved = json.loads((tmp_path / "pronunciations.json").read_text())
    assert saved["entries"] == {"gif": {"respell": "jiff"}}
    with qtbot.waitSignal(window.controller.finished, timeout=5000):
        dialog.play_button.click()
    assert fake_synth.texts[-1] == "gif"
    dialog.table.selectRow(0)
    dialog.remove_button.click()
    assert dialog.table.rowCount() == 0
    dialog.close()


def test_a_corrupt_dictionary_is_reported_not_fatal(window, tmp_path):
    (tmp_path / "pronunciations.json").write_text("{oops")
    dialog = window.open_pronunciations()
    assert "not valid JSON" in dialog.message.text()
    dialog.close()
