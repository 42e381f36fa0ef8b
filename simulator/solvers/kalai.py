"""The Kalai-Smorodinsky solution: equal shares of each party's best possible gain.

With ``G_i = max_x g_i(x)`` the best gain party ``i`` can get in an acceptable outcome (the
*ideal* or utopia point), choose

.. math:: \\arg\\max_x \\min_{i : G_i > 0} \\frac{g_i(x)}{G_i}.

On a convex set this is the Pareto-optimal point on the segment from the disagreement point
to the ideal point; it replaces Nash's independence of irrelevant alternatives with
*individual monotonicity* (Kalai & Smorodinsky 1975). A party whose best gain is zero is left
out of the minimum (it gets its best whatever is chosen). Ties: larger sum of gains, then the
first outcome.

References
----------
Kalai, E., & Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
*Econometrica*, 43(3), 513-518. https://doi.org/10.2307/1914280
"""

from __future__ import annotations

import numpy as np

from simulator.solvers.selection import Choice, choose

__all__ = ["kalai", "kalai_objective"]


def kalai_objective(gains: np.ndarray, ideal: np.ndarray | None = None) -> np.ndarray:
    """``min_i g_i / G_i`` per row over parties with ``G_i > 0`` (1 if there are none):
    the smallest share of a party's ideal gain ``G_i`` (default the column maxima).

    >>> kalai_objective(np.array([[1.0, 0.0], [0.5, 0.8]])).tolist()
    [0.0, 0.5]

    References
    ----------
    Kalai, E., & Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
    *Econometrica*, 43(3), 513-518. https://doi.org/10.2307/1914280
    """
    gains = np.asarray(gains, dtype=float)
    ideal = gains.max(axis=0) if ideal is None else np.asarray(ideal, dtype=float)
    active = ideal > 0
    if active.all():
        return (gains / ideal).min(axis=1)
    if not active.any():
        return np.ones(gains.shape[0])
    return (gains[:, active] / ideal[active]).min(axis=1)


def kalai(gains: np.ndarray, ideal: np.ndarray | None = None) -> Choice | None:
    """The Kalai-Smorodinsky solution among acceptable outcomes:
    ``argmax_x min_i g_i(x) / G_i``, ``G_i`` party ``i``'s best acceptable gain.

    Parameters
    ----------
    gains : ``(n, p)`` gains of the acceptable outcomes, rows in enumeration order.
    ideal : best gain of each party; default the column maxima of ``gains``. Pass it when
        ``gains`` holds only part of the acceptable set (e.g. its Pareto frontier, whose
        column maxima are the same).

    Returns
    -------
    Choice or None
        The chosen row and its objective (the smallest share of an ideal gain).

    Examples
    --------
    >>> g = np.array([[1.0, 0.0], [0.6, 0.6], [0.2, 1.0], [0.7, 0.5]])
    >>> kalai(g)
    Choice(row=1, objective=0.6)

    References
    ----------
    Kalai, E., & Smorodinsky, M. (1975). Other solutions to Nash's bargaining problem.
    *Econometrica*, 43(3), 513-518. https://doi.org/10.2307/1914280
    """
    gains = np.asarray(gains, dtype=float)
    if gains.shape[0] == 0:
        return None
    return choose(kalai_objective(gains, ideal), gains)
