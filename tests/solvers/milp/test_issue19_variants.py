"""Issue 19's on-grid MILP Nash that raised "did not converge", and its neighbours.

The model: one continuous issue ``x`` on a 5-point grid over [0, 1], two parties with
reservations 0, ``u_0 = x``, ``u_1 = 1 - 0.75 x``, a red line at 0.5 and an interaction bonus
of -0.197. ``tests/solvers/milp/test_convergence.py`` pins the reported case (a red line
``x >= 0.5`` of party 0, the bonus to party 1 where ``x <= 0.75``); here the red line points
either way and the bonus goes to either party, and the expected Nash outcome comes from the
formulas above, not from either solver.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simulator import analyze, compile_model
from simulator.analysis_milp import analyze_milp
from simulator.model import (
    Condition,
    ContinuousIssue,
    Interaction,
    Model,
    Party,
    PiecewiseLinearValue,
)

GRID = np.linspace(0.0, 1.0, 5)
BONUS = -0.197


def build(line: str, bonus_to: int, bonus_when: str) -> Model:
    x = ContinuousIssue("x", 0.0, 1.0, 5)
    red = Condition("x", low=0.5) if line == ">=" else Condition("x", high=0.5)
    when = Condition("x", high=0.75) if bonus_when == "<=0.75" else Condition("x", low=0.25)
    bonus = (Interaction((when,), BONUS),)
    p0 = Party(
        "p0",
        0.0,
        {"x": 1.0},
        {"x": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))},
        red_lines=(red,),
        interactions=bonus if bonus_to == 0 else (),
    )
    p1 = Party(
        "p1",
        0.0,
        {"x": 1.0},
        {"x": PiecewiseLinearValue((0.0, 1.0), (1.0, 0.25))},
        interactions=bonus if bonus_to == 1 else (),
    )
    return compile_model([x], [p0, p1])


def expected_nash(line: str, bonus_to: int, bonus_when: str) -> tuple[float, float]:
    """``(x, sum_i log(g_i) / 2)`` maximising the product of gains over the lawful grid
    points where both gain, from the formulas in the module docstring."""
    best = (math.nan, -math.inf)
    for x in GRID:
        if (line == ">=" and x < 0.5) or (line == "<=" and x > 0.5):
            continue
        u = [x, 1.0 - 0.75 * x]
        if (bonus_when == "<=0.75" and x <= 0.75) or (bonus_when == ">=0.25" and x >= 0.25):
            u[bonus_to] += BONUS
        if min(u) <= 0:
            continue
        value = 0.5 * (math.log(u[0]) + math.log(u[1]))
        if value > best[1]:
            best = (float(x), value)
    return best


CASES = [
    (line, to, when) for line in (">=", "<=") for to in (0, 1) for when in ("<=0.75", ">=0.25")
]


@pytest.mark.parametrize(("line", "bonus_to", "bonus_when"), CASES)
def test_on_grid_milp_nash_converges_to_the_grid_optimum(line, bonus_to, bonus_when):
    model = build(line, bonus_to, bonus_when)
    x, value = expected_nash(line, bonus_to, bonus_when)
    enumerated = analyze(model, ["nash"]).solutions["nash"]
    milp = analyze_milp(model, ["nash"], on_grid=True).solutions["nash"]  # raised before
    assert enumerated is not None and milp is not None
    assert enumerated.outcome == {"x": pytest.approx(x, abs=1e-12)}
    assert enumerated.objective == pytest.approx(value, abs=1e-12)
    assert milp.index == enumerated.index
    assert milp.objective == pytest.approx(value, abs=milp.tolerance + 1e-12)
    assert 0 < milp.tolerance <= 1e-7


def test_the_reported_case_by_hand():
    # red line x >= 0.5 of p0, bonus to p1 where x <= 0.75: the lawful points give
    # (0.5, 0.428), (0.75, 0.2405), (1, 0.25): products 0.214, 0.180, 0.25 -> x = 1
    assert expected_nash(">=", 1, "<=0.75") == (1.0, pytest.approx(0.5 * math.log(0.25)))
