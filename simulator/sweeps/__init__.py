"""Sweeps over a scenario's numbers: grids, samples of uncertain numbers, robustness."""

from simulator.sweeps.api import Robustness, plan, robustness, run_batch, sweep, sweep_model
from simulator.sweeps.fast import SweepModel
from simulator.sweeps.params import draw, grid, parse_path
from simulator.sweeps.stored import PlanError, StoredSweep, sweep_to

__all__ = [
    "PlanError",
    "Robustness",
    "StoredSweep",
    "SweepModel",
    "draw",
    "grid",
    "parse_path",
    "plan",
    "robustness",
    "run_batch",
    "sweep",
    "sweep_model",
    "sweep_to",
]
