"""A study: one scenario solved -- its model, analysis, how sharp each solution is, and the
proposal evaluations together.

This is the front object the reports, figures and command line read. It only delegates:
:func:`simulator.analyze` does the solving, :func:`simulator.sharpness.sharpness` measures the
near-optimal outcomes, :func:`simulator.evaluate` judges proposals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.analysis import CONCEPTS, analyze, evaluate
from simulator.model import Model
from simulator.results import Analysis, Evaluation, Sharpness
from simulator.scenario import Scenario
from simulator.sharpness import DEFAULT_NEAR, sharpness

__all__ = ["Study", "solve_scenario"]


@dataclass(frozen=True, eq=False)
class Study:
    """A scenario, its compiled model, the analysis, every proposal's evaluation, and how
    sharp each solution is (``sharpness``: empty when not measured)."""

    scenario: Scenario
    model: Model
    analysis: Analysis
    evaluations: Mapping[str, Evaluation]
    sharpness: Mapping[str, Sharpness | None] = field(default_factory=dict)

    @property
    def concepts(self) -> tuple[str, ...]:
        """The single-outcome concepts the scenario asked for, in report order."""
        return tuple(c for c in CONCEPTS if c in self.analysis.solutions)


def solve_scenario(
    scenario: Scenario, method: str | None = None, near: float | None = DEFAULT_NEAR
) -> Study:
    """Compile, analyse and evaluate a loaded :class:`~simulator.scenario.Scenario`
    (``method`` overrides the scenario's ``solve.method``), and measure how sharp each
    solution is: the outcomes within ``near`` (relative, 0.01 = 1%) of each concept's
    optimum, and a twice-as-fine grid of the continuous issues (``near=None``: skip)."""
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
    sharp = (
        {} if near is None else sharpness(model, analysis, near, max_outcomes=scenario.max_outcomes)
    )
    return Study(scenario, model, analysis, evaluations, sharp)
