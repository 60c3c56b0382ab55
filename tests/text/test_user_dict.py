"""User pronunciation dictionary: persistence, validation and corrupt-file handling."""

import json

import pytest

from bittts.engine.text import user_dict as ud_mod
from bittts.engine.text.user_dict import UserDict, UserDictError, parse_arpabet


def test_add_save_load_round_trip(tmp_path):
    path = tmp_path / "sub" / "pron.json"
    ud = UserDict.load(path)
    assert len(ud) == 0 and ud.problems == []
    ud.add("Tomato", arpabet="t ah0 m aa1 t ow2")
    ud.add("Nguyen", respell="win")
    ud.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["version"] == 1
    assert data["entries"] == {"nguyen": {"respell": "win"}, "tomato": {"arpabet": "T AH0 M AA1 T OW2"}}
    again = UserDict.load(path)
    assert again.problems == []
    assert [e.word for e in again.entries()] == ["nguyen", "tomato"]
    assert again.get("TOMATO").phones == ("T", "AH0", "M", "AA1", "T", "OW2")
    assert again.get("nguyen").respelling == "win"
    assert "tomato" in again and "potato" not in again


def test_remove(tmp_path):
    ud = UserDict(tmp_path / "u.json")
    ud.add("gif", respell="jif")
    assert ud.remove("GIF") is True
    assert ud.remove("gif") is False
    ud.save()
    assert UserDict.load(tmp_path / "u.json").entries() == []


def test_bad_entries_are_refused_by_add(tmp_path):
    ud = UserDict(tmp_path / "u.json")
    with pytest.raises(UserDictError, match="not an ARPAbet phone"):
        ud.add("x", arpabet="EH1 KS")
    with pytest.raises(UserDictError, match="exactly one"):
        ud.add("x")
    with pytest.raises(UserDictError, match="exactly one"):
        ud.add("x", arpabet="EH1", respell="ex")
    with pytest.raises(UserDictError, match="single word"):
        ud.add("two words", respell="x")
    with pytest.raises(UserDictError, match="empty"):
        ud.add("x", respell="   ")
    assert len(ud) == 0


def test_missing_stress_gets_a_default():
    assert parse_arpabet("t ah m ey t ow") == ("T", "AH1", "M", "EY0", "T", "OW0")
    assert parse_arpabet("T AH M EY1 T OW") == ("T", "AH0", "M", "EY1", "T", "OW0")


def test_corrupt_json_is_reported_and_kept(tmp_path):
    path = tmp_path / "pron.json"
    path.write_text('{"entries": {"a": ', encoding="utf-8")
    ud = UserDict.load(path)  # no exception
    assert len(ud) == 0
    assert len(ud.problems) == 1
    assert str(path) in ud.problems[0] and "not valid JSON" in ud.problems[0]
    assert "line 1" in ud.problems[0]
    assert path.read_text(encoding="utf-8") == '{"entries": {"a": '  # untouched
    # saving keeps the broken file aside instead of overwriting it
    ud.add("gif", respell="jif")
    ud.save()
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("pron.json.corrupt")]
    assert len(aside) == 1
    assert aside[0].read_text(encoding="utf-8") == '{"entries": {"a": '
    assert any(str(aside[0]) in p for p in ud.problems)
    assert UserDict.load(path).get("gif").respelling == "jif"


def test_wrong_structure_is_reported(tmp_path):
    path = tmp_path / "pron.json"
    path.write_text("[1, 2, 3]", encoding="utf-8")
    ud = UserDict.load(path)
    assert len(ud) == 0 and "no 'entries' object" in ud.problems[0]
    path.write_text('{"version": 7, "entries": {}}', encoding="utf-8")
    assert "version 7" in UserDict.load(path).problems[0]


def test_undecodable_bytes_are_reported(tmp_path):
    path = tmp_path / "pron.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    ud = UserDict.load(path)
    assert len(ud) == 0 and ud.problems and str(path) in ud.problems[0]


def test_bad_entry_is_skipped_but_kept_in_the_file(tmp_path):
    path = tmp_path / "pron.json"
    path.write_text(
        json.dumps({"version": 1, "entries": {"good": {"arpabet": "G UH1 D"}, "bad": {"arpabet": "QQ9"}, "odd": 42}}),
        encoding="utf-8",
    )
    ud = UserDict.load(path)
    assert [e.word for e in ud.entries()] == ["good"]
    assert len(ud.problems) == 2
    assert any("'bad'" in p and "QQ9" in p for p in ud.problems)
    ud.add("new", respell="knew")
    ud.save()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["entries"]["bad"] == {"arpabet": "QQ9"}  # not silently discarded
    assert data["entries"]["odd"] == 42
    assert data["entries"]["new"] == {"respell": "knew"}


def test_default_path_is_in_user_data_dir(monkeypatch, tmp_path):
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    assert ud_mod.default_user_dict_path() == tmp_path / "data" / "pronunciations.json"
    assert UserDict().path == tmp_path / "data" / "pronunciations.json"
