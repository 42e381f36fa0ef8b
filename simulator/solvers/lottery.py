"""Randomised agreements: Nash and Kalai-Smorodinsky over the convex hull of the acceptable
gain vectors.

Parties who agree to draw an outcome by lot, with probabilities ``lambda_j``, expect the gains
``x = sum_j lambda_j g_j``; the set of such ``x`` is the convex hull of the acceptable gain
vectors, the classical convex bargaining set of Nash (1950) and von Neumann & Morgenstern.

* :func:`nash_lottery` maximises ``sum_i w_i log x_i`` over the hull by fully corrective
  Frank-Wolfe (Frank & Wolfe 1956; Lacoste-Julien & Jaggi 2015): solve exactly on a small
  active set of outcomes (Newton's method), add the outcome with the steepest ascent
  ``sum_i w_i g_ji / x_i``, stop when the duality gap ``max_j sum_i w_i g_ji / x_i - 1``
  (an upper bound on the objective's shortfall, by concavity) is at most ``tol``; the
  result reports its gap.
* :func:`kalai_lottery` solves the linear programme ``max t`` subject to ``x >= t G``,
  ``x`` in the hull (``G`` the ideal point), then among those the largest total gain, with
  HiGHS (``scipy.optimize.linprog``); a basic optimum mixes at most ``p + 1`` outcomes.

References
----------
Nash, J. F. (1950). The bargaining problem. *Econometrica*, 18(2), 155-162.
https://doi.org/10.2307/1907266

Kalai, E., & Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
*Econometrica*, 43(3), 513-518. https://doi.org/10.2307/1914280

Lacoste-Julien, S., & Jaggi, M. (2015). On the global linear convergence of Frank-Wolfe
optimization variants. *NeurIPS 28*. https://arxiv.org/abs/1511.05932
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.solvers.kalai import kalai
from simulator.solvers.nash import nash, normalise_power
from simulator.solvers.selection import Choice

__all__ = ["Mixture", "kalai_lottery", "nash_lottery"]

_DROP = 1e-12  # probabilities below this are dropped from the reported mixture


@dataclass(frozen=True, eq=False)
class Mixture:
    """A lottery over outcomes.

    Attributes
    ----------
    rows : rows of the input mixed, ascending.
    probabilities : their probabilities (summing to 1).
    gains : the expected gain of each party.
    gap : a bound on how far the objective may be from the optimum (0 for an exact LP
        optimum, up to the feasibility tolerance of linprog's HiGHS, 1e-7).
    """

    rows: np.ndarray
    probabilities: np.ndarray
    gains: np.ndarray
    gap: float


def _mixture(rows: np.ndarray, lam: np.ndarray, gains: np.ndarray, gap: float) -> Mixture:
    keep = lam >= _DROP
    rows, lam = rows[keep], lam[keep] / lam[keep].sum()
    order = np.argsort(rows)
    rows, lam = rows[order], lam[order]
    return Mixture(rows, lam, lam @ gains[rows], float(gap))


def _row(choice: Choice | None) -> int:
    """The row of a pure solution (:func:`nash`, :func:`kalai`) of gains that have rows."""
    if choice is None:  # pragma: no cover - they return None only when there are no rows
        raise RuntimeError("no pure solution found among a non-empty set of outcomes")
    return choice.row


#: A party whose best gain is at most this is treated as getting nothing from any lottery
#: (its gain is rounding noise around its reservation); it is left out of the objective.
ZERO_GAIN = 1e-12


def _objective(x: np.ndarray, w: np.ndarray) -> float:
    with np.errstate(divide="ignore"):
        return float((w * np.log(np.maximum(x, 0.0))).sum())


def _line_search(x: np.ndarray, dx: np.ndarray, w: np.ndarray, t_max: float) -> float:
    """Exact maximiser over ``t`` in ``[0, t_max]`` of ``sum_i w_i log(x_i + t dx_i)``,
    a concave function of ``t``: bisection on its decreasing derivative."""

    def slope(t: float) -> float:
        return float((w * dx / (x + t * dx)).sum())

    if slope(0.0) <= 0:
        return 0.0
    if (x + t_max * dx > 0).all() and slope(t_max) >= 0:
        return t_max  # (a gain reaching 0 at t_max makes the objective -inf there)
    lo, hi = 0.0, t_max
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if slope(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-16 * hi:
            break
    return lo


def _newton_on_support(points: np.ndarray, w: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Maximise ``sum_i w_i log (lam @ points)_i`` over the simplex restricted to the rows with
    ``lam > 0``: Newton directions under ``sum(lam) = 1``, each followed by an exact line
    search that stops at the simplex's boundary (a row reaching 0 leaves the support)."""
    lam = lam.copy()
    for _ in range(100):
        live = np.flatnonzero(lam > 0)
        if live.size == 1:
            break
        pts, lm = points[live], lam[live]
        m = lm.size
        x = lm @ pts
        grad = pts @ (w / x)
        hess = (pts * (w / x) / x) @ pts.T  # minus the Hessian: positive semidefinite
        kkt = np.zeros((m + 1, m + 1))
        kkt[:m, :m] = hess
        kkt[:m, m] = kkt[m, :m] = 1.0
        step = np.linalg.lstsq(kkt, np.append(grad, 0.0), rcond=None)[0][:m]
        step -= step.mean()  # keep sum(lam) = 1 exactly
        # Stop only once no ascent is left: grad @ step (the squared Newton decrement) is
        # quadratic in the distance to the optimum, the Frank-Wolfe gap linear, so a
        # threshold on it (1e-15 before) left gaps of 1e-8 the outer loop could not close.
        if grad @ step <= 0:
            break
        neg = step < 0
        t_max = float((lm[neg] / -step[neg]).min()) if neg.any() else 1e6
        t = _line_search(x, step @ pts, w, t_max)
        if t <= 0:
            break
        new = np.maximum(lm + t * step, 0.0)
        tiny = new < _DROP
        if tiny.any() and ((new * ~tiny) @ pts > 0).all():
            new[tiny] = 0.0  # drop rows the optimum does not need (if no gain falls to 0)
        lam[live] = new
        lam /= lam.sum()
        if t * np.abs(step).max() < 1e-15:
            break
    return lam


def nash_lottery(
    gains: np.ndarray, power: np.ndarray | None = None, tol: float = 1e-13, max_iter: int = 500
) -> Mixture | None:
    """The (weighted) Nash solution over randomised agreements:
    ``argmax_{lam in simplex} sum_i w_i log (sum_x lam_x g_i(x))``, by Frank-Wolfe.

    Parameters
    ----------
    gains : ``(n, p)`` gains of the acceptable outcomes (their Pareto frontier suffices).
    power : bargaining powers, normalised here; ``None`` for equal power.
    tol : stop when the Frank-Wolfe duality gap is at most ``tol``.
    max_iter : Frank-Wolfe steps at most; the result's ``gap`` says how close it got.

    Returns
    -------
    Mixture or None
        ``None`` when there are no rows. Parties whose best gain is at most ``ZERO_GAIN``
        are left out of the product (they get nothing whatever is drawn). Each party's gains
        are divided by its best gain first, which leaves the solution unchanged (Nash is
        invariant to rescaling) and keeps the arithmetic well conditioned; ``gap`` is then
        the duality gap of ``sum_i w_i log x_i`` in those units.

    Examples
    --------
    Two extreme deals and a poor compromise: the lottery mixes the extremes 50/50.

    >>> m = nash_lottery(np.array([[1.0, 0.0], [0.0, 1.0], [0.4, 0.4]]))
    >>> m.rows.tolist(), np.round(m.probabilities, 6).tolist()
    ([0, 1], [0.5, 0.5])

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica*, 18(2), 155-162.
    https://doi.org/10.2307/1907266

    Lacoste-Julien, S., & Jaggi, M. (2015). On the global linear convergence of Frank-Wolfe
    optimization variants. *NeurIPS 28*. https://arxiv.org/abs/1511.05932
    """
    gains = np.asarray(gains, dtype=float)
    if gains.shape[0] == 0:
        return None
    w_all = normalise_power(power, gains.shape[1])
    best = gains.max(axis=0)
    active = best > ZERO_GAIN
    if not active.any():
        return _mixture(np.array([_row(nash(gains, power))]), np.ones(1), gains, 0.0)
    g = np.maximum(gains[:, active], 0.0) / best[active]
    w = w_all[active] / w_all[active].sum()
    # Start from the mix of each party's best outcome (every expected gain positive), polish
    # it, and keep the pure Nash outcome instead if that is better.
    lam = np.zeros(g.shape[0])
    lam[np.argmax(g, axis=0)] += 1.0
    lam = _newton_on_support(g, w, lam / lam.sum())
    pure = _row(nash(g, w))
    if _objective(g[pure], w) > _objective(lam @ g, w):
        lam = np.zeros(g.shape[0])
        lam[pure] = 1.0
    for _ in range(max_iter):
        x = lam @ g
        scores = g @ (w / x)
        j = int(np.argmax(scores))
        if scores[j] - 1.0 <= tol:
            break
        gamma = _line_search(x, g[j] - x, w, 1.0)  # Frank-Wolfe step towards outcome j
        lam *= 1.0 - gamma
        lam[j] += gamma
        lam = _newton_on_support(g, w, lam)
    gap = float((g @ (w / (lam @ g))).max() - 1.0)
    return _mixture(np.flatnonzero(lam > 0), lam[lam > 0], gains, max(gap, 0.0))


def kalai_lottery(gains: np.ndarray, ideal: np.ndarray | None = None) -> Mixture | None:
    """The Kalai-Smorodinsky solution over randomised agreements (two linear programmes):
    ``argmax_{lam in simplex} min_i (sum_x lam_x g_i(x)) / G_i``, then the most total gain.

    Parameters
    ----------
    gains : ``(n, p)`` gains of the acceptable outcomes (their Pareto frontier suffices).
    ideal : best gain per party; default the column maxima.

    Examples
    --------
    >>> m = kalai_lottery(np.array([[1.0, 0.0], [0.0, 1.0], [0.4, 0.4]]))
    >>> np.round(m.gains, 6).tolist()
    [0.5, 0.5]

    References
    ----------
    Kalai, E., & Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
    *Econometrica*, 43(3), 513-518. https://doi.org/10.2307/1914280
    """
    from scipy.optimize import linprog  # imported here: scipy.optimize is slow to import

    gains = np.asarray(gains, dtype=float)
    n = gains.shape[0]
    if n == 0:
        return None
    ideal = gains.max(axis=0) if ideal is None else np.asarray(ideal, dtype=float)
    active = ideal > ZERO_GAIN
    if not active.any():
        return _mixture(np.array([_row(kalai(gains))]), np.ones(1), gains, 0.0)
    g = gains[:, active] / ideal[active]  # shares of the ideal gains: the ideal point is 1
    p = g.shape[1]
    # variables: lam (n), t ; maximise t  s.t.  t - g.T lam <= 0 (per party), sum lam = 1
    a_ub = np.hstack([-g.T, np.ones((p, 1))])
    a_eq = np.hstack([np.ones((1, n)), np.zeros((1, 1))])
    c = np.zeros(n + 1)
    c[-1] = -1.0
    first = linprog(
        c,
        A_ub=a_ub,
        b_ub=np.zeros(p),
        A_eq=a_eq,
        b_eq=[1.0],
        bounds=[(0, None)] * n + [(0, 1)],
        method="highs",
    )
    if first.status != 0:  # pragma: no cover - HiGHS failing on a bounded, feasible LP
        return _mixture(np.array([_row(kalai(gains))]), np.ones(1), gains, np.inf)
    t = first.x[-1]
    # among lotteries reaching t, the largest expected total gain
    second = linprog(
        -gains.sum(axis=1),
        A_ub=-g.T,
        b_ub=-(t - 1e-9) * np.ones(p),
        A_eq=np.ones((1, n)),
        b_eq=[1.0],
        bounds=[(0, None)] * n,
        method="highs",
    )
    lam = second.x if second.status == 0 else first.x[:n]
    return _mixture(np.arange(n), np.clip(lam, 0.0, None), gains, 0.0)
