"""The Pareto frontier: outcomes no other outcome improves for one party without hurting
another.

A point ``y`` *dominates* ``x`` when ``y_i >= x_i`` for every party and ``y != x``. The
frontier keeps every undominated point, equal duplicates included (two outcomes giving every
party the same utility are both efficient).

Algorithms (exact; comparisons are on the floating-point values as given):

Points are first screened against a few sure frontier points (maximisers of positive
weighted sums): whatever they dominate is not efficient. Then:

* two parties -- sort by the first utility descending (second descending on ties) and sweep
  the running maximum of the second: ``O(n log n)`` (Kung, Luccio & Preparata 1975);
* more parties -- *sort-filter-skyline* (Chomicki et al. 2003): sort by descending sum (a
  dominator has the larger sum) and compare in blocks against the frontier found so far.
  The cost is ``O(n log n + n h p)`` for ``h`` frontier points, vectorised by blocks.

References
----------
Kung, H. T., Luccio, F., & Preparata, F. P. (1975). On finding the maxima of a set of vectors.
*Journal of the ACM*, 22(4), 469-476. https://doi.org/10.1145/321906.321910

Chomicki, J., Godfrey, P., Gryz, J., & Liang, D. (2003). Skyline with presorting. *Proc.
ICDE*, 717-719. https://doi.org/10.1109/ICDE.2003.1260846
"""

from __future__ import annotations

import numpy as np

__all__ = ["pareto_mask"]

_BLOCK = 1024
_PAIRS = 1 << 22  # candidate pairs compared at once (bounds the broadcast's memory)


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


def _frontier_2d(points: np.ndarray) -> np.ndarray:
    order = np.lexsort((-points[:, 1], -points[:, 0]))
    p = points[order]
    n = p.shape[0]
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = (p[1:] != p[:-1]).any(axis=1)
    before = np.empty(n)
    before[0] = -np.inf
    before[1:] = np.maximum.accumulate(p[:-1, 1])
    group_start = np.maximum.accumulate(np.where(new_group, np.arange(n), 0))
    keep_sorted = p[:, 1] > before[group_start]
    keep = np.empty(n, dtype=bool)
    keep[order] = keep_sorted
    return keep


def _screen(points: np.ndarray) -> np.ndarray:
    """Drop points dominated by a few sure frontier points (weighted-sum maximisers; the sum
    first, which usually removes most). Works on columns: fast for few columns, many rows."""
    p = points.shape[1]
    rng = np.random.default_rng(0)  # fixed weights: the result does not depend on them
    weights = np.vstack([np.ones(p), np.eye(p) + 1e-3, rng.uniform(0.1, 1.0, (p, p))])
    cols = [np.ascontiguousarray(points[:, k]) for k in range(p)]
    idx = np.arange(points.shape[0])
    for w in weights:
        score = sum(wk * c for wk, c in zip(w, cols))
        best = int(np.argmax(score))
        below = cols[0] <= cols[0][best]
        same = cols[0] == cols[0][best]
        for c in cols[1:]:
            below &= c <= c[best]
            same &= c == c[best]
        keep = ~(below & ~same)
        idx = idx[keep]
        cols = [c[keep] for c in cols]
    alive = np.zeros(points.shape[0], dtype=bool)
    alive[idx] = True
    return alive


def _frontier_nd(points: np.ndarray) -> np.ndarray:
    """Frontier of *distinct* points, three or more columns."""
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
    n = points.shape[0]
    if n == 0:
        return np.zeros(0, dtype=bool)
    if points.shape[1] == 1:
        return points[:, 0] == points[:, 0].max()
    keep = np.zeros(n, dtype=bool)
    alive = np.flatnonzero(_screen(points))
    if points.shape[1] == 2:
        keep[alive] = _frontier_2d(points[alive])
        return keep
    uniq, inverse = np.unique(points[alive], axis=0, return_inverse=True)
    keep[alive] = _frontier_nd(uniq)[inverse.ravel()]
    return keep
