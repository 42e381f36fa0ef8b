"""The Pareto frontier: outcomes no other outcome improves for one party without hurting
another.

A point ``y`` *dominates* ``x`` when ``y_i >= x_i`` for every party and ``y != x``. The
frontier keeps every undominated point, equal duplicates included (two outcomes giving every
party the same utility are both efficient).

:func:`pareto_mask` finds the frontier of a set of points; :func:`efficient_parts` the
points of one set that can be part of a frontier point of sums ``a + b`` (one point from each
of two sets), which lets :func:`simulator.analyze` filter only those sums.

Algorithm of :func:`pareto_mask` (exact; comparisons are on the floating-point values as
given):

1. Screen: drop the points dominated by the point of largest sum (one pass over the columns;
   on typical domains this removes most points, and whatever a point dominates is not
   efficient, whether or not that point is itself on the frontier).
2. Filter the rest with moocore's ``is_nondominated`` (López-Ibáñez et al.; a C library),
   maximising every column and keeping duplicates of undominated points
   (``keep_weakly=True``): the ``O(n log n)`` dimension sweep for two and three columns, and
   Kung, Luccio & Preparata's ``O(n log^(p-2) n)`` divide and conquer for more (the naive
   ``O(p n^2)`` comparison for small inputs).
3. Above moocore's limit of 255 columns: *sort-filter-skyline* in numpy (Chomicki et al.
   2003), on the distinct points: sort by descending sum (a dominator has the larger sum) and
   compare in blocks against the frontier found so far, ``O(n log n + n h p)`` for ``h``
   frontier points.

moocore was measured against the hand-written numpy filters it replaced (a two-column sweep,
and step 3 for three or more columns; ``benchmarks/README.md``): equal or faster on every
benchmark domain, and 40 to 50 times faster on large frontiers (10^6 outcomes of four
high-conflict parties, 15,378 frontier points: 0.8 s against 45 s).

References
----------
Kung, H. T., Luccio, F., & Preparata, F. P. (1975). On finding the maxima of a set of vectors.
*Journal of the ACM*, 22(4), 469-476. https://doi.org/10.1145/321906.321910

Chomicki, J., Godfrey, P., Gryz, J., & Liang, D. (2003). Skyline with presorting. *Proc.
ICDE*, 717-719. https://doi.org/10.1109/ICDE.2003.1260846

López-Ibáñez, M. et al. moocore: core algorithms for multi-objective optimization.
https://multi-objective.github.io/moocore/python/
"""

from __future__ import annotations

import numpy as np

__all__ = ["efficient_parts", "pareto_mask"]

#: Columns moocore accepts (its ``DIMENSION_MAX``); wider points use the numpy filter.
MOOCORE_MAX_COLUMNS = 255

_BLOCK = 1024
_PAIRS = 1 << 22  # candidate pairs compared at once (bounds the broadcast's memory)
_SCREEN_FROM = 64  # rows: below this the screen costs more than it saves


def _dominated_by(a: np.ndarray, b: np.ndarray, *, same: bool = False) -> np.ndarray:
    """For each row of ``a``: does some row of ``b`` dominate it?

    Rows must be *distinct* points, so that "at least as good everywhere" is domination
    except for a row compared with itself (``same=True`` when ``a`` is ``b``).
    """
    out = np.zeros(a.shape[0], dtype=bool)
    if a.shape[0] == 0 or b.shape[0] == 0:
        return out
    step = max(1, _PAIRS // b.shape[0])
    for s in range(0, a.shape[0], step):
        x = a[s : s + step]
        covered = b[None, :, 0] >= x[:, 0, None]
        for k in range(1, a.shape[1]):
            covered &= b[None, :, k] >= x[:, k, None]
        if same:
            rows = np.arange(x.shape[0])
            covered[rows, s + rows] = False
        out[s : s + step] = covered.any(axis=1)
    return out


def _frontier_nd(points: np.ndarray) -> np.ndarray:
    """Frontier of *distinct* points by sort-filter-skyline (any number of columns)."""
    order = np.argsort(-points.sum(axis=1), kind="stable")
    frontier = np.empty((0, points.shape[1]))
    kept: list[np.ndarray] = []
    for s in range(0, order.size, _BLOCK):
        rows = order[s : s + _BLOCK]
        block = points[rows]
        alive = ~_dominated_by(block, frontier)
        rows, block = rows[alive], block[alive]
        alive = ~_dominated_by(block, block, same=True)
        rows, block = rows[alive], block[alive]
        if rows.size == 0:
            continue
        # Rounding can give a dominator the same sum as the point it dominates: re-check.
        stay = ~_dominated_by(frontier, block)
        frontier = np.vstack([frontier[stay], block])
        kept = [k for k, st in zip(kept, stay) if st] + list(rows)
    keep = np.zeros(points.shape[0], dtype=bool)
    keep[np.asarray(kept, dtype=np.intp)] = True
    return keep


def _screen(points: np.ndarray) -> np.ndarray:
    """False for the points dominated by the point of largest sum (column by column, each
    column contiguous: fast for few columns and many rows)."""
    cols = np.ascontiguousarray(points.T)
    best = points[int(np.argmax(cols.sum(axis=0)))]
    below = cols[0] <= best[0]
    same = cols[0] == best[0]
    for c, b in zip(cols[1:], best[1:]):
        below &= c <= b
        same &= c == b
    return ~below | same


def _nondominated(points: np.ndarray) -> np.ndarray:
    """The frontier mask of ``points`` (two or more columns, any rows)."""
    if points.shape[1] > MOOCORE_MAX_COLUMNS:
        uniq, inverse = np.unique(points, axis=0, return_inverse=True)
        return _frontier_nd(uniq)[inverse.ravel()]
    import moocore  # deferred: about 50 ms to import, and not needed to start the CLI

    return moocore.is_nondominated(points, maximise=True, keep_weakly=True)


def pareto_mask(points: np.ndarray) -> np.ndarray:
    """Which rows of ``points`` (``n x p`` utilities or gains) are Pareto-optimal.

    Parameters
    ----------
    points : array of shape ``(n, p)``.

    Returns
    -------
    numpy.ndarray of bool, shape ``(n,)``: True for every undominated row (duplicates of an
    undominated row are all True).

    Examples
    --------
    >>> pareto_mask(np.array([[1, 0], [0, 1], [0.5, 0.5], [0.4, 0.4], [1, 0]])).tolist()
    [True, True, True, False, True]
    """
    points = np.asarray(points, dtype=float)
    n, p = points.shape
    if n == 0 or p == 0:
        return np.ones(n, dtype=bool)
    if p == 1:
        return points[:, 0] == points[:, 0].max()
    if n < _SCREEN_FROM:
        return _nondominated(np.ascontiguousarray(points))
    keep = np.zeros(n, dtype=bool)
    alive = np.flatnonzero(_screen(points))
    keep[alive] = _nondominated(points[alive])
    return keep


def efficient_parts(points: np.ndarray, margin: float) -> np.ndarray:
    """Which rows of ``points`` can be one part of a Pareto-optimal sum.

    Outcomes ``(r, c)`` have utilities ``round(a_r + b_c)``: a row of ``points`` plus a row of
    another set, then rounded. If some ``a_r'`` is at least ``a_r`` everywhere and larger by
    ``margin`` somewhere, ``(r', c)`` dominates ``(r, c)`` whatever ``c`` (addition and
    rounding are monotone, and the margin outlasts the rounding): row ``r`` is part of no
    frontier outcome. A smaller gap may vanish in the rounding, making ``(r, c)`` a duplicate
    of a frontier outcome, so such rows are kept. Kept:

    1. the Pareto-optimal rows (:func:`pareto_mask`; duplicates included);
    2. every other row within ``margin`` (largest coordinate difference) of one of them:
       found, or over-approximated, on a projection ``x . w`` with ``w`` in ``[1, 2)``,
       which moves by at most ``margin * sum(w)`` between such rows (twice that is
       accepted, for the projection's own rounding).

    A row left out is dominated (step 1), and every frontier row dominating it is farther
    than ``margin`` (step 2): in the coordinate of the largest gap it is beaten by more.

    Parameters
    ----------
    points : array of shape ``(n, p)``.
    margin : positive; larger than the error of the sums and any rounding after them.

    Returns
    -------
    numpy.ndarray of bool, shape ``(n,)``.

    Examples
    --------
    The point ``(0.4, 0.4)`` is beaten by ``(0.5, 0.5)`` by a margin; the one just below
    ``(0.5, 0.5)`` is beaten too, but by less than the margin:

    >>> pts = np.array([[1, 0], [0, 1], [0.5, 0.5], [0.4, 0.4], [0.5 - 1e-13, 0.5]])
    >>> efficient_parts(pts, 1e-9).tolist()
    [True, True, True, False, True]
    """
    points = np.asarray(points, dtype=float)
    keep = pareto_mask(points)
    out = np.flatnonzero(~keep)
    if out.size == 0 or out.size == keep.size:
        return keep
    w = 1.0 + (np.arange(points.shape[1]) * 0.6180339887498949) % 1.0
    proj = points @ w
    ref = np.sort(proj[keep])
    x = proj[out]
    at = np.searchsorted(ref, x)
    below = ref[np.maximum(at - 1, 0)]
    above = ref[np.minimum(at, ref.size - 1)]
    tol = 2.0 * margin * float(w.sum())
    keep[out[(np.abs(x - below) <= tol) | (np.abs(above - x) <= tol)]] = True
    return keep
