"""Exact cases for :mod:`simulator.analysis` that mutation testing found unguarded
(``benchmarks/mutation.py``): the frontier of a space too large for one block, worked by
counting; every outcome of a frontier row; the acceptance tolerance's boundary; and the
fallback from a failing MILP to enumeration."""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from math import comb

import numpy as np
import pytest

from simulator import analyze, compile_model, evaluate
from simulator.analysis import _parts_split, frontier_outcomes
from simulator.errors import SolverError
from simulator.model import (
    ACCEPT_ATOL,
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    Party,
    PiecewiseLinearValue,
    TableValue,
)
from simulator.model.party import Interaction
from simulator.model.space import BLOCK
from simulator.results import Frontier
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


def test_the_frontier_from_parts_accepts_a_gain_of_exactly_minus_the_tolerance():
    # every outcome lies on one line, so all acceptable ones are on the frontier; with both
    # reservations at 1e-9, the two extremes (all "p": q gets 0, all "q": p gets 0) have a
    # gain of exactly -ACCEPT_ATOL and are accepted: the frontier is the whole space
    model = _line_model((0.0, 1.0), res_p=1e-9, res_q=1e-9)
    assert _parts_split(model) == 1
    result = analyze(model, ())
    assert result.zone.count == result.pareto.count == 2 * BLOCK
    front = result.pareto
    assert front.indices[0] == 0 and front.utilities[0].tolist() == [1.0, 0.0]
    last = int(np.argmax(front.indices))
    assert front.indices[last] == 2 * BLOCK - 1 and front.utilities[last].tolist() == [0.0, 1.0]


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
    # ... unless the space is too large to enumerate: a space of exactly max_outcomes is not
    n = model.space.count
    assert analyze(model, method="auto", max_outcomes=n).method == "enumerate"
    with pytest.raises(SolverError):
        analyze(model, method="auto", max_outcomes=n - 1)
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


# -- the frontier from its parts equals the frontier of every outcome --------------------------


def _brute_frontier(model):
    """The frontier by brute force: every outcome's utilities, the acceptable ones, their
    Pareto-optimal ones (over the signatories), grouped by equal rows (first, count)."""
    u = np.vstack([chunk for _, _, chunk in model.evaluated(levels=False)])
    sig = model.signatories
    ok = np.flatnonzero((u[:, sig] >= model.reservations[sig] - ACCEPT_ATOL).all(axis=1))
    keep = ok[pareto_mask(u[ok][:, sig])]
    _, first, counts = np.unique(u[keep] + 0.0, axis=0, return_index=True, return_counts=True)
    order = np.argsort(first)
    rows = keep[first[order]]
    return rows, counts[order], u[rows]


def _random_tables(seed: int, signatories=None, reservations=(0.3, 0.2, 0.0)):
    # issues of 3 and 5 options lead (14 yes/no issues make 2**14 < BLOCK, 5 * 2**14 > BLOCK):
    # 3 * 5 * 2**14 = 245,760 outcomes. Values in tenths; the yes/no issues come in three
    # kinds, alike for every party, so that outcomes swapping issues of a kind tie (counts)
    rng = np.random.default_rng(seed)
    issues = [DiscreteIssue("three", ("a", "b", "c")), DiscreteIssue("five", tuple("vwxyz"))]
    issues += [DiscreteIssue(f"i{k}", ("n", "y")) for k in range(14)]
    kinds = rng.integers(0, 3, 14)
    parties = []
    for j, name in enumerate(("p", "q", "r")):
        weights = {"three": float(rng.integers(1, 4)), "five": float(rng.integers(1, 4))}
        weights.update({f"i{k}": 1.0 for k in range(14)})
        values = {i.name: TableValue(tuple(rng.integers(0, 11, i.n_levels) / 10)) for i in issues}
        kind_values = [TableValue(tuple(rng.integers(0, 11, 2) / 10)) for _ in range(3)]
        values.update({f"i{k}": kind_values[kinds[k]] for k in range(14)})
        parties.append(Party(name, reservations[j], weights, values))
    return compile_model(issues, parties, signatories=signatories)


@pytest.mark.parametrize(
    ("seed", "signatories"), [(1, None), (2, ["p", "q"]), (3, ["q", "r"]), (4, None)]
)
def test_the_frontier_from_parts_is_the_frontier_of_every_outcome(seed, signatories):
    model = _random_tables(seed, signatories)
    assert model.space.split() == 2 and _parts_split(model) == 2
    rows, counts, u = _brute_frontier(model)
    front = analyze(model, ()).pareto
    assert front.indices.tolist() == rows.tolist()
    assert front.counts.tolist() == counts.tolist()
    np.testing.assert_array_equal(front.utilities, u)
    cut = analyze(model, (), chunk_size=2**15).pareto  # two prefixes a chunk: 8 chunks
    assert cut.indices.tolist() == rows.tolist() and cut.counts.tolist() == counts.tolist()


def test_a_lead_issue_is_judged_by_its_own_values():
    # issue i1 alone would say "p" is better for both; the lead issue i0 is a trade-off
    # between p and q: outcomes with i0 at "q" are on the frontier
    issues = [DiscreteIssue(f"i{k}", ("p", "q")) for k in range(17)]
    weights = {i.name: 1.0 for i in issues}
    p_values = {i.name: TableValue((1.0, 0.0)) for i in issues}
    q_values = {i.name: TableValue((0.0, 1.0)) for i in issues}
    q_values["i1"] = TableValue((1.0, 0.0))
    model = compile_model(
        issues, [Party("p", 0.0, weights, p_values), Party("q", 0.0, weights, q_values)]
    )
    rows, counts, u = _brute_frontier(model)
    front = analyze(model, ()).pareto
    assert front.indices.tolist() == rows.tolist() and front.counts.tolist() == counts.tolist()
    assert (front.indices >= 2**16).any()  # some with i0 at "q"


def test_which_models_are_filtered_from_their_parts():
    line = _line_model((0.0, 1.0), res_p=0.0, res_q=0.0)
    assert _parts_split(line) == 1
    p, q = line.parties
    rule = Condition("i3", options=("p",))
    # a red line binds only a signatory's; a constraint always; an interaction or a cap
    # makes the utilities more than the sum of their parts
    assert (
        _parts_split(
            compile_model(
                line.issues, [dataclasses.replace(p, red_lines=(rule,)), q], signatories=["q"]
            )
        )
        == 1
    )
    assert not _parts_split(
        compile_model(line.issues, [dataclasses.replace(p, red_lines=(rule,)), q])
    )
    assert not _parts_split(compile_model(line.issues, [p, q], constraints=[rule]))
    assert not _parts_split(compile_model(line.issues, [dataclasses.replace(p, cap=1.0), q]))
    bonus = Interaction((rule,), 0.1)
    assert not _parts_split(
        compile_model(line.issues, [dataclasses.replace(p, interactions=(bonus,)), q])
    )
    # one block, nothing leads: 16 issues
    assert not _parts_split(compile_model(line.issues[1:], [_drop_i0(p), _drop_i0(q)]))
    # no block: the last issue alone has more than BLOCK levels
    big = ContinuousIssue("x", 0.0, 1.0, grid=BLOCK + 1)
    curve = PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))
    wide = compile_model(
        [line.issues[0], big],
        [
            Party("p", 0.0, {"x": 1}, {"x": curve}),
            Party("q", 0.0, {"i0": 1}, {"i0": TableValue((0.0, 1.0))}),
        ],
    )
    assert wide.space.split() == 2 and not _parts_split(wide)
    # two leading issues
    two = compile_model([DiscreteIssue("lead", ("a", "b", "c")), *line.issues], [_lead_too(p), q])
    assert two.space.split() == 2 and _parts_split(two) == 2


def _drop_i0(party):
    return dataclasses.replace(
        party,
        weights={k: w for k, w in party.weights.items() if k != "i0"},
        values={k: v for k, v in party.values.items() if k != "i0"},
    )


def _lead_too(party):
    return dataclasses.replace(
        party,
        weights={**party.weights, "lead": 1.0},
        values={**party.values, "lead": TableValue((0.0, 0.5, 1.0))},
    )


# -- analyze's defaults, lotteries ------------------------------------------------------------


def _two_extremes(res_p: float = 0.1, res_q: float = 0.3):
    # a gives (1, 0.3), b (0.3, 1): every lottery lies on the line between them
    deal = DiscreteIssue("deal", ("a", "b"))
    p = Party("p", res_p, {"deal": 1}, {"deal": TableValue((1.0, 0.3))})
    q = Party("q", res_q, {"deal": 1}, {"deal": TableValue((0.3, 1.0))})
    return compile_model([deal], [p, q])


def test_lotteries_are_solved_only_when_asked_for():
    model = _two_extremes()
    assert analyze(model).lotteries == {}
    assert analyze(model, ["nash"]).lotteries == {}
    assert set(analyze(model, (), lotteries=True).lotteries) == {"nash", "kalai"}


def test_lottery_numbers_worked_by_hand():
    # t the probability of b: p gets 1 - 0.7 t, q 0.3 + 0.7 t; gains 0.9 - 0.7 t and 0.7 t
    mixes = analyze(_two_extremes(), (), lotteries=True).lotteries
    nash = mixes["nash"]  # (0.9 - 0.7 t) 0.7 t is largest at 0.7 t = 0.45: t = 9/14
    assert nash.concept == "nash" and nash.indices == (0, 1)
    assert nash.outcomes == ({"deal": "a"}, {"deal": "b"})
    assert nash.probabilities == pytest.approx((5 / 14, 9 / 14), abs=1e-7)
    assert nash.utilities == pytest.approx({"p": 0.55, "q": 0.75}, abs=1e-7)
    assert nash.gains == pytest.approx({"p": 0.45, "q": 0.45}, abs=1e-7)
    kalai = mixes["kalai"]  # gains in proportion to the best, 0.9 and 0.7: t = 0.9 / 1.6
    assert kalai.probabilities == pytest.approx((0.4375, 0.5625), abs=1e-7)
    assert kalai.utilities == pytest.approx({"p": 0.60625, "q": 0.69375}, abs=1e-7)
    assert kalai.gains == pytest.approx({"p": 0.50625, "q": 0.39375}, abs=1e-7)


def test_no_zone_no_lottery():
    result = analyze(_two_extremes(res_p=0.9, res_q=0.9), lotteries=True)
    assert result.lotteries == {"nash": None, "kalai": None}
    assert result.pareto.indices.shape == (0,) and result.pareto.utilities.shape == (0, 2)


# -- frontier_outcomes at its edges -------------------------------------------------------------


def test_frontier_outcomes_of_a_row_off_the_grid_is_refused():
    m = _size_colour(red_line=False)
    off = Frontier(np.array([-1]), np.array([[0.5, 0.5]]))
    with pytest.raises(ValueError, match="off the grid"):
        frontier_outcomes(m, off, 0)


def test_frontier_outcomes_of_a_vector_no_outcome_has_is_empty():
    m = _size_colour(red_line=False)
    stray = Frontier(np.array([0]), np.array([[0.5, 0.5]]))
    found = frontier_outcomes(m, stray, 0)
    assert found.shape == (0,) and found.dtype == np.int64


# -- progress counts every outcome once ---------------------------------------------------------


@pytest.fixture
def progress(monkeypatch):
    """The tasks simulator.analysis reports: (description, total, steps advanced)."""
    import simulator.analysis as analysis

    seen: list[tuple[str, int | None, list[int]]] = []

    @contextmanager
    def recording(desc, total=None, unit="it"):
        steps: list[int] = []
        seen.append((desc, total, steps))
        yield steps.append

    monkeypatch.setattr(analysis, "task", recording)
    return seen


def _grid_3_by_4():
    a, b = DiscreteIssue("a", ("x", "y", "z")), DiscreteIssue("b", ("k", "l", "m", "n"))
    p = Party(
        "p", 0.2, {"a": 1, "b": 1}, {"a": TableValue((0, 0.5, 1)), "b": TableValue((0, 0, 1, 1))}
    )
    q = Party(
        "q", 0.2, {"a": 1, "b": 1}, {"a": TableValue((1, 0.5, 0)), "b": TableValue((1, 1, 0, 0))}
    )
    return compile_model([a, b], [p, q], constraints=[Condition("a", ("z",), negate=True)])


def test_analyze_reports_every_outcome_scanned(progress):
    analyze(_grid_3_by_4())
    assert progress == [("scanning outcomes", 12, [12])]


def test_evaluate_reports_every_completion(progress):
    model = _grid_3_by_4()
    evaluate(model, {}, chunk_size=5)
    assert progress == [("evaluating completions", 12, [5, 5, 2])]
    progress.clear()
    evaluate(model, {"a": "z"}, chunk_size=3)  # no completion obeys the constraint: twice
    assert progress == [("evaluating completions", 4, [3, 1])] * 2
