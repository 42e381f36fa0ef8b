"""Integer issues (``integer: true``) stay integer: in enumeration, in the MILP, in proposals.

Issue 15: "The MILP treats integer issues (GENIUS integer issues, grids) as continuous: above
5M outcomes an imported domain silently becomes another problem."
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import simulator
from simulator import analyze, compile_model
from simulator.cli import main
from simulator.model import ContinuousIssue, Party, PiecewiseLinearValue
from simulator.model.issues import INTEGER_GRID
from tests.io.test_genius import CAR, imported
from tests.solvers.milp.test_methods_agree import check_methods_agree

CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")


# -- the issue ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high", "grid", "levels"),
    [
        (0, 10, 11, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),  # every integer
        (0, 10, 4, [0, 3, 7, 10]),  # 0, 3.33, 6.67, 10 rounded
        (0, 30, 7, [0, 5, 10, 15, 20, 25, 30]),
        (-3, 2, 3, [-3, 0, 2]),  # -3, -0.5, 2: halves round up
        (5, 5, 1, [5]),
    ],
)
def test_integer_levels(low, high, grid, levels):
    issue = ContinuousIssue("n", low, high, grid, integer=True)
    assert issue.levels.tolist() == levels


def test_integer_levels_are_distinct_integers_at_any_scale():
    for low, high, grid in ((0, 999, 1000), (0, 10**6, 1001), (-(2**52), 2**52, 17)):
        v = ContinuousIssue("n", low, high, grid, integer=True).levels
        assert v.size == grid and np.all(np.diff(v) > 0) and np.all(v == np.floor(v))
        assert (v[0], v[-1]) == (low, high)


@pytest.mark.parametrize(
    ("low", "high", "grid", "message"),
    [
        (0.5, 10, 5, "must be integers"),
        (0, 10, 12, "exceeds the 11 integers"),
        (0, 2.0**60, 5, r"within \+-2\*\*53"),
    ],
)
def test_integer_issue_refuses(low, high, grid, message):
    with pytest.raises(ValueError, match=message):
        ContinuousIssue("n", low, high, grid, integer=True)


def test_valid_and_restrict_refuse_a_fraction():
    issue = ContinuousIssue("n", 0, 10, 11, integer=True)
    assert issue.valid(3.0) and not issue.valid(3.5) and not issue.valid(11.0)
    model = _split(integer=True)
    assert model.restrict({"n": 4}).level_values[0].tolist() == [4.0]
    with pytest.raises(ValueError, match="not an integer"):
        model.restrict({"n": 4.5})


# -- the MILP -----------------------------------------------------------------------------------


def _split(integer: bool, high: int = 9, grid: int = 10):
    """Split ``high`` units: a gets n / high, b gets (high - n) / high. The Nash product peaks at
    n = high / 2: 4.5 for high = 9, between two integers (which tie; the first, 4, wins)."""
    n = ContinuousIssue("n", 0, high, grid, integer=integer)
    up = PiecewiseLinearValue((0.0, float(high)), (0.0, 1.0))
    down = PiecewiseLinearValue((0.0, float(high)), (1.0, 0.0))
    return compile_model(
        [n], [Party("a", 0.0, {"n": 1.0}, {"n": up}), Party("b", 0.0, {"n": 1.0}, {"n": down})]
    )


def test_milp_keeps_an_integer_issue_on_integers():
    integer = analyze(_split(integer=True), CONCEPTS, method="milp")
    real = analyze(_split(integer=False), CONCEPTS, method="milp")
    assert real.solutions["nash"].outcome["n"] == pytest.approx(4.5, abs=1e-9)
    for concept in ("nash", "kalai", "egalitarian"):
        assert integer.solutions[concept].outcome["n"] == 4.0, concept
    for concept in CONCEPTS:
        assert float(integer.solutions[concept].outcome["n"]).is_integer()
    # every integer is on the grid (grid = 10 = the number of integers): the same answers
    enumerated = analyze(_split(integer=True), CONCEPTS, method="enumerate")
    for concept in CONCEPTS:
        assert integer.solutions[concept].index == enumerated.solutions[concept].index


def test_milp_solves_every_integer_even_off_a_coarse_grid():
    # 1,000 integers enumerated at 11 (0, 100, ..): the MILP on the true domain finds 500, the
    # grid (enumeration and auto's MILP alike) 500 too -- and for 999 units 499 vs 500.
    for high, on_integers, on_grid in ((1000, 500.0, 500.0), (999, 499.0, 500.0)):
        model = _split(integer=True, high=high, grid=11)
        assert analyze(model, ["nash"], method="milp").solutions["nash"].outcome["n"] == (
            on_integers
        )
        grid = analyze(model, ["nash"], method="enumerate").solutions["nash"].outcome["n"]
        assert grid == on_grid


def test_methods_agree_with_integer_issues():
    check_methods_agree(_split(integer=True), skip_known_bugs=False, check_frontier=True)
    check_methods_agree(_split(integer=True, high=40, grid=9), skip_known_bugs=False)


# -- scenarios, proposals, --set ------------------------------------------------------------------


SCENARIO = """format: 1
name: integers
issues:
  days: {{range: {range}, integer: true{grid}}}
parties:
  a:
    reservation: 0.1
    assumption: test
    issues:
      days: {{weight: 1, points: [[0, 0], [30, 1]]}}
  b:
    reservation: 0.1
    assumption: test
    issues:
      days: {{weight: 1, points: [[0, 1], [30, 0]]}}
{proposals}"""


def _scenario(tmp_path: Path, range_="[0, 30]", grid="", proposals="") -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.format(range=range_, grid=grid, proposals=proposals))
    return path


def test_scenario_integer_issue_defaults_to_every_integer(tmp_path):
    issue = simulator.load(_scenario(tmp_path)).issues[0]
    assert issue.integer and issue.grid == 31 and issue.levels.tolist() == list(range(31))
    many = simulator.load(_scenario(tmp_path, "[0, 1000]")).issues[0]
    assert many.grid == INTEGER_GRID and many.levels[:3].tolist() == [0.0, 10.0, 20.0]


def test_scenario_run_by_milp_gives_integers(tmp_path, capsys):
    path = _scenario(tmp_path, "[0, 31]", ", grid: 4")  # Nash optimum 15.5 on the interval
    assert main(["run", "--json", "--method", "milp", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["nash"]["outcome"]["days"] == 15.0


@pytest.mark.parametrize(
    ("kwargs", "where", "message"),
    [
        ({"range_": "[0.5, 30]"}, ":4:", "0.5 is not an integer"),
        ({"grid": ", grid: 40"}, ":4:", "grid 40 is more points than the 31 integers"),
        (
            {"proposals": "proposals:\n  p: {outcome: {days: 2.5}}\n"},
            ":17:",
            "expected an integer in the range of issue 'days' (integers in range [0, 30])",
        ),
    ],
)
def test_scenario_refusals_are_located(tmp_path, capsys, kwargs, where, message):
    path = _scenario(tmp_path, **kwargs)
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    line = next(x for x in err.splitlines() if message in x)
    assert line.startswith(f"{path}{where}"), line


def test_integer_on_a_discrete_issue_is_refused(tmp_path, capsys):
    path = tmp_path / "d.yaml"
    path.write_text(
        _scenario(tmp_path)
        .read_text()
        .replace("days: {range: [0, 30], integer: true}", "days: {options: [a], integer: true}")
    )
    assert main(["check", str(path)]) == 2
    assert "integer applies to continuous issues" in capsys.readouterr().err


def test_set_refuses_a_fraction(tmp_path, capsys):
    path = _scenario(tmp_path)
    assert main(["evaluate", str(path), "--set", "days=2.5"]) == 2
    assert "days = 2.5 is not an integer" in capsys.readouterr().err
    assert main(["evaluate", str(path), "--set", "days=2"]) == 0


# -- GENIUS -------------------------------------------------------------------------------------


def test_genius_integer_issues_are_imported_as_integer(tmp_path):
    scenario = imported(tmp_path, CAR)
    price = scenario.issues[0]
    assert price.integer and (price.low, price.high, price.grid) == (10, 20, 11)
    assert "integer: true" in (tmp_path / "scenario.yaml").read_text()
    model = scenario.model()
    milp = analyze(model, CONCEPTS, method="milp")
    for concept in CONCEPTS:
        s = milp.solutions[concept]
        assert float(s.outcome["price"]).is_integer(), (concept, s.outcome)
