"""count_acceptable (simulator.solvers.count) against enumeration's zone.count."""

from __future__ import annotations

from hypothesis import assume, given, settings

from simulator import analyze
from simulator.model import (
    Condition,
    DiscreteIssue,
    Implication,
    Party,
    TableValue,
    compile_model,
)
from simulator.solvers.count import count_acceptable
from tests.strategies import models


@given(models(interactions=False))
@settings(max_examples=100, deadline=None)
def test_exact_on_decomposable_models(model):
    # no implication among the rules that count, no interactions: acceptability decomposes
    sig = model.signatories
    rules = list(model.constraints) + [rl.rule for rl in model.red_lines if sig[rl.party]]
    assume(not any(isinstance(r, Implication) for r in rules))
    c = count_acceptable(model)
    assert c.exact
    assert c.total == model.space.count
    assert c.count == analyze(model, ()).zone.count
    assert c.low == c.high == c.count


def _single_condition_model():
    issues = [DiscreteIssue(f"i{k}", ("a", "b", "c")) for k in range(4)]
    p = Party(
        "p",
        0.4,
        {i.name: 1 for i in issues},
        {i.name: TableValue((1.0, 0.5, 0.0)) for i in issues},
        red_lines=(Condition("i0", options=("c",), negate=True),),
    )
    q = Party(
        "q",
        0.3,
        {i.name: k + 1 for k, i in enumerate(issues)},
        {i.name: TableValue((0.0, 0.25, 1.0)) for i in issues},
    )
    return compile_model(issues, [p, q], [Condition("i3", options=("a", "b"))])


def test_exact_with_single_condition_rules():
    model = _single_condition_model()
    c = count_acceptable(model)
    assert c.exact and c.count == analyze(model, ()).zone.count > 0


def test_estimate_with_an_implication():
    base = _single_condition_model()
    model = compile_model(
        base.issues,
        base.parties,
        [Implication(Condition("i1", options=("a",)), Condition("i2", options=("c",)))],
    )
    c = count_acceptable(model, seed=0)
    truth = analyze(model, ()).zone.count
    assert not c.exact
    assert c.samples > 0 and c.total == model.space.count
    assert c.low <= truth <= c.high  # fixed seed: deterministic


def test_huge_space_no_overflow():
    issues = [DiscreteIssue(f"i{k}", tuple(f"o{m}" for m in range(6))) for k in range(40)]
    vals = TableValue((1.0, 0.8, 0.6, 0.4, 0.2, 0.0))
    p = Party("p", 0.5, {i.name: 1 for i in issues}, {i.name: vals for i in issues})
    q = Party(
        "q",
        0.3,
        {i.name: 1 for i in issues},
        {i.name: TableValue(tuple(reversed(vals.values))) for i in issues},
    )
    model = compile_model(issues, [p, q])
    c = count_acceptable(model)
    assert c.total == 6**40 and isinstance(c.total, int)
    # p accepts 1 - L/200 >= 0.5 and q accepts L/200 >= 0.3, where L is the sum of the 40
    # levels: count the 40-tuples of 0..5 with 60 <= L <= 100 (polynomial coefficients)
    ways = [1]
    for _ in range(40):
        ways = [sum(ways[max(0, s - 5) : s + 1]) for s in range(len(ways) + 5)]
    assert c.exact and isinstance(c.count, int)
    assert c.count == sum(ways[60:101])


def _fine_grids(grid: int, n_issues: int = 3):
    from simulator.model import ContinuousIssue, IdealValue

    issues = [ContinuousIssue(f"x{k}", 0.0, 1.0, grid=grid) for k in range(n_issues)]
    p = Party(
        "p", 0.4, {i.name: 1 for i in issues}, {i.name: IdealValue(1.0, 0.0, 1.0) for i in issues}
    )
    q = Party(
        "q",
        0.4,
        {i.name: k + 1 for k, i in enumerate(issues)},
        {i.name: IdealValue(0.0, 0.0, 1.0) for i in issues},
    )
    return compile_model(issues, [p, q])


def test_the_budget_is_checked_before_an_issue_is_expanded():
    # three grids of 100,000: the second issue alone would expand 1e10 states (4 GiB)
    import time

    from simulator.solvers.count import MAX_WORK, _exact

    model = _fine_grids(100_000)
    began = time.perf_counter()
    assert _exact(model, 500_000, MAX_WORK) is None
    c = count_acceptable(model)
    assert time.perf_counter() - began < 10
    assert not c.exact and c.total == 10**15 and c.low <= c.count <= c.high


def test_states_merged_in_pieces_count_the_same(monkeypatch):
    # merging (rounded) partial-gain states while they arrive, in tiny blocks, gives the count
    # of a single merge, and enumeration's
    import simulator.solvers.count as count

    model = _fine_grids(12)
    truth = analyze(model, ()).zone.count
    assert count_acceptable(model).count == truth
    monkeypatch.setattr(count, "_BLOCK", 7)
    c = count_acceptable(model, max_states=40)  # more than 40 states: estimated
    assert not c.exact
    c = count_acceptable(model, max_states=10_000)
    assert c.exact and c.count == truth
