"""Rubinstein's alternating-offers bargaining over a pie: closed form and backward induction.

Two players split a pie of size one. Player 1 proposes at rounds 0, 2, 4, ..., player 2 at
rounds 1, 3, ...; the responder accepts or rejects; a rejected round costs each player the
factor ``delta_i`` (a share ``s`` agreed at round ``t`` is worth ``delta_i^t s``). The unique
subgame-perfect equilibrium of the infinite game gives the first proposer

.. math:: x_1^* = \\frac{1 - \\delta_2}{1 - \\delta_1 \\delta_2},

agreed at once (Rubinstein 1982). The equilibrium of the game cut at ``T`` rounds (the last
proposer takes all) is found by backward induction; it converges to ``x_1^*`` as ``T`` grows.

References
----------
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica*, 50(1),
97-109. https://doi.org/10.2307/1912531
"""

from __future__ import annotations

import numpy as np

__all__ = ["horizon_error", "rubinstein_share", "simulate_rubinstein"]


def _check(delta1: float, delta2: float) -> None:
    for d in (delta1, delta2):
        if not 0.0 <= d < 1.0:
            raise ValueError("discount factors must lie in [0, 1)")


def rubinstein_share(delta1: float, delta2: float) -> float:
    """The first proposer's equilibrium share ``(1 - delta2) / (1 - delta1 delta2)``.

    Examples
    --------
    >>> rubinstein_share(0.9, 0.9)  # equal patience: a first-mover advantage
    0.5263157894736843
    >>> rubinstein_share(0.0, 0.5)
    0.5

    References
    ----------
    Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica*, 50(1),
    97-109. https://doi.org/10.2307/1912531
    """
    _check(delta1, delta2)
    return (1.0 - delta2) / (1.0 - delta1 * delta2)


def horizon_error(delta1: float, delta2: float, rounds: int) -> float:
    """``x_T - x*``: how far the first proposer's share with a horizon of ``rounds`` lies
    from the infinite game's (positive for an odd horizon, negative for an even one):
    ``(d1 d2)^((T-1)/2) (1 - x*)`` for odd ``T``, ``-(d1 d2)^(T/2) x*`` for even ``T``.

    Examples
    --------
    >>> horizon_error(0.9, 0.8, 1) == 1 - rubinstein_share(0.9, 0.8)  # T = 1: it takes all
    True
    >>> round(horizon_error(0.9, 0.8, 2), 12) == round(-0.72 * rubinstein_share(0.9, 0.8), 12)
    True

    References
    ----------
    Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica*, 50(1),
    97-109. https://doi.org/10.2307/1912531
    """
    _check(delta1, delta2)
    if rounds < 1:
        raise ValueError("need at least one round")
    x = rubinstein_share(delta1, delta2)
    d = delta1 * delta2
    if rounds % 2:
        return d ** ((rounds - 1) // 2) * (1.0 - x)
    return -(d ** (rounds // 2)) * x


def simulate_rubinstein(
    delta1: float, delta2: float, pie_grid: int = 100_001, rounds: int = 2_000
) -> float:
    r"""The first proposer's share in the finite-horizon equilibrium on a grid of splits.

    Algorithm (backward induction):

    1. At the last round ``T - 1`` the proposer takes the whole pie (the responder, facing
       conflict worth 0, accepts anything).
    2. At round ``t < T - 1``, the responder ``j`` accepts a share ``s`` iff
       ``s >= delta_j v_{t+1}``, ``v_{t+1}`` its share as proposer at round ``t + 1`` (in
       that round's units); the proposer offers the smallest such share on the grid
       ``{0, 1/(G-1), ..., 1}`` and keeps ``v_t = 1 - s``.
    3. Return ``v_0``.

    With exact shares the horizon-``T`` equilibrium share ``x_T`` satisfies
    ``x_T - x* = delta_1 delta_2 (x_{T-2} - x*)`` (two rounds back), from ``x_1 = 1`` and
    ``x_2 = 1 - delta_2``, so its distance from the infinite game's ``x*`` is exactly

    .. math:: |x_T - x^*| = (\delta_1\delta_2)^{(T-1)/2}\,(1 - x^*) \ (T \text{ odd}),
              \qquad (\delta_1\delta_2)^{T/2}\,x^* \ (T \text{ even}),

    the first proposer getting more than ``x*`` for odd ``T`` (it makes the last offer) and
    less for even ``T``. The grid adds an error below ``1 / ((G - 1)(1 - max delta))``.

    Parameters
    ----------
    delta1, delta2 : discount factors in ``[0, 1)`` of the first and second proposer.
    pie_grid : number of grid points ``G`` for the shares.
    rounds : horizon ``T``.

    Examples
    --------
    >>> round(simulate_rubinstein(0.9, 0.8), 4), round(rubinstein_share(0.9, 0.8), 4)
    (0.7143, 0.7143)

    References
    ----------
    Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. *Econometrica*, 50(1),
    97-109. https://doi.org/10.2307/1912531
    """
    _check(delta1, delta2)
    if rounds < 1 or pie_grid < 2:
        raise ValueError("need at least one round and two grid points")
    grid = np.linspace(0.0, 1.0, pie_grid)
    deltas = (delta1, delta2)
    v = 1.0  # the proposer's share at the last round
    for t in range(rounds - 2, -1, -1):
        responder = (t + 1) % 2
        need = deltas[responder] * v
        k = min(int(np.searchsorted(grid, need - 1e-15)), pie_grid - 1)
        v = 1.0 - float(grid[k])
    return v
