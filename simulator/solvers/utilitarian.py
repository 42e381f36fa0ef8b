"""The utilitarian solution: the largest total utility.

.. math:: \\arg\\max_x \\sum_i u_i(x) = \\arg\\max_x \\sum_i g_i(x)

(the two differ by the constant sum of reservations). Pareto-optimal, but it compares
utilities across parties and ignores how the total is shared (Harsanyi 1955). Ties go to the
first outcome in enumeration order.

References
----------
Harsanyi, J. C. (1955). Cardinal welfare, individualistic ethics, and interpersonal
comparisons of utility. *Journal of Political Economy*, 63(4), 309-321.
https://doi.org/10.1086/257678
"""

from __future__ import annotations

import numpy as np

from simulator.solvers.selection import Choice, choose

__all__ = ["utilitarian"]


def utilitarian(gains: np.ndarray) -> Choice | None:
    """The outcome with the largest sum of gains ``argmax_x sum_i g_i(x)`` (objective: that
    sum). Ties go to the first row.

    >>> utilitarian(np.array([[0.9, 0.1], [0.6, 0.6], [0.5, 0.7]]))
    Choice(row=1, objective=1.2)

    References
    ----------
    Harsanyi, J. C. (1955). Cardinal welfare, individualistic ethics, and interpersonal
    comparisons of utility. *Journal of Political Economy*, 63(4), 309-321.
    https://doi.org/10.1086/257678
    """
    gains = np.asarray(gains, dtype=float)
    if gains.shape[0] == 0:
        return None
    return choose(gains.sum(axis=1), gains)
