"""The mixed-integer solvers on fixed cases, each checked against an independent answer:
enumeration of the same grid (``analyze``, which shares no code with the programmes), or a
closed form worked by hand on the true interval. Fast enough to run on every mutant of
``simulator/solvers/milp`` (``benchmarks/mutation.py``), where the hypothesis comparisons of
``test_methods_agree.py`` are too slow."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from simulator import analyze, compile_model
from simulator.analysis_milp import analyze_milp
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Implication,
    Interaction,
    Model,
    Party,
    PiecewiseLinearValue,
    TableValue,
)
from simulator.solvers.milp import concepts as mc
from simulator.solvers.milp.concepts import TIE_TOL
from simulator.solvers.milp.formulation import formulate
from simulator.solvers.milp.frontier import STEP, epsilon_frontier
from simulator.solvers.milp.program import Solved
from tests.conftest import nato_for_guarantee
from tests.solvers.milp.test_methods_agree import check_methods_agree

# -- the same answers as enumeration on the grid ----------------------------------------------


def _three_parties() -> Model:
    """Two discrete issues and one continuous; a non-signatory; powers 2:1; a red line on
    each kind of issue, an implication among the constraints, and an interaction bonus."""
    nato = DiscreteIssue("nato", ("member", "neutral", "partial"))
    aid = ContinuousIssue("aid", 0.0, 40.0, grid=5)
    guarantee = DiscreteIssue("guarantee", ("none", "bilateral", "article5"))
    east = Party(
        "east",
        0.35,
        {"nato": 3, "aid": 1, "guarantee": 2},
        {
            "nato": TableValue((0.0, 1.0, 0.5)),
            "aid": PiecewiseLinearValue((0.0, 40.0), (1.0, 0.0)),
            "guarantee": TableValue((1.0, 0.75, 0.0)),
        },
        red_lines=(Condition("nato", ("member",), negate=True),),
        power=2.0,
    )
    west = Party(
        "west",
        0.3,
        {"nato": 2, "aid": 2, "guarantee": 2},
        {
            "nato": TableValue((1.0, 0.0, 0.5)),
            "aid": IdealValue(20.0, 0.0, 40.0),
            "guarantee": TableValue((0.0, 0.5, 1.0)),
        },
        red_lines=(Condition("aid", low=10.0),),
        interactions=(Interaction((Condition("guarantee", ("article5",)),), -0.125),),
    )
    observer = Party(
        "observer",
        0.9,
        {"aid": 1},
        {"aid": PiecewiseLinearValue((0.0, 40.0), (0.0, 1.0))},
    )
    constraints = [
        Implication(Condition("nato", ("partial",)), Condition("guarantee", ("none",), True))
    ]
    return compile_model(
        [nato, aid, guarantee], [east, west, observer], constraints, ["east", "west"]
    )


def _integer_issue() -> Model:
    """An integer issue off its default grid, and a red line and reservations that block."""
    days = ContinuousIssue("days", 0, 8, grid=5, integer=True)
    venue = DiscreteIssue("venue", ("oslo", "geneva"))
    a = Party(
        "a",
        0.5,
        {"days": 0.75, "venue": 0.5},
        {
            "days": PiecewiseLinearValue((0.0, 8.0), (0.0, 1.0)),
            "venue": TableValue((1.0, 0.0)),
        },
        red_lines=(Condition("venue", ("oslo",)),),
    )
    b = Party(
        "b",
        0.45,
        {"days": 1.0, "venue": 1.0},
        {
            "days": PiecewiseLinearValue((0.0, 8.0), (1.0, 0.0)),
            "venue": TableValue((0.0, 1.0)),
        },
    )
    return compile_model([days, venue], [a, b])


def _single_point_and_uneven_levels() -> Model:
    """A continuous issue of one point with a condition on it, and one enumerated on an
    uneven set of levels (as a sweep or a restricted model gives)."""
    fixed = ContinuousIssue("fixed", 3.0, 3.0)
    share = ContinuousIssue("share", 0.0, 1.0, grid=4)
    a = Party(
        "a",
        0.3,
        {"fixed": 1, "share": 3},
        {
            "fixed": PiecewiseLinearValue((0.0, 6.0), (0.0, 1.0)),
            "share": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0)),
        },
        # the point 3 lies exactly BOUND_ATOL (1e-9) above the second line's bound: inside
        red_lines=(Condition("fixed", low=2.0), Condition("fixed", high=2.999999999)),
    )
    b = Party(
        "b",
        0.2,
        {"share": 1},
        {"share": PiecewiseLinearValue((0.0, 1.0), (1.0, 0.0))},
        red_lines=(Condition("share", high=0.75),),
    )
    levels = [np.array([3.0]), np.array([0.0, 0.1, 0.3, 0.7, 1.0])]
    return compile_model([fixed, share], [a, b], levels=levels)


def _all_tied() -> Model:
    """Every outcome gives everybody the same: each concept must take the first outcome the
    constraint allows (a0, b1, c = -10), whatever the solver finds first."""
    a = DiscreteIssue("a", ("a0", "a1"))
    b = DiscreteIssue("b", ("b0", "b1"))
    c = ContinuousIssue("c", -10.0, 0.0, grid=3)
    flat = {"a": TableValue((0.5, 0.5))}
    parties = [Party("p", 0.25, {"a": 1}, flat), Party("q", 0.0, {"a": 1}, flat)]
    rule = Implication(Condition("a", ("a0",)), Condition("b", ("b1",)))
    return compile_model([a, b, c], parties, [rule])


def _large_scale() -> Model:
    """Utilities in the hundreds (value functions up to 400), two signatories, several
    frontier points."""
    x = ContinuousIssue("x", 0.0, 10.0, grid=6)
    y = DiscreteIssue("y", ("low", "mid", "high"))
    a = Party(
        "a",
        150.0,
        {"x": 3.0, "y": 1.0},
        {"x": PiecewiseLinearValue((0.0, 10.0), (0.0, 400.0)), "y": TableValue((400, 240, 0))},
    )
    b = Party(
        "b",
        100.0,
        {"x": 1.0, "y": 1.0},
        {
            "x": PiecewiseLinearValue((0.0, 5.0, 10.0), (400.0, 320.0, 0.0)),
            "y": TableValue((0, 200, 400)),
        },
    )
    return compile_model([x, y], [a, b])


@pytest.mark.parametrize(
    "build",
    [
        nato_for_guarantee,
        lambda: nato_for_guarantee(ukraine_reservation=0.65),  # closed: blockers, reach
        _three_parties,
        _integer_issue,
        _single_point_and_uneven_levels,
        _all_tied,
        _large_scale,
    ],
    ids=[
        "open",
        "closed",
        "three-parties",
        "integer",
        "single-point",
        "all-tied",
        "large-scale",
    ],
)
def test_milp_on_the_grid_agrees_with_enumeration(build):
    check_methods_agree(build(), skip_known_bugs=False, check_frontier=True)


def test_a_single_point_issue_on_the_interval_is_its_grid():
    # with every other issue discrete, the true domain is the grid: the same answers
    model = _single_point_and_uneven_levels()
    model = compile_model(
        [model.issues[0], DiscreteIssue("share", ("none", "some", "all"))],
        [
            dataclasses.replace(
                model.parties[0],
                values={**model.parties[0].values, "share": TableValue((0.0, 0.5, 1.0))},
            ),
            Party("b", 0.2, {"share": 1}, {"share": TableValue((1.0, 0.5, 0.0))}),
        ],
    )
    en, mi = analyze(model), analyze_milp(model, ["nash", "utilitarian"])
    assert en.zone.exists and mi.zone.exists and mi.zone.count == en.zone.count == 1
    assert mi.solutions["nash"].outcome == en.solutions["nash"].outcome
    assert mi.solutions["nash"].outcome == {"fixed": 3.0, "share": "some"}


def test_ties_go_to_the_first_outcome_in_order_on_the_interval_too():
    result = analyze_milp(_all_tied(), ["nash", "kalai", "egalitarian", "utilitarian"])
    for concept, solution in result.solutions.items():
        assert solution.outcome == {"a": "a0", "b": "b1", "c": -10.0}, concept


def test_the_cases_cover_what_they_claim():
    """The comparisons above say something: zones open and closed, blockers of both kinds,
    frontiers of several points."""
    closed = analyze(nato_for_guarantee(ukraine_reservation=0.65))
    assert not closed.zone.exists and closed.zone.blocking
    three = analyze(_three_parties())
    assert three.zone.exists and three.pareto.distinct >= 3
    days = analyze(_integer_issue())
    assert not days.zone.exists
    assert {b.kind for b in days.zone.blocking} == {"red_line", "reservation"}
    tied = analyze(_all_tied())
    assert tied.zone.count == 9 and tied.solutions["nash"].index == 3
    large = analyze(_large_scale())
    assert large.pareto.distinct >= 3 and large.pareto.utilities.max() > 100


# -- the true interval, worked by hand ---------------------------------------------------------
#
# One continuous issue x in [0, 1] (grid 5, not used by the MILP), u_p = x, u_q = 1 - x,
# reservations 0.1 and 0.2: acceptable x in [0.1, 0.8], gains g_p = x - 0.1, g_q = 0.8 - x.


def _line(power: tuple[float, float] = (1.0, 1.0)) -> Model:
    x = ContinuousIssue("x", 0.0, 1.0, grid=5)
    p = Party(
        "p", 0.1, {"x": 1}, {"x": PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))}, power=power[0]
    )
    q = Party(
        "q", 0.2, {"x": 1}, {"x": PiecewiseLinearValue((0.0, 1.0), (1.0, 0.0))}, power=power[1]
    )
    return compile_model([x], [p, q])


def _x(f, pick) -> float:
    return float(f.decode(pick.x)["x"])


def test_interval_solutions_by_hand():
    f = formulate(_line())
    # Nash: max (x - 0.1)(0.8 - x) at x = 0.45; Kalai-Smorodinsky: best gains 0.7 each, equal
    # shares at x = 0.45; egalitarian: equal gains, 0.45
    nash, kalai, egal = mc.nash(f), mc.kalai(f), mc.egalitarian(f)
    for pick in (nash, kalai, egal):
        assert _x(f, pick) == pytest.approx(0.45, abs=1e-7)
    assert nash.objective == pytest.approx(math.log(0.35), abs=1e-7)
    assert kalai.objective == pytest.approx(0.5, abs=1e-7)
    assert egal.objective == pytest.approx(0.35, abs=1e-7)
    for pick in (nash, kalai, egal):
        assert 0 < pick.tolerance < 1e-6
    # utilitarian: every x gives a total of 1; the tie goes to the first outcome in order,
    # the smallest acceptable x
    util = mc.utilitarian(f)
    assert _x(f, util) == pytest.approx(0.1, abs=1e-7)
    assert util.objective == pytest.approx(1.0, abs=1e-9)


def test_interval_weighted_nash_by_hand():
    # max 3/4 log(x - 0.1) + 1/4 log(0.8 - x): 0.75 (0.8 - x) = 0.25 (x - 0.1), x = 0.625
    model = _line(power=(3.0, 1.0))
    f = formulate(model)
    nash = mc.nash(f, model.power)
    assert _x(f, nash) == pytest.approx(0.625, abs=1e-7)
    expected = 0.75 * math.log(0.525) + 0.25 * math.log(0.175)
    assert nash.objective == pytest.approx(expected, abs=1e-7)


def test_interval_analysis_reports_off_grid_solutions():
    result = analyze_milp(_line(), ["kalai"])
    kalai = result.solutions["kalai"]
    assert kalai.index is None and kalai.outcome["x"] == pytest.approx(0.45, abs=1e-7)
    assert kalai.gains == pytest.approx({"p": 0.35, "q": 0.35}, abs=1e-7)
    zone = result.zone
    assert zone.exists and zone.slack == pytest.approx(0.35, abs=1e-7)
    assert zone.reach == pytest.approx({"p": 0.8, "q": 0.9}, abs=1e-7)
    front = result.pareto  # a continuum of points: traced up to its cap of 200
    assert not front.complete and front.utilities.shape[0] == 200
    assert front.utilities.sum(axis=1) == pytest.approx(1.0, abs=1e-7)
    assert front.utilities[:, 0].max() == pytest.approx(0.8, abs=1e-7)


def test_concepts_on_the_interval_by_hand():
    f = formulate(_line())
    assert mc.slack(f) == pytest.approx(0.35, abs=1e-7)
    assert mc.slack(f, without_reservation=0) == pytest.approx(0.8, abs=1e-7)  # q alone
    assert mc.best_gain(f, 0) == pytest.approx(0.7, abs=1e-7)
    assert mc.best_gain(f, 1) == pytest.approx(0.7, abs=1e-7)
    assert mc.ideal_gains(f) == pytest.approx([0.7, 0.7], abs=1e-7)
    # without p's reservation some outcome p refuses is acceptable to q (x < 0.1)
    assert mc.exists_without(f, reservation=0)
    assert mc.exists_without(f, reservation=1)
    # q with a reservation of 0.95 wants x <= 0.05: p refuses all of it
    f = formulate(
        compile_model(
            _line().issues,
            [
                _line().parties[0],
                Party("q", 0.95, {"x": 1}, {"x": PiecewiseLinearValue((0.0, 1.0), (1.0, 0.0))}),
            ],
        )
    )
    assert mc.ideal_gains(f) is None and mc.nash(f) is None and mc.kalai(f) is None
    assert mc.utilitarian(f) is None and mc.egalitarian(f) is None
    # gains x - 0.1 and 0.05 - x: the best of the smaller is at x = 0.075, 0.025 short
    assert mc.slack(f) == pytest.approx(-0.025, abs=1e-7)
    assert mc.best_gain(f, 0, self_accepts=False) == pytest.approx(-0.05, abs=1e-7)
    assert mc.exists_without(f, reservation=0) and mc.exists_without(f, reservation=1)


def test_epsilon_frontier_steps_along_the_line():
    # every acceptable x is Pareto-optimal (u_p + u_q = 1): from p's best (x = 0.8) each
    # step maximises p subject to q improving by at least STEP (1e-7), so with a cap of 4
    # points x moves down by STEP at a time (and the tie tolerance of 1e-8 at most)
    f = formulate(_line())
    points, complete = epsilon_frontier(f, 0, 1, cap=4)
    assert not complete and len(points) == 4
    x = np.array([float(f.decode(p)["x"]) for p in points])
    assert x[0] == pytest.approx(0.8, abs=2e-8)
    assert np.all(-np.diff(x) >= STEP - 1e-12) and np.all(-np.diff(x) <= STEP + 2e-8)
    # on the grid: x = 0.75, 0.5, 0.25, then nothing improves q: complete
    g = formulate(_line(), on_grid=True)
    points, complete = epsilon_frontier(g, 0, 1)
    assert complete
    assert [float(g.decode(p)["x"]) for p in points] == pytest.approx([0.75, 0.5, 0.25])


class _Repeating:
    """A programme whose solver finds the same outcome ``x`` whatever is asked: what the
    epsilon step guards against (HiGHS bending a row within its tolerance). It records the
    lower bounds of the rows added, and refuses to be solved more than 20 times."""

    def __init__(self, f, x: np.ndarray, log: list[float]):
        self.f, self.x, self.log = f, x, log

    def row(self, coefs, lo, hi):
        self.log.append(lo)

    def maximise(self, objective):
        assert len(self.log) < 40, "the frontier does not stop"
        value = float(objective @ self.x[: self.f.n])
        return Solved(self.x, value, value)


@pytest.mark.parametrize(
    ("build", "scale"),
    [
        (_line, 1.0),  # utilities in [0, 1]: steps of STEP
        (nato_for_guarantee, 1.0),  # coefficients of at most 0.5: still steps of STEP
        (_large_scale, 200.0),  # b's largest utility coefficient: weight 200 x value 1
    ],
)
def test_epsilon_frontier_retries_a_repeated_point_then_gives_up(monkeypatch, build, scale):
    import simulator.solvers.milp.frontier as frontier

    f = formulate(build(), on_grid=True)
    x = mc.utilitarian(f).x  # some acceptable outcome
    log: list[float] = []
    monkeypatch.setattr(frontier, "_program", lambda f_, accept: _Repeating(f_, x, log))
    points, complete = epsilon_frontier(f, 0, 1)
    # the first point is x; asked for b to gain a step more, the solver returns x again: the
    # step grows tenfold, to 1,000 steps, and the frontier is reported incomplete
    assert len(points) == 1 and np.array_equal(points[0], x) and not complete
    gains = f.utility @ x[: f.n] + f.gain_const()
    const = f.gain_const()
    # a's best is kept within the tie tolerance, relative to its gain when above 1
    assert log[0] == pytest.approx(
        gains[0] - const[0] - TIE_TOL * max(1.0, abs(gains[0])), rel=0, abs=1e-13
    )
    floors = log[1::2]  # each solve adds b's floor, then a's row after the first maximise
    steps = [k * STEP * scale for k in (1, 10, 100, 1000)]
    assert floors == pytest.approx([gains[1] + s - const[1] for s in steps], rel=0, abs=1e-12)


class _Advancing(_Repeating):
    """A programme whose solver finds a new frontier point each time (b gains more)."""

    def maximise(self, objective):
        self.log.append(0.0)
        assert len(self.log) < 5000, "the frontier does not stop"
        x = self.x * (1.0 + len(self.log) / 1e4)
        value = float(objective @ x[: self.f.n])
        return Solved(x, value, value)


def test_epsilon_frontier_stops_at_its_cap(monkeypatch):
    import simulator.solvers.milp.frontier as frontier

    f = formulate(_line(), on_grid=True)
    x = mc.utilitarian(f).x
    calls: list[float] = []  # shared: every programme's solution improves on the last
    monkeypatch.setattr(frontier, "_program", lambda f_, accept: _Advancing(f_, x, calls))
    points, complete = epsilon_frontier(f, 0, 1)
    assert len(points) == 200 and not complete  # the default cap
    points, complete = epsilon_frontier(f, 0, 1, cap=3)
    assert len(points) == 3 and not complete


def test_grid_frontier_of_two_signatories():
    # on the grid of 5 (x = 0, 0.25, ..., 1) the acceptable points are 0.25, 0.5, 0.75
    result = analyze_milp(_line(), ["nash"], on_grid=True)
    assert result.pareto.complete
    assert sorted(result.pareto.utilities[:, 0].round(9).tolist()) == [0.25, 0.5, 0.75]
    assert sorted(result.pareto.indices.tolist()) == [1, 2, 3]
