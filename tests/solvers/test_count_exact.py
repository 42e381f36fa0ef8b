"""The exact counting programme of :mod:`simulator.solvers.count` on small hand-built
models, against enumeration (``analyze(model, ()).zone.count``): its budgets (``max_states``
read on the states, not the signatories), the exact result's fields, and the empty merger.
Fast enough to run on every mutant of ``count.py`` (``benchmarks/mutation.py``)."""

from __future__ import annotations

import itertools

import numpy as np

from simulator import analyze
from simulator.model import (
    Condition,
    DiscreteIssue,
    Interaction,
    Party,
    TableValue,
    compile_model,
)
from simulator.model.compiled import ACCEPT_ATOL
from simulator.solvers.count import Count, _Merger, count_acceptable


def _two_sided(reservation: float = 0.3):
    # p likes a, q likes c, on three issues of three levels: after the first issue the
    # partial gains take three distinct values per signatory, all still live
    issues = [DiscreteIssue(f"i{k}", ("a", "b", "c")) for k in range(3)]
    p = Party("p", reservation, {i.name: 1 for i in issues},
              {i.name: TableValue((1.0, 0.5, 0.0)) for i in issues})  # fmt: skip
    q = Party("q", reservation, {i.name: 1 for i in issues},
              {i.name: TableValue((0.0, 0.5, 1.0)) for i in issues})  # fmt: skip
    return compile_model(issues, [p, q])


def _brute_force(model) -> int:
    # every outcome, by hand: total utility per signatory against its reservation
    levels = np.array(list(itertools.product(*(range(n) for n in model.space.sizes))))
    u = model.utilities(levels)
    sig = model.signatories
    ok = model.constraint_mask(levels) & ~model.red_line_breaks(levels)[
        :, model.signatory_lines
    ].any(axis=1)
    ok &= (u[:, sig] >= model.reservations[sig] - 1e-9).all(axis=1)
    return int(ok.sum())


def test_exact_count_matches_brute_force_and_reports_no_samples():
    model = _two_sided()
    c = count_acceptable(model)
    assert c.exact and c.samples == 0
    assert c.count == _brute_force(model) == analyze(model, ()).zone.count
    assert (c.low, c.high, c.total) == (c.count, c.count, 27)
    # the dataclass's own default: no samples drawn
    assert Count(3, 8, True, 3.0, 3.0).samples == 0


def test_max_states_bounds_the_states_not_the_signatories():
    model = _two_sided()
    # after the second issue four distinct states are still live (neither settled nor dead)
    assert count_acceptable(model, max_states=4).exact
    over = count_acceptable(model, max_states=3, samples=2_000, seed=1)
    assert not over.exact and over.samples == 2_000
    assert over.low <= _brute_force(model) <= over.high
    # a budget as large as the number of signatories (2) is still too small
    assert not count_acceptable(model, max_states=1, samples=500).exact


def test_max_work_is_checked_before_an_issue_is_expanded():
    model = _two_sided()
    # the third issue's candidates: the four live states times its three levels
    assert count_acceptable(model, max_work=12).exact
    assert not count_acceptable(model, max_work=11, samples=500).exact
    assert not count_acceptable(model, max_work=2, samples=500).exact


def test_every_state_settled_before_the_last_issue():
    # low reservations: every outcome is acceptable once the first issue is chosen, so no
    # state stays live and the count is the whole space
    model = _two_sided(reservation=0.0)
    c = count_acceptable(model)
    assert c.exact and c.count == 27 == _brute_force(model)
    # reservations out of reach: every state dies on the first issue
    model = _two_sided(reservation=1.5)
    c = count_acceptable(model)
    assert c.exact and c.count == 0 == _brute_force(model)


def test_a_non_signatory_and_an_empty_allowed_set():
    issues = [DiscreteIssue(f"i{k}", ("a", "b")) for k in range(2)]
    p = Party("p", 0.0, {i.name: 1 for i in issues},
              {i.name: TableValue((1.0, 0.0)) for i in issues})  # fmt: skip
    q = Party("q", 0.9, {"i0": 1}, {"i0": TableValue((1.0, 0.0))})
    model = compile_model(issues, [p, q], signatories=["q"])
    c = count_acceptable(model)
    assert c.exact and c.count == 2 == _brute_force(model)  # q's i0 = a, any i1
    # two constraints no level meets together: issue i0 has no allowed level
    rules = [Condition("i0", options=("a",)), Condition("i0", options=("b",))]
    blocked = compile_model(issues, [p, q], constraints=rules)
    c = count_acceptable(blocked)
    assert c.exact and c.count == 0


def test_an_empty_merger_has_as_many_counts_as_keys():
    keys, counts = _Merger(5).result()
    assert keys.shape[0] == counts.shape[0] == 0
    m = _Merger(5)
    m.add(np.array([[0.5], [0.25], [0.5]]), np.array([1, 2, 3], dtype=object))
    keys, counts = m.result()
    assert keys.tolist() == [[0.25], [0.5]] and counts.tolist() == [2, 4]


def test_an_outcome_short_by_exactly_the_acceptance_tolerance_is_counted():
    # "acceptable when u >= reservation - ACCEPT_ATOL", bound included: p's reservation is
    # ACCEPT_ATOL and (a, a) gives p a utility of 0, short by exactly that; q accepts all
    issues = [DiscreteIssue(f"i{k}", ("a", "b")) for k in range(2)]
    values = {i.name: TableValue((0.0, 1.0)) for i in issues}
    p = Party("p", ACCEPT_ATOL, {i.name: 1 for i in issues}, values)
    q = Party("q", 0.0, {i.name: 1 for i in issues}, values)
    model = compile_model(issues, [p, q])
    c = count_acceptable(model)
    assert c.exact and c.count == _brute_force(model) == analyze(model, ()).zone.count == 4


def test_the_estimate_samples_200000_outcomes_by_default():
    # the documented default (docs/reference/cli.md: "estimated from 200,000 sampled
    # outcomes"): q's bonus makes acceptability not decompose by issue
    issues = [DiscreteIssue(f"i{k}", ("no", "yes")) for k in range(3)]
    p = Party(
        "p", 0.3, {i.name: 1 for i in issues}, {i.name: TableValue((0.0, 1.0)) for i in issues}
    )
    q = Party(
        "q",
        0.3,
        {i.name: 1 for i in issues},
        {i.name: TableValue((1.0, 0.0)) for i in issues},
        interactions=(Interaction((), 0.05),),
    )
    c = count_acceptable(compile_model(issues, [p, q]))
    assert not c.exact and c.samples == 200_000
