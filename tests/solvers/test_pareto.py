"""The parts of a Pareto-optimal sum (:func:`simulator.solvers.pareto.efficient_parts`).

Outcomes whose utilities are ``round(a_r + b_c)`` have their frontier among the pairs of kept
rows: checked by brute force over every pair, duplicates and near-duplicates included.
"""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulator.solvers import pareto_mask
from simulator.solvers.pareto import efficient_parts
from tests.strategies import gain_arrays

MARGIN = 1e-9


def frontier_of_sums(a: np.ndarray, b: np.ndarray, rows, cols) -> set[tuple[int, int]]:
    """The pairs ``(r, c)`` among ``rows x cols`` on the frontier of all of them, with the
    utilities rounded as a compiled model rounds them (12 decimals)."""
    pairs = [(r, c) for r in rows for c in cols]
    if not pairs:
        return set()
    u = np.round(np.array([a[r] + b[c] for r, c in pairs]), 12)
    return {p for p, keep in zip(pairs, pareto_mask(u)) if keep}


def with_near_copies(g: np.ndarray, shift: float) -> np.ndarray:
    """``g`` and a copy of it moved by ``shift`` in its first column: pairs of rows apart by
    less than the margin, or (when ``shift`` is large) by more."""
    moved = g.copy()
    moved[:, 0] += shift
    return np.vstack([g, moved])


@given(
    a=gain_arrays(min_parties=2, max_parties=4, max_rows=12),
    data=st.data(),
    shift=st.sampled_from([-1e-13, 1e-13, -1e-12, 3e-12, -1e-6]),
)
@example(
    # (0.3, 0.7) + (0.6, 0.1) ties after rounding with (0.1, 0.8) + (0.8, 0.0) only up to the
    # last bit of the float sums: both pairs are on the frontier, as duplicates
    a=np.array([[0.3, 0.7], [0.1, 0.8]]),
    data=None,
    shift=-1e-13,
)
@settings(max_examples=200, deadline=None)
def test_every_frontier_pair_combines_kept_rows(a, data, shift):
    a = with_near_copies(a, shift)
    p = a.shape[1]
    if data is None:
        b = np.array([[0.6, 0.1], [0.8, 0.0]])
    else:
        b = data.draw(gain_arrays(min_parties=p, max_parties=p, max_rows=12))
    every = frontier_of_sums(a, b, range(a.shape[0]), range(b.shape[0]))
    rows = np.flatnonzero(efficient_parts(a, MARGIN))
    cols = np.flatnonzero(efficient_parts(b, MARGIN))
    assert every == frontier_of_sums(a, b, rows, cols)


@given(g=gain_arrays(min_parties=1, max_parties=5), margin=st.sampled_from([1e-12, 1e-9, 0.1]))
@settings(max_examples=100, deadline=None)
def test_kept_rows_include_the_frontier_and_what_is_near_it(g, margin):
    keep = efficient_parts(g, margin)
    assert keep.dtype == bool and keep.shape == (g.shape[0],)
    front = pareto_mask(g)
    assert (keep | ~front).all()
    # a row left out is farther than the margin from every frontier row
    for x in g[~keep]:
        assert (np.abs(g[front] - x).max(axis=1) > margin).all()


def test_a_row_dominated_by_less_than_the_margin_is_kept():
    g = np.array([[1.0, 0.0], [0.5, 0.5], [0.5 - 1e-13, 0.5], [0.4, 0.4]])
    assert efficient_parts(g, MARGIN).tolist() == [True, True, True, False]
    assert pareto_mask(g).tolist() == [True, True, False, False]


def _at_distance(points, d2, target, tol, w):
    """The first coordinate ``d1`` (searched ulp by ulp) whose row ``(d1, d2)`` projects to
    exactly ``target`` plus ``tol`` (tol > 0) or minus it (tol < 0)."""
    d1 = target + tol - d2 * w[1]
    for k in range(-64, 65):
        row = np.array([d1 + k * 2.0**-53, d2])
        if (np.vstack([points, row]) @ w)[-1] - target == tol:
            return row
    raise AssertionError("no row at that exact distance")  # pragma: no cover


def test_the_projection_window_is_closed_at_both_ends():
    # "twice that is accepted": a dominated row whose projection lies exactly 2 margin sum(w)
    # from a frontier row's, above it or below it, is kept; one ulp farther, it is dropped.
    # The margin is chosen so that window is a power of two, which the sums hit exactly.
    w = 1.0 + (np.arange(2) * 0.6180339887498949) % 1.0
    margin = 1.8213558733468301e-07
    tol = 2.0 * margin * float(w.sum())
    assert tol == 2.0**-20
    front = np.array([[1.0, 1.0], [2.0, 0.0]])  # projections 2.618... and 2
    high, low = front @ w
    above_low = _at_distance(front, 0.7, low, tol, w)  # dominated by (1, 1)
    below_high = _at_distance(front, 1.0, high, -tol, w)  # dominated by (1, 1)
    for row in (above_low, below_high):
        g = np.vstack([front, row])
        assert pareto_mask(g).tolist() == [True, True, False]
        assert efficient_parts(g, margin).tolist() == [True, True, True], row
    for row, sign, target in ((above_low, 1.0, low), (below_high, -1.0, high)):
        farther = row.copy()
        while abs((np.vstack([front, farther]) @ w)[-1] - target) <= tol:  # the next float
            farther[0] += sign * 2.0**-53
        g = np.vstack([front, farther])
        assert pareto_mask(g).tolist() == [True, True, False]
        assert efficient_parts(g, margin).tolist() == [True, True, False], farther
