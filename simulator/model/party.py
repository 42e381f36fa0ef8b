"""Parties: additive utility over issues, reservation value, red lines and power.

A party's utility of an outcome ``x`` is

.. math:: u(x) = \\sum_k \\frac{w_k}{\\sum_j w_j} v_k(x_k) + \\sum_b \\mathrm{bonus}_b [x \\in W_b]

where ``v_k`` is the party's value function on issue ``k`` (:mod:`simulator.model.values`),
the weights are normalised to sum to one, and each interaction ``b`` adds its bonus when all
of its ``when`` conditions hold. An outcome is *acceptable* to the party when it breaks none
of its red lines and ``u(x) >= reservation``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from simulator.model.rules import Condition, Rule
from simulator.model.values import ValueFunction

__all__ = ["Interaction", "Party"]


@dataclass(frozen=True)
class Interaction:
    """A bonus (negative for a penalty) added when every condition in ``when`` holds."""

    when: tuple[Condition, ...]
    bonus: float

    def __str__(self) -> str:
        return f"{self.bonus:+g} when " + " and ".join(str(c) for c in self.when)


@dataclass(frozen=True)
class Party:
    """A negotiating party.

    Parameters
    ----------
    name : identifier used in results.
    reservation : utility of no agreement (the BATNA), on the utility scale.
    weights : raw importance per issue; normalised to sum to 1 when the model compiles.
        Issues not listed have weight 0 (the party is indifferent).
    values : value function per weighted issue.
    red_lines : rules every acceptable outcome must satisfy.
    interactions : non-additive bonuses.
    power : bargaining power (> 0) for the weighted Nash solution.
    """

    name: str
    reservation: float
    weights: Mapping[str, float]
    values: Mapping[str, ValueFunction]
    red_lines: tuple[Rule, ...] = ()
    interactions: tuple[Interaction, ...] = ()
    power: float = 1.0
    label: str = ""
    extra: Mapping[str, object] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not 0 < self.power < math.inf:  # NaN too
            raise ValueError(f"party {self.name!r}: power must be positive and finite")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError(f"party {self.name!r}: weights must be non-negative")
        missing = set(self.weights) - set(self.values)
        if missing:
            raise ValueError(f"party {self.name!r}: no value function for {sorted(missing)}")

    def normalised_weights(self) -> dict[str, float]:
        """Weights divided by their sum (all zero if the party weighs nothing)."""
        total = sum(self.weights.values())
        if total <= 0:
            return {k: 0.0 for k in self.weights}
        return {k: w / total for k, w in self.weights.items()}
