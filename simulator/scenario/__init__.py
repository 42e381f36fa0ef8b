"""Reading scenario files: safe YAML with source positions, inheritance, validation.

The user-facing entry point is :func:`load`, which returns a :class:`Scenario` (engine
objects plus proposals, sources and the provenance of every number) or raises one
:class:`~simulator.errors.ScenarioError` listing every problem in the file.
"""

from simulator.errors import Problem, ScenarioError
from simulator.scenario.provenance import Provenance, ProvenanceItem, Source
from simulator.scenario.scenario import Proposal, Scenario, load
from simulator.scenario.validate import CONCEPTS

__all__ = [
    "CONCEPTS",
    "Problem",
    "Proposal",
    "Provenance",
    "ProvenanceItem",
    "Scenario",
    "ScenarioError",
    "Source",
    "load",
]
