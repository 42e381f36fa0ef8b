"""Branches of the MILP formulation and concepts that the other fixed cases do not reach:
conditions on a lattice (the ends of their spans, bounds far outside the range), capped
utilities (a cap that binds somewhere, never or always; negative values and bonuses), the
tie-breaking order's coefficients, and the Nash solver's degenerate cases (a signatory that
cannot gain, a relaxation landing on a zero gain, every product 0). Each is checked against
enumeration (``analyze``) or worked out by hand; fast enough to run on every mutant of
``simulator/solvers/milp`` (``benchmarks/mutation.py``)."""

from __future__ import annotations

import math
import threading

import numpy as np
import pytest

from simulator import analyze, compile_model
from simulator.analysis_milp import analyze_milp
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    Interaction,
    Model,
    Party,
    PiecewiseLinearValue,
    TableValue,
)
from simulator.model.rules import BOUND_ATOL
from simulator.solvers.milp import concepts as mc
from simulator.solvers.milp.formulation import _condition_span, formulate
from simulator.solvers.milp.program import Program
from tests.solvers.milp.test_methods_agree import check_methods_agree


def _within(seconds: float, fn, *args):
    """``fn(*args)``, failing the test if it has not returned after ``seconds`` (a loop that
    never ends would otherwise hang the run)."""
    out: list = []
    worker = threading.Thread(target=lambda: out.append(fn(*args)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert out, f"{fn.__name__}{args} did not return within {seconds} s"
    return out[0]


# -- a condition's span on a lattice -------------------------------------------------------------


def _inside(cond: Condition, values: np.ndarray) -> np.ndarray:
    """Which lattice values satisfy the condition, as enumeration decides it."""
    return cond.level_mask(ContinuousIssue("x", float(values[0]), float(values[-1])), values)


def _check_span(cond: Condition, lattice: tuple[float, float, int], grid: np.ndarray | None):
    lo, step, count = lattice
    values = grid if grid is not None else lo + step * np.arange(count)
    want = np.flatnonzero(_inside(cond, values))
    start, end = _within(5.0, _condition_span, cond, lattice, grid)
    if want.size == 0:
        assert (start, end) == (np.inf, np.inf), (cond, start, end)
        return
    first, last = int(want[0]), int(want[-1])
    assert np.array_equal(want, np.arange(first, last + 1))  # a condition holds on a run
    # the ends lie halfway between the last point outside and the first inside, or are
    # open at the lattice's ends
    assert start == (-np.inf if first == 0 else lo + step * (first - 0.5)), (cond, start)
    assert end == (np.inf if last == count - 1 else lo + step * (last + 0.5)), (cond, end)


def _bounds_around(values: np.ndarray, step: float) -> list[float]:
    """Bounds on, just inside and just outside every lattice point, between points and
    beyond both ends."""
    out = [float(values[0]) - 3 * step, float(values[-1]) + 3 * step]
    for v in values:
        v = float(v)
        out += [v, v - BOUND_ATOL, v + BOUND_ATOL, v - 2 * BOUND_ATOL, v + 2 * BOUND_ATOL]
        out += [v - 0.4 * step, v + 0.4 * step]
    return out


@pytest.mark.parametrize(
    ("lattice", "on_grid"),
    [((0.0, 1.0, 6), False), ((-3.0, 1.0, 4), False), ((-2.0, 0.5, 9), True)],
    ids=["integers", "negative-integers", "grid"],
)
def test_condition_span_on_a_lattice_matches_enumeration(lattice, on_grid):
    lo, step, count = lattice
    values = lo + step * np.arange(count)
    grid = values if on_grid else None
    bounds = _bounds_around(values, step)
    for b in bounds:
        _check_span(Condition("x", low=b), lattice, grid)
        _check_span(Condition("x", high=b), lattice, grid)
    for a in bounds[::3]:
        for b in bounds[1::3]:
            _check_span(Condition("x", low=a, high=b), lattice, grid)
    _check_span(Condition("x"), lattice, grid)  # no bound: every point, an open span


@pytest.mark.parametrize("bound", [1e300, 1e18, -1e18, -1e300])
def test_condition_span_with_a_bound_far_outside_the_range(bound):
    # a bound far beyond an integer issue's range is every point or none, found at once
    for lattice in ((0.0, 1.0, 9), (-(2.0**40), 1.0, 1000)):
        _check_span(Condition("x", low=bound), lattice, None)
        _check_span(Condition("x", high=bound), lattice, None)


def test_condition_span_where_the_arithmetic_guess_rounds_past_a_point():
    # end - low = 1000.9999999999999999 rounds to 1001: the first guess is the point 1, just
    # outside the bound 0.9999999999999999; the span must step back to 0
    end = float(np.nextafter(1.0, 0.0))
    high = end - BOUND_ATOL
    while high + BOUND_ATOL < end:  # the bound whose end (high + BOUND_ATOL) is `end`
        high = float(np.nextafter(high, 2.0))
    assert high + BOUND_ATOL == end
    _check_span(Condition("x", high=high), (-1000.0, 1.0, 2001), None)
    _check_span(Condition("x", low=high), (-1000.0, 1.0, 2001), None)


def _integer_issue(red_line: Condition, constraint: Condition | None = None) -> Model:
    """An integer issue 0..8 (not on its grid: every integer) and a discrete one; p likes
    small n, q large; p's red line and the constraint are conditions on n."""
    n = ContinuousIssue("n", 0, 8, grid=3, integer=True)
    deal = DiscreteIssue("deal", ("a", "b"))
    p = Party(
        "p",
        0.1,
        {"n": 2, "deal": 1},
        {"n": PiecewiseLinearValue((0.0, 8.0), (1.0, 0.0)), "deal": TableValue((1.0, 0.0))},
        red_lines=(red_line,),
    )
    q = Party(
        "q",
        0.1,
        {"n": 1, "deal": 1},
        {"n": PiecewiseLinearValue((0.0, 8.0), (0.0, 1.0)), "deal": TableValue((0.0, 1.0))},
    )
    return compile_model([n, deal], [p, q], [] if constraint is None else [constraint])


@pytest.mark.parametrize(
    ("red_line", "constraint"),
    [
        (Condition("n", high=0.0), None),  # only n = 0: the first lattice point
        (Condition("n", high=2.0), Condition("n", low=1.0)),
        (Condition("n", low=3.0, high=5.0), None),
        (Condition("n", low=8.0), None),  # only the last point
        (Condition("n", high=0.5), Condition("n", low=0.5)),  # no integer: nothing
    ],
    ids=["first-point", "two-bounds", "middle", "last-point", "none"],
)
def test_conditions_on_an_integer_issue_by_milp_and_enumeration(red_line, constraint):
    model = _integer_issue(red_line, constraint)
    # enumerate every integer: the MILP on the interval then answers the same question
    levels = [np.arange(9.0), np.arange(2)]
    grid_model = compile_model(model.issues, model.parties, model.constraints, levels=levels)
    en = analyze(grid_model)
    mi = analyze_milp(model, ["nash", "utilitarian", "egalitarian"])
    assert mi.zone.exists == en.zone.exists
    if en.zone.exists:
        assert mi.zone.slack == pytest.approx(en.zone.slack, abs=1e-7)
        for concept, sol in mi.solutions.items():
            assert sol.outcome == en.solutions[concept].outcome, concept
    check_methods_agree(grid_model, skip_known_bugs=False, check_frontier=True)


# -- capped utilities ------------------------------------------------------------------------------


def _capped(
    cap: float,
    values=(0.0, 0.4, 1.0),
    reservation: float = 0.3,
    bonus: float | None = None,
) -> Model:
    """p's utility is min(cap, v(deal) + bonus when side = y) (weights as given); p does not
    care about ``side`` (its options are absent from p's utility); q values both issues."""
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    side = DiscreteIssue("side", ("x", "y"))
    inter = () if bonus is None else (Interaction((Condition("side", ("y",)),), bonus),)
    p = Party(
        "p",
        reservation,
        {"deal": 1.0},
        {"deal": TableValue(values)},
        cap=cap,
        normalise=False,
        interactions=inter,
    )
    q = Party(
        "q",
        0.1,
        {"deal": 1.0, "side": 1.0},
        {"deal": TableValue((1.0, 0.6, 0.0)), "side": TableValue((0.2, 1.0))},
    )
    return compile_model([deal, side], [p, q])


CAPPED = {
    "binds-at-c": lambda: _capped(0.7),
    "binds-at-b-and-c": lambda: _capped(0.35, reservation=0.0),
    "never-binds": lambda: _capped(1.5),
    "always-binds": lambda: _capped(0.3, values=(0.4, 0.5, 1.0), reservation=0.2),
    "negative-values": lambda: _capped(0.7, values=(-2.0, 0.4, 1.0), reservation=-0.6),
    "slightly-negative": lambda: _capped(0.7, values=(-0.5, 0.4, 1.0), reservation=-0.6),
    "negative-bonus": lambda: _capped(0.7, bonus=-2.0, reservation=-1.5),
    "positive-bonus": lambda: _capped(0.8, bonus=0.3),
}


@pytest.mark.parametrize("build", CAPPED.values(), ids=CAPPED.keys())
def test_capped_utilities_agree_with_enumeration(build):
    check_methods_agree(build(), skip_known_bugs=False, check_frontier=True)


@pytest.mark.parametrize("build", CAPPED.values(), ids=CAPPED.keys())
def test_capped_utility_is_min_of_cap_and_sum_at_every_outcome(build):
    # fix each outcome in turn: p's utility variable must be min(cap, L) whether it is
    # maximised or minimised (the big-M rows pin it from both sides)
    model = build()
    f = formulate(model, on_grid=True)
    u = model.utilities(model.space.levels(0, model.space.count))
    for index in range(model.space.count):
        levels = model.space.levels(index, index + 1)[0]
        for sense in (1.0, -1.0):
            prog = Program(f, ())
            for k, level in enumerate(levels):
                prog.row(f.levels[k], float(level), float(level))
            res = prog.maximise(sense * f.utility[0])
            assert res is not None, index
            got = float(f.utility[0] @ res.x[: f.n] + f.utility_const[0])
            assert got == pytest.approx(u[index, 0], abs=1e-7), (index, sense)


def test_capped_by_hand():
    # p: min(0.7, v) with v = 0, 0.4, 1 for deal a, b, c; reservation 0.3: p accepts b and c.
    # q: (v_q(deal) + v_q(side)) / 2 with v_q = 1, 0.6, 0 and 0.2, 1; reservation 0.1.
    # Acceptable: (b, x) gains (0.1, 0.3), (b, y) (0.1, 0.7), (c, x) (0.4, 0), (c, y)
    # (0.4, 0.4). Nash: (c, y), 0.16 against 0.07; egalitarian (c, y); utilitarian (c, y),
    # 1.2 (0.7 + 0.5) against (b, y)'s 1.2 (0.4 + 0.8): tied, the larger sum of gains is
    # tied too (0.8 each), so the first in order, (b, y)
    result = analyze_milp(_capped(0.7), ["nash", "egalitarian", "utilitarian"])
    assert result.zone.count == 4
    assert result.solutions["nash"].outcome == {"deal": "c", "side": "y"}
    assert result.solutions["nash"].objective == pytest.approx(math.log(0.4), abs=1e-7)
    assert result.solutions["egalitarian"].outcome == {"deal": "c", "side": "y"}
    assert result.solutions["utilitarian"].outcome == {"deal": "b", "side": "y"}
    assert result.zone.reach["p"] == pytest.approx(0.7, abs=1e-9)


# -- the tie-breaking order ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high"), [(0.0, 1.0), (0.0, 0.5), (2.0, 2.25), (1e6, 1e6 + 4.0), (-30.0, -10.0)]
)
def test_order_is_each_breakpoints_place_in_the_range(low, high):
    x = ContinuousIssue("x", low, high, grid=3)
    mid = low + 0.3 * (high - low)
    p = Party("p", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((low, mid, high), (0.0, 0.8, 1.0))})
    q = Party("q", 0.0, {"x": 1}, {"x": PiecewiseLinearValue((low, high), (1.0, 0.0))})
    f = formulate(compile_model([x], [p, q]))
    lam = f._segments[0][0]
    bp = f.levels[0][lam]
    assert bp.tolist() == pytest.approx([low, mid, high], rel=1e-15)
    place = [(v - low) / (high - low) for v in (low, mid, high)]  # 0, 0.3, 1
    assert f.order[0][lam].tolist() == pytest.approx(place, rel=0, abs=1e-15)
    others = np.setdiff1d(np.arange(f.n), lam)
    assert not f.order[0][others].any() and not f.levels[0][others].any()


def test_order_of_a_single_point_and_of_options():
    fixed = ContinuousIssue("fixed", 3.0, 3.0)
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    p = Party("p", 0.0, {"deal": 1}, {"deal": TableValue((0.0, 0.5, 1.0))})
    f = formulate(compile_model([fixed, deal], [p, Party("q", 0.0, {}, {})]))
    lam = f._segments[0][0]
    assert f.levels[0][lam].tolist() == [3.0] and f.order[0][lam].tolist() == [0.0]
    y = f._option_vars[1]
    assert f.order[1][y].tolist() == [0.0, 1.0, 2.0] == f.levels[1][y].tolist()


# -- Nash's degenerate cases -----------------------------------------------------------------------


def _one_gains_nothing() -> Model:
    # q gains exactly 0 wherever it accepts (value 0.5, reservation 0.5): every Nash product
    # is 0, all acceptable outcomes tie, and the larger sum of gains wins: p's best, b
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    p = Party("p", 0.0, {"deal": 1}, {"deal": TableValue((0.25, 1.0, 0.5))})
    q = Party("q", 0.5, {"deal": 1}, {"deal": TableValue((0.5, 0.5, 0.0))})
    return compile_model([deal], [p, q])


def test_nash_when_a_signatory_cannot_gain():
    model = _one_gains_nothing()
    result = analyze_milp(model, ["nash"])
    nash = result.solutions["nash"]
    assert nash is not None and nash.outcome == {"deal": "b"}
    assert nash.outcome == analyze(model).solutions["nash"].outcome
    check_methods_agree(model, skip_known_bugs=False)


def test_all_tie_is_the_first_acceptable_outcome_or_none():
    f = formulate(_one_gains_nothing())
    pick = mc._all_tie(f)
    assert f.decode(pick.x) == {"deal": "b"} and pick.objective == -np.inf
    # feasible outcomes but none acceptable (q's reservation out of reach): None
    model = _one_gains_nothing()
    q = model.parties[1]
    refused = compile_model(model.issues, [model.parties[0], Party("q", 0.9, q.weights, q.values)])
    assert mc._all_tie(formulate(refused)) is None
    assert mc.nash(formulate(refused), ideal=np.zeros(2)) is None


def test_nash_relaxation_landing_on_a_zero_gain():
    # a: gains (1, 0); b: (0.001, 1); c: (0.002, 0.5). With p's power 3 the first
    # relaxation's best is a (its tangents put q's log at a near log 1e-6, far above the true
    # -inf). Nash: b 0.75 log 0.001 = -5.18, c 0.75 log 0.002 + 0.25 log 0.5 = -4.83: c.
    # Regression: the loop took a's -inf for converged (the tolerance of -inf is inf) and
    # fell back to the all-tie rule, the larger sum of gains: b, objective -inf
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    p = Party("p", 0.0, {"deal": 1}, {"deal": TableValue((1.0, 0.001, 0.002))}, power=3.0)
    q = Party("q", 0.0, {"deal": 1}, {"deal": TableValue((0.0, 1.0, 0.5))})
    model = compile_model([deal], [p, q])
    f = formulate(model)
    pick = mc.nash(f, model.power)
    assert f.decode(pick.x) == {"deal": "c"}
    expected = 0.75 * math.log(0.002) + 0.25 * math.log(0.5)
    assert pick.objective == pytest.approx(expected, abs=1e-9)
    check_methods_agree(model, skip_known_bugs=False)


def test_a_unique_optimum_skips_the_tie_breaking_solves(monkeypatch):
    # every issue discrete and one outcome best: after the optimum, one programme with a
    # no-good cut shows nothing else qualifies, and no issue's level is minimised
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    side = DiscreteIssue("side", ("x", "y"))
    p = Party(
        "p",
        0.0,
        {"deal": 1, "side": 1},
        {"deal": TableValue((0.0, 0.5, 1.0)), "side": TableValue((0.0, 1.0))},
    )
    q = Party("q", 0.0, {}, {})  # indifferent: the signatories' sum is p's utility
    f = formulate(compile_model([deal, side], [p, q]))
    solves: list[int] = []
    original = Program.maximise

    def counted(self, objective, *args, **kwargs):
        solves.append(1)
        return original(self, objective, *args, **kwargs)

    monkeypatch.setattr(Program, "maximise", counted)
    pick = mc.utilitarian(f)
    assert f.decode(pick.x) == {"deal": "c", "side": "y"}
    assert len(solves) == 2  # the optimum, then the no-good cut (infeasible)
    # with a tie (deal b and c both best), the levels are minimised: more solves
    tied = compile_model(
        [deal, side],
        [Party("p", 0.0, {"deal": 1}, {"deal": TableValue((0.0, 1.0, 1.0))}), q],
    )
    solves.clear()
    g = formulate(tied)
    pick = mc.utilitarian(g)
    assert g.decode(pick.x) == {"deal": "b", "side": "x"}
    assert len(solves) == 2 + len(tied.issues)


# -- every signatory, or every product, at zero gain -------------------------------------------


def _nobody_gains() -> Model:
    # p and q gain exactly 0 wherever they accept (value 0.5, reservation 0.5: c and d); r is
    # not a signatory. Kalai has no signatory to scale: every acceptable outcome ties, and so
    # do the signatories' sums of gains: the first, c
    deal = DiscreteIssue("deal", ("a", "b", "c", "d"))
    p = Party("p", 0.5, {"deal": 1}, {"deal": TableValue((0.0, 0.0, 0.5, 0.5))})
    q = Party("q", 0.5, {"deal": 1}, {"deal": TableValue((0.5, 0.5, 0.5, 0.5))})
    r = Party("r", 0.0, {"deal": 1}, {"deal": TableValue((0.25, 1.0, 0.75, 0.75))})
    return compile_model([deal], [p, q, r], signatories=["p", "q"])


@pytest.mark.parametrize("concept", ["kalai", "egalitarian"])
def test_maximin_without_a_signatory_to_scale_picks_the_tie_rule(concept):
    model = _nobody_gains()
    f = formulate(model)
    if concept == "kalai":
        pick = mc.kalai(f)
        assert pick is not None and pick.objective == 1.0
        assert f.decode(pick.x) == {"deal": "c"}  # a and b are refused by p
    milp = analyze_milp(model, [concept]).solutions[concept]
    enum = analyze(model).solutions[concept]
    assert milp is not None and enum is not None
    assert milp.outcome == enum.outcome


def test_nash_when_no_outcome_gives_every_signatory_a_gain():
    # a: (0.6, 0), b: (0, 1), c: (0.3, 0): each signatory gains somewhere, never both at
    # once, so every Nash product is 0; the larger sum of gains wins: b
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    p = Party("p", 0.0, {"deal": 1}, {"deal": TableValue((0.6, 0.0, 0.3))})
    q = Party("q", 0.0, {"deal": 1}, {"deal": TableValue((0.0, 1.0, 0.0))})
    model = compile_model([deal], [p, q])
    f = formulate(model)
    pick = mc.nash(f)
    assert pick is not None and f.decode(pick.x) == {"deal": "b"}
    assert pick.objective == -np.inf
    assert analyze_milp(model, ["nash"]).solutions["nash"].outcome == {"deal": "b"}
    assert analyze(model).solutions["nash"].outcome == {"deal": "b"}


# -- Nash's polish: projected Newton on a segment ----------------------------------------------


def _price_split():
    # p's gain is price / 100, q's is 1 - price / 100, on one segment [0, 100]
    price = ContinuousIssue("price", 0.0, 100.0)
    up = PiecewiseLinearValue((0.0, 100.0), (0.0, 1.0))
    down = PiecewiseLinearValue((0.0, 100.0), (1.0, 0.0))
    p = Party("p", 0.0, {"price": 1}, {"price": up})
    q = Party("q", 0.0, {"price": 1}, {"price": down})
    return formulate(compile_model([price], [p, q]))


def _at(f, x: np.ndarray, t: float) -> np.ndarray:
    lam = f._segments[0][0]
    out = x.copy()
    out[lam] = 0.0
    out[lam[0]], out[lam[1]] = 1.0 - t, t
    return out


@pytest.mark.parametrize(
    ("w", "price"), [((0.5, 0.5), 50.0), ((0.75, 0.25), 75.0), ((0.99, 0.01), 99.0)]
)
@pytest.mark.parametrize("start", [0.999, 0.9, 0.5, 0.01])
def test_polish_reaches_the_weighted_nash_price_from_far_away(w, price, start):
    # max w_p log t + w_q log(1 - t): t = w_p. With unequal powers a full Newton step can
    # overshoot past the box (from t = 0.9 with powers 0.99 / 0.01 it lands at 1.31, q's
    # gain below 0): the backtracking keeps it inside
    f = _price_split()
    x = _at(f, mc.nash(f).x, start)
    out = mc._polish_nash(f, x, [0, 1], np.array(w))
    assert f.decode(out)["price"] == pytest.approx(price, abs=1e-7)


@pytest.mark.parametrize("start", [0.0, 1.0])
def test_polish_leaves_a_start_with_a_zero_gain_as_it_is(start):
    f = _price_split()
    x = _at(f, mc.nash(f).x, start)
    out = mc._polish_nash(f, x, [0, 1], np.array([0.5, 0.5]))
    assert out is not None and np.array_equal(out, x)


def test_condition_span_where_the_arithmetic_guess_rounds_short_of_a_point():
    # start - low = 1000 + 4e-14 rounds to 1000: the first guess is the point 0, just below
    # the bound's start 4e-14; the span must step forward to the point 1
    low = 4e-14 + BOUND_ATOL
    while low - BOUND_ATOL > 4e-14:
        low = float(np.nextafter(low, 0.0))
    start = low - BOUND_ATOL
    assert 0.0 < start < 5e-14 and start - (-1000.0) == 1000.0
    _check_span(Condition("x", low=low), (-1000.0, 1.0, 2001), None)
    assert _condition_span(Condition("x", low=low), (-1000.0, 1.0, 2001), None)[0] == 0.5
