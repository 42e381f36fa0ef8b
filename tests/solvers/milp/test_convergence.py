"""The MILP path converges, says how close it is, and never crashes for want of convergence.

Cases from issue 15 ("The MILP path must converge and stay exact") and issue 19 (the on-grid
Nash that raised "did not converge"); each ran into ``RuntimeError`` (exit 1) before the
stopping rule was made honest about the solver's tolerances
(:mod:`simulator.solvers.milp.concepts`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from simulator import analyze, compile_model
from simulator.analysis_milp import analyze_milp
from simulator.cli import main
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    Interaction,
    Party,
    PiecewiseLinearValue,
    TableValue,
)
from simulator.solvers.milp import concepts as mc
from simulator.solvers.milp.formulation import formulate
from simulator.solvers.milp.program import solver_tolerance
from tests.solvers.milp.test_methods_agree import check_methods_agree

ROOT = Path(__file__).resolve().parents[3]
JOB_OFFER = ROOT / "scenarios" / "examples" / "job_offer.yaml"
CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")


def _run_json(capsys, *args: str) -> dict:
    code = main(["run", "--json", *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    return json.loads(out)


def test_job_offer_by_milp_converges_to_the_closed_form(capsys):
    # Was: exit 1, "Nash outer approximation did not converge". With remote=full and
    # start=next_month the gains are (s - 53.3) / 60 and (76 - s) / 50, whose product peaks
    # where 50 (76 - s) / 50 = 60 (s - 53.3) / 60, i.e. at s = 64.65.
    data = _run_json(capsys, "--method", "milp", str(JOB_OFFER))
    assert data["method"] == "milp" and data["on_grid"] is False
    nash = data["nash"]
    assert nash["outcome"]["remote"] == "full" and nash["outcome"]["start"] == "next_month"
    assert nash["outcome"]["salary"] == pytest.approx(64.65, abs=1e-9)
    assert nash["objective"] == pytest.approx(
        0.5 * np.log((64.65 - 53.3) / 60) + 0.5 * np.log((76 - 64.65) / 50), abs=1e-12
    )
    for concept in CONCEPTS:  # every solution states how close it is, and it is close
        assert 0 < data[concept]["tolerance"] <= 1e-7, concept


def test_job_offer_report_says_how_close(capsys):
    assert main(["run", "--method", "milp", str(JOB_OFFER)]) == 0
    out = capsys.readouterr().out
    assert "on the true domains" in out
    assert "of the optimum (the MILP's proven gap" in out


def _opposite_linear(integer: bool = False, low: float = 50.0, high: float = 80.0):
    x = ContinuousIssue("x", low, high, 7, integer=integer)
    up = PiecewiseLinearValue((low, high), (0.0, 1.0))
    down = PiecewiseLinearValue((low, high), (1.0, 0.0))
    return compile_model(
        [x], [Party("a", 0.0, {"x": 1.0}, {"x": up}), Party("b", 0.0, {"x": 1.0}, {"x": down})]
    )


def test_one_issue_with_opposite_linear_utilities():
    # Was: "did not converge"; then, once stopped, the tie-breaking slid the Nash outcome along
    # the flat peak to 64.9926. The product (x - 50)(80 - x) peaks at 65 exactly.
    a = analyze(_opposite_linear(), CONCEPTS, method="milp")
    nash = a.solutions["nash"]
    assert nash.outcome["x"] == pytest.approx(65.0, abs=1e-9)
    assert nash.objective == pytest.approx(np.log(0.5), abs=1e-12)
    assert nash.tolerance <= 1e-8
    # egalitarian and Kalai-Smorodinsky: the same point, up to their stated tolerance
    for concept in ("kalai", "egalitarian"):
        s = a.solutions[concept]
        assert s.objective == pytest.approx(0.5, abs=s.tolerance)
        assert s.outcome["x"] == pytest.approx(65.0, abs=30 * s.tolerance)
    assert a.solutions["utilitarian"].objective == pytest.approx(1.0, abs=1e-9)


def _two_grids(tmp_path: Path, grid: int) -> Path:
    path = tmp_path / "two.yaml"
    path.write_text(
        f"""format: 1
name: two fine grids
issues:
  x: {{range: [0, 1], grid: {grid}}}
  y: {{range: [0, 1], grid: {grid}}}
parties:
  a:
    reservation: 0.1
    assumption: test
    issues:
      x: {{weight: 0.7, points: [[0, 0], [1, 1]]}}
      y: {{weight: 0.3, points: [[0, 0], [1, 1]]}}
  b:
    reservation: 0.1
    assumption: test
    issues:
      x: {{weight: 0.3, points: [[0, 1], [1, 0]]}}
      y: {{weight: 0.7, points: [[0, 1], [0.5, 0.8], [1, 0]]}}
"""
    )
    return path


def test_two_grids_of_3000_under_auto(tmp_path, capsys):
    # 9 million outcomes: auto picks the MILP. Was: "did not converge" (exit 1); and the MILP
    # solved the intervals, another problem than the grids the scenario declares.
    data = _run_json(capsys, str(_two_grids(tmp_path, 3000)))
    assert data["method"] == "milp" and data["on_grid"] is True
    grid = np.linspace(0.0, 1.0, 3000)
    for concept in CONCEPTS:
        s = data[concept]
        assert s["index"] is not None, concept  # on the grid
        for v in s["outcome"].values():
            assert v in grid, (concept, v)  # exactly a grid point
        assert 0 < s["tolerance"] <= 1e-7


def test_auto_solves_the_grid_whichever_method_it_picks(monkeypatch):
    # The same scenario means the same problem under both methods: force auto to pick the
    # MILP on a small space and compare with enumeration.
    import simulator.method_choice as choice

    model = compile_model(
        [ContinuousIssue("x", 0.0, 1.0, 21), ContinuousIssue("y", 0.0, 1.0, 21)],
        [
            Party(
                "a",
                0.1,
                {"x": 0.7, "y": 0.3},
                {
                    "x": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0)),
                    "y": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0)),
                },
            ),
            Party(
                "b",
                0.1,
                {"x": 0.3, "y": 0.7},
                {
                    "x": PiecewiseLinearValue((0.0, 1.0), (1.0, 0.0)),
                    "y": PiecewiseLinearValue((0.0, 0.5, 1.0), (1.0, 0.8, 0.0)),
                },
                red_lines=(Condition("y", low=0.33),),
            ),
        ],
    )
    enumerated = analyze(model, CONCEPTS, method="enumerate")
    monkeypatch.setattr(choice, "AUTO_THRESHOLD", 10)
    auto = analyze(model, CONCEPTS, method="auto")
    assert auto.method == "milp" and auto.on_grid
    for concept in CONCEPTS:
        e, m = enumerated.solutions[concept], auto.solutions[concept]
        assert m.index == e.index, concept
        assert m.objective == pytest.approx(e.objective, abs=m.tolerance + 1e-12)
    # whereas the true domain differs: the interval's answers are off the grid, and better
    interval = analyze(model, CONCEPTS, method="milp")
    assert not interval.on_grid
    assert interval.solutions["nash"].index is None
    assert interval.solutions["nash"].objective > enumerated.solutions["nash"].objective


def _issue19_model():
    # Issue 19: "one 5-level grid issue, two parties, a red line at 0.5, an interaction bonus
    # of -0.197": the on-grid MILP Nash raised "did not converge".
    x = ContinuousIssue("x", 0.0, 1.0, 5)
    p0 = Party(
        "p0",
        0.0,
        {"x": 1.0},
        {"x": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))},
        red_lines=(Condition("x", low=0.5),),
    )
    p1 = Party(
        "p1",
        0.0,
        {"x": 1.0},
        {"x": PiecewiseLinearValue((0.0, 1.0), (1.0, 0.25))},
        interactions=(Interaction((Condition("x", high=0.75),), -0.197),),
    )
    return compile_model([x], [p0, p1])


def test_issue19_on_grid_nash_converges_and_agrees_with_enumeration():
    model = _issue19_model()
    check_methods_agree(model, skip_known_bugs=False, check_frontier=True)
    nash = analyze_milp(model, ["nash"], on_grid=True).solutions["nash"]
    assert nash.index == analyze(model, ["nash"]).solutions["nash"].index


def test_a_nash_stopped_early_keeps_its_incumbent_and_says_its_gap(monkeypatch):
    # Degrade gracefully: with one round of outer approximation the answer is the best
    # outcome found so far, and its tolerance bounds its real distance to the optimum.
    f = formulate(_opposite_linear())
    full = mc.nash(f)
    assert full is not None
    monkeypatch.setattr(mc, "NASH_ROUNDS", 1)
    monkeypatch.setattr(mc, "_polish_nash", lambda f, x, active, w: x)  # cuts only
    early = mc.nash(f)
    assert early is not None
    assert early.objective <= full.objective + solver_tolerance(full.objective)
    assert full.objective - early.objective <= early.tolerance
    assert early.tolerance > full.tolerance  # one round proves less


def test_tie_breaking_that_never_verifies_keeps_the_optimum(monkeypatch):
    # The tie-breaking re-solves while its check rejects a solution; after VERIFY_ROUNDS it
    # keeps the outcome it has instead of raising (it raised "tie-breaking did not converge").
    f = formulate(_issue19_model(), on_grid=True)
    want = mc.nash(f)
    monkeypatch.setattr(mc, "VERIFY_ROUNDS", 0)
    got = mc.nash(f)
    assert got is not None and want is not None
    assert got.objective == pytest.approx(want.objective, abs=want.tolerance)


def test_milp_with_discrete_and_integer_issues_and_the_frontier():
    # Everything the MILP path does on one model with every kind of issue, on the interval:
    # no exception, every solution with a tolerance.
    model = compile_model(
        [
            DiscreteIssue("deal", ("a", "b", "c")),
            ContinuousIssue("x", 0.0, 10.0, 11),
            ContinuousIssue("n", 0, 20, 21, integer=True),
        ],
        [
            Party(
                "p",
                0.2,
                {"deal": 1.0, "x": 1.0, "n": 1.0},
                {
                    "deal": TableValue((1.0, 0.5, 0.0)),
                    "x": PiecewiseLinearValue((0.0, 10.0), (0.0, 1.0)),
                    "n": PiecewiseLinearValue((0.0, 20.0), (1.0, 0.0)),
                },
            ),
            Party(
                "q",
                0.2,
                {"deal": 1.0, "x": 1.0, "n": 1.0},
                {
                    "deal": TableValue((0.0, 0.5, 1.0)),
                    "x": PiecewiseLinearValue((0.0, 4.0, 10.0), (1.0, 0.9, 0.0)),
                    "n": PiecewiseLinearValue((0.0, 20.0), (0.0, 1.0)),
                },
            ),
        ],
    )
    a = analyze(model, CONCEPTS, method="milp", lotteries=True)
    assert a.pareto.complete or a.pareto.count
    for concept in CONCEPTS:
        s = a.solutions[concept]
        assert s is not None and 0 < s.tolerance <= 1e-7
        assert float(s.outcome["n"]).is_integer()
