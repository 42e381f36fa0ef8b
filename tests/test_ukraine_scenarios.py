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
import re
from pathlib import Path

import pytest

from simulator import load, solve_scenario

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "scenarios" / "ukraine"
SCENARIOS = sorted(FOLDER.glob("*.yaml"))
GOLDEN = Path(__file__).parent / "golden" / "ukraine.json"
SEEDS = ROOT.parent / "shared" / "seeds"


def summary(path: Path) -> dict:
    study = solve_scenario(load(path, strict=True, env={}), near=None)
    zone = study.analysis.zone
    solutions = study.analysis.solutions
    prov = study.scenario.provenance
    return {
        "provenance": {**prov.counts(), "weights": prov.weights},
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
    assert prov.sourced + prov.quoted_and_assumed > 40 and prov.assumed > 0
    assert all(s.path is not None for s in scenario.sources.values())
    # no quote sets a weight, and the January-2025 document backs nothing without saying so
    assert prov.weights["sourced"] == 0
    for item in prov.items:
        if item.ref == "s003":
            assert "2025" in item.assumption, item.path
    assert "January 2025" in scenario.sources["s003"].date


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_main_results_are_as_pinned(path, golden):
    assert summary(path) == golden[path.name]


def _chain(path: Path) -> list[str]:
    """The files a scenario extends, nearest first."""
    names = []
    while True:
        found = re.search(r"^extends:\s*(\S+)", path.read_text(encoding="utf-8"), re.M)
        if not found:
            return names
        path = path.parent / found.group(1)
        names.append(path.name)


def test_variants_extend_the_base_and_keep_its_parties_and_issues():
    base = load(FOLDER / "base.yaml", env={})
    for path in SCENARIOS:
        scenario = load(path, env={})
        assert [i.name for i in scenario.issues] == [i.name for i in base.issues]
        names = [p.name for p in scenario.parties]
        assert names[: len(base.parties)] == [p.name for p in base.parties]
        if path.name != "base.yaml":
            assert _chain(path)[-1] == "base.yaml", path.name
    # only the reading that adds NATO and the EU-27 has parties of its own
    consent = load(FOLDER / "nato_and_eu_consent.yaml", env={})
    assert [p.name for p in consent.parties][4:] == ["nato", "eu27"]
    assert set(consent.signatories) == {p.name for p in consent.parties}


def _numbers(scenario) -> dict[str, float]:
    """Every reservation, power, weight, option value, point and ideal of a scenario, by the
    path a sweep names it with."""
    from simulator.model import IdealValue, PiecewiseLinearValue, TableValue

    out: dict[str, float] = {}
    issues = {i.name: i for i in scenario.issues}
    for party in scenario.parties:
        top = f"parties.{party.name}"
        out[f"{top}.reservation"] = party.reservation
        out[f"{top}.power"] = party.power
        for name, weight in party.weights.items():
            here = f"{top}.issues.{name}"
            out[f"{here}.weight"] = weight
            fn = party.values[name]
            if isinstance(fn, TableValue):
                for option, value in zip(issues[name].options, fn.values):
                    out[f"{here}.values.{option}"] = value
            elif isinstance(fn, PiecewiseLinearValue):
                for j, (x, y) in enumerate(zip(fn.xs, fn.ys)):
                    out[f"{here}.points[{j}][0]"] = x
                    out[f"{here}.points[{j}][1]"] = y
            elif isinstance(fn, IdealValue):
                out[f"{here}.ideal"] = fn.ideal
    return out


def test_uncertain_covers_every_range_base_states_at_base_values():
    """uncertain.yaml solves exactly base.yaml, and varies every reservation, power and weight,
    every value strictly between an entry's two ends, every interior breakpoint of a curve
    and every ideal: the numbers base.yaml calls assumptions with a plausible range."""
    base = load(FOLDER / "base.yaml", env={})
    uncertain = load(FOLDER / "uncertain.yaml", env={})
    nominal, varied = _numbers(base), uncertain.uncertain
    assert _numbers(uncertain) == nominal
    assert set(varied) <= set(nominal)
    for path, value in nominal.items():
        u = varied.get(path)
        if u is not None:
            assert u.low <= value <= u.high and u.value == pytest.approx(value), path
    must = [
        p
        for p in nominal
        if p.endswith((".reservation", ".power", ".weight", ".ideal"))
        or (".values." in p and 0.0 < nominal[p] < 1.0)
    ]
    for path in nominal:  # interior breakpoints of a curve, x and y
        point = re.search(r"points\[(\d+)\]\[[01]\]$", path)
        if (
            point
            and 0 < int(point.group(1))
            and f"{path[: point.start()]}points[{int(point.group(1)) + 1}][0]" in nominal
        ):
            if path.endswith("[0]") or 0.0 < nominal[path] < 1.0:
                must.append(path)
    missing = sorted(set(must) - set(varied))
    assert missing == []


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_shipped_sources_are_the_shared_seeds():
    names = sorted(p.name for p in SEEDS.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(SEEDS, FOLDER / "sources", names, shallow=False)
    assert mismatch == [] and errors == [] and sorted(match) == names
