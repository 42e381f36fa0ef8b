"""zopa init: a commented starter scenario that passes zopa check --strict and solves."""

from __future__ import annotations

import json

import pytest

import simulator
from simulator.cli import main


@pytest.mark.parametrize("parties", [2, 3, 5, 8])
def test_starter_passes_strict_check_and_has_a_zone(tmp_path, capsys, parties):
    path = tmp_path / "mine.yaml"
    assert main(["init", str(path), "--parties", str(parties)]) == 0
    assert f"Wrote {path}" in capsys.readouterr().out
    text = path.read_text(encoding="utf-8")
    assert "docs/reference/scenario-format.md" in text and text.count("#") > 20  # commented
    assert main(["check", "--strict", str(path)]) == 0
    assert "0 unverified, 0 unsourced" in capsys.readouterr().out
    scenario = simulator.load(path, strict=True)
    assert len(scenario.parties) == parties and scenario.proposals
    assert main(["run", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["zopa"]["exists"] and data["nash"] is not None


def test_name_with_quotes_and_the_refusals(tmp_path, capsys):
    path = tmp_path / "named.yaml"
    assert main(["init", str(path), "--name", 'Say "hi": a test']) == 0
    assert simulator.load(path).name == 'Say "hi": a test'
    before = path.read_text(encoding="utf-8")
    assert main(["init", str(path)]) == 2  # never over an existing file
    assert "exists already" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == before
    for bad in ("1", "9"):
        assert main(["init", str(tmp_path / "x.yaml"), "--parties", bad]) == 2
        assert "--parties" in capsys.readouterr().err
    assert main(["init", str(tmp_path / "no" / "such" / "dir.yaml")]) == 2
    assert "cannot write" in capsys.readouterr().err
