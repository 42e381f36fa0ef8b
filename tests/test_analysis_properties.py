"""Properties of :func:`simulator.analyze` and :func:`simulator.evaluate` on random models,
checked against brute force over the whole enumerated outcome space."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import simulator.model.space
from simulator import analysis, analyze, compile_model, evaluate
from simulator.analysis import frontier_outcomes
from simulator.model import (
    Condition,
    ContinuousIssue,
    DiscreteIssue,
    Interaction,
    Model,
    Party,
    TableValue,
)
from tests.strategies import models

ATOL = 1e-9  # acceptance tolerance of the contract (simulator.model.ACCEPT_ATOL)
CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")


@dataclass
class Brute:
    """Every outcome of a model, evaluated at once."""

    u: np.ndarray  # (n, parties)
    allowed: np.ndarray  # constraints hold
    breaks: np.ndarray  # (n, red lines)
    sig: np.ndarray  # bool per party
    lines: list[int]  # signatories' red lines
    gains: np.ndarray  # (n, signatories)
    feasible: np.ndarray  # constraints and signatories' red lines hold
    acceptable: np.ndarray


def brute(model: Model) -> Brute:
    levels = model.space.levels(0, model.space.count)
    u = model.utilities(levels)
    allowed = model.constraint_mask(levels)
    breaks = model.red_line_breaks(levels)
    sig = model.signatories
    lines = [j for j, rl in enumerate(model.red_lines) if sig[rl.party]]
    gains = u[:, sig] - model.reservations[sig]
    feasible = allowed & ~breaks[:, lines].any(axis=1)
    acceptable = feasible & (gains >= -ATOL).all(axis=1)
    return Brute(u, allowed, breaks, sig, lines, gains, feasible, acceptable)


def dominated(points: np.ndarray, among: np.ndarray) -> np.ndarray:
    """For each row of ``points``: does some row of ``among`` dominate it?"""
    ge = (among[None, :, :] >= points[:, None, :]).all(axis=2)
    gt = (among[None, :, :] > points[:, None, :]).any(axis=2)
    return (ge & gt).any(axis=1)


def brute_frontier(b: Brute) -> np.ndarray:
    idx = np.flatnonzero(b.acceptable)
    pts = b.u[idx][:, b.sig]
    return idx[~dominated(pts, pts)]


# -- zone -------------------------------------------------------------------------------------


@given(models())
@settings(max_examples=80, deadline=None)
def test_zone_agrees_with_brute_force(model):
    zone = analyze(model, concepts=()).zone
    b = brute(model)
    assert zone.total == model.space.count
    assert zone.count == int(b.acceptable.sum())
    assert zone.feasible == int(b.feasible.sum())
    assert zone.exists == bool(b.acceptable.any())
    assert zone.share == pytest.approx(b.acceptable.sum() / model.space.count)
    if not b.feasible.any():
        assert zone.slack is None and not zone.exists
        return
    assert zone.slack is not None
    assert (zone.slack >= 0) == zone.exists
    expected = b.gains[b.feasible].min(axis=1).max()
    if zone.exists:
        assert zone.slack == pytest.approx(max(expected, 0.0), abs=ATOL)
    else:
        assert zone.slack == pytest.approx(expected, abs=1e-12)


@given(models())
@settings(max_examples=80, deadline=None)
def test_pareto_frontier_agrees_with_brute_force(model):
    pareto = analyze(model, concepts=()).pareto
    b = brute(model)
    expected = brute_frontier(b)
    # one row per distinct utility vector (every party's), at its first outcome
    groups: dict[tuple[float, ...], list[int]] = {}
    for i in expected:
        groups.setdefault(tuple(b.u[i].tolist()), []).append(int(i))
    firsts = [g[0] for g in groups.values()]
    assert pareto.count == expected.size
    assert pareto.distinct == len(groups)
    np.testing.assert_array_equal(pareto.indices, firsts)
    np.testing.assert_array_equal(pareto.utilities, b.u[firsts])
    np.testing.assert_array_equal(pareto.counts, [len(g) for g in groups.values()])
    for row, members in enumerate(groups.values()):
        np.testing.assert_array_equal(frontier_outcomes(model, pareto, row, chunk_size=5), members)


# -- solutions --------------------------------------------------------------------------------


@given(models())
@settings(max_examples=80, deadline=None)
def test_solutions_are_acceptable_and_pareto_optimal(model):
    result = analyze(model)
    b = brute(model)
    names = model.party_names
    sig_names = [n for n, s in zip(names, model.signatories) if s]
    for concept in CONCEPTS:
        sol = result.solutions[concept]
        if not result.zone.exists:
            assert sol is None
            continue
        assert sol is not None and sol.concept == concept
        # acceptable, by the model's masks
        assert b.acceptable[sol.index]
        assert sol.outcome == model.outcome(sol.index)
        for j, n in enumerate(names):
            assert sol.utilities[n] == pytest.approx(b.u[sol.index, j], abs=1e-12)
        assert all(sol.gains[n] >= -ATOL for n in sig_names)
        # acceptable, by evaluate()
        ev = evaluate(model, sol.outcome)
        assert ev.agreed is True and ev.constraints_ok is True
        assert all(ev.broken[n] == () for n in sig_names)
        # Pareto-optimal among the acceptable outcomes
        acc = b.u[b.acceptable][:, b.sig]
        assert not dominated(b.u[[sol.index]][:, b.sig], acc)[0]


@given(models())
@settings(max_examples=40, deadline=None)
def test_results_do_not_depend_on_chunk_size(model):
    runs = [analyze(model, chunk_size=c) for c in (1, 7, 1 << 18)]
    first = runs[0]
    for other in runs[1:]:
        assert other.zone == first.zone
        np.testing.assert_array_equal(other.pareto.indices, first.pareto.indices)
        np.testing.assert_array_equal(other.pareto.utilities, first.pareto.utilities)
        np.testing.assert_array_equal(other.pareto.counts, first.pareto.counts)
        for concept in CONCEPTS:
            a, c = first.solutions[concept], other.solutions[concept]
            assert (a is None) == (c is None)
            if a is not None:
                assert (a.index, a.objective) == (c.index, c.objective)


def _assert_same_analysis(a, b) -> None:
    """Equal zones, and frontiers and solutions equal bit for bit."""
    assert a.zone == b.zone
    np.testing.assert_array_equal(a.pareto.indices, b.pareto.indices)
    assert a.pareto.utilities.tobytes() == b.pareto.utilities.tobytes()
    np.testing.assert_array_equal(a.pareto.counts, b.pareto.counts)
    for concept in CONCEPTS:
        x, y = a.solutions[concept], b.solutions[concept]
        assert (x is None) == (y is None)
        if x is not None:
            assert (x.index, x.objective, x.utilities) == (y.index, y.objective, y.utilities)


def _by_parts_and_by_chunks(model: Model, block: int):
    """``model`` analysed with blocks of at most ``block`` outcomes (so that its space splits
    into leading issues and a trailing block, as spaces of 10^5 outcomes do), once with the
    frontier from the parts' candidates and once filtering every chunk; and the split."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(simulator.model.space, "BLOCK", block)
        split = analysis._parts_split(model)
        by_parts = analyze(model)
        mp.setattr(analysis, "_parts_split", lambda m: 0)
        by_chunks = analyze(model, chunk_size=7)
    return by_parts, by_chunks, split


@given(
    models(max_issues=5, red_lines=False, constraints=False, interactions=False),
    st.sampled_from([2, 3, 8, 30]),
)
@settings(max_examples=120, deadline=None)
def test_frontier_from_parts_equals_filtering_every_outcome(model, block):
    by_parts, by_chunks, _ = _by_parts_and_by_chunks(model, block)
    _assert_same_analysis(by_parts, by_chunks)


def test_frontier_from_parts_keeps_every_duplicate_and_float_twin():
    # values on a coarse grid: many outcomes share a utility vector, and sums such as
    # 0.1 + 0.2 against 0.3 differ in the last bit before rounding
    grid = (0.0, 0.1, 0.2, 0.3)
    issues = [DiscreteIssue(f"i{k}", ("a", "b", "c", "d")) for k in range(5)]
    parties = [
        Party(
            name,
            0.1,
            {i.name: 1.0 for i in issues},
            {i.name: TableValue(grid[::step]) for i in issues},
        )
        for name, step in (("p", 1), ("q", -1))
    ]
    model = compile_model(issues, parties)
    by_parts, by_chunks, split = _by_parts_and_by_chunks(model, 16)
    assert split == 3
    assert by_parts.pareto.count > by_parts.pareto.distinct  # duplicates, counted
    _assert_same_analysis(by_parts, by_chunks)


@pytest.mark.parametrize(
    "change",
    [
        {"constraints": [Condition("i0", options=("a",), negate=True)]},
        {"red_lines": (Condition("i0", options=("a",), negate=True),)},
        {"interactions": (Interaction((Condition("i0", options=("a",)),), 0.1),)},
        {"cap": 0.5},
    ],
    ids=["constraint", "red line", "interaction", "cap"],
)
def test_frontier_is_filtered_chunk_by_chunk_unless_utilities_are_plain_sums(change):
    issues = [DiscreteIssue(f"i{k}", ("a", "b", "c")) for k in range(4)]
    values = {i.name: TableValue((0.0, 0.5, 1.0)) for i in issues}
    weights = {i.name: 1.0 for i in issues}
    extra = {k: v for k, v in change.items() if k != "constraints"}
    q = Party("q", 0.1, weights, values)
    plain = compile_model(issues, [Party("p", 0.1, weights, values), q])
    changed = compile_model(
        issues, [Party("p", 0.1, weights, values, **extra), q], change.get("constraints", ())
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(simulator.model.space, "BLOCK", 9)
        assert analysis._parts_split(plain) == 2
        assert analysis._parts_split(changed) == 0


# -- blocking analysis ------------------------------------------------------------------------


def _expected_blockers(model: Model, b: Brute) -> list[tuple[str, str, str, int]]:
    names = model.party_names
    sig_idx = np.flatnonzero(b.sig)
    ok = b.gains >= -ATOL
    count = int(b.acceptable.sum())
    out = []
    for i, party in enumerate(sig_idx):
        others = np.delete(ok, i, axis=1).all(axis=1)
        c = int((b.feasible & others).sum())
        if c > count:
            res = model.parties[party].reservation
            out.append((names[party], "reservation", f"reservation {res:g}", c))
    for j in b.lines:
        rest = [k for k in b.lines if k != j]
        f = b.allowed & ~b.breaks[:, rest].any(axis=1)
        c = int((f & ok.all(axis=1)).sum())
        if c > count:
            rl = model.red_lines[j]
            out.append((names[rl.party], "red_line", rl.text(), c))
    return sorted(out)


def _without(model: Model, party: str, kind: str, requirement: str) -> Model:
    """The model rebuilt with one requirement of ``party`` removed."""
    parties = list(model.parties)
    k = model.party_names.index(party)
    p = parties[k]
    if kind == "reservation":
        parties[k] = replace(p, reservation=-10.0)  # below any utility (>= -0.4 here)
    else:
        texts = [f"red_line: {r}" for r in p.red_lines]
        drop = texts.index(requirement)
        parties[k] = replace(p, red_lines=p.red_lines[:drop] + p.red_lines[drop + 1 :])
    sig = [n for n, s in zip(model.party_names, model.signatories) if s]
    return compile_model(model.issues, parties, model.constraints, sig)


@given(models())
@settings(max_examples=80, deadline=None)
def test_blocking_analysis_agrees_with_brute_force(model):
    zone = analyze(model, concepts=()).zone
    b = brute(model)
    reported = sorted((x.party, x.kind, x.requirement, x.count_without) for x in zone.blocking)
    # every requirement whose removal increases the count is reported, and only those
    assert reported == _expected_blockers(model, b)
    for blocker in zone.blocking:
        assert blocker.opens == (not zone.exists)
        # removing it for real (rebuilding the model) increases the acceptable count
        relaxed = brute(_without(model, blocker.party, blocker.kind, blocker.requirement))
        assert int(relaxed.acceptable.sum()) == blocker.count_without > zone.count
        if blocker.slack_without is not None and blocker.kind == "red_line":
            worst = relaxed.gains[relaxed.feasible].min(axis=1).max()
            assert blocker.slack_without == pytest.approx(worst, abs=1e-12)


# -- evaluate ---------------------------------------------------------------------------------


@given(models(), st.data())
@settings(max_examples=80, deadline=None)
def test_evaluate_fixed_outcome_agrees_with_the_model(model, data):
    index = data.draw(st.integers(0, model.space.count - 1))
    outcome = model.outcome(index)
    ev = evaluate(model, outcome)
    b = brute(model)
    res = model.reservations
    assert ev.open_issues == ()
    assert ev.constraints_ok == bool(b.allowed[index])
    for j, name in enumerate(model.party_names):
        u = b.u[index, j]
        assert ev.utility[name] == pytest.approx((u, u), abs=1e-12)
        assert ev.gain[name] == pytest.approx((u - res[j], u - res[j]), abs=1e-12)
        own = [k for k, rl in enumerate(model.red_lines) if rl.party == j]
        broken = tuple(str(model.red_lines[k].rule) for k in own if b.breaks[index, k])
        assert ev.broken[name] == broken
        assert ev.maybe_broken[name] == ()
        assert ev.accepts[name] == bool(u >= res[j] - ATOL and not broken)
    sig = [n for n, s in zip(model.party_names, model.signatories) if s]
    assert ev.signatories == tuple(sig)
    # an agreement is one every signatory accepts that obeys the constraints: the zone
    assert ev.agreed == (all(ev.accepts[n] for n in sig) and ev.constraints_ok)
    assert ev.agreed == bool(b.acceptable[index])
    # the constraints it breaks are named, all of them always (every issue is fixed)
    levels = model.space.levels(index, index + 1)
    broken_rules = [
        str(r) for r, hit in zip(model.constraints, model.constraint_breaks(levels)[0]) if hit
    ]
    assert list(ev.broken_constraints) == broken_rules and ev.maybe_broken_constraints == ()


def _sliver_model() -> Model:
    # p1's only gain is a bonus of 2.7e-20; p0 gains nothing anywhere. The array solvers
    # treat sums within 1e-12 as tied and take outcome 0; the frontier keeps only the
    # outcomes with the bonus, so analyze() takes outcome 4 (exact contract: larger sum).
    i0 = DiscreteIssue("i0", ("o0", "o1", "o2"))
    i1 = DiscreteIssue("i1", ("o0", "o1"))
    i2 = ContinuousIssue("i2", 0.0, 1.0, 2)
    bonus = Interaction((Condition("i0", options=("o1",)),), 2.6989517938353318e-20)
    parties = [Party("p0", 0.0, {}, {}), Party("p1", 0.0, {}, {}, interactions=(bonus,))]
    return compile_model([i0, i1, i2], parties)


@given(models())
@settings(max_examples=80, deadline=None)
@example(_sliver_model())
def test_solving_on_the_frontier_equals_solving_on_every_acceptable_outcome(model):
    # analysis.py solves on the Pareto frontier only, claiming the same choice as on the
    # whole acceptable set; check it with the array solvers on every acceptable outcome.
    # Scores and sums agreeing to a relative 1e-12 are ties for the solvers
    # (selection.TIE_RTOL), so there the two may pick different but tied outcomes.
    from simulator.solvers import egalitarian, kalai, nash, utilitarian
    from simulator.solvers.kalai import kalai_objective
    from simulator.solvers.nash import nash_objective

    result = analyze(model)
    b = brute(model)
    idx = np.flatnonzero(b.acceptable)
    if idx.size == 0:
        return
    g = b.gains[idx]
    sig_power = model.power[model.signatories]
    objectives = {
        "nash": nash_objective(g, sig_power),
        "kalai": kalai_objective(g),
        "egalitarian": g.min(axis=1),
        "utilitarian": g.sum(axis=1),
    }
    choices = {
        "nash": nash(g, sig_power),
        "kalai": kalai(g),
        "egalitarian": egalitarian(g),
        "utilitarian": utilitarian(g),
    }
    for concept, choice in choices.items():
        got = int(np.searchsorted(idx, result.solutions[concept].index))
        if got == choice.row:
            continue
        obj, sums = objectives[concept], g.sum(axis=1)
        a, c = obj[got], obj[choice.row]
        assert a == c or abs(a - c) <= 1e-12 * max(1.0, abs(a), abs(c)), concept
        assert abs(sums[got] - sums[choice.row]) <= 1e-12 * max(1.0, abs(sums).max()), concept
        # and the frontier's pick is never the worse of the two
        assert sums[got] >= sums[choice.row], concept


# -- regressions found by the properties above, at the model level ----------------------------


def _two_issue_party(name: str) -> Party:
    # 0.1/0.8 * 0.3 + 0.7/0.8 * 0.3 == 0.30000000000000004: the reservation up to rounding
    return Party(
        name,
        0.3,
        {"deal": 0.1, "x": 0.7},
        {"deal": TableValue((0.3, 0.0)), "x": TableValue((0.3, 0.0))},
    )


# kalai_lottery once crashed here: HiGHS called its LP unbounded for best gains of 5.6e-17.
def test_lotteries_when_the_zone_is_a_rounding_sliver():
    deal, x = DiscreteIssue("deal", ("a", "b")), DiscreteIssue("x", ("a", "b"))
    model = compile_model([deal, x], [_two_issue_party("p"), _two_issue_party("q")])
    result = analyze(model, lotteries=True)
    assert result.zone.count == 1
    assert result.lotteries["kalai"].indices == (0,)
    assert result.lotteries["nash"].indices == (0,)


# nash_lottery once stalled here and returned a 0.9/0.1 mixture worse than the pure outcome.
def test_weighted_nash_lottery_is_no_worse_than_the_pure_nash_outcome():
    deal = DiscreteIssue("deal", ("a", "b"))
    table = {"p0": (0.75, 0.25), "p1": (1.0, 0.75), "p2": (0.25, 1.0)}
    power = {"p0": 4.0, "p1": 1.0, "p2": 1.0}
    parties = [
        Party(n, 0.0, {"deal": 1.0}, {"deal": TableValue(v)}, power=power[n])
        for n, v in table.items()
    ]
    result = analyze(compile_model([deal], parties), lotteries=True)
    w = np.array([4.0, 1.0, 1.0]) / 6

    def log_product(gains):
        return float(w @ np.log([gains[n] for n in table]))

    lottery = result.lotteries["nash"]
    assert log_product(lottery.gains) >= log_product(result.solutions["nash"].gains) - 1e-9
    assert lottery.gap < 1e-8
