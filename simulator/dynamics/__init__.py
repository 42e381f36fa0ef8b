"""Simulating the talks, not only their end point.

Agents with time-based, tit-for-tat, hard-line or Zeuthen strategies negotiate on a model's
enumerated outcome space under stacked alternating offers or a mediator's single negotiating
text; results are compared with the static Nash and Kalai-Smorodinsky solutions.
:mod:`~simulator.dynamics.rubinstein` holds the two-player alternating-offers benchmark.
"""

from simulator.dynamics.rubinstein import horizon_error, rubinstein_share, simulate_rubinstein
from simulator.dynamics.simulate import Simulation, monte_carlo, simulate, summarize
from simulator.dynamics.strategies import STRATEGIES

__all__ = [
    "STRATEGIES",
    "Simulation",
    "horizon_error",
    "monte_carlo",
    "rubinstein_share",
    "simulate",
    "simulate_rubinstein",
    "summarize",
]
