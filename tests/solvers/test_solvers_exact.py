"""Exact cases for the enumeration solvers that mutation testing found unguarded
(``benchmarks/mutation.py``): tie-breaking, degenerate inputs, the Pareto filter against
brute force on every code path, randomised agreements worked by hand, and the exact count's
state budget. Expected values come from the definitions, not from running the code."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.solvers import pareto
from simulator.solvers.count import _Merger
from simulator.solvers.egalitarian import egalitarian
from simulator.solvers.kalai import kalai, kalai_objective
from simulator.solvers.lottery import ZERO_GAIN, kalai_lottery, nash_lottery
from simulator.solvers.nash import nash, nash_objective
from simulator.solvers.near import near_mask, objective
from simulator.solvers.pareto import efficient_parts, pareto_mask
from simulator.solvers.selection import Choice, choose
from simulator.solvers.utilitarian import utilitarian
from simulator.solvers.zone import reported_slack
from tests.strategies import gain_arrays

# -- choosing one outcome -----------------------------------------------------------------------


def test_ties_go_to_the_larger_sum_then_the_first_row():
    gains = np.array([[0.5, 0.0], [0.2, 0.2], [0.0, 0.5], [0.1, 0.1]])
    # rows 0-2 tie within 1e-12 (relative); rows 0 and 2 have the larger sum: row 0
    objective_ = np.array([1.0, 1.0 + 1e-13, 1.0 - 1e-13, 0.5])
    assert choose(objective_, gains) == Choice(0, 1.0)
    # the sum decides before the order
    assert choose(np.array([1.0, 1.0, 1.0]), np.array([[0.1], [0.3], [0.3]])).row == 1
    # a difference above the tolerance is not a tie
    assert choose(np.array([1.0, 1.0 + 1e-11]), np.array([[0.9], [0.0]])).row == 1


def test_the_tie_tolerance_is_relative_to_the_optimum():
    sums = np.array([[1.0], [0.0]])
    assert choose(np.array([1e6, 1e6 + 1e-7]), sums).row == 0  # 1e-13 relative: tied
    assert choose(np.array([1e6, 1e6 + 1e-4]), sums).row == 1  # 1e-10 relative: not
    assert choose(np.array([-1e6 - 1e-7, -1e6]), sums).row == 0  # negative optimum too


def test_when_every_objective_is_minus_infinity_the_sum_decides():
    gains = np.array([[0.0, 0.4], [0.0, 0.7], [0.3, 0.0]])
    assert choose(np.array([-np.inf, -np.inf, -np.inf]), gains).row == 1
    choice = nash(gains)  # every product is 0
    assert choice.row == 1 and choice.objective == -np.inf


def test_choose_takes_the_sums_when_given():
    assert choose(np.array([2.0, 2.0]), None, sums=np.array([0.0, 1.0])).row == 1
    assert choose(np.array([]), np.zeros((0, 2))) is None


def test_every_concept_returns_none_without_rows():
    empty = np.zeros((0, 2))
    assert nash(empty) is None and kalai(empty) is None
    assert egalitarian(empty) is None and utilitarian(empty) is None


def test_egalitarian_and_utilitarian_objectives():
    g = np.array([[0.9, 0.1], [0.4, 0.5], [0.5, 0.45]])
    assert egalitarian(g) == Choice(2, 0.45)
    assert utilitarian(g) == Choice(0, 1.0)


# -- Kalai-Smorodinsky and Nash objectives ------------------------------------------------------


def test_kalai_objective_leaves_out_parties_with_no_possible_gain():
    gains = np.array([[0.0, 0.5], [0.0, 1.0]])
    # party 0's best gain is 0: the smallest share is party 1's alone
    assert kalai_objective(gains).tolist() == [0.5, 1.0]
    assert kalai_objective(np.zeros((3, 2))).tolist() == [1.0, 1.0, 1.0]
    assert kalai(np.zeros((2, 2))) == Choice(0, 1.0)
    # an explicit ideal point scales the shares
    assert kalai_objective(gains, np.array([2.0, 2.0])).tolist() == [0.0, 0.0]
    assert kalai_objective(np.array([[1.0, 0.5]]), np.array([2.0, 1.0])).tolist() == [0.5]


@given(g=gain_arrays(max_rows=12), data=st.data())
@settings(max_examples=40, deadline=None)
def test_kalai_objective_is_invariant_to_rescaling_each_party(g, data):
    # Shares of the ideal gain are unit-free: scaling one party's gains (and its ideal) by
    # any positive factor changes no share (powers of two: exact, subnormal gains included). A party with no possible gain (a zero column)
    # stays out of the minimum, scaled or not.
    p = g.shape[1]
    if data.draw(st.booleans()):
        g[:, data.draw(st.integers(0, p - 1))] = 0.0  # a party that cannot gain
    scale = np.array(data.draw(st.lists(st.sampled_from([2.0, 8.0, 64.0]), min_size=p, max_size=p)))
    expected = kalai_objective(g)
    np.testing.assert_allclose(kalai_objective(g * scale), expected, rtol=1e-12, atol=1e-15)
    ideal = g.max(axis=0) * 2.0  # an explicit ideal point: shares halve, scaled alike
    np.testing.assert_allclose(
        kalai_objective(g * scale, ideal * scale), kalai_objective(g, ideal), rtol=1e-12
    )
    active = g.max(axis=0) > 0
    if active.any():  # each active party's best row is its whole ideal gain: share 1
        shares = (g[:, active] / g[:, active].max(axis=0)).min(axis=1)
        np.testing.assert_allclose(expected, shares, rtol=1e-12)


def test_weighted_nash_objective():
    g = np.array([[0.25, 0.5], [0.5, 0.0]])
    w = np.array([3.0, 1.0])  # normalised to 0.75, 0.25
    expected = 0.75 * np.log(0.25) + 0.25 * np.log(0.5)
    assert nash_objective(g, w).tolist() == pytest.approx([expected, -np.inf])
    assert nash_objective(np.array([[-0.1, 0.5]])).tolist() == [-np.inf]


# -- near-optimal outcomes ----------------------------------------------------------------------


def test_near_objectives_on_degenerate_inputs():
    assert objective("egalitarian", np.zeros((3, 0))).tolist() == [0.0, 0.0, 0.0]
    g = np.array([[0.2, 0.4], [0.3, 0.3]])
    assert objective("utilitarian", g, reservations=np.array([0.5, 0.25])).tolist() == (
        pytest.approx([1.35, 1.35])
    )
    assert objective("kalai", g, ideal=np.array([0.6, 0.4])).tolist() == pytest.approx([1 / 3, 0.5])
    with pytest.raises(ValueError, match="unknown concept"):
        objective("rawls", g)


def test_near_mask_thresholds():
    # within 10% of 2.0: at least 1.8 (up to rounding)
    assert near_mask("kalai", np.array([1.79, 1.8, 2.0]), 2.0, 0.1).tolist() == [
        False,
        True,
        True,
    ]
    # a negative optimum: f >= f* - t |f*|
    assert near_mask("utilitarian", np.array([-2.21, -2.19]), -2.0, 0.1).tolist() == [
        False,
        True,
    ]
    # tolerance 0 keeps the optimum (and rounding noise) only
    assert near_mask("nash", np.array([-1e-13, -1e-6, 0.0]), 0.0, 0.0).tolist() == [
        True,
        False,
        True,
    ]
    for bad in (-0.1, 1.0):
        with pytest.raises(ValueError, match="tolerance"):
            near_mask("nash", np.zeros(1), 0.0, bad)


# -- the Pareto filter against brute force ------------------------------------------------------


def _brute_force(points: np.ndarray) -> np.ndarray:
    """Row ``i`` is dominated when some row is >= everywhere and > somewhere."""
    keep = np.ones(points.shape[0], dtype=bool)
    for i, x in enumerate(points):
        ge = (points >= x).all(axis=1)
        gt = (points > x).any(axis=1)
        keep[i] = not (ge & gt).any()
    return keep


def _grid_points(n: int, p: int, seed: int) -> np.ndarray:
    """Points on a coarse grid: many duplicates, ties and dominated points."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 6, size=(n, p)) / 5.0


@pytest.mark.parametrize(("n", "p"), [(10, 2), (63, 2), (64, 2), (300, 2), (300, 3), (300, 4)])
def test_pareto_mask_equals_brute_force(n, p):
    points = _grid_points(n, p, seed=n + p)
    assert pareto_mask(points).tolist() == _brute_force(points).tolist()


def test_the_screen_keeps_points_better_in_a_later_column():
    # 100 points; the largest sum is (0.5, 0.5). (0.1, 0.9) is below it in the first column
    # only, (0.45, 0.45) in both: only the latter may be screened out.
    points = np.vstack([np.full((97, 2), 0.2), [[0.5, 0.5], [0.1, 0.9], [0.45, 0.45]]])
    assert np.flatnonzero(pareto_mask(points)).tolist() == [97, 98]


def _wide_points(seed: int, n: int = 40) -> np.ndarray:
    """Points of 260 columns (beyond moocore's 255): ``n`` random ones, each also worsened
    in one column, plus 5 exact duplicates."""
    rng = np.random.default_rng(seed)
    base = rng.random((n, 260))
    worse = base.copy()
    worse[np.arange(n), rng.integers(0, 260, n)] -= 0.5
    return np.vstack([base, worse, base[:5]])[rng.permutation(2 * n + 5)]


@pytest.mark.parametrize(
    ("block", "pairs", "n"),
    [
        (1024, 1 << 22, 40),
        (4, 7, 40),  # small blocks and batches: every loop runs
        (512, 1 << 12, 300),  # blocks of more rows than columns, cut into batches
    ],
)
def test_pareto_mask_beyond_moocore_equals_brute_force(monkeypatch, block, pairs, n):
    monkeypatch.setattr(pareto, "_BLOCK", block)
    monkeypatch.setattr(pareto, "_PAIRS", pairs)
    points = _wide_points(seed=block, n=n)
    expected = _brute_force(points)
    assert expected.sum() == n + 5  # the originals and 5 duplicates
    assert pareto_mask(points).tolist() == expected.tolist()
    # domination is unchanged by moving every point alike, to negative values or large ones
    for shift in (-10.0, 1e3):
        assert pareto_mask(points + shift).tolist() == expected.tolist(), shift


def test_pareto_mask_on_degenerate_shapes():
    for p in (1, 2, 3, 300):  # no points, one point: whatever the number of columns
        assert pareto_mask(np.zeros((0, p))).tolist() == []
        assert pareto_mask(np.full((1, p), 0.5)).tolist() == [True]
    assert pareto_mask(np.zeros((3, 0))).tolist() == [True, True, True]
    assert pareto_mask(np.array([[0.2], [0.5], [0.5]])).tolist() == [False, True, True]


# -- randomised agreements ----------------------------------------------------------------------


def test_nash_lottery_on_a_segment_is_its_weighted_midpoint():
    # gains (2l, 1 - l): the product 2l(1 - l) is largest at l = 1/2; with powers 3:1,
    # 3/4 log(2l) + 1/4 log(1 - l) at l = 3/4
    g = np.array([[2.0, 0.0], [0.0, 1.0]])
    m = nash_lottery(g)
    assert m.rows.tolist() == [0, 1]
    assert m.probabilities.tolist() == pytest.approx([0.5, 0.5], abs=1e-9)
    assert m.gains.tolist() == pytest.approx([1.0, 0.5], abs=1e-9)
    w = nash_lottery(g, np.array([3.0, 1.0]))
    assert w.probabilities.tolist() == pytest.approx([0.75, 0.25], abs=1e-9)
    assert w.gains.tolist() == pytest.approx([1.5, 0.25], abs=1e-9)
    assert 0.0 <= m.gap <= 1e-9


def test_nash_lottery_meets_its_tolerance():
    # Random problems (gains cubed: skewed, many dominated rows; unequal powers). The
    # Frank-Wolfe duality gap must reach ``tol`` (1e-13) well within ``max_iter``. Before
    # the Newton solve on the support ran to convergence, 3 of these 100 stopped after 500
    # steps with gaps of 1e-12 to 5e-11 (its stopping test was quadratic in the error).
    rng = np.random.default_rng(3)
    for _ in range(100):
        p = int(rng.integers(2, 5))
        g = rng.random((int(rng.integers(p, 30)), p)) ** 3
        power = rng.uniform(0.1, 10.0, p)
        mix = nash_lottery(g, power)
        assert mix.gap <= 1e-13, (g.tolist(), power.tolist(), mix.gap)
        # the gap is the certificate: no outcome improves the weighted log product, to first
        # order, by more than it (recomputed here from the expected gains)
        w = power / power.sum()
        x = mix.gains / g.max(axis=0)
        assert ((g / g.max(axis=0)) @ (w / x)).max() - 1.0 <= 1e-12


def test_each_newton_solve_is_exact_on_its_rows():
    # "Solve exactly on a small active set (Newton's method)": with no Frank-Wolfe step
    # (max_iter=0) the lottery is the best over the rows it starts from, so every row it
    # mixes has the first-order score sum_i w_i g_i / x_i = 1 (the simplex's multiplier)
    # (gains cubed and to the 8th: skewed problems, on which Newton's steps matter)
    rng = np.random.default_rng(3)
    for skew in [3] * 100 + [8] * 100:
        p = int(rng.integers(2, 5))
        g = rng.random((int(rng.integers(p, 30)), p)) ** skew
        power = rng.uniform(0.1, 10.0, p)
        mix = nash_lottery(g, power, max_iter=0)
        best = g.max(axis=0)
        on = best > ZERO_GAIN  # the parties in the product
        w = power[on] / power[on].sum()
        scores = (g[mix.rows][:, on] / best[on]) @ (w / (mix.gains[on] / best[on]))
        np.testing.assert_allclose(scores, 1.0, rtol=0, atol=1e-13)


def test_nash_lottery_starts_from_each_party_best_outcome():
    # q gains only in the last row: mixing p's best and q's best half and half, (0.5, 0.5)
    m = nash_lottery(np.array([[1.0, 0.0], [0.9, 0.0], [0.0, 1.0]]))
    assert m.rows.tolist() == [0, 2]
    assert m.gains.tolist() == pytest.approx([0.5, 0.5], abs=1e-9)


def test_nash_lottery_with_a_negligible_power():
    # powers 1e13 : 1 on the segment: q's share is its power, 1e-13, below what a mixture
    # reports (1e-12): the pure outcome best for p, and no division by a zero gain on the way
    m = nash_lottery(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1e13, 1.0]))
    assert m.rows.tolist() == [0] and m.probabilities.tolist() == [1.0]
    assert m.gains.tolist() == [1.0, 0.0] and m.gap <= 1e-12


def test_nash_lottery_keeps_a_pure_outcome_no_mix_beats():
    # (0.6, 0.6): product 0.36 > 0.25 for the best mix of the extremes; moving towards either
    # extreme lowers it (derivative 0.4 * 0.6 - 0.6 * 0.6 < 0)
    m = nash_lottery(np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.6]]))
    assert m.rows.tolist() == [2] and m.probabilities.tolist() == [1.0]


def test_nash_lottery_leaves_out_a_party_that_cannot_gain():
    m = nash_lottery(np.array([[0.5, 0.0], [0.2, 0.0], [0.5, 0.0]]))
    assert m.rows.tolist() == [0] and m.gains.tolist() == [0.5, 0.0]
    assert nash_lottery(np.zeros((2, 2))).rows.tolist() == [0]
    assert nash_lottery(np.zeros((0, 2))) is None


def test_lotteries_leave_out_a_party_whose_best_gain_is_the_zero_gain_threshold():
    # "Parties whose best gain is at most ZERO_GAIN are left out": q's best, exactly 1e-12,
    # is rounding noise around its reservation, so p's best outcome alone is drawn (with q
    # counted in, the lotteries would mix the two rows half and half)
    g = np.array([[1.0, 0.0], [0.0, ZERO_GAIN]])
    for mix in (nash_lottery(g), kalai_lottery(g)):
        assert mix.rows.tolist() == [0] and mix.gains.tolist() == [1.0, 0.0]


def test_kalai_lottery_scales_by_the_ideal_point():
    # ideal (2, 1): max t with 2l >= 2t and 1 - l >= t: l = 1/2, gains (1, 1/2) (the second
    # programme, the largest total, may use the 1e-9 it allows below t)
    m = kalai_lottery(np.array([[2.0, 0.0], [0.0, 1.0]]))
    assert m.probabilities.tolist() == pytest.approx([0.5, 0.5], abs=1e-8)
    assert m.gains.tolist() == pytest.approx([1.0, 0.5], abs=1e-8)
    assert m.gap == 0.0  # an exact LP optimum
    # an explicit ideal point of (4, 1): 2l >= 4t and 1 - l >= t: l = 2/3
    m = kalai_lottery(np.array([[2.0, 0.0], [0.0, 1.0]]), ideal=np.array([4.0, 1.0]))
    assert m.probabilities.tolist() == pytest.approx([2 / 3, 1 / 3], abs=1e-8)


def test_kalai_lottery_of_one_outcome_and_of_no_possible_gain():
    m = kalai_lottery(np.array([[0.3, 0.2]]))
    assert m.rows.tolist() == [0] and m.probabilities.tolist() == [1.0]
    assert m.gains.tolist() == [0.3, 0.2]
    assert kalai_lottery(np.zeros((2, 2))).rows.tolist() == [0]
    assert kalai_lottery(np.zeros((0, 2))) is None
    # nobody can gain: every lottery is optimal, the answer exact (gap 0)
    assert kalai_lottery(np.zeros((2, 2))).gap == 0.0 and nash_lottery(np.zeros((2, 2))).gap == 0.0


def test_kalai_lottery_takes_the_largest_total_among_equal_shares():
    # three parties; t = min share is at most 1/2 (x1 + x2 <= 1). Mixing A and B half and
    # half gives (1/2, 1/2, 1) -- total 2; A with C, or B with D, only (1/2, 1/2, 1/2).
    a, b, c, d = [1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]
    for rows in ([c, d, a, b], [a, c, d, b], [d, c, b, a]):
        m = kalai_lottery(np.array(rows))
        assert m.gains.tolist() == pytest.approx([0.5, 0.5, 1.0], abs=1e-7)


# -- the zone's slack -------------------------------------------------------------------------


def test_reported_slack():
    assert reported_slack(-5e-10, True, 1e-9) == 0.0  # exists within the tolerance
    assert reported_slack(0.25, True, 1e-9) == 0.25
    assert reported_slack(-0.25, False, 1e-9) == -0.25
    assert reported_slack(None, False, 1e-9) is None


# -- the exact count's state budget -----------------------------------------------------------


def test_merger_refuses_once_the_distinct_states_exceed_its_budget(monkeypatch):
    import simulator.solvers.count as count

    monkeypatch.setattr(count, "_BLOCK", 0)  # merge as soon as 2 * max_states rows are held
    keys = np.arange(10, dtype=float)[:, None]
    ones = np.ones(10, dtype=object)
    assert not _Merger(2).add(keys, ones)  # 10 distinct states > 2
    # 7 rows held (> 2 * 3) but 3 distinct states: within the budget
    m = _Merger(3)
    assert m.add(np.array([[0.0], [1.0], [2.0], [0.0], [1.0], [2.0], [2.0]]), ones[:7])
    merged, counts = m.result()
    assert merged[:, 0].tolist() == [0.0, 1.0, 2.0] and counts.tolist() == [2, 2, 3]
    # states equal to 1e-12 are one state
    m = _Merger(5)
    m.add(np.array([[0.1], [0.1 + 1e-14], [0.3]]), ones[:3])
    merged, counts = m.result()
    assert merged[:, 0].tolist() == [0.1, 0.3] and counts.tolist() == [2, 1]


def test_efficient_parts_keeps_a_row_beaten_by_less_than_the_margin_in_every_coordinate():
    # (0.5, 0.5) beats the last row by 0.9 margin in both coordinates: the rounding after
    # the sums may erase that, so the row is kept. Its projection x . w lies 0.9 margin *
    # sum(w) below, within the accepted band of twice margin * sum(w).
    m = 1e-9
    pts = np.array([[1, 0], [0, 1], [0.5, 0.5], [0.5 - 0.9 * m, 0.5 - 0.9 * m]])
    assert efficient_parts(pts, m).tolist() == [True, True, True, True]
    # beaten by 3 margins in both coordinates (its projection beyond the band), left out
    pts[3] = 0.5 - 3 * m
    assert efficient_parts(pts, m).tolist() == [True, True, True, False]
