import json

import pytest

from bittts.app.positions import (
    MAX_DOCUMENTS,
    MAX_NAME,
    Bookmark,
    DocumentPlace,
    PositionStore,
    document_key,
)


def test_places_and_bookmarks_round_trip(tmp_path):
    store = PositionStore(tmp_path / "positions.json")
    key = document_key(tmp_path / "book.txt", "Some text.")
    assert store.get(key) is None and store.problem == ""
    store.put(key, DocumentPlace(7, [Bookmark("Start", 0), Bookmark("Ünïcode \U0001f600", 5)]))
    assert store.save() == ""
    again = PositionStore(tmp_path / "positions.json")
    assert again.get(key) == DocumentPlace(7, [Bookmark("Start", 0), Bookmark("Ünïcode \U0001f600", 5)])


def test_a_changed_text_or_another_path_is_another_document(tmp_path):
    a = document_key(tmp_path / "book.txt", "Some text.")
    assert a == document_key(tmp_path / "." / "book.txt", "Some text.")  # resolved
    assert a != document_key(tmp_path / "book.txt", "Some text, edited.")
    assert a != document_key(tmp_path / "other.txt", "Some text.")
    store = PositionStore(tmp_path / "positions.json")
    store.put(a, DocumentPlace(5))
    assert store.get(document_key(tmp_path / "book.txt", "Some text, edited.")) is None


def test_least_recently_used_documents_go_first(tmp_path):
    store = PositionStore(tmp_path / "positions.json")
    for k in range(MAX_DOCUMENTS):
        store.put(f"doc{k}", DocumentPlace(k))
    assert store.get("doc0") == DocumentPlace(0)  # used again: now the most recent
    store.put("new", DocumentPlace(1))
    assert len(store) == MAX_DOCUMENTS
    assert store.get("doc1") is None and store.get("doc0") is not None and store.get("doc2") is not None
    store.save()
    assert len(PositionStore(tmp_path / "positions.json")) == MAX_DOCUMENTS


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00",
        b"[1, 2, 3]",
        b'{"documents": 5}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"documents": {"a": {"position": ' + b"9" * 5000 + b"}}}",
    ],
)
def test_a_bad_file_gives_no_places_and_is_kept_aside(tmp_path, content):
    path = tmp_path / "positions.json"
    path.write_bytes(content)
    store = PositionStore(path)
    assert "reading positions file" in store.problem and len(store) == 0
    store.put("doc", DocumentPlace(3))
    assert store.save() == ""
    assert (tmp_path / "positions.json.corrupt").read_bytes() == content
    assert PositionStore(path).get("doc") == DocumentPlace(3)


def test_bad_entries_and_bookmarks_are_dropped_one_by_one(tmp_path):
    path = tmp_path / "positions.json"
    documents = {
        "good": {"position": 4, "bookmarks": [{"name": "ok", "position": 2}, {"name": 5, "position": 1}]},
        "negative": {"position": -1},
        "boolean": {"position": True},
        "huge": {"position": 10**30},
        "not a dict": [1],
        "long name": {"position": 0, "bookmarks": [{"name": "x" * 10_000, "position": 0}, "junk"]},
        "bad list": {"position": 1, "bookmarks": "none"},
    }
    path.write_text(json.dumps({"documents": documents}))
    store = PositionStore(path)
    assert store.problem == ""
    assert store.get("good") == DocumentPlace(4, [Bookmark("ok", 2)])
    assert store.get("long name") == DocumentPlace(0, [Bookmark("x" * MAX_NAME, 0)])
    assert store.get("bad list") == DocumentPlace(1, [])
    for key in ("negative", "boolean", "huge", "not a dict"):
        assert store.get(key) is None


def test_a_lone_surrogate_is_saved_not_a_crash(tmp_path):
    path = tmp_path / "positions.json"
    path.write_text('{"documents": {"\\ud800": {"position": 1, "bookmarks": [{"name": "\\udfff", "position": 0}]}}}')
    store = PositionStore(path)
    assert store.save() == ""
    assert PositionStore(path).get("\ud800") == DocumentPlace(1, [Bookmark("\udfff", 0)])


def test_a_folder_that_cannot_be_written_is_a_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    store = PositionStore(blocker / "positions.json")
    store.put("doc", DocumentPlace(1))
    assert store.save().startswith("The reading positions could not be saved:")
