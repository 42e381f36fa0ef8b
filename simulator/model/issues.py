"""Issue dimensions: discrete issues (ordered options) and continuous issues (intervals).

Every issue exposes its *levels*, the points an enumeration visits: the options of a
discrete issue, in listed order, or the grid of a continuous issue (``grid`` evenly spaced
points from ``low`` to ``high`` inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ContinuousIssue", "DiscreteIssue", "Issue"]


@dataclass(frozen=True)
class DiscreteIssue:
    """An issue settled by choosing one of a list of ordered options.

    Examples
    --------
    >>> nato = DiscreteIssue("nato", ("member", "neutral"))
    >>> nato.n_levels, nato.level_label(1)
    (2, 'neutral')
    """

    name: str
    options: tuple[str, ...]
    label: str = ""

    def __post_init__(self) -> None:
        if len(self.options) == 0:
            raise ValueError(f"issue {self.name!r} has no options")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"issue {self.name!r} repeats an option")

    @property
    def n_levels(self) -> int:
        return len(self.options)

    def level_label(self, level: int) -> str:
        """The option chosen at enumeration level ``level``."""
        return self.options[level]

    def index(self, option: str) -> int:
        """The level of ``option``; ``ValueError`` if it is not an option."""
        return self.options.index(option)


@dataclass(frozen=True)
class ContinuousIssue:
    """An issue settled by choosing a number in the closed interval ``[low, high]``.

    Enumeration solvers visit ``grid`` evenly spaced points including both ends
    (one point, ``low``, when ``low == high``).

    Examples
    --------
    >>> cap = ContinuousIssue("army_cap", 50.0, 1000.0, grid=3)
    >>> cap.levels.tolist()
    [50.0, 525.0, 1000.0]
    """

    name: str
    low: float
    high: float
    grid: int = 11
    label: str = ""
    unit: str = ""

    def __post_init__(self) -> None:
        if not (np.isfinite(self.low) and np.isfinite(self.high)) or self.low > self.high:
            raise ValueError(f"issue {self.name!r}: range must be finite with low <= high")
        if self.grid < 1 or (self.grid < 2 and self.low != self.high):
            raise ValueError(f"issue {self.name!r}: grid must be at least 2")

    @property
    def levels(self) -> np.ndarray:
        if self.low == self.high:
            return np.array([float(self.low)])
        return np.linspace(self.low, self.high, self.grid)

    @property
    def n_levels(self) -> int:
        return 1 if self.low == self.high else self.grid

    def level_label(self, level: int) -> float:
        """The number chosen at enumeration level ``level``."""
        return float(self.levels[level])


Issue = DiscreteIssue | ContinuousIssue
