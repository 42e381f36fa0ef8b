"""Solvers: pure functions on arrays of gains, one solution concept per module."""

from simulator.solvers.egalitarian import egalitarian
from simulator.solvers.kalai import kalai
from simulator.solvers.lottery import Mixture, kalai_lottery, nash_lottery
from simulator.solvers.nash import nash
from simulator.solvers.pareto import pareto_mask
from simulator.solvers.selection import Choice, choose
from simulator.solvers.utilitarian import utilitarian

__all__ = [
    "Choice",
    "Mixture",
    "choose",
    "egalitarian",
    "kalai",
    "kalai_lottery",
    "nash",
    "nash_lottery",
    "pareto_mask",
    "utilitarian",
]
