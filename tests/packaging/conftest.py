"""The packaging checks are slow (a wheel build and a fresh venv) and use pip's index or cache
for the wheel's dependencies: they run only when selected, with `-m packaging` or
BITTTS_PACKAGING_TESTS=1, and are skipped otherwise."""

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "packaging: builds and installs the wheel (slow; select with -m packaging)")


def _selected(config) -> bool:
    expression = config.getoption("markexpr", default="") or ""
    return os.environ.get("BITTTS_PACKAGING_TESTS") == "1" or (
        "packaging" in expression and "not packaging" not in expression
    )


def pytest_collection_modifyitems(config, items):
    if _selected(config):
        return
    skip = pytest.mark.skip(reason="packaging check: select with -m packaging or BITTTS_PACKAGING_TESTS=1")
    for item in items:
        if "packaging" in item.keywords:
            item.add_marker(skip)
