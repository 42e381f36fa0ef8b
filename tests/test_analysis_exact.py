"""Exact cases for :mod:`simulator.analysis` that mutation testing found unguarded
(``benchmarks/mutation.py``): the frontier of a space too large for one block, worked by
counting; every outcome of a frontier row; the acceptance tolerance's boundary; and the
fallback from a failing MILP to enumeration."""

from __future__ import annotations

import dataclasses
from math import comb

import numpy as np
import pytest

from simulator import analyze, compile_model, evaluate
from simulator.analysis import frontier_outcomes
from simulator.errors import SolverError
from simulator.model import Condition, DiscreteIssue, Party, TableValue
from simulator.model.party import Interaction
from simulator.model.space import BLOCK
from simulator.solvers.pareto import pareto_mask

# -- a frontier worked by counting -----------------------------------------------------------
#
# 17 yes/no issues, 2 * 2**16 = 131,072 outcomes: more than a block (2**16), so the analysis
# finds the frontier from its parts (the lead issue, then a block of the 16 others). p wants
# option "p" everywhere, q option "q"; the lead issue weighs 2, the others 1 (of 18). With
# ``a`` = 1 when the lead issue is at "p" and ``k`` the trailing issues at "p", p's utility is
# ``s / 18`` with ``s = 2a + k`` and q's ``1 - s / 18``: every outcome lies on one line, so
# every acceptable outcome is Pareto-optimal, and the outcomes of a row are those of one ``s``.


def _line_model(lead_q: tuple[float, float], res_p: float, res_q: float):
    issues = [DiscreteIssue(f"i{k}", ("p", "q")) for k in range(17)]
    weights = {i.name: (2.0 if k == 0 else 1.0) for k, i in enumerate(issues)}
    p = Party("p", res_p, weights, {i.name: TableValue((1.0, 0.0)) for i in issues})
    q_values = {i.name: TableValue((0.0, 1.0)) for i in issues}
    q_values["i0"] = TableValue(lead_q)
    q = Party("q", res_q, weights, q_values)
    return compile_model(issues, [p, q])


def _first_with(zeros: int, n: int = 16) -> int:
    """The smallest number of ``n`` binary digits with exactly ``zeros`` zero digits (its
    ones in the lowest places)."""
    return 2 ** (n - zeros) - 1


def test_a_frontier_from_parts_worked_by_counting():
    model = _line_model((0.0, 1.0), res_p=0.25, res_q=0.1)
    assert model.space.count == 2 * BLOCK and model.space.split() == 1
    result = analyze(model)
    # acceptable: s / 18 >= 0.25 and 1 - s / 18 >= 0.1, i.e. 5 <= s <= 16
    s = np.arange(5, 17)
    # count: C(16, s - 2) with the lead at "p" (it adds 2), C(16, s) with it at "q"
    counts = [comb(16, v - 2) + comb(16, v) for v in s]
    # first outcome: the lead at "p" (level 0) when s >= 2, its trailing number the smallest
    # with s - 2 zero digits
    first = [_first_with(v - 2) for v in s]
    front = result.pareto
    assert front.indices.tolist() == sorted(first)
    by_first = dict(zip(first, zip(s, counts)))
    assert front.counts.tolist() == [by_first[i][1] for i in front.indices]
    assert front.utilities[:, 0] == pytest.approx([by_first[i][0] / 18 for i in front.indices])
    assert front.utilities.sum(axis=1) == pytest.approx(1.0)
    assert result.zone.count == front.count == sum(counts)
    # Nash: (s/18 - 0.25)(0.9 - s/18) is largest at s/18 = 0.575: s = 10 (0.1052 > 0.1043)
    nash = result.solutions["nash"]
    assert nash.index == _first_with(8)
    assert nash.outcome == {f"i{k}": ("p" if k <= 8 else "q") for k in range(17)}


def test_a_frontier_from_parts_when_one_lead_option_dominates():
    # the lead issue's "p" is best for both: every frontier outcome has it (numbers < 2**16)
    model = _line_model((1.0, 0.0), res_p=0.0, res_q=0.0)
    front = analyze(model, ()).pareto
    k = np.arange(17)  # trailing issues at "p"; p gets (2 + k) / 18, q (2 + 16 - k) / 18
    order = np.argsort([_first_with(v) for v in k])
    assert front.indices.tolist() == [_first_with(v) for v in k[order]]
    assert front.counts.tolist() == [comb(16, v) for v in k[order]]
    assert front.utilities[:, 0] == pytest.approx((2 + k[order]) / 18)
    assert front.utilities[:, 1] == pytest.approx((18 - k[order]) / 18)


def test_an_interaction_keeps_the_frontier_off_the_additive_parts():
    # The lead issue's "p" is best for both in the additive sums, but q loses 0.5 whenever it
    # is chosen: outcomes with the lead at "q" are on the frontier. Built from the additive
    # parts, the frontier would drop them; with an interaction it must be found outcome by
    # outcome, and equal the frontier of every outcome's utilities.
    base = _line_model((1.0, 0.0), res_p=0.0, res_q=0.0)
    p, q = base.parties
    penalty = Interaction((Condition("i0", ("p",)),), -0.5)
    model = compile_model(base.issues, [p, dataclasses.replace(q, interactions=(penalty,))])
    assert model.space.split() == 1 and not model.parties[1].additive
    u = np.vstack([chunk for _, _, chunk in model.evaluated(levels=False)])
    acceptable = u[(u >= model.reservations - 1e-9).all(axis=1)]
    expected = {tuple(v) for v in np.round(acceptable[pareto_mask(acceptable)], 9)}
    front = analyze(model, ()).pareto
    assert {tuple(v) for v in np.round(front.utilities, 9)} == expected
    assert any(v[1] > (18 - 0) / 18 - 0.5 + 1e-9 for v in expected)  # lead at "q" points


def test_a_part_dominated_below_the_rounding_still_counts():
    # Utilities of 1e-6 per issue: the lead issue's "y" gives p 3e-13 less than "x", less than
    # the rounding to 12 decimals, so each outcome with "y" has exactly the utilities of its
    # twin with "x": both are on the frontier, every count doubles (the parts' margin must not
    # shrink with the utilities' scale).
    issues = [DiscreteIssue("lead", ("x", "y"))] + [
        DiscreteIssue(f"i{k}", ("p", "q")) for k in range(16)
    ]
    weights = {i.name: 1.0 for i in issues}  # 1/17 each
    p_values = {i.name: TableValue((17e-6, 0.0)) for i in issues[1:]}
    p_values["lead"] = TableValue((17e-6, 17e-6 - 17 * 3e-13))
    q_values = {i.name: TableValue((0.0, 17e-6)) for i in issues[1:]}
    q_values["lead"] = TableValue((0.0, 0.0))
    model = compile_model(
        issues, [Party("p", 0.0, weights, p_values), Party("q", 0.0, weights, q_values)]
    )
    assert model.space.split() == 1
    front = analyze(model, ()).pareto
    k = np.arange(17)  # trailing issues at "p": p gets 1e-6 (1 + k), q 1e-6 (16 - k)
    order = np.argsort([_first_with(v) for v in k])
    assert front.counts.tolist() == [2 * comb(16, v) for v in k[order]]
    assert front.indices.tolist() == [_first_with(v) for v in k[order]]
    assert front.utilities[:, 0] == pytest.approx(1e-6 * (1 + k[order]), abs=1e-15)


# -- every outcome of a frontier row ----------------------------------------------------------


def _size_colour(red_line: bool):
    size, colour = DiscreteIssue("size", ("s", "l")), DiscreteIssue("colour", ("r", "b"))
    lines = (Condition("colour", options=("b",), negate=True),) if red_line else ()
    p = Party(
        "p",
        0.0,
        {"size": 1, "colour": 0},
        {"size": TableValue((1.0, 0.0)), "colour": TableValue((0.0, 0.0))},
        red_lines=lines,
    )
    q = Party(
        "q",
        0.0,
        {"size": 1, "colour": 0},
        {"size": TableValue((0.0, 1.0)), "colour": TableValue((0.0, 0.0))},
    )
    return compile_model([size, colour], [p, q])


def test_frontier_outcomes_of_the_row_of_outcome_zero():
    m = _size_colour(red_line=False)
    front = analyze(m, ()).pareto
    assert front.indices.tolist() == [0, 2]  # (s, r) and (l, r) first; colour is indifferent
    assert frontier_outcomes(m, front, 0).tolist() == [0, 1]
    assert frontier_outcomes(m, front, 1).tolist() == [2, 3]


def test_frontier_outcomes_leave_out_what_breaks_a_red_line():
    m = _size_colour(red_line=True)  # p refuses colour b: outcomes 1 and 3
    front = analyze(m, ()).pareto
    assert front.counts.tolist() == [1, 1]
    assert frontier_outcomes(m, front, 0).tolist() == [0]
    assert frontier_outcomes(m, front, 1).tolist() == [2]


# -- the acceptance tolerance is inclusive ----------------------------------------------------


def test_a_gain_of_exactly_minus_the_tolerance_is_accepted():
    # p's reservation is 1e-9 and deal "a" gives it 0: a gain of exactly -ACCEPT_ATOL (-1e-9)
    deal = DiscreteIssue("deal", ("a", "b"))
    p = Party("p", 1e-9, {"deal": 1}, {"deal": TableValue((0.0, 1.0))})
    q = Party("q", 0.0, {"deal": 1}, {"deal": TableValue((1.0, 0.0))})
    result = analyze(compile_model([deal], [p, q]))
    assert result.zone.count == 2
    assert result.pareto.indices.tolist() == [0, 1]


def test_a_proposal_at_the_tolerance_is_accepted():
    # "a" gives p exactly its reservation less the tolerance, q exactly its reservation
    deal = DiscreteIssue("deal", ("a", "b"))
    p = Party("p", 1e-9, {"deal": 1}, {"deal": TableValue((0.0, 1.0))})
    q = Party("q", 0.5, {"deal": 1}, {"deal": TableValue((0.5, 0.0))})
    model = compile_model([deal], [p, q])
    assert evaluate(model, {"deal": "a"}).accepts == {"p": True, "q": True}
    assert evaluate(model, {"deal": "b"}).accepts == {"p": True, "q": False}
    # left open: p accepts some completion and not every one; q likewise
    assert evaluate(model, {}).accepts == {"p": True, "q": None}


# -- a failing MILP ---------------------------------------------------------------------------


class _Picked:
    def __init__(self, method: str):
        self.method = method


def _failing_milp(*args, **kwargs):
    raise SolverError("HiGHS failed (test)")


def test_a_milp_failure_is_raised_under_milp_and_enumerated_under_auto(monkeypatch):
    import simulator.analysis as analysis
    import simulator.analysis_milp as analysis_milp

    model = _size_colour(red_line=False)
    monkeypatch.setattr(analysis_milp, "analyze_milp", _failing_milp)
    with pytest.raises(SolverError):
        analyze(model, method="milp")
    monkeypatch.setattr(analysis, "choose_method", lambda m: _Picked("milp"))
    result = analyze(model, method="auto")
    assert result.method == "enumerate"
    assert result.solutions["nash"].index == analyze(model).solutions["nash"].index
    # ... unless the space is too large to enumerate
    with pytest.raises(SolverError):
        analyze(model, method="auto", max_outcomes=3)


def test_a_blocking_red_line_names_its_place_among_the_models_red_lines():
    # p's two red lines: colour not "b" (harmless) and size "s"; q accepts only size "l"
    # (0.75 against its reservation 0.7): the second line alone closes the zone, and its
    # blocker says which of the model's red lines it is.
    size, colour = DiscreteIssue("size", ("s", "l")), DiscreteIssue("colour", ("r", "b"))
    p = Party(
        "p",
        0.0,
        {"size": 1, "colour": 1},
        {"size": TableValue((1.0, 0.0)), "colour": TableValue((1.0, 0.0))},
        red_lines=(
            Condition("colour", options=("b",), negate=True),
            Condition("size", options=("s",)),
        ),
    )
    q = Party(
        "q",
        0.7,
        {"size": 1, "colour": 1},
        {"size": TableValue((0.0, 1.0)), "colour": TableValue((0.5, 0.5))},
    )
    model = compile_model([size, colour], [p, q])
    zone = analyze(model, ()).zone
    assert not zone.exists
    lines = [b for b in zone.blocking if b.kind == "red_line"]
    assert [(b.party, b.line) for b in lines] == [("p", 1)]
    assert model.red_lines[1].rule == Condition("size", options=("s",))
