"""Uncertain numbers in scenarios: a nominal value with a range or a distribution.

Any weight, option value, point (its ``x`` or its ``y``), ideal point, reservation or power
may be written, instead of a plain number, as a mapping::

    reservation: {value: 0.35, range: [0.25, 0.45]}                  # uniform over the range
    reservation: {distribution: triangular, range: [0.25, 0.45], mode: 0.3}
    reservation: {distribution: normal, mean: 0.35, sd: 0.05, range: [0.2, 0.5]}  # truncated
    points: [[100, 1.0], [{value: 300, range: [200, 400]}, 0.7], [900, 0.0]]    # a breakpoint

The x ranges of a curve may not cross: each point's highest x lies strictly below the next
point's lowest x (a plain x counts as a range of one value), so the xs stay strictly
ascending for every value the ranges allow.

The nominal ``value`` (default: the mode of a triangular, the mean of a normal, the middle of
a uniform range) is what ``zopa run`` solves; sweeps draw from the distribution
(:mod:`simulator.sweeps`).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DISTRIBUTIONS", "Uncertain"]

DISTRIBUTIONS = ("uniform", "triangular", "normal")


@dataclass(frozen=True)
class Uncertain:
    """An uncertain number of a scenario, at dotted ``path``
    (``parties.russia.reservation``, ``parties.russia.issues.nato.values.member``,
    ``parties.us.issues.army_cap.points[1][1]`` the y of a point,
    ``parties.us.issues.army_cap.points[1][0]`` its x)."""

    path: str
    value: float
    low: float
    high: float
    distribution: str = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    def quantile(self, u):
        """Map uniform numbers ``u`` in [0, 1] to this distribution (inverse CDF)."""
        import numpy as np

        u = np.asarray(u, dtype=float)
        lo, hi = self.low, self.high
        if self.distribution == "uniform":
            return lo + u * (hi - lo)
        if self.distribution == "triangular":
            from scipy.stats import triang

            c = (self.mode - lo) / (hi - lo) if hi > lo else 0.5
            return triang.ppf(u, c, loc=lo, scale=hi - lo)
        from scipy.stats import truncnorm

        a, b = (lo - self.mean) / self.sd, (hi - self.mean) / self.sd
        return truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd)
