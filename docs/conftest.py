"""The Python sessions in the docs (``>>>`` blocks in Markdown, run by ``--doctest-glob``)
use paths relative to the repository's root, as a reader who follows them does."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _at_the_repository_root(monkeypatch):
    monkeypatch.chdir(ROOT)
