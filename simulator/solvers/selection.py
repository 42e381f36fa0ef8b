"""Choosing one outcome: the contract's tie-breaking, shared by every solution concept.

Each concept scores the acceptable outcomes; the chosen outcome has the best score, ties
broken by the larger sum of gains, then by the first outcome in enumeration order. Scores
that agree to a relative ``TIE_RTOL`` count as tied, so that two outcomes whose products are
equal mathematically are not told apart by rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TIE_RTOL", "Choice", "choose"]

TIE_RTOL = 1e-12


@dataclass(frozen=True)
class Choice:
    """The row a solver chose, and the value of its objective there."""

    row: int
    objective: float


def _near_max(values: np.ndarray) -> np.ndarray:
    """The positions of the values within a relative ``TIE_RTOL`` of the largest (every
    ``-inf`` when that is the largest)."""
    top = values.max()
    if top == -np.inf:
        return np.flatnonzero(np.isneginf(values))
    return np.flatnonzero(values >= top - TIE_RTOL * max(1.0, abs(top)))


def choose(
    objective: np.ndarray, gains: np.ndarray, sums: np.ndarray | None = None
) -> Choice | None:
    """The row maximising ``objective``; ties go to the larger ``gains.sum(axis=1)`` (pass
    it as ``sums`` if already computed), then to the smallest row. Rows must be in
    enumeration order. ``None`` when there are no rows.

    >>> choose(np.array([1.0, 2.0, 2.0]), np.array([[0.0], [0.1], [0.3]]))
    Choice(row=2, objective=2.0)
    """
    objective = np.asarray(objective, dtype=float)
    if objective.size == 0:
        return None
    rows = _near_max(objective)
    if rows.size == 0:  # NaN scores: nothing compares
        rows = np.zeros(1, dtype=np.intp)
    if rows.size > 1:  # tied: the larger sum of gains, then the first row
        tied = np.asarray(gains, dtype=float)[rows].sum(axis=1) if sums is None else sums[rows]
        rows = rows[_near_max(tied)]
    row = int(rows[0])
    return Choice(row, float(objective[row]))
