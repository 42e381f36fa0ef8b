"""Near-optimal outcomes: how sharp a solution concept's choice is.

A concept picks one outcome, but other acceptable outcomes may score almost as well. With
``f`` the concept's objective on its natural scale and ``f*`` its optimum, an acceptable
outcome ``x`` is *within a tolerance* ``t`` (``0 <= t < 1``) of the optimum when

.. math:: f(x) \\ge f^* - t \\, |f^*|,

where ``f`` is

- Nash: the weighted product of gains ``prod_i g_i(x)^(w_i)`` (compared in logs:
  ``log f(x) >= log f* + log(1 - t)``, the same condition);
- Kalai-Smorodinsky: the smallest share of an ideal gain ``min_i g_i(x) / G_i``;
- egalitarian: the smallest gain ``min_i g_i(x)``;
- utilitarian: the total utility of the signatories ``sum_i u_i(x)``.

Issues on which the near-optimal outcomes disagree are where the chosen package is flat: the
concept hardly prefers its choice there, and a small change of a number (or of a grid) can
move it. Solvers of the concepts are in their own modules; this one only scores and filters.
"""

from __future__ import annotations

import numpy as np

from simulator.solvers.kalai import kalai_objective
from simulator.solvers.nash import nash_objective

__all__ = ["NEAR_CONCEPTS", "near_mask", "objective"]

NEAR_CONCEPTS = ("nash", "kalai", "egalitarian", "utilitarian")

#: Scores equal to the optimum up to rounding count as within any tolerance, zero included.
_ROUNDING = 1e-12


def objective(
    concept: str,
    gains: np.ndarray,
    *,
    power: np.ndarray | None = None,
    ideal: np.ndarray | None = None,
    reservations: np.ndarray | None = None,
) -> np.ndarray:
    """Each row's score under ``concept`` (see the module docstring; Nash in logs).

    Parameters
    ----------
    gains : ``(n, p)`` signatories' gains over their reservations.
    power : Nash bargaining powers (``None``: equal).
    ideal : Kalai-Smorodinsky's best gains ``G_i`` (``None``: the column maxima).
    reservations : the signatories' reservations, added back for the utilitarian total
        (``None``: zeros, i.e. the total gain, which ranks the same).

    >>> g = np.array([[0.2, 0.4], [0.3, 0.3]])
    >>> objective("egalitarian", g).tolist(), objective("utilitarian", g).tolist()
    ([0.2, 0.3], [0.6000000000000001, 0.6])
    """
    gains = np.asarray(gains, dtype=float)
    if concept == "nash":
        return nash_objective(gains, power)
    if concept == "kalai":
        return kalai_objective(gains, ideal)
    if concept == "egalitarian":
        return gains.min(axis=1) if gains.shape[1] else np.zeros(gains.shape[0])
    if concept == "utilitarian":
        extra = 0.0 if reservations is None else float(np.sum(reservations))
        return gains.sum(axis=1) + extra
    raise ValueError(f"unknown concept {concept!r}; known: {', '.join(NEAR_CONCEPTS)}")


def near_mask(concept: str, scores: np.ndarray, optimum: float, tolerance: float) -> np.ndarray:
    """Which ``scores`` (from :func:`objective`) lie within ``tolerance`` of ``optimum``.

    >>> near_mask("egalitarian", np.array([0.2, 0.299, 0.3]), 0.3, 0.01).tolist()
    [False, True, True]
    >>> near_mask("nash", np.log(np.array([0.98, 0.995, 1.0])), 0.0, 0.01).tolist()
    [False, True, True]
    """
    if not 0.0 <= tolerance < 1.0:
        raise ValueError(f"tolerance must be in [0, 1), not {tolerance!r}")
    scores = np.asarray(scores, dtype=float)
    slack = _ROUNDING * max(1.0, abs(optimum))
    if concept == "nash":  # scores are logs of the product
        threshold = optimum + np.log1p(-tolerance) if tolerance else optimum
    else:
        threshold = optimum - tolerance * abs(optimum)
    return scores >= threshold - slack
