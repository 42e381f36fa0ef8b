"""Uncertain numbers in scenarios: a nominal value with a range or a distribution.

Any weight, option value, point value (``y``), ideal point, reservation or power may be
written, instead of a plain number, as a mapping::

    reservation: {value: 0.35, range: [0.25, 0.45]}                  # uniform over the range
    reservation: {distribution: triangular, range: [0.25, 0.45], mode: 0.3}
    reservation: {distribution: normal, mean: 0.35, sd: 0.05, range: [0.2, 0.5]}  # truncated

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
    ``parties.us.issues.army_cap.points[1][1]``)."""

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
