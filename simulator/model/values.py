"""Value functions: a party's value ``v_k(x_k)`` in ``[0, 1]`` for one issue.

Three kinds, matching the scenario contract:

* :class:`TableValue` -- a discrete issue's value per option;
* :class:`PiecewiseLinearValue` -- ``points``: linear between breakpoints, clamped at the ends;
* :class:`IdealValue` -- ``ideal``: 1 at the ideal point, falling linearly to 0 at the far end
  of the issue's range.

Each evaluates, vectorised, at an array of *levels*: option indices for a discrete issue,
numbers for a continuous one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["IdealValue", "PiecewiseLinearValue", "TableValue", "ValueFunction"]


@dataclass(frozen=True)
class TableValue:
    """Value of each option of a discrete issue, in the issue's option order.

    >>> TableValue((0.0, 0.5, 1.0))(np.array([2, 0])).tolist()
    [1.0, 0.0]
    """

    values: tuple[float, ...]

    def __call__(self, levels: np.ndarray) -> np.ndarray:
        return np.asarray(self.values, dtype=float)[np.asarray(levels, dtype=np.intp)]


@dataclass(frozen=True)
class PiecewiseLinearValue:
    """``v(x)`` interpolating the breakpoints ``(xs[j], ys[j])``, constant beyond the ends.

    ``xs`` must be strictly ascending.

    >>> v = PiecewiseLinearValue((0.0, 10.0), (1.0, 0.0))
    >>> v(np.array([-5.0, 2.5, 20.0])).tolist()
    [1.0, 0.75, 0.0]
    """

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.xs) != len(self.ys) or len(self.xs) == 0:
            raise ValueError("points need as many x as y, at least one")
        if any(b <= a for a, b in zip(self.xs, self.xs[1:])):
            raise ValueError("points must have strictly ascending x")

    def __call__(self, levels: np.ndarray) -> np.ndarray:
        return np.interp(np.asarray(levels, dtype=float), self.xs, self.ys)


@dataclass(frozen=True)
class IdealValue:
    """``v(x) = 1 - |x - ideal| / max(ideal - low, high - ideal)`` on the range ``[low, high]``.

    1 at the ideal point, 0 at the far end of the range, linear in between.

    >>> IdealValue(25.0, 0.0, 100.0)(np.array([25.0, 100.0, 0.0])).tolist()
    [1.0, 0.0, 0.6666666666666667]
    """

    ideal: float
    low: float
    high: float

    def __call__(self, levels: np.ndarray) -> np.ndarray:
        span = max(self.ideal - self.low, self.high - self.ideal)
        x = np.asarray(levels, dtype=float)
        if span <= 0:
            return np.ones_like(x)
        return np.clip(1.0 - np.abs(x - self.ideal) / span, 0.0, 1.0)


ValueFunction = TableValue | PiecewiseLinearValue | IdealValue
