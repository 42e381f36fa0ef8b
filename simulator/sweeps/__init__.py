"""Sweeps over a scenario's numbers: grids, samples of uncertain numbers, robustness."""

from simulator.sweeps.api import Robustness, plan, robustness, run_batch, sweep, sweep_model
from simulator.sweeps.fast import SweepModel
from simulator.sweeps.params import draw, grid, parse_path

__all__ = [
    "Robustness",
    "SweepModel",
    "draw",
    "grid",
    "parse_path",
    "plan",
    "robustness",
    "run_batch",
    "sweep",
    "sweep_model",
]
