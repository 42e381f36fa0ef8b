"""Badly scaled numbers: the MILP is the same well-scaled programme whatever an issue's unit.

Issue 15: a continuous issue with ``range: [-1e300, -1e299]`` ended in "HiGHS Status 15".
The formulation never puts an issue's values in a row (:mod:`simulator.solvers.milp
.formulation`), so a huge or a tiny range solves like ``[0, 1]``; a scenario whose numbers
exceed what zopa computes with is refused at load, with a location.
"""

from __future__ import annotations

import pytest

from simulator import analyze, compile_model
from simulator.analysis_milp import analyze_milp
from simulator.cli import main
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    Party,
    PiecewiseLinearValue,
    TableValue,
)
from tests.solvers.milp.test_methods_agree import check_methods_agree

CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")


def _model(low: float, high: float, bound: bool = True):
    """One continuous issue on ``[low, high]`` (and a discrete one); values and a red line
    placed at the same relative positions whatever the range."""

    def at(t: float) -> float:
        return low + t * (high - low)

    x = ContinuousIssue("x", low, high, 9)
    deal = DiscreteIssue("deal", ("a", "b"))
    red = (Condition("x", low=at(0.3)),) if bound else ()
    return compile_model(
        [x, deal],
        [
            Party(
                "p",
                0.1,
                {"x": 0.8, "deal": 0.2},
                {
                    "x": PiecewiseLinearValue((low, at(0.6), high), (0.0, 0.9, 1.0)),
                    "deal": TableValue((1.0, 0.0)),
                },
                red_lines=red,
            ),
            Party(
                "q",
                0.1,
                {"x": 0.7, "deal": 0.3},
                {
                    "x": PiecewiseLinearValue((low, high), (1.0, 0.0)),
                    "deal": TableValue((0.3, 1.0)),
                },
            ),
        ],
    )


@pytest.mark.parametrize(
    ("low", "high"),
    [(-1e300, -1e299), (1e299, 1e300), (-1e15, -1e14), (0.0, 1e-12), (1e-300, 2e-300)],
)
def test_any_scale_gives_the_answers_of_the_unit_range(low, high):
    # without the red line (whose 1e-9 allowance is absolute, so not scale-free), every
    # answer is the unit range's answer mapped onto [low, high]
    unit = analyze_milp(_model(0.0, 1.0, bound=False), CONCEPTS)
    scaled = analyze_milp(_model(low, high, bound=False), CONCEPTS)
    assert scaled.zone.slack == pytest.approx(unit.zone.slack, abs=1e-8)
    for concept in CONCEPTS:
        u, s = unit.solutions[concept], scaled.solutions[concept]
        assert s.outcome["deal"] == u.outcome["deal"], concept
        t = (s.outcome["x"] - low) / (high - low)
        assert t == pytest.approx(u.outcome["x"], abs=1e-6), concept
        assert s.objective == pytest.approx(u.objective, abs=1e-8), concept


@pytest.mark.parametrize(("low", "high"), [(-1e300, -1e299), (0.0, 1e-12)])
def test_any_scale_on_the_grid_agrees_with_enumeration(low, high):
    model = _model(low, high)
    check_methods_agree(model, skip_known_bugs=False, check_frontier=True)
    milp = analyze(model, CONCEPTS, method="milp")  # and the interval solves too
    assert milp.zone.exists and all(milp.solutions[c] is not None for c in CONCEPTS)


SCENARIO = """format: 1
name: scale
issues:
  x: {{range: [{low}, {high}]}}
parties:
  a:
    reservation: 0.1
    assumption: test
    issues:
      x: {{weight: 1, points: [[{low}, 0], [{high}, 1]]}}
  b:
    reservation: 0.1
    assumption: test
    issues:
      x: {{weight: 1, points: [[{low}, 1], [{high}, 0]]}}
"""


def test_a_huge_range_is_refused_at_load_with_its_location(tmp_path, capsys):
    path = tmp_path / "huge.yaml"
    path.write_text(SCENARIO.format(low="-1e300", high="-1e299"))
    assert main(["run", "--method", "milp", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4:" in err and "issues.x.range[0]" in err and "out of range" in err
    assert "Traceback" not in err and "HiGHS" not in err


def test_a_tiny_range_solves(tmp_path, capsys):
    path = tmp_path / "tiny.yaml"
    path.write_text(SCENARIO.format(low="0", high="1e-12"))
    for method in ("milp", "enumerate"):
        assert main(["run", "--method", method, str(path)]) == 0, capsys.readouterr().err
        assert "5e-13" in capsys.readouterr().out  # the Nash split: the middle of the range


HUGE_BONUS = """\
format: 1
name: a bonus far beyond the utility scale
issues:
  x: {range: [0, 10], grid: 5}
  d: {options: [a, b]}
parties:
  p:
    reservation: 0.2
    assumption: test
    issues: {x: {weight: 1, ideal: 0}, d: {weight: 1, values: {a: 1, b: 0}}}
    interactions:
      - {when: {d: [a], x: {max: 5}}, bonus: 1e15}
  q:
    reservation: 0.2
    assumption: test
    issues: {x: {weight: 1, ideal: 10}, d: {weight: 1, values: {a: 0, b: 1}}}
"""


def test_a_solver_failure_is_a_clear_refusal_and_auto_falls_back_to_enumeration(
    tmp_path, capsys, monkeypatch
):
    """HiGHS cannot solve a programme whose coefficients span 15 orders of magnitude: under
    --method milp that is exit 2 with what to do; auto, which chose the MILP only for speed,
    solves the same grid by enumeration instead."""
    import json

    import simulator.analysis as analysis
    from simulator.cli import main

    path = tmp_path / "bonus.yaml"
    path.write_text(HUGE_BONUS, encoding="utf-8")
    assert main(["run", str(path), "--method", "milp"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zopa run: the mixed-integer solver (HiGHS) could not solve")
    assert "--method enumerate" in err and len(err.splitlines()) == 1
    assert main(["run", str(path), "--method", "enumerate", "--json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    monkeypatch.setattr(analysis, "choose_method", lambda model: _Choice("milp"))
    assert main(["run", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "enumerate"
    assert data["nash"]["outcome"] == expected["nash"]["outcome"]


class _Choice:
    def __init__(self, method):
        self.method = method
