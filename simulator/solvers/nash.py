"""The Nash bargaining solution, symmetric or weighted by bargaining power.

Over the acceptable outcomes ``x`` (every signatory's gain ``g_i(x) = u_i(x) - d_i >= 0``,
``d_i`` its reservation), choose

.. math:: \\arg\\max_x \\prod_i g_i(x)^{w_i}
          = \\arg\\max_x \\sum_i w_i \\log g_i(x), \\qquad \\sum_i w_i = 1,

with equal ``w_i`` for the symmetric solution. On a convex set it is the unique solution with
Pareto optimality, symmetry (for equal weights), invariance to positive affine rescaling of
any party's utility and reservation, and independence of irrelevant alternatives (Nash 1950);
the weighted form drops symmetry (Kalai 1977) and gives the Rubinstein (1982) shares as
discounting vanishes. On a finite set the maximiser is exact (the product is compared in logs;
ties within a relative 1e-12 go to the larger sum of gains, then the first outcome).

References
----------
Nash, J. F. (1950). The bargaining problem. *Econometrica*, 18(2), 155-162.
https://doi.org/10.2307/1907266

Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
*International Journal of Game Theory*, 6(3), 129-133. https://doi.org/10.1007/BF01774658
"""

from __future__ import annotations

import numpy as np

from simulator.solvers.selection import Choice, choose

__all__ = ["nash", "nash_objective"]


def normalise_power(power: np.ndarray | None, n_parties: int) -> np.ndarray:
    """Powers scaled to sum to one; equal when ``power`` is None."""
    if power is None:
        return np.full(n_parties, 1.0 / n_parties)
    w = np.asarray(power, dtype=float)
    if w.shape != (n_parties,) or (w <= 0).any() or not np.isfinite(w).all():
        raise ValueError("power needs one positive finite number per party")
    return w / w.sum()


def nash_objective(gains: np.ndarray, power: np.ndarray | None = None) -> np.ndarray:
    """``sum_i w_i log g_i`` per row (``-inf`` where some gain is not positive): the log of
    the weighted Nash product ``prod_i g_i^{w_i}``, powers ``w`` normalised to sum to one.

    >>> nash_objective(np.array([[0.25, 0.25], [1.0, 0.0]])).round(4).tolist()
    [-1.3863, -inf]

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica*, 18(2), 155-162.
    https://doi.org/10.2307/1907266

    Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
    *International Journal of Game Theory*, 6(3), 129-133. https://doi.org/10.1007/BF01774658
    """
    gains = np.asarray(gains, dtype=float)
    w = normalise_power(power, gains.shape[1])
    with np.errstate(divide="ignore"):
        logs = np.log(np.maximum(gains, 0.0))
    # a log of -inf (a gain of 0 or less) makes the sum -inf: the weights are positive
    return (logs * w).sum(axis=1)


def nash(gains: np.ndarray, power: np.ndarray | None = None) -> Choice | None:
    """The Nash bargaining solution among acceptable outcomes:
    ``argmax_x prod_i g_i(x)^{w_i}`` (``w`` the powers, summing to one; equal by default).

    Parameters
    ----------
    gains : ``(n, p)`` gains over reservations of the acceptable outcomes, rows in
        enumeration order.
    power : ``(p,)`` positive bargaining powers (normalised here); ``None`` for equal power.

    Returns
    -------
    Choice or None
        The chosen row and its objective ``sum_i w_i log g_i`` (the log of the weighted Nash
        product); ``None`` if there are no rows (no zone).

    Examples
    --------
    Split a pie: gains ``(x, 1 - x)``. Equal power gives the half, power 3:1 gives 3/4.

    >>> x = np.linspace(0, 1, 101)
    >>> pie = np.column_stack([x, 1 - x])
    >>> float(pie[nash(pie).row][0])
    0.5
    >>> float(pie[nash(pie, np.array([3.0, 1.0])).row][0])
    0.75

    References
    ----------
    Nash, J. F. (1950). The bargaining problem. *Econometrica*, 18(2), 155-162.
    https://doi.org/10.2307/1907266

    Kalai, E. (1977). Nonsymmetric Nash solutions and replications of 2-person bargaining.
    *International Journal of Game Theory*, 6(3), 129-133. https://doi.org/10.1007/BF01774658
    """
    gains = np.asarray(gains, dtype=float)
    return choose(nash_objective(gains, power), gains)
