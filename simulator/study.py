"""A study: one scenario solved -- its model, analysis and proposal evaluations together.

This is the front object the reports, figures and command line read. It only delegates:
:func:`simulator.analyze` does the solving, :func:`simulator.evaluate` judges proposals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from simulator.analysis import CONCEPTS, analyze, evaluate
from simulator.model import Model
from simulator.results import Analysis, Evaluation
from simulator.scenario import Scenario

__all__ = ["Study", "solve_scenario"]


@dataclass(frozen=True, eq=False)
class Study:
    """A scenario, its compiled model, the analysis and every proposal's evaluation."""

    scenario: Scenario
    model: Model
    analysis: Analysis
    evaluations: Mapping[str, Evaluation]

    @property
    def concepts(self) -> tuple[str, ...]:
        """The single-outcome concepts the scenario asked for, in report order."""
        return tuple(c for c in CONCEPTS if c in self.analysis.solutions)


def solve_scenario(scenario: Scenario, method: str | None = None) -> Study:
    """Compile, analyse and evaluate a loaded :class:`~simulator.scenario.Scenario`
    (``method`` overrides the scenario's ``solve.method``)."""
    model = scenario.model()
    concepts = [c for c in CONCEPTS if c in scenario.concepts]
    analysis = analyze(
        model,
        concepts,
        lotteries=scenario.lotteries,
        method=method or scenario.method,
        max_outcomes=scenario.max_outcomes,
    )
    evaluations = {
        name: evaluate(model, proposal.outcome, max_outcomes=scenario.max_outcomes)
        for name, proposal in scenario.proposals.items()
    }
    return Study(scenario, model, analysis, evaluations)
