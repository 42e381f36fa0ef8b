"""Issue dimensions: discrete issues (ordered options) and continuous issues (intervals).

Every issue exposes its *levels*, the points an enumeration visits: the options of a
discrete issue, in listed order, or the grid of a continuous issue (``grid`` evenly spaced
points from ``low`` to ``high`` inclusive; for an integer issue, ``grid`` integers evenly
spread, rounded to the nearest integer -- every integer when ``grid`` is their number).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "INTEGER_GRID",
    "MAX_INTEGER",
    "ContinuousIssue",
    "DiscreteIssue",
    "Issue",
    "show_number",
]

#: Default ``grid`` of an integer issue (in scenarios and GENIUS imports): every integer when
#: there are at most this many, else this many integers evenly spread over the range.
INTEGER_GRID = 101
#: An integer issue's bounds lie within +-2**53, where every integer is exactly a float.
MAX_INTEGER = 2**53


def show_number(value: float) -> str:
    """A number as reports show it: at most ten significant digits, so that float noise
    (``0.6000000000000001``) does not show; integers without a decimal point.

    >>> show_number(0.6000000000000001), show_number(100.0), show_number(2.5e-12)
    ('0.6', '100', '2.5e-12')
    """
    return f"{float(value):.10g}"


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
    #: A readable label per option (``""`` where none), or ``()``: shown in reports.
    option_labels: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if len(self.options) == 0:
            raise ValueError(f"issue {self.name!r} has no options")
        if len(set(self.options)) != len(self.options):
            raise ValueError(f"issue {self.name!r} repeats an option")
        if self.option_labels and len(self.option_labels) != len(self.options):
            raise ValueError(
                f"issue {self.name!r} has {len(self.option_labels)} option labels for "
                f"{len(self.options)} options"
            )

    def show(self, value: str) -> str:
        """How a report shows option ``value``: its label, else its name.

        >>> DiscreteIssue("nato", ("member", "neutral"), option_labels=("NATO member", "")).show(
        ...     "member")
        'NATO member'
        """
        if self.option_labels and value in self.options:
            label = self.option_labels[self.options.index(value)]
            if label:
                return label
        return str(value)

    @property
    def n_levels(self) -> int:
        return len(self.options)

    def level_label(self, level: int) -> str:
        """The option chosen at enumeration level ``level``."""
        return self.options[level]

    def index(self, option: str) -> int:
        """The level of ``option``; ``ValueError`` if it is not an option."""
        if option not in self.options:
            raise ValueError(
                f"{option!r} is not an option of {self.name} (options: {', '.join(self.options)})"
            )
        return self.options.index(option)


@dataclass(frozen=True)
class ContinuousIssue:
    """An issue settled by choosing a number in the closed interval ``[low, high]`` -- or,
    with ``integer=True``, an integer in it (``low`` and ``high`` are then integers).

    Enumeration solvers visit ``grid`` evenly spaced points including both ends
    (one point, ``low``, when ``low == high``); for an integer issue ``grid`` integers, the
    evenly spaced points rounded to the nearest integer (halves up), so ``grid = high - low +
    1`` visits every integer, and ``grid`` may not exceed that. The MILP solver
    (``method="milp"``) solves a continuous issue on its whole interval and an integer issue
    on every integer of its range.

    Examples
    --------
    >>> cap = ContinuousIssue("army_cap", 50.0, 1000.0, grid=3)
    >>> cap.levels.tolist()
    [50.0, 525.0, 1000.0]
    >>> ContinuousIssue("days", 0, 10, grid=4, integer=True).levels.tolist()
    [0.0, 3.0, 7.0, 10.0]
    """

    name: str
    low: float
    high: float
    grid: int = 11
    label: str = ""
    unit: str = ""
    integer: bool = False

    def __post_init__(self) -> None:
        if not (np.isfinite(self.low) and np.isfinite(self.high)) or self.low > self.high:
            raise ValueError(f"issue {self.name!r}: range must be finite with low <= high")
        if self.grid < 1 or (self.grid < 2 and self.low != self.high):
            raise ValueError(f"issue {self.name!r}: grid must be at least 2")
        if self.integer:
            if not all(float(b).is_integer() and abs(b) <= MAX_INTEGER for b in self.bounds):
                raise ValueError(
                    f"issue {self.name!r}: an integer issue's range must be integers within +-2**53"
                )
            if self.grid > self.n_integers:
                raise ValueError(
                    f"issue {self.name!r}: grid {self.grid} exceeds the {self.n_integers} "
                    "integers of the range"
                )

    @property
    def bounds(self) -> tuple[float, float]:
        return (self.low, self.high)

    @property
    def n_integers(self) -> int:
        """How many integers the range holds (``high - low + 1`` for an integer issue)."""
        return int(np.floor(self.high)) - int(np.ceil(self.low)) + 1

    def show(self, value: float) -> str:
        """How a report shows ``value``: ten significant digits (no float noise), with the
        unit.

        >>> ContinuousIssue("army_cap", 100, 900, unit="thousand troops").show(600.0000000000001)
        '600 thousand troops'
        """
        text = show_number(value)
        return f"{text} {self.unit}" if self.unit else text

    def valid(self, x: float) -> bool:
        """Whether ``x`` is a valid value: in the range, and an integer for an integer
        issue."""
        return self.low <= x <= self.high and (not self.integer or float(x).is_integer())

    @property
    def levels(self) -> np.ndarray:
        if self.low == self.high:
            return np.array([float(self.low)])
        if self.integer:
            return _spread_integers(int(self.low), int(self.high), self.grid)
        return np.linspace(self.low, self.high, self.grid)

    @property
    def n_levels(self) -> int:
        return 1 if self.low == self.high else self.grid

    def level_label(self, level: int) -> float:
        """The number chosen at enumeration level ``level``."""
        return float(self.levels[level])


def _spread_integers(low: int, high: int, n: int) -> np.ndarray:
    """``n`` integers evenly spread from ``low`` to ``high`` (both included): ``low +
    round(i (high - low) / (n - 1))``, halves up, in exact integer arithmetic; distinct when
    ``n <= high - low + 1``."""
    width, d = high - low, n - 1
    if 2 * width * n < 2**62:
        i = np.arange(n, dtype=np.int64)
        return (low + (2 * i * width + d) // (2 * d)).astype(float)
    return np.array([float(low + (2 * i * width + d) // (2 * d)) for i in range(n)])


Issue = DiscreteIssue | ContinuousIssue
