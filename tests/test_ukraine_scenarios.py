"""The Ukraine scenarios: every one checks strictly against its sources, and its main results
are pinned in ``tests/golden/ukraine.json``.

A change to a pinned result (the zone, its slack and size, what blocks it, the Nash and
Kalai-Smorodinsky packages, who accepts each proposal) fails here on purpose: explain it in
the commit, then refresh the file with ``ZOPA_UPDATE_GOLDEN=1 python -m pytest
tests/test_ukraine_scenarios.py``.
"""

from __future__ import annotations

import filecmp
import json
import os
from pathlib import Path

import pytest

from simulator import load, solve_scenario

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "scenarios" / "ukraine"
SCENARIOS = sorted(FOLDER.glob("*.yaml"))
GOLDEN = Path(__file__).parent / "golden" / "ukraine.json"
SEEDS = ROOT.parent / "shared" / "seeds"


def summary(path: Path) -> dict:
    study = solve_scenario(load(path, strict=True, env={}))
    zone = study.analysis.zone
    solutions = study.analysis.solutions
    return {
        "exists": zone.exists,
        "slack": None if zone.slack is None else round(zone.slack, 9),
        "count": zone.count,
        "feasible": zone.feasible,
        "blocking": sorted(f"{b.party}: {b.requirement}" for b in zone.blocking),
        "nash": None if solutions["nash"] is None else dict(solutions["nash"].outcome),
        "kalai": None if solutions["kalai"] is None else dict(solutions["kalai"].outcome),
        "proposals": {
            name: {party: accepts for party, accepts in e.accepts.items()}
            for name, e in study.evaluations.items()
        },
    }


@pytest.fixture(scope="module")
def golden() -> dict:
    if os.environ.get("ZOPA_UPDATE_GOLDEN"):
        data = {p.name: summary(p) for p in SCENARIOS}
        GOLDEN.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_every_scenario_is_pinned(golden):
    assert sorted(golden) == [p.name for p in SCENARIOS]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_checks_strictly_with_every_quote_verified(path):
    scenario = load(path, strict=True, env={})
    prov = scenario.provenance
    assert prov.unverified == 0 and prov.unsourced == 0 and prov.warnings == ()
    assert prov.sourced > 40 and prov.assumed > 0
    assert all(s.path is not None for s in scenario.sources.values())


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_main_results_are_as_pinned(path, golden):
    assert summary(path) == golden[path.name]


def test_variants_extend_the_base_and_keep_its_parties_and_issues():
    base = load(FOLDER / "base.yaml", env={})
    for path in SCENARIOS:
        scenario = load(path, env={})
        assert [i.name for i in scenario.issues] == [i.name for i in base.issues]
        assert [p.name for p in scenario.parties] == [p.name for p in base.parties]
        if path.name != "base.yaml":
            assert "extends: base.yaml" in path.read_text(encoding="utf-8")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_shipped_sources_are_the_shared_seeds():
    names = sorted(p.name for p in SEEDS.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(SEEDS, FOLDER / "sources", names, shallow=False)
    assert mismatch == [] and errors == [] and sorted(match) == names
