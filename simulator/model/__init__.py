"""The model layer: issues, value functions, rules, parties, and their compiled form."""

from simulator.model.compiled import ACCEPT_ATOL, MAX_OUTCOMES, Model, RedLine, compile_model
from simulator.model.issues import ContinuousIssue, DiscreteIssue, Issue
from simulator.model.party import Interaction, Party
from simulator.model.rules import Condition, Implication, Rule
from simulator.model.space import OutcomeSpace
from simulator.model.values import IdealValue, PiecewiseLinearValue, TableValue, ValueFunction

__all__ = [
    "ACCEPT_ATOL",
    "MAX_OUTCOMES",
    "Condition",
    "ContinuousIssue",
    "DiscreteIssue",
    "IdealValue",
    "Implication",
    "Interaction",
    "Issue",
    "Model",
    "OutcomeSpace",
    "Party",
    "PiecewiseLinearValue",
    "RedLine",
    "Rule",
    "TableValue",
    "ValueFunction",
    "compile_model",
]
