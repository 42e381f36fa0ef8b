"""Edge cases of the enumeration solvers, each worked out by hand: the tie tolerance's exact
boundary (``selection``), no rows and no parties (``utilitarian``), the lottery's choice
between its mixture and the pure Nash outcome and its dropping of rows (``lottery``), and
which red line a blocker names (``zone``). Fast enough to run on every mutant of
``simulator/solvers`` (``benchmarks/mutation.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from simulator import analyze, compile_model
from simulator.model import Condition, DiscreteIssue, Party, TableValue
from simulator.solvers.lottery import _DROP, _mixture, _newton_on_support, nash_lottery
from simulator.solvers.selection import TIE_RTOL, choose
from simulator.solvers.utilitarian import utilitarian
from simulator.solvers.zone import ZoneScan, finish

# -- selection: the tie tolerance --------------------------------------------------------------


@pytest.mark.parametrize("top", [0.0, 0.5, 1.0, 4.0, -3.0, 1e6, -1e6])
def test_a_score_exactly_at_the_tie_tolerance_ties(top):
    # the boundary is top - TIE_RTOL * max(1, |top|): a score there ties with the best (and
    # the larger sum of gains then wins), one a hair below does not
    edge = top - TIE_RTOL * max(1.0, abs(top))
    below = float(np.nextafter(edge, -np.inf))
    gains = np.array([[0.0], [5.0]])  # the second row has the larger sum
    assert choose(np.array([top, edge]), gains).row == 1
    assert choose(np.array([edge, top]), gains[::-1]).row == 0
    assert choose(np.array([top, below]), gains).row == 0
    # the scale: at |top| > 1 the tolerance is relative, below 1 absolute
    half = top - 0.5 * TIE_RTOL * max(1.0, abs(top))
    assert choose(np.array([top, half]), gains).row == 1
    twice = top - 2.0 * TIE_RTOL * max(1.0, abs(top))
    assert choose(np.array([top, twice]), gains).row == 0


def test_sums_tie_by_the_same_rule_then_the_first_row_wins():
    objective = np.array([1.0, 1.0, 1.0])
    sums = np.array([2.0, 2.0 - TIE_RTOL * 2.0, 2.0 - 3 * TIE_RTOL * 2.0])
    assert choose(objective, np.zeros((3, 1)), sums[::-1]).row == 1  # 0 not tied; 1 first
    assert choose(objective, np.zeros((3, 1)), sums).row == 0
    neg = np.array([-np.inf, -np.inf, -1.0])
    assert choose(neg, np.zeros((3, 1))).row == 2
    assert choose(np.full(3, -np.inf), np.array([[0.0], [2.0], [2.0]])).row == 1


# -- utilitarian: no rows, no parties ----------------------------------------------------------


def test_utilitarian_without_rows_or_parties():
    assert utilitarian(np.zeros((0, 2))) is None
    assert utilitarian(np.zeros((0, 0))) is None
    # no parties: every total is 0, all tie, the first row
    pick = utilitarian(np.zeros((3, 0)))
    assert pick is not None and (pick.row, pick.objective) == (0, 0.0)
    pick = utilitarian(np.array([[0.25, 0.5], [0.5, 0.25], [0.5, 0.5]]))
    assert (pick.row, pick.objective) == (2, 1.0)


# -- lottery -----------------------------------------------------------------------------------


def test_nash_lottery_keeps_its_mixture_when_the_pure_outcome_only_ties():
    # the parties' best outcomes mixed 50/50 give (0.75, 0.75), exactly the third outcome's
    # gains: the pure outcome replaces the mixture only when strictly better
    gains = np.array([[1.0, 0.5], [0.5, 1.0], [0.75, 0.75]])
    mix = nash_lottery(gains)
    assert mix.rows.tolist() == [0, 1] and mix.probabilities.tolist() == [0.5, 0.5]
    assert mix.gains.tolist() == [0.75, 0.75] and mix.gap == 0.0
    # a hair better: the pure outcome
    better = gains.copy()
    better[2] = [0.75, 0.75 + 1e-9]
    mix = nash_lottery(better)
    assert mix.rows.tolist() == [2] and mix.probabilities.tolist() == [1.0]


def test_newton_drops_a_row_whose_probability_falls_below_the_threshold():
    # maximise log x1 + log x2 over mixtures of (1, 0.9) and (0.5, 1): the objective rises
    # towards the first row all the way (slope 0.45 - 0.1 lam > 0), so the second row's
    # probability falls to 0 and it leaves the support
    pts = np.array([[1.0, 0.9], [0.5, 1.0]])
    w = np.array([0.5, 0.5])
    lam = _newton_on_support(pts, w, np.array([0.5, 0.5]))
    assert lam.tolist() == [1.0, 0.0]
    # a row at probability 1e-13 (below the 1e-12 threshold) that the optimum does not need
    # is dropped at the first step, and the rest solved exactly: 1/2 - 1/2 on (1, 0), (0, 1)
    pts = np.array([[1.0, 0.0], [0.0, 1.0], [0.2, 0.2]])
    lam = _newton_on_support(pts, w, np.array([0.5 - 5e-14, 0.5 - 5e-14, 1e-13]))
    assert lam[2] == 0.0 and lam[:2] == pytest.approx([0.5, 0.5], abs=1e-15)
    # but not when dropping it would leave a party with nothing: (1, 0) and (0.2, 0.2)
    pts = np.array([[1.0, 0.0], [0.2, 0.2]])
    lam = _newton_on_support(pts, w, np.array([1.0 - 1e-13, 1e-13]))
    assert lam[1] > 0.0
    # a row dropped with mass still on it (9e-13 on the midpoint (0.5, 0.5), which Newton's
    # step leaves as it is): the rest is renormalised, so the probabilities still sum to 1
    pts = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    for start in ((0.3 - 4.5e-13, 0.7 - 4.5e-13, 9e-13), (0.2, 0.8 - 9e-13, 9e-13)):
        lam = _newton_on_support(pts, w, np.array(start))
        assert lam[2] == 0.0 and lam[:2] == pytest.approx([0.5, 0.5], abs=1e-15)
        assert abs(lam.sum() - 1.0) <= 1e-15


def test_a_reported_mixture_drops_probabilities_below_the_threshold_only():
    # _DROP: "probabilities below this are dropped" -- as Newton drops them; one exactly at
    # it stays (and the rest are renormalised)
    gains = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    at = _mixture(np.arange(3), np.array([0.5, 0.5 - _DROP, _DROP]), gains, 0.0)
    assert at.rows.tolist() == [0, 1, 2] and at.probabilities[2] == _DROP
    below = np.nextafter(_DROP, 0.0)
    cut = _mixture(np.arange(3), np.array([0.5, 0.5 - below, below]), gains, 0.0)
    assert cut.rows.tolist() == [0, 1] and cut.probabilities.sum() == 1.0


@pytest.mark.parametrize(
    "start, w",
    [
        ((0.125, 0.25, 0.625), (0.25, 0.75)),
        ((1 / 13, 6 / 13, 6 / 13), (0.25, 0.75)),
        ((1 / 18, 6 / 18, 11 / 18), (0.5, 0.5)),
        ((1 / 9, 7 / 9, 1 / 9), (0.5, 0.5)),
    ],
)
def test_newton_on_a_support_with_a_midpoint_row_reaches_the_optimum(start, w):
    # (0.5, 0.5) is the midpoint of (1, 0) and (0, 1): moving mass between it and them
    # changes nothing, and Newton's minimal-norm step leaves its probability exactly as it
    # is (a step entry of exactly 0, which must not stop the search). The hull is the
    # segment x1 + x2 = 1, where sum w_i log x_i peaks at x = w.
    pts = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    lam = _newton_on_support(pts, np.array(w), np.array(start))
    assert lam.sum() == pytest.approx(1.0, abs=1e-15) and (lam >= 0).all()
    assert lam @ pts == pytest.approx(w, abs=1e-12)


# -- zone: which red line blocks ---------------------------------------------------------------


def _blocked_by_second_line():
    deal = DiscreteIssue("deal", ("a", "b", "c"))
    p = Party(
        "p",
        0.0,
        {"deal": 1},
        {"deal": TableValue((1.0, 0.5, 0.0))},
        # the first line allows everything; the second refuses a and b, which q alone accepts
        red_lines=(Condition("deal", ("a", "b", "c")), Condition("deal", ("c",))),
    )
    q = Party("q", 0.5, {"deal": 1}, {"deal": TableValue((1.0, 1.0, 0.0))})
    return compile_model([deal], [p, q])


def test_a_blocking_red_line_names_its_place_in_the_model():
    zone = analyze(_blocked_by_second_line(), ()).zone
    assert not zone.exists
    (blocker,) = [b for b in zone.blocking if b.kind == "red_line"]
    assert blocker.party == "p" and blocker.line == 1 and blocker.count_without == 2


def test_finish_reads_the_optional_line_index():
    scan = ZoneScan(
        total=4,
        feasible=4,
        count=0,
        slack=-0.5,
        without_reservation_count=np.array([0]),
        without_reservation_slack=np.array([-np.inf]),
        reach=np.array([0.5]),
        without_line_feasible=np.array([4, 4]),
        without_line_count=np.array([2, 3]),
        without_line_slack=np.array([0.25, 0.5]),
    )
    zone = finish(scan, ["p"], [0.5], [("p", "first"), ("p", "second", 7)], 1e-9)
    assert [(b.requirement, b.line) for b in zone.blocking] == [("first", None), ("second", 7)]
    assert [b.count_without for b in zone.blocking] == [2, 3]
    assert [b.slack_without for b in zone.blocking] == [0.25, 0.5]


# -- selection: a single row is never re-ranked ------------------------------------------------


def test_a_single_best_row_is_chosen_whatever_its_gains():
    # one row at the top: its (NaN) sum of gains is never compared
    gains = np.array([[np.nan], [0.0]])
    assert choose(np.array([1.0, 0.5]), gains).row == 0
    assert choose(np.array([np.nan]), np.array([[np.nan]])).row == 0


# -- pareto: a row near a frontier row it does not project above -------------------------------


def test_efficient_parts_keeps_a_row_just_above_a_frontier_rows_projection():
    from simulator.solvers.pareto import efficient_parts

    # r is dominated by q but within 1e-10 of p, and projects just above p (between p and q)
    p, q, r = [0.0, 1.0], [1.0, 1.0 - 1e-11], [1e-10, 1.0 - 1e-11]
    assert efficient_parts(np.array([p, q, r]), 1e-9).tolist() == [True, True, True]
    far = [0.5, 1.0 - 1e-11]
    assert efficient_parts(np.array([p, q, far]), 1e-9).tolist() == [True, True, False]


# -- zone: an empty scan -----------------------------------------------------------------------


def test_the_share_of_an_empty_scan_is_zero():
    empty = np.zeros(0)
    scan = ZoneScan(0, 0, 0, -np.inf, np.array([0]), np.array([-np.inf]), np.array([-np.inf]),
                    empty, empty.astype(int), empty)  # fmt: skip
    zone = finish(scan, ["p"], [0.5], [], 1e-9)
    assert (zone.exists, zone.count, zone.total, zone.share) == (False, 0, 0, 0.0)


# -- kalai_lottery: the zero-gain threshold and the LP's failure --------------------------------


@pytest.mark.parametrize(
    "gains",
    [
        [[1.0, 0.0, 1.0], [0.0, 1.0, 0.5], [0.0, 1.0, 1.0]],
        [[0.0, 1.0, 0.5], [1.0, 0.0, 1.0], [0.0, 1.0, 1.0]],
        [[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.5, 0.5, 1.0]],
    ],
)
def test_kalai_lottery_takes_the_largest_total_among_lotteries_reaching_its_share(gains):
    # every lottery here reaching the best common share (1/2 of each ideal) gives the first
    # two parties 1/2 each; the third gets between 1/2 and 1. The first programme may stop
    # at any of them (HiGHS does stop below 1 on these); the second takes the most in total.
    from simulator.solvers.lottery import kalai_lottery

    m = kalai_lottery(np.array(gains))
    assert m.gains == pytest.approx([0.5, 0.5, 1.0], abs=1e-8)


def test_kalai_lottery_leaves_out_a_party_whose_best_is_exactly_zero_gain():
    from simulator.solvers.lottery import ZERO_GAIN, kalai_lottery

    gains = np.array([[1.0, 0.0], [0.0, ZERO_GAIN]])
    m = kalai_lottery(gains)  # only p counts: its best outcome, for sure
    assert m.rows.tolist() == [0] and m.probabilities.tolist() == [1.0]
    m = kalai_lottery(gains, ideal=np.array([1.0, ZERO_GAIN]))
    assert m.rows.tolist() == [0]
    # a hair above the threshold q counts, and the shares are equalised 50/50
    gains[1, 1] = 2 * ZERO_GAIN
    m = kalai_lottery(gains)
    assert m.rows.tolist() == [0, 1] and np.allclose(m.probabilities, [0.5, 0.5])


def test_kalai_lottery_falls_back_to_the_pure_kalai_outcome_when_the_lp_fails(monkeypatch):
    import scipy.optimize

    from simulator.solvers.lottery import kalai_lottery

    class Failed:
        status, x = 4, None

    monkeypatch.setattr(scipy.optimize, "linprog", lambda *a, **k: Failed())
    gains = np.array([[1.0, 0.0], [0.0, 1.0], [0.45, 0.45]])
    m = kalai_lottery(gains)
    assert m.rows.tolist() == [2] and m.probabilities.tolist() == [1.0]
    assert m.gains.tolist() == [0.45, 0.45] and m.gap == np.inf


def test_nash_lottery_keeps_tiny_rows_that_alone_give_a_party_its_gain():
    # q's power is 1e-14: its optimal share of the draw is below the reporting threshold, so
    # the reported lottery is p's best outcome, row 1 (q gets nothing there). The rows giving
    # q a gain keep their tiny weights while the solver runs (dropping them would leave q's
    # expected gain at 0, its log at -inf): the gap stays a number, at the optimum
    gains = np.array([[0.5, 0.6], [0.9, 0.0], [0.6, 0.3]])
    m = nash_lottery(gains, np.array([0.1, 1e-14]))
    assert m.rows.tolist() == [1] and m.probabilities.tolist() == [1.0]
    assert np.isfinite(m.gap) and 0.0 <= m.gap <= 1e-12


def _simplex_grid(n: int, steps: int = 60) -> np.ndarray:
    """Every probability vector over ``n`` rows on a grid of ``1 / steps``."""
    pts = [c for c in np.ndindex(*([steps + 1] * (n - 1))) if sum(c) <= steps]
    return np.array([[*c, steps - sum(c)] for c in pts], dtype=float) / steps


@pytest.mark.parametrize("seed", range(12))
def test_lotteries_beat_every_lottery_on_a_grid(seed):
    # 2 or 3 outcomes, 2 or 3 parties: the solvers' lotteries are probability vectors at
    # least as good as the best on a fine grid of the simplex (Nash: the weighted log
    # product; Kalai: the least share of the ideal gains)
    from simulator.solvers.lottery import kalai_lottery

    rng = np.random.default_rng(seed)
    n, p = int(rng.integers(2, 4)), int(rng.integers(2, 4))
    gains = rng.random((n, p))
    power = rng.uniform(0.5, 2.0, p)
    w = power / power.sum()
    grid = _simplex_grid(n)
    m = nash_lottery(gains, power)
    assert m.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    assert (m.probabilities > 0).all() and np.allclose(m.gains, m.probabilities @ gains[m.rows])
    best = (np.log(grid @ gains) @ w).max()
    assert np.log(m.gains) @ w >= best - 1e-12 and m.gap <= 1e-9
    k = kalai_lottery(gains)
    assert k.probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    ideal = gains.max(axis=0)
    assert (k.gains / ideal).min() >= ((grid @ gains) / ideal).min(axis=1).max() - 1e-9
