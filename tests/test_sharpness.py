"""simulator.sharpness: near-optimal outcomes and the grid check, against brute force and
scenarios with a known flat optimum."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import simulator
from simulator.cli import main
from simulator.model import (
    ACCEPT_ATOL,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Party,
    PiecewiseLinearValue,
    TableValue,
    compile_model,
)
from simulator.sharpness import refined_levels, sharpness
from simulator.solvers.near import near_mask, objective
from tests.strategies import models

FLAT = """\
format: 1
name: A flat optimum
issues:
  budget:
    unit: million euros
    range: [0, 40]
    grid: 5
  venue: {options: [geneva, vienna, oslo]}
parties:
  north:
    reservation: 0.1
    assumption: illustrative
    issues:
      budget: {weight: 0.001, ideal: 40}
      venue: {weight: 1, values: {geneva: 1, vienna: 0.3, oslo: 0}}
  south:
    reservation: 0.1
    assumption: illustrative
    issues:
      budget: {weight: 0.001, ideal: 0}
      venue: {weight: 1, values: {geneva: 1, vienna: 0.9, oslo: 0.2}}
"""


def flat_model():
    """Two parties who agree on Geneva and barely care about the budget: every budget is
    within 1% of the Nash product, no other venue is."""
    budget = ContinuousIssue("budget", 0, 40, grid=5)
    venue = DiscreteIssue("venue", ("geneva", "vienna", "oslo"))
    north = Party(
        "north",
        0.1,
        {"budget": 0.001, "venue": 1},
        {"budget": IdealValue(40, 0, 40), "venue": TableValue((1.0, 0.3, 0.0))},
    )
    south = Party(
        "south",
        0.1,
        {"budget": 0.001, "venue": 1},
        {"budget": IdealValue(0, 0, 40), "venue": TableValue((1.0, 0.9, 0.2))},
    )
    return compile_model([budget, venue], [north, south])


def test_a_flat_issue_spans_its_whole_grid_and_a_sharp_one_stays_put():
    model = flat_model()
    analysis = simulator.analyze(model)
    sharp = sharpness(model, analysis)
    for concept in ("nash", "kalai", "egalitarian", "utilitarian"):
        s = sharp[concept]
        assert s.near_optimal["venue"] == ("geneva",)
        assert s.near_optimal["budget"] == (0.0, 40.0)
        assert s.count == 5  # Geneva at each of the 5 budgets
        assert s.tolerance == 0.01
    # with no tolerance only exact ties count: the budget's tiny weights separate them
    exact = sharpness(model, analysis, 0.0)["nash"]
    assert exact.count == 1
    chosen = analysis.solutions["nash"].outcome["budget"]
    assert exact.near_optimal["budget"] == (chosen, chosen)


def test_tolerance_widens_the_near_set_and_always_keeps_the_choice():
    model = flat_model()
    analysis = simulator.analyze(model)
    small = sharpness(model, analysis, 0.001, refine=False)
    large = sharpness(model, analysis, 0.5, refine=False)
    for concept, s in small.items():
        assert s.count <= large[concept].count
        assert set(s.near_optimal["venue"]) <= set(large[concept].near_optimal["venue"])
    # half the Nash product is reached by Vienna too (0.3 - 0.1)(0.9 - 0.1) vs 0.81
    assert set(large["nash"].near_optimal["venue"]) == {"geneva"}
    assert set(sharpness(model, analysis, 0.85, refine=False)["nash"].near_optimal["venue"]) == {
        "geneva",
        "vienna",
    }


def _grid_artefact_model(grid: int = 3):
    """Nash of (1 - x/10) * min(x/2.5, 1) peaks at x = 2.5: a grid of 0, 5, 10 picks 5, one
    with the midpoints added (0, 2.5, ...) picks 2.5."""
    x = ContinuousIssue("x", 0, 10, grid=grid, unit="km")
    p = Party("p", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((0, 10), (1.0, 0.0))})
    q = Party("q", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((0, 2.5, 10), (0.0, 1.0, 1.0))})
    return compile_model([x], [p, q])


def test_an_answer_that_moves_on_a_finer_grid_is_flagged():
    model = _grid_artefact_model()
    analysis = simulator.analyze(model, ["nash"])
    assert analysis.solutions["nash"].outcome["x"] == 5.0
    s = sharpness(model, analysis)["nash"]
    assert s.refined == {"x": 2.5}
    assert s.refined_points == {"x": 5}
    assert s.moved(analysis.solutions["nash"].outcome) == ("x",)
    assert s.at_range_end == ()
    # without the check nothing is claimed
    unchecked = sharpness(model, analysis, refine=False)["nash"]
    assert unchecked.refined is None and unchecked.moved({"x": 5.0}) == ()


def test_a_grid_that_already_holds_the_optimum_does_not_move():
    model = _grid_artefact_model(grid=5)  # 0, 2.5, 5, 7.5, 10
    analysis = simulator.analyze(model, ["nash"])
    s = sharpness(model, analysis)["nash"]
    assert analysis.solutions["nash"].outcome["x"] == 2.5
    assert s.refined == {"x": 2.5} and s.moved({"x": 2.5}) == ()


def test_an_end_of_the_range_is_flagged():
    x = ContinuousIssue("x", 0, 10, grid=3)
    p = Party("p", 0.0, {"x": 1}, {"x": IdealValue(0, 0, 10)})
    q = Party("q", 0.0, {"x": 1}, {"x": IdealValue(0, 0, 10)})
    model = compile_model([x], [p, q])
    analysis = simulator.analyze(model)
    assert all(s.at_range_end == ("x",) for s in sharpness(model, analysis).values())


def test_refined_levels_insert_midpoints_only_for_continuous_issues():
    model = flat_model()
    levels = refined_levels(model)
    assert levels[0].tolist() == [0, 5, 10, 15, 20, 25, 30, 35, 40]
    assert levels[1].tolist() == model.level_values[1].tolist()


def test_milp_and_no_zone_give_none():
    model = flat_model()
    milp = simulator.analyze(model, ["egalitarian"], method="milp")
    assert set(sharpness(model, milp).values()) == {None}
    strict = model.recompiled(
        parties=[dataclasses.replace(p, reservation=1.0) for p in model.parties]
    )
    closed = simulator.analyze(strict)
    assert not closed.zone.exists
    assert set(sharpness(strict, closed).values()) == {None}


def test_tolerance_outside_zero_to_one_is_refused():
    model = flat_model()
    analysis = simulator.analyze(model)
    for bad in (-0.1, 1.0, float("nan")):
        with pytest.raises(ValueError, match="tolerance"):
            sharpness(model, analysis, bad)


@settings(max_examples=60, deadline=None)
@given(models(max_issues=3), st.sampled_from([0.0, 0.01, 0.2]))
def test_near_sets_equal_brute_force(model, tolerance):
    analysis = simulator.analyze(model)
    sharp = sharpness(model, analysis, tolerance, refine=False)
    if not analysis.zone.exists:
        assert set(sharp.values()) == {None}
        return
    levels = model.space.levels(0, model.space.count)
    u = model.utilities(levels)
    sig = model.signatories
    gains = u[:, sig] - model.reservations[sig]
    ok = (
        (gains >= -ACCEPT_ATOL).all(axis=1)
        & model.constraint_mask(levels)
        & ~model.red_line_breaks(levels)[:, model.signatory_lines].any(axis=1)
    )
    g, lv = gains[ok], levels[ok]
    for concept, s in sharp.items():
        score = objective(
            concept,
            g,
            power=model.power[sig],
            ideal=g.max(axis=0),
            reservations=model.reservations[sig],
        )
        best = analysis.solutions[concept].objective
        assert score.max() == pytest.approx(best, rel=1e-9, abs=1e-12)
        near = near_mask(concept, score, best, tolerance)
        assert s.count == int(near.sum()) >= 1
        chosen = analysis.solutions[concept].outcome
        for k, issue in enumerate(model.issues):
            values = [model.level_value(k, j) for j in np.unique(lv[near, k])]
            if isinstance(issue, DiscreteIssue):
                assert set(s.near_optimal[issue.name]) == set(values)
                assert chosen[issue.name] in values
            else:
                assert s.near_optimal[issue.name] == (min(values), max(values))
                assert min(values) <= chosen[issue.name] <= max(values)


def test_run_reports_the_near_optimal_range_in_text_and_json(tmp_path, capsys):
    path = tmp_path / "flat.yaml"
    path.write_text(FLAT, encoding="utf-8")
    assert main(["run", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nash"]["near_optimal"]["budget"] == [0.0, 40.0]
    assert data["nash"]["near_optimal"]["venue"] == ["geneva"]
    assert data["nash"]["near_tolerance"] == 0.01
    assert data["nash"]["grid_check"]["points"] == {"budget": 9}
    assert main(["run", str(path)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "How sharp each package is" in text
    assert "anything from 0 to 40 million euros" in text
    assert main(["run", str(path), "--near", "0", "--json"]) == 0
    exact = json.loads(capsys.readouterr().out)
    assert exact["nash"]["near_count"] == 1 and exact["nash"]["near_tolerance"] == 0.0


def test_run_reports_a_grid_artefact(tmp_path, capsys):
    text = """\
format: 1
name: grid artefact
issues:
  x: {range: [0, 10], grid: 3, unit: km}
parties:
  p:
    reservation: 0
    assumption: illustrative
    issues: {x: {weight: 1, points: [[0, 1], [10, 0]]}}
  q:
    reservation: 0
    assumption: illustrative
    issues: {x: {weight: 1, points: [[0, 0], [2.5, 1], [10, 1]]}}
solve: {concepts: [zopa, nash]}
"""
    path = tmp_path / "g.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "On a grid twice as fine (5 points) it picks x 2.5 km" in out


@pytest.mark.parametrize("bad", ["abc", "100%", "1.5", "nan"])
def test_a_bad_near_is_a_usage_error(bad, capsys, tmp_path):
    path = tmp_path / "flat.yaml"
    path.write_text(FLAT, encoding="utf-8")
    assert main(["run", str(path), "--near", bad]) == 2
    assert "--near" in capsys.readouterr().err
