"""The egalitarian solution: the largest equal gain.

.. math:: \\arg\\max_x \\min_i g_i(x)

The maximin of gains over reservations (Kalai 1977, "proportional solutions", with equal
proportions): individually monotone and, on a convex comprehensive set, Pareto-optimal; it
compares utility gains across parties, so unlike Nash it is not invariant to rescaling one
party's utility. Ties: larger sum of gains, then the first outcome.

References
----------
Kalai, E. (1977). Proportional solutions to bargaining situations: interpersonal utility
comparisons. *Econometrica*, 45(7), 1623-1630. https://doi.org/10.2307/1913954
"""

from __future__ import annotations

import numpy as np

from simulator.solvers.selection import Choice, choose

__all__ = ["egalitarian"]


def egalitarian(gains: np.ndarray) -> Choice | None:
    """The egalitarian (maximin-gain) outcome ``argmax_x min_i g_i(x)``; the objective is
    the smallest gain. Ties go to the larger sum of gains, then the first row.

    >>> egalitarian(np.array([[0.9, 0.1], [0.4, 0.5], [0.5, 0.4], [0.1, 0.9]]))
    Choice(row=1, objective=0.4)

    References
    ----------
    Kalai, E. (1977). Proportional solutions to bargaining situations: interpersonal utility
    comparisons. *Econometrica*, 45(7), 1623-1630. https://doi.org/10.2307/1913954
    """
    gains = np.asarray(gains, dtype=float)
    if gains.shape[0] == 0:
        return None
    return choose(gains.min(axis=1), gains)
