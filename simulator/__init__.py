"""zopa: find where agreement is possible in multi-issue, multi-party negotiations.

The public API is short::

    import simulator
    scenario = simulator.load("scenarios/examples/job_offer.yaml")
    result = simulator.analyze(scenario.model())
    result.zone.exists, result.solutions["nash"].outcome

or, from arrays and objects, :func:`compile_model` then :func:`analyze` / :func:`evaluate`.
Names are imported on first use, so that ``zopa --help`` starts without numpy or scipy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulator._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "analyze": "simulator.analysis",
    "evaluate": "simulator.analysis",
    "explain": "simulator.coalitions",
    "compile_model": "simulator.model",
    "load": "simulator.scenario",
    "Scenario": "simulator.scenario",
    "solve_scenario": "simulator.study",
    "Study": "simulator.study",
    "simulate": "simulator.dynamics",
    "sweep": "simulator.sweeps",
    "robustness": "simulator.sweeps",
    "compare": "simulator.comparison",
    "ScenarioError": "simulator.errors",
    "SpaceTooLargeError": "simulator.errors",
}

__all__ = [
    "Scenario",
    "ScenarioError",
    "SpaceTooLargeError",
    "Study",
    "analyze",
    "compare",
    "compile_model",
    "evaluate",
    "explain",
    "load",
    "robustness",
    "simulate",
    "solve_scenario",
    "sweep",
]

if TYPE_CHECKING:  # pragma: no cover
    from simulator.analysis import analyze, evaluate
    from simulator.coalitions import explain
    from simulator.comparison import compare
    from simulator.dynamics import simulate
    from simulator.errors import ScenarioError, SpaceTooLargeError
    from simulator.model import compile_model
    from simulator.scenario import Scenario, load
    from simulator.study import Study, solve_scenario
    from simulator.sweeps import robustness, sweep


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
