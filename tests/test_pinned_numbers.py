"""Numbers pinned by an independent derivation: the sampled count's Wilson interval (against
SciPy's and the closed forms at ``k = 0`` and ``k = n``), the Nash lottery's convergence and
small-weight pruning (an optimum worked by hand), the default Nash power, and an ideal-point
value on a range of zero width."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binomtest

from simulator import analyze, compile_model
from simulator.model import (
    ContinuousIssue,
    DiscreteIssue,
    IdealValue,
    Interaction,
    Party,
    PiecewiseLinearValue,
    TableValue,
)
from simulator.model.issues import Issue
from simulator.solvers.count import count_acceptable
from simulator.solvers.lottery import _DROP, _mixture, nash_lottery
from simulator.solvers.nash import nash, nash_objective, normalise_power

Z = 1.959963984540054  # the 97.5% point of the standard normal (95% two-sided)


# -- the sampled count: a 95% Wilson score interval -------------------------------------------


def _sampled_model(reservation: float):
    """Ten yes/no issues (1,024 outcomes); q's interaction bonus makes acceptability not
    decompose by issue, so the count is sampled."""
    issues: list[Issue] = [DiscreteIssue(f"i{k}", ("no", "yes")) for k in range(10)]
    yes = {i.name: TableValue((0.0, 1.0)) for i in issues}
    no = {i.name: TableValue((1.0, 0.0)) for i in issues}
    p = Party("p", reservation, {i.name: 1.0 for i in issues}, yes)
    q = Party(
        "q",
        min(reservation, 0.3),
        {i.name: 1.0 for i in issues},
        no,
        interactions=(Interaction((), 0.05),),
    )
    return compile_model(issues, [p, q])


def test_sampled_count_interval_is_wilsons():
    model = _sampled_model(0.5)
    c = count_acceptable(model, samples=256, seed=11)
    assert not c.exact and c.samples == 256 and c.total == 1024
    # 1024 / 256 = 4 outcomes per sample: the estimate is 4 k, exactly
    assert c.count % 4 == 0
    k = c.count // 4
    assert 0 < k < 256
    ci = binomtest(k, 256).proportion_ci(confidence_level=0.95, method="wilson")
    assert c.low == pytest.approx(ci.low * 1024, rel=1e-12)
    assert c.high == pytest.approx(ci.high * 1024, rel=1e-12)


def test_sampled_count_interval_when_every_or_no_sample_is_acceptable():
    # Wilson at k = n: [n / (n + z^2), 1]; at k = 0: [0, z^2 / (n + z^2)]
    n = 100
    everything = count_acceptable(_sampled_model(0.0), samples=n)
    assert (everything.count, everything.exact) == (1024, False)
    assert everything.low == pytest.approx(1024 * n / (n + Z * Z), rel=1e-12)
    assert everything.high == pytest.approx(1024, rel=1e-12)
    nothing = count_acceptable(_sampled_model(2.0), samples=n)
    assert nothing.count == 0
    assert nothing.low == pytest.approx(0.0, abs=1e-9)  # centre - half, 0 up to rounding
    assert nothing.high == pytest.approx(1024 * Z * Z / (n + Z * Z), rel=1e-12)


# -- the Nash lottery ---------------------------------------------------------------------------

# A = (1, 0), B = (0, 1), C = (0.6, 0.6); powers 3:1 (w = 0.75, 0.25). The best pure outcome
# is C (log 0.6 > 0.75 log 0.75 + 0.25 log 0.25, the best mix of A and B), but from C the
# objective still rises towards A: its slope is 0.75 * 0.4 / 0.6 - 0.25 * 0.6 / 0.6 > 0. On
# the segment x = (0.6 + 0.4 t, 0.6 - 0.6 t) the derivative 0.3 / (0.6 + 0.4 t) - 0.15 /
# (0.6 - 0.6 t) vanishes at t = 0.375: x = (0.75, 0.375), and then sum_i w_i g_ji / x_i is
# 1 at A and C and 2/3 at B, so no other outcome improves it: the optimum.
ABC = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]])
W = np.array([3.0, 1.0])


def test_nash_lottery_converges_to_the_optimum_worked_by_hand():
    mix = nash_lottery(ABC, W)
    assert mix is not None
    assert mix.rows.tolist() == [0, 2]
    np.testing.assert_allclose(mix.probabilities, [0.375, 0.625], atol=1e-9)
    np.testing.assert_allclose(mix.gains, [0.75, 0.375], atol=1e-9)
    assert 0.0 <= mix.gap <= 1e-12


def test_nash_lottery_without_frank_wolfe_steps_reports_its_gap():
    # no step: it stays at the best pure outcome C, whose duality gap is
    # max_j sum_i w_i g_ji / x_i - 1 = 0.75 * 1 / 0.6 - 1 = 0.25 (at A)
    mix = nash_lottery(ABC, W, max_iter=0)
    assert mix is not None
    assert mix.rows.tolist() == [2] and mix.probabilities.tolist() == [1.0]
    assert mix.gap == pytest.approx(0.25, abs=1e-12)


def test_small_probabilities_are_dropped_and_the_rest_renormalised():
    gains = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0], [0.2, 0.2]])
    lam = np.array([0.25, _DROP / 10, 0.75 - 1e-11, 1e-11])
    mix = _mixture(np.array([3, 1, 0, 2]), lam, gains, 0.0)
    # row 1's 1e-13 goes; row 2's 1e-11 stays; ascending rows
    assert mix.rows.tolist() == [0, 2, 3]
    np.testing.assert_allclose(mix.probabilities, [0.75 - 1e-11, 1e-11, 0.25], rtol=1e-12)
    assert mix.probabilities.sum() == pytest.approx(1.0, abs=1e-15)
    np.testing.assert_allclose(mix.gains, mix.probabilities @ gains[[0, 2, 3]])


def test_a_lottery_never_reports_a_negligible_probability():
    rng = np.random.default_rng(5)
    for _ in range(8):
        gains = rng.random((12, 3))
        mix = nash_lottery(gains)
        assert mix is not None
        assert (mix.probabilities > _DROP).all()
        assert mix.probabilities.sum() == pytest.approx(1.0, abs=1e-12)


# -- the default Nash power ---------------------------------------------------------------------


def test_default_nash_power_is_equal_and_normalised():
    np.testing.assert_array_equal(normalise_power(None, 4), [0.25] * 4)
    gains = np.array([[0.9, 0.2], [0.5, 0.5], [0.2, 0.9]])
    choice = nash(gains)
    # products 0.18, 0.25, 0.18; the objective is sum_i (1/2) log g_i = log 0.5
    assert choice is not None and choice.row == 1
    assert choice.objective == pytest.approx(math.log(0.5), abs=1e-15)
    np.testing.assert_array_equal(nash_objective(gains), nash_objective(gains, np.ones(2)))


def test_default_party_power_is_one_and_non_signatories_get_none():
    pie = ContinuousIssue("x", 0.0, 1.0, grid=11)
    up = PiecewiseLinearValue((0.0, 1.0), (0.0, 1.0))
    down = PiecewiseLinearValue((0.0, 1.0), (1.0, 0.0))
    parties = [
        Party("a", 0.0, {"x": 1.0}, {"x": up}),
        Party("b", 0.0, {"x": 1.0}, {"x": down}),
        Party("c", 0.0, {"x": 1.0}, {"x": up}),
    ]
    assert {p.power for p in parties} == {1.0}
    model = compile_model([pie], parties, signatories=["a", "b"])
    np.testing.assert_array_equal(model.power, [0.5, 0.5, 0.0])
    nash_solution = analyze(model, ["nash"]).solutions["nash"]
    assert nash_solution is not None
    assert nash_solution.outcome == {"x": 0.5}  # the equal split
    assert nash_solution.objective == pytest.approx(math.log(0.5), abs=1e-12)


# -- an ideal point on a range of zero width ----------------------------------------------------


def test_an_ideal_value_on_a_single_point_range_is_one():
    # span max(ideal - low, high - ideal) = 0: the ideal is the only point, worth 1 (not 0/0)
    v = IdealValue(5.0, 5.0, 5.0)
    with np.errstate(all="raise"):
        np.testing.assert_array_equal(v(np.array([5.0, 5.0])), [1.0, 1.0])
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    point = ContinuousIssue("point", 5.0, 5.0)
    model = compile_model(
        [deal, point],
        [
            Party(
                "p", 0.0, {"deal": 1.0, "point": 3.0}, {"deal": TableValue((1, 0, 0)), "point": v}
            ),
            Party("q", 0.0, {"deal": 1.0}, {"deal": TableValue((0, 0, 1))}),
        ],
    )
    # p's utility: (deal value + 3 * 1) / 4
    np.testing.assert_array_equal(model.utilities(model.space.levels(0, 3))[:, 0], [1, 0.75, 0.75])
