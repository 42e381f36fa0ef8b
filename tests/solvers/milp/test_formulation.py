"""Unit tests of the MILP formulation (simulator.solvers.milp.formulation) and Program."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import analyze
from simulator.analysis_milp import analyze_milp
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    Implication,
    Interaction,
    Model,
    Party,
    PiecewiseLinearValue,
    TableValue,
    compile_model,
)
from simulator.model.rules import BOUND_ATOL
from simulator.solvers.milp.concepts import _program
from simulator.solvers.milp.formulation import formulate
from simulator.solvers.milp.program import Program
from tests.solvers.milp.test_methods_agree import check_methods_agree

PIECES = PiecewiseLinearValue((1.0, 4.0, 7.0), (0.0, 1.0, 0.25))


def _model(bonus_when=None, red=(), constraints=(), bonus=0.25):
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    x = ContinuousIssue("x", 0.0, 10.0, 3)
    inter = () if bonus_when is None else (Interaction(bonus_when, bonus),)
    p = Party("p", 0.0, {"x": 1.0}, {"x": PIECES}, red_lines=tuple(red), interactions=inter)
    q = Party("q", 0.0, {"deal": 1.0}, {"deal": TableValue((1.0, 0.5, 0.0))})
    return compile_model([deal, x], [p, q], constraints)


def _max(f, objective, extra=()):
    prog = Program(f, ())
    for coefs, lo, hi in extra:
        prog.row(coefs, lo, hi)
    return prog.maximise(objective)


def test_one_hot_rows():
    f = formulate(_model())
    a, lo, hi = f.rows
    a = a.toarray()
    y = f._option_vars[0]
    onehot = np.zeros(f.n)
    onehot[y] = 1.0
    hits = [r for r in range(a.shape[0]) if np.array_equal(a[r], onehot)]
    assert len(hits) == 1 and lo[hits[0]] == hi[hits[0]] == 1.0
    assert (f.integrality[y] == 1).all()
    # on the grid, the continuous issue is the lattice 0 + 5 m, m an integer in [0, 2]
    g = formulate(_model(), on_grid=True)
    assert g._option_vars[1] is None and g._lattices[1] == (0.0, 5.0, 3)
    m = g._segments[1][2]
    assert g.integrality[m] == 1 and (g.lb[m], g.ub[m]) == (0.0, 2.0)
    # every solution picks exactly one option
    for obj in np.eye(f.n):
        res = _max(f, obj)
        assert res.x[y].sum() == pytest.approx(1.0)
        assert np.isclose(res.x[y], 1.0).sum() == 1


@pytest.mark.parametrize("x", [0.0, 1.0, 2.5, 4.0, 5.3, 7.0, 9.99, 10.0])
def test_piecewise_linear_value_through_the_formulation(x):
    f = formulate(_model())
    # fix x with rows: levels[x] @ z == x
    coef = f.levels[1]
    for sense in (1.0, -1.0):
        res = _max(f, sense * f.utility[0], [(coef, x, x)])
        assert res is not None
        assert f.utility[0] @ res.x[: f.n] + f.utility_const[0] == pytest.approx(
            float(PIECES(np.array([x]))[0]), abs=1e-7
        )
        assert f.decode(res.x)["x"] == pytest.approx(x, abs=1e-7)
    # and through restrict(): x is then a single level
    # (a restricted model keeps x at one level only on the grid: off the grid formulate()
    # lets a continuous issue range over its whole interval whatever the restriction)
    sub = formulate(_model().restrict({"x": x}), on_grid=True)
    res = _max(sub, sub.utility[0])
    assert res.value + sub.utility_const[0] == pytest.approx(float(PIECES(np.array([x]))[0]))


def test_continuous_condition_respects_bound_atol():
    # red line x <= 4: x = 4 + BOUND_ATOL/2 holds, x = 4 + 1e-3 does not
    f = formulate(_model(red=[Condition("x", high=4.0)]))
    hold = f.red_lines[0].hold
    coef = f.levels[1]
    for x, ok in ((4.0, True), (4.0 + BOUND_ATOL / 2, True), (4.0 + 1e-3, False), (3.0, True)):
        prog = Program(f, (0,))
        prog.row(coef, x, x)
        assert (prog.maximise(np.zeros(0)) is not None) == ok, x
    assert hold[0].shape[0] == 1
    # the breakpoint sits at the bound plus BOUND_ATOL
    assert np.any(np.isclose(coef[coef != 0], 4.0 + BOUND_ATOL, rtol=0, atol=1e-15))


def test_interaction_bonus_only_when_every_condition_holds():
    when = (Condition("deal", options=("a",)), Condition("x", low=6.0))
    model = _model(bonus_when=when)
    f = formulate(model)
    for deal in ("a", "b"):
        for x in (2.0, 6.0, 8.0):
            fixed = formulate(model.restrict({"deal": deal, "x": x}), on_grid=True)
            for sense in (1.0, -1.0):  # the bonus is forced, not optional
                res = _max(fixed, sense * fixed.utility[0])
                expected = float(PIECES(np.array([x]))[0]) + 0.25 * (deal == "a" and x >= 6.0)
                assert fixed.utility[0] @ res.x[: fixed.n] == pytest.approx(expected, abs=1e-7)
    # unrestricted, a bonus of 0.25 does not pay (0.5 + 0.25 at x = 6 < 1 at x = 4); one of
    # 0.6 does: p's best is deal a at x = 6, 0.5 + 0.6
    res = _max(f, f.utility[0])
    assert res.value == pytest.approx(1.0, abs=1e-7)
    assert f.decode(res.x)["x"] == pytest.approx(4.0, abs=1e-6)
    g = formulate(_model(bonus_when=when, bonus=0.6))
    res = _max(g, g.utility[0])
    assert res.value == pytest.approx(1.1, abs=1e-7)
    out = g.decode(res.x)
    assert out["deal"] == "a" and out["x"] == pytest.approx(6.0, abs=1e-6)


def test_decode_round_trips():
    model = _model()
    f = formulate(model)
    for deal in ("a", "b", "c"):
        for x in (0.0, 3.3, 10.0):
            res = _max(
                f,
                np.zeros(0),
                [(f.levels[0], "abc".index(deal), "abc".index(deal)), (f.levels[1], x, x)],
            )
            out = f.decode(res.x)
            assert out["deal"] == deal and out["x"] == pytest.approx(x, abs=1e-7)
    g = formulate(model, on_grid=True)
    for index in range(model.space.count):
        want = model.outcome(index)
        deal, x = "abc".index(want["deal"]), want["x"]
        res = _max(g, np.zeros(0), [(g.levels[0], deal, deal), (g.levels[1], x, x)])
        assert g.decode(res.x) == want
    # and only grid points are feasible on the grid: x = 2.5 is not (grid 0, 5, 10)
    assert _max(g, np.zeros(0), [(g.levels[1], 2.5, 2.5)]) is None
    assert _max(f, np.zeros(0), [(f.levels[1], 2.5, 2.5)]) is not None


def test_refuse_excludes_a_gain_of_exactly_zero():
    # q's gain is exactly 0 at deal = c (value 0, reservation 0): refuse() must exclude it
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    p = Party("p", 0.0, {"deal": 1.0}, {"deal": TableValue((0.0, 0.0, 1.0))})
    q = Party("q", 0.0, {"deal": 1.0}, {"deal": TableValue((1.0, 0.5, 0.0))})
    f = formulate(compile_model([deal], [p, q]))
    prog = _program(f, accept=False)
    prog.refuse(1)
    assert prog.maximise(np.zeros(0)) is None
    prog = _program(f, accept=False)
    prog.accept(1)
    res = prog.maximise(f.utility[0])
    assert f.decode(res.x)["deal"] == "c"  # accept() keeps it


@pytest.mark.parametrize("v", [0.0, 0.3, 1.0, 7.25, 1e3])
@pytest.mark.parametrize("on_grid", [False, True])
def test_a_condition_on_a_one_point_issue_holds_exactly_as_enumeration_says(v, on_grid):
    # an issue of one value v (low == high) and a red line on it: at the bound's tolerance
    # (low = v + BOUND_ATOL, high = v - BOUND_ATOL) it holds, one more tolerance past it
    # it does not; the MILP must say what enumeration says, at both ends
    deal = DiscreteIssue("deal", ("a", "b"))
    x = ContinuousIssue("x", v, v, 1)

    def feasible(red):
        p = Party("p", 0.0, {"deal": 1.0}, {"deal": TableValue((1.0, 0.0))}, red_lines=(red,))
        q = Party("q", 0.0, {"deal": 1.0}, {"deal": TableValue((0.0, 1.0))})
        model = compile_model([deal, x], [p, q])
        enumerated = bool((model.red_line_breaks(model.space.levels(0, 2)) == 0).any())
        res = Program(formulate(model, on_grid=on_grid), (0,)).maximise(np.zeros(0))
        return res is not None, enumerated

    for red, holds in (
        (Condition("x", low=v + BOUND_ATOL), v >= (v + BOUND_ATOL) - BOUND_ATOL),
        (Condition("x", high=v - BOUND_ATOL), v <= (v - BOUND_ATOL) + BOUND_ATOL),
        (Condition("x", low=v + 3 * BOUND_ATOL), False),
        (Condition("x", high=v - 3 * BOUND_ATOL), False),
        (Condition("x", low=v, high=v), True),
    ):
        assert feasible(red) == (holds, holds), (red, v)


def _one_point_rules_model(kind: str, holds: bool) -> Model:
    # x has one value, 2.0: a condition on it is a constant (true for x >= 1, false for
    # x <= 1), which the MILP carries as the constant of its indicator. Each ``kind`` puts
    # such a constant where it changes the answer: an implication's antecedent or
    # consequent (a constraint, or a red line the open zone's analysis asks about: would
    # breaking it add outcomes?), or one condition of an interaction's bonus (which q's
    # reservation blocks depends on whether the bonus is paid).
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    x = ContinuousIssue("x", 2.0, 2.0, 1)
    on_x = Condition("x", low=1.0) if holds else Condition("x", high=1.0)
    p_values = TableValue((0.35, 0.4, 1.0))  # p accepts everything, q a and b
    q_values = TableValue((1.0, 0.6, 0.0))
    constraints, p_red, q_bonus = (), (), ()
    if kind == "antecedent":
        constraints = (Implication(on_x, Condition("deal", ("a",))),)
    elif kind == "consequent":
        constraints = (Implication(Condition("deal", ("c",)), on_x),)
    elif kind == "red line antecedent":
        p_red = (Implication(on_x, Condition("deal", ("b", "c"))),)
    elif kind == "red line consequent":
        p_red = (Implication(Condition("deal", ("a",)), on_x),)
    else:  # q's bonus at b when the condition on x holds: without it q refuses b
        p_values, q_values = TableValue((0.5, 1.0, 0.0)), TableValue((1.0, 0.0, 0.0))
        q_bonus = (Interaction((on_x, Condition("deal", ("b",))), 0.9),)
    p = Party("p", 0.3, {"deal": 1.0}, {"deal": p_values}, red_lines=p_red, normalise=False)
    q = Party("q", 0.3, {"deal": 1.0}, {"deal": q_values}, interactions=q_bonus, normalise=False)
    return compile_model([deal, x], [p, q], constraints)


@pytest.mark.parametrize("holds", [True, False])
@pytest.mark.parametrize(
    "kind",
    ["antecedent", "consequent", "red line antecedent", "red line consequent", "interaction"],
)
def test_rules_on_a_one_point_issue_agree_with_enumeration(kind, holds):
    model = _one_point_rules_model(kind, holds)
    check_methods_agree(model, skip_known_bugs=False, check_frontier=True)
    # off the grid too: the same zone, Nash outcome and blocking red lines
    en = analyze(model, ["nash"])
    mi = analyze_milp(model, ["nash"])
    assert mi.zone.exists == en.zone.exists and mi.zone.count == en.zone.count

    def blockers(zone):
        return sorted((b.party, b.kind, b.line) for b in zone.blocking)

    assert blockers(mi.zone) == blockers(en.zone)
    if en.zone.exists:
        assert mi.solutions["nash"].outcome == en.solutions["nash"].outcome
