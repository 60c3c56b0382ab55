"""Shared fixtures: the CMUdict lexicon is built once per test session (about 2 s)."""

import pytest

from bittts.engine.text.lexicon import Lexicon, cmudict_entries, encode_lexicon


@pytest.fixture(scope="session")
def cmu_entries():
    return cmudict_entries()


@pytest.fixture(scope="session")
def lexicon_blob(cmu_entries):
    return encode_lexicon(cmu_entries)


@pytest.fixture(scope="session")
def lexicon(lexicon_blob):
    return Lexicon.from_bytes(lexicon_blob)
